/*
 * test_cleanup: the launcher leaves nothing behind. Boots a real small
 * cluster (CS_TEST_BIN = clustersim, CS_TEST_KERNEL = a UML kernel) and
 * stops it every way it can be stopped:
 *   - Ctrl-C: SIGINT to the launcher's whole process group, mid-boot,
 *     with every node behind a wirefilter (more helpers to stop);
 *   - SIGTERM to the launcher while the nodes run a command;
 *   - the global timeout;
 *   - SIGKILL to the launcher (its guard process must clean up);
 *   - a normal end;
 * and, with CS_TEST_QEMU_KERNEL (an x86_64 vmlinux), the same with node 2
 * a QEMU VM: SIGKILL to the launcher, and a normal end whose exit status
 * comes from the QEMU node.
 * Before stopping it checks that the run's processes exist (every node's
 * UML processes, the vde_plug helpers and the vde_switch: all of them carry
 * the run's private directory in their command line), and, when the test
 * runs as root, that none of them runs as root (the launcher starts them
 * as its node user, sim/launcher/nodeuser.c); afterwards that none
 * survives, and that the exit status is what the launcher documents.
 */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit_util.h"

#define NODES 3

struct census {
	pid_t pid[256];		/* the first ones found */
	int total;
	int kernel;		/* exe is the UML kernel */
	int vswitch;		/* exe is vde_switch */
	int plug;		/* exe is vde_plug */
	int filter;		/* exe is wirefilter */
	int qemu;		/* exe is qemu-system-x86_64 */
	int as_root;		/* of those kinds: a uid (real, effective,
				 * saved or fs) is 0 */
};

/* Has process @pid (a /proc name) uid 0 in any of its four uids? */
static bool runs_as_root(const char *pid)
{
	char path[300], line[256];
	bool root = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	f = fopen(path, "r");
	if (!f)
		return false;	/* gone */
	while (fgets(line, sizeof(line), f)) {
		unsigned int u[4];

		if (sscanf(line, "Uid: %u %u %u %u", &u[0], &u[1], &u[2],
			   &u[3]) == 4)
			root = !u[0] || !u[1] || !u[2] || !u[3];
	}
	fclose(f);
	return root;
}

/* Live processes whose cmdline contains needle, by kind. */
static void census(const char *needle, struct census *c)
{
	const char *kenv = getenv("CS_TEST_KERNEL");
	char kernel[4096];
	DIR *d = opendir("/proc");
	struct dirent *e;

	memset(c, 0, sizeof(*c));
	ck_assert_msg(kenv && realpath(kenv, kernel), "CS_TEST_KERNEL unusable");
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		char path[300], buf[8192], exe[4096];
		ssize_t r;
		int fd;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		r = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (r <= 0)
			continue;
		for (ssize_t i = 0; i < r; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		buf[r] = '\0';
		if (!strstr(buf, needle))
			continue;
		if (c->total < (int)(sizeof(c->pid) / sizeof(c->pid[0])))
			c->pid[c->total] = atoi(e->d_name);
		c->total++;
		snprintf(path, sizeof(path), "/proc/%s/exe", e->d_name);
		r = readlink(path, exe, sizeof(exe) - 1);
		if (r <= 0)
			continue;
		exe[r] = '\0';
		if (strcmp(exe, kernel) == 0)
			c->kernel++;
		else if (strstr(exe, "/vde_switch"))
			c->vswitch++;
		else if (strstr(exe, "/vde_plug"))
			c->plug++;
		else if (strstr(exe, "/wirefilter"))
			c->filter++;
		else if (strstr(exe, "/qemu-system-x86_64"))
			c->qemu++;
		else
			continue;	/* the launcher and its guard */
		c->as_root += runs_as_root(e->d_name);
	}
	closedir(d);
}

struct launch {
	struct unit_tmp tmp;
	pid_t pid;
};

/* wire: "" or a --wire-delay value (every node behind a wirefilter) */
static void launch_wire(struct launch *l, const char *timeout,
			const char *node_cmd, const char *wire)
{
	const char *bin = getenv("CS_TEST_BIN");
	const char *kernel = getenv("CS_TEST_KERNEL");

	ck_assert_msg(bin && access(bin, X_OK) == 0, "CS_TEST_BIN unusable");
	ck_assert_msg(kernel && access(kernel, X_OK) == 0,
		      "CS_TEST_KERNEL (a UML kernel) unusable: %s",
		      kernel ? kernel : "unset");
	unit_tmp_make(&l->tmp, "cleanup");
	l->pid = fork();
	ck_assert_int_ge(l->pid, 0);
	if (l->pid == 0) {
		int null = open("/dev/null", O_RDWR);

		/* own process group: a "terminal" Ctrl-C goes to all of it */
		setpgid(0, 0);
		dup2(null, 0);
		dup2(null, 1);
		if (wire[0])
			execl(bin, bin, "--nodes", "3", "--kernel", kernel,
			      "--runs", l->tmp.runs, "--timeout", timeout,
			      "--no-module", "-q", "--wire-delay", wire,
			      "exec", "1", "--", "sh", "-c", node_cmd,
			      (char *)NULL);
		execl(bin, bin, "--nodes", "3", "--kernel", kernel, "--runs",
		      l->tmp.runs, "--timeout", timeout, "--no-module", "-q",
		      "exec", "1", "--", "sh", "-c", node_cmd, (char *)NULL);
		_exit(99);
	}
	setpgid(l->pid, l->pid);
}

static void launch(struct launch *l, const char *timeout, const char *node_cmd)
{
	launch_wire(l, timeout, node_cmd, "");
}

/* Node 2 a QEMU VM (CS_TEST_QEMU_KERNEL), nodes 1 and 3 UML; exec on 2. */
static void launch_mixed(struct launch *l, const char *timeout,
			 const char *node_cmd)
{
	const char *bin = getenv("CS_TEST_BIN");
	const char *kernel = getenv("CS_TEST_KERNEL");
	const char *qkernel = getenv("CS_TEST_QEMU_KERNEL");

	ck_assert_msg(bin && access(bin, X_OK) == 0, "CS_TEST_BIN unusable");
	ck_assert_msg(kernel && access(kernel, X_OK) == 0,
		      "CS_TEST_KERNEL (a UML kernel) unusable");
	ck_assert_msg(qkernel && access(qkernel, R_OK) == 0,
		      "CS_TEST_QEMU_KERNEL (an x86_64 vmlinux) unusable");
	unit_tmp_make(&l->tmp, "cleanup");
	l->pid = fork();
	ck_assert_int_ge(l->pid, 0);
	if (l->pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setpgid(0, 0);
		dup2(null, 0);
		dup2(null, 1);
		execl(bin, bin, "--nodes", "3", "--kernel", kernel,
		      "--qemu-nodes", "2", "--qemu-kernel", qkernel,
		      "--runs", l->tmp.runs, "--timeout", timeout,
		      "--no-module", "-q", "exec", "2", "--", "sh", "-c",
		      node_cmd, (char *)NULL);
		_exit(99);
	}
	setpgid(l->pid, l->pid);
}

static void finish(struct launch *l)
{
	unit_tmp_remove(&l->tmp);
}

/* Wait until a file under runs/latest/ exists, or fail. */
static void wait_for(const struct launch *l, const char *rel, double secs)
{
	char path[256];
	double end = unit_now() + secs;
	struct stat st;

	snprintf(path, sizeof(path), "%s/latest/%s", l->tmp.runs, rel);
	while (stat(path, &st) != 0) {
		ck_assert_msg(unit_now() < end, "%s did not appear in %.0f s", path,
			      secs);
		usleep(20 * 1000);
	}
}

/* Run as root, the launcher starts nodes and helpers as its node user. */
static void assert_none_root(const struct census *c)
{
	if (geteuid() == 0)
		ck_assert_msg(c->as_root == 0,
			      "%d of the run's node and helper processes run as host root",
			      c->as_root);
}

/* Wait until the run's processes are all there (or fail). */
static void wait_running_wire(const struct launch *l, double secs, bool wire)
{
	double end = unit_now() + secs;
	struct census c;

	for (;;) {
		census(l->tmp.runs, &c);
		if (c.kernel >= NODES && c.plug >= NODES &&
		    c.vswitch == (wire ? 1 + NODES : 1) &&
		    c.filter == (wire ? NODES : 0)) {
			assert_none_root(&c);
			return;
		}
		ck_assert_msg(unit_now() < end,
			      "cluster not up in %.0f s: %d kernel, %d switch, %d vde_plug, %d wirefilter processes",
			      secs, c.kernel, c.vswitch, c.plug, c.filter);
		usleep(20 * 1000);
	}
}

static void wait_running(const struct launch *l, double secs)
{
	wait_running_wire(l, secs, false);
}

/* Mixed: two UML nodes' processes, one QEMU, the switch (or fail). */
static void wait_running_mixed(const struct launch *l, double secs)
{
	double end = unit_now() + secs;
	struct census c;

	for (;;) {
		census(l->tmp.runs, &c);
		if (c.kernel >= NODES - 1 && c.qemu == 1 && c.vswitch == 1) {
			assert_none_root(&c);
			return;
		}
		ck_assert_msg(unit_now() < end,
			      "mixed cluster not up in %.0f s: %d kernel, %d qemu, %d switch processes",
			      secs, c.kernel, c.qemu, c.vswitch);
		usleep(20 * 1000);
	}
}

/* Wait for the launcher to exit; returns its wait status. */
static int wait_exit(const struct launch *l, double secs)
{
	double end = unit_now() + secs;
	int st;

	for (;;) {
		pid_t p = waitpid(l->pid, &st, WNOHANG);

		if (p == l->pid)
			return st;
		if (unit_now() >= end) {
			kill(l->pid, SIGKILL);
			waitpid(l->pid, &st, 0);
			ck_abort_msg("launcher did not exit within %.0f s", secs);
		}
		usleep(20 * 1000);
	}
}

/*
 * Nothing of the run may survive. After a SIGKILL of the launcher the
 * guard needs a moment, so poll (bounded) instead of sampling once.
 */
static void assert_nothing_left(const struct launch *l, double grace)
{
	double end = unit_now() + grace;
	struct census c;

	for (;;) {
		census(l->tmp.runs, &c);
		if (c.total == 0)
			return;
		if (unit_now() >= end)
			break;
		usleep(20 * 1000);
	}
	/* the test failed; still leave nothing behind */
	for (int i = 0; i < c.total && i < (int)(sizeof(c.pid) / sizeof(c.pid[0])); i++)
		kill(c.pid[i], SIGKILL);
	ck_abort_msg("%d process(es) naming %s survived (%d kernel, %d switch, %d vde_plug, %d wirefilter, %d qemu)",
		     c.total, l->tmp.runs, c.kernel, c.vswitch, c.plug, c.filter,
		     c.qemu);
}

START_TEST(test_ctrl_c_mid_boot)
{
	struct launch l;
	int st;

	/* with wirefilters: 3 + 1 switches, 3 filters to stop as well */
	launch_wire(&l, "60", "sleep 100", "1");
	wait_for(&l, "node3.console", 10);
	wait_running_wire(&l, 10, true);	/* need not be joined */
	ck_assert_int_eq(killpg(l.pid, SIGINT), 0);
	st = wait_exit(&l, 30);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 128 + SIGINT);
	assert_nothing_left(&l, 0);
	finish(&l);
}
END_TEST

START_TEST(test_sigterm_while_running)
{
	struct launch l;
	int st;

	launch(&l, "60", "sleep 100");
	wait_for(&l, "node1/exec.out", 30);	/* the command runs */
	wait_running(&l, 10);
	ck_assert_int_eq(kill(l.pid, SIGTERM), 0);
	st = wait_exit(&l, 30);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 128 + SIGTERM);
	assert_nothing_left(&l, 0);
	finish(&l);
}
END_TEST

START_TEST(test_timeout)
{
	struct launch l;
	int st;

	launch(&l, "6", "sleep 100");
	wait_running(&l, 6);
	st = wait_exit(&l, 40);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 125);	/* exec: the cluster failed */
	assert_nothing_left(&l, 0);
	finish(&l);
}
END_TEST

START_TEST(test_sigkill_launcher)
{
	struct launch l;
	int st;

	launch(&l, "60", "sleep 100");
	wait_for(&l, "node1/exec.out", 30);
	wait_running(&l, 10);
	ck_assert_int_eq(kill(l.pid, SIGKILL), 0);
	st = wait_exit(&l, 10);
	ck_assert(WIFSIGNALED(st));
	assert_nothing_left(&l, 5);
	finish(&l);
}
END_TEST

START_TEST(test_normal_end)
{
	struct launch l;
	int st;

	launch(&l, "60", "exit 7");
	st = wait_exit(&l, 40);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 7);
	assert_nothing_left(&l, 0);
	finish(&l);
}
END_TEST

START_TEST(test_sigkill_launcher_mixed)
{
	struct launch l;
	int st;

	launch_mixed(&l, "90", "sleep 100");
	wait_for(&l, "node2/exec.out", 60);	/* the QEMU node runs it */
	wait_running_mixed(&l, 10);
	ck_assert_int_eq(kill(l.pid, SIGKILL), 0);
	st = wait_exit(&l, 10);
	ck_assert(WIFSIGNALED(st));
	assert_nothing_left(&l, 5);
	finish(&l);
}
END_TEST

START_TEST(test_normal_end_mixed)
{
	struct launch l;
	int st;

	launch_mixed(&l, "90", "exit 7");
	st = wait_exit(&l, 80);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 7);
	assert_nothing_left(&l, 0);
	finish(&l);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cleanup");
	TCase *tc = tcase_create("cleanup");

	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_ctrl_c_mid_boot);
	tcase_add_test(tc, test_sigterm_while_running);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_sigkill_launcher);
	tcase_add_test(tc, test_normal_end);
	suite_add_tcase(s, tc);
	if (getenv("CS_TEST_QEMU_KERNEL")) {
		TCase *tq = tcase_create("cleanup-qemu");

		tcase_set_timeout(tq, 120);
		tcase_add_test(tq, test_sigkill_launcher_mixed);
		tcase_add_test(tq, test_normal_end_mixed);
		suite_add_tcase(s, tq);
	}
	return unit_run(s);
}
