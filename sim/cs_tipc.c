/* cs_tipc.c: service publication and membership waits over TIPC. */
#include "cs_tipc.h"

#include <errno.h>
#include <linux/tipc.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* A new RDM socket bound to {type, inst} in scope: fd, or -1. */
static int bind_service(uint32_t type, uint32_t inst, int scope)
{
	struct sockaddr_tipc a;
	int fd = socket(AF_TIPC, SOCK_RDM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.family = AF_TIPC;
	a.addrtype = TIPC_SERVICE_RANGE;
	a.scope = scope;
	a.addr.nameseq.type = type;
	a.addr.nameseq.lower = inst;
	a.addr.nameseq.upper = inst;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int cs_tipc_publish(uint32_t type, uint32_t inst)
{
	return bind_service(type, inst, TIPC_CLUSTER_SCOPE);
}

uint32_t cs_tipc_own_node(int fd)
{
	struct sockaddr_tipc a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len))
		return 0;
	return a.addr.id.node;
}

static long now_ms(void);
static void sub_event(struct cs_tipc_sub *s, const struct tipc_event *ev);

static int sub_send(int fd, uint32_t type, uint32_t lower, uint32_t upper)
{
	struct tipc_subscr sub;

	memset(&sub, 0, sizeof(sub));
	sub.seq.type = type;
	sub.seq.lower = lower;
	sub.seq.upper = upper;
	sub.timeout = TIPC_WAIT_FOREVER;
	sub.filter = TIPC_SUB_PORTS;
	return send(fd, &sub, sizeof(sub), 0) == (ssize_t)sizeof(sub) ? 0 : -1;
}

/*
 * Wait until the topology server has registered the subscriptions sent
 * so far on s->fd: it handles a connection's requests in order, so once a
 * later subscription reports a publication of ours, the earlier ones are
 * live. Only then may the caller publish: a peer that sees our
 * publication may pass its barrier and withdraw its own at once, and a
 * subscription registered after that withdrawal would never see it (a
 * barrier hung for its 60 s on a loaded host). The probe is node-scoped,
 * {CS_SVC_SUBOK, pid and a sequence number}; events of the barrier's type that come meanwhile
 * are counted.
 */
static int sub_confirm(struct cs_tipc_sub *s)
{
	/*
	 * A probe instance of its own each time (pids are below 2^22): an
	 * earlier probe's subscription on this connection would report the
	 * new binding at once, before the server has even read the
	 * subscriptions sent since (cs_tipc_sub_gone() confirms a second
	 * time, and missed every JOIN that was there).
	 */
	static uint32_t probes;
	uint32_t inst = (uint32_t)getpid() | (++probes & 0x3ff) << 22;
	long end = now_ms() + 10000;
	int fd, rc = -1;

	if (sub_send(s->fd, CS_SVC_SUBOK, inst, inst))
		return -1;
	fd = bind_service(CS_SVC_SUBOK, inst, TIPC_NODE_SCOPE);
	if (fd < 0)
		return -1;
	for (;;) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		struct tipc_event ev;
		long left = end - now_ms();
		ssize_t r;

		if (left <= 0) {
			errno = ETIMEDOUT;
			goto out;
		}
		if (poll(&p, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		if (!(p.revents & POLLIN))
			continue;
		r = recv(s->fd, &ev, sizeof(ev), 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r != (ssize_t)sizeof(ev)) {
			if (r >= 0)
				errno = EPROTO;
			goto out;
		}
		if (ev.s.seq.type == CS_SVC_SUBOK) {
			if (ev.event == TIPC_PUBLISHED) {
				rc = 0;
				break;
			}
			continue;
		}
		sub_event(s, &ev);
	}
out:
	{
		int e = errno;

		close(fd);	/* its withdrawal is ignored by type */
		errno = e;
	}
	return rc;
}

int cs_tipc_sub_open(struct cs_tipc_sub *s, uint32_t type, int n)
{
	struct sockaddr_tipc top;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if (n < 1 || n > 64) {
		errno = EINVAL;
		return -1;
	}
	s->n = n;
	s->type = type;
	s->fd = socket(AF_TIPC, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return -1;
	memset(&top, 0, sizeof(top));
	top.family = AF_TIPC;
	top.addrtype = TIPC_SERVICE_ADDR;
	top.addr.name.name.type = TIPC_TOP_SRV;
	top.addr.name.name.instance = TIPC_TOP_SRV;
	if (connect(s->fd, (struct sockaddr *)&top, sizeof(top)))
		goto err;
	if (sub_send(s->fd, type, 1, (uint32_t)n) || sub_confirm(s))
		goto err;
	return 0;
err:
	{
		int e = errno;

		close(s->fd);
		s->fd = -1;
		errno = e;
	}
	return -1;
}

int cs_tipc_sub_gone(struct cs_tipc_sub *s, uint32_t gone_type)
{
	if (sub_send(s->fd, gone_type, 1, (uint32_t)s->n))
		return -1;
	s->gone_type = gone_type;
	/*
	 * The server reports the publications that exist when it registers
	 * a subscription before it handles the next request: once the probe
	 * answers, s->present holds every {gone_type, i} there is. One not
	 * there was withdrawn before we asked (a node crashed or powered
	 * off earlier): it is gone already; no event would ever say so.
	 */
	if (sub_confirm(s))
		return -1;
	for (int i = 1; i <= s->n; i++) {
		uint64_t bit = 1ULL << (i - 1);

		if ((s->present & bit) || (s->seen & bit))
			continue;
		s->seen |= bit;
		s->gone |= bit;
		s->nseen++;
	}
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int cs_tipc_sub_wait(struct cs_tipc_sub *s, int timeout_ms)
{
	long end = now_ms() + timeout_ms;

	while (s->nseen < s->n) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		struct tipc_event ev;
		long left = end - now_ms();
		ssize_t r;
		int rc;

		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		rc = poll(&p, 1, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return -1;
		if (rc == 0)
			continue;
		r = recv(s->fd, &ev, sizeof(ev), 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r != (ssize_t)sizeof(ev)) {
			if (r >= 0)
				errno = EPROTO;
			return -1;
		}
		sub_event(s, &ev);
	}
	return 0;
}

/* Count what one topology event says of the barrier's instances. */
static void sub_event(struct cs_tipc_sub *s, const struct tipc_event *ev)
{
	if (s->gone_type && ev->s.seq.type == s->gone_type) {
		if (ev->event != TIPC_WITHDRAWN) {
			for (uint32_t i = ev->found_lower;
			     i <= ev->found_upper && i >= 1 &&
			     i <= (uint32_t)s->n; i++)
				s->present |= 1ULL << (i - 1);
			return;
		}
	} else if (ev->s.seq.type != s->type || ev->event != TIPC_PUBLISHED) {
		return;
	}
	for (uint32_t i = ev->found_lower; i <= ev->found_upper &&
	     i >= 1 && i <= (uint32_t)s->n; i++) {
		if (s->seen & (1ULL << (i - 1)))
			continue;
		s->seen |= 1ULL << (i - 1);
		if (ev->event == TIPC_WITHDRAWN)
			s->gone |= 1ULL << (i - 1);
		else
			s->node[i - 1] = ev->port.node;
		s->nseen++;
	}
}

void cs_tipc_sub_close(struct cs_tipc_sub *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}
