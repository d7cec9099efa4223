/*
 * Node failure at each moment of a cross-node operation
 * (nodefail-moments.scn, nodes 1 and 2 of 3; node 3 runs nothing of its
 * own). Each test holds node 3 inside one operation of node 1's, at a
 * named release point on node 3 (debugfs delay_us/<point>, set for
 * DELAY_US by a process moved there), crashes node 3 (cs-fail 3 crash)
 * as soon as that point's hit counter on node 3 rises, checks what node 1
 * sees, and boots node 3 again:
 *  - REXEC: node 3 crashes while it starts a moved process (rexec_spawn):
 *    the execve() fails with EHOSTUNREACH and the process goes on here,
 *    as after any failed execve();
 *  - EVENT: node 3 crashes while a child's exit event waits to be sent
 *    (notify_parent_flush): the exit was never told, so the child was killed by
 *    SIGKILL for its parent (wait status and SIGCHLD's CLD_KILLED);
 *  - REAP: node 3 crashes after it reaped a child whose exit was told,
 *    before its reply (reap_done): the wait reports that exit (exited 0),
 *    once;
 *  - ptrace: node 3 crashes while it serves a tracer's PEEKDATA
 *    (ptrace_peek_serve): the request fails with ESRCH, the tracer's
 *    waitpid() reports the tracee killed by SIGKILL once;
 *  - kill(-pgrp): node 3 crashes before it signals its member of a group
 *    on three nodes (kill_pgrp_serve): kill() returns 0, the members on
 *    nodes 1 and 2 die of the signal;
 *  - ptrace, the other way: node 3 crashes while it traces a process of
 *    node 1's, held stopped: the tracee is detached and runs on
 *    (TracerPid 0, not stopped; SIGTERM then kills it);
 *  - a process group only a process on node 3 held to its session: its
 *    stopped member here gets SIGHUP then SIGCONT (orphaned by a crash).
 * The "before" and "after" of each (a move to a crashed node, a child on
 * a node that crashes) are test_crash's. CP_MOMENT_ROUNDS=N runs every
 * moment N times (make soak-nodefail: 20). Node 2 waits at a barrier of
 * nodes 1 and 2 until node 1 is done.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "libclusterproc.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define BAR_DONE	0x43500602u	/* node 1 has checked everything */
#define DELAY_US	"8000000"	/* a held point: the crash comes first */
#define HIT_MS		20000		/* the operation reaches the point */
#define LONG_MS		"60000"		/* outlives the test */
#define RESTART_MS	150000		/* a QEMU node's boot under TCG */
/*
 * Node 1's call timeout while the tests run: node 3's crash must be
 * seen (link tolerance, 1.5 s, and a slow node's reaction) before a
 * call held there times out: a timeout says "no answer", not "gone".
 */
#define CALL_TIMEOUT	"15000"
#define CALL_TIMEOUT_PARAM "/sys/module/clusterproc/parameters/call_timeout_ms"

/* node 3's hits of release point @point, -1 if it cannot be read */
static long long hits_3(const char *point)
{
	char name[64];
	long long v = -1;

	snprintf(name, sizeof(name), "point.%s.hits", point);
	return cp_peer_stat(3, name, &v) ? -1 : v;
}

/* Hold node 3 at @point from now on (for DELAY_US each pass). */
static void hold_3(const char *point)
{
	int st;
	pid_t p = cpp_spawn(3, 0, ARGS("delay", point, DELAY_US));

	ck_assert_int_eq(waitpid(p, &st, 0), p);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "setting delay_us/%s on node 3: status %#x", point, st);
}

/*
 * Crash node 3 once its hits of @point exceed @above: asked by a
 * process that is not our child (its go-between is reaped here, its
 * SIGCHLD taken if blocked), so that our waits see only the test's
 * children.
 */
static void crash_on_hit(const char *point, long long above)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;
	int st;
	pid_t p = fork();

	ck_assert_int_ge(p, 0);
	if (p == 0) {
		if (fork() != 0)
			_exit(0);
		for (int t = 0; t < HIT_MS; t += 20) {
			if (hits_3(point) > above) {
				execlp("cs-fail", "cs-fail", "3", "crash",
				       (char *)NULL);
				_exit(127);
			}
			cp_sleep_ms(20);
		}
		fprintf(stderr, "# node 3 never passed %s: not crashed\n",
			point);
		_exit(1);
	}
	ck_assert_int_eq(waitpid(p, &st, 0), p);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	while (sigtimedwait(&set, NULL, &zero) == SIGCHLD)
		;
}

START_TEST(test_rexec_target_dies_starting)
{
	struct cpp_mark m[] = { CPP_MARK(1, "rexec_fail"),
				CPP_MARK(1, "node_down_events") };
	long long at;
	pid_t p;

	hold_3("rexec_spawn");
	at = hits_3("rexec_spawn");
	cpp_marks_take(m, 2);
	crash_on_hit("rexec_spawn", at);
	p = cpp_spawn_try(3, ARGS("exit", "5"));
	ck_assert_msg(p < 0 && errno == EHOSTUNREACH,
		      "a move to node 3, which crashed while it started the process: %d (%s), want -1 EHOSTUNREACH",
		      p, p < 0 ? strerror(errno) : "it moved");
	cpp_marks_assert_rose(m, 2, "rexec, target crashed starting it");
	cpp_restart_node(3, RESTART_MS);
}
END_TEST

START_TEST(test_exit_event_unsent)
{
	struct cpp_mark m[] = { CPP_MARK(1, "wait_lost") };
	struct timespec ts = { 15, 0 };
	long long at = hits_3("notify_parent_flush");
	sigset_t set;
	siginfo_t si;
	pid_t p;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	cpp_marks_take(m, 1);
	/* its own exit event is the one held: it waits in node 3's queue */
	p = cpp_spawn(3, 0, ARGS("delay", "notify_parent_flush", DELAY_US));
	crash_on_hit("notify_parent_flush", at);
	do {
		memset(&si, 0, sizeof(si));
		r = sigtimedwait(&set, &si, &ts);
	} while (r == SIGCHLD && si.si_pid != p);
	ck_assert_msg(r == SIGCHLD && si.si_code == CLD_KILLED &&
		      si.si_status == SIGKILL,
		      "SIGCHLD of %d, whose exit event node 3 held when it crashed: %d, code %d status %d, want CLD_KILLED SIGKILL",
		      p, r, si.si_code, si.si_status);
	cpp_assert_killed(p, SIGKILL, "child whose exit node 3 never told");
	errno = 0;
	ck_assert_int_eq(waitpid(p, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	cpp_marks_assert_rose(m, 1, "exit event unsent");
	cpp_restart_node(3, RESTART_MS);
}
END_TEST

START_TEST(test_reap_reply_lost)
{
	long long at;
	siginfo_t si;
	pid_t p;
	int st = 0;

	p = cpp_spawn(3, 0, ARGS("delay", "reap_done", DELAY_US));
	/* its exit is told (WNOWAIT reaps nothing there) */
	memset(&si, 0, sizeof(si));
	ck_assert_int_eq(waitid(P_PID, p, &si, WEXITED | WNOWAIT), 0);
	ck_assert_msg(si.si_code == CLD_EXITED && si.si_status == 0,
		      "child %d on node 3: code %d status %d, want exited 0",
		      p, si.si_code, si.si_status);
	at = hits_3("reap_done");
	crash_on_hit("reap_done", at);
	ck_assert_int_eq(waitpid(p, &st, 0), p);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "child %d reaped on node 3 as it crashed: status %#x, want its told exit (exited 0)",
		      p, st);
	errno = 0;
	ck_assert_int_eq(waitpid(p, &st, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	cpp_restart_node(3, RESTART_MS);
}
END_TEST

START_TEST(test_ptrace_peek_lost)
{
	pid_t owner, tracee, r;
	long long at;
	long w;
	int st = 0;

	tracee = cpp_trace_grandchild(3, &owner);
	hold_3("ptrace_peek_serve");
	at = hits_3("ptrace_peek_serve");
	crash_on_hit("ptrace_peek_serve", at);
	errno = 0;
	w = ptrace(PTRACE_PEEKDATA, tracee, CP_WORD_ADDR, 0);
	ck_assert_msg(w == -1 && errno == ESRCH,
		      "PEEKDATA of tracee %d, node 3 crashing while it serves it: %#lx (%s), want -1 ESRCH",
		      tracee, w, strerror(errno));
	r = waitpid(tracee, &st, __WALL);
	ck_assert_msg(r == tracee && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		      "tracer's waitpid(%d) after node 3's crash: %d (%s), status %#x, want killed by SIGKILL",
		      tracee, r, r < 0 ? strerror(errno) : "", st);
	errno = 0;
	ck_assert_int_eq(waitpid(tracee, &st, __WALL | WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	cpp_assert_killed(owner, SIGKILL, "tracee's parent on crashed node 3");
	cpp_restart_node(3, RESTART_MS);
}
END_TEST

START_TEST(test_kill_pgrp_half_sent)
{
	pid_t m1, m2, m3;
	int pids[4], n = 0, st;
	long long at;

	/*
	 * One group on three nodes, led here: m2 moved to node 2 (its
	 * stand-in here is in the group: kill(-pgrp) reaches it by pid
	 * first), and a process native to node 3, forked there by m3,
	 * which exits: only node 3's own part of kill(-pgrp) reaches it.
	 */
	m1 = cpp_spawn(1, 1, ARGS("sleep", LONG_MS));
	m2 = cpp_spawn_in(2, m1, ARGS("sleep", LONG_MS));
	m3 = cpp_spawn_in(3, m1, ARGS("fork", "3", LONG_MS));
	ck_assert_int_eq(waitpid(m3, &st, 0), m3);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "m3 on node 3 (forks, exits): status %#x", st);
	for (int t = 0; t < 100 && n != 1; t++) {
		n = cp_ps_pgrp_members(3, m1, pids, 4);
		if (n != 1)
			cp_sleep_ms(100);
	}
	ck_assert_msg(n == 1, "group %d on node 3: %d members, want 1", m1,
		      n);
	hold_3("kill_pgrp_serve");
	at = hits_3("kill_pgrp_serve");
	crash_on_hit("kill_pgrp_serve", at);
	ck_assert_msg(kill(-m1, SIGTERM) == 0,
		      "kill(-%d, SIGTERM), node 3 crashing while it serves it: %s",
		      m1, strerror(errno));
	cpp_assert_killed(m1, SIGTERM, "group member on node 1");
	cpp_assert_killed(m2, SIGTERM, "group member on node 2");
	cpp_restart_node(3, RESTART_MS);
}
END_TEST

/* /proc/@pid/status's TracerPid, -1 if unreadable; *@stopped: State t */
static int tracer_of(pid_t pid, bool *stopped)
{
	char path[64], line[256];
	int tracer = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	*stopped = false;
	while (fgets(line, sizeof(line), f)) {
		char state;

		if (sscanf(line, "State: %c", &state) == 1)
			*stopped = state == 't';
		sscanf(line, "TracerPid: %d", &tracer);
	}
	fclose(f);
	return tracer;
}

START_TEST(test_tracer_node_dies)
{
	struct cpp_mark m[] = { CPP_MARK(1, "ptrace_detach_node_down") };
	char spid[16];
	pid_t tracee, tracer;
	bool stopped = false;
	int t, by = 0;

	/* our child here, traced from node 3 and held stopped there */
	tracee = cpp_spawn(1, 0, ARGS("sleep", LONG_MS));
	snprintf(spid, sizeof(spid), "%d", tracee);
	tracer = cpp_spawn(3, 0, ARGS("attach", spid, LONG_MS));
	for (t = 0; t < 100; t++) {
		by = tracer_of(tracee, &stopped);
		if (by > 0 && stopped)
			break;
		cp_sleep_ms(100);
	}
	ck_assert_msg(by > 0 && stopped,
		      "tracee %d: TracerPid %d, %s, want traced from node 3 and stopped",
		      tracee, by, stopped ? "stopped" : "not stopped");
	cpp_marks_take(m, 1);
	ck_assert_int_eq(cpp_cs_fail("3", "crash", NULL), 0);
	/* detached: it runs on, nobody traces it */
	for (t = 0; t < 150; t++) {
		by = tracer_of(tracee, &stopped);
		if (by == 0 && !stopped)
			break;
		cp_sleep_ms(100);
	}
	ck_assert_msg(by == 0 && !stopped,
		      "tracee %d 15 s after its tracer's node crashed: TracerPid %d, %s, want detached and running",
		      tracee, by, stopped ? "stopped" : "running");
	ck_assert_int_eq(kill(tracee, SIGTERM), 0);
	cpp_assert_killed(tracee, SIGTERM, "tracee whose tracer's node crashed");
	cpp_assert_killed(tracer, SIGKILL, "tracer on crashed node 3");
	cpp_marks_assert_rose(m, 1, "tracer's node crashed");
	cpp_restart_node(3, RESTART_MS);
}
END_TEST

/*
 * A crash orphans a process group (E3 at a node failure): node 3 dies
 * with the only member that held the group to its session, and the
 * group's stopped member here gets SIGHUP then SIGCONT, as after that
 * member's exit. We are a subreaper in another session; M (setsid)
 * forks P (group P, held by M, its parent in group M); P forks Q into
 * group P, which stops; P moves to node 3 (its stand-in here still holds
 * the group: test_edges:test_move_keeps_pgrp_attached); Q becomes our
 * child. Node 3 crashes: P is killed by SIGKILL for M, and Q must die of
 * SIGHUP (before: the node-down sweep judged no group, Q stayed
 * stopped).
 */
START_TEST(test_crash_orphans_group)
{
	struct cpp_mark m[] = { CPP_MARK(1, "pgrp_orphaned") };
	pid_t mid, pq[2] = { 0, 0 }, r;
	char path[256];
	int pp[2], st = 0;

	cpp_prog_path("cp_rchild", path, sizeof(path));
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	ck_assert_int_eq(pipe(pp), 0);
	mid = fork();
	ck_assert_int_ge(mid, 0);
	if (mid == 0) {
		pid_t p;

		close(pp[0]);
		if (setsid() < 0)
			_exit(10);
		p = fork();
		if (p < 0)
			_exit(11);
		if (p == 0) {
			char *av[] = { path, "sleep", LONG_MS, NULL };
			pid_t ids[2] = { getpid(), 0 };

			if (setpgid(0, 0))
				_exit(12);
			ids[1] = fork();
			if (ids[1] < 0)
				_exit(13);
			if (ids[1] == 0) {
				signal(SIGHUP, SIG_DFL);
				raise(SIGSTOP);
				_exit(14);	/* continued, no SIGHUP */
			}
			if (waitpid(ids[1], &st, WUNTRACED) != ids[1] ||
			    !WIFSTOPPED(st))
				_exit(15);
			if (write(pp[1], ids, sizeof(ids)) != sizeof(ids))
				_exit(16);
			cp_rexecvp(3, av[0], av);
			_exit(127);
		}
		/* P dies with node 3: killed by SIGKILL */
		if (waitpid(p, &st, 0) != p)
			_exit(17);
		_exit(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL ? 0 : 18);
	}
	close(pp[1]);
	ck_assert_int_eq(read(pp[0], pq, sizeof(pq)), sizeof(pq));
	close(pp[0]);
	ck_assert_msg(cpp_wait_where(pq[0], 3, 10000) == 0,
		      "P %d did not move to node 3", pq[0]);
	/* Q becomes our child once P's stand-in has exited here */
	for (int t = 0; t < 100; t++) {
		r = waitpid(pq[1], &st, WNOHANG);
		if (r >= 0 || errno != ECHILD)
			break;
		cp_sleep_ms(100);
	}
	/* held by P's stand-in: Q stays stopped, nothing to report */
	ck_assert_msg(r == 0, "Q %d, our child after P's move: waitpid %d (%s), want 0 (still stopped)",
		      pq[1], r, r < 0 ? strerror(errno) : "a status");
	cpp_marks_take(m, 1);
	ck_assert_int_eq(cpp_cs_fail("3", "crash", NULL), 0);
	cpp_assert_dies_within(pq[1], SIGHUP, 15000,
			       "Q, the stopped member of a group only P held (P died with node 3)");
	ck_assert_int_eq(waitpid(mid, &st, 0), mid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "M: status %#x, want 0 (P killed by SIGKILL)", st);
	cpp_marks_assert_rose(m, 1, "group orphaned by a crash");
	cpp_restart_node(3, RESTART_MS);
}
END_TEST

/* node 2: stay until node 1 is done (node 3 comes and goes) */
START_TEST(test_moments_peer)
{
	ck_assert_int_eq(cp_barrier_ms(BAR_DONE, cp_env_node(), 2, NULL,
				       3500000), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("clusterproc_moments");
	TCase *tc = tcase_create("moments");
	const char *env = getenv("CP_MOMENT_ROUNDS");
	int self = cp_env_node(), failed, rounds = env ? atoi(env) : 1;

	if (rounds < 1 || rounds > 100) {
		fprintf(stderr, "test_moments: CP_MOMENT_ROUNDS=%s: not 1..100\n",
			env);
		return 2;
	}
	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_moments: not all nodes up\n");
	if (self == 1 && cp_write_file(CALL_TIMEOUT_PARAM, CALL_TIMEOUT))
		fprintf(stderr, "test_moments: cannot set %s\n",
			CALL_TIMEOUT_PARAM);
	if (self == 1) {
		tcase_set_timeout(tc, 240);
		tcase_add_loop_test(tc, test_rexec_target_dies_starting, 0,
				    rounds);
		tcase_add_loop_test(tc, test_exit_event_unsent, 0, rounds);
		tcase_add_loop_test(tc, test_reap_reply_lost, 0, rounds);
		tcase_add_loop_test(tc, test_ptrace_peek_lost, 0, rounds);
		tcase_add_loop_test(tc, test_kill_pgrp_half_sent, 0, rounds);
		tcase_add_loop_test(tc, test_tracer_node_dies, 0, rounds);
		tcase_add_loop_test(tc, test_crash_orphans_group, 0, rounds);
	} else {
		tcase_set_timeout(tc, 3600);
		tcase_add_test(tc, test_moments_peer);
	}
	suite_add_tcase(s, tc);
	failed = cp_run_suite(s, CK_NORMAL, CK_FORK_GETENV);
	/* pass or fail, let node 2 go */
	if (self == 1 && cp_barrier(BAR_DONE, self, 2, NULL))
		fprintf(stderr, "test_moments: end barrier failed\n");
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
