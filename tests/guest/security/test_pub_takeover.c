/*
 * Security: a user cannot take a node's place while its module is gone
 * (the security issue's finding 3). Membership pins the first socket
 * that publishes {type, N} after node N withdrew; a user process on node
 * N's TIPC node, publishing N's service name in that window, was pinned
 * as node N by every peer, and the module's own return was then refused
 * ("node number already taken by another socket"): the user could speak
 * as node N's kernel. Now a publication is pinned only after its socket
 * proves it holds the run's cluster key (hello.c). Run as root on node 1
 * (module-security.scn). Kernel-observable facts: node 2's pinned
 * (address, port) in node 1's nodes file during the window and after,
 * the ping of node 2 afterwards, pub_unproven during the test.
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

#define USER_ID "1000"

/* Node @node's line in our nodes file: 0, or -1 if it has none. */
static int node_line(int node, struct cp_node_line *out)
{
	struct cp_node_line l[64];
	int n = cp_read_nodes(l, 64);

	for (int i = 0; i < n; i++)
		if (l[i].node == node) {
			*out = l[i];
			return 0;
		}
	return -1;
}

/*
 * Node 2 leaves for 2 s (debugfs leave); 0.5 s in, uid 1000 on node 2
 * binds node 2's service name and holds it 4 s, sending node 1's ask for
 * a proof (node 1's own HELLO) back as its own. Before: node 1 pinned
 * the user's socket ("node 2 up on port U, the module's is P") and kept
 * it after the module came back.
 */
START_TEST(test_user_cannot_take_a_left_nodes_place)
{
	struct cpp_mark m[] = { CPP_MARK(1, "pub_unproven"),
				CPP_MARK(1, "hello_bad") };
	struct cp_node_line before, now;
	pid_t user, leaver;
	int st, bad = 0;

	ck_assert_int_eq(cp_wait_nodes_up(cp_expected_nodes(), 10000), 0);
	ck_assert_int_eq(node_line(2, &before), 0);
	ck_assert_int_eq(before.up, 1);
	cpp_marks_take(m, 2);
	user = cpp_spawn(2, 0, (const char *const[]){ "pubhold", "500", "4000",
						      USER_ID, NULL });
	leaver = cpp_spawn(2, 0, (const char *const[]){ "leave", "2000",
							NULL });
	/* the window and after: never a socket but the module's */
	for (int t = 0; t < 6000; t += 50) {
		if (!node_line(2, &now) && now.up &&
		    (now.addr != before.addr || now.port != before.port))
			bad++;
		cp_sleep_ms(50);
	}
	ck_assert_int_eq(node_line(2, &now), 0);
	ck_assert_msg(!bad && now.up && now.port == before.port,
		      "node 2 after a user published its name while its module was away: up %d on %x:%u (%d samples on another socket), the module's is %x:%u",
		      now.up, now.addr, now.port, bad, before.addr,
		      before.port);
	ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/ping", "2"), 0);
	cpp_marks_assert_rose(m, 2, "a publication waited for its proof, and node 1's own HELLO, sent back by the user as node 2's, proved nothing");
	/* both ran on node 2, which left: lost here, not waited for */
	waitpid(user, &st, 0);
	waitpid(leaver, &st, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("security_pub_takeover");
	TCase *tc = tcase_create("pub_takeover");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_user_cannot_take_a_left_nodes_place);
	suite_add_tcase(s, tc);
	return cp_run_suite(s, CK_VERBOSE, CK_FORK_GETENV) ? EXIT_FAILURE :
							      EXIT_SUCCESS;
}
