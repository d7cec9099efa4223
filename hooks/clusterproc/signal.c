// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc signals across nodes: kill(pid) to a process on another
 * node, kill(-pgrp) over every node, kill(-1) clusterwide.
 *
 * The target node's server thread sends the signal under
 * override_creds() with the sender's uid, euid and effective
 * capabilities, through kill_pid()/kill_pgrp(), so the target kernel's
 * own check_kill_permission() decides (EPERM for an unprivileged sender
 * to root's process). Known difference from a local kill: siginfo's
 * si_pid is the server thread's pid (kill_pid_info() with a caller
 * supplied siginfo is not exported).
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include "cp_internal.h"

static void cp_cap_to_wire(const kernel_cap_t *c, __be64 *w)
{
	*w = cpu_to_be64(((u64)c->cap[1] << 32) | c->cap[0]);
}

static void cp_cap_from_wire(__be64 w, kernel_cap_t *c)
{
	u64 v = be64_to_cpu(w);

	c->cap[0] = (u32)v;
	c->cap[1] = (u32)(v >> 32);
}

/* kill(-1) on this node for a remote sender: mirrors kill_something_info */
static int cp_kill_all_local(int sig, u32 sender_tgid, u32 *count)
{
	struct task_struct *p;
	struct pid **pids;
	unsigned int n = 0, max = 0, i;
	int ret = 0, err;

	rcu_read_lock();
	for_each_process(p)
		max++;
	rcu_read_unlock();
	pids = kcalloc(max + 16, sizeof(*pids), GFP_KERNEL);
	if (!pids)
		return -ENOMEM;
	rcu_read_lock();
	for_each_process(p) {
		if (n == max + 16)
			break;
		if (task_pid_nr(p) <= 1 || same_thread_group(p, current) ||
		    task_tgid_nr(p) == sender_tgid)
			continue;
		pids[n++] = get_task_pid(p, PIDTYPE_TGID);
	}
	rcu_read_unlock();
	for (i = 0; i < n; i++) {
		err = kill_pid(pids[i], sig, 0);
		if (err != -EPERM)
			ret = err;
		put_pid(pids[i]);
	}
	kfree(pids);
	*count = n;
	return ret;
}

/**
 * cp_handle_kill() - server side of CP_MSG_KILL
 * @rq: the request (payload struct cp_kill)
 * @reply: struct cp_kill_reply to fill in
 * @max: its room
 *
 * Return: reply length, or -ESRCH/-EPERM/-EINVAL/-ENOMEM as kill(2) would.
 */
int cp_handle_kill(const struct cp_request *rq, void *reply, size_t max)
{
	const struct cp_kill *k = rq->payload;
	struct cp_kill_reply *out = reply;
	int sig = be32_to_cpu(k->sig);
	u32 id = be32_to_cpu(k->id), count = 0;
	const struct cred *old;
	struct cred *c;
	struct pid *pid;
	int ret;

	if (!valid_signal(sig) || id > PID_MAX_LIMIT)
		return -EINVAL;
	c = prepare_creds();
	if (!c)
		return -ENOMEM;
	c->uid = make_kuid(&init_user_ns, be32_to_cpu(k->uid));
	c->euid = make_kuid(&init_user_ns, be32_to_cpu(k->euid));
	c->suid = c->uid;
	c->fsuid = c->euid;
	if (!uid_valid(c->uid) || !uid_valid(c->euid)) {
		abort_creds(c);
		return -EINVAL;
	}
	cp_cap_from_wire(k->cap_effective, &c->cap_effective);
	c->cap_permitted = c->cap_effective;
	old = override_creds(c);

	switch (be32_to_cpu(k->scope)) {
	case CP_KILL_PID:
	case CP_KILL_PGRP:
		pid = id ? find_get_pid(id) : NULL;
		if (!pid)
			ret = -ESRCH;
		else if (be32_to_cpu(k->scope) == CP_KILL_PID)
			ret = kill_pid(pid, sig, 0);
		else
			ret = kill_pgrp(pid, sig, 0);
		put_pid(pid);
		count = !ret;
		break;
	case CP_KILL_ALL:
		ret = cp_kill_all_local(sig, be32_to_cpu(k->sender_tgid),
					&count);
		break;
	default:
		ret = -EINVAL;
	}
	revert_creds(old);
	put_cred(c);
	if (ret < 0 && !count)
		return ret;
	out->count = cpu_to_be32(count);
	out->err = cpu_to_be32(ret < 0 ? -ret : 0);
	return sizeof(*out);
}

/**
 * cp_kill_node() - send a signal to processes of one node
 * @node: target node
 * @scope: CP_KILL_PID, CP_KILL_PGRP or CP_KILL_ALL
 * @id: pid or pgrp
 * @sig: signal, 0 to probe
 * @cred: the sender's credentials
 * @sender_tgid: the sender's (clusterwide) tgid
 *
 * Return: processes tried (>= 0), or -ESRCH (none there, or @node is
 * down), -EPERM, or another negative errno.
 */
int cp_kill_node(unsigned int node, enum cp_kill_scope scope, u32 id,
		 int sig, const struct cred *cred, u32 sender_tgid)
{
	struct cp_kill k = {
		.scope = cpu_to_be32(scope),
		.id = cpu_to_be32(id),
		.sig = cpu_to_be32(sig),
		.sender_tgid = cpu_to_be32(sender_tgid),
		.uid = cpu_to_be32(from_kuid(&init_user_ns, cred->uid)),
		.euid = cpu_to_be32(from_kuid(&init_user_ns, cred->euid)),
	};
	struct cp_kill_reply r;
	size_t len = 0;
	int err;

	cp_cap_to_wire(&cred->cap_effective, &k.cap_effective);
	err = cp_call(node, CP_MSG_KILL, &k, sizeof(k), &r, sizeof(r), &len);
	if (err == -EHOSTDOWN)
		return -ESRCH;	/* the process's node left: it is gone */
	if (err)
		return err;
	if (r.err)
		return -(int)be32_to_cpu(r.err);
	return be32_to_cpu(r.count);
}

/**
 * cp_kill_cluster() - kill(-pgrp) or kill(-1) over every node that is up
 * @scope: CP_KILL_PGRP or CP_KILL_ALL
 * @id: pgrp (CP_KILL_PGRP)
 * @sig: signal
 * @cred: the sender's credentials
 * @sender_tgid: excluded from CP_KILL_ALL
 * @skip_self: the caller does this node itself
 *
 * Return: as kill(2): 0 if some process was signalled, else the error
 * (-EPERM if some were found but none allowed, -ESRCH if none found).
 */
int cp_kill_cluster(enum cp_kill_scope scope, u32 id, int sig,
		    const struct cred *cred, u32 sender_tgid, bool skip_self)
{
	DECLARE_BITMAP(map, CP_MAX_NODES + 1);
	unsigned int n, total = 0;
	bool any_ok = false;
	int err, ret = -ESRCH;

	cp_nodes_up(map);
	for_each_set_bit(n, map, CP_MAX_NODES + 1) {
		if (skip_self && n == cp_self)
			continue;
		err = cp_kill_node(n, scope, id, sig, cred, sender_tgid);
		if (err >= 0) {
			any_ok = true;
			total += err;
		} else if (err != -ESRCH && (ret == -ESRCH || err != -EPERM)) {
			ret = err;
		}
	}
	if (scope == CP_KILL_ALL)
		return total ? (ret == -ESRCH || ret == -EPERM ? 0 : ret) :
			       -ESRCH;
	return any_ok ? 0 : ret;
}
