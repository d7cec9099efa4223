/* test_console_scan: splat and progress detection on sample consoles. */
#include "console_scan.h"
#include "unit_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scan {
	int splats;
	char first[256];
	int progress;
	struct cs_progress last;
};

static void on_line(const char *line, void *arg)
{
	struct scan *s = arg;
	const char *m = cs_splat_match(line);
	struct cs_progress p;

	if (m && !s->splats++)
		snprintf(s->first, sizeof(s->first), "%s", m);
	if (cs_progress_parse(line, &p) == 0) {
		s->progress++;
		s->last = p;
	}
}

/* Feed a data file in odd-sized chunks, as the launcher reads consoles. */
static void scan_file(const char *name, struct scan *s)
{
	char path[512], buf[7];
	struct cs_linebuf lb = { .len = 0 };
	FILE *f;
	size_t n;

	memset(s, 0, sizeof(*s));
	snprintf(path, sizeof(path), "%s/%s", CS_TEST_DATA, name);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		cs_linebuf_feed(&lb, buf, n, on_line, s);
	cs_linebuf_flush(&lb, on_line, s);
	fclose(f);
}

static const struct {
	const char *file;
	const char *starts;
} splats[] = {
	{ "splat-warning.console", "WARNING: CPU: 0 PID: 1 at kernel/exit.c" },
	{ "splat-lockdep.console", "WARNING: possible circular locking" },
	{ "splat-recursive.console", "WARNING: possible recursive locking" },
	{ "splat-inconsistent.console", "WARNING: inconsistent lock state" },
	{ "splat-rcu.console", "WARNING: suspicious RCU usage" },
	{ "splat-sleep.console", "BUG: sleeping function called" },
	{ "splat-hung.console", "INFO: task cat:123 blocked for more than" },
	{ "splat-panic.console", "Kernel panic - not syncing" },
	{ "splat-kasan.console", "BUG: KASAN: use-after-free" },
	{ "splat-ubsan.console", "UBSAN: array-index-out-of-bounds" },
	{ "splat-gpf.console", "general protection fault" },
	{ "splat-oops.console", "Oops: 0000" },
	{ "splat-interleaved.console", "BUG: unable to handle page fault" },
	{ "splat-waitctx.console", "[ BUG: Invalid wait context ]" },
	{ "splat-rcu-uml.console", "WARNING: suspicious RCU usage" },
};

START_TEST(test_splat_files)
{
	struct scan s;

	scan_file(splats[_i].file, &s);
	ck_assert_msg(s.splats >= 1, "%s: no splat found", splats[_i].file);
	ck_assert_msg(strncmp(s.first, splats[_i].starts,
			      strlen(splats[_i].starts)) == 0,
		      "%s: first splat '%s'", splats[_i].file, s.first);
}
END_TEST

START_TEST(test_clean_console)
{
	struct scan s;

	scan_file("clean.console", &s);
	ck_assert_msg(s.splats == 0, "false positive: '%s'", s.first);
	ck_assert_int_eq(s.progress, 4);
	ck_assert_int_eq(s.last.node, 1);
	ck_assert_str_eq(s.last.phase, "done");
}
END_TEST

START_TEST(test_not_splats)
{
	static const char *const lines[] = {
		"warning: lowercase from a program",
		"WARNING: no timestamp",
		"[    1.000000] tipc: Started in network mode",
		"[    1.000000] Kernel command line: x=BUG: y=WARNING:",
		"[    1.000000] some driver: BUG_ON avoided",
		"[1.000000]WARNING: no blank after bracket is fine? no: see below",
		"[   1.00000] WARNING: five decimals",
		"[  abc.000000] WARNING: not digits",
		"",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const char *m = cs_splat_match(lines[i]);

		if (i == 5) {
			/* printk always puts one blank; accept it without too */
			ck_assert_ptr_nonnull(m);
			continue;
		}
		ck_assert_msg(m == NULL, "matched: '%s'", lines[i]);
	}
}
END_TEST

START_TEST(test_progress_parse)
{
	struct cs_progress p;

	ck_assert_int_eq(cs_progress_parse("clustersim: node 12 joined 0.84s 12 nodes", &p), 0);
	ck_assert_int_eq(p.node, 12);
	ck_assert_str_eq(p.phase, "joined");
	ck_assert(p.secs > 0.83 && p.secs < 0.85);
	ck_assert_str_eq(p.detail, "12 nodes");
	ck_assert_int_eq(cs_progress_parse("[ 1.000000] x clustersim: node 3 up 0.10s", &p), 0);
	ck_assert_int_eq(p.node, 3);
	ck_assert_str_eq(p.detail, "");
	ck_assert_int_eq(cs_progress_parse("clustersim: node x up 0.1s", &p), -1);
	ck_assert_int_eq(cs_progress_parse("clustersim: node 0 up 0.1s", &p), -1);
	ck_assert_int_eq(cs_progress_parse("clustersim: node 1 up", &p), -1);
	ck_assert_int_eq(cs_progress_parse("nothing here", &p), -1);
}
END_TEST

static void count_line(const char *line, void *arg)
{
	(void)line;
	(*(int *)arg)++;
}

START_TEST(test_linebuf)
{
	struct cs_linebuf lb = { .len = 0 };
	int n = 0;
	char big[10000];

	cs_linebuf_feed(&lb, "a\r\nb", 4, count_line, &n);
	ck_assert_int_eq(n, 1);
	cs_linebuf_feed(&lb, "c\n", 2, count_line, &n);
	ck_assert_int_eq(n, 2);
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	cs_linebuf_feed(&lb, big, sizeof(big), count_line, &n);
	ck_assert_int_eq(n, 3);
	cs_linebuf_flush(&lb, count_line, &n);
	ck_assert_int_eq(n, 3);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("console_scan");
	TCase *tc = tcase_create("scan");

	tcase_add_loop_test(tc, test_splat_files, 0,
			    (int)(sizeof(splats) / sizeof(splats[0])));
	tcase_add_test(tc, test_clean_console);
	tcase_add_test(tc, test_not_splats);
	tcase_add_test(tc, test_progress_parse);
	tcase_add_test(tc, test_linebuf);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
