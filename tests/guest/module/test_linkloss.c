/*
 * A node's link fails and comes back: the last node takes its eth0 down
 * (as a crash or a cable pull looks to the others), the other nodes'
 * modules must see it go down through TIPC's topology service once the
 * link tolerance expires, fail calls to it fast (EHOSTDOWN) and kill(2)
 * of its processes with ESRCH; when eth0 is up again TIPC re-establishes
 * the links and the node must be up again everywhere, calls working.
 */
#include "cp_test_util.h"

#include <check.h>
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BAR_READY	0x43500401u
#define BAR_DONE	0x43500402u
#define BAR_FOUND	0x43500403u	/* observers know the victim's pid */
#define BAR_BACK	0x43500404u	/* every node sees every node up */
#define DOWN_MS		8000	/* link tolerance (1.5 s) and margin */
#define UP_MS		30000
#define OUT_MS		5000	/* how long the link stays down */

static int self_node, nodes, victim;

static void barrier(uint32_t type)
{
	cp_barrier_ck(type, self_node, nodes);
}

static int link_set(int up)
{
	struct ifreq ifr;
	int rc, fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, "eth0", IFNAMSIZ - 1);
	rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (!rc) {
		if (up)
			ifr.ifr_flags |= IFF_UP;
		else
			ifr.ifr_flags &= ~IFF_UP;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	rc = rc ? -errno : 0;
	close(fd);
	return rc;
}

START_TEST(test_link_fails)
{
	int n, st;
	pid_t v = fork();

	ck_assert_int_ge(v, 0);
	if (v == 0) {
		execl("/bin/sleep", "cpl_victim", "60", (char *)NULL);
		_exit(127);
	}
	barrier(BAR_READY);
	barrier(BAR_FOUND);
	ck_assert_int_eq(link_set(0), 0);
	for (n = 1; n < nodes; n++)
		ck_assert_int_eq(cp_wait_node_state(n, 0, DOWN_MS), 0);
	ck_assert_int_eq(cp_ping(1), -EHOSTDOWN);
	/* stay away longer than the peers' link tolerance */
	cp_sleep_ms(OUT_MS);
	ck_assert_int_eq(link_set(1), 0);
	for (n = 1; n < nodes; n++)
		ck_assert_msg(cp_wait_node_state(n, 1, UP_MS) == 0,
			      "node %d not up again", n);
	/* a peer accepts us once its topology thread saw us again */
	barrier(BAR_BACK);
	ck_assert_int_eq(cp_ping(1), 0);
	barrier(BAR_DONE);
	kill(v, SIGKILL);
	ck_assert_int_eq(waitpid(v, &st, 0), v);
}
END_TEST

START_TEST(test_link_observed)
{
	struct cp_ps_proc p;
	long long down0 = cp_stat("node_down_events");
	pid_t vpid;

	barrier(BAR_READY);
	ck_assert_int_eq(cp_ps_find(victim, "sleep", &p), 1);
	vpid = p.pid;
	ck_assert_int_eq(kill(vpid, 0), 0);
	barrier(BAR_FOUND);
	ck_assert_msg(cp_wait_node_state(victim, 0, DOWN_MS) == 0,
		      "node %d still up %d ms after its link failed", victim,
		      DOWN_MS);
	ck_assert_int_ge(cp_stat("node_down_events"), down0 + 1);
	ck_assert_int_eq(cp_ping(victim), -EHOSTDOWN);
	errno = 0;
	ck_assert_int_eq(kill(vpid, 0), -1);
	ck_assert_int_eq(errno, ESRCH);
	ck_assert_msg(cp_wait_node_state(victim, 1, UP_MS) == 0,
		      "node %d not up again", victim);
	barrier(BAR_BACK);
	ck_assert_int_eq(cp_ping(victim), 0);
	barrier(BAR_DONE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("clusterproc_linkloss");
	TCase *tc = tcase_create("linkloss");

	self_node = cp_env_node();
	nodes = cp_expected_nodes();
	victim = nodes;
	if (self_node < 1 || nodes < 2)
		return EXIT_FAILURE;
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, self_node == victim ? test_link_fails :
						 test_link_observed);
	suite_add_tcase(s, tc);
	return cp_run_suite(s, CK_VERBOSE, CK_FORK_GETENV) ? EXIT_FAILURE :
							      EXIT_SUCCESS;
}
