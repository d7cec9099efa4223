/*
 * Security: /proc/clusterproc/exec_node (mode 0666) sets the writer's
 * next execve() target, so a write must come from the identity that
 * opened the file, as for any kernel file whose write acts on the
 * writer (sg_check_file_access(), ib_safe_file_access()). Otherwise a
 * setuid program whose stdout a user redirected there moves its next
 * exec (the security issue's finding 6). Run as root on node 1
 * (module-security.scn); each case in a child that changes its ids
 * between open(2) and write(2) with setresuid(2). Kernel-observable
 * facts only: write(2)'s result and errno, the target exec_node reads
 * back, exec_node_cred_refused during the case.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "libclusterproc.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXEC_NODE CP_PROC_DIR "/exec_node"
#define USER_ID 1000

static const struct execnode_case {
	const char *what;
	uid_t open_as;		/* euid at open(2) */
	uid_t write_as;		/* euid at write(2) */
	int want;		/* write(2)'s errno (0: it worked) */
} cases[] = {
	{ "opened by uid 1000, written by root", USER_ID, 0, EPERM },
	{ "opened by root, written by uid 1000", 0, USER_ID, EPERM },
	{ "opened and written by uid 1000", USER_ID, USER_ID, 0 },
};

/* exec_node as the caller reads it, or -1 */
static int read_exec_node(void)
{
	FILE *f = fopen(EXEC_NODE, "r");
	int node = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &node) != 1)
		node = -1;
	fclose(f);
	return node;
}

/*
 * The child: its saved uid stays 0, so it can go back and forth. Tells
 * the parent "ERRNO TARGET" through fd.
 */
static void run_case(const struct execnode_case *c, int out)
{
	int fd, err = 0, target;

	if (setresuid(c->open_as, c->open_as, 0))
		_exit(90);
	fd = open(EXEC_NODE, O_WRONLY);
	if (fd < 0)
		_exit(91);
	if (c->write_as != c->open_as &&
	    setresuid(c->write_as, c->write_as, 0))
		_exit(92);
	if (write(fd, "2\n", 2) != 2)
		err = errno;
	close(fd);
	target = read_exec_node();
	if (dprintf(out, "%d %d\n", err, target) < 0)
		_exit(93);
	_exit(0);
}

/*
 * Before: the write succeeded whoever opened the file; the target was
 * set (exec_node read back 2) for the identity that had not opened it.
 */
START_TEST(test_exec_node_write_by_opener_only)
{
	const struct execnode_case *c = &cases[_i];
	struct cpp_mark m[] = { CPP_MARK(1, "exec_node_cred_refused") };
	int p[2], st, err = -1, target = -2;
	char buf[64] = "";
	ssize_t n;
	pid_t pid;

	cpp_marks_take(m, 1);
	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		run_case(c, p[1]);
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0 && n > 0,
		      "%s: set-up failed, status %#x", c->what, st);
	ck_assert_int_eq(sscanf(buf, "%d %d", &err, &target), 2);
	ck_assert_msg(err == c->want,
		      "exec_node %s: write %s, want %s", c->what,
		      err ? strerror(err) : "0 (it worked)",
		      c->want ? strerror(c->want) : "0");
	ck_assert_msg(target == (c->want ? 0 : 2),
		      "exec_node %s: the writer's target reads %d, want %d",
		      c->what, target, c->want ? 0 : 2);
	if (c->want)
		cpp_marks_assert_rose(m, 1, "refused");
	else
		cpp_marks_assert_same(m, 1, "accepted");
}
END_TEST

static Suite *execnode_suite(void)
{
	Suite *s = suite_create("security-execnode");
	TCase *tc = tcase_create("execnode");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_exec_node_write_by_opener_only, 0,
			    (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_execnode: not all nodes up\n");
	return cp_run_suite(execnode_suite(), CK_NORMAL, CK_FORK) ?
		EXIT_FAILURE : EXIT_SUCCESS;
}
