/*
 * Signals across nodes through the clusterproc module: kill(pid) to a
 * process on another node, kill(-pgrp) over every node, kill(-1), with
 * the target node's permission rules applied to the sender's
 * credentials. Needs on every node other than this one the victims
 * "cp_victim pid", "cp_victim pgrp", "cp_victim all" (uid 65534) and
 * "cp_victim root root".
 */
#include "cp_test_util.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOBODY 65534

struct ps_line {
	int node, pid, ppid, pgrp, sid, uid;
	char state;
	char comm[32];
};

static struct cp_self self;

static void setup(void)
{
	ck_assert_int_eq(cp_read_self(&self), 0);
	ck_assert_int_eq(cp_wait_nodes_up(cp_expected_nodes(), 10000), 0);
}

/* Find a live (not zombie) process named comm on node. 1, 0, or -errno. */
static int ps_find(int node, const char *comm, struct ps_line *out)
{
	char line[256];
	struct ps_line l;
	int found = 0;
	FILE *f = fopen(CP_DEBUGFS "/ps", "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%d %d %d %d %d %d %c %31s", &l.node, &l.pid,
			   &l.ppid, &l.pgrp, &l.sid, &l.uid, &l.state,
			   l.comm) != 8)
			continue;
		if (l.node == node && !strcmp(l.comm, comm) &&
		    l.state != 'Z' && l.state != 'X') {
			*out = l;
			found = 1;
		}
	}
	fclose(f);
	return found;
}

static int wait_gone(int node, const char *comm, int timeout_ms)
{
	struct ps_line l;
	int t;

	for (t = 0; t <= timeout_ms; t += 50) {
		if (ps_find(node, comm, &l) == 0)
			return 0;
		cp_sleep_ms(50);
	}
	return -ETIMEDOUT;
}

/* Write cmd to the kill file as uid (root opens it). 0 or -errno. */
static int kill_as(uid_t uid, const char *cmd)
{
	int fd = open(CP_DEBUGFS "/kill", O_WRONLY), st;
	pid_t pid;

	ck_assert_int_ge(fd, 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		ssize_t n;

		if (uid && (setresgid(uid, uid, uid) || setresuid(uid, uid, uid)))
			_exit(200);
		n = write(fd, cmd, strlen(cmd));
		_exit(n < 0 ? errno : 0);
	}
	close(fd);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_ne(WEXITSTATUS(st), 200);
	return -WEXITSTATUS(st);
}

static int kill_fmt(uid_t uid, const char *fmt, int a, int b, int c)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), fmt, a, b, c);
	return kill_as(uid, cmd);
}

START_TEST(test_probe_every_init)
{
	int n;

	for (n = 1; n <= cp_expected_nodes(); n++)
		ck_assert_int_eq(kill_fmt(0, "%d pid %d %d", n, 1, 0), 0);
}
END_TEST

START_TEST(test_eperm_to_root)
{
	int n;

	for (n = 1; n <= cp_expected_nodes(); n++) {
		if (n == self.node)
			continue;
		ck_assert_int_eq(kill_fmt(NOBODY, "%d pid %d %d", n, 1, 0),
				 -EPERM);
		ck_assert_int_eq(kill_fmt(NOBODY, "%d pid %d %d", n, 1,
					  SIGTERM), -EPERM);
	}
}
END_TEST

START_TEST(test_esrch)
{
	int down = cp_expected_nodes() + 1, other = self.node == 1 ? 2 : 1;

	ck_assert_int_eq(kill_fmt(0, "%d pid %d %d", other, 4000000, 0),
			 -ESRCH);
	ck_assert_int_eq(kill_fmt(0, "%d pid %d %d", down, 1, 0), -ESRCH);
	ck_assert_int_eq(kill_as(0, "all pgrp 4000000 0"), -ESRCH);
}
END_TEST

START_TEST(test_kill_remote_pid)
{
	struct ps_line v;
	int n;

	for (n = 1; n <= cp_expected_nodes(); n++) {
		if (n == self.node)
			continue;
		ck_assert_msg(ps_find(n, "cpv_pid", &v) == 1,
			      "no cpv_pid victim on node %d", n);
		ck_assert_int_eq(v.uid, NOBODY);
		ck_assert_int_eq(kill_fmt(NOBODY, "%d pid %d %d", n, v.pid,
					  SIGTERM), 0);
		ck_assert_int_eq(wait_gone(n, "cpv_pid", 3000), 0);
	}
}
END_TEST

START_TEST(test_kill_pgrp_everywhere)
{
	struct ps_line v;
	int n = self.node == 1 ? 2 : 1;

	ck_assert_int_eq(ps_find(n, "cpv_pgrp", &v), 1);
	ck_assert_int_eq(v.pgrp, v.pid);
	ck_assert_int_eq(kill_fmt(NOBODY, "all pgrp %d %d", v.pgrp, SIGTERM,
				  0), 0);
	ck_assert_int_eq(wait_gone(n, "cpv_pgrp", 3000), 0);
}
END_TEST

START_TEST(test_kill_minus_one)
{
	struct ps_line v;
	int n;

	for (n = 1; n <= cp_expected_nodes(); n++) {
		if (n == self.node)
			continue;
		ck_assert_int_eq(ps_find(n, "cpv_all", &v), 1);
	}
	ck_assert_int_eq(kill_as(NOBODY, "all all 0 15"), 0);
	for (n = 1; n <= cp_expected_nodes(); n++) {
		if (n == self.node)
			continue;
		ck_assert_int_eq(wait_gone(n, "cpv_all", 3000), 0);
	}
	/* root's processes survive an unprivileged kill(-1) */
	for (n = 1; n <= cp_expected_nodes(); n++)
		if (n != self.node)
			ck_assert_int_eq(ps_find(n, "cpv_root", &v), 1);
	ck_assert_int_eq(cp_count_up(), cp_expected_nodes());
	ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/ping", "all"), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("clusterproc_signal");
	TCase *tc = tcase_create("signal");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_probe_every_init);
	tcase_add_test(tc, test_eperm_to_root);
	tcase_add_test(tc, test_esrch);
	tcase_add_test(tc, test_kill_remote_pid);
	tcase_add_test(tc, test_kill_pgrp_everywhere);
	tcase_add_test(tc, test_kill_minus_one);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
