/*
 * test_paths: the path coverage table (sim/paths/) on crafted run
 * directories: a path with no hits fails unless excepted, a stale
 * exception fails, a counter a scenario expects to stay zero that rose
 * fails; and paths-table's exit status for each.
 */
#include "counters.h"
#include "paths.h"
#include "unit_util.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define CP_SRC_DIR CS_TEST_DATA "/../../../hooks/clusterproc"

static struct unit_tmp tmp;

static void put(const char *rel, const char *text)
{
	char path[512], dir[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp.dir, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + strlen(tmp.dir) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			ck_assert(mkdir(dir, 0755) == 0 || errno == EEXIST);
			*p = '/';
		}
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

static char *at(const char *rel)
{
	static char path[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", tmp.dir, rel);
	return path[k];
}

static void setup(void)
{
	unit_tmp_make(&tmp, "paths");
}

static void teardown(void)
{
	unit_tmp_remove(&tmp);
}

/*
 * Run r1, nodes 1 and 2: hook_kill_pid hit on node 1 (3 -> 5), the
 * release point exit_flush never, the window notify_sent on node 2 (from
 * no start file: counts from 0); calls_timeout stays 0 (node 1: 4 -> 4).
 */
static void run_r1(void)
{
	put("r1/node1/stats-start.txt",
	    "tx_msgs 10\ncalls_timeout 4\nhook_kill_pid 3\n"
	    "point.exit_flush.hits 0\nnotify_sent 0\n");
	put("r1/node1/stats.txt",
	    "tx_msgs 20\ncalls_timeout 4\nhook_kill_pid 5\n"
	    "point.exit_flush.hits 0\nnotify_sent 0\n");
	put("r1/node2/stats.txt",
	    "tx_msgs 7\ncalls_timeout 0\nhook_kill_pid 0\n"
	    "point.exit_flush.hits 0\nnotify_sent 2\n");
	put("r1/node1.console", "not a directory\n");
	put("r1/expect-zero", "calls_*\n");
}

static const struct cp_path_row *row(const struct cp_paths *t,
				     const char *name)
{
	for (size_t i = 0; i < t->nrows; i++)
		if (!strcmp(t->rows[i].name, name))
			return &t->rows[i];
	ck_abort_msg("no row %s", name);
	return NULL;
}

static void table(struct cp_paths *t, const char *exc)
{
	char err[512] = "";

	cp_paths_init(t);
	if (exc)
		ck_assert_msg(cp_paths_parse_exceptions(t, exc, "exc.txt", err,
							sizeof(err)) == 0,
			      "%s", err);
	ck_assert_msg(cp_paths_add_run(t, at("r1"), err, sizeof(err)) == 0,
		      "%s", err);
	cp_paths_verdict(t);
}

START_TEST(test_kinds)
{
	ck_assert_int_eq(cp_path_kind_of("hook_wait_task"), CP_PATH_HOOK);
	ck_assert_int_eq(cp_path_kind_of("point.exit_flush.hits"),
			 CP_PATH_RELEASE);
	ck_assert_int_eq(cp_path_kind_of("notify_sent"), CP_PATH_WINDOW);
	ck_assert_int_eq(cp_path_kind_of("reparent_sent"), CP_PATH_WINDOW);
	ck_assert_int_eq(cp_path_kind_of("calls_timeout"), -1);
	ck_assert_int_eq(cp_path_kind_of("hook_"), -1);
	ck_assert_int_eq(cp_path_kind_of("point..hits"), -1);
}
END_TEST

/* a path with no hits and no exception fails; hits per node, deltas */
START_TEST(test_zero_path_fails)
{
	struct cp_paths t;

	run_r1();
	table(&t, NULL);
	ck_assert_uint_eq(t.nrows, 3);
	ck_assert_int_eq(t.max_node, 2);
	ck_assert_int_eq(row(&t, "hook_kill_pid")->hits[1], 2);
	ck_assert_int_eq(row(&t, "hook_kill_pid")->verdict, CP_PATH_OK);
	ck_assert_int_eq(row(&t, "notify_sent")->hits[2], 2);
	ck_assert_int_eq(row(&t, "notify_sent")->total, 2);
	ck_assert_int_eq(row(&t, "point.exit_flush.hits")->verdict,
			 CP_PATH_ZERO);
	ck_assert_uint_eq(t.nproblems, 0);
	ck_assert_int_eq(t.failures, 1);
	cp_paths_free(&t);
}
END_TEST

START_TEST(test_excepted_passes)
{
	struct cp_paths t;

	run_r1();
	table(&t, "# reviewed\n\npoint.exit_flush.hits   no test queues an event and exits\n");
	ck_assert_int_eq(row(&t, "point.exit_flush.hits")->verdict,
			 CP_PATH_EXCEPTED);
	ck_assert_str_eq(row(&t, "point.exit_flush.hits")->reason,
			 "no test queues an event and exits");
	ck_assert_int_eq(t.failures, 0);
	cp_paths_free(&t);
}
END_TEST

/* listed but hit: the file is stale; listed but no such path: too */
START_TEST(test_stale_exception_fails)
{
	struct cp_paths t;

	run_r1();
	table(&t, "point.exit_flush.hits  x\nhook_kill_pid  QEMU only\n");
	ck_assert_int_eq(row(&t, "hook_kill_pid")->verdict, CP_PATH_STALE);
	ck_assert_int_eq(t.failures, 1);
	cp_paths_free(&t);
	table(&t, "point.exit_flush.hits  x\nhook_gone  renamed\n");
	ck_assert_int_eq(t.failures, 1);
	cp_paths_free(&t);
}
END_TEST

START_TEST(test_error_counter_rose_fails)
{
	struct cp_paths t;

	run_r1();
	/* node 2 had no start file: its calls_timeout counts from 0 */
	put("r1/node2/stats.txt",
	    "calls_timeout 1\nhook_kill_pid 0\npoint.exit_flush.hits 0\n"
	    "notify_sent 2\n");
	table(&t, "point.exit_flush.hits  x\n");
	ck_assert_uint_eq(t.nproblems, 1);
	ck_assert_ptr_nonnull(strstr(t.problems[0],
				     "node2: calls_timeout rose by 1"));
	ck_assert_int_eq(t.failures, 1);
	cp_paths_free(&t);
	/* a pattern that matches nothing is a typo, not a pass */
	run_r1();
	put("r1/expect-zero", "calls_timeout\ncalls_timout\n");
	table(&t, "point.exit_flush.hits  x\n");
	ck_assert_uint_eq(t.nproblems, 2);
	ck_assert_ptr_nonnull(strstr(t.problems[0], "'expect zero calls_timout' matches no counter"));
	cp_paths_free(&t);
}
END_TEST

/* a module loaded again during the job restarts at 0: count from 0 */
START_TEST(test_reload_counts_from_zero)
{
	struct cs_counters s, e;
	char err[256];

	ck_assert_int_eq(cs_counters_parse("a 10\nb 3\n", "s", &s, err,
					   sizeof(err)), 0);
	ck_assert_int_eq(cs_counters_parse("a 4\nb 5\nc 1\n", "e", &e, err,
					   sizeof(err)), 0);
	ck_assert_int_eq(cs_counters_delta(&s, &e, "a"), 4);
	ck_assert_int_eq(cs_counters_delta(&s, &e, "b"), 2);
	ck_assert_int_eq(cs_counters_delta(&s, &e, "c"), 1);
	ck_assert_int_eq(cs_counters_delta(&s, &e, "d"), 0);
	cs_counters_free(&s);
	cs_counters_free(&e);
}
END_TEST

static void count_busy(void *arg, const char *name, long long value)
{
	int *n = arg;

	ck_assert_str_eq(name, value == 2 ? "live_standins" : "live_calls");
	(*n)++;
}

/* expect idle: the live_* gauges above 0, nothing else */
START_TEST(test_idle_gauges)
{
	struct cs_counters c;
	char err[256];
	int n = 0;

	ck_assert_int_eq(cs_counters_parse("live_standins 2\nlive_jobs 0\n"
					   "calls 9\nlive_calls 1\n", "e", &c,
					   err, sizeof(err)), 0);
	ck_assert_int_eq(cs_counters_check_idle(&c, count_busy, &n), 2);
	ck_assert_int_eq(n, 2);
	cs_counters_free(&c);
	ck_assert_int_eq(cs_counters_parse("live_pinned 0\ncalls 9\n", "e",
					   &c, err, sizeof(err)), 0);
	ck_assert_int_eq(cs_counters_check_idle(&c, NULL, NULL), 0);
	cs_counters_free(&c);
}
END_TEST

static const struct {
	const char *text;
	const char *expect;
} bad_stats[] = {
	{ "a\n", "s:1: not 'name value'" },
	{ "a 1\nB 2\n", "s:2: bad counter name" },
	{ "a -1\n", "s:1: not a count" },
	{ "a 1x\n", "s:1: '1x' is not a count" },
	{ "a 1\na 2\n", "s:2: counter a given twice" },
};

START_TEST(test_bad_stats)
{
	struct cs_counters c;
	char err[256] = "";

	ck_assert_int_eq(cs_counters_parse(bad_stats[_i].text, "s", &c, err,
					   sizeof(err)), -1);
	ck_assert_msg(strstr(err, bad_stats[_i].expect), "'%s' lacks '%s'",
		      err, bad_stats[_i].expect);
}
END_TEST

static const struct {
	const char *text;
	const char *expect;
} bad_exc[] = {
	{ "hook_x\n", "exc.txt:1: hook_x: no reason" },
	{ "# c\ncalls_timeout  errors are not paths\n",
	  "exc.txt:2: 'calls_timeout' is not a path counter" },
	{ "hook_x  a\nhook_x  b\n", "exc.txt:2: hook_x listed again (line 1)" },
};

START_TEST(test_bad_exceptions)
{
	struct cp_paths t;
	char err[256] = "";

	cp_paths_init(&t);
	ck_assert_int_eq(cp_paths_parse_exceptions(&t, bad_exc[_i].text,
						   "exc.txt", err,
						   sizeof(err)), -1);
	ck_assert_msg(strstr(err, bad_exc[_i].expect), "'%s' lacks '%s'",
		      err, bad_exc[_i].expect);
	cp_paths_free(&t);
}
END_TEST

/* Every window row is a counter the module has (a rename would hide it). */
START_TEST(test_windows_exist)
{
	static const char *const windows[] = {
		"notify_reserved", "notify_sent", "reparent_sent", "event_rx",
		"svr_reparent", "ptrace_unlink_standin",
	};
	FILE *f = fopen(CP_SRC_DIR "/cp_stats.h", "r");
	char *text = NULL;
	size_t cap = 0;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_gt(getdelim(&text, &cap, '\0', f), 0);
	fclose(f);
	for (size_t i = 0; i < sizeof(windows) / sizeof(windows[0]); i++) {
		char want[64];

		ck_assert_int_eq(cp_path_kind_of(windows[i]), CP_PATH_WINDOW);
		snprintf(want, sizeof(want), ", %s)", windows[i]);
		ck_assert_msg(strstr(text, want), "cp_stats.h has no %s",
			      windows[i]);
	}
	free(text);
}
END_TEST

/* paths-table beside clustersim (CS_TEST_BIN), as check-paths runs it */
static int table_prog(const char *args)
{
	const char *bin = getenv("CS_TEST_BIN");
	char prog[512], cmd[2048];
	int st;

	if (!bin)
		return -1;
	snprintf(prog, sizeof(prog), "%s", bin);
	snprintf(cmd, sizeof(cmd), "%s/paths-table %s >/dev/null 2>%s",
		 dirname(prog), args, at("stderr"));
	st = system(cmd);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

START_TEST(test_program_exit)
{
	char args[1024];

	if (!getenv("CS_TEST_BIN"))
		return;	/* run outside check-unit: no binary named */
	run_r1();
	put("exc-ok", "point.exit_flush.hits  no test reaches it\n");
	put("exc-stale", "point.exit_flush.hits  x\nhook_kill_pid  y\n");
	put("exc-bad", "hook_kill_pid\n");
	snprintf(args, sizeof(args), "%s", at("r1"));
	ck_assert_int_eq(table_prog(args), 1);
	snprintf(args, sizeof(args), "-e %s -o %s %s", at("exc-ok"),
		 at("out.txt"), at("r1"));
	ck_assert_int_eq(table_prog(args), 0);
	ck_assert_int_eq(access(at("out.txt"), R_OK), 0);
	snprintf(args, sizeof(args), "--exceptions %s %s", at("exc-stale"),
		 at("r1"));
	ck_assert_int_eq(table_prog(args), 1);
	snprintf(args, sizeof(args), "-e %s %s", at("exc-bad"), at("r1"));
	ck_assert_int_eq(table_prog(args), 2);
	snprintf(args, sizeof(args), "%s", at("nonexistent"));
	ck_assert_int_eq(table_prog(args), 2);
	ck_assert_int_eq(table_prog("--frob"), 2);
	ck_assert_int_eq(table_prog(""), 2);
	/* a run without counters (no module): nothing to tabulate */
	put("r0/node1/01-x.tap", "1..0\n");
	snprintf(args, sizeof(args), "%s", at("r0"));
	ck_assert_int_eq(table_prog(args), 2);
	/* the rose counter: 1 even with every path accounted for */
	put("r1/node2/stats.txt",
	    "calls_timeout 3\nhook_kill_pid 0\npoint.exit_flush.hits 0\n"
	    "notify_sent 2\n");
	put("list", "");
	snprintf(args, sizeof(args), "-e %s %s", at("exc-ok"), at("r1"));
	ck_assert_int_eq(table_prog(args), 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("paths");
	TCase *tc = tcase_create("table");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_kinds);
	tcase_add_test(tc, test_zero_path_fails);
	tcase_add_test(tc, test_excepted_passes);
	tcase_add_test(tc, test_stale_exception_fails);
	tcase_add_test(tc, test_error_counter_rose_fails);
	tcase_add_test(tc, test_reload_counts_from_zero);
	tcase_add_test(tc, test_idle_gauges);
	tcase_add_loop_test(tc, test_bad_stats, 0,
			    (int)(sizeof(bad_stats) / sizeof(bad_stats[0])));
	tcase_add_loop_test(tc, test_bad_exceptions, 0,
			    (int)(sizeof(bad_exc) / sizeof(bad_exc[0])));
	tcase_add_test(tc, test_windows_exist);
	tcase_add_test(tc, test_program_exit);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
