// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc: clusterwide processes for a cluster of Linux nodes.
 *
 * Step 1 (this file's callees): kernel-to-kernel request/reply over
 * TIPC, membership from TIPC's topology service, debugfs counters and
 * injectable delays. The process hooks come with the hooks series.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/clusterproc.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include "cp_internal.h"
#include "cp_proc.h"

unsigned int cp_self;
module_param_named(node, cp_self, uint, 0444);
MODULE_PARM_DESC(node, "this node's number 1..64 (0: from TIPC address 1.1.N or identity nodeN)");

unsigned int cp_max_node = CP_MAX_NODES;
module_param_named(nodes, cp_max_node, uint, 0444);
MODULE_PARM_DESC(nodes, "highest node number accepted (default 64)");

unsigned int cp_call_timeout_ms = 3000;
module_param_named(call_timeout_ms, cp_call_timeout_ms, uint, 0644);
MODULE_PARM_DESC(call_timeout_ms, "timeout of every remote call");

unsigned int cp_rexec_timeout_ms = 30000;
module_param_named(rexec_timeout_ms, cp_rexec_timeout_ms, uint, 0644);
MODULE_PARM_DESC(rexec_timeout_ms, "how long a remote exec waits before it settles the outcome with the target");

u32 cp_tipc_type;
bool cp_tipc_reserved;
u32 cp_self_addr;
u32 cp_self_port;

const struct cp_stat_desc cp_stat_desc[CP_NR_STATS] = {
#define CP_STAT(e, n) { .name = #n },
#include "cp_stats.h"
#undef CP_STAT
};

atomic64_t cp_stats[CP_NR_STATS];

/**
 * cp_stats_live() - count the live objects into the live_* gauges
 *
 * Process context (takes the owners' locks, none held by the caller).
 * A snapshot: each list is counted at its own moment.
 */
void cp_stats_live(void)
{
	unsigned int a, b;

	atomic64_set(&cp_stats[CP_STAT_LIVE_PINNED], cp_pinned_live());
	atomic64_set(&cp_stats[CP_STAT_LIVE_STANDINS], cp_standins_live());
	cp_ptrace_live(&a, &b);
	atomic64_set(&cp_stats[CP_STAT_LIVE_PTRACE_LINKS], a);
	atomic64_set(&cp_stats[CP_STAT_LIVE_PTRACE_BINDS], b);
	cp_rchild_live(&a, &b);
	atomic64_set(&cp_stats[CP_STAT_LIVE_JOBS], a);
	atomic64_set(&cp_stats[CP_STAT_LIVE_OUTQ], b);
	atomic64_set(&cp_stats[CP_STAT_LIVE_CALLS], cp_calls_live());
	atomic64_set(&cp_stats[CP_STAT_LIVE_HOLDS], cp_holds_live());
	atomic64_set(&cp_stats[CP_STAT_LIVE_STDIO], cp_stdio_live());
}

struct cp_delay_slot cp_delay_slots[CP_NR_DELAY_POINTS] = {
#define CP_POINT(e, n) { .name = #n },
#include "cp_points.h"
#undef CP_POINT
};

/**
 * cp_delay_point() - count a pass through a release point, maybe sleep
 * @id: the point
 *
 * Sleeps delay_us/<name> microseconds (0: no delay). Called where no
 * spinlock is held, so that a test can widen a race window on purpose.
 */
void cp_delay_point(enum cp_delay_point id)
{
	struct cp_delay_slot *s = &cp_delay_slots[id];
	u32 us = READ_ONCE(s->delay_us);

	might_sleep();
	atomic64_inc(&s->hits);
	cp_trace(CP_TR_RELEASE, id, 0, 0, 0, 0);
	if (us)
		fsleep(us);
}

/* TIPC's address for a node identity string: hash128to32() in net/tipc */
static u32 cp_identity_addr(const char *id)
{
	__be32 w[4] = { };

	memcpy(w, id, min(strlen(id), sizeof(w)));
	return be32_to_cpu(w[0] ^ w[1] ^ w[2] ^ w[3]);
}

/**
 * cp_resolve_self() - this node's number, once TIPC has an address
 * @addr: our TIPC node address
 *
 * In order: the node= parameter; a legacy address 1.1.N (tipc node set
 * address 1.1.N); the identity "nodeN" (tipc node set identity nodeN),
 * recognised by its address; a hostname "nodeN".
 *
 * Return: 0, or -EINVAL if none gives a node number in 1..max.
 */
int cp_resolve_self(u32 addr)
{
	const char *name = init_utsname()->nodename;
	char id[16];
	unsigned int n;

	if (cp_max_node < 1 || cp_max_node > CP_MAX_NODES)
		cp_max_node = CP_MAX_NODES;
	if (!cp_self && (addr >> 12) == 0x1001)
		cp_self = addr & 0xfff;
	for (n = 1; !cp_self && n <= cp_max_node; n++) {
		snprintf(id, sizeof(id), "node%u", n);
		if (cp_identity_addr(id) == addr)
			cp_self = n;
	}
	if (!cp_self && sscanf(name, "node%u", &n) == 1)
		cp_self = n;
	if (cp_self < 1 || cp_self > cp_max_node) {
		pr_err("node=%u: need 1..%u (node=, TIPC address 1.1.N, identity or hostname nodeN)\n",
		       cp_self, cp_max_node);
		return -EINVAL;
	}
	return 0;
}

/*
 * The hooks this module implements (<linux/clusterproc.h>), one line
 * each; installed once transport and membership run, removed first.
 */
static const struct clusterproc_ops cp_ops = {
	.kill = cp_op_kill,
	.task_free = cp_op_task_free,
	.pid_range = cp_op_pid_range,
#ifdef CLUSTERPROC_HAVE_PROC_HELPERS
	.execve = cp_op_execve,
#endif
	.exit_prepare = cp_op_exit_prepare,
	.exit_flush = cp_op_exit_flush,
	.reparent_remote = cp_op_reparent_remote,
	.orphaned_pgrp = cp_op_orphaned_pgrp,
	.notify_parent = cp_op_notify_parent,
	.notify_parent_cldstop = cp_op_notify_parent_cldstop,
	.wait_task = cp_op_wait_task,
	.getppid = cp_op_getppid,
	.pid_attr = cp_op_pid_attr,
	.setpgid = cp_op_setpgid,
	.new_session = cp_op_new_session,
	.kill_orphaned_pgrp = cp_op_kill_orphaned_pgrp,
	.kill_pgrp = cp_op_kill_pgrp,
	.acting = cp_op_acting,
	.tty_check_change = cp_op_tty_check_change,
	.de_thread = cp_op_de_thread,
#ifdef CLUSTERPROC_HAVE_PROC_HELPERS
	.ptrace = cp_op_ptrace,
	.find_get_pid = cp_op_find_get_pid,
	.ptrace_unlink = cp_op_ptrace_unlink,
#endif
};

static int __init cp_init(void)
{
	int err;

	err = cp_hello_init();
	if (err)
		return err;
	err = cp_transport_start();
	if (err)
		return err;
	err = cp_membership_start();
	if (err)
		goto out_transport;
	err = cp_debugfs_init();
	if (err)
		goto out_membership;
	err = cp_proc_start();
	if (err)
		goto out_debugfs;
	err = cp_ptrace_start();
	if (err)
		goto out_proc;
	err = clusterproc_register_ops(&cp_ops);
	if (err)
		goto out_ptrace;
	/* everything the request handlers use exists now */
	cp_transport_serve_start();
	pr_info("node %u: tipc %x port %u service {%u,%u} (%s)\n", cp_self,
		cp_self_addr, cp_self_port, cp_tipc_type, cp_self,
		cp_tipc_reserved ? "reserved type" : "open type");
	return 0;

out_ptrace:
	cp_ptrace_stop();
out_proc:
	cp_proc_stop();
out_debugfs:
	cp_debugfs_exit();
out_membership:
	cp_membership_stop();
out_transport:
	cp_transport_stop();
	return err;
}

/*
 * Unload, in the order of what depends on what: first no request from a
 * peer is handled any more (handlers use cp_ptracer, cp_rparent and the
 * workers stopped below), then no hook runs, then the rest. Outbound
 * calls made while stopping (a tracer's link detached) still get replies.
 */
static void __exit cp_exit(void)
{
	cp_transport_serve_stop();
	clusterproc_unregister_ops(&cp_ops);
	cp_stdio_stop();	/* no export is made or used any more */
	cp_ptrace_stop();
	cp_proc_stop();
	cp_debugfs_exit();
	cp_membership_stop();
	cp_transport_stop();
	pr_info("node %u: unloaded\n", cp_self);
}

module_init(cp_init);
module_exit(cp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("clusterproc: clusterwide processes over TIPC");
