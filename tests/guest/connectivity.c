/*
 * connectivity: AF_TIPC messages between every pair of nodes.
 *
 * Every node runs an echo server on {CS_SVC_PING, node} in a thread and
 * pings every peer through the kernel's TIPC stack over the switch; a peer
 * must answer with its node number and the nonce, from another TIPC node.
 * A second barrier ({CS_SVC_PINGDONE, node}) keeps the servers up until
 * every node has finished pinging.
 */
#include "cs_tipc.h"
#include "guest_run.h"

#include <check.h>
#include <errno.h>
#include <linux/tipc.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS 30000
#define REPLY_MS 3000
#define TRIES 5

struct server {
	int fd;
	int node;
	volatile bool stop;
};

static int env_num(const char *k)
{
	const char *v = getenv(k);

	return v ? atoi(v) : 0;
}

static void *serve(void *arg)
{
	struct server *s = arg;

	while (!s->stop) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		struct sockaddr_tipc from;
		socklen_t flen = sizeof(from);
		char buf[128], reply[160];
		ssize_t r;
		unsigned int nonce;
		int src, dst;

		if (poll(&p, 1, 100) <= 0)
			continue;
		r = recvfrom(s->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT,
			     (struct sockaddr *)&from, &flen);
		if (r <= 0)
			continue;
		buf[r] = '\0';
		if (sscanf(buf, "ping %d %d %u", &src, &dst, &nonce) != 3 ||
		    dst != s->node)
			continue;
		snprintf(reply, sizeof(reply), "pong %d %d %u", s->node, src,
			 nonce);
		sendto(s->fd, reply, strlen(reply), 0,
		       (struct sockaddr *)&from, flen);
	}
	return NULL;
}

/* Ping one peer; returns the peer's TIPC node address, 0 if no answer. */
static uint32_t ping_peer(int fd, int self, int peer)
{
	for (int t = 0; t < TRIES; t++) {
		struct sockaddr_tipc to = { 0 }, from;
		unsigned int nonce = (unsigned int)rand();
		char msg[64], want[64], buf[128];
		struct timespec t0, t1;

		to.family = AF_TIPC;
		to.addrtype = TIPC_SERVICE_ADDR;
		to.addr.name.name.type = CS_SVC_PING;
		to.addr.name.name.instance = (uint32_t)peer;
		snprintf(msg, sizeof(msg), "ping %d %d %u", self, peer, nonce);
		snprintf(want, sizeof(want), "pong %d %d %u", peer, self, nonce);
		if (sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&to,
			   sizeof(to)) < 0) {
			fprintf(stderr, "node %d: sendto node %d: %s\n", self,
				peer, strerror(errno));
			usleep(200 * 1000);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (;;) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			socklen_t flen = sizeof(from);
			long ms;
			ssize_t r;

			clock_gettime(CLOCK_MONOTONIC, &t1);
			ms = (t1.tv_sec - t0.tv_sec) * 1000 +
			     (t1.tv_nsec - t0.tv_nsec) / 1000000;
			if (ms >= REPLY_MS || poll(&p, 1, (int)(REPLY_MS - ms)) <= 0)
				break;
			r = recvfrom(fd, buf, sizeof(buf) - 1, 0,
				     (struct sockaddr *)&from, &flen);
			if (r <= 0)
				continue;
			buf[r] = '\0';
			if (strcmp(buf, want) == 0)
				return from.addr.id.node;
		}
		fprintf(stderr, "node %d: no answer from node %d (try %d)\n",
			self, peer, t + 1);
	}
	return 0;
}

START_TEST(test_ping_every_peer)
{
	int self = env_num("CS_NODE"), n = env_num("CS_NODES");
	struct server srv = { .fd = -1, .node = self, .stop = false };
	struct cs_tipc_sub sub;
	uint32_t own, peer_addr[64] = { 0 };
	pthread_t th;
	int cfd, replies = 0, donefd;

	ck_assert_msg(self >= 1 && n >= self && n <= 64,
		      "CS_NODE=%d CS_NODES=%d", self, n);
	srand((unsigned int)time(NULL) ^ (unsigned int)self << 16);
	srv.fd = cs_tipc_publish(CS_SVC_PING, (uint32_t)self);
	ck_assert_msg(srv.fd >= 0, "publish ping service: %s", strerror(errno));
	own = cs_tipc_own_node(srv.fd);
	ck_assert_uint_ne(own, 0);
	ck_assert_int_eq(pthread_create(&th, NULL, serve, &srv), 0);

	ck_assert_int_eq(cs_tipc_sub_open(&sub, CS_SVC_PING, n), 0);
	ck_assert_msg(cs_tipc_sub_wait(&sub, WAIT_MS) == 0,
		      "only %d of %d echo servers appeared", sub.nseen, n);
	cs_tipc_sub_close(&sub);

	cfd = socket(AF_TIPC, SOCK_RDM, 0);
	ck_assert_int_ge(cfd, 0);
	for (int p = 1; p <= n; p++) {
		if (p == self)
			continue;
		peer_addr[p - 1] = ping_peer(cfd, self, p);
		ck_assert_msg(peer_addr[p - 1], "node %d never answered", p);
		ck_assert_msg(peer_addr[p - 1] != own,
			      "node %d answered from our own TIPC node %x", p, own);
		replies++;
	}
	close(cfd);
	ck_assert_int_eq(replies, n - 1);
	/* every peer is a different kernel */
	for (int a = 0; a < n; a++)
		for (int b = a + 1; b < n; b++)
			if (peer_addr[a] && peer_addr[b])
				ck_assert_uint_ne(peer_addr[a], peer_addr[b]);

	/* keep answering until everybody is done pinging */
	ck_assert_int_eq(cs_tipc_sub_open(&sub, CS_SVC_PINGDONE, n), 0);
	donefd = cs_tipc_publish(CS_SVC_PINGDONE, (uint32_t)self);
	ck_assert_int_ge(donefd, 0);
	ck_assert_msg(cs_tipc_sub_wait(&sub, WAIT_MS) == 0,
		      "only %d of %d nodes finished pinging", sub.nseen, n);
	cs_tipc_sub_close(&sub);
	srv.stop = true;
	pthread_join(th, NULL);
	close(srv.fd);
	close(donefd);
}
END_TEST

START_TEST(test_join_service_sees_every_node)
{
	int n = env_num("CS_NODES");
	struct cs_tipc_sub sub;

	/* cluster-init published {CS_SVC_JOIN, node} on every node */
	ck_assert_int_eq(cs_tipc_sub_open(&sub, CS_SVC_JOIN, n), 0);
	ck_assert_msg(cs_tipc_sub_wait(&sub, 5000) == 0,
		      "only %d of %d nodes in the join service", sub.nseen, n);
	cs_tipc_sub_close(&sub);
	for (int a = 0; a < n; a++)
		for (int b = a + 1; b < n; b++)
			ck_assert_uint_ne(sub.node[a], sub.node[b]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("connectivity");
	TCase *tc = tcase_create("tipc");

	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_join_service_sees_every_node);
	tcase_add_test(tc, test_ping_every_peer);
	suite_add_tcase(s, tc);
	return guest_run(s, 1);
}
