/*
 * Lifetime of the module's per-task state and of what it owns, on the
 * failure and teardown paths a green run rarely takes (the kernel
 * correctness issue, items named in hooks/clusterproc/README.md's test
 * table). Run on node 1 of a 3-node cluster, debug kernel: a double free
 * or use-after-free is a KASAN splat, which fails the run even where the
 * test's own assertions still hold.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "libclusterproc.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* A uid no other process of the node has: its RLIMIT_NPROC count is ours. */
#define LONE_UID 4242

static int wait_exit(pid_t pid)
{
	int st = -1;
	pid_t r;

	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	ck_assert_msg(r == pid, "waitpid(%d): %d (%s)", pid, r,
		      strerror(errno));
	ck_assert_msg(WIFEXITED(st), "pid %d: status %#x, not an exit", pid,
		      st);
	return WEXITSTATUS(st);
}

/* exec_node as /proc/clusterproc/exec_node reads it, or -1 */
static int read_exec_node(void)
{
	char buf[16] = "";
	FILE *f = fopen(CP_PROC_DIR "/exec_node", "r");
	int n = -1;

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f) || sscanf(buf, "%d", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

/* waitpid(pid, flags | WNOHANG) every 50 ms for up to ms: its result */
static pid_t wait_within(pid_t pid, int *st, int flags, int ms)
{
	pid_t r = 0;

	for (int t = 0; t <= ms && r == 0; t += 50) {
		r = waitpid(pid, st, flags | WNOHANG);
		if (r == 0)
			cp_sleep_ms(50);
	}
	return r;
}

/*
 * Item 1: a fork that fails after dup_task_struct() (here RLIMIT_NPROC)
 * ends in free_task() of the copy. The copy must not carry its parent's
 * state pointer there: the task_free op would free the parent's state,
 * and the parent then reads it (use-after-free) and frees it again at
 * its exit. The child of this test: an unprivileged uid with state (it
 * sets exec_node to its own node), RLIMIT_NPROC 1, forks.
 * Exit codes: 0 fine, 10+n a step failed.
 */
static int fork_at_nproc_limit(void)
{
	struct rlimit one = { 1, 1 };
	int self = cp_self_node();
	char node[16];
	pid_t pid;

	if (self < 1)
		return 10;
	if (setgroups(0, NULL) || setgid(LONE_UID) || setuid(LONE_UID))
		return 11;
	snprintf(node, sizeof(node), "%d", self);
	if (cp_write_file(CP_PROC_DIR "/exec_node", node))
		return 12;
	if (setrlimit(RLIMIT_NPROC, &one))
		return 13;
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid > 0 || errno != EAGAIN)
		return 14;
	/* our state is still ours: the value we wrote */
	if (read_exec_node() != self)
		return 15;
	return 0;
}

START_TEST(test_fork_fail_keeps_state)
{
	long long freed = cp_stat("hook_task_free");
	pid_t pid = fork();
	int code;

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(fork_at_nproc_limit());
	code = wait_exit(pid);
	ck_assert_msg(code == 0, "child: step %d failed (15: state lost)",
		      code);
	/*
	 * One task_free with state: the child's own, an RCU grace period
	 * after its reap. The failed fork's copy must not add a second.
	 */
	cp_wait_stat("hook_task_free", freed + 1, 5000);
	cp_sleep_ms(300);
	ck_assert_int_eq(cp_stat("hook_task_free"), freed + 1);
}
END_TEST

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Set delay_us/POINT on node (through cp_rchild there). */
static void set_delay_on(int node, const char *point, const char *us)
{
	pid_t pid = cpp_spawn(node, 0, ARGS("delay", point, us));

	ck_assert_msg(wait_exit(pid) == 0, "delay %s on node %d", point, node);
}

struct tracer_thread {
	pid_t tracee;
	int attach_err;		/* errno of the attach, or 0 */
	int wait_status;
	int go;			/* the other thread's detach is in flight */
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

/* The tracing thread: attach, see the stop, wait for go, exit. */
static void *tracer_fn(void *arg)
{
	struct tracer_thread *t = arg;

	if (ptrace(PTRACE_ATTACH, t->tracee, 0, 0) != 0)
		t->attach_err = errno;
	else if (waitpid(t->tracee, &t->wait_status, __WALL) != t->tracee)
		t->attach_err = errno;
	pthread_mutex_lock(&t->lock);
	while (!t->go)
		pthread_cond_wait(&t->cond, &t->lock);
	pthread_mutex_unlock(&t->lock);
	return NULL;	/* the thread exits: __ptrace_unlink() of the link */
}

struct detacher {
	pid_t tracee;
	long ret;
	int err;
};

static void *detach_fn(void *arg)
{
	struct detacher *d = arg;

	d->ret = ptrace(PTRACE_DETACH, d->tracee, 0, 0);
	d->err = d->ret ? errno : 0;
	return NULL;
}

/*
 * Item 2: a remote tracee's link must outlive every user that found it
 * and sleeps in a remote call, and ptrace requests are the tracing
 * thread's alone (as ptrace_check_attach() has it). Thread A attaches to
 * a process on node 2; thread B of the same group asks PTRACE_DETACH
 * while node 2 delays every request by 1 s; A exits meanwhile, which
 * unlinks the link and queues its remote detach. Before: B's detach was
 * forwarded (any thread of the group matched), succeeded, and freed the
 * link a second time (list_del of an unlisted entry, double free). Base
 * semantics, asserted here: B gets ESRCH at once; A's exit detaches the
 * tracee, which then runs on and is killed and reaped normally.
 */
START_TEST(test_ptrace_link_tracer_exits)
{
	struct tracer_thread t = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	struct detacher d;
	pthread_t a, b;
	int st;

	t.tracee = cpp_spawn(2, 0, ARGS("sleep", "30000"));
	d.tracee = t.tracee;
	ck_assert_int_eq(pthread_create(&a, NULL, tracer_fn, &t), 0);
	/* A is attached once the stop was seen */
	for (int i = 0; i < 200 && !t.wait_status && !t.attach_err; i++)
		cp_sleep_ms(25);
	ck_assert_msg(!t.attach_err, "attach: %s", strerror(t.attach_err));
	ck_assert_msg(WIFSTOPPED(t.wait_status) &&
		      WSTOPSIG(t.wait_status) == SIGSTOP, "status %#x",
		      t.wait_status);
	set_delay_on(2, "svr_dispatch", "1000000");
	ck_assert_int_eq(pthread_create(&b, NULL, detach_fn, &d), 0);
	cp_sleep_ms(300);
	pthread_mutex_lock(&t.lock);
	t.go = 1;
	pthread_cond_signal(&t.cond);
	pthread_mutex_unlock(&t.lock);
	ck_assert_int_eq(pthread_join(a, NULL), 0);
	ck_assert_int_eq(pthread_join(b, NULL), 0);
	set_delay_on(2, "svr_dispatch", "0");
	ck_assert_msg(d.ret == -1 && d.err == ESRCH,
		      "detach by a thread that is not the tracer: %ld (%s)",
		      d.ret, strerror(d.err));
	/* detached by A's exit: SIGTERM now ends it */
	ck_assert_int_eq(kill(t.tracee, SIGTERM), 0);
	ck_assert_int_eq(waitpid(t.tracee, &st, 0), t.tracee);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
		      "tracee status %#x", st);
}
END_TEST

/* A local child that stops itself (SIGSTOP) once traced, then waits. */
static pid_t local_tracee(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		for (;;)
			pause();
	}
	return pid;
}

/*
 * Item 3: a remote tracee with nothing to report must not hide a local
 * tracee that has a stop to report. The remote one is attached last, so
 * it is first in ->ptraced. Before: the wait_task op blocked up to 1 s on
 * the tracee's node, returned CLUSTERPROC_WAIT_RESCAN, and do_wait()
 * restarted the scan at the remote tracee again: waitpid(-1) never
 * returned (here: the waiting child is killed by its alarm, exit status
 * SIGALRM). After: waitpid(-1) reports the local stop.
 */
START_TEST(test_ptrace_wait_any_not_starved)
{
	pid_t remote = cpp_spawn(2, 0, ARGS("sleep", "30000"));
	pid_t waiter = fork();
	int st;

	ck_assert_int_ge(waiter, 0);
	if (waiter == 0) {
		pid_t local = local_tracee(), r;

		/* Check's inherited SIGALRM handler is not ours: die of it */
		signal(SIGALRM, SIG_DFL);
		alarm(10);
		if (ptrace(PTRACE_ATTACH, local, 0, 0) ||
		    ptrace(PTRACE_ATTACH, remote, 0, 0))
			_exit(10);
		/* the remote attach stop, then let it run: nothing to report */
		if (waitpid(remote, &st, __WALL) != remote ||
		    !WIFSTOPPED(st) || ptrace(PTRACE_CONT, remote, 0, 0))
			_exit(11);
		r = waitpid(-1, &st, __WALL);
		if (r != local || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP)
			_exit(12);
		kill(local, SIGKILL);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(waiter, &st, 0), waiter);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "waiter status %#x (signal 14: waitpid(-1) starved)", st);
	/* its tracer is gone: detached, SIGTERM ends it */
	ck_assert_int_eq(kill(remote, SIGTERM), 0);
	ck_assert_int_eq(waitpid(remote, &st, 0), remote);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
		      "remote tracee status %#x", st);
}
END_TEST

/*
 * Item 3: WNOHANG never waits for the network, and still reports a stop
 * the tracee's node has. Before: the op returned "nothing" for every
 * WNOHANG wait of a remote tracee, so the attach stop never showed.
 */
START_TEST(test_ptrace_wnohang_reports)
{
	pid_t remote = cpp_spawn(2, 0, ARGS("sleep", "30000")), r;
	int st = 0;

	ck_assert_int_eq(ptrace(PTRACE_ATTACH, remote, 0, 0), 0);
	r = wait_within(remote, &st, __WALL, 5000);
	ck_assert_msg(r == remote, "waitpid(WNOHANG): %d (%s) for 5 s", r,
		      strerror(errno));
	ck_assert_msg(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "status %#x",
		      st);
	/* reported once: a second WNOHANG wait has nothing */
	ck_assert_int_eq(waitpid(remote, &st, __WALL | WNOHANG), 0);
	ck_assert_int_eq(ptrace(PTRACE_DETACH, remote, 0, 0), 0);
	ck_assert_int_eq(kill(remote, SIGTERM), 0);
	ck_assert_int_eq(waitpid(remote, &st, 0), remote);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
		      "tracee status %#x", st);
}
END_TEST

/*
 * Item 7: a remote child (parent here, process on node 2) whose second
 * thread execs: de_thread() gives that thread the process's pid and
 * releases the old leader. The module's state (parent on node 1) must
 * move to the new leader. Before: it was freed with the old leader, the
 * new leader's exit was autoreaped on node 2 and this wait hung for ever
 * (here: no report within 20 s).
 */
START_TEST(test_rchild_exec_from_thread)
{
	pid_t pid = cpp_spawn(2, 0, ARGS("threadexec", "5"));
	int st = 0;
	pid_t r = wait_within(pid, &st, 0, 20000);

	ck_assert_msg(r == pid, "waitpid: %d (%s): no exit reported in 20 s",
		      r, strerror(errno));
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 5, "status %#x",
		      st);
}
END_TEST

/*
 * Item 12: an exiting task waits only for the messages it queued itself,
 * not for the node's whole outbound queue. Node 1 (the parents' node)
 * delays every request it serves by 2.5 s; two remote children on node 2
 * exit, so that their events wait in node 2's queue (one sent at a time).
 * Then a process on node 2 with no remote relation exits, a thread first
 * (the child of cp_rchild flushorder there): its reap, which waits for
 * the thread's release at the end of its exit_notify(), must not wait
 * for those events (notify_sent on node 2 unchanged across it). Before:
 * every exit with a non-empty queue did flush_work() of the whole queue
 * (flushorder exits 1).
 */
START_TEST(test_exit_waits_only_for_own_events)
{
	long long notified = cpp_stat(2, "hook_notify_parent");
	char b[32];
	pid_t r, r2, r3;

	snprintf(b, sizeof(b), "%lld", notified + 2);
	r = cpp_spawn(2, 0, ARGS("flushorder", b));
	ck_assert_int_eq(cpp_set_delay("svr_dispatch", 2500000), 0);
	r2 = cpp_spawn(2, 0, ARGS("exit", "0"));
	r3 = cpp_spawn(2, 0, ARGS("exit", "0"));
	ck_assert_msg(wait_exit(r) == 0,
		      "flushorder: the unrelated exit waited for others' events (1) or the events never came (2)");
	ck_assert_int_eq(cpp_set_delay("svr_dispatch", 0), 0);
	ck_assert_int_eq(wait_exit(r2), 0);
	ck_assert_int_eq(wait_exit(r3), 0);
}
END_TEST

/* How test_signal_reaches_moved sends SIGTERM (its loop index). */
static long send_sigterm(int how, pid_t pid)
{
	siginfo_t si;
	long r;
	int fd;

	switch (how) {
	case 0:
		fd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (fd < 0)
			return -1;
		r = syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0);
		close(fd);
		return r;
	case 1:
		return syscall(SYS_tkill, pid, SIGTERM);
	case 2:
		return syscall(SYS_tgkill, pid, pid, SIGTERM);
	default:
		memset(&si, 0, sizeof(si));
		si.si_signo = SIGTERM;
		si.si_code = SI_QUEUE;
		si.si_pid = getpid();
		si.si_uid = getuid();
		return syscall(SYS_rt_sigqueueinfo, pid, SIGTERM, &si);
	}
}

/*
 * Item 13: SIGTERM to a process that moved to node 2, through
 * pidfd_send_signal(), tkill(), tgkill() and rt_sigqueueinfo(), from its
 * parent's node: the call succeeds and the process dies of it. Before:
 * the signal hit the stand-in here, was dropped, and the call returned
 * 0; the process slept on (no exit within 10 s).
 */
START_TEST(test_signal_reaches_moved)
{
	static const char *const how[] = { "pidfd_send_signal", "tkill",
					   "tgkill", "rt_sigqueueinfo" };
	pid_t pid = cpp_spawn(2, 0, ARGS("sleep", "30000")), r;
	int st = 0;

	ck_assert_int_eq(cp_where(pid), 2);
	ck_assert_msg(send_sigterm(_i, pid) == 0, "%s: %s", how[_i],
		      strerror(errno));
	r = wait_within(pid, &st, 0, 10000);
	if (r == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	ck_assert_msg(r == pid, "%s returned 0 but the process lives on",
		      how[_i]);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
		      "%s: status %#x", how[_i], st);
}
END_TEST

/*
 * Item 6: a remote child's death is never lost to a failed allocation.
 * The child on node 2 makes the N-th allocation that may fail in its own
 * exit fail (FAILSLAB through /proc/thread-self/fail-nth: with failslab's
 * default ignore-gfp-wait, the atomic ones, as the record hooks' under
 * tasklist_lock), N = 1..16; its parent here must get every exit status
 * (on qemu-debug the exit's first atomic allocations are 9p's, closing
 * its files; the record hook's came 11th once). Before (the record
 * hooks allocating with GFP_ATOMIC): "fail-nth 11: ... no exit reported
 * in 20 s", cp_queue_event() in the FAULT_INJECTION stack on node 2.
 * Needs fault injection on node 2 (the qemu-debug kernel): a UML node
 * has none (the child exits 98), which passes only if this node has none
 * either (an all-UML cluster).
 */
START_TEST(test_death_survives_failed_allocation)
{
	char n[16], code[16];
	pid_t pid, r;
	int st = 0;

	snprintf(n, sizeof(n), "%d", _i);
	snprintf(code, sizeof(code), "%d", 40 + _i);
	pid = cpp_spawn(2, 0, ARGS("failexit", n, code));
	r = wait_within(pid, &st, 0, 20000);
	ck_assert_msg(r == pid, "fail-nth %d: waitpid: %d (%s): no exit reported in 20 s",
		      _i, r, strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 98 &&
	    access("/proc/thread-self/fail-nth", F_OK)) {
		fprintf(stderr, "test_lifetime: no fault injection on nodes 1 and 2 (UML): fail-nth %d not tried\n",
			_i);
		return;
	}
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 40 + _i,
		      "fail-nth %d: status %#x, expected exit %d", _i, st,
		      40 + _i);
}
END_TEST

#define REXEC_TIMEOUT "/sys/module/clusterproc/parameters/rexec_timeout_ms"

/*
 * Item 11, remote exec: a REXEC whose call times out while node 2 still
 * runs it. Node 1 waits 3 s for the answer (rexec_timeout_ms 1000, but
 * never less than call_timeout_ms); node 2 starts the exec 4.5 s after
 * the request came (delay rexec_spawn).
 * Before, the caller's execve() failed with ETIMEDOUT and it ran on
 * here while node 2 started the same pid: two live processes. Now node 1
 * asks node 2 what became of the request (CP_MSG_REXEC_SETTLE) and
 * learns that the process runs there: the move succeeds. _i == 1: the
 * program does not exist: the settle answers ENOENT, the execve fails
 * with it and nothing runs on node 2.
 */
START_TEST(test_rexec_timeout_settles)
{
	struct cpp_mark m[] = {
		CPP_MARK(1, _i ? "rexec_settled_failed" : "rexec_settled_ran"),
		CPP_MARK(2, "svr_rexec_settle"),
	};
	char path[256];
	char *argv[] = { path, "sleep", "2000", NULL };
	struct cp_ps_proc ps;
	int fds[2], err = 0, w = 0;
	ssize_t n;
	pid_t pid;

	cpp_prog_path("cp_rchild", path, sizeof(path));
	if (_i)
		snprintf(path, sizeof(path), "/nonexistent/cp_rchild");
	cpp_marks_take(m, 2);
	set_delay_on(2, "rexec_spawn", "4500000");
	ck_assert_int_eq(cp_write_file(REXEC_TIMEOUT, "1000"), 0);
	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		cp_rexecve(2, path, argv, environ);
		err = errno;
		if (write(fds[1], &err, sizeof(err)) != sizeof(err))
			_exit(101);
		/* still here: while node 2 may run this pid too */
		cp_sleep_ms(5000);
		_exit(100);
	}
	close(fds[1]);
	do
		n = read(fds[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(fds[0]);
	/* on node 2 (also, if the failed move runs on here) within 4 s? */
	for (int t = 0; t < 4000 && !(w = cp_ps_scan_pid(2, pid, &ps)); t += 200)
		cp_sleep_ms(200);
	/* the next test's moves: no timeout, no delay */
	ck_assert_int_eq(cp_write_file(REXEC_TIMEOUT, "30000"), 0);
	set_delay_on(2, "rexec_spawn", "0");
	if (_i == 0) {
		ck_assert_msg(n == 0,
			      "the move of %d failed (%s) after its call timed out; it ran on here, and node 2 %s",
			      pid, n == sizeof(err) ? strerror(err) : "?",
			      w == 1 ? "ran it too" : "did not run it");
		ck_assert_int_eq(wait_exit(pid), 0);
	} else {
		ck_assert_msg(n == sizeof(err) && err == ENOENT,
			      "remote exec of a missing program after a timeout: read %zd, %s, want ENOENT",
			      n, n == sizeof(err) ? strerror(err) : "moved");
		ck_assert_int_eq(wait_exit(pid), 100);
		ck_assert_msg(w == 0, "node 2 runs %d although its exec failed",
			      pid);
	}
	cpp_marks_assert_rose(m, 2, "rexec settled");
}
END_TEST

/*
 * Item 11, reap: a REAP call that times out after the child's node has
 * reaped the child. The child (on node 2) sets node 2's reap_done delay
 * to 4.5 s and exits 0: node 2 reaps it at our wait and replies 4.5 s
 * later, after our 3 s call timeout. Before, the wait asked again, node 2
 * had no such child any more and we reported the exit as lost (killed by
 * SIGKILL, no rusage). Now node 2 answers the retry from its record of
 * the reap (reap_replayed) and the wait reports exit 0.
 */
START_TEST(test_reap_timeout_keeps_status)
{
	struct cpp_mark m[] = { CPP_MARK(2, "reap_replayed") };
	pid_t pid, r;
	int st = 0;

	cpp_marks_take(m, 1);
	pid = cpp_spawn(2, 0, ARGS("delay", "reap_done", "4500000"));
	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	set_delay_on(2, "reap_done", "0");
	ck_assert_int_eq(r, pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "remote child reaped by a timed-out call: status %#x, want exit 0",
		      st);
	cpp_marks_assert_rose(m, 1, "reap settled");
}
END_TEST

static Suite *lifetime_suite(void)
{
	Suite *s = suite_create("lifetime");
	TCase *tc;

	/* one case per item: CK_RUN_CASE=<name> runs one alone */
	tc = tcase_create("fork");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fork_fail_keeps_state);
	suite_add_tcase(s, tc);
	tc = tcase_create("ptrace_link");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ptrace_link_tracer_exits);
	suite_add_tcase(s, tc);
	tc = tcase_create("ptrace_wait");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ptrace_wait_any_not_starved);
	tcase_add_test(tc, test_ptrace_wnohang_reports);
	suite_add_tcase(s, tc);
	tc = tcase_create("de_thread");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_rchild_exec_from_thread);
	suite_add_tcase(s, tc);
	tc = tcase_create("exit_flush");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_exit_waits_only_for_own_events);
	suite_add_tcase(s, tc);
	tc = tcase_create("signals");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_signal_reaches_moved, 0, 4);
	suite_add_tcase(s, tc);
	tc = tcase_create("rexec_timeout");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_rexec_timeout_settles, 0, 2);
	tcase_add_test(tc, test_reap_timeout_keeps_status);
	suite_add_tcase(s, tc);
	tc = tcase_create("fault_exit");
	tcase_set_timeout(tc, 400);
	tcase_add_loop_test(tc, test_death_survives_failed_allocation, 1, 17);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_lifetime: not all nodes up\n");
	return cp_run_suite(lifetime_suite(), CK_NORMAL, CK_FORK) ?
		EXIT_FAILURE : EXIT_SUCCESS;
}
