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
/*
 * 10: CP_SETPGID_F_SETSID; 9: CP_STDIO_F_TTIN_IGN/TTOU_IGN;
 * 8: CP_MSG_SETPGID; 7: CP_MSG_STDIO
 */
#define CP_VERSION		11
#define CP_MAX_NODES		64	/* node numbers 1..64 */
/*
 * Clusterwide pids: node << CP_PID_SHIFT | local. Node N allocates in
 * [N << 15, (N + 1) << 15), 32768 pids (a stock kernel's default
 * pid_max); range 0, below 32768, holds the pids allocated before the
 * module loaded (with that default pid_max). 64 nodes end at 65 << 15,
 * within PID_MAX_LIMIT (1 << 22).
 */
#define CP_PID_SHIFT		15
#define CP_MAX_MSG		8192	/* header + payload */

#define CP_F_REPLY		0x0001

enum cp_msg_type {
	CP_MSG_PING = 1,	/* payload cp_ping; reply cp_ping */
	CP_MSG_STATS = 2,	/* no payload; reply cp_stats_reply */
	CP_MSG_KILL = 3,	/* payload cp_kill; reply cp_kill_reply */
	CP_MSG_PS = 4,		/* payload cp_ps_req; reply cp_ps_reply */
	/* process model: 16.. */
	CP_MSG_WHERE = 16,	/* cp_where; reply cp_where */
	CP_MSG_REXEC = 17,	/* cp_rexec + strings; reply cp_rexec_reply */
	CP_MSG_EVENT = 18,	/* cp_event; reply: no payload */
	CP_MSG_REAP = 19,	/* cp_reap; reply cp_reap_reply */
	CP_MSG_REPARENT = 20,	/* cp_reparent; reply: no payload */
	/* ptrace: 21.. */
	CP_MSG_PTRACE = 21,	/* cp_ptrace; reply cp_ptrace_reply */
	/* what became of a REXEC whose call timed out */
	CP_MSG_REXEC_SETTLE = 22,	/* cp_rexec_settle; reply the same */
	/* an orphaned process group: its members here (pgrp.c) */
	CP_MSG_PGRP = 23,	/* cp_pgrp; reply the same */
	/* pids of the receiver's that the sender's adopted orphans hold */
	CP_MSG_HOLD = 24,	/* cp_hold; reply cp_hold (SYNC: the refused) */
	/* stdio of a moved process relayed to its origin (stdio.c) */
	CP_MSG_STDIO = 25,	/* cp_stdio [+ data]; reply: no payload */
	/* a moved process changed its group: its stand-in follows (pgrp.c) */
	CP_MSG_SETPGID = 26,	/* cp_setpgid; reply the same */
	/* a module proves its socket before it is pinned (hello.c): one way */
	CP_MSG_HELLO = 27,	/* cp_hello; never replied */
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

#define CP_HELLO_MAC_LEN	32
#define CP_HELLO_F_ASK		1	/* send your HELLO back */
struct cp_hello {
	__be32 flags;		/* CP_HELLO_F_* */
	__be32 pad;
	__u8 mac[CP_HELLO_MAC_LEN];	/* hello.c: over node, addr, port */
};

#define CP_STATS_MAX		256
struct cp_stats_reply {
	__be32 count;
	__be32 pad;
	/* in enum cp_stat order, then each release point's hits */
	__be64 value[CP_STATS_MAX];
};

enum cp_kill_scope {
	CP_KILL_PID = 0,	/* kill(pid): the thread group of pid */
	CP_KILL_PGRP = 1,	/* kill(-pgrp): the node's members of pgrp */
	CP_KILL_ALL = 2,	/* kill(-1): every process but init */
};

/*
 * A signal sent by a process of the source node (kill(2) through the G1
 * hook, or debugfs "kill"). The target node checks permission with the
 * sender's credentials and session (the local rules), and delivers the
 * sender's siginfo, so both travel with the request.
 */
struct cp_kill {
	__be32 scope;
	__be32 id;		/* pid or pgrp (clusterwide) */
	__be32 sig;		/* 0: probe only */
	__be32 sender_tgid;	/* never signalled by CP_KILL_ALL */
	__be32 uid, euid;	/* in the initial user namespace */
	__be64 cap_effective;
	__be32 sid;		/* sender's session (SIGCONT rule) */
	__be32 info_code;		/* siginfo the receiver sees: SI_USER... */
	__be32 info_pid;		/* sender's clusterwide tgid */
	__be32 info_uid;		/* sender's uid */
};

struct cp_kill_reply {
	__be32 count;		/* processes tried */
	__be32 err;		/* last error but EPERM (as kill(-1)), or 0 */
	__be32 ok;		/* processes signalled */
	__be32 pad;
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

/*
 * A process group that an exit may have orphaned (pgrp.c): CP_PGRP_ASK
 * counts the receiver's members of @pgrp; CP_PGRP_CLEAR says the group
 * is orphaned (members that moved there no longer count it held);
 * CP_PGRP_HUP does that and sends them SIGHUP then SIGCONT (unless one
 * of them holds the group to @sid there). The reply is the request with
 * the counts filled in.
 */
enum cp_pgrp_op { CP_PGRP_ASK = 0, CP_PGRP_HUP = 1, CP_PGRP_CLEAR = 2 };
struct cp_pgrp {
	__be32 pgrp;
	__be32 sid;		/* the group's session */
	__be32 op;		/* enum cp_pgrp_op */
	__be32 members;		/* reply: live members here */
	__be32 connected;	/* reply: held to @sid by a parent here */
	__be32 stopped;		/* reply: of them, stopped */
};

/*
 * Process pid, which moved from the receiver to the sender (its stand-in
 * is on the receiver), is now in group pgrp of session sid: the stand-in
 * joins that group (pgrp.c). With CP_SETPGID_F_SETSID, pid called
 * setsid(): pgrp and sid are pid, and the stand-in leads that session.
 * The reply is the request, flags set.
 */
#define CP_SETPGID_HELD		0x1	/* reply: the group is held there */
#define CP_SETPGID_F_SETSID	0x2	/* request: a new session */
struct cp_setpgid {
	__be32 pid;
	__be32 pgrp;
	__be32 sid;
	__be32 flags;		/* request: 0 or F_SETSID; reply: CP_SETPGID_* */
};

/* Where does pid run? Asked of the pid's origin node. */
struct cp_where {
	__be32 pid;
	__be32 node;		/* reply: node number */
};

/* A sender's ids in the initial user namespace (cp_rexec, cp_ptrace). */
struct cp_ids {
	__be32 uid, euid, suid, fsuid;
	__be32 gid, egid, sgid, fsgid;
};

#define CP_RLIM_N		16	/* RLIM_NLIMITS of every Linux arch */
#define CP_REXEC_NNP		0x1	/* no_new_privs (PR_SET_NO_NEW_PRIVS) */
#define CP_REXEC_PGRP_HELD	0x2	/* group held at origin (pgrp.c) */
#define CP_REXEC_GROUPS		32	/* supplementary groups carried */
#define CP_STDIO_FDS		3	/* fds 0, 1, 2 may be relayed */

/*
 * Remote exec: run filename on the receiving node as process pid, child
 * of ppid (on the sending node), with the sender's credentials. strings
 * holds strings_len bytes: filename, cwd, argc args, envc env entries,
 * each NUL terminated.
 */
struct cp_rexec {
	__be32 pid;
	__be32 ppid;
	struct cp_ids ids;
	__be64 cap_effective, cap_permitted, cap_inheritable, cap_bset;
	__be32 securebits;
	__be32 pgrp, sid;	/* its process group and session */
	__be32 umask;
	/* signals 1..64 as bit sig - 1: what exec keeps (POSIX) */
	__be64 blocked, ignored;
	__be32 argc, envc;
	__be32 strings_len;
	__be32 seq;		/* the source's move number: settle's key */
	__be32 flags;		/* CP_REXEC_* */
	__be32 ngroups;		/* supplementary groups in groups[] */
	/* RLIMIT_* 0..CP_RLIM_N - 1, as exec keeps them; ~0: infinity */
	__be64 rlim_cur[CP_RLIM_N], rlim_max[CP_RLIM_N];
	__be32 groups[CP_REXEC_GROUPS];	/* in the initial user namespace */
	/*
	 * stdio.c: fd i (bit i of stdio_mask) is relayed to the sender's
	 * export stdio_id[i]; the others are /dev/null and the console.
	 */
	__be32 stdio_mask;
	__be32 stdio_pad;
	__be64 stdio_id[CP_STDIO_FDS];
	char strings[];
};

/*
 * Settle a REXEC (pid, seq) whose call timed out: the target answers
 * err 0 (the process runs there), the exec's errno, or ECANCELED (it
 * never ran and never will: a late request is refused); the call fails
 * with EINPROGRESS while the exec is still under way.
 */
struct cp_rexec_settle {
	__be32 pid;
	__be32 seq;
	__be32 err;		/* reply: positive errno, 0: it runs */
	__be32 pad;
};

struct cp_rexec_reply {
	__be32 pid;
	__be32 pad;
};

/* A remote child's state changed: its node tells its parent's node. */
struct cp_event {
	__be32 pid;
	__be32 why;		/* CLD_EXITED, _KILLED, _DUMPED, _STOPPED, ... */
	__be32 status;		/* si_status: exit code or signal */
	__be32 uid;		/* si_uid */
	__be64 utime_ns, stime_ns;	/* si_utime, si_stime */
};

/* Reap (or peek at, CP_REAP_NOWAIT) an exited child on its node. */
#define CP_REAP_NOWAIT		0x1	/* WNOWAIT */
#define CP_REAP_STOPPED		0x2	/* is it still stopped? (WSTOPPED) */
struct cp_reap {
	__be32 pid;
	__be32 flags;
};

enum cp_ru {
	CP_RU_UTIME_US, CP_RU_STIME_US, CP_RU_MAXRSS, CP_RU_MINFLT,
	CP_RU_MAJFLT, CP_RU_NVCSW, CP_RU_NIVCSW, CP_RU_INBLOCK, CP_RU_OUBLOCK,
	CP_RU_N
};

struct cp_reap_reply {
	__be32 pid;		/* 0: not reapable (yet) */
	__be32 wstat;		/* wait(2) status word */
	__be32 why, status, uid;	/* si_code, si_status, si_uid */
	__be32 pad;
	__be64 ru[CP_RU_N];	/* getrusage(RUSAGE_BOTH) of the child */
};

/*
 * The sender runs processes with pids of the receiver's range whose
 * parent's node went down (adopted orphans, remote_child.c): the
 * receiver must not hand those pids out again (hold.c). SYNC: the
 * sender's whole list for the receiver (it replaces the last one; the
 * reply lists the pids refused, taken here meanwhile); DROP: these died.
 */
#define CP_HOLD_MAX		64
enum cp_hold_op { CP_HOLD_SYNC = 1, CP_HOLD_DROP = 2 };

struct cp_hold {
	__be32 op;		/* enum cp_hold_op */
	__be32 count;		/* pids used in @pid */
	__be32 pid[CP_HOLD_MAX];
};

/* The parent of pid (on the sending node) exited: new parent ppid. */
struct cp_reparent {
	__be32 pid;
	__be32 ppid;
};

/*
 * One ptrace(2) request of a tracer on the sending node, run on the
 * tracee's node: PTRACE_ATTACH/SEIZE (with the tracer's credentials),
 * PEEKTEXT/PEEKDATA, DETACH, CONT, or CP_PTRACE_WAIT (a traced stop not
 * yet reported: its signal in the reply, 0 if none within 1 s; or its
 * exit: why and status, the zombie then goes to its real parent).
 */
#define CP_PTRACE_WAIT		0x43500000
#define CP_PTRACE_NOWAIT	0x1	/* WNOWAIT: leave the stop reportable */
#define CP_PTRACE_NOBLOCK	0x2	/* look once, do not wait up to 1 s */
#define CP_PTRACE_GONE		0x4	/* DETACH: the tracer exited, any state */
struct cp_ptrace {
	__be32 request;
	__be32 pid;
	__be64 addr, data;
	__be32 flags;		/* CP_PTRACE_* */
	struct cp_ids ids;
	__be32 tracer;		/* the tracing thread's clusterwide tid */
	__be64 cap_effective, cap_permitted;
};

struct cp_ptrace_reply {
	__be64 value;		/* PEEK*: the word */
	__be32 sig;		/* CP_PTRACE_WAIT: stop signal, 0: none */
	__be32 why;		/* CP_PTRACE_WAIT: CLD_EXITED.. if it died */
	__be32 status;		/* with why: exit code or signal */
	__be32 pad;
};

/*
 * stdio of a moved process (stdio.c). The node where it runs sends
 * WRITE (data), READ (up to len bytes) and CLOSE for export @id of the
 * origin, which answers at once (0: queued, or an errno); the origin's
 * I/O thread of that export does the operation on the held file and
 * sends DONE back (result: count or -errno; READ's data follows). One
 * READ and one write() (batch) are in flight per export; @seq pairs a
 * DONE with its request.
 */
enum cp_stdio_op {
	CP_STDIO_WRITE = 1,
	CP_STDIO_READ = 2,
	CP_STDIO_CLOSE = 3,
	CP_STDIO_DONE_WRITE = 4,
	CP_STDIO_DONE_READ = 5,
};

struct cp_stdio {
	__be64 id;		/* the export (random, per fd) */
	__be32 pid;		/* the moved process (clusterwide pid) */
	__be32 op;		/* enum cp_stdio_op */
	__be32 fd;		/* 0, 1 or 2 */
	__be32 seq;		/* the lane's operation number */
	__be32 len;		/* READ: room; WRITE, DONE_READ: data bytes */
	__be32 result;		/* DONE_*: count, or -errno (two's complement) */
	__be32 flags;		/* WRITE: CP_STDIO_F_* */
	__be32 pad;
	__u8 data[];
};

/*
 * One write() is one batch of WRITE chunks (same seq), F_FIRST (index
 * 0) to F_LAST, at most CP_STDIO_WINDOW, all sent before any answer;
 * the origin writes them in index order and answers F_LAST's with one
 * DONE, the batch's count.
 */
#define CP_STDIO_F_FIRST	0x1
#define CP_STDIO_F_LAST		0x2
#define CP_STDIO_F_IDX(f)	(((f) >> 8) & 0xff)	/* index in batch */
#define CP_STDIO_F_IDX_SET(i)	((i) << 8)
#define CP_STDIO_F_ALL		0xff03
/*
 * READ and WRITE: the process's SIGTTIN / SIGTTOU were blocked or ignored
 * when it made the call (the terminal's job control on the origin).
 */
#define CP_STDIO_F_TTIN_IGN	0x10000
#define CP_STDIO_F_TTOU_IGN	0x20000
#define CP_STDIO_F_ACT		0x30000
#define CP_STDIO_WINDOW		8
#define CP_STDIO_CHUNK	(CP_MAX_MSG - sizeof(struct cp_hdr) - \
			 sizeof(struct cp_stdio))

#endif /* CLUSTERPROC_CP_WIRE_H */
