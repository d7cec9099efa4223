/*
 * bench_module: what remote operations cost, against their local
 * equivalents and against the wire's round-trip time. Every node runs
 * it; node 2 serves (a user-space TIPC echo server and a process that
 * answers each SIGUSR1 with kill(si_pid, SIGUSR2)), node 1 measures and
 * prints a table (median and 90th percentile of many runs, microseconds,
 * and the median in units of the module's kernel-to-kernel round trip
 * and of the user-space TIPC round trip):
 *   rtt.module      cp_call() ping through the module (kernel to kernel)
 *   rtt.tipc_user   user-space TIPC echo (RDM socket to socket)
 *   kill.*          kill(2) of a process on node 2 / on node 1: the call
 *                   returns once the target's node queued the signal
 *   killpong.*      kill(2) until the victim's answering signal arrives
 *   killpg.remote   kill(-pgrp) of the victim's group (every other node
 *                   is asked, all at once)
 *   execwait.*      fork + exec of cp_true on node 2 (remote exec) or
 *                   here, then waitpid()
 *   execdone.*      the first part of execwait: fork until the exec is
 *                   done (an O_CLOEXEC pipe reads EOF: here the exec, there
 *                   the stand-in's exit after the REXEC reply)
 *   deadwait.*      waitpid() of a child that already exited there/here
 *                   (once waitid(WNOWAIT) reports it: dead for the parent)
 * Each measurement is a Check test: it fails if an operation fails.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/tipc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BAR_READY	0x43500301u
#define BAR_DONE	0x43500302u
#define ECHO_TYPE	0x43500310u
#define EXEC_NODE	"/proc/clusterproc/exec_node"
#define MAXN		400
#define BENCH_TIMEOUT_S	270	/* under module-bench.scn's 300 */

static int self_node, nodes, iters = 200;
static double module_rtt_us;	/* medians, set by the first tests */
static double user_rtt_us;

/* medians by name, for the remote-minus-local lines at the end */
#define MAXMED 16
static struct { const char *name; double med; } meds[MAXMED];
static int nmeds;

static double med_of(const char *name)
{
	int i;

	for (i = 0; i < nmeds; i++)
		if (!strcmp(meds[i].name, name))
			return meds[i].med;
	return -1;
}
static FILE *table;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double report(const char *name, double *v, int n)
{
	double med, p90;

	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	med = v[n / 2];
	p90 = v[(n * 9) / 10];
	fprintf(table, "%-20s %6d %12.1f %12.1f", name, n, med, p90);
	if (module_rtt_us > 0)
		fprintf(table, " %10.2f", med / module_rtt_us);
	else
		fprintf(table, " %10s", "-");
	if (user_rtt_us > 0)
		fprintf(table, " %10.2f\n", med / user_rtt_us);
	else
		fprintf(table, " %10s\n", "-");
	fflush(table);
	printf("# %s: n=%d median %.1f us p90 %.1f us\n", name, n, med, p90);
	if (nmeds < MAXMED) {
		meds[nmeds].name = name;
		meds[nmeds++].med = med;
	}
	return med;
}

/* the publication stays until we exit */
static int barrier(uint32_t type)
{
	return cp_barrier(type, self_node, nodes, NULL);
}

/* ---- node 2: servers ------------------------------------------------- */

static void echo_server(void)
{
	struct sockaddr_tipc a = {
		.family = AF_TIPC, .addrtype = TIPC_SERVICE_ADDR,
		.scope = TIPC_CLUSTER_SCOPE,
		.addr.name.name.type = ECHO_TYPE,
		.addr.name.name.instance = (unsigned int)self_node,
	};
	int fd = socket(AF_TIPC, SOCK_RDM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)))
		_exit(1);
	for (;;) {
		struct sockaddr_tipc from;
		socklen_t fl = sizeof(from);
		char buf[64];
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &fl);

		if (n > 0)
			sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from,
			       fl);
	}
}

/* Answers each SIGUSR1 with kill(si_pid, SIGUSR2); ends on SIGTERM. */
static void kill_server(const char *name)
{
	sigset_t set;
	siginfo_t si;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	for (;;) {
		if (sigwaitinfo(&set, &si) < 0)
			continue;
		if (si.si_signo == SIGTERM)
			_exit(0);
		kill(si.si_pid, SIGUSR2);
	}
}

/* fork a child running fn, with SIGUSR1 and SIGTERM blocked from birth */
static pid_t spawn(void (*fn)(void))
{
	sigset_t set, old;
	pid_t pid;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, &old);
	pid = fork();
	if (pid == 0) {
		fn();
		_exit(0);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return pid;
}

static void remote_kill_server(void)
{
	setpgid(0, 0);		/* its own group: kill(-pid) reaches it */
	kill_server("cpb_victim");
}

START_TEST(test_serve)
{
	pid_t echo = spawn(echo_server), victim = spawn(remote_kill_server);
	int st;

	ck_assert_int_gt(echo, 0);
	ck_assert_int_gt(victim, 0);
	ck_assert_int_eq(barrier(BAR_READY), 0);
	ck_assert_int_eq(cp_barrier_ms(BAR_DONE, self_node, nodes, NULL,
				       BENCH_TIMEOUT_S * 1000), 0);
	kill(echo, SIGKILL);
	kill(victim, SIGTERM);
	ck_assert_int_eq(waitpid(echo, &st, 0), echo);
	ck_assert_int_eq(waitpid(victim, &st, 0), victim);
}
END_TEST

START_TEST(test_idle)
{
	ck_assert_int_eq(barrier(BAR_READY), 0);
	/* node 1 measures for up to its test timeout (a loaded TCG node
	 * took longer than cp_barrier's 60 s) */
	ck_assert_int_eq(cp_barrier_ms(BAR_DONE, self_node, nodes, NULL,
				       BENCH_TIMEOUT_S * 1000), 0);
}
END_TEST

/* ---- node 1: measurements -------------------------------------------- */

START_TEST(test_rtt_module)
{
	static double v[MAXN];
	struct cp_node_line l[64];
	int i, k, n;

	for (i = 0; i < iters; i++) {
		ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/ping", "2"), 0);
		n = cp_read_nodes(l, 64);
		for (k = 0; k < n && l[k].node != 2; k++)
			;
		ck_assert_int_lt(k, n);
		v[i] = l[k].rtt_ns / 1e3;
	}
	module_rtt_us = 0;
	module_rtt_us = report("rtt.module", v, iters);
}
END_TEST

START_TEST(test_rtt_tipc_user)
{
	static double v[MAXN];
	struct sockaddr_tipc dst = {
		.family = AF_TIPC, .addrtype = TIPC_SERVICE_ADDR,
		.addr.name.name.type = ECHO_TYPE,
		.addr.name.name.instance = 2,
	};
	int fd = socket(AF_TIPC, SOCK_RDM, 0), i;
	char buf[64];

	ck_assert_int_ge(fd, 0);
	for (i = 0; i < iters; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double t0 = now_us();

		ck_assert_int_eq(sendto(fd, &i, sizeof(i), 0,
					(struct sockaddr *)&dst, sizeof(dst)),
				 sizeof(i));
		ck_assert_int_eq(poll(&p, 1, 3000), 1);
		ck_assert_int_eq(recv(fd, buf, sizeof(buf), 0), sizeof(i));
		v[i] = now_us() - t0;
	}
	close(fd);
	user_rtt_us = report("rtt.tipc_user", v, iters);
}
END_TEST

/* kill(target) (or kill(-target)): syscall time and until the answer */
static void kill_once(pid_t target, int group, double *k, double *p)
{
	struct timespec tmo = { 3, 0 };
	double t0 = now_us(), t1;
	sigset_t set;
	siginfo_t si;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	ck_assert_int_eq(kill(group ? -target : target, SIGUSR1), 0);
	t1 = now_us();
	ck_assert_int_eq(sigtimedwait(&set, &si, &tmo), SIGUSR2);
	ck_assert_int_eq(si.si_pid, target);
	*k = t1 - t0;
	*p = now_us() - t0;
}

static void local_kill_server(void)
{
	kill_server("cpb_local");
}

/*
 * Remote and local kills interleaved, one of each per round, so that the
 * host's load (other nodes, other builds) hits both alike.
 */
START_TEST(test_kill)
{
	static double v[6][MAXN];
	struct cp_ps_proc r;
	pid_t local = spawn(local_kill_server);
	sigset_t set;
	int i, st;

	ck_assert_int_gt(local, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	ck_assert_int_eq(cp_ps_find(2, "cpb_victim", &r), 1);
	for (i = 0; i < iters; i++) {
		kill_once(r.pid, 0, &v[0][i], &v[1][i]);
		kill_once(r.pid, 1, &v[2][i], &v[3][i]);
		kill_once(local, 0, &v[4][i], &v[5][i]);
	}
	report("kill.remote", v[0], iters);
	report("killpong.remote", v[1], iters);
	report("killpg.remote", v[2], iters);
	report("killpgpong.remote", v[3], iters);
	report("kill.local", v[4], iters);
	report("killpong.local", v[5], iters);
	kill(local, SIGTERM);
	ck_assert_int_eq(waitpid(local, &st, 0), local);
}
END_TEST

/* cp_true's path, looked up once (not inside the timed operations) */
static const char *true_path(void)
{
	static char path[PATH_MAX];

	if (!path[0])
		cpp_prog_path("cp_true", path, sizeof(path));
	return path;
}

/* fork a child that execs cp_true (static) on node (0: here); its pid */
static pid_t start_true(int node)
{
	const char *path = true_path();
	pid_t pid;

	pid = fork();

	if (pid == 0) {
		if (node) {
			char b[8];
			int fd = open(EXEC_NODE, O_WRONLY);

			snprintf(b, sizeof(b), "%d", node);
			if (fd < 0 || write(fd, b, strlen(b)) < 0)
				_exit(100);
			close(fd);
		}
		execl(path, "cp_true", (char *)NULL);
		_exit(101);
	}
	return pid;
}

/* fork until exec cp_true on node (0: here) is done: microseconds */
static double execdone_once(int node)
{
	double t0 = now_us(), dt;
	int fds[2], st;
	char c;
	pid_t pid;

	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	pid = start_true(node);
	ck_assert_int_gt(pid, 0);
	close(fds[1]);
	ck_assert_int_eq(read(fds[0], &c, 1), 0);
	dt = now_us() - t0;
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return dt;
}

/* fork + exec cp_true on node (0: here) + waitpid: microseconds */
static double execwait_once(int node)
{
	double t0 = now_us();
	pid_t pid = start_true(node);
	int st;

	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "exec+wait on %d: status %#x", node, st);
	return now_us() - t0;
}

/*
 * Until the parent can see that pid has exited (waitid WNOWAIT|WNOHANG
 * reports it without reaping): the child is dead for the parent.
 */
static int wait_dead(pid_t pid)
{
	siginfo_t si;
	int t;

	for (t = 0; t < 10000; t += 5) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si,
			   WEXITED | WNOHANG | WNOWAIT) != 0)
			return -1;
		if (si.si_pid == pid)
			return 0;
		cp_sleep_ms(5);
	}
	return -1;
}

/* waitpid() of a child of node that is already dead: microseconds */
static double deadwait_once(int node)
{
	pid_t pid = start_true(node);
	double t0;
	int st;

	ck_assert_int_gt(pid, 0);
	ck_assert_msg(wait_dead(pid) == 0, "%d still runs", pid);
	t0 = now_us();
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	t0 = now_us() - t0;
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "dead child on %d: status %#x", node, st);
	return t0;
}

/* what the remote op costs beyond its local equivalent, in RTTs */
static void extra(const char *what, const char *remote, const char *local)
{
	double r = med_of(remote), l = med_of(local);

	if (r < 0 || l < 0 || module_rtt_us <= 0)
		return;
	fprintf(table, "extra.%-14s %6s %12.1f %12s %10.2f %10.2f\n", what,
		"-", r - l, "-", (r - l) / module_rtt_us,
		user_rtt_us > 0 ? (r - l) / user_rtt_us : 0.0);
}

static int have_rexec(void)
{
	struct stat sb;

	if (stat(EXEC_NODE, &sb) == 0)
		return 1;
	fprintf(table, "%-20s (no %s: remote exec not in this module)\n",
		"execwait.remote", EXEC_NODE);
	return 0;
}

/* remote and local interleaved, as for kill */
START_TEST(test_execwait)
{
	static double v[6][MAXN];
	int i, rx = have_rexec(), ne = iters / 2, nd = iters / 10;

	true_path();	/* before the first timed operation */

	for (i = 0; i < ne; i++) {
		if (rx)
			v[0][i] = execwait_once(2);
		v[1][i] = execwait_once(0);
		if (rx)
			v[4][i] = execdone_once(2);
		v[5][i] = execdone_once(0);
	}
	for (i = 0; i < nd; i++) {
		if (rx)
			v[2][i] = deadwait_once(2);
		v[3][i] = deadwait_once(0);
	}
	if (rx) {
		report("execwait.remote", v[0], ne);
		report("deadwait.remote", v[2], nd);
	}
	report("execwait.local", v[1], ne);
	if (rx)
		report("execdone.remote", v[4], ne);
	report("execdone.local", v[5], ne);
	report("deadwait.local", v[3], nd);
	extra("kill", "kill.remote", "kill.local");
	extra("killpong", "killpong.remote", "killpong.local");
	extra("execwait", "execwait.remote", "execwait.local");
	extra("execdone", "execdone.remote", "execdone.local");
	extra("deadwait", "deadwait.remote", "deadwait.local");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("clusterproc_bench");
	TCase *tc = tcase_create("bench");
	const char *it = getenv("CP_BENCH_ITERS");
	int failed;

	self_node = cp_env_node();
	nodes = cp_expected_nodes();
	if (it && atoi(it) >= 20 && atoi(it) <= MAXN)
		iters = atoi(it);
	if (self_node < 1 || nodes < 2)
		return EXIT_FAILURE;
	table = stdout;
	tcase_set_timeout(tc, BENCH_TIMEOUT_S + 20);
	if (self_node == 1) {
		if (barrier(BAR_READY) || cp_wait_nodes_up(nodes, 10000))
			return EXIT_FAILURE;
		printf("%-20s %6s %12s %12s %10s %10s\n", "operation", "n",
		       "median_us", "p90_us", "x_rtt_mod", "x_rtt_usr");
		tcase_add_test(tc, test_rtt_module);
		tcase_add_test(tc, test_rtt_tipc_user);
		tcase_add_test(tc, test_kill);
		tcase_add_test(tc, test_execwait);
	} else if (self_node == 2) {
		tcase_add_test(tc, test_serve);
	} else {
		tcase_add_test(tc, test_idle);
	}
	suite_add_tcase(s, tc);
	/* one process: the round-trip unit carries over to later tests */
	failed = cp_run_suite(s, CK_VERBOSE, CK_NOFORK);
	if (self_node == 1 && barrier(BAR_DONE))
		failed++;
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
