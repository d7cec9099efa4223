/*
 * Remote exec and remote children, run on node 1 of a
 * 3-node cluster: a child of this test execs on node 2 (or 3) with
 * cp_rexecvp() and keeps its pid; the test asserts on what the kernel
 * returns here: wait status, waitid siginfo, SIGCHLD siginfo, rusage,
 * errno, /proc/clusterproc/where, the module's counters; and on the exit
 * status of cp_rchild, which checks getppid()/getpid()/its node there.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "libclusterproc.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static char buf_a[32], buf_b[32], buf_c[32];

static const char *num(char *buf, long v)
{
	snprintf(buf, 32, "%ld", v);
	return buf;
}

static int wait_status(pid_t pid, int flags)
{
	int st = -1;
	pid_t r;

	do
		r = waitpid(pid, &st, flags);
	while (r < 0 && errno == EINTR);
	ck_assert_msg(r == pid, "waitpid(%d): %d (%s)", pid, r,
		      strerror(errno));
	return st;
}

static void assert_exit(pid_t pid, int code)
{
	int st = wait_status(pid, 0);

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == code,
		      "pid %d: status %#x, want exit %d", pid, st, code);
}

START_TEST(test_pid_range)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	ck_assert_uint_eq(CP_PID_NODE(pid), 1);
	ck_assert_int_eq(cp_self_node(), 1);
	assert_exit(pid, 0);
}
END_TEST

/* The first line: onnode 2 sh -c 'exit 7'; echo $? gives 7 */
START_TEST(test_onnode_exit_status)
{
	long long ok = cp_stat("rexec_ok"), reaped = cp_stat("wait_reaped");
	long long svr = cpp_stat(2, "svr_rexec");
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		execlp("sh", "sh", "-c", "onnode 2 sh -c 'exit 7'; exit $?",
		       (char *)NULL);
		_exit(126);
	}
	assert_exit(pid, 7);
	ck_assert_int_eq(cp_stat("rexec_ok"), ok + 1);
	ck_assert_int_eq(cp_stat("wait_reaped"), reaped + 1);
	ck_assert_int_eq(cpp_stat(2, "svr_rexec"), svr + 1);
}
END_TEST

/* a remote shell moves its own children on: 1 -> 2 -> 3, 2 -> 1 */
START_TEST(test_nested)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		execlp("onnode", "onnode", "2", "sh", "-c",
		       "onnode 3 sh -c 'exit 3'; r=$?; "
		       "onnode 1 sh -c \"exit $((r + 1))\"; exit $?",
		       (char *)NULL);
		_exit(126);
	}
	assert_exit(pid, 4);
}
END_TEST

START_TEST(test_onnode_not_found)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		execlp("onnode", "onnode", "2", "/nonexistent/prog",
		       (char *)NULL);
		_exit(126);
	}
	assert_exit(pid, 127);
}
END_TEST

/* Same pid, pgrp and session there, getppid() there is our pid, node 2 */
START_TEST(test_identity_there)
{
	pid_t me = getpid(), pid;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char path[PATH_MAX], pg[32], sid[32];
		char *argv[] = { path, "check", buf_a, buf_b, "2", pg, sid,
				 NULL };

		cpp_prog_path("cp_rchild", path, sizeof(path));
		num(buf_a, me);
		num(buf_b, getpid());
		num(pg, getpgrp());	/* its group and session stay */
		num(sid, getsid(0));
		cp_rexecvp(2, path, argv);
		_exit(126);
	}
	assert_exit(pid, 0);
}
END_TEST

/* its credentials there: an unprivileged user stays unprivileged */
START_TEST(test_creds_there)
{
	sigset_t set;
	siginfo_t si;
	struct timespec ts = { 10, 0 };
	pid_t pid;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char path[PATH_MAX];
		char *argv[] = { path, "creds", "65534", NULL };

		cpp_prog_path("cp_rchild", path, sizeof(path));
		if (setgid(65534) || setuid(65534))
			_exit(125);
		cp_rexecvp(3, path, argv);
		_exit(126);
	}
	ck_assert_int_eq(sigtimedwait(&set, &si, &ts), SIGCHLD);
	ck_assert_int_eq(si.si_pid, pid);
	ck_assert_int_eq(si.si_uid, 65534);
	assert_exit(pid, 0);
	ck_assert_int_eq(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
}
END_TEST

/* where PID: 2 while it runs there (asked here and from node 3), cps too */
START_TEST(test_where_and_cps)
{
	pid_t pid = cpp_spawn(2, 0, ARGS("sleep", "3000")), w;
	struct cp_ps_proc ps;

	ck_assert_int_eq(cpp_wait_where(pid, 2, 5000), 0);
	w = cpp_spawn(3, 0, ARGS("where", num(buf_a, pid), "2"));
	assert_exit(w, 0);
	ck_assert_int_eq(cp_ps_scan_pid(2, pid, &ps), 1);
	ck_assert_int_eq(ps.ppid, getpid());
	ck_assert_int_eq(cp_ps_scan_pid(1, pid, &ps), 0);	/* stand-in hidden */
	assert_exit(pid, 0);
	errno = 0;
	ck_assert_int_eq(cp_where(pid), -1);
	ck_assert_int_eq(errno, ESRCH);
}
END_TEST

/* kill from node 3, reap here: WIFSIGNALED, SIGCHLD's siginfo */
START_TEST(test_kill_from_node3)
{
	sigset_t set;
	siginfo_t si;
	struct timespec ts = { 10, 0 };
	pid_t pid, k;
	int st;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	pid = cpp_spawn(2, 0, ARGS("sleep", "30000"));
	ck_assert_int_eq(cpp_wait_where(pid, 2, 5000), 0);
	k = cpp_spawn(3, 0, ARGS("kill", num(buf_a, pid), "15"));
	assert_exit(k, 0);
	/*
	 * A SIGCHLD comes; it is ours or the killer's: SIGCHLD does not
	 * queue, so when both children die before we look, the second is
	 * merged into the first (on one machine too). The killed child's
	 * own fields are then checked in waitid()'s siginfo.
	 */
	ck_assert_msg(sigtimedwait(&set, &si, &ts) == SIGCHLD,
		      "no SIGCHLD: %s", strerror(errno));
	ck_assert_msg(si.si_pid == pid || si.si_pid == k, "SIGCHLD from %d",
		      si.si_pid);
	if (si.si_pid == pid) {
		ck_assert_int_eq(si.si_code, CLD_KILLED);
		ck_assert_int_eq(si.si_status, SIGTERM);
	}
	memset(&si, 0, sizeof(si));
	ck_assert_int_eq(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	ck_assert_int_eq(si.si_pid, pid);
	ck_assert_int_eq(si.si_code, CLD_KILLED);
	ck_assert_int_eq(si.si_status, SIGTERM);
	st = wait_status(pid, 0);
	ck_assert(WIFSIGNALED(st));
	ck_assert_int_eq(WTERMSIG(st), SIGTERM);
	errno = 0;
	ck_assert_int_eq(waitpid(pid, &st, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	ck_assert_int_eq(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
}
END_TEST

/* SIGTERM blocked here: it must not be pending after kill(-pgrp) */
static void assert_sender_spared(const sigset_t *set)
{
	struct timespec zero = { 0, 0 };
	siginfo_t si;

	if (sigtimedwait(set, &si, &zero) == SIGTERM)
		ck_abort_msg("the sender %d got SIGTERM from %d (si_code %d)",
			     getpid(), si.si_pid, si.si_code);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(sigprocmask(SIG_UNBLOCK, set, NULL), 0);
}

static void block_sigterm(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, set, NULL), 0);
}

static void assert_killed_by(pid_t pid, int sig, const char *who)
{
	int st = wait_status(pid, 0);

	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == sig,
		      "%s %d: status %#x, not killed by %d", who, pid, st, sig);
}

/* kill(-pgrp) reaches a group member that moved to node 2 */
START_TEST(test_kill_pgrp_moved)
{
	pid_t leader = cpp_spawn(1, 1, ARGS("sleep", "30000"));
	pid_t member = cpp_spawn_in(2, leader, ARGS("sleep", "30000"));
	sigset_t set;

	ck_assert_int_eq(cp_where(member), 2);
	ck_assert_int_eq(getpgid(leader), leader);
	ck_assert_int_ne(getpgrp(), leader);
	/* the sender is not in the group: it must not get the signal */
	block_sigterm(&set);
	ck_assert_int_eq(kill(-leader, SIGTERM), 0);
	assert_killed_by(member, SIGTERM, "member");
	assert_killed_by(leader, SIGTERM, "leader");
	assert_sender_spared(&set);
}
END_TEST

/*
 * kill(-pgrp) while a member is moving to node 2 (the delay point
 * rexec_moving holds it 300 ms before it asks node 2; the test waits for
 * the point's hit count): the signal is queued to the task here, which
 * is not a stand-in yet and still runs here for cp_where(); it
 * must still reach the process on node 2. _i == 0: SIGTERM is fatal
 * (default action), so the move waits for its outcome (call_outcome_wait);
 * _i == 1: the member catches SIGTERM until its exec (the signal stays
 * queued). Either way the stand-in forwards it (rexec_sig_forwarded).
 */
START_TEST(test_kill_pgrp_moving)
{
	long long fwd = cp_stat("rexec_sig_forwarded");
	long long outcome = cp_stat("call_outcome_wait");
	long long hits = cp_stat("point.rexec_moving.hits");
	pid_t leader = cpp_spawn(1, 1, ARGS("sleep", "30000")), member;
	char path[PATH_MAX];
	char *argv[] = { path, "sleep", "30000", NULL };
	sigset_t set;

	cpp_prog_path("cp_rchild", path, sizeof(path));
	ck_assert_int_eq(cpp_set_delay("rexec_moving", 300000), 0);
	member = fork();
	ck_assert_int_ge(member, 0);
	if (member == 0) {
		signal(SIGTERM, _i == 0 ? SIG_DFL : cpp_noop_handler);
		if (setpgid(0, leader))
			_exit(125);
		cp_rexecvp(2, path, argv);
		_exit(126);
	}
	if (setpgid(member, leader) && errno != EACCES)
		ck_abort_msg("setpgid: %s", strerror(errno));
	for (int t = 0; cp_stat("point.rexec_moving.hits") == hits; t += 5) {
		ck_assert_msg(t < 5000, "the member never started its move");
		cp_sleep_ms(5);
	}
	ck_assert_int_eq(cp_where(member), 1);
	block_sigterm(&set);
	ck_assert_int_eq(kill(-leader, SIGTERM), 0);
	assert_killed_by(member, SIGTERM, "member");
	assert_killed_by(leader, SIGTERM, "leader");
	ck_assert_int_eq(cpp_set_delay("rexec_moving", 0), 0);
	assert_sender_spared(&set);
	ck_assert_int_gt(cp_stat("rexec_sig_forwarded"), fwd);
	if (_i == 0)
		ck_assert_int_gt(cp_stat("call_outcome_wait"), outcome);
}
END_TEST

/*
 * exec keeps the signal mask, ignored signals and pending signals
 * (POSIX): so does a remote exec. The child blocks SIGUSR1, raises it
 * (pending), ignores SIGHUP, then execs on node 2, where cp_rchild
 * checks all three (exit 0).
 */
START_TEST(test_exec_keeps_signals)
{
	long long fwd = cp_stat("rexec_sig_forwarded");
	char path[PATH_MAX];
	char *argv[] = { path, "sigstate", "5000", NULL };
	pid_t pid;

	cpp_prog_path("cp_rchild", path, sizeof(path));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		if (sigprocmask(SIG_BLOCK, &set, NULL) || raise(SIGUSR1) ||
		    signal(SIGHUP, SIG_IGN) == SIG_ERR)
			_exit(125);
		cp_rexecvp(2, path, argv);
		_exit(126);
	}
	assert_exit(pid, 0);
	ck_assert_int_gt(cp_stat("rexec_sig_forwarded"), fwd);
}
END_TEST

/* SIGCHLD for an exit: CLD_EXITED, si_status, si_pid */
START_TEST(test_sigchld_exit)
{
	sigset_t set;
	siginfo_t si;
	struct timespec ts = { 10, 0 };
	pid_t pid;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	pid = cpp_spawn(3, 0, ARGS("exit", "42"));
	ck_assert_int_eq(sigtimedwait(&set, &si, &ts), SIGCHLD);
	ck_assert_int_eq(si.si_pid, pid);
	ck_assert_int_eq(si.si_code, CLD_EXITED);
	ck_assert_int_eq(si.si_status, 42);
	ck_assert_int_eq(si.si_uid, getuid());
	assert_exit(pid, 42);
	ck_assert_int_eq(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
}
END_TEST

static void *sigchld_taker(void *arg)
{
	siginfo_t *si = arg;
	struct timespec ts = { 10, 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (sigtimedwait(&set, si, &ts) != SIGCHLD)
		si->si_signo = 0;
	return NULL;
}

/*
 * SIGCHLD is process-directed, as for a local child: a second thread
 * waiting for it gets it (a thread-directed one would stay pending on
 * the main thread, unseen by the other).
 */
START_TEST(test_sigchld_any_thread)
{
	siginfo_t si;
	sigset_t set;
	pthread_t th;
	pid_t pid;

	memset(&si, 0, sizeof(si));
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	ck_assert_int_eq(pthread_create(&th, NULL, sigchld_taker, &si), 0);
	pid = cpp_spawn(2, 0, ARGS("exit", "9"));
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_msg(si.si_signo == SIGCHLD,
		      "the other thread got no SIGCHLD in 10 s");
	ck_assert_int_eq(si.si_pid, pid);
	ck_assert_int_eq(si.si_code, CLD_EXITED);
	ck_assert_int_eq(si.si_status, 9);
	assert_exit(pid, 9);
	ck_assert_int_eq(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
}
END_TEST

/*
 * ptrace of a process that moved away from here: the pid names a local
 * stand-in, yet attach, waitpid (its SIGSTOP stop), PEEKDATA, POKEDATA
 * and detach reach the process on node 2, which then finds the poked
 * word and exits 1; waitpid reaps it as our child. Attached until the
 * word is there (the exec is done, its first lines maybe not).
 */
START_TEST(test_trace_moved)
{
	pid_t pid = cpp_spawn(2, 0, ARGS("word", "30000"));
	long word = 0;
	int st, t;

	ck_assert_int_eq(cp_where(pid), 2);
	for (t = 0; t < 5000; t += 50) {
		ck_assert_msg(ptrace(PTRACE_ATTACH, pid, 0, 0) == 0,
			      "attach: %s", strerror(errno));
		ck_assert_int_eq(waitpid(pid, &st, __WALL), pid);
		ck_assert_msg(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
			      "status %#x", st);
		errno = 0;
		word = ptrace(PTRACE_PEEKDATA, pid, CP_WORD_ADDR, 0);
		if (errno == 0 && (unsigned long)word == CP_WORD)
			break;
		ck_assert_int_eq(ptrace(PTRACE_DETACH, pid, 0, 0), 0);
		cp_sleep_ms(50);
	}
	ck_assert_msg((unsigned long)word == CP_WORD, "word %#lx", word);
	ck_assert_int_eq(ptrace(PTRACE_POKEDATA, pid, CP_WORD_ADDR, CP_WORD2),
			 0);
	errno = 0;
	word = ptrace(PTRACE_PEEKDATA, pid, CP_WORD_ADDR, 0);
	ck_assert_int_eq(errno, 0);
	ck_assert_msg((unsigned long)word == CP_WORD2, "poked %#lx", word);
	ck_assert_int_eq(ptrace(PTRACE_DETACH, pid, 0, 0), 0);
	assert_exit(pid, 1);
}
END_TEST

/* /sys/module/clusterproc/refcnt, once two reads 100 ms apart agree */
static long module_refs(void)
{
	long prev = -2, v = -1;

	for (int i = 0; i < 30 && v != prev; i++) {
		FILE *f = fopen("/sys/module/clusterproc/refcnt", "r");

		ck_assert_ptr_nonnull(f);
		prev = v;
		ck_assert_int_eq(fscanf(f, "%ld", &v), 1);
		fclose(f);
		if (v != prev)
			cp_sleep_ms(100);
	}
	return v;
}

/*
 * A stand-in pins the module (rmmod: EBUSY) until it is reaped: its
 * state (what to report, where the process runs) lives in the module.
 */
START_TEST(test_standin_pins_module)
{
	long before = module_refs(), during;
	pid_t pid = cpp_spawn(2, 0, ARGS("sleep", "30000"));

	during = module_refs();
	ck_assert_msg(during > before, "refcnt %ld with a stand-in, %ld before",
		      during, before);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	assert_killed_by(pid, SIGKILL, "sleeper");
	ck_assert_int_le(module_refs(), during - 1);
}
END_TEST

/* WNOHANG, WNOWAIT, then exactly one reap; waitid fields */
START_TEST(test_waitid_variants)
{
	siginfo_t si;
	pid_t pid = cpp_spawn(2, 0, ARGS("sleep", "700"));
	int st;

	ck_assert_int_eq(cpp_wait_where(pid, 2, 5000), 0);
	ck_assert_int_eq(waitpid(pid, &st, WNOHANG), 0);
	memset(&si, 0, sizeof(si));
	ck_assert_int_eq(waitid(P_PID, pid, &si, WEXITED | WNOHANG), 0);
	ck_assert_int_eq(si.si_pid, 0);
	memset(&si, 0, sizeof(si));
	ck_assert_int_eq(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
	ck_assert_int_eq(si.si_pid, pid);
	ck_assert_int_eq(si.si_code, CLD_EXITED);
	ck_assert_int_eq(si.si_status, 0);
	ck_assert_int_eq(si.si_uid, getuid());
	memset(&si, 0, sizeof(si));	/* still there after WNOWAIT */
	ck_assert_int_eq(waitid(P_ALL, 0, &si, WEXITED | __WALL), 0);
	ck_assert_int_eq(si.si_pid, pid);
	errno = 0;
	ck_assert_int_eq(waitid(P_PID, pid, &si, WEXITED | WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}
END_TEST

/* P_PGID and wait(-pgrp): the stand-in keeps the process group */
START_TEST(test_wait_pgid)
{
	siginfo_t si;
	pid_t pid = cpp_spawn(2, 1, ARGS("exit", "3"));
	int st;

	memset(&si, 0, sizeof(si));
	ck_assert_int_eq(waitid(P_PGID, pid, &si, WEXITED | WNOWAIT), 0);
	ck_assert_int_eq(si.si_pid, pid);
	ck_assert_int_eq(si.si_status, 3);
	ck_assert_int_eq(waitpid(-pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 3);
}
END_TEST

/* wait4's rusage and RUSAGE_CHILDREN get the remote CPU time */
START_TEST(test_rusage)
{
	struct rusage ru, before, after;
	pid_t pid;
	int st;
	long us;

	ck_assert_int_eq(getrusage(RUSAGE_CHILDREN, &before), 0);
	pid = cpp_spawn(2, 0, ARGS("burn", "300"));
	ck_assert_int_eq(wait4(pid, &st, 0, &ru), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	us = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L +
	     ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
	ck_assert_msg(us >= 250000, "remote CPU %ld us", us);
	ck_assert_int_eq(getrusage(RUSAGE_CHILDREN, &after), 0);
	us = (after.ru_utime.tv_sec - before.ru_utime.tv_sec +
	      after.ru_stime.tv_sec - before.ru_stime.tv_sec) * 1000000L +
	     after.ru_utime.tv_usec - before.ru_utime.tv_usec +
	     after.ru_stime.tv_usec - before.ru_stime.tv_usec;
	ck_assert_msg(us >= 250000, "children CPU grew by %ld us", us);
	/*
	 * Not only the times an exit event carries: the faults and the
	 * max RSS come with the reap of the zombie on its node (before:
	 * a child autoreaped there was reported with its event's times
	 * and 0 for the rest).
	 */
	pid = cpp_spawn(2, 0, ARGS("touch", "8192"));
	ck_assert_int_eq(wait4(pid, &st, 0, &ru), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_msg(ru.ru_minflt >= 1024 && ru.ru_maxrss >= 8192,
		      "remote child that wrote 8 MiB: %ld minor faults, max RSS %ld KiB, want >= 1024 and >= 8192",
		      ru.ru_minflt, ru.ru_maxrss);
}
END_TEST

/* stopped and continued, reported by waitpid(WUNTRACED/WCONTINUED) */
START_TEST(test_stop_continue)
{
	pid_t pid = cpp_spawn(2, 0, ARGS("stop", "5"));
	siginfo_t si;
	int st;

	st = wait_status(pid, WUNTRACED);
	ck_assert_msg(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
		      "status %#x", st);
	ck_assert_int_eq(waitpid(pid, &st, WUNTRACED | WNOHANG), 0);
	ck_assert_int_eq(kill(pid, SIGCONT), 0);
	memset(&si, 0, sizeof(si));
	ck_assert_int_eq(waitid(P_PID, pid, &si, WCONTINUED), 0);
	ck_assert_int_eq(si.si_pid, pid);
	ck_assert_int_eq(si.si_code, CLD_CONTINUED);
	ck_assert_int_eq(si.si_status, SIGCONT);
	assert_exit(pid, 5);
}
END_TEST

/* the parent exits first: the subreaper (this test) gets the child */
START_TEST(test_parent_exits_first)
{
	long long rep = cp_stat("hook_reparent_remote");
	pid_t me = getpid(), mid, pid = -1;
	int p[2], st;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	ck_assert_int_eq(pipe(p), 0);
	mid = fork();
	ck_assert_int_ge(mid, 0);
	if (mid == 0) {
		pid_t c = cpp_spawn(2, 0, ARGS("orphan", num(buf_c, me),
					       "10000"));

		if (write(p[1], &c, sizeof(c)) != sizeof(c))
			_exit(2);
		if (cpp_wait_where(c, 2, 5000))
			_exit(3);
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &pid, sizeof(pid)), sizeof(pid));
	close(p[0]);
	assert_exit(mid, 0);
	/* the orphan on node 2 sees getppid() == us, then exits 0 */
	assert_exit(pid, 0);
	ck_assert_int_gt(cp_stat("hook_reparent_remote"), rep);
	errno = 0;
	ck_assert_int_eq(waitpid(-1, &st, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 0), 0);
}
END_TEST

/* the child exits while the parent is already blocked in wait() */
START_TEST(test_exit_while_waiting)
{
	pid_t pid = cpp_spawn(3, 0, ARGS("sleep", "300"));
	int st;

	ck_assert_int_eq(wait(&st), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
END_TEST

/* a parent that ignores SIGCHLD: no zombie, wait() gives ECHILD */
START_TEST(test_sigchld_ignored)
{
	long long ar = cp_stat("autoreap_remote");
	pid_t pid;
	int st;

	ck_assert(signal(SIGCHLD, SIG_IGN) != SIG_ERR);
	/*
	 * The woken waiter runs before the autoreap's REAP call (as on
	 * another CPU). Before the claim moved before the wakeup, waitpid
	 * returned the child (seen once on qemu-debug SMP; every time with
	 * this delay on UML): 'waitpid(...) == -1' failed.
	 */
	ck_assert_int_eq(cpp_set_delay("autoreap_claimed", 300000), 0);
	pid = cpp_spawn(2, 0, ARGS("exit", "1"));
	errno = 0;
	ck_assert_int_eq(waitpid(pid, &st, 0), -1);
	ck_assert_int_eq(errno, ECHILD);
	ck_assert_int_eq(cpp_set_delay("autoreap_claimed", 0), 0);
	ck_assert(signal(SIGCHLD, SIG_DFL) != SIG_ERR);
	ck_assert_int_gt(cp_wait_stat("autoreap_remote", ar + 1, 5000), ar);
}
END_TEST

/* its node leaves: the child is reported once, killed by SIGKILL */
START_TEST(test_node_leaves)
{
	long long lost = cp_stat("wait_lost");
	pid_t pid = cpp_spawn(3, 0, ARGS("leave", "1500"));
	time_t t0 = time(NULL);
	int st;

	st = wait_status(pid, 0);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		      "status %#x", st);
	ck_assert_int_le(time(NULL) - t0, 10);
	ck_assert_int_gt(cp_stat("wait_lost"), lost);
	errno = 0;
	ck_assert_int_eq(waitpid(pid, &st, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	ck_assert_int_eq(cp_wait_nodes_up(3, 10000), 0);
}
END_TEST

/*
 * Every hook path of the process model ran (node 1 and node 2 sides)
 * during the tests before this one: the marks are taken by an unchecked
 * fixture, in the runner, before the first test.
 */
static struct cpp_mark marks[] = {
	CPP_MARK(1, "hook_execve"), CPP_MARK(1, "rexec_ok"),
	CPP_MARK(1, "hook_wait_task"), CPP_MARK(1, "wait_released"),
	CPP_MARK(1, "wait_reaped"), CPP_MARK(1, "wait_nowait"),
	CPP_MARK(1, "wait_stopped"), CPP_MARK(1, "wait_continued"),
	CPP_MARK(1, "event_rx"), CPP_MARK(1, "event_sigchld"),
	CPP_MARK(1, "hook_notify_standin"), CPP_MARK(1, "standin_released"),
	CPP_MARK(1, "hook_reparent_remote"),
	CPP_MARK(1, "point.wait_task_released.hits"), CPP_MARK(2, "svr_rexec"),
	CPP_MARK(2, "svr_reap"), CPP_MARK(2, "hook_notify_parent"),
	CPP_MARK(2, "hook_notify_cldstop"), CPP_MARK(2, "notify_sent"),
	CPP_MARK(2, "hook_getppid"), CPP_MARK(2, "hook_exit_flush"),
	CPP_MARK(2, "svr_reparent"),
};

/* nothing in this suite should time out, be settled, replayed or lost */
static struct cpp_mark errors[] = {
	CPP_MARK(1, "calls_timeout"), CPP_MARK(2, "calls_timeout"),
	CPP_MARK(1, "rexec_settle"), CPP_MARK(1, "rexec_sig_dropped"),
	CPP_MARK(2, "reap_replayed"), CPP_MARK(2, "notify_fail"),
	CPP_MARK(2, "notify_drop"),
};

static void marks_setup(void)
{
	cpp_marks_take(marks, sizeof(marks) / sizeof(marks[0]));
	cpp_marks_take(errors, sizeof(errors) / sizeof(errors[0]));
}

START_TEST(test_counters)
{
	cpp_marks_assert_rose(marks, sizeof(marks) / sizeof(marks[0]),
			      "rexec core");
	cpp_marks_assert_same(errors, sizeof(errors) / sizeof(errors[0]),
			      "rexec core errors");
}
END_TEST

static Suite *rexec_suite(void)
{
	Suite *s = suite_create("rexec");
	TCase *tc = tcase_create("core");
	int i, n;

	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, marks_setup, NULL);
	tcase_add_test(tc, test_pid_range);
	tcase_add_test(tc, test_onnode_exit_status);
	tcase_add_test(tc, test_nested);
	tcase_add_test(tc, test_onnode_not_found);
	tcase_add_test(tc, test_identity_there);
	tcase_add_test(tc, test_creds_there);
	tcase_add_test(tc, test_where_and_cps);
	tcase_add_test(tc, test_kill_from_node3);
	tcase_add_test(tc, test_sigchld_exit);
	tcase_add_test(tc, test_sigchld_any_thread);
	tcase_add_test(tc, test_standin_pins_module);
	tcase_add_test(tc, test_trace_moved);
	tcase_add_test(tc, test_waitid_variants);
	tcase_add_test(tc, test_wait_pgid);
	tcase_add_test(tc, test_rusage);
	tcase_add_test(tc, test_stop_continue);
	tcase_add_test(tc, test_parent_exits_first);
	tcase_add_test(tc, test_exit_while_waiting);
	tcase_add_test(tc, test_sigchld_ignored);
	tcase_add_test(tc, test_node_leaves);
	tcase_add_test(tc, test_counters);
	suite_add_tcase(s, tc);
	/* signals and moves; CP_REPEAT=N: N runs of each */
	tc = tcase_create("moves");
	tcase_set_timeout(tc, 60);
	n = getenv("CP_REPEAT") ? atoi(getenv("CP_REPEAT")) : 1;
	tcase_add_loop_test(tc, test_kill_pgrp_moved, 0, n);
	for (i = 0; i < n; i++)
		tcase_add_loop_test(tc, test_kill_pgrp_moving, 0, 2);
	tcase_add_loop_test(tc, test_exec_keeps_signals, 0, n);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rexec_suite());
	int failed;

	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_rexec: not all nodes up\n");
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
