/*
 * Node failure, ptrace: a tracee whose tracer's node goes down is
 * detached on its own node and runs on, as exit_ptrace() detaches the
 * tracees of a tracer that dies (the node-failure issue's rule). Run on
 * node 1 of 3 (module-ptrace.scn): this process's child runs on node 2
 * (cp_rchild word: runs 3 s, exits 0); a tracer on node 3 attaches to
 * it, sees its stop, then node 3 leaves the cluster for 4 s (debugfs
 * leave: its peers see it down) and the tracer lives on there. Kernel-observable facts: the child's
 * exit status as wait(2) reports it here, node 2's
 * ptrace_detach_node_down during the test.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "libclusterproc.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Before: the tracee stayed in its attach stop on node 2 for good (its
 * ptrace parent there, cp_ptracer, never detached it): no exit within
 * 20 s.
 */
START_TEST(test_tracer_node_down_detaches)
{
	struct cpp_mark m[] = { CPP_MARK(2, "ptrace_detach_node_down") };
	char v[16];
	pid_t victim, tracer, r = 0;
	int st = 0, tst;

	cpp_marks_take(m, 1);
	victim = cpp_spawn(2, 0, (const char *const[]){ "word", "3000",
						       NULL });
	snprintf(v, sizeof(v), "%d", victim);
	/* it stays 30 s after: its exit would detach the tracee, too */
	tracer = cpp_spawn(3, 0, (const char *const[]){ "attachleave", v,
							"4000", "30000",
							NULL });
	for (int i = 0; i < 200 && r == 0; i++) {
		r = waitpid(victim, &st, WNOHANG);
		if (r == 0)
			cp_sleep_ms(100);
	}
	if (r == 0) {
		kill(victim, SIGKILL);
		waitpid(victim, &st, 0);
	}
	/* node 3's tracer: lost with its node (or killed); node 3 back */
	kill(tracer, SIGKILL);
	ck_assert_int_eq(waitpid(tracer, &tst, 0), tracer);
	ck_assert_int_eq(cp_wait_nodes_up(cp_expected_nodes(), 20000), 0);
	ck_assert_msg(r == victim && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "tracee %d on node 2, its tracer's node 3 down: %s (status %#x), want exited 0",
		      victim, r ? "ended" : "still there after 20 s", st);
	cpp_marks_assert_rose(m, 1, "detached");
}
END_TEST

/*
 * A move whose reply and its target's down event cross: node 1's mover
 * has the REXEC reply but is not yet the process's stand-in proper
 * (delay point rexec_replied holds it 2 s there) when the process on
 * node 3 has its node leave the cluster. The node-down sweep passes a
 * stand-in that is still STARTING by. Before: the process was not
 * counted lost; node 3 came back and the process's exit 0 reached its
 * parent ("exited 0"), where every other process of a node that went
 * down is killed by SIGKILL for its parent.
 */
START_TEST(test_move_crosses_node_down)
{
	struct cpp_mark m[] = { CPP_MARK(1, "rexec_lost_starting") };
	char path[256];
	char *argv[] = { path, "leaveafter", "500", "3000", NULL };
	pid_t pid, r = 0;
	int st = 0;

	cpp_prog_path("cp_rchild", path, sizeof(path));
	ck_assert_int_eq(cpp_set_delay("rexec_replied", 2000000), 0);
	cpp_marks_take(m, 1);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		cp_rexecve(3, path, argv, environ);
		_exit(100 + errno);
	}
	for (int i = 0; i < 200 && r == 0; i++) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == 0)
			cp_sleep_ms(100);
	}
	cpp_set_delay("rexec_replied", 0);
	if (r == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	ck_assert_int_eq(cp_wait_nodes_up(cp_expected_nodes(), 20000), 0);
	ck_assert_msg(r == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		      "process %d moved to node 3, which went down as the move completed: %s, status %#x, want killed by SIGKILL",
		      pid, r ? (WIFEXITED(st) ? "exited" : "killed") :
		      "no news in 20 s", st);
	cpp_marks_assert_rose(m, 1, "lost while starting");
}
END_TEST

static Suite *node_down_suite(void)
{
	Suite *s = suite_create("node-down");
	TCase *tc = tcase_create("ptrace");

	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_tracer_node_down_detaches);
	tcase_add_test(tc, test_move_crosses_node_down);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_node_down: not all nodes up\n");
	return cp_run_suite(node_down_suite(), CK_NORMAL, CK_FORK) ?
		EXIT_FAILURE : EXIT_SUCCESS;
}
