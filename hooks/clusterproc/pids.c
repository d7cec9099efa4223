// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc clusterwide pids: each node allocates from its own range
 * (the node number in the high bits, see cp_proc.h), so a pid names its
 * origin node; the origin node always knows where its processes run
 * (the stand-in it keeps for a process that moved), and answers
 * CP_MSG_WHERE for them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/clusterproc.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/threads.h>
#include "cp_internal.h"
#include "cp_proc.h"

static bool cp_pid_ranges_on;
/* stand-ins and remote children holding a module reference (live_pinned) */
static atomic_t cp_pinned = ATOMIC_INIT(0);

/* live_pinned: cp_proc_pin()'s references now held */
unsigned int cp_pinned_live(void)
{
	return atomic_read(&cp_pinned);
}

/**
 * cp_proc_of() - the process-model state of a task
 * @t: any task
 *
 * Return: the task's struct cp_proc, or NULL.
 */
struct cp_proc *cp_proc_of(struct task_struct *t)
{
	return clusterproc_task_data(t);
}

/**
 * cp_proc_get_or_alloc() - the state of @t, allocated if it has none
 * @t: current, or a task nobody else sets the data of
 * @gfp: allocation flags
 *
 * Return: the state, or NULL if out of memory.
 */
struct cp_proc *cp_proc_get_or_alloc(struct task_struct *t, gfp_t gfp)
{
	struct cp_proc *p = cp_proc_of(t);

	if (p)
		return p;
	p = kzalloc(sizeof(*p), gfp);
	if (!p)
		return NULL;
	spin_lock_init(&p->lock);
	INIT_LIST_HEAD(&p->link);
	INIT_LIST_HEAD(&p->spare);
	p->kind = CP_PROC_LOCAL;
	clusterproc_set_task_data(t, p);
	return p;
}

/**
 * cp_proc_pin() - a stand-in or a remote child keeps the module loaded
 * @p: its state
 *
 * Their state (exit status to report, parent on another node) lives
 * here: rmmod gets EBUSY until the last is freed
 * (/sys/module/clusterproc/refcnt counts them). Not concurrent with
 * cp_proc_unpin() for the same @p.
 */
void cp_proc_pin(struct cp_proc *p)
{
	if (!p->pinned) {
		__module_get(THIS_MODULE);
		p->pinned = true;
		atomic_inc(&cp_pinned);
	}
}

/**
 * cp_proc_unpin() - drop cp_proc_pin()'s reference, if taken (any context)
 * @p: its state
 */
void cp_proc_unpin(struct cp_proc *p)
{
	if (p->pinned) {
		p->pinned = false;
		atomic_dec(&cp_pinned);
		module_put(THIS_MODULE);
	}
}

/* free_task(): any context, an RCU grace period after release_task() */
void cp_op_task_free(struct task_struct *tsk)
{
	struct cp_proc *p = cp_proc_of(tsk);

	if (p) {
		cp_count(CP_STAT_HOOK_TASK_FREE);
		cp_pgrp_held_set(p, false);
		cp_standin_del(p);
		cp_proc_unpin(p);
		cp_spare_free(p);
		clusterproc_set_task_data(tsk, NULL);
		kfree(p);
	}
}

/*
 * pid_range op: under pidmap_lock, irqs off. Only the initial namespace
 * is clusterwide; nested namespaces keep their own numbering.
 */
void cp_op_pid_range(struct pid_namespace *ns, int *min, int *max)
{
	int lo = cp_self << CP_PID_SHIFT, hi = (cp_self + 1) << CP_PID_SHIFT;

	if (ns != &init_pid_ns || !READ_ONCE(cp_pid_ranges_on))
		return;
	cp_count(CP_STAT_HOOK_PID_RANGE);
	if (*min < lo)
		*min = lo;
	if (*max > hi)
		*max = hi;
}

/**
 * cp_pids_clusterwide() - whether pids name the same process on every node
 *
 * Return: true once this node allocates from its own range.
 */
bool cp_pids_clusterwide(void)
{
	return READ_ONCE(cp_pid_ranges_on);
}

/* Where a local task's process runs: here, or where its stand-in says */
static int cp_local_location(pid_t pid)
{
	struct task_struct *t;
	struct cp_proc *p;
	int node = -ESRCH;

	rcu_read_lock();
	t = pid_task(find_vpid(pid), PIDTYPE_TGID);
	if (t) {
		enum cp_rstate st;

		p = cp_proc_of(t);
		st = p ? READ_ONCE(p->rstate) : CP_RS_STARTING;
		if (p && p->kind == CP_PROC_HOLD)
			node = p->node;		/* adopted there (hold.c) */
		else if (!p || p->kind != CP_PROC_STANDIN ||
			 st == CP_RS_STARTING)
			node = cp_self;		/* (still) runs here */
		else if (st != CP_RS_GONE)
			node = p->node;
	}
	rcu_read_unlock();
	return node;
}

/* CP_MSG_WHERE: the origin node answers for its pids */
int cp_handle_where(const struct cp_request *rq, void *reply, size_t max)
{
	const struct cp_where *in = rq->payload;
	struct cp_where *out = reply;
	int node = cp_local_location(be32_to_cpu(in->pid));

	if (node < 0)
		return node;
	out->pid = in->pid;
	out->node = cpu_to_be32(node);
	return sizeof(*out);
}

/**
 * cp_pid_location() - the node thread group @pid runs on
 * @pid: a clusterwide pid
 *
 * A local process is here; a local stand-in knows its process's node;
 * otherwise the pid's origin node is asked (it keeps a stand-in for each
 * of its processes that moved). May sleep.
 *
 * Return: a node number, or -ESRCH (no such process, or its node is down).
 */
int cp_pid_location(pid_t pid)
{
	struct cp_where q = { .pid = cpu_to_be32(pid) }, r;
	unsigned int origin = CP_PID_NODE(pid);
	size_t len;
	int node, err;

	if (pid <= 0)
		return -ESRCH;
	node = cp_local_location(pid);
	if (node != -ESRCH)
		return node;
	if (!origin || origin == cp_self || origin > cp_max_node)
		return -ESRCH;
	cp_count(CP_STAT_WHERE_REMOTE);
	err = cp_call(origin, CP_MSG_WHERE, &q, sizeof(q), &r, sizeof(r), &len);
	if (err)
		return -ESRCH;
	node = be32_to_cpu(r.node);
	if (node < 1 || node > cp_max_node)
		return -ESRCH;
	return node;
}

/**
 * cp_proc_start() - switch to clusterwide pids (before the ops go live)
 *
 * Return: 0 or a negative errno.
 */
int cp_proc_start(void)
{
	int err = clusterproc_set_pid_max(PID_MAX_LIMIT);

	if (err)
		return err;
	if (((cp_self + 1) << CP_PID_SHIFT) > PID_MAX_LIMIT)
		return -EINVAL;
	err = cp_wait_start();
	if (err)
		return err;
	err = cp_rchild_start();
	if (err) {
		cp_wait_stop();
		return err;
	}
	err = cp_rexec_start();
	if (err) {
		cp_rchild_stop();
		cp_wait_stop();
		return err;
	}
	WRITE_ONCE(cp_pid_ranges_on, true);
	return 0;
}

/**
 * cp_proc_stop() - back to the node's plain pid allocation
 */
void cp_proc_stop(void)
{
	WRITE_ONCE(cp_pid_ranges_on, false);
	cp_holds_stop();
	cp_rexec_stop();
	cp_rchild_stop();
	cp_wait_stop();
}
