/*
 * clusterproc transport and membership, run inside a node with the
 * module loaded and CP_NODES nodes in the cluster: every node up, pings
 * through the module to every node, fast failure to a down node, and
 * forged messages from user space dropped and counted without harm.
 */
#include "cp_test_util.h"
#include "cp_wire.h"

#include <arpa/inet.h>
#include <check.h>
#include <endian.h>
#include <errno.h>
#include <linux/tipc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct cp_self self;

static void setup(void)
{
	ck_assert_int_eq(cp_read_self(&self), 0);
	ck_assert_int_eq(cp_wait_nodes_up(cp_expected_nodes(), 10000), 0);
}

START_TEST(test_self_up)
{
	struct cp_node_line l[64];
	int i, n = cp_read_nodes(l, 64), found = 0;

	ck_assert_int_gt(n, 0);
	for (i = 0; i < n; i++)
		if (l[i].node == self.node) {
			found = 1;
			ck_assert_int_eq(l[i].up, 1);
			ck_assert_uint_eq(l[i].port, self.port);
		}
	ck_assert_int_eq(found, 1);
	ck_assert_int_eq(cp_count_up(), cp_expected_nodes());
}
END_TEST

START_TEST(test_ping_all)
{
	struct cp_node_line l[64];
	long long ok0 = cp_stat("calls_ok");
	int i, n, want = cp_expected_nodes();

	ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/ping", "all"), 0);
	ck_assert_int_ge(cp_stat("calls_ok") - ok0, want);
	n = cp_read_nodes(l, 64);
	for (i = 0; i < n; i++) {
		if (!l[i].up)
			continue;
		ck_assert_int_eq(l[i].last_ping, 0);
		ck_assert_uint_gt(l[i].rtt_ns, 0);
		printf("# node %d -> node %d: ping rtt %llu ns\n", self.node,
		       l[i].node, l[i].rtt_ns);
	}
}
END_TEST

START_TEST(test_ping_many)
{
	int want = cp_expected_nodes(), node, i, k;

	/* 4 processes x 50 rounds, concurrent calls sharing the socket */
	for (k = 0; k < 4; k++) {
		pid_t pid = fork();

		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			char buf[16];

			for (i = 0; i < 50; i++)
				for (node = 1; node <= want; node++) {
					snprintf(buf, sizeof(buf), "%d", node);
					if (cp_write_file(CP_DEBUGFS "/ping",
							  buf))
						_exit(1);
				}
			_exit(0);
		}
	}
	for (k = 0; k < 4; k++) {
		int st;

		ck_assert_int_gt(wait(&st), 0);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
}
END_TEST

START_TEST(test_down_node_fails_fast)
{
	char buf[16];
	long long down0 = cp_stat("calls_hostdown");
	int node = cp_expected_nodes() + 1;

	ck_assert_int_le(node, self.max_node);
	snprintf(buf, sizeof(buf), "%d", node);
	ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/ping", buf), -EHOSTDOWN);
	ck_assert_int_eq(cp_stat("calls_hostdown"), down0 + 1);
	ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/ping", "0"), -EINVAL);
}
END_TEST

static void hdr(struct cp_hdr *h, unsigned int type, unsigned int flags,
		size_t len, unsigned int src, unsigned int dst)
{
	memset(h, 0, sizeof(*h));
	h->magic = htonl(CP_MAGIC);
	h->version = CP_VERSION;
	h->type = (__u8)type;
	h->flags = htons((uint16_t)flags);
	h->len = htonl((uint32_t)len);
	h->src_node = htonl(src);
	h->dst_node = htonl(dst);
	h->req_id = htobe64(12345);
}

/* The drop counter each forgery must raise on its target, in order. */
static const char *const forged_counters[] = {
	"drop_short", "drop_bad_magic", "drop_bad_version", "drop_bad_len",
	"drop_bad_type", "drop_bad_node", "drop_unauth_sender",
	"drop_unauth_sender", "drop_trunc",
};
#define NFORGED (sizeof(forged_counters) / sizeof(forged_counters[0]))

/* Send each forgery to node target, each claiming to come from claim. */
static void send_forgeries(unsigned int target, unsigned int claim)
{
	static unsigned char big[CP_MAX_MSG + 100];
	struct {
		struct cp_hdr h;
		struct cp_ping p;
	} m;
	size_t len = sizeof(m);
	unsigned int t = self.tipc_type;

	ck_assert_int_eq(cp_forge_send(t, target, "abc", 3), 0);
	hdr(&m.h, CP_MSG_PING, 0, len, claim, target);
	m.h.magic = htonl(0xdeadbeef);
	ck_assert_int_eq(cp_forge_send(t, target, &m, len), 0);
	hdr(&m.h, CP_MSG_PING, 0, len, claim, target);
	m.h.version = 99;
	ck_assert_int_eq(cp_forge_send(t, target, &m, len), 0);
	hdr(&m.h, CP_MSG_PING, 0, len + 4, claim, target);
	ck_assert_int_eq(cp_forge_send(t, target, &m, len), 0);
	hdr(&m.h, 200, 0, len, claim, target);
	ck_assert_int_eq(cp_forge_send(t, target, &m, len), 0);
	hdr(&m.h, CP_MSG_PING, 0, len, claim, target + 1);
	ck_assert_int_eq(cp_forge_send(t, target, &m, len), 0);
	/* well formed, but not from the claimed node's module socket */
	hdr(&m.h, CP_MSG_PING, 0, len, claim, target);
	ck_assert_int_eq(cp_forge_send(t, target, &m, len), 0);
	hdr(&m.h, CP_MSG_PING, CP_F_REPLY, len, claim, target);
	ck_assert_int_eq(cp_forge_send(t, target, &m, len), 0);
	memset(big, 0x5a, sizeof(big));
	ck_assert_int_eq(cp_forge_send(t, target, big, sizeof(big)), 0);
}

START_TEST(test_forged_local)
{
	long long before[NFORGED], rx0 = cp_stat("rx_msgs");
	unsigned int claim = self.node == 1 ? 2 : 1;
	size_t i, j;

	for (i = 0; i < NFORGED; i++)
		before[i] = cp_stat(forged_counters[i]);
	send_forgeries(self.node, claim);
	/*
	 * Wait for each drop counter itself: rx_msgs alone proves nothing,
	 * the other nodes' tests send to us meanwhile.
	 */
	for (i = 0; i < NFORGED; i++) {
		long long want = before[i];

		for (j = 0; j < NFORGED; j++)
			if (!strcmp(forged_counters[j], forged_counters[i]))
				want++;
		ck_assert_msg(cp_wait_stat(forged_counters[i], want, 3000) >= want,
			      "%s did not rise", forged_counters[i]);
	}
	ck_assert_int_ge(cp_stat("rx_msgs"), rx0 + NFORGED);
	/*
	 * Each forgery raised its own drop counter: it was dropped, not
	 * served (svr_requests cannot tell: other nodes call us meanwhile).
	 * The node still answers real calls.
	 */
	ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/ping", "all"), 0);
}
END_TEST

START_TEST(test_forged_remote)
{
	int node, want = cp_expected_nodes();

	for (node = 1; node <= want; node++) {
		long long unauth0, unauth1, short0, short1;

		if (node == self.node)
			continue;
		ck_assert_int_eq(cp_peer_stat(node, "drop_unauth_sender",
					      &unauth0), 0);
		ck_assert_int_eq(cp_peer_stat(node, "drop_short", &short0), 0);
		/*
		 * Claim to be the target itself, then this node; until both
		 * counters rose. Up to 5 rounds: TIPC may turn user-space
		 * (low importance) messages away while the target's queue
		 * is busy with the other nodes' forgeries.
		 */
		for (int round = 0; round < 5; round++) {
			send_forgeries((unsigned int)node, (unsigned int)node);
			send_forgeries((unsigned int)node,
				       (unsigned int)self.node);
			for (int t = 0; t <= 1000; t += 50) {
				ck_assert_int_eq(cp_peer_stat(node,
					"drop_unauth_sender", &unauth1), 0);
				ck_assert_int_eq(cp_peer_stat(node,
					"drop_short", &short1), 0);
				if (unauth1 - unauth0 >= 4 &&
				    short1 - short0 >= 2)
					break;
				cp_sleep_ms(50);
			}
			if (unauth1 - unauth0 >= 4 && short1 - short0 >= 2)
				break;
		}
		ck_assert_int_ge(unauth1 - unauth0, 4);
		ck_assert_int_ge(short1 - short0, 2);
	}
	ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/ping", "all"), 0);
	ck_assert_int_eq(cp_count_up(), want);
}
END_TEST

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * An injected delay at a named point really sleeps there, counts a hit,
 * and goes away when reset: call_send (transport) and kill_remote (the
 * G1 hook, after kill_something_info() dropped tasklist_lock).
 */
START_TEST(test_delay_points)
{
	char buf[16];
	long long h0 = cp_stat("point.call_send.hits");
	long long k0 = cp_stat("point.kill_remote.hits");
	int other = self.node == 1 ? 2 : 1;
	double t0, dt;

	snprintf(buf, sizeof(buf), "%d", other);
	ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/delay_us/call_send",
				       "150000"), 0);
	t0 = now_ms();
	ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/ping", buf), 0);
	dt = now_ms() - t0;
	ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/delay_us/call_send", "0"),
			 0);
	ck_assert_msg(dt >= 150.0, "ping with 150 ms at call_send: %.1f ms",
		      dt);
	ck_assert_int_ge(cp_stat("point.call_send.hits"), h0 + 1);

	ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/delay_us/kill_remote",
				       "150000"), 0);
	t0 = now_ms();
	errno = 0;
	ck_assert_int_eq(kill(4000000, 0), -1);	/* no node has it */
	ck_assert_int_eq(errno, ESRCH);
	dt = now_ms() - t0;
	ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/delay_us/kill_remote",
				       "0"), 0);
	ck_assert_msg(dt >= 150.0, "kill with 150 ms at kill_remote: %.1f ms",
		      dt);
	ck_assert_int_ge(cp_stat("point.kill_remote.hits"), k0 + 1);
	ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/ping", buf), 0);
}
END_TEST

/* A user socket publishing the module's service must not become a node. */
START_TEST(test_user_publication)
{
	struct sockaddr_tipc a = {
		.family = AF_TIPC,
		.addrtype = TIPC_SERVICE_ADDR,
		.scope = TIPC_CLUSTER_SCOPE,
		.addr.name.name.type = self.tipc_type,
	};
	struct cp_node_line before[64], after[64];
	long long rej0 = cp_stat("pub_rejected");
	int fd, rc, nb, na, i, k, want = cp_expected_nodes();
	unsigned int inst[2] = { (unsigned int)want + 1,
				 self.node == 1 ? 2u : 1u };

	nb = cp_read_nodes(before, 64);
	for (i = 0; i < 2; i++) {
		fd = socket(AF_TIPC, SOCK_RDM, 0);
		ck_assert_int_ge(fd, 0);
		a.addr.name.name.instance = inst[i];
		rc = bind(fd, (struct sockaddr *)&a, sizeof(a));
		if (self.reserved) {
			ck_assert_int_eq(rc, -1);
			ck_assert_int_eq(errno, EACCES);
			close(fd);
			continue;
		}
		ck_assert_int_eq(rc, 0);
		cp_wait_stat("pub_rejected", rej0 + i + 1, 2000);
		ck_assert_int_ge(cp_stat("pub_rejected"), rej0 + i + 1);
		na = cp_read_nodes(after, 64);
		ck_assert_int_eq(na, nb);
		for (k = 0; k < na; k++) {
			ck_assert_int_eq(after[k].node, before[k].node);
			ck_assert_int_eq(after[k].up, before[k].up);
			ck_assert_uint_eq(after[k].addr, before[k].addr);
			ck_assert_uint_eq(after[k].port, before[k].port);
		}
		close(fd);
	}
	ck_assert_int_eq(cp_count_up(), want);
	ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/ping", "all"), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("clusterproc_transport");
	TCase *tc = tcase_create("transport");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_self_up);
	tcase_add_test(tc, test_ping_all);
	tcase_add_test(tc, test_ping_many);
	tcase_add_test(tc, test_down_node_fails_fast);
	tcase_add_test(tc, test_forged_local);
	tcase_add_test(tc, test_forged_remote);
	tcase_add_test(tc, test_user_publication);
	tcase_add_test(tc, test_delay_points);
	suite_add_tcase(s, tc);
	return cp_run_suite(s, CK_VERBOSE, CK_FORK_GETENV) ? EXIT_FAILURE :
							      EXIT_SUCCESS;
}
