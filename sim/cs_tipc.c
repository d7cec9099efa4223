/* cs_tipc.c: service publication and membership waits over TIPC. */
#include "cs_tipc.h"

#include <errno.h>
#include <linux/tipc.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int cs_tipc_publish(uint32_t type, uint32_t inst)
{
	struct sockaddr_tipc a;
	int fd = socket(AF_TIPC, SOCK_RDM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.family = AF_TIPC;
	a.addrtype = TIPC_SERVICE_RANGE;
	a.scope = TIPC_CLUSTER_SCOPE;
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

uint32_t cs_tipc_own_node(int fd)
{
	struct sockaddr_tipc a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len))
		return 0;
	return a.addr.id.node;
}

int cs_tipc_sub_open(struct cs_tipc_sub *s, uint32_t type, int n)
{
	struct sockaddr_tipc top;
	struct tipc_subscr sub;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if (n < 1 || n > 64) {
		errno = EINVAL;
		return -1;
	}
	s->n = n;
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
	memset(&sub, 0, sizeof(sub));
	sub.seq.type = type;
	sub.seq.lower = 1;
	sub.seq.upper = (uint32_t)n;
	sub.timeout = TIPC_WAIT_FOREVER;
	sub.filter = TIPC_SUB_PORTS;
	if (send(s->fd, &sub, sizeof(sub), 0) != (ssize_t)sizeof(sub))
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
	struct tipc_subscr sub;

	memset(&sub, 0, sizeof(sub));
	sub.seq.type = gone_type;
	sub.seq.lower = 1;
	sub.seq.upper = (uint32_t)s->n;
	sub.timeout = TIPC_WAIT_FOREVER;
	sub.filter = TIPC_SUB_PORTS;
	if (send(s->fd, &sub, sizeof(sub), 0) != (ssize_t)sizeof(sub))
		return -1;
	s->gone_type = gone_type;
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
		if (s->gone_type && ev.s.seq.type == s->gone_type) {
			if (ev.event != TIPC_WITHDRAWN)
				continue;
		} else if (ev.event != TIPC_PUBLISHED) {
			continue;
		}
		for (uint32_t i = ev.found_lower; i <= ev.found_upper &&
		     i >= 1 && i <= (uint32_t)s->n; i++) {
			if (s->seen & (1ULL << (i - 1)))
				continue;
			s->seen |= 1ULL << (i - 1);
			if (ev.event == TIPC_WITHDRAWN)
				s->gone |= 1ULL << (i - 1);
			else
				s->node[i - 1] = ev.port.node;
			s->nseen++;
		}
	}
	return 0;
}

void cs_tipc_sub_close(struct cs_tipc_sub *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}
