/*
 * Security: one node's requests cannot starve another node's calls on a
 * third node (the security issue's finding 5). Node 2's server threads
 * are slowed to 10 ms a request (debugfs delay_us/svr_dispatch), node 1
 * queues FLOOD pings on them at once (debugfs flood: what that many
 * callers on node 1 at the same moment would queue), and node 3 pings
 * node 2 a moment later. Run on node 1 of 3 as root
 * (module-security.scn). Kernel-observable facts: node 3's ping result
 * (its cp_rchild's exit status), node 2's drop_busy during the test.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define FLOOD "3000"		/* 3000 x 10 ms / 4 threads: 7.5 s queued */
#define DELAY_US "10000"

/* cp_rchild MODE... on node; its exit status (0 or an errno). */
static int on_node(int node, const char *const *args)
{
	pid_t pid = cpp_spawn(node, 0, args);
	int st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st), "cp_rchild %s on node %d: status %#x",
		      args[0], node, st);
	return WEXITSTATUS(st);
}

/*
 * Before: every request was queued, first come first served: node 3's
 * ping waited behind node 1's 3000 and timed out (ETIMEDOUT after 3 s).
 */
START_TEST(test_flood_does_not_starve_others)
{
	struct cpp_mark m[] = { CPP_MARK(2, "drop_busy") };
	pid_t pinger;
	int st, rc;

	ck_assert_int_eq(on_node(2, (const char *const[]){
			"delay", "svr_dispatch", DELAY_US, NULL }), 0);
	cpp_marks_take(m, 1);
	/* node 3 pings node 2 1 s from now, once the flood is queued */
	pinger = cpp_spawn(3, 0, (const char *const[]){ "pingafter", "1000",
							"2", NULL });
	rc = cp_write_file(CP_DEBUGFS "/flood", "2 " FLOOD);
	ck_assert_int_eq(waitpid(pinger, &st, 0), pinger);
	/* the flood's queue drains before the next test */
	ck_assert_int_eq(on_node(2, (const char *const[]){
			"delay", "svr_dispatch", "0", NULL }), 0);
	ck_assert_msg(rc == 0, "flood: %s", strerror(-rc));
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "node 3's ping of node 2 while node 1 had %s pings queued there: %s",
		      FLOOD, WIFEXITED(st) ? strerror(WEXITSTATUS(st)) :
		      "killed");
	cpp_marks_assert_rose(m, 1, "node 1's excess refused");
}
END_TEST

static Suite *flood_suite(void)
{
	Suite *s = suite_create("security-svr-flood");
	TCase *tc = tcase_create("flood");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_flood_does_not_starve_others);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_svr_flood: not all nodes up\n");
	return cp_run_suite(flood_suite(), CK_NORMAL, CK_FORK) ?
		EXIT_FAILURE : EXIT_SUCCESS;
}
