/*
 * Security: a remote exec keeps the confinement an exec keeps (the
 * security issue's finding 2). The new process on the other node is a
 * clone of a kernel thread there: without care it arrives with that
 * thread's resource limits, without no_new_privs and without the
 * caller's seccomp filter. Run on node 1 of 3 as root
 * (module-security.scn): a child confines itself, then moves to node 2
 * running cp_rchild, which checks what it got (its exit status); the
 * seccomp case must not move at all (EPERM, rexec_seccomp_refused), nor
 * a process with more supplementary groups than a REXEC carries (a
 * group can deny access through an ACL: losing one could grant it).
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "libclusterproc.h"

#include <check.h>
#include <errno.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum confine { C_RLIMIT, C_NNP, C_SECCOMP, C_GROUPS, C_MANY_GROUPS };

#define REFUSED 80	/* the child's exit when execve() failed EPERM */

static const struct confine_case {
	const char *what;
	enum confine how;
	const char *const args[5];	/* cp_rchild's check on node 2 */
	int want;	/* the child's exit: cp_rchild's, or REFUSED */
} cases[] = {
	{ "RLIMIT_NOFILE 77/99", C_RLIMIT,
	  { "rlimit", "7", "77", "99", NULL }, 0 },
	{ "no_new_privs", C_NNP, { "status", "NoNewPrivs", "1", NULL }, 0 },
	{ "a seccomp filter", C_SECCOMP, { "status", "Seccomp", "2", NULL },
	  REFUSED },
	{ "supplementary groups 4242 4343", C_GROUPS,
	  { "status", "Groups", "4242 4343", NULL }, 0 },
	{ "33 supplementary groups (more than a REXEC carries)",
	  C_MANY_GROUPS, { "status", "Groups", "?", NULL }, REFUSED },
};

/* A filter that allows everything: only its presence counts. */
static int seccomp_allow_all(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 1, .filter = f };

	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* The child: confine, then become cp_rchild on node 2 (or say why not). */
static void run_child(const struct confine_case *c)
{
	struct rlimit rl = { 77, 99 };
	gid_t many[33];
	char path[256];
	char *argv[6];
	int i;

	cpp_prog_path("cp_rchild", path, sizeof(path));
	argv[0] = path;
	for (i = 0; c->args[i]; i++)
		argv[i + 1] = (char *)c->args[i];
	argv[i + 1] = NULL;
	switch (c->how) {
	case C_RLIMIT:
		if (setrlimit(RLIMIT_NOFILE, &rl))
			_exit(90);
		break;
	case C_NNP:
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			_exit(91);
		break;
	case C_SECCOMP:
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    seccomp_allow_all())
			_exit(92);
		break;
	case C_GROUPS:
		if (setgroups(2, (gid_t[]){ 4242, 4343 }))
			_exit(94);
		break;
	case C_MANY_GROUPS:
		for (i = 0; i < 33; i++)
			many[i] = 5000 + (gid_t)i;
		if (setgroups(33, many))
			_exit(95);
		break;
	}
	cp_rexecve(2, path, argv, environ);
	_exit(errno == EPERM ? REFUSED : 93);
}

/*
 * Before: the rlimit, no_new_privs and groups cases exited 1 on node 2
 * (the kernel thread's RLIMIT_NOFILE, NoNewPrivs 0, no groups), and the
 * seccomp and 33-groups cases moved and exited 1 (Seccomp 0: it arrived
 * unfiltered; no groups).
 */
START_TEST(test_rexec_keeps_confinement)
{
	const struct confine_case *c = &cases[_i];
	struct cpp_mark m[] = {
		CPP_MARK(1, c->how == C_MANY_GROUPS ? "rexec_groups_refused" :
			 "rexec_seccomp_refused"),
	};
	pid_t pid;
	int st;

	cpp_marks_take(m, 1);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		run_child(c);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && (WEXITSTATUS(st) < 3 ||
					WEXITSTATUS(st) == REFUSED),
		      "%s: set-up failed, status %#x", c->what, st);
	ck_assert_msg(WEXITSTATUS(st) == c->want,
		      "a process with %s moved to node 2: exit %d (%s), want %d (%s)",
		      c->what, WEXITSTATUS(st),
		      WEXITSTATUS(st) == REFUSED ? "refused, EPERM" :
		      WEXITSTATUS(st) == 0 ? "it kept it" :
		      WEXITSTATUS(st) == 1 ? "moved, it lost it" : "?",
		      c->want, c->want == REFUSED ? "refused, EPERM" :
		      "it kept it");
	if (c->want == REFUSED)
		cpp_marks_assert_rose(m, 1, "refused");
	else
		cpp_marks_assert_same(m, 1, "moved");
}
END_TEST

static Suite *confine_suite(void)
{
	Suite *s = suite_create("security-rexec-confine");
	TCase *tc = tcase_create("confine");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_rexec_keeps_confinement, 0,
			    (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_rexec_confine: not all nodes up\n");
	return cp_run_suite(confine_suite(), CK_NORMAL, CK_FORK) ?
		EXIT_FAILURE : EXIT_SUCCESS;
}
