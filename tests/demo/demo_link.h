/*
 * demo_link.h: the demo's narrator (node 1) and its agents (the other
 * nodes) over TIPC: one SOCK_SEQPACKET connection per agent, a message a
 * command one way ({0, command}; {1, ""}: the demo is over) and {status,
 * output} the other.
 */
#ifndef DEMO_LINK_H
#define DEMO_LINK_H

#include "cs_tipc.h"

#include <stdint.h>

#define DEMO_SVC	CS_SVC_DEMO	/* {DEMO_SVC, N}: node N's agent */
#define DEMO_MSG_MAX	60000		/* a message, text cut beyond */

/* Listening socket bound to {type, inst}, cluster scope; fd or -1. */
int demo_link_listen(uint32_t type, uint32_t inst);
/* Accept one connection within timeout_ms: fd, or -1 (ETIMEDOUT). */
int demo_link_accept(int lfd, int timeout_ms);
/* Connect to {type, inst}: fd or -1. */
int demo_link_connect(uint32_t type, uint32_t inst);
/* Send {status, text}. 0 or -1. */
int demo_link_send(int fd, int32_t status, const char *text);
/*
 * Receive one message within timeout_ms: 0 with malloc'd text, 1 if the
 * peer closed, -1 on error (ETIMEDOUT).
 */
int demo_link_recv(int fd, int timeout_ms, int32_t *status, char **text);

#endif
