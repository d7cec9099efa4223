/*
 * Security: a process has no more power over processes on other nodes
 * than it would have on its own (the security issue's rule). Run on
 * node 1 of 3 as root (module-security.scn): a root victim runs on
 * node 2 (moved from here, so node 3 has no stand-in of it), the
 * attacker on node 3 as uid 1000. Only kernel-observable facts: kill(2)'s
 * errno on node 3, how the victim ended as its parent here sees it.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "libclusterproc.h"

#include <check.h>
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define ATTACKER_UID "1000"
#define ATTACKER_ID 1000

/* The attacker's kill(victim, SIGKILL) on node 3: 0 or its errno. */
static int kill_from_node3(pid_t victim, int userns)
{
	char v[16];
	pid_t pid;
	int st;

	snprintf(v, sizeof(v), "%d", victim);
	pid = cpp_spawn(3, 0, ARGS("nskill", v, "9", ATTACKER_UID,
				   userns ? "1" : "0"));
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) < 90,
		      "attacker on node 3: set-up failed, status %#x", st);
	return WEXITSTATUS(st);
}

/*
 * Finding 1: uid 1000 that became root of its own user namespace
 * (`unshare -Ur`) has CAP_KILL there, not over root's processes. On one
 * machine its kill(2) of root's process fails with EPERM; across nodes
 * the sender's raw capability bits went on the wire and the victim's
 * node honoured them in its initial namespace: the victim was killed.
 * _i == 0: the same attacker without a user namespace (EPERM before and
 * after: the control).
 */
START_TEST(test_userns_root_cannot_kill_remote_root)
{
	pid_t victim, r;
	int err, st = 0;

	victim = cpp_spawn(2, 1, ARGS("sleep", "30000"));
	err = kill_from_node3(victim, _i);
	cp_sleep_ms(300);	/* a kill that went through has ended it */
	r = waitpid(victim, &st, WNOHANG);
	if (r == 0) {
		kill(victim, SIGKILL);
		waitpid(victim, &st, 0);
	}
	ck_assert_msg(err == EPERM,
		      "uid %s%s on node 3: kill(%d, SIGKILL) of root's process on node 2: %s, want EPERM",
		      ATTACKER_UID, _i ? " in its own user namespace" : "",
		      victim, err ? strerror(err) : "0 (it worked)");
	ck_assert_msg(r == 0,
		      "root's process on node 2 ended (status %#x) after the refused kill",
		      st);
}
END_TEST

/*
 * Finding 1, ptrace: the same attacker's PTRACE_ATTACH of root's process
 * on node 2. On one machine: EPERM (no CAP_SYS_PTRACE over the init
 * namespace). The request carries the sender's capability sets too.
 */
START_TEST(test_userns_root_cannot_attach_remote_root)
{
	pid_t victim, pid, r;
	char v[16];
	int st, st2 = 0;

	victim = cpp_spawn(2, 1, ARGS("sleep", "30000"));
	snprintf(v, sizeof(v), "%d", victim);
	pid = cpp_spawn(3, 0, ARGS("nsattach", v, ATTACKER_UID, "1"));
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	r = waitpid(victim, &st2, WNOHANG);
	if (r == 0) {
		kill(victim, SIGKILL);
		waitpid(victim, &st2, 0);
	}
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) < 90,
		      "attacker on node 3: set-up failed, status %#x", st);
	ck_assert_msg(WEXITSTATUS(st) == EPERM,
		      "uid %s in its own user namespace on node 3: PTRACE_ATTACH of root's process %d on node 2: %s, want EPERM",
		      ATTACKER_UID, victim,
		      WEXITSTATUS(st) ? strerror(WEXITSTATUS(st)) :
		      "0 (attached)");
}
END_TEST

/* In a child: become uid 1000, with userns also root of a user ns. */
static int become_attacker(int userns)
{
	char map[32];

	if (setgroups(0, NULL) || setgid(ATTACKER_ID) ||
	    setuid(ATTACKER_ID) || prctl(PR_SET_DUMPABLE, 1))
		return 90;
	if (!userns)
		return 0;
	snprintf(map, sizeof(map), "0 %d 1", ATTACKER_ID);
	if (unshare(CLONE_NEWUSER) ||
	    cp_write_file("/proc/self/setgroups", "deny") ||
	    cp_write_file("/proc/self/uid_map", map) ||
	    cp_write_file("/proc/self/gid_map", map))
		return 91;
	return 0;
}

/*
 * Finding 1/2, remote exec: a process of a user namespace of its own
 * that moves to node 2 arrived there outside its namespace (uid 1000 of
 * the host, its pid global). Now refused with EPERM; _i == 0, the same
 * uid without a user namespace, moves (the control).
 */
START_TEST(test_userns_cannot_move)
{
	char path[256];
	char *argv[] = { path, "exit", "0", NULL };
	pid_t pid;
	int st;

	cpp_prog_path("cp_rchild", path, sizeof(path));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int err = become_attacker(_i);

		if (err)
			_exit(err);
		cp_rexecve(2, path, argv, environ);
		_exit(errno);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) < 90,
		      "mover: set-up failed, status %#x", st);
	if (_i)
		ck_assert_msg(WEXITSTATUS(st) == EPERM,
			      "uid %s in its own user namespace: remote exec to node 2: %s, want EPERM",
			      ATTACKER_UID, WEXITSTATUS(st) ?
			      strerror(WEXITSTATUS(st)) : "0 (it moved)");
	else
		ck_assert_msg(WEXITSTATUS(st) == 0,
			      "uid %s: remote exec to node 2: %s, want it to move",
			      ATTACKER_UID, strerror(WEXITSTATUS(st)));
}
END_TEST

static Suite *userns_suite(void)
{
	Suite *s = suite_create("security-userns");
	TCase *tc = tcase_create("kill");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_userns_root_cannot_kill_remote_root, 0, 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("ptrace");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_userns_root_cannot_attach_remote_root);
	suite_add_tcase(s, tc);
	tc = tcase_create("rexec");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_userns_cannot_move, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_userns: not all nodes up\n");
	return cp_run_suite(userns_suite(), CK_NORMAL, CK_FORK) ?
		EXIT_FAILURE : EXIT_SUCCESS;
}
