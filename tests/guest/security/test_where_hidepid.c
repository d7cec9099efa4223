/*
 * Security: /proc/clusterproc/where (mode 0666) tells no more than the
 * /proc it is opened through shows (the security issue's finding 6).
 * Under hidepid=invisible a user sees only its own processes in /proc;
 * `where` answered for any pid, on any node. The guest init mounts a
 * second /proc with hidepid=invisible at /run/proc-hidepid. Run on node
 * 1 of 3 as root (module-security.scn); the askers are children of this
 * process, as uid 1000 or root. Kernel-observable facts: the answer
 * (node, or errno), node 1's where_hidden during the case.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "libclusterproc.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define HIDEPID "/run/proc-hidepid"
#define USER_ID 1000

enum whom { ROOT_REMOTE, ROOT_LOCAL, OWN_LOCAL };

static const struct where_case {
	const char *what;
	const char *proc;	/* the proc mount */
	uid_t asker;
	enum whom whom;
	int want;		/* errno, 0: it answered */
} cases[] = {
	{ "uid 1000, hidepid, root's process on node 2", HIDEPID, USER_ID,
	  ROOT_REMOTE, ESRCH },
	{ "uid 1000, hidepid, root's process here", HIDEPID, USER_ID,
	  ROOT_LOCAL, ESRCH },
	{ "uid 1000, hidepid, its own process", HIDEPID, USER_ID, OWN_LOCAL,
	  0 },
	{ "uid 1000, /proc, root's process on node 2", "/proc", USER_ID,
	  ROOT_REMOTE, 0 },
	{ "root, hidepid, root's process on node 2", HIDEPID, 0, ROOT_REMOTE,
	  0 },
};

/* The asker: exit 0 if `where` answered for pid, else its errno. */
static int ask(const struct where_case *c, pid_t pid)
{
	char path[128], buf[32];
	pid_t child;
	int st;

	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		int fd, n;

		if (c->asker && (setgroups(0, NULL) || setgid(c->asker) ||
				 setuid(c->asker)))
			_exit(90);
		if (c->whom == OWN_LOCAL)
			pid = getpid();
		snprintf(path, sizeof(path), "%s/clusterproc/where", c->proc);
		fd = open(path, O_RDWR);
		if (fd < 0)
			_exit(91);
		n = snprintf(buf, sizeof(buf), "%d", pid);
		if (write(fd, buf, (size_t)n) != n)
			_exit(errno);
		_exit(read(fd, buf, sizeof(buf)) > 0 ? 0 : 92);
	}
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) < 90,
		      "%s: set-up failed, status %#x", c->what, st);
	return WEXITSTATUS(st);
}

/*
 * Before: every case answered (uid 1000 located root's processes here
 * and on node 2 through the hidepid mount, which lists neither).
 */
START_TEST(test_where_respects_hidepid)
{
	const struct where_case *c = &cases[_i];
	struct cpp_mark m[] = { CPP_MARK(1, "where_hidden") };
	pid_t victim = 0, pid;
	int err, st;

	if (c->whom == ROOT_REMOTE)
		victim = cpp_spawn(2, 0, (const char *const[]){ "sleep",
								"30000",
								NULL });
	pid = c->whom == ROOT_REMOTE ? victim : getpid();
	cpp_marks_take(m, 1);
	err = ask(c, pid);
	if (victim) {
		kill(victim, SIGKILL);
		waitpid(victim, &st, 0);
	}
	ck_assert_msg(err == c->want, "where %d, %s: %s, want %s", pid,
		      c->what, err ? strerror(err) : "0 (it answered)",
		      c->want ? strerror(c->want) : "0 (an answer)");
	if (c->want)
		cpp_marks_assert_rose(m, 1, "hidden");
	else
		cpp_marks_assert_same(m, 1, "shown");
}
END_TEST

static Suite *where_suite(void)
{
	Suite *s = suite_create("security-where-hidepid");
	TCase *tc = tcase_create("hidepid");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_where_respects_hidepid, 0,
			    (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_where_hidepid: not all nodes up\n");
	return cp_run_suite(where_suite(), CK_NORMAL, CK_FORK) ?
		EXIT_FAILURE : EXIT_SUCCESS;
}
