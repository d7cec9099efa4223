/*
 * cs_tipc.h: TIPC service names used by cluster-init and the guest tests
 * (every CS_SVC_* type is defined here, so that none is used twice), and a
 * small membership helper on top of the TIPC topology service.
 */
#ifndef CS_TIPC_H
#define CS_TIPC_H

#include <stdint.h>

#define CS_SVC_JOIN	0x43530001u	/* {JOIN, node}: init is up and joined */
#define CS_SVC_DONE	0x43530002u	/* {DONE, node}: node finished its part */
#define CS_SVC_PING	0x43530010u	/* connectivity test: echo server */
#define CS_SVC_PINGDONE	0x43530011u	/* connectivity test: end barrier */
#define CS_SVC_DEMO	0x43530020u	/* {DEMO, N}: node N's demo agent */
#define CS_SVC_SUBOK	0x435300f0u	/* node-local probe: a subscription is live */

/* Bind a new RDM socket to {type, inst}, cluster scope. Returns fd or -1. */
int cs_tipc_publish(uint32_t type, uint32_t inst);

struct cs_tipc_sub {
	int fd;
	int n;
	uint32_t type;		/* the instances' type */
	uint64_t seen;		/* bit i-1: instance i was published */
	uint32_t node[64];	/* TIPC node address of instance i's publisher */
	int nseen;
	uint32_t gone_type;	/* 0, or see cs_tipc_sub_gone() */
	uint64_t gone;		/* bit i-1: counted because it went away */
	uint64_t present;	/* bit i-1: {gone_type, i} was published */
};

/*
 * Subscribe to instances 1..n of type (n <= 64); returns once the
 * subscription is live (publish only then). Returns 0 or -1.
 */
int cs_tipc_sub_open(struct cs_tipc_sub *s, uint32_t type, int n);

/*
 * Wait until every instance 1..n has been published at least once
 * (a later withdrawal does not undo it). Returns 0, or -1 with errno
 * ETIMEDOUT after timeout_ms, or another errno on failure.
 */
int cs_tipc_sub_wait(struct cs_tipc_sub *s, int timeout_ms);

/*
 * Also count instance i as reached when {gone_type, i} is withdrawn (the
 * node powered off or was lost). For end barriers: a node powers off as
 * soon as it has seen everybody, and its own publication may die with it
 * in a send queue; its peers then see its JOIN withdrawn when the link
 * times out, instead of waiting for ever. An instance whose {gone_type,
 * i} is not published when this subscribes (withdrawn earlier: a node
 * crashed on purpose before the end) is counted as gone at once. Returns
 * 0 or -1.
 */
int cs_tipc_sub_gone(struct cs_tipc_sub *s, uint32_t gone_type);

void cs_tipc_sub_close(struct cs_tipc_sub *s);

/* Own TIPC node address (from a bound socket), 0 on error. */
uint32_t cs_tipc_own_node(int fd);

#endif
