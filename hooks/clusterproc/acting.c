// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc "acting": a kernel thread here that does a file operation
 * for a process running on another node acts with that process's
 * identity for job control (seed F4/F5's clusterproc_current(), A1).
 *
 * The stdio relay (stdio.c) reads and writes a moved process's terminal
 * on the process's origin node, in a lane kthread. The terminal's job
 * control (__tty_check_change()) compares current's process group with
 * the terminal's foreground group; a kernel thread has no controlling
 * terminal, so the base would always allow it, and a background job on
 * another node would read the terminal. Around each such operation the
 * lane calls cp_acting_begin(): it sets PF_REMOTE on itself, so that the
 * hook of patch 0010 asks the tty_check_change op, and the acting op
 * (clusterproc_current()) names the process's stand-in here, the zombie
 * with its pid, process group, session and controlling terminal.
 *
 * The tty_check_change op does __tty_check_change()'s check for the
 * stand-in: not its terminal, or no foreground group, or its group in
 * the foreground: allowed. Else SIGTTIN/SIGTTOU blocked or ignored by the
 * process (the relay request says so, as the process saw it when it made
 * the call): SIGTTIN gives EIO, SIGTTOU allows; an orphaned group
 * (asked of every node, cp_pgrp_held_anywhere()) gives EIO; otherwise the group
 * gets the signal (kill_pgrp(): here, and through patch 0020's op on
 * every other node), and -ERESTARTSYS, after the signal left this node
 * (cp_out_flush_own()), so that the process has it pending when the
 * relay's answer reaches it and restarts its call after the stop.
 *
 * Locking: cp_acting_lock (irqsave; the acting op is a query from any
 * context) guards the list of acting threads. An entry lives on the
 * acting thread's stack from begin to end and is looked up only by that
 * thread (current) or removed by it, so the stand-in reference it holds
 * is valid wherever the op is called.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/clusterproc.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/tty.h>
#include "cp_internal.h"
#include "cp_proc.h"

static LIST_HEAD(cp_acting_list);
static DEFINE_SPINLOCK(cp_acting_lock);

/* current's entry, or NULL (any context) */
static struct cp_acting *cp_acting_find(void)
{
	struct cp_acting *a, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&cp_acting_lock, flags);
	list_for_each_entry(a, &cp_acting_list, link)
		if (a->thread == current) {
			found = a;
			break;
		}
	spin_unlock_irqrestore(&cp_acting_lock, flags);
	return found;
}

/**
 * cp_acting_begin() - current acts for the process @pid until cp_acting_end()
 * @a: the entry (the caller's, until cp_acting_end())
 * @pid: the process, which moved away from here: its stand-in is here
 * @sigign: CP_ACT_* bits: SIGTTIN/SIGTTOU blocked or ignored by it
 *
 * Context: a kernel thread of the module's, process context. Without a
 * stand-in for @pid here (reaped already) nothing changes.
 * Return: 0, or -ESRCH (no stand-in: act as yourself).
 */
int cp_acting_begin(struct cp_acting *a, pid_t pid, u32 sigign)
{
	struct task_struct *t = NULL;
	unsigned long flags;
	struct pid *p;

	p = find_get_pid(pid);
	if (p) {
		t = get_pid_task(p, PIDTYPE_PID);
		put_pid(p);
	}
	if (t && (!(t->flags & PF_REMOTE) || !cp_proc_of(t) ||
		  cp_proc_of(t)->kind != CP_PROC_STANDIN)) {
		put_task_struct(t);
		t = NULL;
	}
	a->standin = t;
	if (!t)
		return -ESRCH;
	a->thread = current;
	a->sigign = sigign;
	a->signalled = false;
	spin_lock_irqsave(&cp_acting_lock, flags);
	list_add(&a->link, &cp_acting_list);
	spin_unlock_irqrestore(&cp_acting_lock, flags);
	current->flags |= PF_REMOTE;
	return 0;
}

/**
 * cp_acting_end() - end what cp_acting_begin() started
 * @a: its entry (nothing to do if it returned an error)
 */
void cp_acting_end(struct cp_acting *a)
{
	unsigned long flags;

	if (!a->standin)
		return;
	current->flags &= ~PF_REMOTE;
	spin_lock_irqsave(&cp_acting_lock, flags);
	list_del(&a->link);
	spin_unlock_irqrestore(&cp_acting_lock, flags);
	put_task_struct(a->standin);
	a->standin = NULL;
}

/**
 * cp_op_acting() - &clusterproc_ops.acting: whom current acts for
 *
 * Context: any (a query). Current has PF_REMOTE.
 * Return: the stand-in (valid until current's cp_acting_end()), or NULL.
 */
struct task_struct *cp_op_acting(void)
{
	struct cp_acting *a = cp_acting_find();

	return a ? a->standin : NULL;
}

/**
 * cp_op_tty_check_change() - &clusterproc_ops.tty_check_change (A1)
 * @tty: the terminal current reads, writes or changes
 * @sig: SIGTTIN or SIGTTOU
 *
 * __tty_check_change() for the process current acts for (see the top of
 * this file). Context: process context, no locks; sleeps.
 * Return: 0 (go ahead), -EIO, -ERESTARTSYS (the group was signalled), or
 * CLUSTERPROC_NOT_HANDLED (current acts for nobody).
 */
int cp_op_tty_check_change(struct tty_struct *tty, int sig)
{
	struct cp_acting *a = cp_acting_find();
	struct pid *pgrp = NULL, *tty_pgrp;
	struct task_struct *s;
	unsigned long flags;
	pid_t nr, sid;
	int ret;

	if (!a)
		return CLUSTERPROC_NOT_HANDLED;
	s = a->standin;
	cp_count(CP_STAT_HOOK_TTY_CHECK);
	cp_trace_hook(CP_STAT_HOOK_TTY_CHECK, task_tgid_nr(s));
	/*
	 * Its signal struct lives as long as our reference; ->tty is only
	 * compared (it is cleared at the stand-in's release, or when its
	 * session leaves the terminal: then not its terminal any more).
	 */
	if (READ_ONCE(s->signal->tty) != tty)
		return 0;
	rcu_read_lock();
	spin_lock_irqsave(&tty->ctrl.lock, flags);
	tty_pgrp = tty->ctrl.pgrp;
	spin_unlock_irqrestore(&tty->ctrl.lock, flags);
	if (tty_pgrp && task_pgrp(s) != tty_pgrp)
		pgrp = get_pid(task_pgrp(s));
	nr = pid_nr(pgrp);
	sid = task_session_nr_ns(s, &init_pid_ns);
	rcu_read_unlock();
	if (!pgrp)
		return 0;	/* in the foreground, or none */
	if (a->sigign & (sig == SIGTTIN ? CP_ACT_TTIN_IGN : CP_ACT_TTOU_IGN)) {
		ret = sig == SIGTTIN ? -EIO : 0;
	} else if (!cp_pgrp_held_anywhere(nr, sid)) {
		ret = -EIO;	/* orphaned: nobody would continue it */
	} else {
		kill_pgrp(pgrp, sig, 1);
		/* sent to the other nodes before the caller's answer */
		cp_out_flush_own(current);
		cp_count(CP_STAT_TTY_SIGNALLED);
		a->signalled = true;
		ret = -ERESTARTSYS;
	}
	if (ret == -EIO)
		cp_count(CP_STAT_TTY_EIO);
	put_pid(pgrp);
	return ret;
}
