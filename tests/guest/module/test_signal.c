/*
 * Signals across nodes with kill(2) through the G1 hook: kill(pid) to a
 * process on another node, kill(-pgrp) of a group on another node,
 * kill(-1) over the cluster, EPERM from the target node's rules applied
 * to the sender's credentials, ESRCH for a pid no node has.
 *
 * Every node runs this program. Node 1 is the sender; every other node
 * starts victims (cp_victim) and asserts on how they ended: a victim
 * exits 0 only if the kernel gave it the right siginfo (SI_USER, the
 * sender's uid) and its answer kill(si_pid, SIGRTMIN + 1) to the sender
 * succeeded. The sender asserts on kill(2)'s result and errno and on the
 * answer's siginfo (si_pid = the victim's pid, SI_USER, the victim's
 * uid). Two TIPC barriers order the nodes: victims ready, sender done.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOBODY		65534
#define ANSWER		(SIGRTMIN + 1)	/* the victims' answer, queued */
#define ALL_UID		20001	/* the kill(-1) sender and its victims */
#define BAR_READY	0x43500101u
#define BAR_DONE	0x43500102u
#define VICTIM_TIMEOUT	40
#define EXEC_NODE	"/proc/clusterproc/exec_node"

struct victim {
	const char *name;
	uid_t uid;
	int sig;
	const char *sender_uid;
	int pair;
};

/* What every target node runs; the sender looks them up by name. */
static const struct victim victims[] = {
	{ "cpv_pid", NOBODY, SIGTERM, "65534", 0 },
	{ "cpv_pgrp", NOBODY, SIGTERM, "65534", 1 },
	{ "cpv_all", ALL_UID, SIGTERM, "20001", 0 },
	{ "cpv_root", 0, SIGUSR1, "0", 0 },
};
#define NVICTIMS (sizeof(victims) / sizeof(victims[0]))

static int self_node, nodes;

static int barrier(uint32_t type, int *fd)
{
	return cp_barrier(type, self_node, nodes, fd);
}

/* ---- target side ---------------------------------------------------- */

static pid_t start_victim(const struct victim *v)
{
	char exe[PATH_MAX], uid[16], sig[8], tmo[8];
	pid_t pid;

	cpp_prog_path("cp_victim", exe, sizeof(exe));
	snprintf(uid, sizeof(uid), "%u", (unsigned int)v->uid);
	snprintf(sig, sizeof(sig), "%d", v->sig);
	snprintf(tmo, sizeof(tmo), "%d", VICTIM_TIMEOUT);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		setenv("CPV_SENDER_UID", v->sender_uid, 1);
		setenv("CPV_PAIR", v->pair ? "1" : "0", 1);
		execl(exe, "cp_victim", v->name, uid, sig, tmo, (char *)NULL);
		_exit(127);
	}
	return pid;
}

START_TEST(test_victims)
{
	pid_t pids[NVICTIMS];
	int fd, st;
	size_t i;

	for (i = 0; i < NVICTIMS; i++)
		pids[i] = start_victim(&victims[i]);
	ck_assert_int_eq(barrier(BAR_READY, &fd), 0);
	for (i = 0; i < NVICTIMS; i++) {
		ck_assert_int_eq(waitpid(pids[i], &st, 0), pids[i]);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			      "victim %s: status %#x (exit %d)",
			      victims[i].name, st,
			      WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	}
	ck_assert_int_gt(cp_stat("svr_kill"), 0);
	ck_assert_int_gt(cp_stat("kill_delivered"), 0);
	ck_assert_int_gt(cp_stat("kill_eperm"), 0);
	close(fd);
}
END_TEST

/* ---- sender side ---------------------------------------------------- */

/* pid (or pgrp if want_pgrp) of the live process called name on node */
static pid_t find_victim(int node, const char *name)
{
	struct cp_ps_proc e;

	ck_assert_msg(cp_ps_find(node, name, &e) == 1,
		      "no %s on node %d", name, node);
	return e.pid;
}

static int exists_locally(pid_t pid)
{
	char path[32];
	struct stat sb;

	snprintf(path, sizeof(path), "/proc/%d", pid);
	return stat(path, &sb) == 0;
}

/*
 * In a child with uid/gid uid: kill(target, sig) must return want_errno
 * (0: success); then, if answers > 0, that many ANSWER (SIGRTMIN + 1) answers must
 * come, each with SI_USER, si_uid answer_uid and an si_pid accepted by
 * ok_pid (the victims'). The child's exit code says what went wrong.
 */
struct send_spec {
	uid_t uid;
	pid_t target;
	int sig;
	int want_errno;
	int answers;
	uid_t answer_uid;
	pid_t ok_pid[4];
};

static int send_child(const struct send_spec *s)
{
	struct timespec ts = { 10, 0 };
	pid_t seen[8] = { 0 };
	sigset_t set;
	siginfo_t si;
	int i, k, r;

	sigemptyset(&set);
	sigaddset(&set, ANSWER);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return 20;
	if (s->uid && (setresgid(s->uid, s->uid, s->uid) ||
		       setresuid(s->uid, s->uid, s->uid)))
		return 21;
	r = kill(s->target, s->sig);
	if (s->want_errno ? (r != -1 || errno != s->want_errno) : r != 0) {
		fprintf(stderr, "kill(%d, %d) = %d errno %d, want errno %d\n",
			s->target, s->sig, r, r ? errno : 0, s->want_errno);
		return 22;
	}
	for (i = 0; i < s->answers; i++) {
		if (sigtimedwait(&set, &si, &ts) != ANSWER)
			return 23;
		if (si.si_code != SI_USER)
			return 24;
		if (si.si_uid != s->answer_uid)
			return 25;
		for (k = 0; k < 4 && s->ok_pid[k] != si.si_pid; k++)
			;
		if (k == 4 || !si.si_pid) {
			fprintf(stderr, "answer from pid %d\n", si.si_pid);
			return 26;
		}
		for (k = 0; k < i; k++)
			if (seen[k] == si.si_pid)
				return 27;
		seen[i] = si.si_pid;
	}
	return 0;
}

static void run_send(const struct send_spec *s)
{
	pid_t pid = fork();
	int st;

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(send_child(s));
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "sender to %d sig %d: status %#x (exit %d)", s->target,
		      s->sig, st, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

START_TEST(test_pids_are_not_local)
{
	int n;

	for (n = 2; n <= nodes; n++) {
		ck_assert(!exists_locally(find_victim(n, "cpv_pid")));
		ck_assert(!exists_locally(find_victim(n, "cpv_root")));
	}
}
END_TEST

START_TEST(test_esrch_nowhere)
{
	struct send_spec s = { .uid = 0, .target = 4000000, .sig = 0,
			       .want_errno = ESRCH };
	long long h0 = cp_stat("hook_kill_pid");

	run_send(&s);
	s.sig = SIGTERM;
	run_send(&s);
	s.target = -4000000;
	run_send(&s);
	ck_assert_int_ge(cp_stat("hook_kill_pid"), h0 + 2);
}
END_TEST

START_TEST(test_probe_and_eperm)
{
	int n;

	for (n = 2; n <= nodes; n++) {
		struct send_spec s = { .uid = NOBODY, .sig = 0 };

		s.target = find_victim(n, "cpv_root");
		s.want_errno = EPERM;
		run_send(&s);		/* probe root's process: EPERM */
		s.sig = SIGTERM;
		run_send(&s);		/* and signal it: EPERM */
		s.uid = 0;
		s.sig = 0;
		s.want_errno = 0;
		run_send(&s);		/* root may probe it */
		s.uid = NOBODY;
		s.target = find_victim(n, "cpv_pid");
		run_send(&s);		/* nobody may probe nobody's */
	}
}
END_TEST

START_TEST(test_kill_pid)
{
	long long h0 = cp_stat("hook_kill_pid");
	int n;

	for (n = 2; n <= nodes; n++) {
		struct send_spec s = { .uid = NOBODY, .sig = SIGTERM,
				       .answers = 1, .answer_uid = NOBODY };

		s.target = find_victim(n, "cpv_pid");
		s.ok_pid[0] = s.target;
		run_send(&s);
	}
	ck_assert_int_ge(cp_stat("hook_kill_pid"), h0 + nodes - 1);
}
END_TEST

START_TEST(test_kill_pgrp)
{
	long long h0 = cp_stat("hook_kill_pgrp");
	int n;

	for (n = 2; n <= nodes; n++) {
		struct send_spec s = { .uid = NOBODY, .sig = SIGTERM,
				       .answers = 2, .answer_uid = NOBODY };
		pid_t g = find_victim(n, "cpv_pgrp");

		ck_assert_int_eq(cp_ps_pgrp_members(n, g, s.ok_pid, 4), 2);
		s.target = -g;
		run_send(&s);
	}
	ck_assert_int_ge(cp_stat("hook_kill_pgrp"), h0 + nodes - 1);
}
END_TEST

/*
 * A process group spread over nodes: a leader here and a member that
 * exec'd on node 2 (remote exec keeps the pid; its stand-in here stays in
 * the group). kill(-pgrp) from outside the group reaches both.
 */
static pid_t start_spread_member(pid_t pgrp, int node, const char *name)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char exe[PATH_MAX], b[8], *slash;
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 16);
		FILE *f;

		if (n <= 0 || setpgid(0, pgrp))
			_exit(120);
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		strcpy(slash + 1, "cp_victim");
		if (node) {
			f = fopen(EXEC_NODE, "w");
			snprintf(b, sizeof(b), "%d", node);
			if (!f || fputs(b, f) < 0 || fclose(f))
				_exit(121);
		}
		setenv("CPV_SENDER_UID", "0", 1);
		setenv("CPV_KEEP_PGRP", "1", 1);
		execl(exe, "cp_victim", name, "0", "15", "30", (char *)NULL);
		_exit(127);
	}
	return pid;
}

START_TEST(test_kill_pgrp_spread)
{
	struct send_spec s = { .uid = 0, .sig = SIGTERM, .answers = 2,
			       .answer_uid = 0 };
	struct cp_ps_proc v;
	pid_t leader, member;
	int st;

	ck_assert_msg(access(EXEC_NODE, W_OK) == 0,
		      "no remote exec (%s): cannot spread a group", EXEC_NODE);
	leader = start_spread_member(0, 0, "cpv_sp_lead");
	setpgid(leader, leader);	/* before the member joins it */
	member = start_spread_member(leader, 2, "cpv_sp_memb");
	ck_assert_int_eq(cp_ps_find(2, "cpv_sp_memb", &v), 1);
	ck_assert_int_eq(v.pid, member);	/* kept its pid */
	ck_assert_int_eq(cp_ps_find(1, "cpv_sp_lead", &v), 1);
	s.target = -leader;
	s.ok_pid[0] = leader;
	s.ok_pid[1] = member;
	run_send(&s);
	ck_assert_int_eq(waitpid(leader, &st, 0), leader);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "leader status %#x", st);
	ck_assert_int_eq(waitpid(member, &st, 0), member);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "remote member status %#x", st);
}
END_TEST

START_TEST(test_kill_minus_one)
{
	struct send_spec s = { .uid = ALL_UID, .target = -1, .sig = SIGTERM,
			       .answers = nodes - 1, .answer_uid = ALL_UID };
	long long h0 = cp_stat("hook_kill_all");
	int n;

	for (n = 2; n <= nodes; n++)
		s.ok_pid[n - 2] = find_victim(n, "cpv_all");
	run_send(&s);
	ck_assert_int_eq(cp_stat("hook_kill_all"), h0 + 1);
	/* root's processes survived an unprivileged kill(-1) */
	for (n = 2; n <= nodes; n++)
		find_victim(n, "cpv_root");
}
END_TEST

START_TEST(test_root_kills_root)
{
	int n;

	for (n = 2; n <= nodes; n++) {
		struct send_spec s = { .uid = 0, .sig = SIGUSR1,
				       .answers = 1, .answer_uid = 0 };

		s.target = find_victim(n, "cpv_root");
		s.ok_pid[0] = s.target;
		run_send(&s);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("clusterproc_signal");
	TCase *tc = tcase_create("signal");
	int failed, fd = -1, fd2 = -1;

	self_node = cp_env_node();
	nodes = cp_expected_nodes();
	if (self_node < 1 || nodes < 2) {
		fprintf(stderr, "test_signal: needs CS_NODE and 2+ nodes\n");
		return EXIT_FAILURE;
	}
	tcase_set_timeout(tc, 90);
	if (self_node == 1) {
		/* victims everywhere first, and every module up */
		if (barrier(BAR_READY, &fd) ||
		    cp_wait_nodes_up(nodes, 10000)) {
			fprintf(stderr, "test_signal: barrier: %s\n",
				strerror(errno));
			return EXIT_FAILURE;
		}
		tcase_add_test(tc, test_pids_are_not_local);
		tcase_add_test(tc, test_esrch_nowhere);
		tcase_add_test(tc, test_probe_and_eperm);
		tcase_add_test(tc, test_kill_pid);
		tcase_add_test(tc, test_kill_pgrp);
		tcase_add_test(tc, test_kill_pgrp_spread);
		tcase_add_test(tc, test_kill_minus_one);
		tcase_add_test(tc, test_root_kills_root);
	} else {
		tcase_add_test(tc, test_victims);
	}
	suite_add_tcase(s, tc);
	failed = cp_run_suite(s, CK_VERBOSE, CK_FORK_GETENV);
	if (barrier(BAR_DONE, &fd2))
		fprintf(stderr, "test_signal: end barrier: %s\n",
			strerror(errno));
	if (fd >= 0)
		close(fd);
	if (fd2 >= 0)
		close(fd2);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
