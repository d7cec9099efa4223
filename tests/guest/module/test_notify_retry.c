/*
 * An exit event that cannot be sent at first is sent later, never lost
 * (module-proc.scn, node 1; node 2's kernel needs fault injection,
 * FAULT_INJECTION_DEBUG_FS: qemu-debug has it, so check-qemu and
 * check-mixed run this for real; on a kernel without it the test says
 * so and checks nothing). Node 1's child on node 2 arms node 2's debugfs
 * fail_call/ (the kernel's fault injection: the next 3 calls node 2's
 * module makes find no memory, -ENOMEM, nothing sent), then exits: its
 * exit event is the call that fails. Before, the event was given up at
 * the first ENOMEM (notify_fail): no SIGCHLD came, and a wait that was
 * already blocked waited for ever. Now it is sent again after a pause
 * (notify_retry): the SIGCHLD comes, the wait reports exited 0.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NO_FAULT_INJECTION 95	/* cp_rchild failcall: no fail_call/ */

START_TEST(test_exit_event_retried)
{
	struct cpp_mark m[] = { CPP_MARK(2, "notify_retry") };
	struct timespec ts = { 15, 0 };
	sigset_t set;
	siginfo_t si;
	pid_t p;
	int r, st = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	cpp_marks_take(m, 1);
	/* arms 3 failures, exits 500 ms later: its exit event fails */
	p = cpp_spawn(2, 0, ARGS("failcall", "3", "500"));
	do {
		memset(&si, 0, sizeof(si));
		r = sigtimedwait(&set, &si, &ts);
	} while (r == SIGCHLD && si.si_pid != p);
	ck_assert_msg(r == SIGCHLD,
		      "no SIGCHLD of child %d on node 2 in 15 s: its exit event, which node 2 could not send at first, was lost (%s)",
		      p, strerror(errno));
	ck_assert_int_eq(waitpid(p, &st, 0), p);
	if (WIFEXITED(st) && WEXITSTATUS(st) == NO_FAULT_INJECTION) {
		printf("# node 2's kernel has no fault injection (debugfs clusterproc/fail_call): nothing checked\n");
		return;
	}
	ck_assert_msg(si.si_code == CLD_EXITED && si.si_status == 0 &&
		      WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "child %d on node 2: SIGCHLD code %d status %d, wait status %#x, want exited 0",
		      p, si.si_code, si.si_status, st);
	cpp_marks_assert_rose(m, 1, "exit event sent again");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("clusterproc_notify_retry");
	TCase *tc = tcase_create("notify_retry");
	int failed;

	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_notify_retry: not all nodes up\n");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_exit_event_retried);
	suite_add_tcase(s, tc);
	failed = cp_run_suite(s, CK_NORMAL, CK_FORK_GETENV);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
