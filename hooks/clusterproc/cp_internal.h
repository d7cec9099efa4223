/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clusterproc module internals shared between its source files.
 */
#ifndef CLUSTERPROC_CP_INTERNAL_H
#define CLUSTERPROC_CP_INTERNAL_H

#include <linux/atomic.h>
#include <linux/types.h>
#include "cp_wire.h"

enum cp_stat {
#define CP_STAT(e, n) CP_STAT_##e,
#include "cp_stats.h"
#undef CP_STAT
	CP_NR_STATS
};

struct cp_stat_desc {
	const char *name;
};

extern const struct cp_stat_desc cp_stat_desc[CP_NR_STATS];
extern atomic64_t cp_stats[CP_NR_STATS];

static inline void cp_count(enum cp_stat s)
{
	atomic64_inc(&cp_stats[s]);
}

enum cp_delay_point {
#define CP_POINT(e, n) CP_DP_##e,
#include "cp_points.h"
#undef CP_POINT
	CP_NR_DELAY_POINTS
};

struct cp_delay_slot {
	const char *name;
	u32 delay_us;
	atomic64_t hits;
};

extern struct cp_delay_slot cp_delay_slots[CP_NR_DELAY_POINTS];
void cp_delay_point(enum cp_delay_point id);

/* Module parameters and identity. */
extern unsigned int cp_self;		/* this node's number */
extern unsigned int cp_max_node;	/* highest node number accepted */
extern unsigned int cp_call_timeout_ms;
extern unsigned int cp_rexec_timeout_ms;
extern u32 cp_tipc_type;		/* the service type in use */
extern bool cp_tipc_reserved;		/* true: CP_TIPC_TYPE_KERNEL */
extern u32 cp_self_addr;		/* our TIPC node address */
extern u32 cp_self_port;		/* our kernel socket's port id */
int cp_resolve_self(u32 addr);

/* Membership (membership.c). */
struct cp_node_info {
	bool up;
	u32 addr;		/* TIPC node address of its module socket */
	u32 port;		/* port id of its module socket */
	u32 generation;		/* bumped at each up */
	u64 up_since_ns;
	u64 last_rtt_ns;
	int last_ping_status;
};

/* hello.c: a peer proves its socket with the cluster key */
int cp_hello_init(void);
bool cp_hello_keyed(void);
void cp_hello_fill(struct cp_hello *hello, bool ask);
void cp_hello_rx(unsigned int src, u32 addr, u32 port,
		 const struct cp_hello *hello);
int cp_hello_send(u32 addr, u32 port, unsigned int dst, bool ask);
void cp_node_proven(unsigned int node, u32 addr, u32 port);

int cp_membership_start(void);
void cp_membership_stop(void);
bool cp_node_get(unsigned int node, struct cp_node_info *info);
bool cp_node_is_sender(unsigned int node, u32 addr, u32 port);
void cp_node_set_ping(unsigned int node, u64 rtt_ns, int status);
unsigned int cp_nodes_up(unsigned long *map);

/* Transport (transport.c). */
int cp_transport_start(void);
void cp_transport_serve_start(void);
void cp_transport_serve_stop(void);
void cp_transport_stop(void);
void cp_transport_node_down(unsigned int node);
int cp_transport_leave(bool leave);
int cp_send_raw(unsigned int node, const void *msg, size_t len);
void cp_fill_hdr(struct cp_hdr *h, u8 type, u16 flags, size_t len,
		 unsigned int dst, int status, u64 req_id);
bool cp_transport_left(void);
int cp_call(unsigned int node, u8 type, const void *req, size_t req_len,
	    void *reply, size_t reply_max, size_t *reply_len);
int cp_call_batch(unsigned int node, u8 type, const void *const *reqs,
		  const size_t *lens, unsigned int n, int *errs);
int cp_call_nodes(const unsigned long *map, u8 type, const void *req,
		  size_t req_len, void *replies, size_t reply_max,
		  size_t *reply_lens, int *errs);

/*
 * Live-object gauges (the live_* stats), each counted under its own
 * lock by the file that owns the objects; cp_stats_live() sets them
 * before the stats are read (debugfs stats, CP_MSG_STATS).
 */
unsigned int cp_calls_live(void);
/* debugfs fail_call/ (fault injection kernels only; transport.c) */
struct dentry;
void cp_fail_call_debugfs(struct dentry *dir);
unsigned int cp_pinned_live(void);
unsigned int cp_standins_live(void);
void cp_ptrace_live(unsigned int *links, unsigned int *binds);
void cp_rchild_live(unsigned int *jobs, unsigned int *outq);
void cp_stats_live(void);

/* Request handlers (handlers.c). */
struct cp_request {
	const struct cp_hdr *hdr;
	const void *payload;
	size_t len;		/* payload length */
	unsigned int src_node;
};

struct cp_msg_desc {
	const char *name;
	size_t req_min, req_max;	/* payload bounds of requests */
	size_t rep_min, rep_max;	/* payload bounds of replies */
	/* cp_call() waits at least this (ms; a module parameter) */
	const unsigned int *timeout_ms;
	/*
	 * The request acts even if its caller is killed meanwhile (a remote
	 * exec, a signal): cp_call() then still waits for the outcome.
	 */
	bool outcome;
	/* returns reply payload length or a negative errno */
	int (*handle)(const struct cp_request *rq, void *reply, size_t max);
};

const struct cp_msg_desc *cp_msg_desc(u8 type);

/* stdio relay of moved processes (stdio.c). */
struct dentry;
int cp_handle_stdio(const struct cp_request *rq, void *reply, size_t max);
void cp_stdio_export(struct cp_rexec *rq, unsigned int node);
void cp_stdio_unexport(const struct cp_rexec *rq);
int cp_stdio_install(const struct cp_rexec *rq, unsigned int origin);
bool cp_stdio_valid(const struct cp_rexec *rq);
void cp_stdio_node_down(unsigned int node);
void cp_stdio_stop(void);
unsigned int cp_stdio_live(void);
void cp_stdio_debugfs_init(struct dentry *dir);

/* Process lists (ps.c). */
int cp_handle_ps(const struct cp_request *rq, void *reply, size_t max);
struct seq_file;
int cp_ps_show_cluster(struct seq_file *m);

/* Signals across nodes (signal.c). */
struct kernel_siginfo;
struct cp_kill_tally {
	u32 count;	/* processes tried */
	u32 ok;		/* processes signalled */
	int err;	/* last error (CP_KILL_ALL: but EPERM) */
};

int cp_handle_kill(const struct cp_request *rq, void *reply, size_t max);
void cp_kill_prepare(struct cp_kill *k, enum cp_kill_scope scope, u32 id,
		     int sig, const struct kernel_siginfo *info);
int cp_kill_node(unsigned int node, const struct cp_kill *k,
		 struct cp_kill_reply *r);
int cp_kill_cluster(const struct cp_kill *k, bool skip_self,
		    struct cp_kill_tally *t);
void cp_tally_add_reply(struct cp_kill_tally *t,
			const struct cp_kill_reply *r);
int cp_kill_result(enum cp_kill_scope scope, const struct cp_kill_tally *t);
int cp_op_kill(pid_t pid, int sig, struct kernel_siginfo *info,
	       int local_ret);
/* Where thread group @pid runs: node number or -ESRCH (pids.c) */
int cp_pid_location(pid_t pid);
/* Every pid names one process clusterwide (pids.c): kill() forwards */
bool cp_pids_clusterwide(void);

/* ptrace across nodes (ptrace.c). */
struct task_struct;
struct waitid_info;
struct rusage;
struct pid;
int cp_handle_ptrace(const struct cp_request *rq, void *reply, size_t max);
int cp_ptrace_start(void);
void cp_ptrace_stop(void);
long cp_op_ptrace(long request, pid_t pid, unsigned long addr,
		  unsigned long data);
struct pid *cp_op_find_get_pid(pid_t nr);
void cp_op_ptrace_unlink(struct task_struct *child);
void cp_ptrace_exit_prepare(struct task_struct *tsk);
void cp_ptrace_node_down(unsigned int node);
int cp_ptrace_wait_task(struct task_struct *t, int wo_flags,
			struct waitid_info *infop, int *stat,
			struct rusage *ru, int *notask_error, bool *handled);

/*
 * Trace ring (trace.c): events for `clustersim --trace`'s sequence
 * charts. cp_trace*() may be called from any context (no sleep, no
 * allocation); they cost one load while tracing is off.
 */
enum cp_trace_kind {
	CP_TR_SEND,	/* a message leaves (what: type, peer: dst, req) */
	CP_TR_RECV,	/* a valid message arrives (peer: src) */
	CP_TR_HOOK,	/* a hook op entered (what: its hook_* counter) */
	CP_TR_RET,	/* a hook op's result (arg; 0: nothing, lock held) */
	CP_TR_RELEASE,	/* a release point passed (what: enum cp_delay_point) */
	CP_TR_RETAKE,	/* tasklist_lock retaken after that point */
	CP_TR_QUEUE,	/* a record queued (what: type, peer, subj, arg: seq) */
	CP_TR_FLUSH,	/* a record sent (arg: its call's result) */
	CP_TR_MARK,	/* a label written to debugfs trace_mark */
};

#define CP_TR_REPLY	0x100	/* in what: a reply of that type */

extern bool cp_trace_on;
void cp_trace(enum cp_trace_kind kind, unsigned int what, unsigned int peer,
	      u64 req, pid_t subj, int arg);
void cp_trace_msg(enum cp_trace_kind kind, const struct cp_hdr *h);

/* a hook op entered, about process @subj */
static inline void cp_trace_hook(enum cp_stat hook, pid_t subj)
{
	cp_trace(CP_TR_HOOK, hook, 0, 0, subj, 0);
}

/* debugfs (debugfs.c). */
int cp_debugfs_init(void);
void cp_debugfs_exit(void);
struct dentry;
void cp_fuzz_debugfs_init(struct dentry *dir);
void cp_trace_debugfs_init(struct dentry *dir);

#endif /* CLUSTERPROC_CP_INTERNAL_H */
