// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc process groups and sessions across nodes (H1 and the
 * getpgid/getsid lookups of patch 0014): a process keeps its group and
 * session when it moves (remote_child.c), so a group or a session may
 * have members on several nodes. Here: what a process on one node asks
 * of a process on another.
 *
 *   getpgid(2), getsid(2)  the pid's node answers (cp_op_pid_attr);
 *   setpgid(2)             of our child that moved: EACCES, as for any
 *                          child after its exec (cp_op_setpgid).
 *
 * Not yet: setpgid() into a group whose members are all on other nodes
 * (the base answers EPERM: no such group here), setpgid() run for a
 * process of another node's.
 */
#include <linux/clusterproc.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include "cp_internal.h"
#include "cp_proc.h"

/**
 * cp_op_pid_attr() - getpgid(2), getsid(2) of a pid that is not here
 * @pid: the pid asked about
 * @type: PIDTYPE_PGID or PIDTYPE_SID
 *
 * Syscall context, no locks held; may sleep. Called when the local
 * lookup said -ESRCH: the process may run on another node (a stand-in's,
 * or one born there). The node it runs on (cp_pid_location()) gives its
 * line of the process list (CP_MSG_PS from @pid), whose group and
 * session are numbers of the initial pid namespace, the clusterwide
 * ones. As on one machine, any process may ask; one in another pid
 * namespace sees only its own (-ESRCH).
 *
 * Return: the process group or session id, or -ESRCH.
 */
pid_t cp_op_pid_attr(pid_t pid, enum pid_type type)
{
	struct cp_ps_req req = { .start = cpu_to_be32(pid) };
	const struct cp_ps_entry *e;
	struct cp_ps_reply *r;
	pid_t ret = -ESRCH;
	size_t len;
	int node;

	if (pid < (1 << CP_PID_SHIFT) || cp_pid_ns_confined())
		return -ESRCH;
	cp_count(CP_STAT_HOOK_PID_ATTR);
	cp_trace_hook(CP_STAT_HOOK_PID_ATTR, pid);
	node = cp_pid_location(pid);
	if (node < 1 || node == cp_self)
		return -ESRCH;
	r = kmalloc(CP_MAX_MSG, GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	if (!cp_call(node, CP_MSG_PS, &req, sizeof(req), r, CP_MAX_MSG,
		     &len) && len >= sizeof(*r) + sizeof(*e) &&
	    be32_to_cpu(r->count) >= 1) {
		e = &r->e[0];
		if (be32_to_cpu(e->pid) == pid)
			ret = be32_to_cpu(type == PIDTYPE_SID ? e->sid :
					  e->pgrp);
	}
	kfree(r);
	return ret;
}

/**
 * cp_op_setpgid() - setpgid(2) before any lock (H1)
 * @pid: the target (0 already replaced by the caller's pid)
 * @pgid: the group (0 already replaced by @pid)
 *
 * Syscall context, no locks held. @pid may be our child that moved to
 * another node: its stand-in, our child here (PF_REMOTE), never exec'd
 * here, so the base would move the stand-in to another group while its
 * process stays in its own on its node. The move was an exec: setpgid()
 * of it fails as for any child after its exec, EPERM if it is in
 * another session, else EACCES (the order of the base's checks). The
 * tasklist read lock keeps our children lists still while searched.
 *
 * Return: -EACCES, -EPERM, or CLUSTERPROC_NOT_HANDLED (the base's).
 */
int cp_op_setpgid(pid_t pid, pid_t pgid)
{
	struct task_struct *t, *c;
	int ret = CLUSTERPROC_NOT_HANDLED;

	if (pid < (1 << CP_PID_SHIFT) || task_active_pid_ns(current) !=
	    &init_pid_ns)
		return ret;
	cp_count(CP_STAT_HOOK_SETPGID);
	clusterproc_tasklist_read_lock();
	for_each_thread(current, t) {
		list_for_each_entry(c, &t->children, sibling) {
			if (!(c->flags & PF_REMOTE) ||
			    task_tgid_nr(c) != pid)
				continue;
			ret = task_session(c) == task_session(current) ?
			      -EACCES : -EPERM;
			goto out;
		}
	}
out:
	clusterproc_tasklist_read_unlock();
	return ret;
}
