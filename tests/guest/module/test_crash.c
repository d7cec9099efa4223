/*
 * Node failure, crash (nodefail-crash.scn, nodes 1 and 2 of 3; node 3 runs
 * nothing of its own): node 1 has children on node 3 and one on node 2,
 * and a process of node 3 has a child on node 2. Node 1 blocks in
 * waitpid() for one of its node 3 children while a helper asks the
 * launcher (cs-fail 3 crash) to kill node 3's kernel: a pulled plug, no
 * module unload, no goodbye. The survivors' view, as the module README's
 * node-failure rules say:
 *  - the wait in progress returns: the child is reaped as killed by
 *    SIGKILL; the other node 3 children likewise (waitid: CLD_KILLED,
 *    SIGKILL), with a SIGCHLD saying so, none reaped twice;
 *  - node 2's children of node 3 parents are adopted there, as by init:
 *    getppid() says 1, and one that set PR_SET_PDEATHSIG (SIGTERM) dies
 *    of it; once node 3 is back, it holds the adopted one's pid (one of
 *    its range): kill(pid, 0) from node 1, routed through node 3, and
 *    from node 3 itself reach it on node 2; killed, its pid is free
 *    (ESRCH) everywhere;
 *  - node 2's own work goes on: node 1's child there exits 0, a new one
 *    exits with the status it chose; a move to node 3 is refused;
 *  - node 3 booted again (cs-fail 3 restart) joins, and a child moved
 *    there exits with the status it chose;
 *  - a process of node 3's traced from here when node 3 crashes again:
 *    the tracer's waitpid() reports it once, killed by SIGKILL, and
 *    ptrace then says ESRCH; node 3 is booted again (the scenario then
 *    runs test_rexec on the same cluster).
 * Kernel-observable facts only: wait(2) statuses, SIGCHLD's siginfo,
 * errno, node 2's process list and counters that rose during this test.
 * Node 2 waits at a barrier of nodes 1 and 2 until node 1 is done.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define BAR_DONE	0x43500601u	/* node 1 has checked everything */
#define CRASH_AFTER_MS	300		/* the crash, once the wait blocks */
#define LONG_MS		"60000"		/* outlives the test */
#define ADOPT_MS	15000		/* link tolerance (1.5 s) and margin */
#define RESTART_MS	150000		/* a QEMU node's boot under TCG */

/*
 * Node 3's crash, asked for CRASH_AFTER_MS from now, when our wait
 * blocks, by a process that is not our child: SIGCHLD does not queue,
 * and the asker's exit would make the signal of node 3's children, if it
 * came later, one that is dropped. The go-between exits at once; it is
 * reaped, and its SIGCHLD taken, here.
 */
static void crash_later(void)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;
	int st;
	pid_t p = fork();

	ck_assert_int_ge(p, 0);
	if (p == 0) {
		if (fork() == 0) {
			cp_sleep_ms(CRASH_AFTER_MS);
			execlp("cs-fail", "cs-fail", "3", "crash",
			       (char *)NULL);
			_exit(127);
		}
		_exit(0);
	}
	ck_assert_int_eq(waitpid(p, &st, 0), p);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	while (sigtimedwait(&set, NULL, &zero) == SIGCHLD)
		;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CS_TIPC_TOLERANCE=MS on the kernel command line (init sets it): ms */
static long link_tolerance_ms(void)
{
	char line[4096], *p;
	FILE *f = fopen("/proc/cmdline", "r");
	long v = -1;

	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f) &&
	    (p = strstr(line, "CS_TIPC_TOLERANCE=")))
		v = strtol(p + strlen("CS_TIPC_TOLERANCE="), NULL, 10);
	fclose(f);
	return v;
}

/*
 * A SIGCHLD (blocked) of one of @pids within 15 s: its siginfo. SIGCHLD
 * does not queue: of three children killed at once, one signal may be
 * all that comes, as on one machine.
 */
static siginfo_t sigchld_of_any(const pid_t *pids, int n)
{
	struct timespec ts = { 15, 0 };
	siginfo_t si;
	sigset_t set;
	bool ours = false;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	do {
		memset(&si, 0, sizeof(si));
		r = sigtimedwait(&set, &si, &ts);
		for (int i = 0; r == SIGCHLD && i < n; i++)
			ours |= si.si_pid == pids[i];
	} while (r == SIGCHLD && !ours);
	ck_assert_msg(r == SIGCHLD, "no SIGCHLD of a node 3 child in 15 s: %s",
		      strerror(errno));
	return si;
}

/* node 2's members of process group @pgrp, waiting up to @ms for @want */
static int members_on_2(pid_t pgrp, int want, int ms)
{
	int pids[8], n = -1;

	for (int t = 0; t <= ms; t += 100) {
		n = cp_ps_pgrp_members(2, pgrp, pids, 8);
		if (n == want)
			break;
		cp_sleep_ms(100);
	}
	return n;
}

/* kill(@pid, 0) on @node (0: here) within @ms: 0 or the last errno */
static int kill0_within(int node, pid_t pid, int want, int ms)
{
	char v[16];
	int err = -1;

	snprintf(v, sizeof(v), "%d", pid);
	for (int t = 0; t <= ms; t += 100) {
		if (node) {
			pid_t p = cpp_spawn(node, 0, ARGS("kill", v, "0"));
			int st;

			ck_assert_int_eq(waitpid(p, &st, 0), p);
			ck_assert(WIFEXITED(st));
			err = WEXITSTATUS(st);
		} else {
			err = kill(pid, 0) ? errno : 0;
		}
		if (err == want)
			break;
		cp_sleep_ms(100);
	}
	return err;
}

/*
 * The orphan of node 3's on node 2, adopted there, after node 3 is back:
 * its pid is held on node 3, so kill() reaches it from node 1 (asking
 * node 3 where it is) and from node 3; once it is killed, the pid names
 * nothing (node 3 released it).
 */
static void adopted_pid_held(pid_t orphan)
{
	int err;

	err = kill0_within(0, orphan, 0, 10000);
	ck_assert_msg(err == 0,
		      "kill(%d, 0) from node 1 of node 3's orphan adopted on node 2, node 3 back: %s, want 0 (held on node 3)",
		      orphan, strerror(err));
	err = kill0_within(3, orphan, 0, 0);
	ck_assert_msg(err == 0,
		      "kill(%d, 0) on node 3 of its pid held for node 2: %s, want 0",
		      orphan, strerror(err));
	/* node 3 booted during this test: its counters are this test's */
	ck_assert_msg(cpp_stat(3, "live_holds") == 1 &&
		      cpp_stat(3, "hold_taken") == 1,
		      "node 3 back: live_holds %lld hold_taken %lld, want 1 and 1",
		      cpp_stat(3, "live_holds"), cpp_stat(3, "hold_taken"));
	ck_assert_int_eq(kill(orphan, SIGKILL), 0);
	err = kill0_within(0, orphan, ESRCH, 10000);
	ck_assert_msg(err == ESRCH,
		      "kill(%d, 0) after it was killed: %s, want ESRCH",
		      orphan, strerror(err));
	err = kill0_within(3, orphan, ESRCH, 5000);
	ck_assert_msg(err == ESRCH,
		      "kill(%d, 0) on node 3 after it was killed: %s, want ESRCH (hold released)",
		      orphan, strerror(err));
	ck_assert_int_eq(cpp_stat_within(3, "live_holds", 0, 5000), 0);
	ck_assert_int_eq(cpp_stat(3, "hold_released"), 1);
}

/* Boot node 3 again; it joins and works: a fresh pid space there. */
static void restart_3(void)
{
	cpp_restart_node(3, RESTART_MS);
}

/*
 * A process of node 3's (not our child) traced from here when node 3
 * crashes: as when a tracee dies, the tracer's waitpid() reports it once,
 * killed by SIGKILL, and the tracee is gone for ptrace (ESRCH).
 */
static void crash_under_tracer(void)
{
	pid_t owner, tracee, r;
	int st = 0;

	tracee = cpp_trace_grandchild(3, &owner);
	ck_assert_int_eq(CP_PID_NODE(tracee), 3);
	crash_later();
	/* in progress when node 3 dies: returns once, never hangs */
	r = waitpid(tracee, &st, __WALL);
	ck_assert_msg(r == tracee && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		      "tracer's waitpid(%d) across node 3's crash: %d (%s), status %#x, want %d killed by SIGKILL",
		      tracee, r, r < 0 ? strerror(errno) : "", st, tracee);
	errno = 0;
	ck_assert_int_eq(waitpid(tracee, &st, __WALL | WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	errno = 0;
	ck_assert_int_eq(ptrace(PTRACE_PEEKDATA, tracee, CP_WORD_ADDR, 0), -1);
	ck_assert_msg(errno == ESRCH, "PEEKDATA of tracee %d on crashed node 3: %s, want ESRCH",
		      tracee, strerror(errno));
	cpp_assert_killed(owner, SIGKILL,
			  "child on crashed node 3 (a tracee's parent)");
}

START_TEST(test_crash_mid_wait)
{
	struct cpp_mark m[] = { CPP_MARK(1, "node_down_events"),
				CPP_MARK(2, "node_down_events"),
				CPP_MARK(2, "adopted"),
				CPP_MARK(2, "adopt_pdeath") };
	pid_t waited, signalled, parent3, pdeath3, on2, orphan = 0, p;
	struct cp_ps_proc e = { 0 };
	double t_crash;
	siginfo_t si;
	sigset_t set;
	int st = 0, n;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	cpp_marks_take(m, 4);
	waited = cpp_spawn(3, 0, ARGS("sleep", LONG_MS));
	signalled = cpp_spawn(3, 0, ARGS("sleep", LONG_MS));
	/* its own group: its child on node 2 is found by the group */
	parent3 = cpp_spawn(3, 1, ARGS("parent", "2", LONG_MS));
	n = members_on_2(parent3, 1, 10000);
	ck_assert_msg(n == 1,
		      "node 3's child %d: %d members of its group on node 2, want 1 (its child)",
		      parent3, n);
	/* the same, whose child on node 2 has PR_SET_PDEATHSIG SIGTERM */
	pdeath3 = cpp_spawn(3, 1, ARGS("parent", "2", LONG_MS, "pdeath", "15",
				       LONG_MS));
	n = members_on_2(pdeath3, 1, 10000);
	ck_assert_msg(n == 1,
		      "node 3's child %d: %d members of its group on node 2, want 1 (its child)",
		      pdeath3, n);
	/* ends after node 3's SIGCHLD is taken (see crash_later()) */
	on2 = cpp_spawn(2, 0, ARGS("sleep", "20000"));
	crash_later();
	t_crash = now_ms() + CRASH_AFTER_MS;
	/* in progress when node 3 dies: returns, never hangs */
	cpp_assert_killed(waited, SIGKILL,
			  "child on crashed node 3, waited for during the crash");
	/* make bench-nodefail: failure detection against the tolerance */
	printf("# detect crash to wait return %.0f ms, TIPC link tolerance %ld ms\n",
	       now_ms() - t_crash, link_tolerance_ms());
	si = sigchld_of_any((const pid_t[]){ waited, signalled, parent3,
					     pdeath3 }, 4);
	ck_assert_msg(si.si_code == CLD_KILLED && si.si_status == SIGKILL,
		      "SIGCHLD of %d on crashed node 3: code %d status %d, want CLD_KILLED SIGKILL",
		      si.si_pid, si.si_code, si.si_status);
	cpp_assert_killed(signalled, SIGKILL, "child on crashed node 3");
	cpp_assert_killed(parent3, SIGKILL,
			  "child on crashed node 3 (a parent)");
	cpp_assert_killed(pdeath3, SIGKILL,
			  "child on crashed node 3 (a parent)");
	/* once each: nothing more to reap of node 3 */
	ck_assert_int_eq(waitpid(waited, &st, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	/*
	 * Adopted on node 2, as init adopts an orphan: getppid() 1 (before:
	 * killed, "fenced"); the one with a pdeath signal got it and died.
	 */
	for (int t = 0; t <= ADOPT_MS && e.ppid != 1; t += 100) {
		int pids[8];

		n = cp_ps_pgrp_members(2, parent3, pids, 8);
		ck_assert_msg(n == 1,
			      "node 3's child on node 2 (group %d): %d members, want 1 (adopted, alive)",
			      parent3, n);
		orphan = pids[0];
		ck_assert_int_eq(cp_ps_scan_pid(2, orphan, &e), 1);
		if (e.ppid != 1)
			cp_sleep_ms(100);
	}
	ck_assert_msg(e.ppid == 1,
		      "node 3's child %d on node 2: parent %d %d ms after the crash, want 1 (adopted)",
		      orphan, e.ppid, ADOPT_MS);
	n = members_on_2(pdeath3, 0, ADOPT_MS);
	ck_assert_msg(n == 0,
		      "node 3's child on node 2 with PR_SET_PDEATHSIG SIGTERM (group %d): %d left %d ms after the crash, want 0",
		      pdeath3, n, ADOPT_MS);
	ck_assert_int_eq(waitpid(on2, &st, 0), on2);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "child on node 2 across node 3's crash: status %#x, want exited 0",
		      st);
	p = cpp_spawn(2, 0, ARGS("exit", "7"));
	ck_assert_int_eq(waitpid(p, &st, 0), p);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 7,
		      "child on node 2 after the crash: status %#x, want exited 7",
		      st);
	p = cpp_spawn_try(3, ARGS("exit", "0"));
	ck_assert_msg(p < 0, "a move to crashed node 3 worked (child %d)", p);
	printf("# move to crashed node 3: %s\n", strerror(errno));
	p = cpp_spawn(2, 0, ARGS("zombies"));
	ck_assert_int_eq(waitpid(p, &st, 0), p);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "zombies on node 2 after the crash: %d, want 0",
		      WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	cpp_marks_assert_rose(m, 4, "crash");
	restart_3();
	adopted_pid_held(orphan);
	crash_under_tracer();
	restart_3();
}
END_TEST

/* node 2: stay until node 1 is done (node 3 is gone by then) */
START_TEST(test_crash_peer)
{
	ck_assert_int_eq(cp_barrier_ms(BAR_DONE, cp_env_node(), 2, NULL,
				       280000), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("clusterproc_crash");
	TCase *tc = tcase_create("crash");
	int self = cp_env_node(), failed;

	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_crash: not all nodes up\n");
	tcase_set_timeout(tc, self == 1 ? 240 : 290);
	tcase_add_test(tc, self == 1 ? test_crash_mid_wait : test_crash_peer);
	suite_add_tcase(s, tc);
	failed = cp_run_suite(s, CK_NORMAL, CK_FORK_GETENV);
	/* pass or fail, let node 2 go */
	if (self == 1 && cp_barrier(BAR_DONE, self, 2, NULL))
		fprintf(stderr, "test_crash: end barrier failed\n");
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
