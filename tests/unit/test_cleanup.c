/*
 * test_cleanup: the launcher leaves nothing behind. Boots a real small
 * cluster (CS_TEST_BIN = clustersim, CS_TEST_KERNEL = a UML kernel),
 * interrupts it (SIGINT mid-boot, SIGTERM while running, the global
 * timeout) and checks that no process whose command line names the run's
 * directory (every UML process and the vde_switch do) survives, and that
 * the exit status says failure.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Number of live processes whose cmdline contains needle. */
static int count_procs(const char *needle)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		char path[300], buf[8192];
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
		if (strstr(buf, needle))
			n++;
	}
	closedir(d);
	return n;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct launch {
	char dir[64];
	char runs[96];
	pid_t pid;
};

static void launch(struct launch *l, const char *timeout, const char *node_cmd)
{
	const char *bin = getenv("CS_TEST_BIN");
	const char *kernel = getenv("CS_TEST_KERNEL");

	ck_assert_msg(bin && access(bin, X_OK) == 0, "CS_TEST_BIN unusable");
	ck_assert_msg(kernel && access(kernel, X_OK) == 0,
		      "CS_TEST_KERNEL (a UML kernel) unusable: %s",
		      kernel ? kernel : "unset");
	snprintf(l->dir, sizeof(l->dir), "/tmp/cs-cleanup-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(l->dir));
	snprintf(l->runs, sizeof(l->runs), "%s/runs", l->dir);
	l->pid = fork();
	ck_assert_int_ge(l->pid, 0);
	if (l->pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		execl(bin, bin, "--nodes", "3", "--kernel", kernel, "--runs",
		      l->runs, "--timeout", timeout, "--no-module", "exec", "1",
		      "--", "sh", "-c", node_cmd, (char *)NULL);
		_exit(99);
	}
}

/* Wait until a file under runs/latest/ matching what exists, or fail. */
static void wait_for(const struct launch *l, const char *rel, double secs)
{
	char path[256];
	double end = now() + secs;
	struct stat st;

	snprintf(path, sizeof(path), "%s/latest/%s", l->runs, rel);
	while (stat(path, &st) != 0) {
		ck_assert_msg(now() < end, "%s did not appear in %.0f s", path,
			      secs);
		usleep(20 * 1000);
	}
}

/* Wait for the launcher to exit; returns its wait status. */
static int wait_exit(const struct launch *l, double secs)
{
	double end = now() + secs;
	int st;

	for (;;) {
		pid_t p = waitpid(l->pid, &st, WNOHANG);

		if (p == l->pid)
			return st;
		if (now() >= end) {
			kill(l->pid, SIGKILL);
			waitpid(l->pid, &st, 0);
			ck_abort_msg("launcher did not exit within %.0f s", secs);
		}
		usleep(20 * 1000);
	}
}

static void assert_nothing_left(const struct launch *l)
{
	int n = count_procs(l->runs);

	ck_assert_msg(n == 0, "%d process(es) naming %s survived", n, l->runs);
}

START_TEST(test_sigint_mid_boot)
{
	struct launch l;
	int st;

	launch(&l, "60", "sleep 100");
	wait_for(&l, "node3.console", 10);
	usleep(150 * 1000);	/* UML is up, init not yet joined */
	ck_assert_int_gt(count_procs(l.runs), 0);
	ck_assert_int_eq(kill(l.pid, SIGINT), 0);
	st = wait_exit(&l, 30);
	ck_assert(WIFEXITED(st));
	ck_assert_int_ne(WEXITSTATUS(st), 0);
	assert_nothing_left(&l);
}
END_TEST

START_TEST(test_sigterm_while_running)
{
	struct launch l;
	int st;

	launch(&l, "60", "sleep 100");
	wait_for(&l, "node1/exec.out", 30);	/* the command runs */
	ck_assert_int_eq(kill(l.pid, SIGTERM), 0);
	st = wait_exit(&l, 30);
	ck_assert(WIFEXITED(st));
	ck_assert_int_ne(WEXITSTATUS(st), 0);
	assert_nothing_left(&l);
}
END_TEST

START_TEST(test_timeout)
{
	struct launch l;
	int st;

	launch(&l, "4", "sleep 100");
	st = wait_exit(&l, 40);
	ck_assert(WIFEXITED(st));
	ck_assert_int_ne(WEXITSTATUS(st), 0);
	assert_nothing_left(&l);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cleanup");
	TCase *tc = tcase_create("cleanup");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_sigint_mid_boot);
	tcase_add_test(tc, test_sigterm_while_running);
	tcase_add_test(tc, test_timeout);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
