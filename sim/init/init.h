/* init.h: cluster-init, PID 1 of every node (runs from the host fs). */
#ifndef CS_INIT_H
#define CS_INIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdnoreturn.h>

#define CI_RESULTS "/run/results"	/* the node's rw results dir */
#define CI_KEY_FILE "/run/clusterproc.key"	/* the cluster key, 0600 */
/* a second proc mount with hidepid=invisible (security tests) */
#define CI_PROC_HIDEPID "/run/proc-hidepid"

struct ci {
	int node;
	int nodes;
	int timeout;		/* seconds: bound for every wait */
	const char *job;	/* host path of the job file (read via ro /) */
	const char *results;	/* host path of the results dir */
	const char *module;	/* host path of clusterproc.ko or NULL */
	const char *tree;	/* host build tree under /tmp or /run, or NULL */
	char *job_text;		/* read before /tmp and /run are covered */
	int module_fd;		/* opened early for the same reason, or -1 */
	unsigned int tipc_tolerance;	/* ms, after the join */
	unsigned int tipc_join_tolerance;	/* ms, while joining */
	const char *self;	/* argv[0]: absolute path of cluster-init */
	char key[72];		/* the cluster key in hex, or "" */
};

/* init_log.c: "clustersim: node N PHASE T.TTs DETAIL" on the console */
void ci_say(const struct ci *ci, const char *phase, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
noreturn void ci_fatal(const struct ci *ci, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
noreturn void ci_poweroff(void);
double ci_uptime(void);

/* init_env.c: hostname node<N>; PATH with the launcher's bin dir first */
int ci_set_hostname(const struct ci *ci);
int ci_set_path(const struct ci *ci);

/* init_key.c: the run's cluster key, read once (and removed) */
int ci_read_key(const struct ci *ci, char *key, size_t size);

/* init_mount.c */
int ci_mount_all(const struct ci *ci);
/* a QEMU node (CS_BACKEND=qemu): 9p shares, no power-off */
bool ci_is_qemu(void);

/* init_tipc_nl.c: address 1.1.<node>, eth tolerance (0: default), bearer */
int ci_tipc_setup(const struct ci *ci, unsigned int tolerance_ms);
/* the TIPC generic netlink family id; 0 or -1 */
int ci_tipc_family(uint16_t *family);
/* change the tolerance of the links on eth:eth0 (both ends adopt it) */
int ci_tipc_set_tolerance(const struct ci *ci, unsigned int tolerance_ms);

/*
 * TIPC link tolerance while the cluster forms: the link timer runs at a
 * quarter of it and link set-up takes a few ticks, so a short one makes
 * links come up several times sooner. After the join the links get the
 * steady tolerance (CS_TIPC_TOLERANCE, else TIPC's 1500 ms), so a node
 * starved of CPU on a busy host does not lose its links. CS_TIPC_JOIN_-
 * TOLERANCE overrides the join value.
 */
#define CI_TIPC_JOIN_TOLERANCE_MS 200
#define CI_TIPC_TOLERANCE_MS 1500
/*
 * A node still waiting at a barrier (the join) after max(this, 100 ms
 * per node) says, and again at every such interval, what TIPC and eth0
 * show (init_diag.c): a "linkwait" line on its console.
 */
#define CI_JOIN_DIAG_MS 3000
/* while init waits at a barrier, it reaps orphans this often */
#define CI_REAP_MS 100

/*
 * init_diag.c: the nodes TIPC knows and has a link up to (bit N-1: node
 * <1.1.N>), from a TIPC_NL_NODE_GET dump; 0 or -1.
 */
int ci_tipc_nodes(uint16_t family, uint64_t *known, uint64_t *up);
/*
 * A "linkwait" progress line for a node still waiting in @what (join):
 * the @nseen nodes it saw (bits @seen), the TIPC links it has up and to
 * which nodes TIPC knows with the link down, eth0's frame counters.
 */
void ci_join_diag(const struct ci *ci, const char *what, int nseen,
		  uint64_t seen);

/* init_net.c */
int ci_net_up(const struct ci *ci);

/* init_module.c: open early, load after the network is up */
int ci_open_module(struct ci *ci);
int ci_load_module(const struct ci *ci);

/*
 * init_caps.c: drop CAP_SYS_ADMIN and CAP_SYS_MODULE for good (keep the
 * latter if the job says CS_ALLOW_MODULE=1: ci_job_allows_module())
 */
int ci_drop_caps(bool keep_module);
bool ci_job_allows_module(const struct ci *ci);
/* the job sets exactly this KEY=VALUE */
bool ci_job_has_env(const struct ci *ci, const char *kv);

/*
 * init_trace.c (clustersim --trace, CS_TRACE=1 in the job): switch the
 * module's trace ring on before the job; copy it to the results
 * directory (trace.txt) after the end barrier. 0 or -1 (said).
 */
int ci_trace_start(const struct ci *ci);
int ci_trace_save(const struct ci *ci);

/* init_run.c: read the job file (early); run the job */
int ci_read_job(struct ci *ci);
int ci_run_job(const struct ci *ci);

/*
 * init_stats.c: copy clusterproc's debugfs stats to /run/results/@name
 * (CS_STATS_START before the job, CS_STATS_END after it); nothing
 * without a module, a console note if it is not loaded
 */
void ci_save_stats(const struct ci *ci, const char *name);
/*
 * init_stats.c: after the end barrier, wait (up to CI_IDLE_MS) until the
 * module's live-object gauges (live_*) are all 0: the last exits, reaps
 * and their messages settle before CS_STATS_END is saved (`expect idle`
 * judges it). A console note names what is still live at the deadline.
 */
#define CI_IDLE_MS 15000
void ci_wait_idle(const struct ci *ci);

/*
 * init_wait.c: as PID 1, reap every zombie child (orphans reparented to
 * init) without blocking
 */
void ci_reap_orphans(void);
/* init_wait.c: wait for a child with a deadline, reaping orphans */
int ci_wait_child(int pid, int timeout_ms, int *status);

#endif
