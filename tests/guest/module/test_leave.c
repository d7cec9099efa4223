/*
 * A node leaves the cluster and joins again (debugfs "leave": the
 * module withdraws its TIPC publication, as an unload would). Every node
 * runs this; the last node leaves, the others observe:
 *  - a call in flight to the leaving node fails with EHOSTDOWN at once
 *    (the topology withdrawal completes it), not at the call timeout;
 *  - then every call to it fails fast (ping, peer_stats: EHOSTDOWN),
 *    kill(2) of its process fails with ESRCH (probe and signal);
 *  - once it is back, the same calls and kill(2) work again.
 * The leaver checks that its own calls fail while it is out, and that
 * its victim got the signal sent after the rejoin.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BAR_VICTIM	0x43500201u	/* leaver's victim runs, delay set */
#define BAR_INFLIGHT	0x43500202u	/* observers have a call in flight */
#define BAR_CHECKED	0x43500203u	/* observers checked the left node */
#define BAR_BACK	0x43500204u	/* every node sees the leaver up again */
#define BAR_PROBED	0x43500206u	/* observers reached the victim again */
#define BAR_END		0x43500205u
#define SLOW_US		"2500000"	/* leaver's server delay: > in-flight */

static int self_node, nodes, leaver;

/* the publication goes with the test process; keep it till then */
static void barrier(uint32_t type)
{
	cp_barrier_ck(type, self_node, nodes);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int wait_node(int node, int up, int timeout_ms)
{
	struct cp_node_line l[64];
	int t, i, n;

	for (t = 0; t <= timeout_ms; t += 20) {
		n = cp_read_nodes(l, 64);
		for (i = 0; i < n; i++)
			if (l[i].node == node && l[i].up == up)
				return 0;
		if (!up) {
			for (i = 0; i < n && l[i].node != node; i++)
				;
			if (i == n)
				return 0;
		}
		cp_sleep_ms(20);
	}
	return -ETIMEDOUT;
}

static pid_t start_victim(void)
{
	char exe[PATH_MAX];
	pid_t pid;

	cpp_prog_path("cp_victim", exe, sizeof(exe));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		setenv("CPV_SENDER_UID", "0", 1);
		execl(exe, "cp_victim", "cpv_leave", "0", "15", "60",
		      (char *)NULL);
		_exit(127);
	}
	return pid;
}

START_TEST(test_leaver)
{
	long long left0 = cp_stat("drop_left");
	pid_t victim = start_victim();
	int st, other = self_node == 1 ? 2 : 1;

	ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/delay_us/svr_dispatch",
				       SLOW_US), 0);
	barrier(BAR_VICTIM);
	barrier(BAR_INFLIGHT);
	cp_sleep_ms(300);	/* the observers' calls are being served */
	ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/leave", "1"), 0);
	ck_assert_int_eq(cp_ping(other), -EHOSTDOWN);
	ck_assert_int_eq(wait_node(self_node, 0, 3000), 0);
	barrier(BAR_CHECKED);
	ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/delay_us/svr_dispatch",
				       "0"), 0);
	/* the delayed servers' replies went nowhere; we are back */
	ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/leave", "0"), 0);
	ck_assert_int_eq(wait_node(self_node, 1, 3000), 0);
	ck_assert_int_eq(cp_wait_nodes_up(nodes, 5000), 0);
	/*
	 * A peer accepts our messages only once its topology thread has
	 * seen our publication again: wait until every peer sees us up.
	 */
	barrier(BAR_BACK);
	ck_assert_int_eq(cp_ping(other), 0);
	barrier(BAR_PROBED);
	/* an observer kills the victim once we are back */
	ck_assert_int_eq(waitpid(victim, &st, 0), victim);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "victim status %#x", st);
	ck_assert_int_ge(cp_stat("drop_left"), left0);
	barrier(BAR_END);
}
END_TEST

START_TEST(test_observer)
{
	long long down0 = cp_stat("calls_hostdown");
	long long ev0 = cp_stat("node_down_events");
	struct cp_ps_proc v;
	double t0, dt;
	pid_t child, vpid;
	int st;

	/* the victim answers a kill with SIGRTMIN + 1 */
	ck_assert(signal(SIGRTMIN + 1, SIG_IGN) != SIG_ERR);
	barrier(BAR_VICTIM);
	ck_assert_int_eq(cp_ps_find(leaver, "cpv_leave", &v), 1);
	vpid = v.pid;
	ck_assert_int_eq(kill(vpid, 0), 0);
	/* a call in flight when the node leaves: its server is slow */
	t0 = now_s();
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0)
		_exit(-cp_ping(leaver));
	barrier(BAR_INFLIGHT);
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	dt = now_s() - t0;
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == EHOSTDOWN,
		      "in-flight ping: status %#x, want exit %d", st,
		      EHOSTDOWN);
	ck_assert_msg(dt < 2.0, "in-flight call failed after %.2f s", dt);
	printf("# in-flight call to the leaving node failed after %.3f s\n",
	       dt);
	ck_assert_int_eq(wait_node(leaver, 0, 3000), 0);
	ck_assert_int_ge(cp_stat("node_down_events"), ev0 + 1);
	ck_assert_int_eq(cp_count_up(), nodes - 1);
	/* every call fails fast now */
	ck_assert_int_eq(cp_ping(leaver), -EHOSTDOWN);
	ck_assert_int_eq(cp_peer_stat(leaver, "calls", &(long long){ 0 }),
			 -EHOSTDOWN);
	errno = 0;
	ck_assert_int_eq(kill(vpid, 0), -1);
	ck_assert_int_eq(errno, ESRCH);
	errno = 0;
	ck_assert_int_eq(kill(vpid, SIGTERM), -1);
	ck_assert_int_eq(errno, ESRCH);
	ck_assert_int_ge(cp_stat("calls_hostdown"), down0 + 2);
	barrier(BAR_CHECKED);
	ck_assert_int_eq(cp_wait_nodes_up(nodes, 10000), 0);
	barrier(BAR_BACK);
	ck_assert_int_eq(cp_ping(leaver), 0);
	ck_assert_int_eq(kill(vpid, 0), 0);
	barrier(BAR_PROBED);
	if (self_node == 1)
		ck_assert_int_eq(kill(vpid, SIGTERM), 0);
	barrier(BAR_END);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("clusterproc_leave");
	TCase *tc = tcase_create("leave");

	self_node = cp_env_node();
	nodes = cp_expected_nodes();
	leaver = nodes;
	if (self_node < 1 || nodes < 2) {
		fprintf(stderr, "test_leave: needs CS_NODE and 2+ nodes\n");
		return EXIT_FAILURE;
	}
	tcase_set_timeout(tc, 120);
	if (self_node == leaver)
		tcase_add_test(tc, test_leaver);
	else
		tcase_add_test(tc, test_observer);
	suite_add_tcase(s, tc);
	return cp_run_suite(s, CK_VERBOSE, CK_FORK_GETENV) ? EXIT_FAILURE :
							      EXIT_SUCCESS;
}
