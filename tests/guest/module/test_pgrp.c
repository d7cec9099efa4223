/*
 * Process groups and sessions across nodes (module-proc.scn, node 1):
 * what getpgid(2), getsid(2) and setpgid(2) on node 1 say of processes
 * that run on node 2, as one machine would say it.
 *  - our child moved to node 2 (its own group): getpgid() is its pid,
 *    getsid() our session (its stand-in here answers);
 *  - a process born on node 2, forked there by that child: its group
 *    and session (before: "getpgid(65536), born on node 2: -1 (No such
 *    process)", the pid_attr op was not installed);
 *  - a pid no node has, a process reaped: ESRCH;
 *  - setpgid() of our child that moved (the move was an exec): EACCES,
 *    as after any exec (before: 0, "Success": the base found the
 *    stand-in, which never exec'd here, and moved it to another group
 *    here while its process on node 2 stayed in its own); of a process
 *    of node 2's that is not our child: ESRCH.
 * Kernel-observable facts only: the system calls' results and errno;
 * hook_pid_attr and hook_setpgid rose on node 1 during the test.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "cp_wire.h"
#include "libclusterproc.h"

#include <arpa/inet.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define LONG_MS "20000"	/* outlives the test */

/* The member of group @pgrp on @node that is not @not: its pid, or -1. */
static pid_t other_member(int node, pid_t pgrp, pid_t not)
{
	int pids[4], n = 0;

	for (int t = 0; t < 100; t++) {
		n = cp_ps_pgrp_members(node, pgrp, pids, 4);
		if (n == 2)
			return pids[0] == not ? pids[1] : pids[0];
		cp_sleep_ms(100);
	}
	return -1;
}

static void reap_killed(pid_t p)
{
	ck_assert_int_eq(kill(p, SIGKILL), 0);
	cpp_assert_killed(p, SIGKILL, "child on node 2");
}

START_TEST(test_getpgid_getsid_remote)
{
	struct cpp_mark m[] = { CPP_MARK(1, "hook_pid_attr") };
	pid_t sid = getsid(0), c, g, r;

	cpp_marks_take(m, 1);
	/* its own group, a child of its own born on node 2 in it */
	c = cpp_spawn(2, 1, ARGS("parent", "2", LONG_MS));
	ck_assert_int_eq(CP_PID_NODE(c), 1);
	errno = 0;
	r = getpgid(c);
	ck_assert_msg(r == c, "getpgid(%d), our child on node 2: %d (%s), want %d",
		      c, r, strerror(errno), c);
	r = getsid(c);
	ck_assert_msg(r == sid, "getsid(%d), our child on node 2: %d (%s), want %d",
		      c, r, strerror(errno), sid);
	g = other_member(2, c, c);
	ck_assert_msg(g > 0, "no process of group %d born on node 2", c);
	ck_assert_int_eq(CP_PID_NODE(g), 2);
	r = getpgid(g);
	ck_assert_msg(r == c, "getpgid(%d), born on node 2: %d (%s), want %d",
		      g, r, strerror(errno), c);
	r = getsid(g);
	ck_assert_msg(r == sid, "getsid(%d), born on node 2: %d (%s), want %d",
		      g, r, strerror(errno), sid);
	reap_killed(c);
	/* g lives on (reparented on node 2) until its word's time is up */
	ck_assert_int_eq(kill(g, SIGKILL), 0);
	for (int t = 0; t < 100 && getpgid(g) >= 0; t++)
		cp_sleep_ms(100);
	errno = 0;
	ck_assert_int_eq(getpgid(g), -1);
	ck_assert_int_eq(errno, ESRCH);
	errno = 0;
	ck_assert_int_eq(getsid(c), -1);
	ck_assert_int_eq(errno, ESRCH);
	/* in node 2's range, used by nobody */
	errno = 0;
	ck_assert_int_eq(getpgid((2 << CP_PID_SHIFT) + 32000), -1);
	ck_assert_int_eq(errno, ESRCH);
	cpp_marks_assert_rose(m, 1, "getpgid/getsid of node 2's processes");
}
END_TEST

START_TEST(test_setpgid_remote)
{
	struct cpp_mark m[] = { CPP_MARK(1, "hook_setpgid") };
	pid_t c, g;
	int r;

	cpp_marks_take(m, 1);
	c = cpp_spawn(2, 1, ARGS("parent", "2", LONG_MS));
	errno = 0;
	r = setpgid(c, c);
	ck_assert_msg(r == -1 && errno == EACCES,
		      "setpgid(%d, %d), our child after its move (an exec) to node 2: %d (%s), want EACCES",
		      c, c, r, strerror(errno));
	g = other_member(2, c, c);
	ck_assert_msg(g > 0, "no process of group %d born on node 2", c);
	errno = 0;
	r = setpgid(g, c);
	ck_assert_msg(r == -1 && errno == ESRCH,
		      "setpgid(%d, %d), not our child, on node 2: %d (%s), want ESRCH",
		      g, c, r, strerror(errno));
	/* the failed calls changed nothing */
	ck_assert_int_eq(getpgid(c), c);
	ck_assert_int_eq(kill(g, SIGKILL), 0);
	reap_killed(c);
	cpp_marks_assert_rose(m, 1, "setpgid of node 2's processes");
}
END_TEST

/*
 * The group (or session, @mode "ownsession") that our child c's child
 * made on node 2: c runs there, forks g there, g calls setpgid(0, 0) (or
 * setsid()). Returns g, a node 2 pid whose group has no member here.
 */
static pid_t group_made_on_2(const char *mode, pid_t *c)
{
	struct cp_ps_proc e = { 0 };

	*c = cpp_spawn(2, 1, ARGS("parent", "2", LONG_MS, mode, LONG_MS));
	for (int t = 0; t < 100; t++) {
		if (cp_ps_child_of(2, *c, &e) == 1 && e.pgrp == e.pid)
			return e.pid;
		cp_sleep_ms(100);
	}
	ck_abort_msg("no child of %d on node 2 leading its group (%s)", *c,
		     mode);
	return -1;
}

/* A child of ours here runs setpgid(0, @pgid): 0 if it then is in it, or errno */
static int child_setpgid(pid_t pgid)
{
	pid_t f = fork();
	int st;

	ck_assert_int_ge(f, 0);
	if (f == 0) {
		if (setpgid(0, pgid))
			_exit(errno);
		_exit(getpgrp() == pgid && getpgid(0) == pgid ? 0 : 100);
	}
	ck_assert_int_eq(waitpid(f, &st, 0), f);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/*
 * H1: setpgid(0, g) into a group of our session whose members all run
 * on node 2 (born there: no stand-in of theirs here) joins it, as on one
 * machine; into a group of another session it fails EPERM, as there.
 * Before: EPERM for both (node 1 saw no member of the group).
 */
START_TEST(test_setpgid_joins_remote_group)
{
	struct cpp_mark m[] = { CPP_MARK(1, "setpgid_remote_join") };
	pid_t c, g;
	int r;

	cpp_marks_take(m, 1);
	g = group_made_on_2("ownpgrp", &c);
	ck_assert_int_eq(CP_PID_NODE(g), 2);
	ck_assert_int_eq(getsid(g), getsid(0));
	r = child_setpgid(g);
	ck_assert_msg(r == 0,
		      "setpgid(0, %d), a group of our session whose only member runs on node 2: %s, want 0",
		      g, r == 100 ? "not in it after" : strerror(r));
	cpp_marks_assert_rose(m, 1, "setpgid into a group on node 2");
	ck_assert_int_eq(kill(g, SIGKILL), 0);
	reap_killed(c);
	g = group_made_on_2("ownsession", &c);
	ck_assert_int_ne(getsid(g), getsid(0));
	r = child_setpgid(g);
	ck_assert_msg(r == EPERM,
		      "setpgid(0, %d), a group of another session, on node 2: %s, want EPERM",
		      g, r == 100 ? "joined" : strerror(r));
	ck_assert_int_eq(kill(g, SIGKILL), 0);
	reap_killed(c);
}
END_TEST

/*
 * H1: a parent's setpgid(child, g) into a group of our session whose
 * members all run on node 2 moves the child, as on one machine; then
 * kill(-g) from here reaches it, and getpgid() says g. A child that has
 * exec'd cannot be moved: EACCES, as there. Before: "setpgid(f, g) ...:
 * -1 (Operation not permitted), want 0" (node 1 saw no member of g).
 */
START_TEST(test_setpgid_child_into_remote_group)
{
	struct cpp_mark m[] = { CPP_MARK(1, "setpgid_child_join") };
	char path[256], b;
	pid_t c, g, f, x;
	int go[2], r;

	cpp_prog_path("cp_rchild", path, sizeof(path));
	cpp_marks_take(m, 1);
	g = group_made_on_2("ownpgrp", &c);
	ck_assert_int_eq(CP_PID_NODE(g), 2);
	ck_assert_int_eq(getsid(g), getsid(0));
	/* f says it is ready once Check's SIGTERM handler is gone */
	ck_assert_int_eq(pipe(go), 0);
	f = fork();
	ck_assert_int_ge(f, 0);
	if (f == 0) {
		signal(SIGTERM, SIG_DFL);	/* not Check's (it kills its group) */
		close(go[0]);
		if (write(go[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(go[1]);
	ck_assert_int_eq(read(go[0], &b, 1), 1);
	close(go[0]);
	/* a child that exec'd: its exec closes go[1] */
	ck_assert_int_eq(pipe2(go, O_CLOEXEC), 0);
	x = fork();
	ck_assert_int_ge(x, 0);
	if (x == 0) {
		char *av[] = { path, "sleep", LONG_MS, NULL };

		close(go[0]);
		execv(av[0], av);
		_exit(127);
	}
	close(go[1]);
	ck_assert_int_eq(read(go[0], &b, 1), 0);
	close(go[0]);
	errno = 0;
	r = setpgid(f, g);
	ck_assert_msg(r == 0,
		      "setpgid(%d, %d), our child here into a group of our session whose only member runs on node 2: %d (%s), want 0",
		      f, g, r, strerror(errno));
	cpp_marks_assert_rose(m, 1, "our child moved into a group on node 2");
	r = getpgid(f);
	ck_assert_msg(r == g, "getpgid(%d) after setpgid(%d, %d): %d, want %d",
		      f, f, g, r, g);
	errno = 0;
	r = setpgid(x, g);
	ck_assert_msg(r == -1 && errno == EACCES,
		      "setpgid(%d, %d), our child after its exec: %d (%s), want EACCES",
		      x, g, r, strerror(errno));
	ck_assert_int_eq(getpgid(x), getpgrp());
	ck_assert_int_eq(kill(-g, SIGTERM), 0);
	cpp_assert_killed(f, SIGTERM,
			  "our child in group g here, after kill(-g, SIGTERM)");
	reap_killed(x);
	reap_killed(c);
}
END_TEST

/*
 * Node 2's line of @pid (its ps) until its group (@sid false) or
 * session (@sid true) is @pid itself, up to 10 s: the last line in @e.
 */
static void node2_line_until(pid_t pid, bool sid, struct cp_ps_proc *e)
{
	for (int t = 0; t < 100; t++) {
		if (cp_ps_scan_pid(2, pid, e) == 1 &&
		    (sid ? e->sid : e->pgrp) == pid)
			return;
		cp_sleep_ms(100);
	}
}

/* @get(@pid) here until it answers @pid, up to 10 s: its last answer */
static pid_t here_until(pid_t (*get)(pid_t), pid_t pid)
{
	pid_t r = -1;

	for (int t = 0; t < 100 && r != pid; t++) {
		r = get(pid);
		if (r != pid)
			cp_sleep_ms(100);
	}
	return r;
}

/*
 * A process that moved to node 2 and then changed its group there:
 * its stand-in here follows (CP_MSG_SETPGID), so getpgid() here, which
 * the stand-in answers, says the new group, and the old group, whose
 * only member it was, is gone here too (kill(-old) ESRCH). J leads
 * group J here; our child c, in group J, moves to node 2 and calls
 * setpgid(0, 0) there; J is reaped. Before: "getpgid(c) here, after its
 * setpgid(0, 0) on node 2: J, want c" (the stand-in stayed in J).
 */
START_TEST(test_moved_setpgid_followed_here)
{
	struct cpp_mark m[] = { CPP_MARK(2, "setpgid_origin_told"),
				CPP_MARK(1, "svr_setpgid") };
	struct cp_ps_proc e = { 0 };
	pid_t j, c, r = -1;

	cpp_marks_take(m, 2);
	j = fork();
	ck_assert_int_ge(j, 0);
	if (j == 0) {
		setpgid(0, 0);
		pause();
		_exit(0);
	}
	ck_assert_int_eq(setpgid(j, j), 0);
	c = cpp_spawn_in(2, j, ARGS("ownpgrp", LONG_MS));
	ck_assert_int_eq(kill(j, SIGKILL), 0);
	cpp_assert_killed(j, SIGKILL, "J");
	/* its setpgid(0, 0) on node 2 done: node 2 says so */
	node2_line_until(c, false, &e);
	ck_assert_msg(e.pgrp == c, "%d on node 2: group %d, want %d (its setpgid(0, 0))",
		      c, e.pgrp, c);
	r = here_until(getpgid, c);
	ck_assert_msg(r == c,
		      "getpgid(%d) here, after its setpgid(0, 0) on node 2: %d, want %d",
		      c, r, c);
	ck_assert_int_eq(getsid(c), getsid(0));
	errno = 0;
	r = kill(-c, 0);
	ck_assert_msg(r == 0, "kill(-%d, 0), its new group: %d (%s), want 0",
		      c, r, strerror(errno));
	errno = 0;
	r = kill(-j, 0);
	ck_assert_msg(r == -1 && errno == ESRCH,
		      "kill(-%d, 0), its old group, no member left: %d (%s), want ESRCH",
		      j, r, strerror(errno));
	cpp_marks_assert_rose(m, 2, "node 2 told the stand-in's node");
	reap_killed(c);
}
END_TEST

/*
 * A moved process's setsid() on its node makes its stand-in here lead
 * the same session (patch 0021's new_session op, CP_SETPGID_F_SETSID):
 * getsid() and getpgid() here answer its new session and group, which
 * kill(-pgrp) here reaches. Our child c, in our group, moves to node 2
 * and calls setsid() there. Before: "getsid(32786) here, after its
 * setsid() on node 2: 32768, want 32786" (the stand-in kept our session).
 */
START_TEST(test_moved_setsid_followed_here)
{
	struct cpp_mark m[] = { CPP_MARK(2, "hook_new_session"),
				CPP_MARK(2, "setsid_origin_told"),
				CPP_MARK(1, "svr_setsid") };
	struct cp_ps_proc e = { 0 };
	pid_t c, sid = getsid(0), r = -1;

	cpp_marks_take(m, 3);
	c = cpp_spawn(2, 0, ARGS("ownsession", LONG_MS));
	node2_line_until(c, true, &e);
	ck_assert_msg(e.sid == c && e.pgrp == c,
		      "%d on node 2: session %d, group %d, want %d (its setsid())",
		      c, e.sid, e.pgrp, c);
	r = here_until(getsid, c);
	ck_assert_msg(r == c,
		      "getsid(%d) here, after its setsid() on node 2: %d, want %d",
		      c, r, c);
	ck_assert_int_eq(getpgid(c), c);
	ck_assert_int_eq(getsid(0), sid);
	errno = 0;
	r = kill(-c, 0);
	ck_assert_msg(r == 0, "kill(-%d, 0), its new group: %d (%s), want 0",
		      c, r, strerror(errno));
	cpp_marks_assert_rose(m, 3, "node 2 told the stand-in's node");
	reap_killed(c);
}
END_TEST

/*
 * setpgid() of our child while its move is under way (its REXEC, which
 * carries its group, is on its way: the delay point rexec_moving holds
 * it 1 s before it asks node 2; the test waits for the point's hit):
 * EACCES, as after its exec, and its group stays ours here and there.
 * Before: "setpgid(c, c), our child moving to node 2: 0 (Success)", its
 * stand-in here in group c while its process ran on node 2 in ours.
 */
START_TEST(test_setpgid_child_moving)
{
	long long hits = cp_stat("point.rexec_moving.hits");
	struct cp_ps_proc e = { 0 };
	pid_t c, me = getpgrp();
	char path[256];
	char *argv[] = { path, "sleep", LONG_MS, NULL };
	int r, err;

	cpp_prog_path("cp_rchild", path, sizeof(path));
	ck_assert_int_eq(cpp_set_delay("rexec_moving", 1000000), 0);
	c = fork();
	ck_assert_int_ge(c, 0);
	if (c == 0) {
		cp_rexecvp(2, path, argv);
		_exit(126);
	}
	for (int t = 0; cp_stat("point.rexec_moving.hits") == hits; t += 5) {
		if (t >= 5000)
			cpp_set_delay("rexec_moving", 0);
		ck_assert_msg(t < 5000, "the child never started its move");
		cp_sleep_ms(5);
	}
	errno = 0;
	r = setpgid(c, c);
	err = errno;
	ck_assert_int_eq(cpp_set_delay("rexec_moving", 0), 0);
	ck_assert_msg(r == -1 && err == EACCES,
		      "setpgid(%d, %d), our child moving to node 2: %d (%s), want EACCES",
		      c, c, r, strerror(err));
	ck_assert_int_eq(cpp_wait_where(c, 2, 10000), 0);
	ck_assert_int_eq(getpgid(c), me);
	ck_assert_int_eq(cp_ps_scan_pid(2, c, &e), 1);
	ck_assert_int_eq(e.pgrp, me);
	reap_killed(c);
}
END_TEST

/*
 * CP_MSG_SETPGID from @from (a module's request, forged by debugfs
 * inject): stand-in @pid into group @pgrp of session @sid, with request
 * @flags (CP_SETPGID_F_SETSID: a new session). 0 or errno.
 */
static int forged_setpgid(int from, pid_t pid, pid_t pgrp, pid_t sid,
			  uint32_t flags)
{
	struct cp_setpgid rq = { .pid = htonl((uint32_t)pid),
				 .pgrp = htonl((uint32_t)pgrp),
				 .sid = htonl((uint32_t)sid),
				 .flags = htonl(flags) };
	const unsigned char *b = (const unsigned char *)&rq;
	char hex[2 * sizeof(rq) + 1], type[8];
	pid_t inj;
	int st;

	for (size_t i = 0; i < sizeof(rq); i++)
		snprintf(hex + 2 * i, 3, "%02x", b[i]);
	snprintf(type, sizeof(type), "%d", CP_MSG_SETPGID);
	inj = cpp_spawn(from, 0, ARGS("inject", "1", type, hex));
	ck_assert_int_eq(waitpid(inj, &st, 0), inj);
	ck_assert_msg(WIFEXITED(st), "injector on node %d: status %#x", from,
		      st);
	return WEXITSTATUS(st);
}

/*
 * Who may move a stand-in here: only the node its process runs on, and
 * only within its session; nobody may move a process of ours that is
 * no stand-in of theirs. Our child c runs on node 2 (its own group),
 * its stand-in here; forged CP_MSG_SETPGID requests into our group.
 */
START_TEST(test_setpgid_standin_forged)
{
	pid_t c, sid = getsid(0), me = getpgrp();
	int r;

	c = cpp_spawn(2, 1, ARGS("sleep", LONG_MS));
	r = forged_setpgid(3, c, me, sid, 0);
	ck_assert_msg(r == ESRCH,
		      "node 3 moves the stand-in of node 2's process %d: %d (%s), want ESRCH",
		      c, r, strerror(r));
	r = forged_setpgid(2, c, me, sid + 1, 0);
	ck_assert_msg(r == EPERM,
		      "node 2 moves the stand-in %d into another session: %d (%s), want EPERM",
		      c, r, strerror(r));
	r = forged_setpgid(2, getpid(), c, sid, 0);
	ck_assert_msg(r == ESRCH,
		      "node 2 moves %d, a process of ours that is no stand-in: %d (%s), want ESRCH",
		      getpid(), r, strerror(r));
	/* a new session: only from the process's node, only a stand-in */
	r = forged_setpgid(3, c, c, c, CP_SETPGID_F_SETSID);
	ck_assert_msg(r == ESRCH,
		      "node 3 makes the stand-in of node 2's process %d lead a session: %d (%s), want ESRCH",
		      c, r, strerror(r));
	r = forged_setpgid(2, getpid(), getpid(), getpid(),
			   CP_SETPGID_F_SETSID);
	ck_assert_msg(r == ESRCH,
		      "node 2 makes %d, a process of ours that is no stand-in, lead a session: %d (%s), want ESRCH",
		      getpid(), r, strerror(r));
	ck_assert_int_eq(getpgid(c), c);
	ck_assert_int_eq(getsid(c), sid);
	ck_assert_int_eq(getpgrp(), me);
	ck_assert_int_eq(getsid(0), sid);
	reap_killed(c);
}
END_TEST

/*
 * kill(-pgrp) signals each member once, wherever it runs: a real-time
 * signal queues one instance per send, so the count shows a member
 * signalled twice. Our child moved to node 2 leads its own group.
 */
START_TEST(test_kill_pgrp_once)
{
	sigset_t set, old;
	pid_t c;
	int st;

	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, &old), 0);
	c = cpp_spawn(2, 1, ARGS("rtcount", "1500"));
	ck_assert_int_eq(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	ck_assert_int_eq(kill(-c, SIGRTMIN), 0);
	ck_assert_int_eq(waitpid(c, &st, 0), c);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1,
		      "kill(-%d, SIGRTMIN) once, its member on node 2 got it %d times (status %#x), want 1",
		      c, WIFEXITED(st) ? WEXITSTATUS(st) : -1, st);
}
END_TEST

/*
 * An exit orphans a group whose stopped member runs on node 2 (E1, E3,
 * E7): every member, wherever it runs, gets SIGHUP then SIGCONT, as
 * POSIX says of an orphaned group with a stopped member. We are a
 * subreaper in another session; M (setsid) forks P (group P: its parent
 * M, in another group of the session, holds the group); P forks Q, which
 * moves to node 2 and stops there; P exits. Q, now our child, must die
 * of SIGHUP. Q is in group P (@own_group false: P's exit orphans its own
 * group) or in a group of its own, held by P (@own_group true: P's exit
 * orphans its child's group, as reparent_leader() judges it). With
 * @cont_after, M continues Q's group as soon as it has reaped P (P told
 * it Q's pid), the race of the parent's wait against the judgment.
 */
static void orphan_stopped_member_race(bool own_group, bool cont_after,
				       const char *what)
{
	struct cpp_mark m[] = { CPP_MARK(1, "pgrp_orphaned"),
				CPP_MARK(2, "pgrp_hup") };
	char path[256];
	pid_t mid, q = 0;
	int pp[2], pm[2], st = 0;

	cpp_prog_path("cp_rchild", path, sizeof(path));
	cpp_marks_take(m, 2);
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	ck_assert_int_eq(pipe(pp), 0);
	ck_assert_int_eq(pipe(pm), 0);
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
			pid_t c;

			if (setpgid(0, 0))
				_exit(12);
			c = fork();
			if (c < 0)
				_exit(13);
			if (c == 0) {
				char *av[] = { path, "stop", "13", NULL };

				if (own_group && setpgid(0, 0))
					_exit(126);
				signal(SIGHUP, SIG_DFL);
				cp_rexecvp(2, av[0], av);
				_exit(127);
			}
			if (waitpid(c, &st, WUNTRACED) != c || !WIFSTOPPED(st))
				_exit(14);
			if (write(pp[1], &c, sizeof(c)) != sizeof(c) ||
			    write(pm[1], &c, sizeof(c)) != sizeof(c))
				_exit(15);
			_exit(0);	/* orphans group P, or Q's */
		}
		close(pm[1]);
		if (waitpid(p, &st, 0) != p || !WIFEXITED(st) ||
		    WEXITSTATUS(st) || read(pm[0], &q, sizeof(q)) != sizeof(q))
			_exit(16);
		/* P's exit seen: as on one machine, Q has its SIGHUP */
		if (cont_after && kill(-getpgid(q), SIGCONT))
			_exit(17);
		_exit(0);
	}
	close(pm[0]);
	close(pm[1]);
	close(pp[1]);
	ck_assert_int_eq(read(pp[0], &q, sizeof(q)), sizeof(q));
	close(pp[0]);
	ck_assert_int_eq(waitpid(mid, &st, 0), mid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "session leader M: status %#x", st);
	ck_assert_int_eq(CP_PID_NODE(q), 1);
	cpp_assert_dies_within(q, SIGHUP, 10000, what);
	cpp_marks_assert_rose(m, 2, "orphaned group across nodes");
}

static void orphan_stopped_member(bool own_group, const char *what)
{
	orphan_stopped_member_race(own_group, false, what);
}

/*
 * Before the kill_orphaned_pgrp op, node 1 judged the group by its own
 * members (Q's stand-in is no stopped job) and node 2 never judged it:
 * Q stayed stopped.
 */
START_TEST(test_orphaned_group_remote_stopped)
{
	orphan_stopped_member(false,
			      "the orphaned group's stopped member on node 2, after P's exit (no SIGHUP/SIGCONT?)");
}
END_TEST

/*
 * The race of an exit that orphans a group against a member continued
 * on another node (the record/flush window): with the judgment
 * of P's exit held 1 s (delay point pgrp_judge), M reaps P and continues
 * group P (Q, stopped on node 2) as soon as it can. On one machine
 * exit_notify() sent SIGHUP and SIGCONT before P could be reaped, and Q
 * dies of SIGHUP. Before the judgment moved to exit_prepare (node 1's
 * worker judged P's exit after P was a zombie): "exited 13, want killed
 * by SIGHUP": Q was running when the judgment counted it, and no member
 * was stopped.
 */
/* The race above with the judgment held 1 s; it must run before P's zombie. */
static void orphan_race_judge_held(bool own_group, const char *what)
{
	struct cpp_mark m[] = { CPP_MARK(1, "exit_pgrp_judged") };

	cpp_marks_take(m, 1);
	ck_assert_int_eq(cpp_set_delay("pgrp_judge", 1000000), 0);
	orphan_stopped_member_race(own_group, true, what);
	ck_assert_int_eq(cpp_set_delay("pgrp_judge", 0), 0);
	cpp_marks_assert_rose(m, 1, "P's exit judged the group before P was a zombie");
}

START_TEST(test_orphaning_exit_vs_continue)
{
	orphan_race_judge_held(false, "the orphaned group's stopped member on node 2, continued by M right after it reaped P");
}
END_TEST

/*
 * Two holders of a group exit at once (the judgment's fallback). Q, P's
 * child, moved to node 2 and stopped, in group P (@child_group false)
 * or in its own (true; P then stays in M's group, which its exit does
 * not orphan). X, M's child, joins Q's group; P and M are in other
 * groups of M's session. The holders of Q's group are X (its
 * parent M) and P: as its member (E3) or as Q's parent (E7). Each exit
 * waits 1 s after its judgment (delay point pgrp_exit_judged) and the
 * other exits meanwhile, so each judges the group held by the other,
 * still alive. The later to take tasklist_lock finds it orphaned, and
 * its op (kill_orphaned_pgrp, or for E7 reparent_remote, as
 * reparent_leader() asks) queues the check: Q must die of SIGHUP.
 * E3: P exits first, X as P's files close. E7: X exits first and P
 * 300 ms after X's files close, so that X's lock comes first and finds
 * P still holding, and P's reparent is the orphaning event.
 */
static void two_holders_exit(bool child_group, const char *what)
{
	struct cpp_mark m[] = { CPP_MARK(1, "pgrp_orphaned"),
				CPP_MARK(2, "pgrp_hup"),
				CPP_MARK(1, "exit_pgrp_judged") };
	pid_t mid, q = 0;
	char path[256];
	int pp[2], st = 0;

	cpp_prog_path("cp_rchild", path, sizeof(path));
	cpp_marks_take(m, 3);
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	ck_assert_int_eq(pipe(pp), 0);
	ck_assert_int_eq(cpp_set_delay("pgrp_exit_judged", 1000000), 0);
	mid = fork();
	ck_assert_int_ge(mid, 0);
	if (mid == 0) {
		/* q: P to M; ready: X to P; gate: P to X; gate2: X to P */
		int pq[2], ready[2], gate[2], gate2[2], sp, sx;
		pid_t p, x;
		char b = 0;

		close(pp[0]);
		if (setsid() < 0 || pipe(pq) || pipe(ready) || pipe(gate) ||
		    pipe(gate2))
			_exit(10);
		p = fork();
		if (p < 0)
			_exit(11);
		if (p == 0) {
			char *av[] = { path, "stop", "13", NULL };
			pid_t c;

			close(ready[1]);
			close(gate[0]);
			close(gate2[1]);
			if (!child_group && setpgid(0, 0))
				_exit(12);
			c = fork();
			if (c < 0)
				_exit(13);
			if (c == 0) {
				close(gate[1]);
				close(gate2[0]);
				close(ready[0]);
				if (child_group && setpgid(0, 0))
					_exit(126);
				signal(SIGHUP, SIG_DFL);
				cp_rexecvp(2, av[0], av);
				_exit(127);
			}
			if (waitpid(c, &st, WUNTRACED) != c || !WIFSTOPPED(st))
				_exit(14);
			if (write(pp[1], &c, sizeof(c)) != sizeof(c) ||
			    write(pq[1], &c, sizeof(c)) != sizeof(c) ||
			    read(ready[0], &b, 1) != 1)
				_exit(15);
			close(gate[1]);		/* X exits now */
			if (child_group && read(gate2[0], &b, 1) != 0)
				_exit(16);	/* X's files closed */
			if (child_group)	/* X judged; P's lock comes last */
				cp_sleep_ms(300);
			_exit(0);
		}
		close(gate[1]);
		close(gate2[0]);
		close(ready[0]);
		if ((!child_group && setpgid(p, p) && errno != EACCES) ||
		    read(pq[0], &q, sizeof(q)) != sizeof(q))
			_exit(17);
		x = fork();
		if (x < 0)
			_exit(18);
		if (x == 0) {
			if (setpgid(0, child_group ? q : p) ||
			    write(ready[1], &b, 1) != 1)
				_exit(19);
			_exit(read(gate[0], &b, 1) == 0 ? 0 : 20);
		}
		close(gate2[1]);
		close(ready[1]);
		if (waitpid(p, &sp, 0) != p || waitpid(x, &sx, 0) != x)
			_exit(21);
		_exit(!WIFEXITED(sp) ? 22 : WEXITSTATUS(sp) ? WEXITSTATUS(sp) :
		      !WIFEXITED(sx) ? 23 : WEXITSTATUS(sx) ? 30 + WEXITSTATUS(sx) : 0);
	}
	close(pp[1]);
	ck_assert_int_eq(read(pp[0], &q, sizeof(q)), sizeof(q));
	close(pp[0]);
	ck_assert_int_eq(waitpid(mid, &st, 0), mid);
	ck_assert_int_eq(cpp_set_delay("pgrp_exit_judged", 0), 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "session leader M: status %#x", st);
	cpp_assert_dies_within(q, SIGHUP, 10000, what);
	cpp_marks_assert_rose(m, 2, "the group judged after the unlock");
	cpp_marks_assert_same(m + 2, 1, "neither exit judged it orphaned before its lock");
}

START_TEST(test_orphaning_two_holders_exit)
{
	two_holders_exit(false, "the orphaned group's stopped member on node 2, after its two holders here exited at once");
}
END_TEST

START_TEST(test_orphaning_two_holders_reparent)
{
	two_holders_exit(true, "the stopped child on node 2, in its own group, after its parent P and the group's other holder exited at once");
}
END_TEST

/*
 * A moved member's death orphans its group (E3 for a process whose
 * parent is on another node). K (here) leads group G; its child R moved
 * to node 3 and stopped; Q, M's child, joined G and moved to node 2. K
 * exits: Q still holds G (its parent M is in another group of the
 * session), so nothing happens, and R is now our child. Then Q exits on
 * node 2: G is orphaned with R stopped, and R must die of SIGHUP, as on
 * one machine. Node 2 cannot judge it (Q's parent is not there); the
 * origin has it judged when Q's exit arrives. Before: R stayed stopped.
 */
START_TEST(test_moved_holder_exit_orphans_group)
{
	struct cpp_mark m[] = { CPP_MARK(1, "event_pgrp_queued"),
				CPP_MARK(3, "pgrp_hup") };
	pid_t mid, r = 0;
	char path[256];
	int pp[2], st = 0;

	cpp_prog_path("cp_rchild", path, sizeof(path));
	cpp_marks_take(m, 2);
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	ck_assert_int_eq(pipe(pp), 0);
	mid = fork();
	ck_assert_int_ge(mid, 0);
	if (mid == 0) {
		char *qv[] = { path, "sleep", "3000", NULL };
		int go[2], sk, sq;
		pid_t k, q;
		char b;

		close(pp[0]);
		if (setsid() < 0 || pipe(go))
			_exit(10);
		k = fork();
		if (k < 0)
			_exit(11);
		if (k == 0) {
			char *av[] = { path, "stop", "13", NULL };

			close(go[1]);
			if (setpgid(0, 0))
				_exit(12);
			r = fork();
			if (r < 0)
				_exit(13);
			if (r == 0) {
				close(go[0]);
				signal(SIGHUP, SIG_DFL);
				cp_rexecvp(3, av[0], av);
				_exit(127);
			}
			if (waitpid(r, &st, WUNTRACED) != r || !WIFSTOPPED(st))
				_exit(14);
			if (write(pp[1], &r, sizeof(r)) != sizeof(r))
				_exit(15);
			_exit(read(go[0], &b, 1) == 0 ? 0 : 16);
		}
		close(go[0]);
		if (setpgid(k, k) && errno != EACCES)
			_exit(17);
		q = fork();
		if (q < 0)
			_exit(18);
		if (q == 0) {
			close(go[1]);
			if (setpgid(0, k))
				_exit(126);
			cp_rexecvp(2, qv[0], qv);
			_exit(127);
		}
		if (cpp_wait_where(q, 2, 5000))
			_exit(19);
		close(go[1]);		/* K exits; Q holds G */
		if (waitpid(k, &sk, 0) != k || waitpid(q, &sq, 0) != q)
			_exit(20);
		_exit(!WIFEXITED(sk) || WEXITSTATUS(sk) ? 21 :
		      !WIFEXITED(sq) || WEXITSTATUS(sq) ? 22 : 0);
	}
	close(pp[1]);
	ck_assert_int_eq(read(pp[0], &r, sizeof(r)), sizeof(r));
	close(pp[0]);
	ck_assert_int_eq(waitpid(mid, &st, 0), mid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "session leader M: status %#x", st);
	cpp_assert_dies_within(r, SIGHUP, 10000,
			       "the stopped member on node 3, after the group's last holder exited on node 2");
	cpp_marks_assert_rose(m, 2, "the moved holder's death judged at its origin");
}
END_TEST

/* P's stopped member: here (node 0) or moved to @node; exits to P */
static pid_t hupstop_member(int node, const char *path)
{
	char *av[] = { (char *)path, "hupstop", "3000", NULL };
	pid_t c = fork();
	int st;

	if (c < 0)
		_exit(11);
	if (c == 0) {
		if (node)
			cp_rexecvp(node, av[0], av);
		else
			execv(av[0], av);
		_exit(127);
	}
	if (waitpid(c, &st, WUNTRACED) != c || !WIFSTOPPED(st))
		_exit(14);
	return c;
}

/*
 * An orphaned group's members get SIGHUP then SIGCONT once each, as
 * from exit_notify() on one machine. P leads group P with a stopped
 * member here and one on node 2 (each counts the two signals) and
 * exits: the group is orphaned. Before, each node's own SIGHUP and
 * SIGCONT to its members also went to every other node's (kill_pgrp()'s
 * hook forwards a kernel group signal).
 */
START_TEST(test_orphaned_group_hup_once)
{
	struct cpp_mark m[] = { CPP_MARK(1, "pgrp_orphaned"),
				CPP_MARK(2, "pgrp_hup") };
	pid_t mid, c[2];
	char path[256];
	int pp[2], st = 0;

	cpp_prog_path("cp_rchild", path, sizeof(path));
	cpp_marks_take(m, 2);
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
			if (setpgid(0, 0))
				_exit(12);
			c[0] = hupstop_member(0, path);
			c[1] = hupstop_member(2, path);
			if (write(pp[1], c, sizeof(c)) != sizeof(c))
				_exit(15);
			_exit(0);	/* orphans group P */
		}
		_exit(waitpid(p, &st, 0) == p && WIFEXITED(st) ?
		      WEXITSTATUS(st) : 16);
	}
	close(pp[1]);
	ck_assert_int_eq(read(pp[0], c, sizeof(c)), sizeof(c));
	close(pp[0]);
	ck_assert_int_eq(waitpid(mid, &st, 0), mid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "session leader M: status %#x", st);
	for (int i = 0; i < 2; i++) {
		pid_t r = cpp_wait_within(c[i], &st, 10000);

		if (r == 0) {
			kill(c[i], SIGKILL);
			waitpid(c[i], &st, 0);
		}
		ck_assert_msg(r == c[i] && WIFEXITED(st) &&
			      WEXITSTATUS(st) == 11,
			      "member %s of the orphaned group: %d, status %#x, want exit 11 (one SIGHUP, one SIGCONT)",
			      i ? "on node 2" : "here", r, st);
	}
	cpp_marks_assert_rose(m, 2, "orphaned group across nodes");
}
END_TEST

/*
 * The group of P's child Q, held by P alone: the base judges it in
 * reparent_leader(), which a stand-in never reaches (reparent_remote
 * moves it first). Before the reparent_remote op queued the check: Q
 * stayed stopped. P's exit now judges it in exit_prepare (Q may be dead
 * of its SIGHUP by the time the reparent_remote op runs).
 */
START_TEST(test_parent_exit_orphans_child_group)
{
	struct cpp_mark m[] = { CPP_MARK(1, "exit_pgrp_judged") };

	cpp_marks_take(m, 1);
	orphan_stopped_member(true,
			      "the stopped child on node 2, in its own group, after its parent P's exit (no SIGHUP/SIGCONT?)");
	cpp_marks_assert_rose(m, 1, "P's exit judged its moved child's group");
}
END_TEST

/*
 * test_orphaning_exit_vs_continue for a reparent (E7): P's exit orphans
 * the group of its child Q (its own group, on node 2, stopped), and M
 * continues Q's group as soon as it has reaped P, while the judgment is
 * held 1 s (pgrp_judge).
 */
START_TEST(test_orphaning_parent_exit_vs_continue)
{
	orphan_race_judge_held(true, "the stopped child on node 2, in its own group, continued by M right after it reaped its parent P");
}
END_TEST

/*
 * ^Z across nodes: SIGTSTP to a job's group stops its member on node 2.
 * J (here) leads group J; our child m, moved to node 2, is a member of J
 * held to our session by us, its parent, in another group. On node 2
 * m's parent is elsewhere, so node 2 alone judged J orphaned and, as in
 * an orphaned group, discarded the SIGTSTP (before: m never stopped).
 * The move now says the group is held at the origin (pgrp_held).
 */
START_TEST(test_tstp_stops_remote_member)
{
	struct cpp_mark m[] = { CPP_MARK(2, "orphaned_pgrp_held") };
	pid_t j, c, r;
	int st = 0;

	cpp_marks_take(m, 1);
	j = fork();
	ck_assert_int_ge(j, 0);
	if (j == 0) {
		setpgid(0, 0);
		pause();
		_exit(0);
	}
	ck_assert_int_eq(setpgid(j, j), 0);
	c = cpp_spawn_in(2, j, ARGS("sleep", LONG_MS));
	ck_assert_int_eq(getpgid(c), j);
	ck_assert_int_eq(kill(-j, SIGTSTP), 0);
	ck_assert_int_eq(waitpid(j, &st, WUNTRACED), j);
	ck_assert_msg(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP,
		      "J here: status %#x, want stopped by SIGTSTP", st);
	r = 0;
	for (int t = 0; t < 500 && !r; t++) {
		r = waitpid(c, &st, WUNTRACED | WNOHANG);
		if (!r)
			cp_sleep_ms(10);
	}
	ck_assert_msg(r == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP,
		      "member %d of group %d on node 2, 5 s after kill(-%d, SIGTSTP): %d, status %#x, want stopped by SIGTSTP",
		      c, j, j, r, st);
	ck_assert_int_eq(kill(-j, SIGCONT), 0);
	ck_assert_int_eq(waitpid(c, &st, WCONTINUED), c);
	ck_assert_msg(WIFCONTINUED(st), "member on node 2: status %#x, want continued", st);
	ck_assert_int_eq(kill(-j, SIGKILL), 0);
	cpp_assert_killed(j, SIGKILL, "J");
	cpp_assert_killed(c, SIGKILL, "member on node 2");
	cpp_marks_assert_rose(m, 1, "job control stop on node 2");
}
END_TEST

/*
 * kill(-pgrp) from another node is atomic against fork, as on one
 * machine. A group signal that reaches a process while it forks goes
 * to the child too (copy_process() hands the child what came during
 * the fork: its "multiprocess" delayed set), or the fork restarts after
 * it. M leads its own group here and forks in a loop while node 2 sends
 * kill(-M, SIGUSR1) again and again (node 1's server thread delivers
 * them). M's handler counts its own signals, a child's counts the
 * child's. A child that was copied before M's handler ran (it inherited
 * M's count from before the fork) while M's handler ran as fork()
 * returned got the signal during the fork: it must get it too. Each
 * child stays alive until M has looked, so that a signal that came
 * after it joined the group reaches it as a member. Before (node 1's
 * server collected the members, then signalled each as kill(pid) does):
 * "reached M during 300 of its 989 forks; 2 of those children never
 * got it".
 */
#define FORK_TOUCH_KB	8192	/* a long copy_mm(): many resched points */
#define FORK_MAX	5000
#define FORK_WANT	300	/* signals seen during a fork: enough */

static volatile sig_atomic_t f_hits, c_hits;
static pid_t forker;

static void count_usr1(int sig)
{
	(void)sig;
	if (getpid() == forker)
		f_hits++;
	else
		c_hits++;
}

struct fork_counts {
	int forks, infork, missed;
};

/* M's loop: its counts on @fd; exit 0, or 9 if it could not run */
static void __attribute__((noreturn)) forker_run(int fd)
{
	struct fork_counts n = { 0 };
	struct sigaction sa = { .sa_handler = count_usr1,
				.sa_flags = SA_RESTART };
	char *mem = malloc(FORK_TOUCH_KB * 1024);

	forker = getpid();
	if (!mem || setpgid(0, 0) || sigaction(SIGUSR1, &sa, NULL))
		_exit(9);
	memset(mem, 1, FORK_TOUCH_KB * 1024);
	while (n.forks < FORK_MAX && n.infork < FORK_WANT) {
		sig_atomic_t c0 = f_hits, h1;
		int go[2], st;
		char b = 0;
		pid_t c;

		if (pipe(go))
			_exit(9);
		c = fork();
		if (c < 0)
			_exit(9);
		if (c == 0) {
			int inh = f_hits == c0;

			close(go[1]);
			if (read(go[0], &b, 1) < 0)
				_exit(64);
			_exit((c_hits ? 1 : 0) | (inh ? 2 : 0));
		}
		h1 = f_hits;
		close(go[0]);
		if (write(go[1], &b, 1) != 1 || waitpid(c, &st, 0) != c ||
		    !WIFEXITED(st) || WEXITSTATUS(st) > 3)
			_exit(9);
		close(go[1]);
		n.forks++;
		if (h1 > c0 && (WEXITSTATUS(st) & 2)) {
			n.infork++;
			if (!(WEXITSTATUS(st) & 1))
				n.missed++;
		}
	}
	if (write(fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		_exit(9);
	_exit(0);
}

START_TEST(test_kill_pgrp_fork_atomic)
{
	struct cpp_mark m[] = { CPP_MARK(1, "svr_kill"),
				CPP_MARK(1, "kill_fork_delayed") };
	struct fork_counts n = { 0 };
	char sig[8];
	pid_t mp, k;
	int pp[2], st;
	ssize_t r;

	cpp_marks_take(m, 2);
	ck_assert_int_eq(pipe(pp), 0);
	mp = fork();
	ck_assert_int_ge(mp, 0);
	if (mp == 0) {
		close(pp[0]);
		forker_run(pp[1]);
	}
	close(pp[1]);
	setpgid(mp, mp);	/* both sides: the group exists for node 2 */
	snprintf(sig, sizeof(sig), "%d", SIGUSR1);
	{
		char g[16];

		snprintf(g, sizeof(g), "%d", mp);
		k = cpp_spawn(2, 1, ARGS("killloop", g, sig, "100000"));
	}
	r = read(pp[0], &n, sizeof(n));
	close(pp[0]);
	ck_assert_int_eq(waitpid(mp, &st, 0), mp);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
		      r == (ssize_t)sizeof(n),
		      "forker M: status %#x (9: could not set up or fork)", st);
	ck_assert_int_eq(waitpid(k, &st, 0), k);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "kill(-%d) loop on node 2: status %#x (1: never ESRCH, 2+: errno)",
		      mp, st);
	fprintf(stderr, "test_kill_pgrp_fork_atomic: %d forks, %d with the signal during the fork, %d children missed it\n",
		n.forks, n.infork, n.missed);
	ck_assert_msg(n.missed == 0,
		      "kill(-pgrp, SIGUSR1) from node 2 reached M during %d of its %d forks; %d of those children never got it (as on one machine, a group signal during a fork goes to the child too)",
		      n.infork, n.forks, n.missed);
	cpp_marks_assert_rose(m, 2, "node 2's kill(-pgrp) given to forks in progress here");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("clusterproc_pgrp");
	TCase *tc = tcase_create("pgrp");
	int failed;

	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_pgrp: not all nodes up\n");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_getpgid_getsid_remote);
	tcase_add_test(tc, test_setpgid_remote);
	tcase_add_test(tc, test_setpgid_joins_remote_group);
	tcase_add_test(tc, test_setpgid_child_into_remote_group);
	tcase_add_test(tc, test_moved_setpgid_followed_here);
	tcase_add_test(tc, test_moved_setsid_followed_here);
	tcase_add_test(tc, test_setpgid_standin_forged);
	tcase_add_test(tc, test_setpgid_child_moving);
	tcase_add_test(tc, test_kill_pgrp_once);
	tcase_add_test(tc, test_orphaned_group_remote_stopped);
	tcase_add_test(tc, test_parent_exit_orphans_child_group);
	tcase_add_test(tc, test_tstp_stops_remote_member);
	tcase_add_test(tc, test_kill_pgrp_fork_atomic);
	tcase_add_test(tc, test_orphaning_exit_vs_continue);
	tcase_add_test(tc, test_orphaned_group_hup_once);
	tcase_add_test(tc, test_orphaning_two_holders_exit);
	tcase_add_test(tc, test_orphaning_two_holders_reparent);
	tcase_add_test(tc, test_moved_holder_exit_orphans_group);
	tcase_add_test(tc, test_orphaning_parent_exit_vs_continue);
	suite_add_tcase(s, tc);
	failed = cp_run_suite(s, CK_NORMAL, CK_FORK_GETENV);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
