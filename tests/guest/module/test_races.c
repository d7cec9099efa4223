/*
 * Races of the process model, on node 1 of a cluster of CP_NODES (3 in
 * races.scn, 8 in races-8.scn, 3 behind lossy wires in races-wire.scn):
 * many iterations, with seeded random delays (CP_SEED, default the time;
 * printed), of
 *   - child exit vs parent wait (blocking, WNOHANG polling, WNOWAIT then
 *     reap), children on nodes 2..CP_NODES in turn;
 *   - parent exit vs child exit (the test is the subreaper and must reap
 *     every child exactly once, with its status);
 *   - stop/continue vs wait(WSTOPPED|WCONTINUED): the child's node
 *     stops and continues it while the parent's wait has dropped
 *     tasklist_lock (delay at wait_task_released), so the stop is gone
 *     when the wait asks: do_wait() must rescan (E10);
 * first without, then with injected delays at the release points: in the
 * delayed pass every iteration arms a schedule of its own (which points on
 * node 1 and on its child's node, and how long each sleeps). Afterwards the
 * counters of the remote-notify paths and of the do_wait rescan must be
 * nonzero, or the test fails.
 *
 * Replay: every iteration draws its sleeps and its schedule from its own
 * generator, seeded from CP_SEED, the family and the iteration only, so
 * one seed gives the same schedules again. The TAP log names the seed and
 * the command that replays the run (make race SEED=...); every failure
 * message starts with "seed S FAMILY iteration I" and every iteration's
 * schedule is in the log before it runs.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "libclusterproc.h"

#include <check.h>
#include <pthread.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static unsigned int seed;	/* CP_SEED: the run's */
static unsigned int iseed;	/* the iteration's generator */
static int iters = 30;
static int nodes = 3;		/* CP_NODES: children on 2..nodes */
static bool bench;		/* CP_RACE_BENCH=1: no sleeps, rates */
static char where[320] = "setup";	/* "seed S FAMILY iteration I ..." */
static char mark[16];
/* the host command that replays this run: make race SEED=... */
static char replay[160];

#define race_assert(cond, fmt, ...) \
	ck_assert_msg(cond, "%s: " fmt, where, ##__VA_ARGS__)

static int rnd(int max)
{
	return max > 0 ? rand_r(&iseed) % (max + 1) : 0;
}

/* a sleep of up to @max ms, drawn as always; none in the benchmark */
static int rnd_ms(int max)
{
	int ms = rnd(max);

	return bench ? 0 : ms;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "# rate FAMILY: N iterations in S s, R/s", for make bench-races */
static void rate(const char *family, int n, double t0)
{
	double s = now_s() - t0;

	printf("# rate %s: %d iterations in %.2f s, %.1f/s\n", family, n, s,
	       s > 0 ? n / s : 0.0);
	fflush(stdout);
}

/*
 * A mark in the module's trace ring (clustersim --trace) at the start of
 * every iteration: the family's initials and the iteration ("evwd.12" for
 * exit_vs_wait/delayed 12), named in a failure's message, so that the
 * chart of the failing iteration is
 * clustersim-trace --since evwd.12 --until evwd.13 runs/<id>/trace.txt.
 * Nothing is recorded while tracing is off.
 */
static void trace_mark(const char *family, int i, char *mark, size_t len)
{
	size_t n = 0;

	for (const char *p = family; *p && n + 1 < len; p++)
		if (p == family || p[-1] == '_' || p[-1] == '/')
			mark[n++] = *p;
	snprintf(mark + n, len - n, ".%d", i);
	cp_write_file(CP_DEBUGFS "/trace_mark", mark);
}

/* Start iteration @i of @family: its own generator, its name in the log. */
static void iteration(const char *family, int i)
{
	unsigned int h = 2166136261u;

	for (const char *p = family; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	iseed = seed * 2654435761u ^ h ^ (unsigned int)i * 40503u;
	trace_mark(family, i, mark, sizeof(mark));
	snprintf(where, sizeof(where),
		 "seed %u %s iteration %d (trace mark %s; replay: %s)",
		 seed, family, i, mark, replay);
}

static void set_remote_delay(int node, const char *point, unsigned int us)
{
	char v[16];
	pid_t pid;
	int st;

	snprintf(v, sizeof(v), "%u", us);
	pid = cpp_spawn(node, 0, ARGS("delay", point, v));
	race_assert(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	race_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "delay %s on node %d: status %#x", point, node, st);
}

/* the node of iteration @i's child: 2..nodes in turn */
static int child_node(int i)
{
	return 2 + i % (nodes - 1);
}

/*
 * The delayed pass's release points: on node 1 (the waiter's) and on
 * nodes 2..nodes (the children's). armed[] is what is set now, so that
 * only changes cost a remote command.
 */
static const char *const here_points[] = {
	"wait_task_released", "event_deliver", "reparent_flush",
};
static const char *const there_points[] = {
	"notify_parent_flush", "exit_flush",
};
static unsigned int armed_here[3], armed_there[CP_MAX_NODES][2];

static void arm(int node, const char *point, unsigned int *now,
		unsigned int us)
{
	if (*now == us)
		return;
	if (node == 1)
		race_assert(cpp_set_delay(point, us) == 0, "delay %s: %s",
			    point, strerror(errno));
	else
		set_remote_delay(node, point, us);
	*now = us;
}

/*
 * This iteration's schedule, from its generator: each point of node 1
 * and of the child's node @child off or on with 0.5, 1, 3 or 6 ms;
 * printed, so a failure's log shows it. (The other nodes' points hold no
 * process of this iteration; re-arming all of them would cost 2 remote
 * commands per node and iteration, too slow on 8 nodes.)
 */
static void arm_schedule(int child)
{
	static const unsigned int us[] = { 0, 0, 0, 0, 500, 1000, 3000, 6000 };
	char line[256];
	size_t n;

	n = (size_t)snprintf(line, sizeof(line), "# %s: schedule", where);
	for (unsigned int i = 0; i < 3; i++) {
		unsigned int d = us[rnd(7)];

		arm(1, here_points[i], &armed_here[i], d);
		if (d && n < sizeof(line))
			n += snprintf(line + n, sizeof(line) - n, " 1:%s=%u",
				      here_points[i], d);
	}
	for (unsigned int i = 0; i < 2; i++) {
		unsigned int d = us[rnd(7)];

		arm(child, there_points[i], &armed_there[child - 2][i], d);
		if (d && n < sizeof(line))
			n += snprintf(line + n, sizeof(line) - n, " %d:%s=%u",
				      child, there_points[i], d);
	}
	printf("%s\n", line);
	fflush(stdout);
}

static void set_delays(unsigned int us)
{
	for (unsigned int i = 0; i < 3; i++)
		arm(1, here_points[i], &armed_here[i], us);
	for (int node = 2; node <= nodes; node++)
		for (unsigned int i = 0; i < 2; i++)
			arm(node, there_points[i], &armed_there[node - 2][i], us);
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
		race_assert(waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0,
			    "waitid(WNOWAIT) %d: %s", pid, strerror(errno));
		race_assert(si.si_pid == pid && si.si_code == CLD_EXITED &&
			    si.si_status == code,
			    "waitid(WNOWAIT) %d: pid %d code %d status %d", pid,
			    si.si_pid, si.si_code, si.si_status);
		r = waitpid(pid, &st, 0);
	}
	race_assert(r == pid, "wait %d: %d (%s)", pid, r, strerror(errno));
	race_assert(WIFEXITED(st) && WEXITSTATUS(st) == code,
		    "pid %d: status %#x, want %d", pid, st, code);
	errno = 0;
	r = waitpid(pid, &st, WNOHANG);
	race_assert(r == -1 && errno == ECHILD,
		    "pid %d reaped twice: %d (%s)", pid, r, strerror(errno));
}

static void exit_vs_wait(int n, bool sched)
{
	double t0 = now_s();
	char ms[16];

	for (int i = 0; i < n; i++) {
		pid_t pid;

		iteration(sched ? "exit_vs_wait/delayed" : "exit_vs_wait", i);
		if (sched)
			arm_schedule(child_node(i));
		snprintf(ms, sizeof(ms), "%d", rnd_ms(20));
		pid = cpp_spawn(child_node(i), 0, ARGS("sleep", ms));
		cp_sleep_ms(rnd_ms(20));
		reap_once(pid, 0, i % 3);
	}
	rate(sched ? "exit_vs_wait/delayed" : "exit_vs_wait", n, t0);
}

static void parent_exit_vs_child_exit(int n, bool sched)
{
	double t0 = now_s();
	char ms[16];
	int st;

	race_assert(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "subreaper: %s",
		    strerror(errno));
	for (int i = 0; i < n; i++) {
		int left = 2, code = 0;
		pid_t mid, r;

		iteration(sched ? "parent_exit/delayed" : "parent_exit", i);
		if (sched)
			arm_schedule(child_node(i));
		snprintf(ms, sizeof(ms), "%d", rnd_ms(20));
		mid = fork();
		race_assert(mid >= 0, "fork: %s", strerror(errno));
		if (mid == 0) {
			pid_t c = cpp_spawn(child_node(i), 0,
					    ARGS("sleep", ms));

			/* every other time, exit only once c is a stand-in */
			if (i % 2 && cpp_wait_where(c, child_node(i), 5000))
				_exit(8);
			cp_sleep_ms(rnd_ms(20));
			_exit(9);
		}
		/* both come to us: the middle one (9), its remote child (0) */
		while (left) {
			r = waitpid(-1, &st, 0);
			race_assert(r > 0, "waitpid(-1): %s", strerror(errno));
			race_assert(WIFEXITED(st), "pid %d: status %#x", r, st);
			code += WEXITSTATUS(st);
			left--;
		}
		race_assert(code == 9, "exit codes sum to %d, want 9 (0 + 9)",
			    code);
		errno = 0;
		r = waitpid(-1, &st, WNOHANG);
		race_assert(r == -1 && errno == ECHILD,
			    "a third child: %d (%s)", r, strerror(errno));
	}
	race_assert(prctl(PR_SET_CHILD_SUBREAPER, 0) == 0, "subreaper: %s",
		    strerror(errno));
	rate(sched ? "parent_exit/delayed" : "parent_exit", n, t0);
}

static void stop_vs_wait(void)
{
	siginfo_t si;
	pid_t pid;
	int stops = 0, conts = 0;

	iteration("stop_vs_wait", 0);
	pid = cpp_spawn(2, 0, ARGS("stopcont", "2000", "40", "2000"));
	for (;;) {
		memset(&si, 0, sizeof(si));
		race_assert(waitid(P_PID, pid, &si,
				   WEXITED | WSTOPPED | WCONTINUED) == 0,
			    "waitid %d: %s", pid, strerror(errno));
		race_assert(si.si_pid == pid, "waitid: pid %d, want %d",
			    si.si_pid, pid);
		if (si.si_code == CLD_EXITED)
			break;
		if (si.si_code == CLD_STOPPED) {
			race_assert(si.si_status == SIGSTOP,
				    "stopped by %d", si.si_status);
			stops++;
		} else {
			race_assert(si.si_code == CLD_CONTINUED,
				    "si_code %d", si.si_code);
			conts++;
		}
	}
	race_assert(si.si_status == 0, "exit status %d", si.si_status);
	race_assert(stops + conts > 0, "no stop or continue reported");
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
static void two_waiters(int n, bool sched)
{
	double t0 = now_s();

	for (int i = 0; i < n; i++) {
		struct waiter w[2] = { { 0 }, { 0 } };
		pthread_t th[2];
		pid_t pid;
		int got = 0;

		iteration(sched ? "two_waiters/delayed" : "two_waiters", i);
		if (sched)
			arm_schedule(child_node(i));
		pid = cpp_spawn(child_node(i), 0, ARGS("exit", "4"));
		cp_sleep_ms(rnd_ms(10));
		for (int k = 0; k < 2; k++) {
			w[k].pid = pid;
			race_assert(pthread_create(&th[k], NULL, waiter_main,
						   &w[k]) == 0, "pthread_create");
		}
		for (int k = 0; k < 2; k++) {
			race_assert(pthread_join(th[k], NULL) == 0,
				    "pthread_join");
			if (w[k].r == pid) {
				got++;
				race_assert(WIFEXITED(w[k].st) &&
					    WEXITSTATUS(w[k].st) == 4,
					    "waiter %d: status %#x", k, w[k].st);
			} else {
				race_assert(w[k].r == -1 && w[k].err == ECHILD,
					    "waiter %d: %d (%s)", k, w[k].r,
					    strerror(w[k].err));
			}
		}
		race_assert(got == 1, "%d waiters reaped %d", got, pid);
	}
	rate(sched ? "two_waiters/delayed" : "two_waiters", n, t0);
}

/*
 * The benchmark's floor: exit_vs_wait's work with the child on this node
 * (fork, exec, exit, wait; no move, no message). A UML exec costs a new
 * host address space, which bounds every family's rate.
 */
static void local_baseline(int n)
{
	double t0 = now_s();

	for (int i = 0; i < n; i++) {
		iteration("local_baseline", i);
		reap_once(cpp_spawn(1, 0, ARGS("sleep", "0")), 0, 0);
	}
	rate("local_baseline", n, t0);
}

START_TEST(test_races_plain)
{
	if (bench)
		local_baseline(iters);
	exit_vs_wait(iters, false);
	parent_exit_vs_child_exit(iters / 2, false);
	two_waiters(iters / 3, false);
}
END_TEST

START_TEST(test_races_delayed)
{
	exit_vs_wait(iters / 2, true);
	parent_exit_vs_child_exit(iters / 3, true);
	two_waiters(iters / 3, true);
	/* stop/continue against a dropped lock: the wait's release point */
	set_delays(0);
	arm(1, here_points[0], &armed_here[0], 3000);
	stop_vs_wait();
	set_delays(0);
}
END_TEST

/*
 * The release points and the rescan really ran, during this program: the
 * marks are taken before the first test (an unchecked fixture runs in the
 * runner, whose forks the tests are).
 */
static struct cpp_mark marks[] = {
	CPP_MARK(1, "wait_released"), CPP_MARK(1, "wait_rescan"),
	CPP_MARK(1, "wait_reaped"), CPP_MARK(1, "event_rx"),
	CPP_MARK(1, "event_sigchld"), CPP_MARK(1, "hook_notify_standin"),
	CPP_MARK(1, "hook_reparent_remote"),
	CPP_MARK(1, "point.wait_task_released.hits"),
	CPP_MARK(1, "point.event_deliver.hits"),
	CPP_MARK(1, "point.reparent_flush.hits"),
	CPP_MARK(2, "hook_notify_parent"), CPP_MARK(2, "hook_notify_cldstop"),
	CPP_MARK(2, "notify_sent"), CPP_MARK(2, "svr_reap"),
	CPP_MARK(2, "hook_exit_flush"),
};

static void marks_setup(void)
{
	cpp_marks_take(marks, sizeof(marks) / sizeof(marks[0]));
}

START_TEST(test_race_counters)
{
	cpp_marks_assert_rose(marks, sizeof(marks) / sizeof(marks[0]),
			      "races");
}
END_TEST

/*
 * The command that boots the same cluster with the same seed: the
 * scenario names itself (CP_RACE_SCN, default races); the backend and
 * the flavor are this node's (a debug kernel has /proc/lockdep).
 */
static void replay_command(int iters)
{
	const char *scn = getenv("CP_RACE_SCN");
	const char *be = getenv("CS_BACKEND");
	bool qemu = be && !strcmp(be, "qemu");
	bool debug = access("/proc/lockdep", F_OK) == 0;

	snprintf(replay, sizeof(replay), "make race SEED=%u ITERS=%d SCN=%s %s",
		 seed, iters, scn && *scn ? scn : "races",
		 qemu ? (debug ? "BACKEND=qemu QFLAVOR=qemu-debug" :
			 "BACKEND=qemu QFLAVOR=qemu") :
		 (debug ? "FLAVOR=debug" : "FLAVOR=default"));
}

int main(void)
{
	const char *s = getenv("CP_SEED"), *it = getenv("CP_RACE_ITERS");
	const char *b = getenv("CP_RACE_BENCH");
	Suite *su = suite_create("races");
	TCase *tc = tcase_create("races");

	seed = s ? (unsigned int)strtoul(s, NULL, 10) : (unsigned int)time(NULL);
	bench = b && !strcmp(b, "1");
	nodes = cp_expected_nodes();
	if (nodes < 3 || nodes > CP_MAX_NODES) {
		fprintf(stderr, "test_races: CP_NODES %d: want 3..%d\n", nodes,
			CP_MAX_NODES);
		return EXIT_FAILURE;
	}
	if (it)
		iters = atoi(it) > 0 ? atoi(it) : iters;
	printf("# test_races: seed %u, %d iterations, %d nodes\n", seed, iters,
	       nodes);
	replay_command(iters);
	printf("# replay: %s (on the host)\n", replay);
	fflush(stdout);
	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_races: not all nodes up\n");
	tcase_set_timeout(tc, 200);
	/* the benchmark: the plain pass without sleeps, for its rates */
	if (!bench)
		tcase_add_unchecked_fixture(tc, marks_setup, NULL);
	tcase_add_test(tc, test_races_plain);
	if (!bench) {
		tcase_add_test(tc, test_races_delayed);
		tcase_add_test(tc, test_race_counters);
	}
	suite_add_tcase(su, tc);
	return cp_run_suite(su, CK_NORMAL, CK_FORK_GETENV) ? EXIT_FAILURE :
							       EXIT_SUCCESS;
}
