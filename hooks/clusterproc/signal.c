// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc signals across nodes (G1): kill(pid) to a process on
 * another node, kill(-pgrp) and kill(0) over every node, kill(-1)
 * clusterwide.
 *
 * The sending node runs the local part first (kill_something_info()),
 * then the kill op below forwards to the other nodes. A request carries
 * the sender's uid, euid, effective capabilities and session, and the
 * siginfo kill(2) built (si_code, si_pid, si_uid). The target node's
 * server thread applies the local permission rule of
 * check_kill_permission() with those credentials (uid/euid against the
 * target's uid/suid, CAP_KILL, SIGCONT within the session) and queues
 * the sender's siginfo, so the receiver sees si_pid = the sender's
 * clusterwide pid and si_code = SI_USER, as on one machine.
 *
 * Delivery is process-directed through clusterproc_kill_pid_info() (on a
 * kernel without it: send_sig_info() to the leader, thread-directed).
 * Known differences from a local kill: no audit record and no LSM
 * security_task_kill() decision with the sender's identity. kill(-pgrp)
 * and kill(-1) are atomic against fork on each node (cp_kill_many()),
 * but the nodes are signalled each in its own section, so a member that
 * moves from a node not yet signalled to one already signalled can be
 * missed (its stand-in, a zombie, takes the later part).
 */
#include <linux/capability.h>
#include <linux/clusterproc.h>
#include <linux/cred.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include "cp_internal.h"
#include "cp_proc.h"

/**
 * cp_kill_prepare() - fill a kill request with the caller's identity
 * @k: the request
 * @scope: CP_KILL_PID, CP_KILL_PGRP or CP_KILL_ALL
 * @id: pid or pgrp
 * @sig: signal (0: probe)
 * @info: the siginfo kill(2) built, or NULL for SI_USER from current
 */
void cp_kill_prepare(struct cp_kill *k, enum cp_kill_scope scope, u32 id,
		     int sig, const struct kernel_siginfo *info)
{
	const struct cred *cred = current_cred();

	memset(k, 0, sizeof(*k));
	k->scope = cpu_to_be32(scope);
	k->id = cpu_to_be32(id);
	k->sig = cpu_to_be32(sig);
	k->sender_tgid = cpu_to_be32(task_tgid_nr(current));
	k->uid = cpu_to_be32(from_kuid(&init_user_ns, cred->uid));
	k->euid = cpu_to_be32(from_kuid(&init_user_ns, cred->euid));
	cp_cap_put(&k->cap_effective, cred, &cred->cap_effective);
	k->sid = cpu_to_be32(task_session_nr_ns(current, &init_pid_ns));
	if (info) {
		k->info_code = cpu_to_be32(info->si_code);
		k->info_pid = cpu_to_be32(info->si_pid);
		k->info_uid = cpu_to_be32(info->si_uid);
	} else {
		k->info_code = cpu_to_be32(SI_USER);
		k->info_pid = k->sender_tgid;
		k->info_uid = k->uid;
	}
}

/* check_kill_permission()'s rule, with the remote sender's identity */
static int cp_kill_perm(struct task_struct *t, const struct cp_kill *k,
			int sig)
{
	kuid_t uid = make_kuid(&init_user_ns, be32_to_cpu(k->uid));
	kuid_t euid = make_kuid(&init_user_ns, be32_to_cpu(k->euid));
	kernel_cap_t caps;
	const struct cred *tcred;
	bool ok;

	cp_cap_get(k->cap_effective, &caps);
	rcu_read_lock();
	tcred = __task_cred(t);
	ok = uid_eq(euid, tcred->suid) || uid_eq(euid, tcred->uid) ||
	     uid_eq(uid, tcred->suid) || uid_eq(uid, tcred->uid) ||
	     cap_raised(caps, CAP_KILL);
	if (!ok && sig == SIGCONT)
		ok = task_session_nr_ns(t, &init_pid_ns) ==
		     (pid_t)be32_to_cpu(k->sid);
	rcu_read_unlock();
	return ok ? 0 : -EPERM;
}

/*
 * Queue the signal, permission already checked. Process-directed (any
 * thread may take it) through the hooks' clusterproc_kill_pid_info()
 * when the kernel has it; the server thread's own credentials pass the
 * kernel's check, ours was the sender's.
 */
static int cp_send(int sig, struct kernel_siginfo *info,
		   struct task_struct *t)
{
#ifdef CLUSTERPROC_HAVE_PROC_HELPERS
	return clusterproc_kill_pid_info(sig, info, task_tgid(t));
#else
	return send_sig_info(sig, info, t);
#endif
}

/*
 * A group signal (kill(-pgrp), kill(-1)) given to forks in progress, as
 * __send_signal_locked() does for a signal sent with a group type: a
 * fork of @t that has not attached its child yet (it is on @t's
 * signal->multiprocess list from before its copy to its attach) hands
 * the signal to the child (copy_process(): the child's shared_pending
 * starts as the fork's delayed set), so the child, which becomes a
 * member once attached, gets the signal, as on one machine.
 * clusterproc_kill_pid_info() sends as kill(pid) does (PIDTYPE_TGID),
 * which skips that step. The kernel does it only for a signal it queued
 * (not ignored) that was not pending already (a legacy signal is not
 * queued twice): @was_pending is whether @sig was pending before the
 * send, and it must be pending now. (A thread of @t on another CPU that
 * takes the signal between the send and this check leaves the child
 * without it: the one difference, for a multi-threaded member.)
 *
 * Context: tasklist_lock held for reading (the caller), which keeps
 * @t->sighand (changed only under the write lock, by exec and release)
 * and every fork of @t before its attach (the attach takes the write
 * lock, as does hlist_del_init() of its entry); irqs on.
 */
static void cp_delay_for_forks(struct task_struct *t, int sig,
			       bool was_pending)
{
	struct multiprocess_signals *delayed;
	struct sighand_struct *sh;
	unsigned long flags;

	rcu_read_lock();
	sh = rcu_dereference(t->sighand);
	if (!sh)
		goto out;
	spin_lock_irqsave(&sh->siglock, flags);
	if ((sig >= SIGRTMIN || !was_pending) &&
	    sigismember(&t->signal->shared_pending.signal, sig)) {
		hlist_for_each_entry(delayed, &t->signal->multiprocess, node) {
			sigset_t *set = &delayed->signal;

			/* Can't queue both a stop and a continue signal */
			if (sig == SIGCONT)
				sigdelsetmask(set, SIG_KERNEL_STOP_MASK);
			else if (sig_kernel_stop(sig))
				sigdelset(set, SIGCONT);
			sigaddset(set, sig);
			cp_count(CP_STAT_KILL_FORK_DELAYED);
		}
	}
	spin_unlock_irqrestore(&sh->siglock, flags);
out:
	rcu_read_unlock();
}

/* Is @sig in @t's shared pending set? (tasklist_lock read held) */
static bool cp_sig_pending(struct task_struct *t, int sig)
{
	struct sighand_struct *sh;
	unsigned long flags;
	bool ret = false;

	rcu_read_lock();
	sh = rcu_dereference(t->sighand);
	if (sh) {
		spin_lock_irqsave(&sh->siglock, flags);
		ret = sigismember(&t->signal->shared_pending.signal, sig);
		spin_unlock_irqrestore(&sh->siglock, flags);
	}
	rcu_read_unlock();
	return ret;
}

/*
 * Check and send one signal of a request. @group: a kill(-pgrp) or
 * kill(-1) target, under tasklist_lock (cp_kill_many()): forks in
 * progress get it too. Does not sleep.
 */
static void cp_deliver(struct task_struct *t, const struct cp_kill *k,
		       struct cp_kill_tally *tally, bool group)
{
	int sig = be32_to_cpu(k->sig);
	struct kernel_siginfo info;
	bool was_pending = false;
	int err;

	tally->count++;
	err = cp_kill_perm(t, k, sig);
	if (!err && sig) {
		clear_siginfo(&info);
		info.si_signo = sig;
		info.si_errno = 0;
		info.si_code = (int)be32_to_cpu(k->info_code);
		info.si_pid = (pid_t)be32_to_cpu(k->info_pid);
		info.si_uid = be32_to_cpu(k->info_uid);
		if (group)
			was_pending = cp_sig_pending(t, sig);
		err = cp_send(sig, &info, t);
		if (!err && group)
			cp_delay_for_forks(t, sig, was_pending);
	}
	if (!err) {
		tally->ok++;
		cp_count(CP_STAT_KILL_DELIVERED);
	} else if (err == -EPERM) {
		cp_count(CP_STAT_KILL_EPERM);
	}
	if (err && (err != -EPERM ||
		    be32_to_cpu(k->scope) != CP_KILL_ALL))
		tally->err = err;
}

/*
 * kill(-pgrp) (@grp) or kill(-1) (@grp NULL) on this node, atomic
 * against fork as __kill_pgrp_info() and kill(-1) are on one machine:
 * every target is found and signalled in one tasklist_lock read
 * section. A fork attaches its child to the group under the write lock,
 * so each fork of a member is either attached before the section (its
 * child is found here and signalled) or after it; a fork that attaches
 * after it was in progress during it (it had put itself on the
 * member's multiprocess list before its copy began, at the start of
 * copy_process()) and its child gets the signal through the fork's
 * delayed set (cp_delay_for_forks()), or, for a fatal signal, the fork
 * fails (fatal_signal_pending() before the attach). A fork that starts
 * after the section finds the signal pending and restarts after it
 * (ERESTARTNOINTR), as on one machine. Before: the targets were
 * collected under RCU, then signalled one at a time with the lock free,
 * and by kill(pid)'s type, so a child attached in between, or forked
 * while its parent got the signal, was missed
 * (test_pgrp:test_kill_pgrp_fork_atomic).
 * Across nodes the signal is one such section per node, not one for
 * the cluster; a member that moves between two nodes' sections is the
 * window left (README, "process groups").
 */
static int cp_kill_many(const struct cp_kill *k, struct pid *grp,
			struct cp_kill_tally *tally)
{
	u32 sender = be32_to_cpu(k->sender_tgid);
	struct task_struct *p;

	clusterproc_tasklist_read_lock();
	if (grp) {
		do_each_pid_task(grp, PIDTYPE_PGID, p) {
			cp_deliver(p, k, tally, true);
		} while_each_pid_task(grp, PIDTYPE_PGID, p);
		goto out;
	}
	for_each_process(p) {
		pid_t nr = task_tgid_nr(p);

		/* as kill(-1): not init, not us, not the (remote) sender */
		if (nr <= 1 || same_thread_group(p, current) || nr == sender)
			continue;
		cp_deliver(p, k, tally, true);
	}
out:
	clusterproc_tasklist_read_unlock();
	return 0;
}

/* kill(pid) reached the origin node of a process that moved: pass it on */
static int cp_kill_forward(pid_t pid, const struct cp_kill *k,
			   struct cp_kill_reply *out)
{
	int node = cp_pid_location(pid);

	memset(out, 0, sizeof(*out));
	if (node >= 1 && node != cp_self) {
		cp_count(CP_STAT_KILL_FORWARDED);
		if (cp_kill_node(node, k, out))
			memset(out, 0, sizeof(*out));	/* gone: ESRCH */
	}
	return sizeof(*out);
}

/**
 * cp_handle_kill() - server side of CP_MSG_KILL
 * @rq: the request (payload struct cp_kill)
 * @reply: struct cp_kill_reply to fill in
 * @max: its room
 *
 * Return: reply length, or -EINVAL/-ENOMEM.
 */
int cp_handle_kill(const struct cp_request *rq, void *reply, size_t max)
{
	const struct cp_kill *k = rq->payload;
	struct cp_kill_reply *out = reply;
	struct cp_kill_tally tally = { };
	int sig = be32_to_cpu(k->sig);
	int code = (int)be32_to_cpu(k->info_code);
	u32 id = be32_to_cpu(k->id);
	struct task_struct *t;
	struct pid *pid;
	int err = 0;

	/*
	 * Only user-originated siginfo (SI_FROMUSER) travels, and SI_KERNEL
	 * for a group: the kernel's own kill_pgrp() (cp_kill_pgrp_send()).
	 */
	if (!valid_signal(sig) || id > PID_MAX_LIMIT ||
	    (code > 0 && (code != SI_KERNEL ||
			  be32_to_cpu(k->scope) != CP_KILL_PGRP)))
		return -EINVAL;
	cp_count(CP_STAT_SVR_KILL);
	switch (be32_to_cpu(k->scope)) {
	case CP_KILL_PID:
		pid = id ? find_get_pid(id) : NULL;
		t = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
		put_pid(pid);
		if (t && (t->flags & PF_REMOTE)) {
			/* a stand-in: the process runs elsewhere */
			put_task_struct(t);
			return cp_kill_forward(id, k, out);
		}
		if (t) {
			struct task_struct *leader;

			rcu_read_lock();
			leader = t->group_leader;
			get_task_struct(leader);
			rcu_read_unlock();
			cp_deliver(leader, k, &tally, false);
			put_task_struct(leader);
			put_task_struct(t);
		}
		break;
	case CP_KILL_PGRP:
		/* before the group is looked up: a member may fork or exit */
		cp_delay_point(CP_DP_KILL_PGRP_SERVE);
		pid = id ? find_get_pid(id) : NULL;
		if (pid)
			err = cp_kill_many(k, pid, &tally);
		put_pid(pid);
		break;
	case CP_KILL_ALL:
		err = cp_kill_many(k, NULL, &tally);
		break;
	default:
		err = -EINVAL;
	}
	if (err)
		return err;
	out->count = cpu_to_be32(tally.count);
	out->ok = cpu_to_be32(tally.ok);
	out->err = cpu_to_be32(tally.err < 0 ? -tally.err : 0);
	out->pad = 0;
	return sizeof(*out);
}

/**
 * cp_kill_node() - send a prepared signal request to one node
 * @node: target node
 * @k: the request (cp_kill_prepare())
 * @r: the node's answer
 *
 * Return: 0 (see @r), or a negative errno of the call: -EHOSTDOWN if
 * @node is down or left, -ETIMEDOUT...
 */
int cp_kill_node(unsigned int node, const struct cp_kill *k,
		 struct cp_kill_reply *r)
{
	size_t len = 0;
	int err;

	err = cp_call(node, CP_MSG_KILL, k, sizeof(*k), r, sizeof(*r), &len);
	if (!err && len != sizeof(*r))
		err = -EPROTO;
	return err;
}

/**
 * cp_kill_result() - kill(2)'s result for a tally
 * @scope: CP_KILL_PID, CP_KILL_PGRP or CP_KILL_ALL
 * @t: processes tried and signalled, last error
 *
 * Return: -ESRCH if none was found; kill(-1): the last error but EPERM,
 * else 0 if any was signalled, else the last error.
 */
int cp_kill_result(enum cp_kill_scope scope, const struct cp_kill_tally *t)
{
	if (!t->count)
		return -ESRCH;
	if (scope == CP_KILL_ALL)
		return t->err;
	return t->ok ? 0 : t->err;
}

/**
 * cp_tally_add_reply() - add one node's answer to a tally
 * @t: the tally
 * @r: the node's struct cp_kill_reply
 */
void cp_tally_add_reply(struct cp_kill_tally *t,
			const struct cp_kill_reply *r)
{
	t->count += be32_to_cpu(r->count);
	t->ok += be32_to_cpu(r->ok);
	if (r->err)
		t->err = -(int)be32_to_cpu(r->err);
}

/**
 * cp_kill_cluster() - send a prepared signal request to every other node
 * @k: the request (cp_kill_prepare())
 * @skip_self: do not ask this node (the caller did it locally)
 * @t: in: this node's part, if any; out: the whole cluster's
 *
 * A node that is down, leaves or does not answer counts as having no
 * matching process (its processes are gone or unreachable).
 *
 * Return: kill(2)'s result for the whole cluster.
 */
int cp_kill_cluster(const struct cp_kill *k, bool skip_self,
		    struct cp_kill_tally *t)
{
	DECLARE_BITMAP(map, CP_MAX_NODES + 1);
	struct cp_kill_reply *r;
	size_t *lens;
	int *errs;
	unsigned int n;
	int err = -ENOMEM;

	r = kcalloc(CP_MAX_NODES + 1, sizeof(*r), GFP_KERNEL);
	lens = kcalloc(CP_MAX_NODES + 1, sizeof(*lens), GFP_KERNEL);
	errs = kcalloc(CP_MAX_NODES + 1, sizeof(*errs), GFP_KERNEL);
	if (!r || !lens || !errs)
		goto out;
	cp_nodes_up(map);
	if (skip_self)
		__clear_bit(cp_self, map);
	/* every node at once: one round trip, not one per node */
	err = cp_call_nodes(map, CP_MSG_KILL, k, sizeof(*k), r, sizeof(*r),
			    lens, errs);
	if (err)
		goto out;
	for_each_set_bit(n, map, CP_MAX_NODES + 1)
		if (!errs[n] && lens[n] == sizeof(*r))
			cp_tally_add_reply(t, &r[n]);
	err = cp_kill_result(be32_to_cpu(k->scope), t);
out:
	kfree(errs);
	kfree(lens);
	kfree(r);
	return err;
}

/*
 * kill(pid) of a pid whose process is not here: one call to the pid's
 * origin node, which runs the process or keeps its stand-in and forwards
 * (cp_kill_forward()). A local stand-in knows the node itself.
 */
static int cp_kill_remote_pid(pid_t pid, struct cp_kill *k)
{
	struct cp_kill_tally t = { };
	struct cp_kill_reply r;
	struct pid *p = find_get_pid(pid);
	int node;

	if (p) {
		put_pid(p);
		node = cp_pid_location(pid);
	} else {
		node = CP_PID_NODE(pid);
	}
	if (node < 1 || node == cp_self)
		return -ESRCH;
	if (cp_kill_node(node, k, &r)) {
		/* its node left (or does not answer): the process is gone */
		cp_count(CP_STAT_KILL_NODE_GONE);
		return -ESRCH;
	}
	cp_tally_add_reply(&t, &r);
	return cp_kill_result(CP_KILL_PID, &t);
}

/**
 * cp_op_kill() - &clusterproc_ops.kill: the other nodes' part of kill(2)
 * @pid: kill(2)'s pid argument
 * @sig: the signal (0: probe)
 * @info: the siginfo kill(2) built for the local part
 * @local_ret: the local part's result
 *
 * Context: process context, no locks held; sleeps (remote calls).
 * Return: kill(2)'s result for the whole cluster.
 */
int cp_op_kill(pid_t pid, int sig, struct kernel_siginfo *info, int local_ret)
{
	struct cp_kill_tally t = { };
	struct cp_kill k;
	pid_t pgrp;

	if (pid != -1 && !cp_pids_clusterwide())
		return local_ret;
	/* a pid namespace's kill(2) stays in it: the local part was all */
	if (cp_pid_ns_confined())
		return local_ret;
	/* kill_something_info() dropped tasklist_lock: we may sleep */
	cp_delay_point(CP_DP_KILL_REMOTE);
	if (pid > 0) {
		cp_count(CP_STAT_HOOK_KILL_PID);
		cp_trace_hook(CP_STAT_HOOK_KILL_PID, pid);
		cp_kill_prepare(&k, CP_KILL_PID, pid, sig, info);
		return cp_kill_remote_pid(pid, &k);
	}
	/* the local part's result as a tally: tried some unless -ESRCH */
	if (local_ret != -ESRCH) {
		t.count = 1;
		t.ok = !local_ret;
		t.err = local_ret;
	}
	if (pid == -1) {
		cp_count(CP_STAT_HOOK_KILL_ALL);
		cp_trace_hook(CP_STAT_HOOK_KILL_ALL, pid);
		cp_kill_prepare(&k, CP_KILL_ALL, 0, sig, info);
		return cp_kill_cluster(&k, true, &t);
	}
	cp_count(CP_STAT_HOOK_KILL_PGRP);
	pgrp = pid ? -pid : task_pgrp_nr_ns(current, &init_pid_ns);
	cp_trace_hook(CP_STAT_HOOK_KILL_PGRP, pgrp);
	cp_kill_prepare(&k, CP_KILL_PGRP, pgrp, sig, info);
	/*
	 * A member that moved here from another node, or away from here,
	 * is signalled where it runs, by its group there (it keeps its
	 * group when it moves): its stand-in here is no member to signal
	 * again (a real-time signal would queue twice), and one that left
	 * the group there is not signalled.
	 */
	return cp_kill_cluster(&k, true, &t);
}

/* set on this CPU while cp_kill_pgrp_here() runs kill_pgrp() */
static DEFINE_PER_CPU(bool, cp_kill_pgrp_here_on);

/**
 * cp_kill_pgrp_here() - kill_pgrp() that stays on this node
 * @pgrp: the process group
 * @sig: the signal, sent as from the kernel (SI_KERNEL)
 *
 * Process context, no sleep (kill_pgrp() does not). For the module's own
 * group signals that each node sends to its own members (an orphaned
 * group's SIGHUP and SIGCONT): kill_pgrp()'s hook would forward them to
 * every other node as well, which sends its own, so a member would get
 * each twice. Preemption is off from the flag to its clear, so the hook
 * on this CPU in task context is this call's; an interrupt's kill_pgrp()
 * (a terminal's) still goes out (in_task() is false there).
 */
void cp_kill_pgrp_here(struct pid *pgrp, int sig)
{
	preempt_disable();
	this_cpu_write(cp_kill_pgrp_here_on, true);
	kill_pgrp(pgrp, sig, 1);
	this_cpu_write(cp_kill_pgrp_here_on, false);
	preempt_enable();
}

/**
 * cp_op_kill_pgrp() - &clusterproc_ops.kill_pgrp: the kernel's group signal
 * @pgrp: the process group kill_pgrp() signalled here
 * @sig: the signal
 * @priv: kill_pgrp()'s @priv (1: SI_KERNEL, as a terminal's ^C or ^Z)
 *
 * A terminal signals its foreground group with kill_pgrp(), which reaches
 * the members in this node's pid hash only: a member that moved away is a
 * stand-in here (a zombie, which drops it), one forked elsewhere is not
 * here at all. The other nodes' members get it from the outbound worker,
 * as a kill(-pgrp) from the kernel: SI_KERNEL, the worker's (full)
 * credentials, which is what the kernel's own send is allowed. Every
 * node serves it with its members in one tasklist_lock section
 * (cp_kill_many()).
 *
 * Context: any (the caller may hold RCU, the tty's spinlocks; irqs may be
 * off): records only, never sleeps.
 */
void cp_op_kill_pgrp(struct pid *pgrp, int sig, int priv)
{
	pid_t nr = pid_nr(pgrp);

	if (!sig || nr <= 0 || !cp_pids_clusterwide())
		return;
	if (in_task() && this_cpu_read(cp_kill_pgrp_here_on))
		return;		/* cp_kill_pgrp_here(): this node only */
	cp_count(CP_STAT_HOOK_KILL_PGRP_KERNEL);
	cp_trace_hook(CP_STAT_HOOK_KILL_PGRP_KERNEL, nr);
	cp_queue_kill_pgrp(nr, sig, priv);
}

/**
 * cp_kill_pgrp_send() - the outbound worker's part of cp_op_kill_pgrp()
 * @pgrp: the process group
 * @sig: the signal
 * @priv: SI_KERNEL if set, else SI_USER from nobody (pid 0)
 *
 * Context: the outbound worker; sleeps (one call to every other node).
 * Return: 0 if some member elsewhere got it, else -errno (-ESRCH: none).
 */
int cp_kill_pgrp_send(pid_t pgrp, int sig, bool priv)
{
	struct cp_kill_tally t = { };
	struct kernel_siginfo info;
	struct cp_kill k;
	int err;

	clear_siginfo(&info);
	info.si_signo = sig;
	info.si_code = priv ? SI_KERNEL : SI_USER;
	cp_kill_prepare(&k, CP_KILL_PGRP, pgrp, sig, &info);
	err = cp_kill_cluster(&k, true, &t);
	if (!err)
		cp_count(CP_STAT_KILL_PGRP_KERNEL_SENT);
	return err;
}
