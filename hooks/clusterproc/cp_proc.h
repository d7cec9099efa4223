/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clusterproc process model: clusterwide pids,
 * remote exec, remote parents and children, wait and zombie notification.
 *
 * Pid layout (cp_wire.h): node << CP_PID_SHIFT | local.  Node N allocates
 * its pids in [N << 15, (N + 1) << 15); pids below 1 << 15 were allocated
 * before the module loaded and are local to whichever node has them.
 */
#ifndef CLUSTERPROC_CP_PROC_H
#define CLUSTERPROC_CP_PROC_H

#include <linux/capability.h>
#include <linux/clusterproc.h>
#include <linux/types.h>
#include <linux/list.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include "cp_wire.h"

#define CP_PID_NODE(pid)	((unsigned int)(pid) >> CP_PID_SHIFT)

struct task_struct;
struct pid_namespace;
struct cred;
struct tty_struct;
struct cp_ids;
struct cp_request;
struct filename;
struct waitid_info;
struct rusage;
struct list_head;
struct pid;

/* What a task's clusterproc_task_data() is. */
enum cp_proc_kind {
	CP_PROC_NONE = 0,
	CP_PROC_LOCAL,		/* local process with an exec target */
	CP_PROC_STANDIN,	/* runs on ->node; this task is its stand-in */
	CP_PROC_RCHILD,		/* runs here; its parent is on ->pnode */
	CP_PROC_HOLD,		/* a zombie holding a pid of ours for ->node */
};

/* Remote state of a stand-in's process, as reported by its node. */
enum cp_rstate {
	CP_RS_STARTING = 0,	/* exec request sent, no answer yet */
	CP_RS_RUNNING,
	CP_RS_STOPPED,
	CP_RS_CONTINUED,
	CP_RS_EXITED,		/* zombie on its node, not yet reaped */
	CP_RS_REAPING,		/* a waiter is reaping it */
	CP_RS_GONE,		/* reaped */
};

/**
 * struct cp_proc - per-task state of the process model
 * @kind: enum cp_proc_kind
 * @exec_node: LOCAL: node the next execve() runs on (0: here)
 * @node: STANDIN: node the process runs on; HOLD: node whose adopted
 *	orphan has this pid (hold.c)
 * @pnode: RCHILD: node of the parent; @ppid its pid. 0 once that node
 *	went down: adopted by this node's init (remote_child.c, adoption)
 * @lock: protects the fields below (irqsave: taken under tasklist_lock)
 * @rstate: STANDIN: enum cp_rstate
 * @why: STANDIN: si_code (CLD_*) of the last event (of the exit once EXITED)
 * @status: STANDIN: its si_status (exit code, or signal)
 * @stop_pending: STANDIN: a stop not yet reported to a waiter
 * @cont_pending: STANDIN: a continue not yet reported to a waiter
 * @dead: STANDIN: the stand-in is a zombie now (its parent may be told)
 * @utime, @stime: STANDIN: the process's times at its last event (ns)
 * @uid: STANDIN: the process's uid
 */
#define CP_PGRP_JUDGED_MAX	4

struct cp_proc {
	struct list_head link;	/* STANDIN: on the stand-in list (wait.c) */
	struct task_struct *task;	/* STANDIN: the stand-in */
	enum cp_proc_kind kind;
	unsigned int exec_node;
	unsigned int node;
	unsigned int pnode;
	pid_t ppid;
	spinlock_t lock;	/* the fields below (kernel-doc: @lock) */
	enum cp_rstate rstate;
	int why;
	int status;
	bool stop_pending;
	bool cont_pending;
	bool dead;
	bool noreap;		/* RCHILD: exec failed, nobody to tell */
	bool pgrp_held;		/* RCHILD: group held at origin (pgrp.c) */
	bool exit_judged;	/* STANDIN: its death's group judged (wait.c) */
	bool pinned;		/* holds a reference on this module */
	/* the groups exit_prepare judged orphaned (pgrp.c), 0: none */
	pid_t pgrp_judged[CP_PGRP_JUDGED_MAX];
	u64 utime, stime;
	u32 uid;
	/* under @lock: messages reserved by exit_prepare for record hooks */
	struct list_head spare;
	unsigned int nspare;
};

struct cp_proc *cp_proc_of(struct task_struct *t);
struct cp_proc *cp_proc_get_or_alloc(struct task_struct *t, gfp_t gfp);
void cp_op_task_free(struct task_struct *tsk);
void cp_proc_pin(struct cp_proc *p);
void cp_proc_unpin(struct cp_proc *p);

/* rexec.c */
struct clusterproc_execve_args;
#ifdef CLUSTERPROC_EXECVE_EXIT
int cp_op_execve(struct filename *filename,
		 const struct clusterproc_execve_args *args, int *exit_code);
#else
int cp_op_execve(struct filename *filename,
		 const struct clusterproc_execve_args *args);
#endif
int cp_rexec_start(void);
void cp_rexec_stop(void);

/* remote_child.c */
int cp_handle_rexec(const struct cp_request *r, void *reply, size_t max);
int cp_handle_rexec_settle(const struct cp_request *r, void *reply,
			   size_t max);
int cp_handle_reap(const struct cp_request *r, void *reply, size_t max);
int cp_handle_reparent(const struct cp_request *r, void *reply, size_t max);
bool cp_rchild_notify(struct task_struct *tsk, int sig);
void cp_op_notify_parent_cldstop(struct task_struct *tsk, bool for_ptracer,
				 int why);
void cp_op_exit_flush(struct task_struct *tsk);
pid_t cp_op_getppid(struct task_struct *parent);
pid_t cp_op_pid_attr(pid_t pid, enum pid_type type);
int cp_op_setpgid(pid_t pid, pid_t pgid);
void cp_op_new_session(struct task_struct *leader);
int cp_op_kill_orphaned_pgrp(struct pid *pgrp);
void cp_pgrp_judge_exit(struct task_struct *tsk);
bool cp_pgrp_judged(struct cp_proc *p, pid_t pgrp);
void cp_op_kill_pgrp(struct pid *pgrp, int sig, int priv);
void cp_kill_pgrp_here(struct pid *pgrp, int sig);
bool cp_pgrp_held_anywhere(pid_t pgrp, pid_t sid);
bool cp_out_flush_own(struct task_struct *tsk);
void cp_hold_resync(unsigned int node);

/* acting.c: a module thread acting for a process of another node (A1) */
#define CP_ACT_TTIN_IGN	0x1	/* SIGTTIN blocked or ignored by it */
#define CP_ACT_TTOU_IGN	0x2	/* SIGTTOU blocked or ignored by it */
struct cp_acting {
	struct list_head link;
	struct task_struct *thread;	/* who acts (current) */
	struct task_struct *standin;	/* for whom: a reference */
	u32 sigign;			/* CP_ACT_* */
	bool signalled;			/* the terminal signalled its group */
};

int cp_acting_begin(struct cp_acting *a, pid_t pid, u32 sigign);
void cp_acting_end(struct cp_acting *a);
struct task_struct *cp_op_acting(void);
int cp_op_tty_check_change(struct tty_struct *tty, int sig);
int cp_kill_pgrp_send(pid_t pgrp, int sig, bool priv);
void cp_queue_kill_pgrp(pid_t pgrp, int sig, bool priv);
int cp_pgrp_orphaned(pid_t pgrp, pid_t sid);
int cp_handle_pgrp(const struct cp_request *r, void *reply, size_t max);
int cp_handle_setpgid(const struct cp_request *r, void *reply, size_t max);
void cp_queue_orphaned(struct cp_proc *pool, pid_t pgrp, pid_t sid);
bool cp_pgrp_held(struct task_struct *t);
void cp_rchild_node_up(unsigned int node, bool new_instance);
int cp_rparent_hold(pid_t pid, unsigned int holder);

/* hold.c */
int cp_handle_hold(const struct cp_request *r, void *reply, size_t max);
void cp_holds_node_up(unsigned int node, bool new_instance);
void cp_holds_stop(void);
unsigned int cp_holds_live(void);

/*
 * Does @parent hold @t's group @pgrp to its session (POSIX: a member
 * whose parent is in another group of the same session, not init),
 * as will_become_orphaned_pgrp() asks? tasklist_lock or RCU held.
 */
static inline bool cp_parent_holds_pgrp(struct task_struct *t,
					struct task_struct *parent,
					struct pid *pgrp)
{
	return !is_global_init(parent) && task_pgrp(parent) != pgrp &&
	       task_session(parent) == task_session(t);
}

void cp_pgrp_held_set(struct cp_proc *p, bool held);
bool cp_pgrp_held_any(void);
bool cp_pgrp_held_member(struct task_struct *t);
void cp_op_de_thread(struct task_struct *tsk, struct task_struct *leader);
void cp_op_exit_prepare(struct task_struct *tsk);
void cp_spare_free(struct cp_proc *p);
void cp_queue_reparent(struct cp_proc *pool, unsigned int node, pid_t pid,
		       pid_t ppid);
void cp_queue_autoreap(struct cp_proc *pool, struct task_struct *t);
int cp_rchild_start(void);
void cp_rchild_stop(void);
void cp_rchild_node_down(unsigned int node);

/* wait.c */
int cp_handle_event(const struct cp_request *r, void *reply, size_t max);
bool cp_op_notify_parent(struct task_struct *tsk, int sig);
int cp_op_wait_task(struct task_struct *t, int ptrace, int wo_flags,
		    struct waitid_info *infop, int *stat, struct rusage *ru,
		    int *notask_error);
void cp_op_reparent_remote(struct task_struct *father,
			   struct task_struct *reaper, struct list_head *dead);
int cp_op_orphaned_pgrp(struct pid *pgrp, struct task_struct *ignored);
void cp_standin_autoreap(struct task_struct *t);
void cp_standin_add(struct cp_proc *p, struct task_struct *t);
void cp_standin_del(struct cp_proc *p);
bool cp_have_standins(void);
void cp_proc_node_down(unsigned int node);
bool cp_standin_lost(struct cp_proc *p);
int cp_wstat(int why, int status);
int cp_wait_start(void);
void cp_wait_stop(void);

/* pids.c */
void cp_op_pid_range(struct pid_namespace *ns, int *min, int *max);
int cp_handle_where(const struct cp_request *rq, void *reply, size_t max);
int cp_proc_start(void);
void cp_proc_stop(void);

/* creds.c: credentials on the wire */
void cp_cap_put(__be64 *w, const struct cred *cred, const kernel_cap_t *c);
bool cp_pid_ns_confined(void);
void cp_cap_get(__be64 w, kernel_cap_t *c);
void cp_ids_put(struct cp_ids *w, const struct cred *c);
/* Set c's ids from w: 0, or -EINVAL if uid, euid, gid or egid is unmapped. */
int cp_ids_get(struct cred *c, const struct cp_ids *w);

#endif /* CLUSTERPROC_CP_PROC_H */
