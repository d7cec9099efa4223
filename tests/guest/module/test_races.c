/*
 * Races of the process model, on node 1 of a 3-node
 * cluster: many iterations, with seeded random delays (CP_SEED, default
 * the time; printed), of
 *   - child exit vs parent wait (blocking, WNOHANG polling, WNOWAIT then
 *     reap), children on nodes 2 and 3;
 *   - parent exit vs child exit (the test is the subreaper and must reap
 *     every child exactly once, with its status);
 *   - stop/continue vs wait(WSTOPPED|WCONTINUED): the child's node
 *     stops and continues it while the parent's wait has dropped
 *     tasklist_lock (delay at wait_task_released), so the stop is gone
 *     when the wait asks: do_wait() must rescan (E10);
 * first without, then with injected delays at the release points on both
 * nodes. Afterwards the counters of the remote-notify paths and of the
 * do_wait rescan must be nonzero, or the test fails.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "libclusterproc.h"

#include <check.h>
#include <pthread.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static unsigned int seed;
static int iters = 30;

static int rnd(int max)
{
	return max > 0 ? rand_r(&seed) % (max + 1) : 0;
}

static void set_remote_delay(int node, const char *point, unsigned int us)
{
	char v[16];
	pid_t pid;
	int st;

	snprintf(v, sizeof(v), "%u", us);
	pid = cpp_spawn(node, 0, ARGS("delay", point, v));
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "delay %s on node %d: status %#x", point, node, st);
}

static void set_delays(unsigned int us)
{
	static const char *const here[] = {
		"wait_task_released", "event_deliver", "reparent_flush",
	};
	static const char *const there[] = {
		"notify_parent_flush", "exit_flush",
	};
	unsigned int i;
	int n;

	for (i = 0; i < sizeof(here) / sizeof(here[0]); i++)
		ck_assert_int_eq(cpp_set_delay(here[i], us), 0);
	for (n = 2; n <= 3; n++)
		for (i = 0; i < sizeof(there) / sizeof(there[0]); i++)
			set_remote_delay(n, there[i], us);
}

/* reap pid exactly once with exit status code, in one of three ways */
static void reap_once(pid_t pid, int code, int how)
{
	siginfo_t si;
	int st = -1;
	pid_t r;

	switch (how) {
	case 0:
		r = waitpid(pid, &st, 0);
		break;
	case 1:
		do {
			r = waitpid(pid, &st, WNOHANG);
			if (r == 0)
				cp_sleep_ms(1);
		} while (r == 0);
		break;
	default:
		memset(&si, 0, sizeof(si));
		ck_assert_int_eq(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
		ck_assert_int_eq(si.si_pid, pid);
		ck_assert_int_eq(si.si_code, CLD_EXITED);
		ck_assert_int_eq(si.si_status, code);
		r = waitpid(pid, &st, 0);
	}
	ck_assert_msg(r == pid, "wait %d: %d (%s)", pid, r, strerror(errno));
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == code,
		      "pid %d: status %#x, want %d", pid, st, code);
	errno = 0;
	ck_assert_int_eq(waitpid(pid, &st, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}

static void exit_vs_wait(int n)
{
	char ms[16];

	for (int i = 0; i < n; i++) {
		pid_t pid;

		snprintf(ms, sizeof(ms), "%d", rnd(20));
		pid = cpp_spawn(2 + i % 2, 0, ARGS("sleep", ms));
		cp_sleep_ms(rnd(20));
		reap_once(pid, 0, i % 3);
	}
}

static void parent_exit_vs_child_exit(int n)
{
	char ms[16];
	int st;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	for (int i = 0; i < n; i++) {
		int left = 2, code = 0;
		pid_t mid, r;

		snprintf(ms, sizeof(ms), "%d", rnd(20));
		mid = fork();
		ck_assert_int_ge(mid, 0);
		if (mid == 0) {
			pid_t c = cpp_spawn(2 + i % 2, 0, ARGS("sleep", ms));

			/* every other time, exit only once c is a stand-in */
			if (i % 2 && cpp_wait_where(c, 2 + i % 2, 5000))
				_exit(8);
			cp_sleep_ms(rnd(20));
			_exit(9);
		}
		/* both come to us: the middle one (9), its remote child (0) */
		while (left) {
			r = waitpid(-1, &st, 0);
			ck_assert_msg(r > 0, "waitpid(-1): %s", strerror(errno));
			ck_assert(WIFEXITED(st));
			code += WEXITSTATUS(st);
			left--;
		}
		ck_assert_int_eq(code, 9);
		errno = 0;
		ck_assert_int_eq(waitpid(-1, &st, WNOHANG), -1);
		ck_assert_int_eq(errno, ECHILD);
	}
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 0), 0);
}

static void stop_vs_wait(void)
{
	siginfo_t si;
	pid_t pid;
	int stops = 0, conts = 0;

	pid = cpp_spawn(2, 0, ARGS("stopcont", "2000", "40", "2000"));
	for (;;) {
		memset(&si, 0, sizeof(si));
		ck_assert_int_eq(waitid(P_PID, pid, &si,
					WEXITED | WSTOPPED | WCONTINUED), 0);
		ck_assert_int_eq(si.si_pid, pid);
		if (si.si_code == CLD_EXITED)
			break;
		if (si.si_code == CLD_STOPPED) {
			ck_assert_int_eq(si.si_status, SIGSTOP);
			stops++;
		} else {
			ck_assert_int_eq(si.si_code, CLD_CONTINUED);
			conts++;
		}
	}
	ck_assert_int_eq(si.si_status, 0);
	ck_assert_int_gt(stops + conts, 0);
}

struct waiter {
	pid_t pid, r;
	int st, err;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;

	w->r = waitpid(w->pid, &w->st, 0);
	w->err = errno;
	return NULL;
}

/* two threads wait for the same remote child: exactly one reaps it */
static void two_waiters(int n)
{
	for (int i = 0; i < n; i++) {
		struct waiter w[2] = { { 0 }, { 0 } };
		pthread_t th[2];
		pid_t pid;
		int got = 0;

		pid = cpp_spawn(2 + i % 2, 0, ARGS("exit", "4"));
		cp_sleep_ms(rnd(10));
		for (int k = 0; k < 2; k++) {
			w[k].pid = pid;
			ck_assert_int_eq(pthread_create(&th[k], NULL,
							waiter_main, &w[k]), 0);
		}
		for (int k = 0; k < 2; k++) {
			ck_assert_int_eq(pthread_join(th[k], NULL), 0);
			if (w[k].r == pid) {
				got++;
				ck_assert(WIFEXITED(w[k].st) &&
					  WEXITSTATUS(w[k].st) == 4);
			} else {
				ck_assert_int_eq(w[k].r, -1);
				ck_assert_int_eq(w[k].err, ECHILD);
			}
		}
		ck_assert_int_eq(got, 1);
	}
}

START_TEST(test_races_plain)
{
	exit_vs_wait(iters);
	parent_exit_vs_child_exit(iters / 2);
	two_waiters(iters / 3);
}
END_TEST

START_TEST(test_races_delayed)
{
	set_delays(3000);
	exit_vs_wait(iters / 2);
	parent_exit_vs_child_exit(iters / 3);
	two_waiters(iters / 3);
	stop_vs_wait();
	set_delays(0);
}
END_TEST

/* the release points and the rescan really ran */
START_TEST(test_race_counters)
{
	static const char *const here[] = {
		"wait_released", "wait_rescan", "wait_reaped", "event_rx",
		"event_sigchld", "hook_notify_standin", "hook_reparent_remote",
		"point.wait_task_released.hits", "point.event_deliver.hits",
		"point.reparent_flush.hits",
	};
	static const char *const there[] = {
		"hook_notify_parent", "hook_notify_cldstop", "notify_sent",
		"svr_reap", "hook_exit_flush",
	};
	unsigned int i;

	for (i = 0; i < sizeof(here) / sizeof(here[0]); i++) {
		long long v = cp_stat(here[i]);

		printf("# node1 %s %lld\n", here[i], v);
		ck_assert_msg(v > 0, "node 1 %s is 0", here[i]);
	}
	for (i = 0; i < sizeof(there) / sizeof(there[0]); i++) {
		long long v = cpp_stat(2, there[i]);

		printf("# node2 %s %lld\n", there[i], v);
		ck_assert_msg(v > 0, "node 2 %s is 0", there[i]);
	}
}
END_TEST

int main(void)
{
	const char *s = getenv("CP_SEED"), *it = getenv("CP_RACE_ITERS");
	Suite *su = suite_create("races");
	TCase *tc = tcase_create("races");

	seed = s ? (unsigned int)strtoul(s, NULL, 10) : (unsigned int)time(NULL);
	if (it)
		iters = atoi(it) > 0 ? atoi(it) : iters;
	printf("# test_races: seed %u, %d iterations\n", seed, iters);
	fflush(stdout);
	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_races: not all nodes up\n");
	tcase_set_timeout(tc, 200);
	tcase_add_test(tc, test_races_plain);
	tcase_add_test(tc, test_races_delayed);
	tcase_add_test(tc, test_race_counters);
	suite_add_tcase(su, tc);
	return cp_run_suite(su, CK_NORMAL, CK_FORK_GETENV) ? EXIT_FAILURE :
							       EXIT_SUCCESS;
}
