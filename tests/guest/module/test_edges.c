/*
 * Edges of the hook contract that no other test reached: each case was
 * written for a mutant of tests/mutants/ that the suite let survive (named
 * in the case's comment), fails on it and passes on the real code. Run on
 * node 1 of a 3-node cluster (module-edges.scn); remote children on
 * node 2. Only kernel-observable facts are asserted: wait results, errno,
 * siginfo, the signal that ended a process, counters that rose during
 * the case.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "libclusterproc.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Set delay_us/POINT on node (through cp_rchild there, as test_races). */
static void set_delay_on(int node, const char *point, unsigned int us)
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

/*
 * E7 (mutant k-e7-zero): when its parent exits, a process group with a
 * stopped member that has no other parent in its session becomes
 * orphaned and gets SIGHUP then SIGCONT (POSIX; the hook keeps it as
 * `clusterproc_kill_orphaned_pgrp() > 0 &&` in kill_orphaned_pgrp()).
 * We are a subreaper in another session, so the reparented child does
 * not keep its group attached; SIGHUP's default action ends it.
 */
START_TEST(test_orphaned_pgrp_gets_sighup)
{
	pid_t mid, c;
	int p[2], st;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	ck_assert_int_eq(pipe(p), 0);
	mid = fork();
	ck_assert_int_ge(mid, 0);
	if (mid == 0) {
		close(p[0]);
		if (setsid() < 0)
			_exit(10);
		c = fork();
		if (c < 0)
			_exit(11);
		if (c == 0) {
			signal(SIGHUP, SIG_DFL);
			if (setpgid(0, 0))
				_exit(12);
			raise(SIGSTOP);
			_exit(13);	/* continued without SIGHUP */
		}
		setpgid(c, c);
		if (waitpid(c, &st, WUNTRACED) != c || !WIFSTOPPED(st))
			_exit(14);
		if (write(p[1], &c, sizeof(c)) != sizeof(c))
			_exit(15);
		_exit(0);	/* orphans c's group */
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, sizeof(c)), sizeof(c));
	close(p[0]);
	ck_assert_int_eq(waitpid(mid, &st, 0), mid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "middle process: status %#x", st);
	cpp_assert_dies_within(c, SIGHUP, 5000,
			       "the orphaned group's stopped member, after its parent's exit (no SIGHUP/SIGCONT?)");
}
END_TEST

/*
 * Kernel-bugs item 8: a move is not an exit for the process group. S
 * (setsid) forks P (group P, so P's parent S is in another group of the
 * same session); P forks Q into group P; Q stops; P moves to node 2
 * (remote exec). P lives on, still in group P with its parent S, so the
 * group is not orphaned and the stopped Q must get nothing. We are a
 * subreaper in another session (as in test_orphaned_pgrp_gets_sighup),
 * so Q becomes our child at P's move without keeping the group attached.
 * Before the orphaned_pgrp op, the move's exit_notify() here judged the
 * group orphaned (P is the leaving task, its stand-in a zombie to the
 * base scan) and Q got SIGHUP+SIGCONT: killed by SIGHUP.
 */
START_TEST(test_move_keeps_pgrp_attached)
{
	struct cpp_mark m[] = { CPP_MARK(1, "orphaned_pgrp_standin") };
	const char *a[] = { "cp_rchild", "sleep", "3000", NULL };
	char path[256];
	pid_t s, p, q, r = 0;
	int pp[2], st = 0, qst = 0;

	cpp_prog_path("cp_rchild", path, sizeof(path));
	cpp_marks_take(m, 1);
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	ck_assert_int_eq(pipe(pp), 0);
	s = fork();
	ck_assert_int_ge(s, 0);
	if (s == 0) {
		if (setsid() < 0)
			_exit(10);
		p = fork();
		if (p < 0)
			_exit(11);
		if (p == 0) {
			if (setpgid(0, 0))
				_exit(12);
			q = fork();
			if (q < 0)
				_exit(13);
			if (q == 0) {
				signal(SIGHUP, SIG_DFL);
				raise(SIGSTOP);
				_exit(14);	/* continued */
			}
			if (waitpid(q, &st, WUNTRACED) != q || !WIFSTOPPED(st))
				_exit(15);
			p = getpid();
			if (write(pp[1], &p, sizeof(p)) != sizeof(p) ||
			    write(pp[1], &q, sizeof(q)) != sizeof(q))
				_exit(16);
			cp_rexecve(2, path, (char *const *)a, environ);
			fprintf(stderr, "# remote exec: %s\n", strerror(errno));
			_exit(17);
		}
		setpgid(p, p);
		if (waitpid(p, &st, 0) != p)
			_exit(18);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 19);
	}
	close(pp[1]);
	ck_assert_int_eq(read(pp[0], &p, sizeof(p)), sizeof(p));
	ck_assert_int_eq(read(pp[0], &q, sizeof(q)), sizeof(q));
	close(pp[0]);
	if (cpp_wait_where(p, 2, 5000)) {
		kill(q, SIGKILL);
		kill(p, SIGKILL);
		waitpid(s, &st, 0);
		ck_abort_msg("%d did not move to node 2: session leader's status %#x (10-19: set-up; P's exit code: 17 the remote exec failed)",
			     p, st);
	}
	/* Q is our child once the move's exit_notify() has run */
	for (int t = 0; t <= 2000; t += 10) {
		r = waitpid(q, &qst, WNOHANG);
		if (r == q)
			break;
		cp_sleep_ms(10);
	}
	if (r != q) {
		kill(q, SIGKILL);
		ck_assert_int_eq(waitpid(q, NULL, 0), q);
	}
	ck_assert_int_eq(waitpid(s, &st, 0), s);
	ck_assert_msg(r != q,
		      "the stopped member of a moved process's group ended (status %#x) within 2 s of the move: the move orphaned the group",
		      qst);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "session leader: status %#x (10-19: set-up, else the moved process's exit code)",
		      st);
	cpp_marks_assert_rose(m, 1, "move keeps the group");
}
END_TEST

struct rescan_waiter {
	pid_t pid;
	siginfo_t si;
	int r, err;
};

static void *rescan_waiter_main(void *arg)
{
	struct rescan_waiter *w = arg;

	memset(&w->si, 0, sizeof(w->si));
	w->r = waitid(P_PID, w->pid, &w->si, WSTOPPED | WCONTINUED);
	w->err = errno;
	return NULL;
}

/*
 * E10's signal test (mutant k-rescan-ignores-signal): a wait that the
 * wait_task op sends back to rescan (CLUSTERPROC_WAIT_RESCAN) must end
 * with EINTR when a signal arrives, as any wait does. The child on node 2
 * stops and is continued 40 ms later; node 2 sends each event 1.5 s late
 * (delay notify_parent_flush), so for about 1.5 s node 1 knows the stop
 * but node 2 answers "not stopped": our waitid(WSTOPPED|WCONTINUED)
 * rescans over and over. A signal without SA_RESTART then must end it
 * with EINTR; a rescan that ignored the signal would go on until the
 * continue arrives and report CLD_CONTINUED.
 */
START_TEST(test_rescanning_wait_interrupted)
{
	struct rescan_waiter w = { 0 };
	struct sigaction sa;
	pthread_t th;
	long long r0;
	pid_t pid;
	int st, t;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cpp_noop_handler;	/* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGUSR1, &sa, NULL), 0);
	set_delay_on(2, "notify_parent_flush", 1500000);
	pid = cpp_spawn(2, 0, ARGS("stopcont", "6000", "1", "40000"));
	r0 = cp_stat("wait_rescan");
	w.pid = pid;
	ck_assert_int_eq(pthread_create(&th, NULL, rescan_waiter_main, &w), 0);
	/* the stop arrives about 1.5 s after the spawn: then the rescans */
	for (t = 0; t < 10000 && cp_stat("wait_rescan") < r0 + 3; t += 5)
		cp_sleep_ms(5);
	ck_assert_int_eq(pthread_kill(th, SIGUSR1), 0);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	set_delay_on(2, "notify_parent_flush", 0);
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(t < 10000, "no rescan in 10 s (wait_rescan %lld -> %lld)",
		      r0, cp_stat("wait_rescan"));
	ck_assert_msg(w.r == -1 && w.err == EINTR,
		      "waitid rescanning with a signal pending: %d (%s), si_code %d, want -1 EINTR",
		      w.r, strerror(w.err), w.si.si_code);
}
END_TEST

/*
 * E6's "tell the new parent" (mutant m-reparent-no-tell): a remote child
 * that has already exited when its parent exits is passed to the new
 * parent (we, a subreaper) with its news: SIGCHLD with its siginfo comes
 * first, from the reparent, before the SIGCHLD of the parent's own exit
 * (SIGCHLD does not queue twice, so the one we fetch is the first).
 */
START_TEST(test_reparent_tells_new_parent)
{
	struct timespec ts = { .tv_sec = 10 };
	sigset_t set, old;
	siginfo_t si;
	pid_t mid, c, r;
	int p[2], st;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, &old), 0);
	ck_assert_int_eq(pipe(p), 0);
	mid = fork();
	ck_assert_int_ge(mid, 0);
	if (mid == 0) {
		close(p[0]);
		c = cpp_spawn(2, 0, ARGS("exit", "5"));
		/* exited there, known here, not reaped */
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, c, &si, WEXITED | WNOWAIT) ||
		    si.si_pid != c || si.si_code != CLD_EXITED)
			_exit(20);
		if (write(p[1], &c, sizeof(c)) != sizeof(c))
			_exit(21);
		_exit(9);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, sizeof(c)), sizeof(c));
	close(p[0]);
	memset(&si, 0, sizeof(si));
	r = sigtimedwait(&set, &si, &ts);
	ck_assert_msg(r == SIGCHLD, "no SIGCHLD in 10 s: %s", strerror(errno));
	ck_assert_msg(si.si_pid == c,
		      "first SIGCHLD from %d (code %d, status %d), want %d: the remote child's exit (parent was %d)",
		      si.si_pid, si.si_code, si.si_status, c, mid);
	ck_assert_int_eq(si.si_code, CLD_EXITED);
	ck_assert_int_eq(si.si_status, 5);
	ck_assert_int_eq(waitpid(c, &st, 0), c);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 5);
	ck_assert_int_eq(waitpid(mid, &st, 0), mid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 9);
	ck_assert_int_eq(sigprocmask(SIG_SETMASK, &old, NULL), 0);
}
END_TEST

/*
 * F4 in the module (mutant m-ptrace-any-tracer): a ptrace request on a
 * remote tracee is honoured from the tracing thread only, as
 * ptrace_check_attach() has it for a local one: another process (here
 * our child) gets ESRCH for PTRACE_CONT, PTRACE_DETACH and
 * PTRACE_PEEKDATA, and the tracee stays ours (our own PTRACE_DETACH
 * succeeds). Before, PEEKDATA needed no link: any process on any node
 * read a remote tracee's memory (the peek went through).
 */
START_TEST(test_ptrace_only_from_tracer)
{
	pid_t pid = cpp_spawn(2, 0, ARGS("sleep", "30000")), other;
	int st, code, detached;

	ck_assert_msg(ptrace(PTRACE_ATTACH, pid, 0, 0) == 0, "attach: %s",
		      strerror(errno));
	ck_assert_int_eq(waitpid(pid, &st, __WALL), pid);
	ck_assert_msg(WIFSTOPPED(st), "status %#x", st);
	other = fork();
	ck_assert_int_ge(other, 0);
	if (other == 0) {
		errno = 0;
		if (ptrace(PTRACE_CONT, pid, 0, 0) != -1 || errno != ESRCH)
			_exit(1);
		errno = 0;
		if (ptrace(PTRACE_DETACH, pid, 0, 0) != -1 || errno != ESRCH)
			_exit(2);
		errno = 0;
		if (ptrace(PTRACE_PEEKDATA, pid, (void *)0x400000, 0) != -1 ||
		    errno != ESRCH)
			_exit(3);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(other, &st, 0), other);
	code = WIFEXITED(st) ? WEXITSTATUS(st) : 100;
	detached = ptrace(PTRACE_DETACH, pid, 0, 0);
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(code == 0,
		      "a process that is not the tracer: PTRACE_%s of the remote tracee did not fail with ESRCH",
		      code == 1 ? "CONT" : code == 2 ? "DETACH" :
		      code == 3 ? "PEEKDATA" : "? (it died)");
	ck_assert_msg(detached == 0, "the tracer's own PTRACE_DETACH: %s",
		      strerror(errno));
}
END_TEST

/*
 * The early exit (mutant m-standin-early-exit-untold): a remote process
 * that exits while its stand-in here is still finishing the move (delay
 * rexec_standin holds the stand-in 500 ms between the exec's reply and
 * its exit) sends its exit event first (event_early); the stand-in's own
 * exit must then tell us: SIGCHLD with the remote exit's siginfo.
 */
START_TEST(test_early_exit_told_at_standin_exit)
{
	struct timespec ts = { .tv_sec = 10 };
	long long early = cp_stat("event_early");
	sigset_t set, old;
	siginfo_t si;
	pid_t pid;
	int r, st;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, &old), 0);
	ck_assert_int_eq(cpp_set_delay("rexec_standin", 500000), 0);
	pid = cpp_spawn(2, 0, ARGS("exit", "6"));
	ck_assert_int_eq(cpp_set_delay("rexec_standin", 0), 0);
	memset(&si, 0, sizeof(si));
	r = sigtimedwait(&set, &si, &ts);
	ck_assert_msg(cp_stat("event_early") > early,
		      "the exit event did not come before the stand-in's exit (event_early %lld)",
		      early);
	ck_assert_msg(r == SIGCHLD,
		      "no SIGCHLD in 10 s for a remote child whose exit came early: %s",
		      strerror(errno));
	ck_assert_int_eq(si.si_pid, pid);
	ck_assert_int_eq(si.si_code, CLD_EXITED);
	ck_assert_int_eq(si.si_status, 6);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 6);
	ck_assert_int_eq(sigprocmask(SIG_SETMASK, &old, NULL), 0);
}
END_TEST

/*
 * exit_flush waits (mutant m-exit-flush-no-wait): an exiting parent waits
 * until what it queued (here: the news that its remote child now has
 * another parent) is sent, so that the other node knows before the exit
 * completes. Observable when nobody waits for the parent (its parent
 * ignores SIGCHLD): its pid is released only after that wait. The
 * reparent message is held 1 s (delay reparent_flush), so a parent that
 * did not wait would be gone while node 2 still names it as the child's
 * parent (the cluster ps reports what getppid() answers there).
 */
START_TEST(test_exit_flushed_before_release)
{
	long long hits = cp_stat("point.reparent_flush.hits");
	int p[2], st, got[3] = { 0, 0, 0 };
	ssize_t n;
	pid_t mid;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	ck_assert_int_eq(cpp_set_delay("reparent_flush", 1000000), 0);
	ck_assert_int_eq(pipe(p), 0);
	mid = fork();
	ck_assert_int_ge(mid, 0);
	if (mid == 0) {
		struct cp_ps_proc ps;
		int q[2], out[3];
		pid_t f, c = 0;

		close(p[0]);
		signal(SIGCHLD, SIG_IGN);	/* f is released at its exit */
		if (pipe(q))
			_exit(30);
		f = fork();
		if (f < 0)
			_exit(31);
		if (f == 0) {
			close(q[0]);
			c = cpp_spawn(2, 0, ARGS("sleep", "30000"));
			if (write(q[1], &c, sizeof(c)) != sizeof(c))
				_exit(32);
			_exit(0);
		}
		close(q[1]);
		if (read(q[0], &c, sizeof(c)) != sizeof(c))
			_exit(33);
		while (kill(f, 0) == 0)
			usleep(1000);
		if (cp_ps_scan_pid(2, c, &ps) != 1)
			_exit(34);
		out[0] = c;
		out[1] = ps.ppid;
		out[2] = f;
		if (write(p[1], out, sizeof(out)) != sizeof(out))
			_exit(35);
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], got, sizeof(got));
	close(p[0]);
	ck_assert_int_eq(waitpid(mid, &st, 0), mid);
	ck_assert_int_eq(cpp_set_delay("reparent_flush", 0), 0);
	ck_assert_msg(n == sizeof(got) && WIFEXITED(st) &&
		      WEXITSTATUS(st) == 0, "middle process: status %#x", st);
	kill(got[0], SIGKILL);
	ck_assert_int_eq(waitpid(got[0], &st, 0), got[0]);
	ck_assert_msg(cp_stat("point.reparent_flush.hits") > hits,
		      "no reparent message was sent");
	ck_assert_msg(got[1] == getpid(),
		      "node 2 names %d as the parent of %d once the old parent %d is gone, want us (%d)",
		      got[1], got[0], got[2], getpid());
}
END_TEST

static Suite *edges_suite(void)
{
	Suite *s = suite_create("edges");
	TCase *tc = tcase_create("edges");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_orphaned_pgrp_gets_sighup);
	tcase_add_test(tc, test_move_keeps_pgrp_attached);
	tcase_add_test(tc, test_rescanning_wait_interrupted);
	tcase_add_test(tc, test_reparent_tells_new_parent);
	tcase_add_test(tc, test_ptrace_only_from_tracer);
	tcase_add_test(tc, test_early_exit_told_at_standin_exit);
	tcase_add_test(tc, test_exit_flushed_before_release);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_edges: not all nodes up\n");
	return cp_run_suite(edges_suite(), CK_NORMAL, CK_FORK) ?
		EXIT_FAILURE : EXIT_SUCCESS;
}
