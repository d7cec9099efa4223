/* demo_link.c: narrator <-> agent messages over TIPC (demo_link.h). */
#include "demo_link.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/tipc.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int demo_link_listen(uint32_t type, uint32_t inst)
{
	struct sockaddr_tipc a;
	int fd = socket(AF_TIPC, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.family = AF_TIPC;
	a.addrtype = TIPC_SERVICE_RANGE;
	a.scope = TIPC_CLUSTER_SCOPE;
	a.addr.nameseq.type = type;
	a.addr.nameseq.lower = inst;
	a.addr.nameseq.upper = inst;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int wait_in(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;

	do
		n = poll(&p, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		errno = ETIMEDOUT;
	return n > 0 ? 0 : -1;
}

int demo_link_accept(int lfd, int timeout_ms)
{
	if (wait_in(lfd, timeout_ms))
		return -1;
	return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

int demo_link_connect(uint32_t type, uint32_t inst)
{
	struct sockaddr_tipc a;
	int fd = socket(AF_TIPC, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.family = AF_TIPC;
	a.addrtype = TIPC_SERVICE_ADDR;
	a.addr.name.name.type = type;
	a.addr.name.name.instance = inst;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

int demo_link_send(int fd, int32_t status, const char *text)
{
	size_t len = strlen(text);
	char *buf;
	uint32_t be = htonl((uint32_t)status);
	ssize_t w;

	if (len > DEMO_MSG_MAX - 4)
		len = DEMO_MSG_MAX - 4;
	buf = malloc(len + 4);
	if (!buf)
		return -1;
	memcpy(buf, &be, 4);
	memcpy(buf + 4, text, len);
	do
		w = send(fd, buf, len + 4, MSG_NOSIGNAL);
	while (w < 0 && errno == EINTR);
	free(buf);
	return w == (ssize_t)(len + 4) ? 0 : -1;
}

int demo_link_recv(int fd, int timeout_ms, int32_t *status, char **text)
{
	char *buf = malloc(DEMO_MSG_MAX + 1);
	uint32_t be;
	ssize_t r;

	*text = NULL;
	if (!buf)
		return -1;
	if (wait_in(fd, timeout_ms)) {
		free(buf);
		return -1;
	}
	do
		r = recv(fd, buf, DEMO_MSG_MAX, 0);
	while (r < 0 && errno == EINTR);
	if (r <= 0) {
		free(buf);
		return r == 0 ? 1 : -1;
	}
	if (r < 4) {
		free(buf);
		errno = EPROTO;
		return -1;
	}
	memcpy(&be, buf, 4);
	*status = (int32_t)ntohl(be);
	memmove(buf, buf + 4, (size_t)r - 4);
	buf[r - 4] = '\0';
	*text = buf;
	return 0;
}
