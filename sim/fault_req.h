/*
 * fault_req.h: the one-line failure request a node's cs-fail writes for
 * the launcher (sim/fail/, sim/launcher/faults.c). Pure parsing.
 */
#ifndef CS_FAULT_REQ_H
#define CS_FAULT_REQ_H

#include <stddef.h>

#define CS_FAULT_MAX_S 600	/* longest partition a request may ask */
/*
 * Longest hang: a stopped node's clocks jump when it goes on; below the
 * debug kernels' watchdogs (soft lockup 20 s, hung task 20 s, RCU stall
 * 21 s), so that what it reports after is the module's doing, not the
 * stop's.
 */
#define CS_FAULT_MAX_HANG_S 10

enum cs_fault_kind {
	CS_FAULT_CRASH,		/* kill the node's UML or QEMU: power off */
	CS_FAULT_PARTITION,	/* its wirefilter drops 100 % for a while */
	CS_FAULT_HANG,		/* its processes stopped for a while */
	CS_FAULT_RESTART,	/* boot a crashed node again */
};

struct cs_fault_req {
	enum cs_fault_kind kind;
	int node;		/* the node it happens to, 1..nodes */
	int seconds;		/* partition, hang: for how long; else 0 */
};

/*
 * Parse "crash NODE", "restart NODE", "partition NODE SECONDS" or "hang
 * NODE SECONDS" (a trailing newline allowed) for a run of @nodes nodes. Returns 0, or -1
 * with a one-line reason in @why.
 */
int cs_fault_parse(const char *line, int nodes, struct cs_fault_req *req,
		   char *why, size_t wlen);

/* "crash", "partition", "hang", "restart" */
const char *cs_fault_name(enum cs_fault_kind kind);

#endif
