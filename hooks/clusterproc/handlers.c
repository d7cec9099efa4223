// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc request handlers: what a server thread runs for each
 * message type, and each type's payload bounds (checked on receipt).
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/ktime.h>
#include "cp_internal.h"
#include "cp_proc.h"

static int cp_handle_ping(const struct cp_request *rq, void *reply,
			  size_t max)
{
	const struct cp_ping *in = rq->payload;
	struct cp_ping *out = reply;

	out->t_send_ns = in->t_send_ns;
	out->t_peer_ns = cpu_to_be64(ktime_get_ns());
	out->seq = in->seq;
	out->pad = 0;
	return sizeof(*out);
}

static int cp_handle_stats(const struct cp_request *rq, void *reply,
			   size_t max)
{
	struct cp_stats_reply *out = reply;
	unsigned int i;

	BUILD_BUG_ON(CP_NR_STATS + CP_NR_DELAY_POINTS > CP_STATS_MAX);
	memset(out, 0, sizeof(*out));
	cp_stats_live();
	out->count = cpu_to_be32(CP_NR_STATS + CP_NR_DELAY_POINTS);
	for (i = 0; i < CP_NR_STATS; i++)
		out->value[i] = cpu_to_be64(atomic64_read(&cp_stats[i]));
	for (i = 0; i < CP_NR_DELAY_POINTS; i++)
		out->value[CP_NR_STATS + i] =
			cpu_to_be64(atomic64_read(&cp_delay_slots[i].hits));
	return sizeof(*out);
}

static const struct cp_msg_desc cp_msgs[CP_MSG_NTYPES] = {
	[CP_MSG_PING] = {
		.name = "ping",
		.req_min = sizeof(struct cp_ping),
		.req_max = sizeof(struct cp_ping),
		.rep_min = sizeof(struct cp_ping),
		.rep_max = sizeof(struct cp_ping),
		.handle = cp_handle_ping,
	},
	[CP_MSG_STATS] = {
		.name = "stats",
		.req_min = 0,
		.req_max = 0,
		.rep_min = sizeof(struct cp_stats_reply),
		.rep_max = sizeof(struct cp_stats_reply),
		.handle = cp_handle_stats,
	},
	[CP_MSG_KILL] = {
		.name = "kill",
		.req_min = sizeof(struct cp_kill),
		.req_max = sizeof(struct cp_kill),
		.rep_min = sizeof(struct cp_kill_reply),
		.rep_max = sizeof(struct cp_kill_reply),
		.handle = cp_handle_kill,
	},
	[CP_MSG_PS] = {
		.name = "ps",
		.req_min = sizeof(struct cp_ps_req),
		.req_max = sizeof(struct cp_ps_req),
		.rep_min = sizeof(struct cp_ps_reply),
		.rep_max = sizeof(struct cp_ps_reply) +
			   CP_PS_PAGE * sizeof(struct cp_ps_entry),
		.handle = cp_handle_ps,
	},
	[CP_MSG_WHERE] = {
		.name = "where",
		.req_min = sizeof(struct cp_where),
		.req_max = sizeof(struct cp_where),
		.rep_min = sizeof(struct cp_where),
		.rep_max = sizeof(struct cp_where),
		.handle = cp_handle_where,
	},
	[CP_MSG_REXEC] = {
		.name = "rexec",
		.req_min = sizeof(struct cp_rexec) + 2,
		.req_max = CP_MAX_MSG - sizeof(struct cp_hdr),
		.rep_min = sizeof(struct cp_rexec_reply),
		.rep_max = sizeof(struct cp_rexec_reply),
		/* the reply waits for clone + exec; then rexec.c settles */
		.timeout_ms = &cp_rexec_timeout_ms,
		.outcome = true,
		.handle = cp_handle_rexec,
	},
	[CP_MSG_EVENT] = {
		.name = "event",
		.req_min = sizeof(struct cp_event),
		.req_max = sizeof(struct cp_event),
		.handle = cp_handle_event,
	},
	[CP_MSG_REAP] = {
		.name = "reap",
		.req_min = sizeof(struct cp_reap),
		.req_max = sizeof(struct cp_reap),
		.rep_min = sizeof(struct cp_reap_reply),
		.rep_max = sizeof(struct cp_reap_reply),
		.handle = cp_handle_reap,
	},
	[CP_MSG_REPARENT] = {
		.name = "reparent",
		.req_min = sizeof(struct cp_reparent),
		.req_max = sizeof(struct cp_reparent),
		.handle = cp_handle_reparent,
	},
	[CP_MSG_PTRACE] = {
		.name = "ptrace",
		.req_min = sizeof(struct cp_ptrace),
		.req_max = sizeof(struct cp_ptrace),
		.rep_min = sizeof(struct cp_ptrace_reply),
		.rep_max = sizeof(struct cp_ptrace_reply),
		.handle = cp_handle_ptrace,
	},
	[CP_MSG_PGRP] = {
		.name = "pgrp",
		.req_min = sizeof(struct cp_pgrp),
		.req_max = sizeof(struct cp_pgrp),
		.rep_min = sizeof(struct cp_pgrp),
		.rep_max = sizeof(struct cp_pgrp),
		.handle = cp_handle_pgrp,
	},
	[CP_MSG_SETPGID] = {
		.name = "setpgid",
		.req_min = sizeof(struct cp_setpgid),
		.req_max = sizeof(struct cp_setpgid),
		.rep_min = sizeof(struct cp_setpgid),
		.rep_max = sizeof(struct cp_setpgid),
		.handle = cp_handle_setpgid,
	},
	[CP_MSG_HOLD] = {
		.name = "hold",
		.req_min = sizeof(struct cp_hold),
		.req_max = sizeof(struct cp_hold),
		.rep_max = sizeof(struct cp_hold),
		.handle = cp_handle_hold,
	},
	[CP_MSG_STDIO] = {
		.name = "stdio",
		.req_min = sizeof(struct cp_stdio),
		.req_max = sizeof(struct cp_stdio) + CP_STDIO_CHUNK,
		.rep_min = 0,
		.rep_max = 0,
		.handle = cp_handle_stdio,
	},
	[CP_MSG_REXEC_SETTLE] = {
		.name = "rexec_settle",
		.req_min = sizeof(struct cp_rexec_settle),
		.req_max = sizeof(struct cp_rexec_settle),
		.rep_min = sizeof(struct cp_rexec_settle),
		.rep_max = sizeof(struct cp_rexec_settle),
		/* a killed mover still learns where its process is */
		.outcome = true,
		.handle = cp_handle_rexec_settle,
	},
};

/**
 * cp_msg_desc() - the descriptor of a message type
 * @type: type byte from a header
 *
 * Return: the descriptor, or NULL if @type is unknown.
 */
const struct cp_msg_desc *cp_msg_desc(u8 type)
{
	if (type >= CP_MSG_NTYPES || !cp_msgs[type].handle)
		return NULL;
	return &cp_msgs[type];
}
