/*
 * Security: a process in a pid namespace of its own reaches no process
 * outside it, on any node (the security issue's rule, finding 1's "a
 * container cannot reach host processes on other nodes by global pid").
 * On one machine such a process cannot name a process outside its
 * namespace: kill(2), ptrace(2) and /proc/clusterproc/where give ESRCH.
 * Run on node 1 of 3 as root (module-security.scn): the victim is uid
 * 1000's process on node 2 (moved from here), the attacker uid 1000 on
 * node 3, root of its own user namespace, with (confined) or without
 * (the control) a pid namespace of its own. Only kernel-observable
 * facts: the attacker's errno, how the victim ended as its parent here
 * sees it, node 3's pid_ns_refused counter during the test.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "libclusterproc.h"

#include <check.h>
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ATTACKER_UID "1000"
#define ATTACKER_ID 1000
#define NS_USER "1"		/* cp_rchild ns_become(): user namespace */
#define NS_USER_PID "3"		/* ... and pid 1 of a pid namespace */

static const struct pidns_case {
	const char *what;	/* cp_rchild mode */
	const char *pid;	/* "V": the victim, else as given */
	const char *ns;
	int want;		/* the attacker's errno (0: it worked) */
	bool victim_dies;
} cases[] = {
	{ "nskill", "V", NS_USER, 0, true },
	{ "nskill", "V", NS_USER_PID, ESRCH, false },
	{ "nskill", "-1", NS_USER_PID, ESRCH, false },
	{ "nsattach", "V", NS_USER, 0, false },
	{ "nsattach", "V", NS_USER_PID, ESRCH, false },
	{ "nswhere", "V", NS_USER, 0, false },
	{ "nswhere", "V", NS_USER_PID, ESRCH, false },
};

/* uid 1000's process on node 2, moved there from here (we wait for it) */
static pid_t spawn_victim(void)
{
	char path[256];
	char *argv[] = { path, "sleep", "30000", NULL };
	pid_t pid;

	cpp_prog_path("cp_rchild", path, sizeof(path));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(ATTACKER_ID) ||
		    setuid(ATTACKER_ID))
			_exit(90);
		cp_rexecve(2, path, argv, environ);
		_exit(91);
	}
	ck_assert_msg(!cpp_wait_where(pid, 2, 10000),
		      "uid %s's process %d did not move to node 2",
		      ATTACKER_UID, pid);
	return pid;
}

/* The attacker on node 3: its exit status (errno, 0 if it worked). */
static int attack(const struct pidns_case *c, pid_t victim)
{
	char v[16];
	pid_t pid;
	int st;

	snprintf(v, sizeof(v), "%d", victim);
	if (!strcmp(c->what, "nskill"))
		pid = cpp_spawn(3, 0, (const char *const[]){
			c->what, strcmp(c->pid, "V") ? c->pid : v, "9",
			ATTACKER_UID, c->ns, NULL });
	else
		pid = cpp_spawn(3, 0, (const char *const[]){
			c->what, v, ATTACKER_UID, c->ns, NULL });
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) < 90,
		      "attacker on node 3: set-up failed, status %#x", st);
	return WEXITSTATUS(st);
}

/*
 * Each case: before, the kill op, the ptrace op and `where` sent a pid
 * not found in the caller's pid namespace to the other nodes as a
 * global pid: the confined attacker killed, attached to and located its
 * uid's process on node 2, and its kill(-1) killed it.
 */
START_TEST(test_pidns_cannot_reach_remote)
{
	const struct pidns_case *c = &cases[_i];
	bool confined = !strcmp(c->ns, NS_USER_PID);
	struct cpp_mark m[] = { CPP_MARK(3, "pid_ns_refused") };
	pid_t victim, r;
	int err, st = 0;

	victim = spawn_victim();
	cpp_marks_take(m, 1);
	err = attack(c, victim);
	cp_sleep_ms(300);	/* a kill that went through has ended it */
	r = waitpid(victim, &st, WNOHANG);
	if (r == 0) {
		kill(victim, SIGKILL);
		waitpid(victim, &st, 0);
	}
	ck_assert_msg(err == c->want,
		      "uid %s on node 3, own user%s namespace: %s %s (victim %d on node 2): %s, want %s",
		      ATTACKER_UID, confined ? " and pid" : "", c->what,
		      c->pid, victim, err ? strerror(err) : "0 (it worked)",
		      c->want ? strerror(c->want) : "0");
	if (c->victim_dies)
		ck_assert_msg(r == victim && WIFSIGNALED(st) &&
			      WTERMSIG(st) == SIGKILL,
			      "the control's kill: victim %d: r %d status %#x, want killed by SIGKILL",
			      victim, r, st);
	else
		ck_assert_msg(r == 0,
			      "uid %s's process on node 2 ended (status %#x) after %s %s",
			      ATTACKER_UID, st, c->what, c->pid);
	if (confined)
		cpp_marks_assert_rose(m, 1, "refused");
}
END_TEST

static Suite *pidns_suite(void)
{
	Suite *s = suite_create("security-pidns");
	TCase *tc = tcase_create("pidns");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_pidns_cannot_reach_remote, 0,
			    (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_pidns: not all nodes up\n");
	return cp_run_suite(pidns_suite(), CK_NORMAL, CK_FORK) ?
		EXIT_FAILURE : EXIT_SUCCESS;
}
