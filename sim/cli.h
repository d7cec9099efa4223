/* cli.h: the launcher's command line, parsed into a plain struct (no I/O). */
#ifndef CS_CLI_H
#define CS_CLI_H

#include <stdbool.h>
#include <stddef.h>

#define CS_MAX_NODES 64

/* What runs a node: a UML process, or a QEMU x86_64 VM (node_qemu.c). */
enum cs_backend { CS_BACKEND_UML, CS_BACKEND_QEMU, CS_NBACKENDS };
#define CS_DEFAULT_SMP 2
#define CS_MAX_ENV 16

enum cs_cmd { CS_CMD_NONE, CS_CMD_RUN, CS_CMD_EXEC, CS_CMD_SHELL, CS_CMD_HELP };

struct cs_opts {
	int nodes;		/* 0: not given */
	const char *kernel;	/* NULL: default next to the binary */
	const char *module;	/* NULL: default next to the binary */
	bool no_module;
	const char *runs;	/* NULL: ./runs */
	const char *kernel_args;	/* extra kernel command line words, or NULL */
	const char *wire_delay;	/* ms, validated; NULL: none (wire.c) */
	const char *wire_loss;	/* percent */
	const char *wire_dup;	/* percent */
	int switches;		/* --switches K (cable.c), 0: one switch */
	unsigned int mem_mb;	/* 0: default */
	int timeout;		/* 0: not given */
	bool expect_clusterproc;
	const char *expect_krel_suffix;	/* NULL: no expectation */
	int tipc_tolerance;	/* ms, 0: TIPC's default */
	int tipc_join_tolerance;	/* ms while joining, 0: init's default */
	bool quiet;
	bool trace;		/* --trace: CS_TRACE=1, trace.svg (trace_run.c) */
	/* QEMU nodes: --backend qemu (all), --qemu-nodes LIST (bit N-1 =
	 * node N), their kernel and module, CPUs, and TCG instead of KVM */
	bool backend_given;
	enum cs_backend backend;
	unsigned long long qemu_nodes;
	const char *qemu_kernel;
	const char *qemu_module;
	int smp;		/* 0: CS_DEFAULT_SMP */
	const char *accel;	/* "kvm", "tcg"; NULL: auto (node_qemu.c) */
	/* --env KEY=VALUE (and --seed N: CP_SEED=N) for every command,
	 * after the scenario's env lines (so they win) */
	const char *env[CS_MAX_ENV];
	int nenv;
	char seed_env[32];
	enum cs_cmd cmd;
	const char *scenario;	/* run */
	int node;		/* exec, shell: 0 = not given */
	char **exec_argv;	/* exec: NULL-terminated, points into argv */
	int exec_argc;
};

#define CS_DEFAULT_MEM_MB 64
/*
 * A QEMU node's RAM without --mem: KASAN's shadow and lockdep's tables do
 * not fit 64M (alloc_workqueue() failed at boot: "Could not create inet
 * frag workq"); the guest touches only what it uses.
 */
#define CS_DEFAULT_QEMU_MEM_MB 256
#define CS_DEFAULT_TIMEOUT 120

/*
 * Parse argv (argv[0] is the program). Returns 0 on success; on error
 * returns -1 and writes a one-line message (no newline) to err.
 */
int cs_parse_args(int argc, char **argv, struct cs_opts *o,
		  char *err, size_t errlen);

/*
 * A node list "3" or "2,3" or "2-4,6" (1..CS_MAX_NODES) into a mask, bit
 * N-1 for node N; -1 if malformed.
 */
int cs_parse_node_list(const char *s, unsigned long long *mask);

/* KEY=VALUE with KEY a shell variable name? */
bool cs_env_key_ok(const char *s);

/* Parse "64", "64M", "1G" into MiB; -1 if malformed or out of 16..4096. */
int cs_parse_mem(const char *s, unsigned int *mb);

/* A decimal number (digits, at most one '.') in [lo, hi]? */
bool cs_is_number_in(const char *s, double lo, double hi);

/* Does s end in suffix? */
bool cs_str_ends_with(const char *s, const char *suffix);

/* Parse a decimal int in [lo, hi]; -1 if malformed or out of range. */
int cs_parse_int(const char *s, int lo, int hi, int *out);

extern const char cs_usage_text[];

#endif
