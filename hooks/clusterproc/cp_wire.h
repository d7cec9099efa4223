/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clusterproc wire format: the messages one node's clusterproc module
 * sends to another's over TIPC. Shared by the module and by the
 * user-space tests that forge messages, so it only uses <linux/types.h>.
 *
 * Every message starts with struct cp_hdr; all fields are big endian.
 * A message is a request (CP_F_REPLY clear) or the reply to one (set,
 * same type and req_id). Payload layouts follow the header.
 */
#ifndef CLUSTERPROC_CP_WIRE_H
#define CLUSTERPROC_CP_WIRE_H

#include <linux/types.h>

/*
 * TIPC service type the modules bind, instance = node number.
 * CP_TIPC_TYPE_KERNEL is below TIPC_RESERVED_TYPES (64): user space can
 * never bind it, so where the kernel lets kernel sockets bind reserved
 * types every publication of it is a clusterproc module. Otherwise the
 * module falls back to CP_TIPC_TYPE_OPEN (see README.md, "forgery").
 */
#define CP_TIPC_TYPE_KERNEL	42
#define CP_TIPC_TYPE_OPEN	0x43500001u

#define CP_MAGIC		0x43505243u	/* "CPRC" */
#define CP_VERSION		1
#define CP_MAX_NODES		63	/* node numbers 1..63 */
#define CP_MAX_MSG		8192	/* header + payload */

#define CP_F_REPLY		0x0001

enum cp_msg_type {
	CP_MSG_PING = 1,	/* payload cp_ping; reply cp_ping */
	CP_MSG_STATS = 2,	/* no payload; reply cp_stats_reply */
	CP_MSG_KILL = 3,	/* payload cp_kill; reply cp_kill_reply */
	CP_MSG_PS = 4,		/* payload cp_ps_req; reply cp_ps_reply */
	CP_MSG_NTYPES
};

struct cp_hdr {
	__be32 magic;
	__u8 version;
	__u8 type;
	__be16 flags;
	__be32 len;		/* whole message, header included */
	__be32 src_node;	/* sender's node number */
	__be32 dst_node;	/* receiver's node number */
	__be32 status;		/* replies: 0 or a positive errno */
	__be64 req_id;
};

struct cp_ping {
	__be64 t_send_ns;	/* caller's clock, echoed back */
	__be64 t_peer_ns;	/* replier's clock */
	__be32 seq;
	__be32 pad;
};

#define CP_STATS_MAX		64
struct cp_stats_reply {
	__be32 count;
	__be32 pad;
	__be64 value[CP_STATS_MAX];	/* in enum cp_stat order */
};

enum cp_kill_scope {
	CP_KILL_PID = 0,	/* kill(pid): the thread group of pid */
	CP_KILL_PGRP = 1,	/* kill(-pgrp): the node's members of pgrp */
	CP_KILL_ALL = 2,	/* kill(-1): every process but init */
};

/*
 * A signal sent by a process of the source node. The target node checks
 * permission with the sender's credentials (the local rules), so they
 * travel with the request.
 */
struct cp_kill {
	__be32 scope;
	__be32 id;		/* pid or pgrp (clusterwide) */
	__be32 sig;		/* 0: probe only */
	__be32 sender_tgid;	/* never signalled by CP_KILL_ALL */
	__be32 uid, euid;	/* in the initial user namespace */
	__be64 cap_effective;
};

struct cp_kill_reply {
	__be32 count;		/* processes tried */
	__be32 err;		/* CP_KILL_ALL: last error but EPERM, or 0 */
};

/* A page of a node's process list (thread group leaders, pid order). */
struct cp_ps_req {
	__be32 start;		/* first pid of the page */
	__be32 pad;
};

#define CP_PS_KTHREAD		0x01
struct cp_ps_entry {
	__be32 pid, ppid, pgrp, sid, uid;
	__u8 state;		/* 'R', 'S', 'Z', ... as in /proc */
	__u8 flags;		/* CP_PS_* */
	__u8 pad[2];
	char comm[16];		/* NUL terminated */
};

struct cp_ps_reply {
	__be32 count;
	__be32 next;		/* start of the next page, 0: last page */
	struct cp_ps_entry e[];
};

#define CP_PS_PAGE	((CP_MAX_MSG - 32 - 8) / sizeof(struct cp_ps_entry))

#endif /* CLUSTERPROC_CP_WIRE_H */
