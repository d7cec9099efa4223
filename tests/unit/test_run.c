/*
 * test_run: the launcher's verdicts on real clusters (CS_TEST_BIN =
 * clustersim, CS_TEST_KERNEL = a UML kernel):
 *   - a kernel splat in one node's console fails the run, is reported with
 *     the node's name, and the console is kept in runs/<id>/;
 *   - kernel messages that only look alike do not;
 *   - exec passes the command's exit status through;
 *   - with --wire-delay every node sits behind a wirefilter that delays;
 *   - `run` ends with "N passed, M failed" and counts a missing TAP file;
 *   - `shell N` works on a terminal (a pty from script(1)) and passes the
 *     shell's exit status through;
 *   - a guest that plants symlinks where the launcher answers cs-fail
 *     cannot make it write a host file.
 * Assertions are on exit statuses, files the guest wrote and the
 * launcher's own output (the unit under test).
 */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit_util.h"

struct out {
	int status;		/* exit status, -1 if killed */
	char text[65536];	/* stdout + stderr */
};

/*
 * Run argv with stdout+stderr captured; if input is given, write it once
 * `after` appears in the output (a prompt), then keep stdin open until
 * the child exits. Bounded by secs.
 */
static void run_capture(char *const argv[], const char *after,
			const char *input, double secs, struct out *o)
{
	int opipe[2], ipipe[2], st;
	size_t used = 0;
	bool sent = input == NULL;
	double end = unit_now() + secs;
	pid_t pid;

	ck_assert_int_eq(pipe(opipe), 0);
	ck_assert_int_eq(pipe(ipipe), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(ipipe[0], 0);
		dup2(opipe[1], 1);
		dup2(opipe[1], 2);
		close(ipipe[1]);
		close(opipe[0]);
		execvp(argv[0], argv);
		_exit(99);
	}
	close(ipipe[0]);
	close(opipe[1]);
	for (;;) {
		struct pollfd p = { .fd = opipe[0], .events = POLLIN };
		ssize_t r;

		if (unit_now() >= end) {
			/* stop it (clustersim tears down on SIGTERM; under
			 * script(1) it gets SIGHUP from the closed pty) */
			kill(pid, SIGTERM);
			sleep(10);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			ck_abort_msg("%s did not finish in %.0f s; output:\n%s",
				     argv[0], secs, o->text);
		}
		if (poll(&p, 1, 100) <= 0)
			continue;
		r = read(opipe[0], o->text + used,
			 sizeof(o->text) - 1 - used);
		if (r <= 0)
			break;
		used += (size_t)r;
		o->text[used] = '\0';
		if (!sent && strstr(o->text, after)) {
			ck_assert_int_eq(write(ipipe[1], input, strlen(input)),
					 (ssize_t)strlen(input));
			sent = true;
		}
		if (used + 1 >= sizeof(o->text))
			used = 0;	/* keep the tail only */
	}
	close(opipe[0]);
	close(ipipe[1]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	o->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *bin(void)
{
	const char *b = getenv("CS_TEST_BIN");

	ck_assert_msg(b && access(b, X_OK) == 0, "CS_TEST_BIN unusable");
	return b;
}

static const char *kernel(void)
{
	const char *k = getenv("CS_TEST_KERNEL");

	ck_assert_msg(k && access(k, X_OK) == 0,
		      "CS_TEST_KERNEL (a UML kernel) unusable: %s", k ? k : "unset");
	return k;
}

static bool file_has(const char *path, const char *needle)
{
	char buf[262144];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

static struct out o;	/* large */

START_TEST(test_splat_fails_run)
{
	struct unit_tmp t;
	char console[256];

	unit_tmp_make(&t, "run");
	{
		char *const argv[] = {
			(char *)bin(), "-q", "--nodes", "2", "--kernel",
			(char *)kernel(), "--no-module", "--runs", t.runs,
			"exec", "2", "--", "sh", "-c",
			"echo 'BUG: clustersim splat test' >/dev/kmsg", NULL
		};

		run_capture(argv, NULL, NULL, 60, &o);
	}
	ck_assert_int_eq(o.status, 125);
	ck_assert_msg(strstr(o.text, "node2: KERNEL SPLAT: BUG: clustersim splat test"),
		      "no splat report naming node2:\n%s", o.text);
	ck_assert_ptr_null(strstr(o.text, "node1: KERNEL SPLAT"));
	snprintf(console, sizeof(console), "%s/latest/node2.console", t.runs);
	ck_assert_msg(file_has(console, "] BUG: clustersim splat test"),
		      "%s not kept or without the splat", console);
	unit_tmp_remove(&t);
}
END_TEST

START_TEST(test_lookalikes_pass)
{
	struct unit_tmp t;

	unit_tmp_make(&t, "run");
	{
		/* kernel log lines that are not reports; user output with
		 * report words goes to exec.out, not the console */
		char *const argv[] = {
			(char *)bin(), "-q", "--nodes", "2", "--kernel",
			(char *)kernel(), "--no-module", "--runs", t.runs,
			"exec", "1", "--", "sh", "-c",
			"echo 'bug: lowercase is no report' >/dev/kmsg; "
			"echo 'x: WARNING: not at the start' >/dev/kmsg; "
			"echo 'BUG: on stdout'; echo '[    1.000000] BUG: fake'; exit 7",
			NULL
		};

		run_capture(argv, NULL, NULL, 60, &o);
	}
	ck_assert_msg(o.status == 7, "exit %d, output:\n%s", o.status, o.text);
	ck_assert_ptr_null(strstr(o.text, "KERNEL SPLAT"));
	unit_tmp_remove(&t);
}
END_TEST

/* Behind wirefilters (100 ms each way per node) the cluster still forms
 * and runs, and the delay is real: the join needs several round trips of
 * at least 400 ms. */
START_TEST(test_wire_delay)
{
	struct unit_tmp t;
	char stats[256], line[128];
	double joined = -1;
	FILE *f;

	unit_tmp_make(&t, "run");
	{
		char *const argv[] = {
			(char *)bin(), "-q", "--nodes", "2", "--kernel",
			(char *)kernel(), "--no-module", "--runs", t.runs,
			"--wire-delay", "100", "exec", "2", "--", "true", NULL
		};

		run_capture(argv, NULL, NULL, 60, &o);
	}
	ck_assert_msg(o.status == 0, "exit %d, output:\n%s", o.status, o.text);
	snprintf(stats, sizeof(stats), "%s/latest/stats", t.runs);
	f = fopen(stats, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		sscanf(line, "joined_s=%lf", &joined);
	fclose(f);
	ck_assert_msg(joined >= 0.8, "joined after %.3f s through 100 ms filters",
		      joined);
	unit_tmp_remove(&t);
}
END_TEST

START_TEST(test_run_summary)
{
	struct unit_tmp t;
	char scn[128];
	FILE *f;
	const char *last;
	int passed = -1, failed = -1;

	unit_tmp_make(&t, "run");
	snprintf(scn, sizeof(scn), "%s/t.scn", t.dir);
	f = fopen(scn, "w");
	ck_assert_ptr_nonnull(f);
	/* /bin/true writes no TAP: one failure on node 2 */
	fputs("nodes 2\nrun all kernel-identity\nrun 2 /bin/true\n", f);
	ck_assert_int_eq(fclose(f), 0);
	{
		char *const argv[] = {
			(char *)bin(), "-q", "--kernel", (char *)kernel(),
			"--no-module", "--runs", t.runs, "run", scn, NULL
		};

		run_capture(argv, NULL, NULL, 60, &o);
	}
	ck_assert_int_eq(o.status, 1);
	ck_assert_msg(strstr(o.text, t.runs), "no log location:\n%s", o.text);
	/* the summary line: the last line of stdout is "N passed, M failed"
	 * (stderr lines may follow it in o.text) */
	for (last = strtok(o.text, "\n"); last; last = strtok(NULL, "\n")) {
		char tail;

		if (sscanf(last, "%d passed, %d failed%c", &passed, &failed,
			   &tail) == 2)
			break;
	}
	ck_assert_msg(last != NULL, "no summary line");
	ck_assert_int_gt(passed, 0);
	ck_assert_int_eq(failed, 1);
	unit_tmp_remove(&t);
}
END_TEST

START_TEST(test_shell_on_pty)
{
	struct unit_tmp t;
	char cmd[1024], hn[256];
	FILE *f;

	unit_tmp_make(&t, "run");
	snprintf(cmd, sizeof(cmd),
		 "%s -q --nodes 2 --kernel %s --no-module --runs %s shell 2",
		 bin(), kernel(), t.runs);
	{
		char *const argv[] = { "script", "-qec", cmd, "/dev/null", NULL };

		run_capture(argv, "node2:~# ",
			    "hostname >$CS_RESULTS_DIR/hostname; exit 3\n", 60, &o);
	}
	ck_assert_msg(o.status == 3, "exit %d, output:\n%s", o.status, o.text);
	snprintf(hn, sizeof(hn), "%s/latest/node2/hostname", t.runs);
	f = fopen(hn, "r");
	ck_assert_msg(f != NULL, "the shell did not run the command");
	ck_assert_ptr_nonnull(fgets(cmd, sizeof(cmd), f));
	fclose(f);
	ck_assert_str_eq(cmd, "node2\n");
	unit_tmp_remove(&t);
}
END_TEST

/*
 * The results directory is the guest's: the launcher's cs-fail answer
 * must not follow a symlink planted there. Before: the host file named
 * by the link held the launcher's answer ("error: no wirefilters ...").
 */
START_TEST(test_fail_ack_no_symlink)
{
	struct unit_tmp t;
	char victim[160], cmd[512];
	FILE *f;

	unit_tmp_make(&t, "run");
	snprintf(victim, sizeof(victim), "%s/victim", t.dir);
	f = fopen(victim, "w");
	ck_assert_ptr_nonnull(f);
	fputs("keep\n", f);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(cmd, sizeof(cmd),
		 "ln -s %s \"$CS_RESULTS_DIR/.fail.ack\" && "
		 "ln -s %s \"$CS_RESULTS_DIR/fail.ack\" && "
		 "cs-fail 1 partition 1", victim, victim);
	{
		char *const argv[] = {
			(char *)bin(), "-q", "--nodes", "1", "--kernel",
			(char *)kernel(), "--no-module", "--runs", t.runs,
			"exec", "1", "--", "sh", "-c", cmd, NULL
		};

		run_capture(argv, NULL, NULL, 60, &o);
	}
	/* cs-fail got the launcher's refusal (no wirefilters): exit 1 */
	ck_assert_msg(o.status == 1, "exit %d, output:\n%s", o.status, o.text);
	ck_assert_msg(file_has(victim, "keep") &&
		      !file_has(victim, "error"),
		      "the launcher wrote through the guest's symlink into %s",
		      victim);
	unit_tmp_remove(&t);
}
END_TEST

/*
 * cs-fail's crash and hang, and what it refuses: a node cannot crash
 * itself, a node not crashed cannot be restarted, a stopped node cannot
 * be stopped again, a crashed one not at all. Node 3 stopped for 2 s goes
 * on (and, idle at init's end barrier, may take its peers for gone and
 * end its run: not touched after); node 2 crashed is no failure of the
 * run (its death was asked for).
 */
START_TEST(test_fail_crash_hang)
{
	static const char cmd[] =
		"cs-fail 1 crash; [ $? = 1 ] || exit 11; "
		"cs-fail 2 restart; [ $? = 1 ] || exit 12; "
		"cs-fail 3 hang 2 || exit 13; "
		"cs-fail 3 hang 1; [ $? = 1 ] || exit 14; "
		"sleep 4; cs-fail 2 crash || exit 15; "
		"cs-fail 2 hang 1; [ $? = 1 ] || exit 16; exit 0";
	struct unit_tmp t;
	char log[300];

	unit_tmp_make(&t, "run");
	{
		char *const argv[] = {
			(char *)bin(), "-q", "--nodes", "3", "--kernel",
			(char *)kernel(), "--no-module", "--runs", t.runs,
			"exec", "1", "--", "sh", "-c", (char *)cmd, NULL
		};

		run_capture(argv, NULL, NULL, 80, &o);
	}
	ck_assert_msg(o.status == 0, "exit %d, output:\n%.3000s", o.status,
		      o.text);
	snprintf(log, sizeof(log), "%s/latest/faults.log", t.runs);
	ck_assert_msg(file_has(log, "node 3 stopped for 2 s") &&
		      file_has(log, "node 3 goes on") &&
		      file_has(log, "node 2 crashed"),
		      "%s lacks the stop, the continue or the crash", log);
	unit_tmp_remove(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("run");

	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_splat_fails_run);
	tcase_add_test(tc, test_lookalikes_pass);
	tcase_add_test(tc, test_run_summary);
	tcase_add_test(tc, test_wire_delay);
	tcase_add_test(tc, test_shell_on_pty);
	tcase_add_test(tc, test_fail_ack_no_symlink);
	tcase_add_test(tc, test_fail_crash_hang);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
