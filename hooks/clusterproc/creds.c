// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc: credentials on the wire (remote exec, ptrace). Ids travel
 * in the initial user namespace, capability sets as one __be64 each.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>
#include "cp_internal.h"
#include "cp_proc.h"

/**
 * cp_cap_put() - a capability set of @cred, as it counts on every node
 * @w: where to put it
 * @cred: the sender's credentials
 * @c: one of its sets
 *
 * The receiver applies the set in its initial user namespace. A task in
 * any other user namespace has no capability there (ns_capable() of
 * &init_user_ns is false whatever its sets say; `unshare -Ur` gives a
 * full set in the new namespace only), so its sets go out empty: before,
 * uid 1000 after `unshare -Ur` killed root's processes on other nodes.
 */
void cp_cap_put(__be64 *w, const struct cred *cred, const kernel_cap_t *c)
{
	if (cred->user_ns != &init_user_ns) {
		*w = 0;
		return;
	}
	*w = cpu_to_be64(((u64)c->cap[1] << 32) | c->cap[0]);
}

void cp_cap_get(__be64 w, kernel_cap_t *c)
{
	u64 v = be64_to_cpu(w);

	c->cap[0] = (u32)v;
	c->cap[1] = (u32)(v >> 32);
}

void cp_ids_put(struct cp_ids *w, const struct cred *c)
{
	w->uid = cpu_to_be32(from_kuid(&init_user_ns, c->uid));
	w->euid = cpu_to_be32(from_kuid(&init_user_ns, c->euid));
	w->suid = cpu_to_be32(from_kuid(&init_user_ns, c->suid));
	w->fsuid = cpu_to_be32(from_kuid(&init_user_ns, c->fsuid));
	w->gid = cpu_to_be32(from_kgid(&init_user_ns, c->gid));
	w->egid = cpu_to_be32(from_kgid(&init_user_ns, c->egid));
	w->sgid = cpu_to_be32(from_kgid(&init_user_ns, c->sgid));
	w->fsgid = cpu_to_be32(from_kgid(&init_user_ns, c->fsgid));
}

int cp_ids_get(struct cred *c, const struct cp_ids *w)
{
	c->uid = make_kuid(&init_user_ns, be32_to_cpu(w->uid));
	c->euid = make_kuid(&init_user_ns, be32_to_cpu(w->euid));
	c->suid = make_kuid(&init_user_ns, be32_to_cpu(w->suid));
	c->fsuid = make_kuid(&init_user_ns, be32_to_cpu(w->fsuid));
	c->gid = make_kgid(&init_user_ns, be32_to_cpu(w->gid));
	c->egid = make_kgid(&init_user_ns, be32_to_cpu(w->egid));
	c->sgid = make_kgid(&init_user_ns, be32_to_cpu(w->sgid));
	c->fsgid = make_kgid(&init_user_ns, be32_to_cpu(w->fsgid));
	if (!uid_valid(c->uid) || !uid_valid(c->euid) || !gid_valid(c->gid) ||
	    !gid_valid(c->egid))
		return -EINVAL;
	return 0;
}

/**
 * cp_pid_ns_confined() - does current see less than its node's pids?
 *
 * Clusterwide pids live in the initial pid namespace. A task of another
 * pid namespace cannot name a process outside it on its own node
 * (find_vpid() fails, kill(2) says ESRCH); a pid it gives that is not
 * found there must not reach other nodes either, where it would name a
 * host process by its global pid. Before, uid 1000 in its own pid
 * namespace killed, traced and located its other processes on other
 * nodes. The kill and ptrace ops and /proc/clusterproc/where keep such a
 * task to its own namespace (cp_stat pid_ns_refused).
 *
 * Return: true when current is outside the initial pid namespace.
 */
bool cp_pid_ns_confined(void)
{
	if (task_active_pid_ns(current) == &init_pid_ns)
		return false;
	cp_count(CP_STAT_PID_NS_REFUSED);
	return true;
}
