// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc remote children, the executing side: a process that runs
 * here while its parent runs on another node.
 *
 * - cp_rparent: one kernel thread with PF_REMOTE, the stand-in parent of
 *   every such process (its per-task state names the real parent's node
 *   and pid). It creates them (clone with their pid, then exec: the
 *   CP_MSG_REXEC handler), and it reaps them (do_wait as their parent:
 *   CP_MSG_REAP), so exit status and rusage come from the base code.
 * - Because their parent has PF_REMOTE, do_notify_parent() and
 *   do_notify_parent_cldstop() hand their exit/stop/continue to the
 *   notify ops here. Those run under tasklist_lock ("record" hooks): they
 *   queue a CP_MSG_EVENT for the parent's node, sent by an ordered
 *   worker (and flushed by exit_flush in the exiting task). The zombie
 *   stays until the parent's node reaps it.
 * - getppid() of such a process answers the remote parent's pid.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/clusterproc.h>
#include <linux/completion.h>
#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/kthread.h>
#include <linux/pid.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/securebits.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include "cp_internal.h"
#include "cp_proc.h"

enum cp_job_kind { CP_JOB_SPAWN, CP_JOB_REAP, CP_JOB_ADOPT, CP_JOB_HOLD };

struct cp_job {
	struct list_head link;
	enum cp_job_kind kind;
	struct completion done;
	int result;
	/* spawn; hold: the holder */
	unsigned int pnode;
	const struct cp_rexec *rq;
	const char *filename, *cwd;
	const char **argv, **envp;
	struct completion exec_done;
	int exec_err;
	/* reap; hold */
	pid_t pid;
	u32 flags;
	struct cp_reap_reply *out;
	/* adopt: the node that went down (allocated; cp_rparent frees it) */
	unsigned int down;
};

static struct task_struct *cp_rparent;
static LIST_HEAD(cp_jobs);
static DEFINE_SPINLOCK(cp_jobs_lock);
static bool cp_adopt_open;	/* under cp_jobs_lock: ADOPT jobs may queue */
static DECLARE_WAIT_QUEUE_HEAD(cp_jobs_wq);

/* ---- outbound queue: messages recorded under locks, sent later ---- */

enum cp_out_kind { CP_OUT_EVENT, CP_OUT_REPARENT, CP_OUT_AUTOREAP,
		   CP_OUT_ORPHANED, CP_OUT_HOLD_SYNC, CP_OUT_HOLD_DROP,
		   CP_OUT_KILL_PGRP };

struct cp_out {
	struct list_head link;
	enum cp_out_kind kind;
	u64 seq;			/* order of queueing, from 1 */
	const struct task_struct *owner;	/* who queued it (compared only) */
	unsigned int node;
	struct task_struct *task;	/* AUTOREAP: a reference */
	union {
		struct cp_event ev;
		struct cp_reparent rp;
		struct cp_pgrp pg;	/* ORPHANED: pgrp and sid */
		pid_t pid;		/* HOLD_DROP: the adopted orphan */
		struct {		/* KILL_PGRP: kill_pgrp()'s signal */
			pid_t pgrp;
			int sig;
			bool priv;
		} kp;
	} u;
};

/*
 * The queue is sent in order by one worker. cp_outq_lock (irqsave: taken
 * under tasklist_lock) protects the list, the sequence numbers and
 * cp_out_busy. An exiting task waits only for what it queued itself
 * (cp_op_exit_flush()): up to the highest seq it owns, queued or being
 * sent; cp_out_sent says how far the worker got.
 */
static LIST_HEAD(cp_outq);
static DEFINE_SPINLOCK(cp_outq_lock);
static u64 cp_out_queued, cp_out_sent;
static const struct cp_out *cp_out_busy;
static bool cp_out_stopping;	/* unload: cp_out_send() tries no more */
static DECLARE_WAIT_QUEUE_HEAD(cp_out_sent_wq);
static struct workqueue_struct *cp_out_wq;
static void cp_out_fn(struct work_struct *w);
static DECLARE_WORK(cp_out_work, cp_out_fn);

/* For the trace: the message a record becomes, and its process */
static unsigned int cp_out_type(const struct cp_out *o)
{
	return o->kind == CP_OUT_EVENT ? CP_MSG_EVENT :
	       o->kind == CP_OUT_REPARENT ? CP_MSG_REPARENT :
	       o->kind == CP_OUT_ORPHANED ? CP_MSG_PGRP :
	       o->kind == CP_OUT_KILL_PGRP ? CP_MSG_KILL :
	       o->kind == CP_OUT_AUTOREAP ? CP_MSG_REAP : CP_MSG_HOLD;
}

static pid_t cp_out_pid(const struct cp_out *o)
{
	return o->kind == CP_OUT_EVENT ? be32_to_cpu(o->u.ev.pid) :
	       o->kind == CP_OUT_REPARENT ? be32_to_cpu(o->u.rp.pid) :
	       o->kind == CP_OUT_ORPHANED ? be32_to_cpu(o->u.pg.pgrp) :
	       o->kind == CP_OUT_HOLD_DROP ? o->u.pid :
	       o->kind == CP_OUT_KILL_PGRP ? o->u.kp.pgrp :
	       o->kind == CP_OUT_AUTOREAP ? task_tgid_nr(o->task) : 0;
}

static void cp_out_add(struct cp_out *o)
{
	unsigned long flags;

	o->owner = current;
	spin_lock_irqsave(&cp_outq_lock, flags);
	o->seq = ++cp_out_queued;
	list_add_tail(&o->link, &cp_outq);
	cp_trace(CP_TR_QUEUE, cp_out_type(o), o->node, 0, cp_out_pid(o),
		 (int)o->seq);
	spin_unlock_irqrestore(&cp_outq_lock, flags);
	queue_work(cp_out_wq, &cp_out_work);
}

/* The worker is done with @o (sent, or given up). */
static void cp_out_done(struct cp_out *o)
{
	unsigned long flags;

	spin_lock_irqsave(&cp_outq_lock, flags);
	cp_out_sent = o->seq;
	cp_out_busy = NULL;
	spin_unlock_irqrestore(&cp_outq_lock, flags);
	wake_up_all(&cp_out_sent_wq);
	kfree(o);
}

static bool cp_out_sent_up_to(u64 seq)
{
	unsigned long flags;
	bool done;

	spin_lock_irqsave(&cp_outq_lock, flags);
	done = cp_out_sent >= seq;
	spin_unlock_irqrestore(&cp_outq_lock, flags);
	return done;
}

static struct cp_out *cp_out_next(void)
{
	struct cp_out *o = NULL;
	unsigned long flags;

	spin_lock_irqsave(&cp_outq_lock, flags);
	if (!list_empty(&cp_outq)) {
		o = list_first_entry(&cp_outq, struct cp_out, link);
		list_del(&o->link);
		cp_out_busy = o;
	}
	spin_unlock_irqrestore(&cp_outq_lock, flags);
	return o;
}

static bool cp_event_is_exit(const struct cp_event *ev)
{
	int why = be32_to_cpu(ev->why);

	return why == CLD_EXITED || why == CLD_KILLED || why == CLD_DUMPED;
}

static void cp_rchild_reap_orphan(pid_t pid);

/* A call that failed here, before anything left: a later try may work. */
static bool cp_out_transient(int err)
{
	return err == -ENOMEM || err == -ENOBUFS || err == -EAGAIN;
}

/*
 * Send a record's message. A death, a stop or a new parent must not be
 * lost: the parent may wait for it for ever. A call that failed here
 * (no memory: nothing left this node) is tried again after a pause that
 * doubles up to a second, for as long as that lasts, unless the module
 * is stopping; a node that is down ends it (-EHOSTDOWN: nobody there
 * waits). A timed-out exit event is sent again 3 times at once: the
 * peer serves news however late, and ignores a repeated one.
 */
static int cp_out_send(struct cp_out *o, u8 type, const void *msg,
		       size_t len)
{
	unsigned int pause_ms = 10, timeouts = 0;
	size_t rlen;
	int err;

	for (;;) {
		err = cp_call(o->node, type, msg, len, NULL, 0, &rlen);
		if (err == -ETIMEDOUT && type == CP_MSG_EVENT &&
		    cp_event_is_exit(&o->u.ev) && timeouts++ < 3)
			continue;
		if (!cp_out_transient(err) || READ_ONCE(cp_out_stopping))
			return err;
		cp_count(CP_STAT_NOTIFY_RETRY);
		msleep(pause_ms);
		pause_ms = min(pause_ms * 2, 1000U);
	}
}

static int cp_hold_sync(unsigned int node);
static int cp_hold_drop(unsigned int node, pid_t pid);

static void cp_out_fn(struct work_struct *w)
{
	struct cp_out *o;
	int err;

	while ((o = cp_out_next())) {
		switch (o->kind) {
		case CP_OUT_EVENT:
			cp_delay_point(CP_DP_NOTIFY_FLUSH);
			err = cp_out_send(o, CP_MSG_EVENT, &o->u.ev,
					  sizeof(o->u.ev));
			cp_count(err ? CP_STAT_NOTIFY_FAIL : CP_STAT_NOTIFY_SENT);
			/* nobody there waits for it any more: reap it here */
			if ((err == -EHOSTDOWN || err == -ESRCH) &&
			    cp_event_is_exit(&o->u.ev))
				cp_rchild_reap_orphan(be32_to_cpu(o->u.ev.pid));
			break;
		case CP_OUT_REPARENT:
			cp_delay_point(CP_DP_REPARENT_FLUSH);
			err = cp_out_send(o, CP_MSG_REPARENT, &o->u.rp,
					  sizeof(o->u.rp));
			if (!err)
				cp_count(CP_STAT_REPARENT_SENT);
			break;
		case CP_OUT_AUTOREAP:
			err = 0;
			cp_standin_autoreap(o->task);
			break;
		case CP_OUT_ORPHANED:
			err = cp_pgrp_orphaned(be32_to_cpu(o->u.pg.pgrp),
					       be32_to_cpu(o->u.pg.sid));
			break;
		case CP_OUT_HOLD_SYNC:
			err = cp_hold_sync(o->node);
			break;
		case CP_OUT_HOLD_DROP:
			err = cp_hold_drop(o->node, o->u.pid);
			break;
		case CP_OUT_KILL_PGRP:
			err = cp_kill_pgrp_send(o->u.kp.pgrp, o->u.kp.sig,
						o->u.kp.priv);
			break;
		}
		cp_trace(CP_TR_FLUSH, cp_out_type(o), o->node, 0, cp_out_pid(o),
			 err);
		if (o->kind == CP_OUT_AUTOREAP)
			put_task_struct(o->task);
		cp_out_done(o);
	}
}

/*
 * A message for a record hook: one exit_prepare reserved in @pool (so that
 * a death or a reparenting is never lost to a failed atomic allocation),
 * else a GFP_ATOMIC one. NULL (counted as notify_drop) if neither.
 */
static struct cp_out *cp_out_alloc(struct cp_proc *pool)
{
	struct cp_out *o = NULL;
	unsigned long flags;

	if (pool) {
		spin_lock_irqsave(&pool->lock, flags);
		o = list_first_entry_or_null(&pool->spare, struct cp_out,
					     link);
		if (o) {
			list_del(&o->link);
			pool->nspare--;
		}
		spin_unlock_irqrestore(&pool->lock, flags);
	}
	if (o) {
		memset(o, 0, sizeof(*o));
		cp_count(CP_STAT_NOTIFY_RESERVED);
		return o;
	}
	o = kzalloc(sizeof(*o), GFP_ATOMIC);
	if (!o)
		cp_count(CP_STAT_NOTIFY_DROP);
	return o;
}

/* Reserve up to @n messages in @p (GFP_KERNEL: may sleep). */
static void cp_spare_fill(struct cp_proc *p, unsigned int n)
{
	unsigned long flags;
	struct cp_out *o;

	for (;;) {
		spin_lock_irqsave(&p->lock, flags);
		if (p->nspare >= n) {
			spin_unlock_irqrestore(&p->lock, flags);
			return;
		}
		spin_unlock_irqrestore(&p->lock, flags);
		o = kzalloc(sizeof(*o), GFP_KERNEL);
		if (!o)
			return;	/* the record hook tries GFP_ATOMIC */
		spin_lock_irqsave(&p->lock, flags);
		list_add(&o->link, &p->spare);
		p->nspare++;
		spin_unlock_irqrestore(&p->lock, flags);
	}
}

/**
 * cp_spare_free() - free what exit_prepare reserved and nobody used
 * @p: a task's state, being freed (task_free: any context)
 */
void cp_spare_free(struct cp_proc *p)
{
	struct cp_out *o, *n;

	list_for_each_entry_safe(o, n, &p->spare, link)
		kfree(o);
	INIT_LIST_HEAD(&p->spare);
	p->nspare = 0;
}

/**
 * cp_op_exit_prepare() - reserve what the exit's record hooks will queue
 * @tsk: the exiting task (current), before write_lock_irq(&tasklist_lock)
 *
 * May sleep. A tracer's remote tracees are detached first
 * (cp_ptrace_exit_prepare()), and the group the exit orphans is judged
 * (cp_pgrp_judge_exit()). A remote child's death (one event, kept in
 * its leader's state) and a parent's remote children (a reparent, an
 * autoreap and a group check each, kept in its own state) are reserved
 * here, so that the record hooks under the lock need no allocation. A
 * child that becomes remote after this count (a move racing with the
 * exit) falls back to GFP_ATOMIC.
 */
void cp_op_exit_prepare(struct task_struct *tsk)
{
	struct cp_proc *lp = cp_proc_of(tsk->group_leader), *p;
	struct task_struct *t;
	unsigned int kids = 0;

	cp_ptrace_exit_prepare(tsk);
	cp_pgrp_judge_exit(tsk);
	if (lp && lp->kind == CP_PROC_RCHILD)
		cp_spare_fill(lp, 1);
	if (!cp_have_standins())
		return;
	clusterproc_tasklist_read_lock();
	list_for_each_entry(t, &tsk->children, sibling)
		if (t->flags & PF_REMOTE)
			kids++;
	clusterproc_tasklist_read_unlock();
	if (!kids)
		return;
	p = cp_proc_get_or_alloc(tsk, GFP_KERNEL);
	if (p)
		cp_spare_fill(p, (lp == p ? 1 : 0) + 3 * kids);
}

/**
 * cp_queue_reparent() - tell @node that @pid's parent is now @ppid
 * @pool: the exiting parent's state (its reserve), or NULL
 * @node: where the process runs
 * @pid: the process
 * @ppid: its new parent's pid
 *
 * Record context (GFP_ATOMIC, no sleep).
 */
void cp_queue_reparent(struct cp_proc *pool, unsigned int node, pid_t pid,
		       pid_t ppid)
{
	struct cp_out *o = cp_out_alloc(pool);

	if (!o)
		return;
	o->kind = CP_OUT_REPARENT;
	o->node = node;
	o->u.rp.pid = cpu_to_be32(pid);
	o->u.rp.ppid = cpu_to_be32(ppid);
	cp_out_add(o);
}

/**
 * cp_queue_orphaned() - check @pgrp across the cluster after the unlock
 * @pool: the exiting task's state (its reserve), or NULL
 * @pgrp: a process group this node found orphaned
 * @sid: its session
 *
 * Record context (GFP_ATOMIC, no sleep). The worker runs
 * cp_pgrp_orphaned(); the exiting task's exit_flush waits for it.
 */
void cp_queue_orphaned(struct cp_proc *pool, pid_t pgrp, pid_t sid)
{
	struct cp_out *o = cp_out_alloc(pool);

	if (!o)
		return;
	o->kind = CP_OUT_ORPHANED;
	o->node = cp_self;
	o->u.pg.pgrp = cpu_to_be32(pgrp);
	o->u.pg.sid = cpu_to_be32(sid);
	cp_out_add(o);
}

/**
 * cp_queue_kill_pgrp() - send kill_pgrp()'s signal to the other nodes
 * @pgrp: the process group
 * @sig: the signal
 * @priv: kill_pgrp()'s @priv (1: from the kernel, SI_KERNEL)
 *
 * Record context (any: GFP_ATOMIC, no sleep). In the one ordered queue:
 * a ^Z and the SIGCONT of a later kill(-pgrp) from this node's worker
 * keep their order.
 */
void cp_queue_kill_pgrp(pid_t pgrp, int sig, bool priv)
{
	struct cp_out *o = cp_out_alloc(NULL);

	if (!o)
		return;
	o->kind = CP_OUT_KILL_PGRP;
	o->node = cp_self;
	o->u.kp.pgrp = pgrp;
	o->u.kp.sig = sig;
	o->u.kp.priv = priv;
	cp_out_add(o);
}

/**
 * cp_queue_autoreap() - reap @t's process on its node, then release @t
 * @pool: a reserve (the exiting parent's state), or NULL
 * @t: a stand-in whose parent does not wait for it; a reference is taken
 *
 * Record context.
 */
void cp_queue_autoreap(struct cp_proc *pool, struct task_struct *t)
{
	struct cp_out *o = cp_out_alloc(pool);

	if (!o)
		return;
	o->kind = CP_OUT_AUTOREAP;
	get_task_struct(t);
	o->task = t;
	cp_out_add(o);
}

/* An adopted orphan died: its origin may hand out its pid again. */
static void cp_queue_hold_drop(struct cp_proc *pool, pid_t pid)
{
	struct cp_out *o = cp_out_alloc(pool);

	if (!o)
		return;	/* the next SYNC to the origin says it (dirty) */
	o->kind = CP_OUT_HOLD_DROP;
	o->node = CP_PID_NODE(pid);
	o->u.pid = pid;
	cp_out_add(o);
}

/*
 * Tell @node which of its pids our adopted orphans hold (process context:
 * the topology thread, cp_rparent). Only while cp_rparent and the worker
 * run (cp_adopt_open, under cp_jobs_lock: cp_rchild_stop() clears it
 * before it flushes the worker).
 */
static void cp_queue_hold_sync(unsigned int node)
{
	struct cp_out *o = kzalloc(sizeof(*o), GFP_KERNEL);

	if (!o)
		return;
	o->kind = CP_OUT_HOLD_SYNC;
	o->node = node;
	spin_lock(&cp_jobs_lock);
	if (cp_adopt_open)
		cp_out_add(o);
	else
		kfree(o);
	spin_unlock(&cp_jobs_lock);
}

static void cp_queue_event(struct task_struct *tsk, struct cp_proc *p,
			   unsigned int pnode, int why, int status)
{
	struct cp_out *o = cp_out_alloc(p);
	u64 ut = tsk->utime + tsk->signal->utime;
	u64 st = tsk->stime + tsk->signal->stime;

	if (!o)
		return;
	o->kind = CP_OUT_EVENT;
	o->node = pnode;
	o->u.ev.pid = cpu_to_be32(task_tgid_nr(tsk));
	o->u.ev.why = cpu_to_be32(why);
	o->u.ev.status = cpu_to_be32(status);
	o->u.ev.uid = cpu_to_be32(from_kuid(&init_user_ns, task_uid(tsk)));
	o->u.ev.utime_ns = cpu_to_be64(ut);
	o->u.ev.stime_ns = cpu_to_be64(st);
	cp_out_add(o);
}

/**
 * cp_rchild_notify() - notify_parent op for a process whose parent is remote
 * @tsk: the zombie (a thread group leader)
 * @sig: its exit signal
 *
 * Record context: write_lock_irq(&tasklist_lock). Queues the death for
 * the parent's node; the zombie stays here until that node reaps it.
 *
 * Return: autoreap: true only for a process nobody waits for.
 */
bool cp_rchild_notify(struct task_struct *tsk, int sig)
{
	struct cp_proc *p = cp_proc_of(tsk);
	int code = tsk->exit_code, why, status;

	if (!p || p->kind != CP_PROC_RCHILD || p->noreap)
		return true;
	if (!p->pnode) {
		/* adopted: init reaps it; its origin may use the pid again */
		cp_queue_hold_drop(p, task_tgid_nr(tsk));
		return true;
	}
	cp_count(CP_STAT_HOOK_NOTIFY_PARENT);
	cp_trace_hook(CP_STAT_HOOK_NOTIFY_PARENT, task_tgid_nr(tsk));
	if (code & 0x80) {
		why = CLD_DUMPED;
		status = code & 0x7f;
	} else if (code & 0x7f) {
		why = CLD_KILLED;
		status = code & 0x7f;
	} else {
		why = CLD_EXITED;
		status = code >> 8;
	}
	cp_queue_event(tsk, p, p->pnode, why, status);
	return false;
}

/**
 * cp_op_notify_parent_cldstop() - stop/continue of a remote parent's child
 * @tsk: the thread that stopped or continued
 * @for_ptracer: notification for a tracer (not supported: dropped)
 * @why: CLD_STOPPED, CLD_CONTINUED or CLD_TRAPPED
 *
 * Record context: read_lock(&tasklist_lock), irqs off, @tsk may already
 * be in TASK_STOPPED.
 */
void cp_op_notify_parent_cldstop(struct task_struct *tsk, bool for_ptracer,
				 int why)
{
	struct cp_proc *p = cp_proc_of(tsk->group_leader);
	unsigned int pnode;
	int status;

	if (for_ptracer || !p || p->kind != CP_PROC_RCHILD)
		return;
	/*
	 * An adopted orphan's stops concern init: nobody. Adoption writes
	 * pnode under the read lock too: read it once (an event for the
	 * node that just went down fails there, harmlessly).
	 */
	pnode = READ_ONCE(p->pnode);
	if (!pnode)
		return;
	cp_count(CP_STAT_HOOK_NOTIFY_CLDSTOP);
	cp_trace_hook(CP_STAT_HOOK_NOTIFY_CLDSTOP, task_tgid_nr(tsk));
	switch (why) {
	case CLD_CONTINUED:
		status = SIGCONT;
		break;
	case CLD_STOPPED:
		status = tsk->signal->group_exit_code & 0x7f;
		break;
	default:
		status = tsk->exit_code & 0x7f;
	}
	cp_queue_event(tsk->group_leader, p, pnode, why, status);
}

/* The seq of @tsk's last record, queued or being sent; 0 if none. */
static u64 cp_out_own_last(struct task_struct *tsk)
{
	const struct cp_out *o;
	unsigned long flags;
	u64 want = 0;

	spin_lock_irqsave(&cp_outq_lock, flags);
	list_for_each_entry(o, &cp_outq, link)
		if (o->owner == tsk)
			want = o->seq;
	if (!want && cp_out_busy && cp_out_busy->owner == tsk)
		want = cp_out_busy->seq;
	spin_unlock_irqrestore(&cp_outq_lock, flags);
	return want;
}

/**
 * cp_op_exit_flush() - exit_notify() has unlocked: send what was recorded
 * @tsk: the exiting task (current)
 *
 * May sleep. Waiting here, in the exiting task, for what it queued
 * (its own death, its children's reparenting) means the other node knows
 * before the exit completes. A task that queued nothing does not wait:
 * the queue may hold other tasks' events for a slow peer.
 */
void cp_op_exit_flush(struct task_struct *tsk)
{
	u64 want = cp_out_own_last(tsk);

	if (!want)
		return;
	cp_count(CP_STAT_HOOK_EXIT_FLUSH);
	cp_trace_hook(CP_STAT_HOOK_EXIT_FLUSH, task_tgid_nr(tsk));
	cp_delay_point(CP_DP_EXIT_FLUSH);
	wait_event(cp_out_sent_wq, cp_out_sent_up_to(want));
}

/**
 * cp_out_flush_own() - wait until what @tsk queued has been sent
 * @tsk: current (a thread that queued a record and needs it out)
 *
 * May sleep. Only up to @tsk's own last record: the queue may hold other
 * tasks' messages for a slow peer.
 * Return: whether @tsk had something queued (and waited).
 */
bool cp_out_flush_own(struct task_struct *tsk)
{
	u64 want = cp_out_own_last(tsk);

	if (!want)
		return false;
	wait_event(cp_out_sent_wq, cp_out_sent_up_to(want));
	return true;
}

/**
 * cp_op_de_thread() - exec by a non-leader thread (de_thread())
 * @tsk: the exec'ing thread, now the leader with the process's pid
 * @leader: the old leader, released by the caller right after
 *
 * Record context: write_lock_irq(&tasklist_lock). The process's state
 * (a parent on another node, an exec target) belongs to its pid, so it
 * moves to @tsk; whatever @tsk had of its own (a thread's exec target)
 * goes to @leader and is freed with it (task_free). Without the move the
 * new leader's exit would be autoreaped here and the parent's node never
 * told.
 */
void cp_op_de_thread(struct task_struct *tsk, struct task_struct *leader)
{
	struct cp_proc *p = cp_proc_of(leader), *mine = cp_proc_of(tsk);

	if (!p)
		return;
	cp_count(CP_STAT_HOOK_DE_THREAD);
	clusterproc_set_task_data(tsk, p);
	clusterproc_set_task_data(leader, mine);
}

/**
 * cp_op_getppid() - getppid() of a process whose parent is a stand-in
 * @parent: current's real_parent (cp_rparent)
 *
 * Query, under RCU.
 *
 * Return: the remote parent's pid.
 */
pid_t cp_op_getppid(struct task_struct *parent)
{
	struct cp_proc *p = cp_proc_of(current->group_leader);

	cp_count(CP_STAT_HOOK_GETPPID);
	if (p && p->kind == CP_PROC_RCHILD)
		return READ_ONCE(p->ppid);
	return task_tgid_vnr(parent);
}

/* live_jobs, live_outq: cp_rparent's jobs and the records not yet sent */
void cp_rchild_live(unsigned int *jobs, unsigned int *outq)
{
	const struct cp_job *j;
	const struct cp_out *o;
	unsigned long flags;

	*jobs = 0;
	spin_lock(&cp_jobs_lock);
	list_for_each_entry(j, &cp_jobs, link)
		(*jobs)++;
	spin_unlock(&cp_jobs_lock);
	*outq = 0;
	spin_lock_irqsave(&cp_outq_lock, flags);
	list_for_each_entry(o, &cp_outq, link)
		(*outq)++;
	if (cp_out_busy)
		(*outq)++;
	spin_unlock_irqrestore(&cp_outq_lock, flags);
}

#ifdef CLUSTERPROC_HAVE_PROC_HELPERS

/*
 * The mover's resource limits (checked: cur <= max), as its exec would
 * have kept them. Single-threaded, not yet visible to prlimit(2) of
 * others but under the same lock as do_prlimit().
 */
static void cp_rlimits_get(const struct cp_rexec *rq)
{
	struct rlimit *r = current->signal->rlim;
	int i;

	task_lock(current->group_leader);
	for (i = 0; i < CP_RLIM_N; i++) {
		u64 cur = be64_to_cpu(rq->rlim_cur[i]);
		u64 max = be64_to_cpu(rq->rlim_max[i]);

		r[i].rlim_cur = cur >= RLIM_INFINITY ? RLIM_INFINITY : cur;
		r[i].rlim_max = max >= RLIM_INFINITY ? RLIM_INFINITY : max;
	}
	task_unlock(current->group_leader);
}

/* The mover's supplementary groups (validated: at most the array). */
static int cp_rchild_groups(struct cred *c, const struct cp_rexec *rq)
{
	u32 i, n = be32_to_cpu(rq->ngroups);
	struct group_info *gi = groups_alloc(n);

	if (!gi)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		gi->gid[i] = make_kgid(&init_user_ns,
				       be32_to_cpu(rq->groups[i]));
		if (!gid_valid(gi->gid[i])) {
			put_group_info(gi);
			return -EINVAL;
		}
	}
	groups_sort(gi);
	set_groups(c, gi);
	put_group_info(gi);
	return 0;
}

static int cp_rchild_creds(const struct cp_rexec *rq)
{
	struct cred *c = prepare_creds();
	int err;

	if (!c)
		return -ENOMEM;
	if (cp_ids_get(c, &rq->ids)) {
		abort_creds(c);
		return -EINVAL;
	}
	cp_cap_get(rq->cap_effective, &c->cap_effective);
	cp_cap_get(rq->cap_permitted, &c->cap_permitted);
	cp_cap_get(rq->cap_inheritable, &c->cap_inheritable);
	cp_cap_get(rq->cap_bset, &c->cap_bset);
	c->securebits = be32_to_cpu(rq->securebits);
	err = cp_rchild_groups(c, rq);
	if (err) {
		abort_creds(c);
		return err;
	}
#ifdef CLUSTERPROC_EXECVE_EXIT	/* same 0017 version as the helper */
	/* user_struct and RLIMIT_NPROC ucounts of the new uid */
	err = clusterproc_cred_set_user(c);
	if (err) {
		abort_creds(c);
		return err;
	}
#endif
	return commit_creds(c);
}

/* The caller's signal mask and ignored signals, as exec keeps them. */
static void cp_sigstate_get(const struct cp_rexec *rq)
{
	u64 ignored = be64_to_cpu(rq->ignored);
	struct k_sigaction *ka = current->sighand->action;
	sigset_t blocked;
	int sig;

	spin_lock_irq(&current->sighand->siglock);
	for (sig = 1; sig <= min(_NSIG, 64); sig++)
		if ((ignored & BIT_ULL(sig - 1)) && !sig_kernel_only(sig))
			ka[sig - 1].sa.sa_handler = SIG_IGN;
	spin_unlock_irq(&current->sighand->siglock);
	siginitset(&blocked, be64_to_cpu(rq->blocked));
	sigdelsetmask(&blocked, sigmask(SIGKILL) | sigmask(SIGSTOP));
	sigprocmask(SIG_SETMASK, &blocked, NULL);
}

/* The new process's first function: become the process, then exec. */
static int cp_rchild_fn(void *arg)
{
	struct cp_job *job = arg;
	const struct cp_rexec *rq = job->rq;
	struct cp_proc *p = kzalloc(sizeof(*p), GFP_KERNEL);
	int err = -ENOMEM;

	if (!p)
		goto fail;
	spin_lock_init(&p->lock);
	INIT_LIST_HEAD(&p->link);
	INIT_LIST_HEAD(&p->spare);
	p->kind = CP_PROC_RCHILD;
	cp_proc_pin(p);
	p->pnode = job->pnode;
	p->ppid = be32_to_cpu(rq->ppid);
	clusterproc_set_task_data(current, p);
	clusterproc_flush_signals();
	cp_sigstate_get(rq);
	/* its session and group stay the ones it had (their leaders are
	 * elsewhere); without them, it leads its own
	 */
	if (!rq->pgrp || !rq->sid ||
	    clusterproc_set_pgrp_sid(be32_to_cpu(rq->pgrp),
				     be32_to_cpu(rq->sid)))
		clusterproc_setsid();
	err = cp_rchild_creds(rq);
	if (err)
		goto fail;
	cp_rlimits_get(rq);
	if (be32_to_cpu(rq->flags) & CP_REXEC_NNP)
		task_set_no_new_privs(current);
	cp_pgrp_held_set(p, be32_to_cpu(rq->flags) & CP_REXEC_PGRP_HELD);
	xchg(&current->fs->umask, be32_to_cpu(rq->umask) & 0777);
	if (clusterproc_chdir(job->cwd))
		clusterproc_chdir("/");
	/* relays of its fds 0-2 at its origin, else null and console */
	err = cp_stdio_install(rq, job->pnode);
	if (err)
		goto fail;
	err = clusterproc_kernel_execve(job->filename, job->argv, job->envp);
	if (err)
		goto fail;
	job->exec_err = 0;
	complete(&job->exec_done);
	return 0;
fail:
	if (p)
		p->noreap = true;	/* autoreaped: nobody is told */
	job->exec_err = err;
	complete(&job->exec_done);
	clusterproc_exit(127 << 8);
}

static int cp_job_spawn(struct cp_job *job)
{
	pid_t pid = be32_to_cpu(job->rq->pid);
	pid_t got;

	init_completion(&job->exec_done);
	got = clusterproc_spawn(cp_rchild_fn, job, pid);
	return got < 0 ? got : 0;
}

/**
 * cp_wstat() - the wait(2) status word of a waitid() result
 * @why: its si_code (CLD_EXITED, CLD_KILLED, ...)
 * @status: its si_status
 *
 * Return: the word wait4() stores, as the base kernel builds it.
 */
int cp_wstat(int why, int status)
{
	switch (why) {
	case CLD_EXITED:
		return (status & 0xff) << 8;
	case CLD_DUMPED:
		return (status & 0x7f) | 0x80;
	case CLD_STOPPED:
	case CLD_TRAPPED:
		return ((status & 0xff) << 8) | 0x7f;
	case CLD_CONTINUED:
		return 0xffff;
	default:
		return status & 0x7f;
	}
}

static int cp_job_reap(struct cp_job *job)
{
	struct cp_reap_reply *out = job->out;
	struct waitid_info info = { };
	struct rusage ru = { };
	int options;
	long ret;

	options = WNOHANG | __WALL;
	if (job->flags & CP_REAP_STOPPED)
		options |= WSTOPPED | WNOWAIT;
	else
		options |= WEXITED;
	if (job->flags & CP_REAP_NOWAIT)
		options |= WNOWAIT;
	ret = clusterproc_waitid(job->pid, options, &info, &ru);
	memset(out, 0, sizeof(*out));
	if (ret < 0)
		return ret;
	if (ret == 0)
		return 0;
	out->pid = cpu_to_be32(ret);
	out->wstat = cpu_to_be32(cp_wstat(info.cause, info.status));
	out->why = cpu_to_be32(info.cause);
	out->status = cpu_to_be32(info.status);
	out->uid = cpu_to_be32(info.uid);
	out->ru[CP_RU_UTIME_US] = cpu_to_be64(ru.ru_utime.tv_sec * USEC_PER_SEC +
					      ru.ru_utime.tv_usec);
	out->ru[CP_RU_STIME_US] = cpu_to_be64(ru.ru_stime.tv_sec * USEC_PER_SEC +
					      ru.ru_stime.tv_usec);
	out->ru[CP_RU_MAXRSS] = cpu_to_be64(ru.ru_maxrss);
	out->ru[CP_RU_MINFLT] = cpu_to_be64(ru.ru_minflt);
	out->ru[CP_RU_MAJFLT] = cpu_to_be64(ru.ru_majflt);
	out->ru[CP_RU_NVCSW] = cpu_to_be64(ru.ru_nvcsw);
	out->ru[CP_RU_NIVCSW] = cpu_to_be64(ru.ru_nivcsw);
	out->ru[CP_RU_INBLOCK] = cpu_to_be64(ru.ru_inblock);
	out->ru[CP_RU_OUBLOCK] = cpu_to_be64(ru.ru_oublock);
	return 0;
}

/* Run a job in cp_rparent (the parent of every remote child here). */
static int cp_job_run(struct cp_job *job);

#define CP_ADOPT_BATCH 32

/* Is @node up now? */
static bool cp_node_is_up(unsigned int node)
{
	struct cp_node_info ni;

	return cp_node_get(node, &ni) && ni.up;
}

/*
 * Adoption, in cp_rparent (the parent of every remote child here): node
 * @job->down went down, so the processes here whose parent is there lost
 * their parent, as if it had died: on one machine init adopts them. So
 * here: each live one gets getppid() 1, its PR_SET_PDEATHSIG signal, and
 * pnode 0 (its exit is autoreaped, nobody is told; its stops go nowhere);
 * each zombie is reaped here (the down node reports it killed, or its told
 * exit). Their pids are the down node's, which reports them dead and may
 * hand them out again: the pids are held there (hold.c) once it is back,
 * by a SYNC that lists them (cp_hold_sync()), queued here if it is up
 * already and at its next up otherwise.
 *
 * Locking: the children are looked at under tasklist_lock (read): a
 * child's exit_notify() (write) either ran before, and it is a zombie
 * whose death was recorded for the parent's node, or runs after and
 * sees pnode 0. pnode is also read under the read lock by the
 * stop/continue hook, once (READ_ONCE): a stale node there makes an
 * event for the down node, which fails. The pdeath signal is sent under
 * the read lock, as kill_pgrp() does; zombies are reaped after the
 * unlock, in batches.
 */
static void cp_job_adopt(struct cp_job *job)
{
	pid_t zombies[CP_ADOPT_BATCH];
	struct task_struct *t;
	bool more;
	int n;

	do {
		n = 0;
		more = false;
		clusterproc_tasklist_read_lock();
		list_for_each_entry(t, &current->children, sibling) {
			struct cp_proc *p = cp_proc_of(t);

			if (!p || p->kind != CP_PROC_RCHILD ||
			    READ_ONCE(p->pnode) != job->down)
				continue;
			if (t->exit_state == EXIT_ZOMBIE) {
				if (n < CP_ADOPT_BATCH)
					zombies[n++] = task_tgid_nr(t);
				else
					more = true;
				continue;
			}
			if (READ_ONCE(p->noreap) || t->exit_state)
				continue;
			cp_pgrp_held_set(p, false);
			WRITE_ONCE(p->ppid, 1);
			WRITE_ONCE(p->pnode, 0);
			cp_count(CP_STAT_ADOPTED);
			if (t->pdeath_signal) {
				send_sig_info(t->pdeath_signal, SEND_SIG_NOINFO,
					      t);
				cp_count(CP_STAT_ADOPT_PDEATH);
			}
		}
		clusterproc_tasklist_read_unlock();
		for (int i = 0; i < n; i++) {
			struct waitid_info info = { };
			struct rusage ru;

			if (clusterproc_waitid(zombies[i], WNOHANG | WEXITED |
					       __WALL, &info, &ru) > 0)
				cp_count(CP_STAT_ADOPT_REAPED);
		}
	} while (more);
	/* back already (a short partition): hold the pids there now */
	if (cp_node_is_up(job->down))
		cp_queue_hold_sync(job->down);
}

/*
 * A pid holder: a child of cp_rparent that exits at once, a zombie with
 * PF_REMOTE that nobody reaps (cp_op_notify_parent() keeps it) until
 * hold.c releases it. Its pid is then in use here, so no fork takes it;
 * kill(2) and ptrace(2) of it go, as for a stand-in, to the node where the
 * process runs (cp_local_location()). The module stays loaded while one
 * exists (pinned, as a stand-in).
 */
static int cp_hold_fn(void *arg)
{
	struct cp_job *job = arg;
	struct cp_proc *p = cp_proc_get_or_alloc(current, GFP_KERNEL);

	if (p) {
		p->kind = CP_PROC_HOLD;
		p->node = job->pnode;
		cp_proc_pin(p);
		current->flags |= PF_REMOTE;
	}
	job->exec_err = p ? 0 : -ENOMEM;
	complete(&job->exec_done);
	clusterproc_exit(0);
}

static int cp_job_hold(struct cp_job *job)
{
	pid_t got;

	init_completion(&job->exec_done);
	got = clusterproc_spawn(cp_hold_fn, job, job->pid);
	if (got < 0)
		return got;
	wait_for_completion(&job->exec_done);
	return job->exec_err;
}

/* The parent's node is gone or forgot the child: release its zombie. */
static void cp_rchild_reap_orphan(pid_t pid)
{
	struct cp_reap_reply out;
	struct cp_job job = { .kind = CP_JOB_REAP, .pid = pid, .out = &out };

	if (!cp_job_run(&job) && out.pid)
		cp_count(CP_STAT_REAP_ORPHAN);
}

static struct cp_job *cp_job_next(void)
{
	struct cp_job *j = NULL;

	spin_lock(&cp_jobs_lock);
	if (!list_empty(&cp_jobs)) {
		j = list_first_entry(&cp_jobs, struct cp_job, link);
		list_del_init(&j->link);
	}
	spin_unlock(&cp_jobs_lock);
	return j;
}

static int cp_rparent_main(void *unused)
{
	struct cp_job *job;

	current->flags |= PF_REMOTE;
	while (!kthread_should_stop()) {
		wait_event_idle(cp_jobs_wq, !list_empty(&cp_jobs) ||
				kthread_should_stop());
		while ((job = cp_job_next())) {
			if (job->kind == CP_JOB_ADOPT) {
				cp_job_adopt(job);
				kfree(job);
				continue;
			}
			job->result = job->kind == CP_JOB_SPAWN ?
				      cp_job_spawn(job) :
				      job->kind == CP_JOB_HOLD ?
				      cp_job_hold(job) : cp_job_reap(job);
			complete(&job->done);
		}
	}
	current->flags &= ~PF_REMOTE;
	return 0;
}

static int cp_job_run(struct cp_job *job)
{
	if (!cp_rparent)
		return -ESHUTDOWN;
	init_completion(&job->done);
	spin_lock(&cp_jobs_lock);
	list_add_tail(&job->link, &cp_jobs);
	spin_unlock(&cp_jobs_lock);
	wake_up(&cp_jobs_wq);
	wait_for_completion(&job->done);
	return job->result;
}

/**
 * cp_rchild_node_down() - membership: @node went down; adopt its children
 * @node: its number
 *
 * From the topology thread. Queues an adoption job for cp_rparent (see
 * cp_job_adopt()); none once cp_rchild_stop() has begun.
 */
void cp_rchild_node_down(unsigned int node)
{
	struct cp_job *job = kzalloc(sizeof(*job), GFP_KERNEL);

	if (!job)
		return;
	job->kind = CP_JOB_ADOPT;
	job->down = node;
	spin_lock(&cp_jobs_lock);
	if (!cp_adopt_open) {
		spin_unlock(&cp_jobs_lock);
		kfree(job);
		return;
	}
	list_add_tail(&job->link, &cp_jobs);
	spin_unlock(&cp_jobs_lock);
	wake_up(&cp_jobs_wq);
}

/* Nodes whose holds for us may be stale: a DROP or a SYNC to it failed. */
static DECLARE_BITMAP(cp_hold_dirty, CP_MAX_NODES + 1);

/* Is @t a live adopted orphan with a pid of @node's range? (RCU or lock) */
static bool cp_adoptee_of(struct task_struct *t, unsigned int node)
{
	struct cp_proc *p = cp_proc_of(t);

	return p && p->kind == CP_PROC_RCHILD && !READ_ONCE(p->pnode) &&
	       !t->exit_state && CP_PID_NODE(task_tgid_nr(t)) == node;
}

/* An adopted orphan that @node will not hold (or not list): it dies. */
static void cp_adoptee_refused(struct task_struct *t)
{
	send_sig_info(SIGKILL, SEND_SIG_PRIV, t);
	cp_count(CP_STAT_ADOPT_REFUSED);
}

/*
 * Our adopted orphans with pids of @node's into @m. One beyond
 * CP_HOLD_MAX (rare) cannot be held: it dies now, as a refused one.
 */
static void cp_adoptees_of(unsigned int node, struct cp_hold *m)
{
	struct task_struct *t;
	u32 n = 0;

	clusterproc_tasklist_read_lock();
	for_each_process(t) {
		if (!cp_adoptee_of(t, node))
			continue;
		if (n < CP_HOLD_MAX)
			m->pid[n++] = cpu_to_be32(task_tgid_nr(t));
		else
			cp_adoptee_refused(t);
	}
	clusterproc_tasklist_read_unlock();
	m->count = cpu_to_be32(n);
}

/*
 * The outbound worker, for a CP_OUT_HOLD_SYNC record: our adopted
 * orphans' pids of @node's range, sent to @node, which holds them and
 * releases what it held for us before. The list is taken when sent: a
 * death after that queues its DROP behind this record (the queue is
 * ordered), so @node never ends up holding a dead process's pid. What
 * @node refuses (the pid is in use there: it was handed out again before
 * it heard of the orphan) dies, so that one pid never names two
 * processes; so does an orphan beyond CP_HOLD_MAX. A call that timed out
 * is tried again (@node, just up, may not know us yet).
 */
static int cp_hold_sync(unsigned int node)
{
	struct cp_hold *m = kzalloc(sizeof(*m), GFP_KERNEL);
	struct cp_hold *r = kzalloc(sizeof(*r), GFP_KERNEL);
	int err = -ENOMEM, tries = 0;
	size_t len = 0;

	if (!m || !r)
		goto out;
	m->op = cpu_to_be32(CP_HOLD_SYNC);
	cp_adoptees_of(node, m);
	if (!m->count && !test_bit(node, cp_hold_dirty)) {
		err = 0;	/* nothing held there for us, nothing to hold */
		goto out;
	}
	do {
		err = cp_call(node, CP_MSG_HOLD, m, sizeof(*m), r, sizeof(*r),
			      &len);
	} while (err == -ETIMEDOUT && ++tries < 3);
	if (err) {
		set_bit(node, cp_hold_dirty);
		goto out;
	}
	clear_bit(node, cp_hold_dirty);
	cp_count(CP_STAT_HOLD_SYNC_SENT);
	for (u32 i = 0; len == sizeof(*r) &&
	     i < min_t(u32, be32_to_cpu(r->count), CP_HOLD_MAX); i++) {
		struct task_struct *t;

		rcu_read_lock();
		t = pid_task(find_vpid(be32_to_cpu(r->pid[i])), PIDTYPE_TGID);
		if (t && cp_adoptee_of(t, node))
			cp_adoptee_refused(t);
		rcu_read_unlock();
	}
out:
	kfree(m);
	kfree(r);
	return err;
}

/**
 * cp_hold_resync() - send @node our list of its pids again, even if empty
 * @node: a peer whose holds for us may be wrong (the wire fuzzer, fuzz.c,
 *	sent it SYNCs of random pids in our name)
 *
 * Process context. The SYNC replaces what @node holds for us.
 */
void cp_hold_resync(unsigned int node)
{
	set_bit(node, cp_hold_dirty);
	cp_queue_hold_sync(node);
}

/* The outbound worker, for a CP_OUT_HOLD_DROP record. */
static int cp_hold_drop(unsigned int node, pid_t pid)
{
	struct cp_hold m = {
		.op = cpu_to_be32(CP_HOLD_DROP),
		.count = cpu_to_be32(1),
		.pid[0] = cpu_to_be32(pid),
	};
	size_t len;
	int err;

	if (!cp_node_is_up(node)) {
		set_bit(node, cp_hold_dirty);
		return -EHOSTDOWN;
	}
	err = cp_call(node, CP_MSG_HOLD, &m, sizeof(m), NULL, 0, &len);
	if (err)
		set_bit(node, cp_hold_dirty);
	else
		cp_count(CP_STAT_HOLD_DROP_SENT);
	return err;
}

/**
 * cp_rchild_node_up() - membership: @node is up (joined, or back)
 * @node: its number
 * @new_instance: its module is not the one we knew (a reboot, a reload)
 *
 * From the topology thread. If we run adopted orphans with pids of
 * @node's, or what it holds for us may be stale, a SYNC tells it
 * (cp_hold_sync()). A new instance holds nothing for us.
 */
void cp_rchild_node_up(unsigned int node, bool new_instance)
{
	if (node == cp_self)
		return;
	if (new_instance)
		clear_bit(node, cp_hold_dirty);
	cp_queue_hold_sync(node);
}

/**
 * cp_rparent_hold() - hold @pid here for @holder's adopted orphan
 * @pid: a pid of this node's range
 * @holder: the node it runs on
 *
 * Process context, may sleep (cp_rparent starts the holder, see
 * cp_hold_fn()).
 *
 * Return: 0, -EEXIST if @pid is in use here, or another -errno.
 */
int cp_rparent_hold(pid_t pid, unsigned int holder)
{
	struct cp_job job = { .kind = CP_JOB_HOLD, .pid = pid,
			      .pnode = holder };

	return cp_job_run(&job);
}

/*
 * What a sender's cp_op_execve() could put in a REXEC: its own pid (a
 * node moves only processes born there: cp_rparent's children do not
 * move again), a process group and session, a umask, capability sets
 * and securebits the kernel knows, limits with cur <= max, known flags.
 * Anything else is refused, counted.
 */
static bool cp_rexec_fields_valid(const struct cp_request *r)
{
	const struct cp_rexec *rq = r->payload;
	u64 caps = be64_to_cpu(rq->cap_effective) |
		   be64_to_cpu(rq->cap_permitted) |
		   be64_to_cpu(rq->cap_inheritable) |
		   be64_to_cpu(rq->cap_bset);
	pid_t pid = be32_to_cpu(rq->pid);
	int i;

	for (i = 0; i < CP_RLIM_N; i++)
		if (be64_to_cpu(rq->rlim_cur[i]) > be64_to_cpu(rq->rlim_max[i]))
			return false;
	if (be32_to_cpu(rq->flags) & ~(CP_REXEC_NNP | CP_REXEC_PGRP_HELD) ||
	    be32_to_cpu(rq->ngroups) > CP_REXEC_GROUPS || !cp_stdio_valid(rq))
		return false;

	return CP_PID_NODE(pid) == r->src_node &&
	       (s32)be32_to_cpu(rq->ppid) > 0 &&
	       (s32)be32_to_cpu(rq->pgrp) > 0 &&
	       (s32)be32_to_cpu(rq->sid) > 0 &&
	       !(be32_to_cpu(rq->umask) & ~0777) &&
	       !(caps & ~GENMASK_ULL(CAP_LAST_CAP, 0)) &&
	       !(be32_to_cpu(rq->securebits) &
		 ~(SECURE_ALL_BITS | SECURE_ALL_LOCKS));
}

/* Split the request's strings: filename, cwd, argv[], envp[]. */
static int cp_rexec_parse(const struct cp_request *r, struct cp_job *job)
{
	const struct cp_rexec *rq = r->payload;
	u32 argc = be32_to_cpu(rq->argc), envc = be32_to_cpu(rq->envc);
	size_t len = be32_to_cpu(rq->strings_len), off = 0, i, n;
	const char *s = rq->strings;

	if (len != r->len - sizeof(*rq) || argc > 4096 || envc > 4096)
		return -EINVAL;
	n = 2 + argc + envc;
	job->argv = kcalloc(argc + envc + 2, sizeof(char *), GFP_KERNEL);
	if (!job->argv)
		return -ENOMEM;
	job->envp = job->argv + argc + 1;
	for (i = 0; i < n; i++) {
		const char *str = s + off;
		size_t l = strnlen(str, len - off);

		if (off >= len || l == len - off)
			return -EINVAL;
		if (i == 0)
			job->filename = str;
		else if (i == 1)
			job->cwd = str;
		else if (i < 2 + argc)
			job->argv[i - 2] = str;
		else
			job->argv[i - 1] = str;	/* envp[i - 2 - argc] */
		off += l + 1;
	}
	job->argv[argc] = NULL;
	job->envp[envc] = NULL;
	return off == len ? 0 : -EINVAL;
}

/*
 * Reap records: the reply of each reap done here, for the parent's node
 * to ask again. Its REAP call may time out after the child was reaped
 * (a slow reply); the retry then found no child, and the parent reported
 * the exit as lost (SIGKILL, no rusage). Keyed by (parent's node, pid); a
 * ring under cp_reap_recs_lock, the oldest overwritten; a REXEC of the
 * same pid from that node drops its record (the pid is in use again).
 */
struct cp_reap_rec {
	unsigned int node;	/* 0: free */
	pid_t pid;
	struct cp_reap_reply rep;
};

#define CP_REAP_RECS	64
static struct cp_reap_rec cp_reap_recs[CP_REAP_RECS];
static unsigned int cp_reap_next;
static DEFINE_SPINLOCK(cp_reap_recs_lock);	/* the records, cp_reap_next */

static struct cp_reap_rec *cp_reap_rec_find(unsigned int node, pid_t pid)
{
	struct cp_reap_rec *r;

	lockdep_assert_held(&cp_reap_recs_lock);
	for (r = cp_reap_recs; r < cp_reap_recs + CP_REAP_RECS; r++)
		if (r->node == node && r->pid == pid)
			return r;
	return NULL;
}

static void cp_reap_rec_add(unsigned int node, const struct cp_reap_reply *rep)
{
	pid_t pid = be32_to_cpu(rep->pid);
	struct cp_reap_rec *r;

	spin_lock(&cp_reap_recs_lock);
	r = cp_reap_rec_find(node, pid);
	if (!r) {
		r = &cp_reap_recs[cp_reap_next];
		cp_reap_next = (cp_reap_next + 1) % CP_REAP_RECS;
	}
	r->node = node;
	r->pid = pid;
	r->rep = *rep;
	spin_unlock(&cp_reap_recs_lock);
}

static void cp_reap_rec_drop(unsigned int node, pid_t pid)
{
	struct cp_reap_rec *r;

	spin_lock(&cp_reap_recs_lock);
	r = cp_reap_rec_find(node, pid);
	if (r)
		r->node = 0;
	spin_unlock(&cp_reap_recs_lock);
}

/* A reap of (node, pid) already done: its reply into @out, or false. */
static bool cp_reap_rec_replay(unsigned int node, pid_t pid,
			       struct cp_reap_reply *out)
{
	struct cp_reap_rec *r;

	spin_lock(&cp_reap_recs_lock);
	r = cp_reap_rec_find(node, pid);
	if (r)
		*out = r->rep;
	spin_unlock(&cp_reap_recs_lock);
	return r;
}

/*
 * Remote-exec records: what became of each REXEC this node ran, so that
 * a source whose call timed out can settle it (CP_MSG_REXEC_SETTLE)
 * instead of guessing: a guess of "failed" while the request still ran
 * here left two live processes with one pid. Keyed by (source node,
 * pid, seq). RUNNING from the handler's start to the exec's result, then
 * DONE with it; CANCELLED when the settle came first: the REXEC, if it
 * ever arrives, is refused (ECANCELED). Either the handler or the settle
 * creates the record, under cp_rexec_recs_lock, so whichever comes
 * second sees the first's answer. A ring: a new record takes a free slot
 * or the oldest one not RUNNING (a source settles within seconds of its
 * timeout, long before CP_REXEC_RECS later moves; at most nr_svrprocs
 * are RUNNING).
 */
enum cp_rexec_rec_state {
	CP_RXR_FREE = 0,
	CP_RXR_RUNNING,
	CP_RXR_DONE,
	CP_RXR_CANCELLED,
};

struct cp_rexec_rec {
	unsigned int node;
	pid_t pid;
	u32 seq;
	enum cp_rexec_rec_state state;
	int err;		/* DONE: the exec's result */
	u64 stamp;		/* age, for reuse */
};

#define CP_REXEC_RECS	64
static struct cp_rexec_rec cp_rexec_recs[CP_REXEC_RECS];
static DEFINE_SPINLOCK(cp_rexec_recs_lock);	/* the records and stamp */
static u64 cp_rexec_stamp;

/* The record of (node, pid, seq), or a new one in @state (lock held). */
static struct cp_rexec_rec *cp_rexec_rec_get(unsigned int node, pid_t pid,
					     u32 seq, bool *found,
					     enum cp_rexec_rec_state state)
{
	struct cp_rexec_rec *r, *old = NULL;

	lockdep_assert_held(&cp_rexec_recs_lock);
	for (r = cp_rexec_recs; r < cp_rexec_recs + CP_REXEC_RECS; r++) {
		if (r->state != CP_RXR_FREE && r->node == node &&
		    r->pid == pid && r->seq == seq) {
			*found = true;
			return r;
		}
		if (r->state != CP_RXR_RUNNING &&
		    (!old || r->state == CP_RXR_FREE ||
		     (old->state != CP_RXR_FREE && r->stamp < old->stamp)))
			old = r;
	}
	*found = false;
	if (!old)
		return NULL;
	old->node = node;
	old->pid = pid;
	old->seq = seq;
	old->state = state;
	old->err = 0;
	old->stamp = ++cp_rexec_stamp;
	return old;
}

/**
 * cp_handle_rexec_settle() - CP_MSG_REXEC_SETTLE: what became of a REXEC
 * @r: the request (struct cp_rexec_settle)
 * @reply: struct cp_rexec_settle, err set
 * @max: its room
 *
 * The source's call timed out. Unknown here: the REXEC has not started
 * (still in transit or queued) and now never will (CANCELLED).
 *
 * Return: reply length, -EINPROGRESS while the exec runs, -EAGAIN if
 * every record is in use.
 */
int cp_handle_rexec_settle(const struct cp_request *r, void *reply,
			   size_t max)
{
	const struct cp_rexec_settle *rq = r->payload;
	struct cp_rexec_settle *out = reply;
	struct cp_rexec_rec *rec;
	bool found;
	int err = 0, res = ECANCELED;

	cp_count(CP_STAT_SVR_REXEC_SETTLE);
	spin_lock(&cp_rexec_recs_lock);
	rec = cp_rexec_rec_get(r->src_node, be32_to_cpu(rq->pid),
			       be32_to_cpu(rq->seq), &found, CP_RXR_CANCELLED);
	if (!rec)
		err = -EAGAIN;
	else if (found && rec->state == CP_RXR_RUNNING)
		err = -EINPROGRESS;
	else if (found && rec->state == CP_RXR_DONE)
		res = -rec->err;
	spin_unlock(&cp_rexec_recs_lock);
	if (err)
		return err;
	out->pid = rq->pid;
	out->seq = rq->seq;
	out->err = cpu_to_be32(res);
	out->pad = 0;
	return sizeof(*out);
}

/**
 * cp_handle_rexec() - CP_MSG_REXEC: run a process of another node here
 * @r: the request (struct cp_rexec and its strings)
 * @reply: struct cp_rexec_reply
 * @max: its room
 *
 * Return: reply length, or the exec's negative errno.
 */
int cp_handle_rexec(const struct cp_request *r, void *reply, size_t max)
{
	const struct cp_rexec *rq = r->payload;
	struct cp_rexec_reply *out = reply;
	struct cp_job job = { .kind = CP_JOB_SPAWN, .rq = rq,
			      .pnode = r->src_node };
	pid_t pid = be32_to_cpu(rq->pid);
	struct cp_rexec_rec *rec;
	bool found;
	int err;

	if (!cp_rexec_fields_valid(r)) {
		cp_count(CP_STAT_BAD_FIELD);
		return -EINVAL;
	}
	spin_lock(&cp_rexec_recs_lock);
	rec = cp_rexec_rec_get(r->src_node, pid, be32_to_cpu(rq->seq), &found,
			       CP_RXR_RUNNING);
	if (found)
		/* settled first (CANCELLED), or a request seen twice */
		err = rec->state == CP_RXR_CANCELLED ? -ECANCELED : -EALREADY;
	else
		err = rec ? 0 : -EAGAIN;
	spin_unlock(&cp_rexec_recs_lock);
	if (err) {
		cp_count(CP_STAT_SVR_REXEC_CANCELLED);
		return err;
	}
	cp_reap_rec_drop(r->src_node, pid);	/* the pid lives again */
	/* a settle now answers EINPROGRESS until the exec's result */
	cp_delay_point(CP_DP_REXEC_SPAWN);
	err = cp_rexec_parse(r, &job);
	if (!err)
		err = cp_job_run(&job);
	if (!err) {
		/* the exec's result; cp_rparent does not wait for it */
		wait_for_completion(&job.exec_done);
		err = job.exec_err;
		if (!err)
			cp_count(CP_STAT_SVR_REXEC);
	}
	kfree(job.argv);
	spin_lock(&cp_rexec_recs_lock);
	rec->err = err;
	rec->state = CP_RXR_DONE;	/* RUNNING: nobody reused the slot */
	spin_unlock(&cp_rexec_recs_lock);
	if (err)
		return err;
	out->pid = rq->pid;
	out->pad = 0;
	return sizeof(*out);
}

/**
 * cp_handle_reap() - CP_MSG_REAP: the parent's node reaps its child here
 * @r: the request (struct cp_reap)
 * @reply: struct cp_reap_reply (pid 0: nothing to report yet)
 * @max: its room
 *
 * Return: reply length or a negative errno (-ECHILD: not a child).
 */
int cp_handle_reap(const struct cp_request *r, void *reply, size_t max)
{
	const struct cp_reap *rq = r->payload;
	pid_t pid = be32_to_cpu(rq->pid);
	struct cp_job job = { .kind = CP_JOB_REAP, .pid = pid,
			      .flags = be32_to_cpu(rq->flags), .out = reply };
	struct task_struct *t;
	struct cp_proc *p;
	int err = -ECHILD;

	cp_count(CP_STAT_SVR_REAP);
	/* what cp_reap_call() asks: reap, peek (WNOWAIT), or still stopped? */
	if (job.flags && job.flags != CP_REAP_NOWAIT &&
	    job.flags != (CP_REAP_STOPPED | CP_REAP_NOWAIT)) {
		cp_count(CP_STAT_BAD_FIELD);
		return -EINVAL;
	}
	rcu_read_lock();
	t = pid_task(find_vpid(pid), PIDTYPE_TGID);
	p = t ? cp_proc_of(t) : NULL;
	if (p && p->kind == CP_PROC_RCHILD && p->pnode == r->src_node)
		err = 0;
	rcu_read_unlock();
	if (err) {
		/* reaped already, and the reply did not make it in time? */
		if (job.flags & CP_REAP_STOPPED ||
		    !cp_reap_rec_replay(r->src_node, pid, reply))
			return err;
		cp_count(CP_STAT_REAP_REPLAYED);
		return sizeof(struct cp_reap_reply);
	}
	err = cp_job_run(&job);
	if (err)
		return err;
	if (!(job.flags & (CP_REAP_NOWAIT | CP_REAP_STOPPED)) &&
	    job.out->pid) {
		cp_reap_rec_add(r->src_node, job.out);
		/* reaped: a slow reply from here on */
		cp_delay_point(CP_DP_REAP_DONE);
	}
	return sizeof(struct cp_reap_reply);
}

#else /* !CLUSTERPROC_HAVE_PROC_HELPERS */

int cp_handle_rexec(const struct cp_request *r, void *reply, size_t max)
{
	return -EOPNOTSUPP;
}

int cp_handle_rexec_settle(const struct cp_request *r, void *reply,
			   size_t max)
{
	return -EOPNOTSUPP;
}

int cp_handle_reap(const struct cp_request *r, void *reply, size_t max)
{
	return -EOPNOTSUPP;
}

void cp_rchild_node_down(unsigned int node)
{
}

void cp_rchild_node_up(unsigned int node, bool new_instance)
{
}

int cp_rparent_hold(pid_t pid, unsigned int holder)
{
	return -EOPNOTSUPP;
}

static int cp_hold_sync(unsigned int node)
{
	return 0;
}

static int cp_hold_drop(unsigned int node, pid_t pid)
{
	return 0;
}

static void cp_rchild_reap_orphan(pid_t pid)
{
}

static int cp_rparent_main(void *unused)
{
	while (!kthread_should_stop())
		schedule_timeout_idle(HZ);
	return 0;
}

#endif /* CLUSTERPROC_HAVE_PROC_HELPERS */

/**
 * cp_handle_reparent() - CP_MSG_REPARENT: a remote child's parent exited
 * @r: the request (struct cp_reparent)
 * @reply: unused
 * @max: unused
 *
 * Return: 0, or -ESRCH if @pid is not a child of the sender's here.
 */
int cp_handle_reparent(const struct cp_request *r, void *reply, size_t max)
{
	const struct cp_reparent *rq = r->payload;
	struct task_struct *t;
	struct cp_proc *p;
	int sig = 0, err = -ESRCH;

	cp_count(CP_STAT_SVR_REPARENT);
	rcu_read_lock();
	t = pid_task(find_vpid(be32_to_cpu(rq->pid)), PIDTYPE_TGID);
	p = t ? cp_proc_of(t) : NULL;
	if (p && p->kind == CP_PROC_RCHILD && p->pnode == r->src_node) {
		WRITE_ONCE(p->ppid, be32_to_cpu(rq->ppid));
		sig = t->pdeath_signal;
		get_task_struct(t);
		err = 0;
	}
	rcu_read_unlock();
	if (err)
		return err;
	if (sig)
		send_sig_info(sig, SEND_SIG_NOINFO, t);
	put_task_struct(t);
	return 0;
}

/**
 * cp_rchild_start() - start cp_rparent and the outbound worker
 *
 * Return: 0 or a negative errno.
 */
int cp_rchild_start(void)
{
	struct task_struct *t;

	WRITE_ONCE(cp_out_stopping, false);
	cp_out_wq = alloc_ordered_workqueue("cp_out", 0);
	if (!cp_out_wq)
		return -ENOMEM;
	t = kthread_run(cp_rparent_main, NULL, "cp_rparent");
	if (IS_ERR(t)) {
		destroy_workqueue(cp_out_wq);
		cp_out_wq = NULL;
		return PTR_ERR(t);
	}
	cp_rparent = t;
	spin_lock(&cp_jobs_lock);
	cp_adopt_open = true;
	spin_unlock(&cp_jobs_lock);
	return 0;
}

/**
 * cp_rchild_stop() - stop cp_rparent (its children go to init) and flush
 */
void cp_rchild_stop(void)
{
	struct cp_job *job;
	struct cp_out *o;

	spin_lock(&cp_jobs_lock);
	cp_adopt_open = false;
	spin_unlock(&cp_jobs_lock);
	if (cp_rparent)
		kthread_stop(cp_rparent);
	cp_rparent = NULL;
	/* adoption jobs it did not take (only those queue without a waiter) */
	while ((job = cp_job_next()))
		if (job->kind == CP_JOB_ADOPT)
			kfree(job);
	WRITE_ONCE(cp_out_stopping, true);
	if (cp_out_wq) {
		flush_workqueue(cp_out_wq);
		destroy_workqueue(cp_out_wq);
	}
	cp_out_wq = NULL;
	while ((o = cp_out_next())) {
		if (o->task)
			put_task_struct(o->task);
		cp_out_done(o);
	}
}
