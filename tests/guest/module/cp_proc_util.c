/* Helpers for the process-model tests: see cp_proc_util.h */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "cs_tipc.h"
#include "libclusterproc.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

void cpp_prog_path(const char *name, char *buf, size_t len)
{
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	ck_assert_int_gt(n, 0);
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	ck_assert_ptr_nonnull(slash);
	*slash = '\0';
	ck_assert_int_lt(snprintf(buf, len, "%s/%s", exe, name), (int)len);
}

void cpp_noop_handler(int sig)
{
	(void)sig;
}

pid_t cpp_spawn(int node, int own_pgrp, const char *const *args)
{
	return cpp_spawn_in(node, own_pgrp ? 0 : -1, args);
}

/* The child's side: join the group, exec; report errno on @fd if not. */
static void __attribute__((noreturn))
cpp_child(int node, pid_t pgrp, char *const *argv, int fd)
{
	int err;

	/*
	 * What exec does, but now: no inherited handler (the test runner's)
	 * may act on a signal that comes before the exec; SIG_IGN stays.
	 */
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;

		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN &&
		    sa.sa_handler != SIG_DFL)
			signal(sig, SIG_DFL);
	}
	if (pgrp >= 0 && setpgid(0, pgrp))
		err = errno;
	else {
		cp_rexecvp(node, argv[0], argv);
		err = errno;
	}
	if (write(fd, &err, sizeof(err)) != (ssize_t)sizeof(err))
		_exit(125);
	_exit(126);
}

/* As cpp_spawn_in(); a failed exec or move: -1, errno, child reaped */
static pid_t spawn(int node, pid_t pgrp, const char *const *args)
{
	char path[PATH_MAX];
	char *argv[16];
	int i, fds[2], err = 0, st;
	ssize_t n;
	pid_t pid;

	cpp_prog_path("cp_rchild", path, sizeof(path));
	argv[0] = path;
	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		cpp_child(node, pgrp, argv, fds[1]);
	}
	close(fds[1]);
	/* both sides, so that the group exists when either looks */
	if (pgrp >= 0 && setpgid(pid, pgrp) && errno != EACCES &&
	    errno != ESRCH)
		ck_abort_msg("setpgid(%d, %d): %s", pid, pgrp, strerror(errno));
	/* EOF: the exec closed the pipe (here, or the move to node ended) */
	do
		n = read(fds[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(fds[0]);
	ck_assert_msg(n >= 0, "cpp_spawn: %s %s on node %d: read failed",
		      path, args[0], node);
	if (n == 0)
		return pid;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	errno = err;
	return -1;
}

pid_t cpp_spawn_in(int node, pid_t pgrp, const char *const *args)
{
	pid_t pid = spawn(node, pgrp, args);

	ck_assert_msg(pid > 0, "cpp_spawn: %s on node %d: %s", args[0], node,
		      strerror(errno));
	return pid;
}

pid_t cpp_spawn_try(int node, const char *const *args)
{
	return spawn(node, -1, args);
}

int cpp_wait_where(pid_t pid, int node, int ms)
{
	for (int t = 0; t <= ms; t += 5) {
		if (cp_where(pid) == node)
			return 0;
		cp_sleep_ms(5);
	}
	return -1;
}

long long cpp_stat(int node, const char *name)
{
	long long v = -1;
	int rc;

	if (node == cp_self_node())
		return cp_stat(name);
	rc = cp_peer_stat(node, name, &v);
	ck_assert_msg(rc == 0, "node %d stat %s: %s", node, name,
		      strerror(-rc));
	return v;
}

long long cpp_stat_within(int node, const char *name, long long want, int ms)
{
	long long v = cpp_stat(node, name);

	for (int t = 0; t < ms && v != want; t += 100) {
		cp_sleep_ms(100);
		v = cpp_stat(node, name);
	}
	return v;
}

void cpp_marks_take(struct cpp_mark *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		m[i].at = cpp_stat(m[i].node, m[i].name);
}

/* Check every mark: rose (@rise) or unchanged (!@rise); fail naming the rest. */
static void cpp_marks_check(const struct cpp_mark *m, size_t n,
			    const char *what, bool rise)
{
	char bad[512];
	size_t len = 0;

	bad[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		long long v = cpp_stat(m[i].node, m[i].name);
		bool ok = rise ? v > m[i].at : v == m[i].at;

		printf("# %s: node%d %s %lld -> %lld\n", what, m[i].node,
		       m[i].name, m[i].at, v);
		if (ok || len >= sizeof(bad))
			continue;
		len += (size_t)snprintf(bad + len, sizeof(bad) - len,
					" node%d:%s %lld -> %lld", m[i].node,
					m[i].name, m[i].at, v);
	}
	fflush(stdout);
	ck_assert_msg(!bad[0], "%s: %s:%s", what,
		      rise ? "did not rise" : "rose", bad);
}

void cpp_marks_assert_rose(const struct cpp_mark *m, size_t n,
			   const char *what)
{
	cpp_marks_check(m, n, what, true);
}

void cpp_marks_assert_same(const struct cpp_mark *m, size_t n,
			   const char *what)
{
	cpp_marks_check(m, n, what, false);
}

int cpp_set_delay(const char *point, unsigned int us)
{
	char path[256], val[16];

	snprintf(path, sizeof(path), CP_DEBUGFS "/delay_us/%s", point);
	snprintf(val, sizeof(val), "%u", us);
	return cp_write_file(path, val);
}

int cpp_cs_fail(const char *node, const char *what, const char *secs)
{
	int st;
	pid_t p = fork();

	if (p == 0) {
		execlp("cs-fail", "cs-fail", node, what, secs, (char *)NULL);
		_exit(127);
	}
	if (p < 0 || waitpid(p, &st, 0) != p)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

pid_t cpp_wait_within(pid_t pid, int *st, int ms)
{
	pid_t r = 0;

	for (int t = 0; t <= ms; t += 10) {
		r = waitpid(pid, st, WNOHANG);
		if (r)
			break;
		cp_sleep_ms(10);
	}
	return r;
}

void cpp_assert_dies_within(pid_t pid, int sig, int ms, const char *what)
{
	int st = 0;
	pid_t r = cpp_wait_within(pid, &st, ms);

	if (r == 0) {	/* do not leave it behind */
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	ck_assert_msg(r == pid, "%s %d: still there %d ms on (waitpid %d)",
		      what, pid, ms, r);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == sig,
		      "%s %d: status %#x, want killed by %s", what, pid, st,
		      strsignal(sig));
}

void cpp_assert_killed(pid_t pid, int sig, const char *what)
{
	siginfo_t si;
	int st = 0;

	memset(&si, 0, sizeof(si));
	ck_assert_int_eq(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
	ck_assert_msg(si.si_pid == pid && si.si_code == CLD_KILLED &&
		      si.si_status == sig,
		      "%s %d: waitid code %d status %d, want CLD_KILLED %s",
		      what, pid, si.si_code, si.si_status, strsignal(sig));
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == sig,
		      "%s %d: wait status %#x, want killed by %s", what, pid,
		      st, strsignal(sig));
}

/*
 * @node, which runs no command of its own, has joined once its init
 * publishes {DONE, node} (it then waits at the end barrier): a peer that
 * ends its run before that leaves it unable to join.
 */
static int wait_done(int node, int ms)
{
	uint64_t bit = 1ULL << (node - 1);
	struct cs_tipc_sub s;
	int rc;

	if (cs_tipc_sub_open(&s, CS_SVC_DONE, cp_expected_nodes()))
		return -1;
	for (int t = 0; t <= ms && !(s.seen & bit); t += 100)
		if (cs_tipc_sub_wait(&s, 100) && errno != ETIMEDOUT)
			break;
	rc = s.seen & bit ? 0 : -1;
	cs_tipc_sub_close(&s);
	return rc;
}

void cpp_restart_node(int node, int ms)
{
	int nodes = cp_expected_nodes(), st;
	long long up[65] = { 0 };
	char name[16];

	ck_assert(nodes >= 1 && nodes <= 64);
	/* every other node's module must see it up, not only ours */
	for (int k = 1; k <= nodes; k++)
		if (k != node)
			up[k] = cpp_stat(k, "node_up_events");
	snprintf(name, sizeof(name), "%d", node);
	ck_assert_int_eq(cpp_cs_fail(name, "restart", NULL), 0);
	ck_assert_msg(cp_wait_nodes_up(nodes, ms) == 0,
		      "node %d not up %d ms after its restart", node, ms);
	for (int k = 1; k <= nodes; k++) {
		int t;

		for (t = 0; k != node && t <= ms; t += 100) {
			if (cpp_stat(k, "node_up_events") > up[k])
				break;
			cp_sleep_ms(100);
		}
		ck_assert_msg(k == node || t <= ms,
			      "node %d did not see node %d up %d ms after its restart",
			      k, node, ms);
	}
	ck_assert_msg(wait_done(node, ms) == 0,
		      "node %d booted again but did not join (no DONE) in %d ms",
		      node, ms);
	for (int t = 0; t < 100; t++) {
		pid_t p = cpp_spawn_try(node, (const char *const[]){ "exit",
								    "7", NULL });

		if (p < 0) {	/* a peer accepts it once it saw it again */
			cp_sleep_ms(100);
			continue;
		}
		ck_assert_int_eq(waitpid(p, &st, 0), p);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 7,
			      "child on node %d after its restart: status %#x, want exited 7",
			      node, st);
		return;
	}
	ck_abort_msg("no move to node %d worked in 10 s after its restart",
		     node);
}

pid_t cpp_trace_grandchild(int node, pid_t *owner)
{
	pid_t tracee = 0;
	int pids[4], n = 0, st = 0;
	char where[16];
	long w = 0;

	/* in its own group: its child is found by the group */
	snprintf(where, sizeof(where), "%d", node);
	*owner = cpp_spawn(node, 1, (const char *const[]){ "parent", where,
							  "60000", NULL });
	for (int t = 0; t < 100 && n != 2; t++) {
		n = cp_ps_pgrp_members(node, *owner, pids, 4);
		if (n != 2)
			cp_sleep_ms(100);
	}
	ck_assert_msg(n == 2, "group %d on node %d: %d members, want 2",
		      *owner, node, n);
	tracee = pids[0] == *owner ? pids[1] : pids[0];
	/* attached once it has put its word there (it may still be
	 * starting: PEEKDATA then says EIO, or reads 0 between its mmap and
	 * its store (seen on QEMU nodes); let it go on and try again) */
	for (int t = 0; t < 50; t++) {
		ck_assert_msg(ptrace(PTRACE_ATTACH, tracee, 0, 0) == 0,
			      "PTRACE_ATTACH %d on node %d: %s", tracee, node,
			      strerror(errno));
		ck_assert_int_eq(waitpid(tracee, &st, __WALL), tracee);
		/*
		 * Attached in its execve(): the exec's SIGTRAP stop comes
		 * first. Let it go (SIGCONT drops the SIGSTOP the attach
		 * queued) and try again once its exec is over.
		 */
		if (WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP) {
			ck_assert_int_eq(ptrace(PTRACE_DETACH, tracee, 0, 0),
					 0);
			ck_assert_int_eq(kill(tracee, SIGCONT), 0);
			cp_sleep_ms(100);
			continue;
		}
		ck_assert_msg(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
			      "tracee %d: status %#x, want stopped by SIGSTOP",
			      tracee, st);
		errno = 0;
		w = ptrace(PTRACE_PEEKDATA, tracee, CP_WORD_ADDR, 0);
		/* EIO: not mapped yet; 0: mapped, the word not stored yet */
		if (errno != EIO && (errno || (unsigned long)w == CP_WORD))
			break;
		ck_assert_int_eq(ptrace(PTRACE_DETACH, tracee, 0, 0), 0);
		cp_sleep_ms(100);
	}
	ck_assert_msg(errno == 0 && (unsigned long)w == CP_WORD,
		      "PEEKDATA of tracee %d: %#lx (%s)", tracee, w,
		      strerror(errno));
	return tracee;
}
