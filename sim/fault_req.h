/*
 * fault_req.h: the one-line failure request a node's cs-fail writes for
 * the launcher (sim/fail/, sim/launcher/faults.c). Pure parsing.
 */
#ifndef CS_FAULT_REQ_H
#define CS_FAULT_REQ_H

#include <stddef.h>

#define CS_FAULT_MAX_S 600	/* longest partition a request may ask */

struct cs_fault_req {
	int node;		/* the node to cut off, 1..nodes */
	int seconds;		/* for how long, 1..CS_FAULT_MAX_S */
};

/*
 * Parse "partition NODE SECONDS" (a trailing newline allowed) for a run
 * of @nodes nodes. Returns 0, or -1 with a one-line reason in @why.
 */
int cs_fault_parse(const char *line, int nodes, struct cs_fault_req *req,
		   char *why, size_t wlen);

#endif
