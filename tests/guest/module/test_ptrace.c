/*
 * test_ptrace: ptrace(2) across nodes.
 *
 * Node 2 forks a tracee ("cp_ptracee") that puts a known word at a fixed
 * address and waits for SIGUSR1; if no longer traced then (TracerPid in
 * /proc/self/status), it exits with CP_PT_STATUS; node 2
 * asserts that exit status. Node 1 finds the tracee in the module's
 * cluster-wide ps and, as a tracer: ESRCH for pids no node has, EPERM
 * for an attach by another uid, PTRACE_ATTACH, waitpid() sees the
 * SIGSTOP stop, PTRACE_PEEKDATA reads the word, PTRACE_DETACH lets it
 * run on (it takes the SIGUSR1 node 1 sends then). A second tracee's
 * tracer exits while tracing: the module detaches it. A third is killed
 * while traced: both its tracer and its parent see SIGKILL. The counters of every path are nonzero on both nodes.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cp_test_util.h"
#include "cp_wire.h"	/* CP_PID_SHIFT */

#define CP_PT_NAME	"cp_ptracee"
#define CP_PT_NAME2	"cp_ptracee2"	/* its tracer exits */
#define CP_PT_NAME3	"cp_ptracee3"	/* killed while traced */
#define CP_PT_ADDR	0x20000000UL
#define CP_PT_MAGIC	0x5ca1ab1e0ddba11UL
#define CP_PT_STATUS	42
#define CP_PT_NOBODY	65534

/* TracerPid of this process: >= 0, or -1 on error. */
static long tracer_pid(void)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "TracerPid: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/*
 * The tracee: the word, then SIGUSR1 (sent by the tracer after its
 * detach) within 60 s: exit status 42 if nobody traces it then, 6 if
 * still traced, 3..5 set-up failures or no signal.
 */
static int tracee(const char *name)
{
	struct timespec ts = { 60, 0 };
	unsigned long *w;
	sigset_t set;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (prctl(PR_SET_NAME, name, 0, 0, 0) != 0 ||
	    sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return 3;
	w = mmap((void *)CP_PT_ADDR, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (w == MAP_FAILED || w != (unsigned long *)CP_PT_ADDR)
		return 4;
	*(volatile unsigned long *)w = CP_PT_MAGIC;
	do
		r = sigtimedwait(&set, NULL, &ts);
	while (r < 0 && errno == EINTR);
	if (r != SIGUSR1)
		return 5;
	return tracer_pid() == 0 ? CP_PT_STATUS : 6;
}

START_TEST(test_tracee_side)
{
	const char *names[3] = { CP_PT_NAME, CP_PT_NAME2, CP_PT_NAME3 };
	pid_t pid[3], r;
	int st, i;

	for (i = 0; i < 3; i++) {
		pid[i] = fork();
		ck_assert_int_ge(pid[i], 0);
		if (pid[i] == 0)
			_exit(tracee(names[i]));
	}
	for (i = 0; i < 2; i++) {
		r = waitpid(pid[i], &st, 0);
		ck_assert_int_eq(r, pid[i]);
		ck_assert_msg(WIFEXITED(st), "tracee %d status 0x%x", i, st);
		ck_assert_int_eq(WEXITSTATUS(st), CP_PT_STATUS);
	}
	/* the third was killed while traced: its zombie came back to us */
	r = waitpid(pid[2], &st, 0);
	ck_assert_int_eq(r, pid[2]);
	ck_assert_msg(WIFSIGNALED(st), "tracee 2 status 0x%x", st);
	ck_assert_int_eq(WTERMSIG(st), SIGKILL);
	ck_assert_int_gt(cp_stat("svr_ptrace"), 0);
	ck_assert_int_gt(cp_stat("ptrace_attached"), 0);
	ck_assert_int_gt(cp_stat("ptrace_unlink_tracee"), 1);
}
END_TEST

/* Gone from node 2 within 10 s? */
static int gone_from_node2(pid_t pid)
{
	struct cp_ps_proc p;
	int i;

	for (i = 0; i < 100 && cp_ps_scan_pid(2, pid, &p) == 1; i++)
		cp_sleep_ms(100);
	return cp_ps_scan_pid(2, pid, &p) == 0;
}

START_TEST(test_tracer_side)
{
	struct cp_ps_proc p;
	long long v;
	pid_t pid, c, r;
	long word;
	int st;

	ck_assert_int_eq(cp_wait_nodes_up(cp_expected_nodes(), 10000), 0);
	ck_assert_int_eq(cp_ps_find(2, CP_PT_NAME, &p), 1);
	pid = p.pid;
	ck_assert_int_eq(pid >> CP_PID_SHIFT, 2);

	/* ESRCH: a pid node 2 does not have, a node that does not exist */
	errno = 0;
	ck_assert_int_eq(ptrace(PTRACE_ATTACH,
				(2 << CP_PID_SHIFT) | ((1 << CP_PID_SHIFT) - 2),
				0, 0), -1);
	ck_assert_int_eq(errno, ESRCH);
	errno = 0;
	ck_assert_int_eq(ptrace(PTRACE_ATTACH, (40 << CP_PID_SHIFT) | 5, 0, 0), -1);
	ck_assert_int_eq(errno, ESRCH);
	/* not traced by us yet */
	errno = 0;
	ck_assert_int_eq(ptrace(PTRACE_PEEKDATA, pid, CP_PT_ADDR, 0), -1);
	ck_assert_int_eq(errno, ESRCH);

	/* EPERM: uid 65534 may not trace root's process */
	c = fork();
	ck_assert_int_ge(c, 0);
	if (c == 0) {
		if (setuid(CP_PT_NOBODY) != 0)
			_exit(2);
		errno = 0;
		if (ptrace(PTRACE_ATTACH, pid, 0, 0) != -1)
			_exit(3);
		_exit(errno == EPERM ? 0 : 4);
	}
	ck_assert_int_eq(waitpid(c, &st, 0), c);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "EPERM child status 0x%x", st);

	/* attach, the stop, the word, detach */
	ck_assert_int_eq(ptrace(PTRACE_ATTACH, pid, 0, 0), 0);
	r = waitpid(pid, &st, 0);
	ck_assert_int_eq(r, pid);
	ck_assert_msg(WIFSTOPPED(st), "status 0x%x", st);
	ck_assert_int_eq(WSTOPSIG(st), SIGSTOP);
	errno = 0;
	word = ptrace(PTRACE_PEEKDATA, pid, CP_PT_ADDR, 0);
	ck_assert_int_eq(errno, 0);
	ck_assert_uint_eq((unsigned long)word, CP_PT_MAGIC);
	ck_assert_int_eq(ptrace(PTRACE_DETACH, pid, 0, 0), 0);
	/* no longer ours */
	errno = 0;
	ck_assert_int_eq(waitpid(pid, &st, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	errno = 0;
	ck_assert_int_eq(ptrace(PTRACE_PEEKDATA, pid, CP_PT_ADDR, 0), -1);
	ck_assert_int_eq(errno, ESRCH);

	/* it runs on, takes SIGUSR1 and exits (node 2 checks its status) */
	ck_assert_int_eq(kill(pid, SIGUSR1), 0);
	ck_assert(gone_from_node2(pid));

	ck_assert_int_gt(cp_stat("hook_ptrace"), 0);
	ck_assert_int_gt(cp_stat("ptrace_attach_ok"), 0);
	ck_assert_int_gt(cp_stat("ptrace_wait"), 0);
	ck_assert_int_gt(cp_stat("ptrace_stopped"), 0);
	ck_assert_int_gt(cp_stat("ptrace_peek"), 0);
	ck_assert_int_gt(cp_stat("ptrace_detach"), 0);
	ck_assert_int_eq(cp_peer_stat(2, "svr_ptrace", &v), 0);
	ck_assert_int_gt(v, 0);
	ck_assert_int_eq(cp_peer_stat(2, "ptrace_attached", &v), 0);
	ck_assert_int_gt(v, 0);
}
END_TEST

/*
 * A tracer that exits while tracing: the module detaches the tracee on
 * node 2 in the exit_prepare op, before the tracer's death is visible
 * (ptrace_detach_exit here); the tracee then runs on, takes SIGUSR1 and
 * exits with CP_PT_STATUS.
 */
START_TEST(test_tracer_exits)
{
	struct cp_ps_proc p;
	long long u0, v0, v;
	pid_t pid, c;
	int st, i;

	ck_assert_int_eq(cp_ps_find(2, CP_PT_NAME2, &p), 1);
	pid = p.pid;
	u0 = cp_stat("ptrace_detach_exit");
	ck_assert_int_eq(cp_peer_stat(2, "ptrace_unlink_tracee", &v0), 0);
	c = fork();
	ck_assert_int_ge(c, 0);
	if (c == 0) {
		if (ptrace(PTRACE_ATTACH, pid, 0, 0) != 0)
			_exit(2);
		if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
			_exit(3);
		_exit(0);	/* still tracing */
	}
	ck_assert_int_eq(waitpid(c, &st, 0), c);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "tracer child status 0x%x", st);
	/* done before the tracer's death was reported to us */
	ck_assert_int_eq(cp_stat("ptrace_detach_exit"), u0 + 1);
	for (i = 0; i < 50; i++) {
		ck_assert_int_eq(cp_peer_stat(2, "ptrace_unlink_tracee", &v),
				 0);
		if (v > v0)
			break;
		cp_sleep_ms(100);
	}
	ck_assert_int_gt(v, v0);
	ck_assert_int_eq(kill(pid, SIGUSR1), 0);
	ck_assert(gone_from_node2(pid));
}
END_TEST

/*
 * A tracee killed while traced: the tracer's waitpid() reports the
 * SIGKILL; the zombie goes to its real parent on node 2 (which checks).
 */
START_TEST(test_tracee_killed)
{
	struct cp_ps_proc p;
	pid_t pid;
	int st;

	ck_assert_int_eq(cp_ps_find(2, CP_PT_NAME3, &p), 1);
	pid = p.pid;
	ck_assert_int_eq(ptrace(PTRACE_ATTACH, pid, 0, 0), 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFSTOPPED(st), "status 0x%x", st);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFSIGNALED(st), "status 0x%x", st);
	ck_assert_int_eq(WTERMSIG(st), SIGKILL);
	errno = 0;
	ck_assert_int_eq(waitpid(pid, &st, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	ck_assert_int_gt(cp_stat("ptrace_exit"), 0);
	ck_assert(gone_from_node2(pid));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("clusterproc_ptrace");
	TCase *tc = tcase_create("ptrace");
	int node = cp_env_node();

	tcase_set_timeout(tc, 90);
	if (node == 1) {
		tcase_add_test(tc, test_tracer_side);
		tcase_add_test(tc, test_tracer_exits);
		tcase_add_test(tc, test_tracee_killed);
	} else if (node == 2) {
		tcase_add_test(tc, test_tracee_side);
	} else {
		fprintf(stderr, "test_ptrace: runs on nodes 1 and 2\n");
		return EXIT_FAILURE;
	}
	suite_add_tcase(s, tc);
	return cp_run_suite(s, CK_VERBOSE, CK_FORK_GETENV) ? EXIT_FAILURE :
							      EXIT_SUCCESS;
}
