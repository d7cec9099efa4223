/* cluster.h: the launcher's state for one run (owned by main, no globals). */
#ifndef CS_CLUSTER_H
#define CS_CLUSTER_H

#include "cli.h"
#include "console_scan.h"
#include "scenario.h"

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

struct cs_node {
	int num;
	enum cs_backend backend;	/* what runs it: UML or QEMU */
	pid_t pid;		/* UML main process or QEMU = its process
				 * group; 0 if none */
	bool exited;
	int wstatus;
	double t_exit;
	char console[PATH_MAX];
	int con_fd;		/* read side of the console file, -1 if none */
	int klog_rd;		/* shell node: kernel log pipe (ttyS0), -1 */
	int klog_file;		/* shell node: console file, appended to, -1 */
	struct cs_linebuf lb;
	char phase[24];
	double t_phase;
	bool joined;
	bool done;		/* init reported the end of its part */
	bool fatal;		/* init reported a fatal error */
	bool silent_reported;	/* silent.c said so once */
	int splats;
	char results[PATH_MAX];	/* host path of the rw results dir */
	char job[PATH_MAX];	/* host path of the job file */
	int nexpect;		/* number of TAP files expected */
	double heal_at;		/* faults.c: partitioned until then, 0 not */
	double resume_at;	/* faults.c: stopped until then, 0 not */
	bool crashed;		/* faults.c: killed on request */
	double t_crash;
	int restarted;		/* faults.c: booted again this many times */
	char where[512];	/* qemu_cpus.c: its vCPUs' places at the end */
};

/* A host process the run needs (vde_switch, wirefilter). */
struct cs_helper {
	char name[32];
	pid_t pid;		/* its process group; 0 none */
	bool exited;
	int in_fd;		/* write end of its stdin pipe, -1: it exits
				 * when this closes (we are gone) */
};

/* A kernel and its module, as one backend boots them. */
struct cs_kimage {
	bool used;		/* some node runs this backend */
	char kernel[PATH_MAX];	/* UML: the linux binary; QEMU: vmlinux */
	char module[PATH_MAX];	/* empty: none */
	char krel[128];		/* release in the kernel binary's banner */
	char kbanner[512];	/* "Linux version ..." = the guest's /proc/version */
};

/* nodes booted again (cs-fail NODE restart) in one run, at most */
#define CS_MAX_RESTARTS 64
#define CS_KEY_BYTES 32		/* the cluster key (key.c) */

struct cs_cluster {
	const struct cs_opts *o;
	enum cs_cmd cmd;
	int n;			/* nodes */
	int restarts;		/* faults.c: cs-fail restarts so far */
	int timeout;		/* seconds, 0: none */
	unsigned int mem_mb;
	char id[64];
	char bindir[PATH_MAX];
	/* the build tree (bindir/..) if a guest mount (/tmp, /run) hides it:
	 * the nodes mount it there read-only (CS_TREE); else empty */
	char tree[PATH_MAX];
	struct cs_kimage img[CS_NBACKENDS];
	char init[PATH_MAX];
	/* QEMU nodes: the program, "kvm" or "tcg", CPUs per node */
	char qemu[PATH_MAX];
	const char *qemu_accel;
	int smp;
	unsigned long tsc_khz;	/* the host's TSC rate (node_qemu.c), 0 unknown */
	char run_dir[PATH_MAX];
	char switch_dir[PATH_MAX];
	char uml_dir[PATH_MAX];
	/* host helpers: [0] the switch; with --wire-*, per node a switch and
	 * a wirefilter between it and its share's switch; with --switches K,
	 * K - 1 more switches and their cables (cable.c, at most 8) */
	struct cs_helper helper[1 + 2 * CS_MAX_NODES + 2 * 8 /* CS_MAX_SWITCHES */];
	int nhelpers;
	char node_wire[CS_MAX_NODES][PATH_MAX];	/* eth0's switch per node */
	/* eth0's port on it: N on the run's switch; 2 on a node's own
	 * switch, whose port 1 is its wirefilter's */
	int node_port[CS_MAX_NODES];
	/* wirefilter settings (--wire-*, else the scenario's 'wire'); NULL */
	const char *wire_delay, *wire_loss, *wire_dup;
	int shell_node;		/* shell mode: node on the terminal, else 0 */
	/* clustersim is root: every process of the run runs as this host
	 * user (nodeuser.c); not root: false, they run as we do */
	bool confined;
	char node_user[64];
	uid_t node_uid;
	gid_t node_gid;
	gid_t node_groups[1];	/* /dev/kvm's group for QEMU with KVM */
	char key[2 * CS_KEY_BYTES + 1];	/* the run's cluster key (key.c) */
	size_t node_ngroups;
	pid_t guard_pid;	/* see guard.c; 0 if none */
	int guard_fd;		/* write end of the guard's pipe, -1 */
	struct timespec t0;
	struct cs_node node[CS_MAX_NODES];
	/* outcome */
	bool interrupted;
	int signo;
	bool timed_out;
	bool failed_early;
	bool bad_runs;		/* --runs unusable (too long, bad characters):
				 * a usage error, nothing was started */
	int all_joined_reported;
	double t_joined;	/* launcher time when every node had joined */
	double t_first_up;	/* ... when the first init said "up" */
	double t_last_up;	/* ... when the last one did */
	int nup;
	long pss_kb;		/* per node (mean), at the join; -1 unknown */
	long rss_kb;
	long cpu_ms;		/* per node (mean), host CPU used until the join */
	int total_splats;
};

double cs_elapsed(const struct cs_cluster *c);

/* paths.c */
int cs_self_dir(char *out, size_t len);
/* the linux_banner compiled into a kernel binary, and its release */
int cs_kernel_banner(const char *kernel, char *banner, size_t blen,
		     char *rel, size_t rlen);
/*
 * The guest mount (/tmp, /run, ...) that hides @path (absolute, resolved)
 * from programs run in a node, or NULL if a node sees it.
 */
const char *cs_guest_hidden(const char *path);
/* @path is @dir or below it (both absolute, resolved) */
bool cs_path_under(const char *path, const char *dir);
int cs_resolve_prog(const char *guestdir, const char *prog, char *out,
		    size_t len);

/* rundir.c */
int cs_rundir_create(struct cs_cluster *c, const char *runs);

/* jobs.c */
int cs_jobs_write(struct cs_cluster *c, const struct cs_scenario *sc,
		  char *err, size_t errlen);
/* name of the seq-th (1-based) command of a node: results NAME.tap/.log */
void cs_run_name(const struct cs_run_cmd *rc, int seq, char *out, size_t len);

/* child.c: default signal dispositions and an empty mask, before exec */
void cs_child_reset_signals(void);

/*
 * nodeuser.c: the unprivileged host user the run's processes become when
 * clustersim is root (CS_NODE_USER, else nobody). prepare: look it up
 * (c->confined); 0, or -1 after a one-line error.
 */
#define CS_NODE_USER "clustersim-node"
int cs_node_user_prepare(struct cs_cluster *c);
/* in a child before exec: drop supplementary groups, gid and uid for
 * good; 0, or -1 after a one-line error (on the child's stderr) */
int cs_node_user_enter(const struct cs_cluster *c);
/* mkdir @dir (@mode; may exist) and hand it to the node user if confined */
/* key.c: the run's cluster key, to @nd's results dir before it boots */
int cs_node_write_key(struct cs_cluster *c, const struct cs_node *nd);
int cs_node_user_dir(const struct cs_cluster *c, const char *dir, mode_t mode);
/* what the node user must reach: access(2) @mode on @path, @what names it */
struct cs_node_access {
	const char *what;
	const char *path;	/* "": nothing to check */
	int mode;
};
/* each of @acc as the node user (a child); 0, or -1 after one line */
int cs_node_user_check(const struct cs_cluster *c,
		       const struct cs_node_access *acc, size_t n);

/* guard.c: kills every started group if clustersim dies abruptly */
int cs_guard_start(struct cs_cluster *c);
void cs_guard_add(struct cs_cluster *c, pid_t pgid);
void cs_guard_disarm(struct cs_cluster *c);

/* switch.c: start a helper in its own process group, stdin a pipe we
 * keep, output to log; returns its index or -1 */
int cs_helper_spawn(struct cs_cluster *c, const char *name, char *const argv[],
		    const char *log);
/* vde_switch on dir (waits for its ctl socket); index or -1 */
int cs_switch_start(struct cs_cluster *c, const char *dir, const char *name);
/* Read from a vde management socket until @end is in buf (NUL-terminated;
 * or 1 s passes); 0 if it came. */
int cs_read_until(int fd, char *buf, size_t len, size_t *used,
		  const char *end);

/*
 * A port of the switch on @dir, as its management console (@dir/mgmt)
 * tells it: 0, or -1 if it could not be asked or has no such port.
 */
struct cs_vde_port;
int cs_switch_port(const char *dir, int port, struct cs_vde_port *vp);

/*
 * Ports of the switch on @dir that have a client plugged in: the data
 * sockets "NNN.fd" vde_switch binds there, of port @port (all if 0);
 * -1 if @dir cannot be read.
 */
int cs_switch_ports(const char *dir, int port);
/*
 * Wait (up to @bound_ms) until cs_switch_ports(@dir, @port) >= @count;
 * -2 at once if the child @pid (0: none) that should plug in exited.
 * vde_switch 2.3.2 can attach a new port's data socket to another port's
 * endpoint when clients plug in concurrently (its poll table moves the
 * first non-priority entry without updating its index: the next
 * port's set-up then writes its endpoint into the wrong slot), so every
 * client is plugged in alone: started only once the previous one has
 * its port. 0, or -1 at the bound.
 */
int cs_switch_wait_ports(const char *dir, int port, int count, pid_t pid,
			 int bound_ms);
#define CS_PLUG_BOUND_MS 10000

/* wire.c: per-node wirefilter (--wire-*) or the main switch directly */
int cs_wire_start(struct cs_cluster *c);

/*
 * node.c: start one node (its backend's program) in its own process
 * group, console to its console file. The backends build the command
 * line: node_uml.c, node_qemu.c, on the guest parameters every backend
 * passes (cs_node_guest_args).
 */
int cs_node_start(struct cs_cluster *c, struct cs_node *nd);
struct cs_argbuf;
int cs_node_guest_args(const struct cs_cluster *c, const struct cs_node *nd,
		       struct cs_argbuf *a);
int cs_uml_argv(const struct cs_cluster *c, const struct cs_node *nd,
		struct cs_argbuf *a);
int cs_qemu_argv(const struct cs_cluster *c, const struct cs_node *nd,
		 struct cs_argbuf *a);
/* qemu-system-x86_64 on PATH (into c->qemu), KVM or TCG (c->qemu_accel):
 * 0, or -1 after a one-line error */
int cs_qemu_prepare(struct cs_cluster *c);

/* monitor.c: returns when every node exited, on failure, timeout or signal */
void cs_monitor(struct cs_cluster *c);
/*
 * The last @lines lines of @nd's console on stderr (console_tail.c): what
 * a CI log shows of a node that did not finish.
 */
#define CS_TAIL_LINES 25

/*
 * A QEMU node's monitor socket (qemu_cpus.c), and each of its vCPUs' RIP
 * with the vmlinux symbol, on stderr: for a node that did not finish.
 */
int cs_qemu_mon_path(const struct cs_cluster *c, const struct cs_node *nd,
		     char *out, size_t len);
void cs_qemu_dump_cpus(const struct cs_cluster *c, struct cs_node *nd);
void cs_console_tail(const struct cs_node *nd, int lines);
/*
 * The console's last line that is not a progress line (console_tail.c),
 * "" if none: with nd->where, the summary's line for a node that did not
 * finish, the part of a run a CI log keeps when it keeps only the end.
 */
void cs_console_last(const struct cs_node *nd, char *out, size_t len);

/* read what is new in every console (progress, splats); close: at the end */
void cs_scan_consoles(struct cs_cluster *c, bool close_after);

/* silent.c: report nodes silent past the join bound (once each) */
void cs_silent_check(struct cs_cluster *c);
/* faults.c: take the nodes' cs-fail requests, heal partitions when due */
void cs_faults_check(struct cs_cluster *c);
/* faults.c: the management socket of node @i's wirefilter (0-based) */
int cs_wire_mgmt_path(const struct cs_cluster *c, int i, char *out,
		      size_t len);

/* teardown.c: stop and reap everything started; returns leftovers (0) */
int cs_teardown(struct cs_cluster *c);

/*
 * stats.c: usage of n process groups in one pass over /proc: memory (KiB,
 * the PSS summed over each group and the largest RSS in it) and CPU time
 * used so far (ms, live processes and the children they reaped). 0 or -1.
 */
int cs_usage_by_pgrp(const pid_t *pgid, int n, long *pss, long *rss,
		     long *cpu_ms);

/* stats file runs/<id>/stats: key=value lines for scripts (bench) */
void cs_write_stats(const struct cs_cluster *c);

/* report.c */
int cs_report_run(struct cs_cluster *c, const struct cs_scenario *sc);

/*
 * expect.c: the scenario's `expect zero` counters and `expect idle`
 * gauges on node @nd: the number of failures (a counter that rose during
 * the job, a pattern that matches no counter, a live_* gauge above 0
 * after the job, a node with a module that saved none), with one line
 * each in *text (malloc'd; NULL if none). cs_expect_any(): is there
 * anything to check on @nd?
 */
bool cs_expect_any(const struct cs_cluster *c, const struct cs_scenario *sc,
		   const struct cs_node *nd);
int cs_expect_zero_node(const struct cs_cluster *c,
			const struct cs_scenario *sc,
			const struct cs_node *nd, char **text);
int cs_report_exec(struct cs_cluster *c, int node);
int cs_report_shell(struct cs_cluster *c, int node);

/* log helpers */
void cs_progress(const struct cs_cluster *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * trace_run.c (--trace): merge node<N>/trace.txt into trace.txt, draw
 * trace.msc and trace.svg in the run directory; 0 or -1 (said on stderr)
 */
int cs_trace_run(const struct cs_cluster *c);

#endif
