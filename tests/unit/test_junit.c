/*
 * test_junit: runs/<id>/junit.xml (sim/junit*.c).
 *   - XML escaping: markup characters, control characters, invalid UTF-8;
 *   - Check's TAP lines become test cases (pass, failure with its message,
 *     skip, TODO, an incomplete stream as an error);
 *   - a document with all of it is valid against tests/unit/junit.xsd
 *     (xmllint --schema, libxml2-utils);
 *   - a real run (CS_TEST_BIN, CS_TEST_KERNEL) writes a valid junit.xml:
 *     one suite per node and command and per node, the failure's message
 *     as the test wrote it, a missing TAP file as an error, a kernel splat
 *     as a failure of the node with the console around it.
 */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "junit.h"
#include "unit_util.h"

#define SCHEMA CS_TEST_DATA "/../junit.xsd"

/* cs_junit_escape()'s output for s (a static buffer). */
static const char *escaped(const char *s, size_t len, bool in_attr)
{
	static char out[1024];
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	ck_assert_ptr_nonnull(f);
	cs_junit_escape(f, s, len, in_attr);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_lt(n, sizeof(out));
	memcpy(out, buf, n + 1);
	free(buf);
	return out;
}

START_TEST(test_escape)
{
	ck_assert_str_eq(escaped("a<b>&\"c'", 8, false),
			 "a&lt;b&gt;&amp;&quot;c&apos;");
	ck_assert_str_eq(escaped("x\ny\tz\r", 6, false), "x\ny\tz&#13;");
	ck_assert_str_eq(escaped("x\ny\tz", 5, true), "x&#10;y&#9;z");
	/* NUL, ESC, DEL: not XML characters */
	ck_assert_str_eq(escaped("a\0b\x1b[0m\x7f", 8, false),
			 "a\xef\xbf\xbd" "b\xef\xbf\xbd[0m\xef\xbf\xbd");
	/* valid UTF-8 passes, a stray byte, an overlong and a surrogate
	 * do not */
	ck_assert_str_eq(escaped("\xc3\xa9\xe2\x82\xac", 5, false),
			 "\xc3\xa9\xe2\x82\xac");
	ck_assert_str_eq(escaped("\xff\xc0\xaf", 3, false),
			 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(escaped("\xed\xa0\x80", 3, false),
			 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(escaped("\xe2\x82", 2, false),
			 "\xef\xbf\xbd\xef\xbf\xbd");
}
END_TEST

static const char check_tap[] =
	"ok 1 - t.c:Core:t_pass: Passed\n"
	"not ok 2 - t.c:Core:t_fail: node 3 <never> & \"answered\"\n"
	"not ok 3 - t.c:Net:t_crash: Received signal 6 (Aborted)\n"
	"ok 4 - plain description # SKIP no module\n"
	"not ok 5 - later # TODO not yet\n"
	"1..5\n";

START_TEST(test_tap_cases)
{
	struct cs_junit_run r;
	struct cs_junit_suite *s;

	ck_assert_int_eq(cs_junit_run_init(&r, "t"), 0);
	s = cs_junit_suite_add(&r, "node1.01-t", "node1");
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(cs_junit_add_tap(s, "node1.01-t", check_tap), 0);
	ck_assert_uint_eq(s->ncases, 5);
	ck_assert_int_eq(s->failures, 2);
	ck_assert_int_eq(s->errors, 0);
	ck_assert_int_eq(s->skipped, 1);
	ck_assert_str_eq(s->cases[0].name, "t_pass");
	ck_assert_str_eq(s->cases[0].classname, "node1.01-t.Core");
	ck_assert_int_eq(s->cases[0].kind, CS_JUNIT_PASS);
	ck_assert_str_eq(s->cases[1].name, "t_fail");
	ck_assert_str_eq(s->cases[1].message, "node 3 <never> & \"answered\"");
	ck_assert_str_eq(s->cases[1].detail,
			 "not ok 2 - t.c:Core:t_fail: node 3 <never> & \"answered\"");
	ck_assert_str_eq(s->cases[2].classname, "node1.01-t.Net");
	ck_assert_int_eq(s->cases[3].kind, CS_JUNIT_SKIP);
	ck_assert_str_eq(s->cases[3].message, "no module");
	ck_assert_str_eq(s->cases[3].classname, "node1.01-t");
	ck_assert_str_eq(s->cases[3].name, "plain description");
	ck_assert_str_eq(s->cases[4].name, "later");
	ck_assert_int_eq(s->cases[4].kind, CS_JUNIT_PASS);
	cs_junit_run_free(&r);
}
END_TEST

START_TEST(test_tap_incomplete)
{
	static const char *const text[] = {
		"1..4\nok 1 - a.c:C:t1: Passed\n",	/* plan not met */
		"ok 1 - a.c:C:t1: Passed\n",		/* no plan */
		"1..2\nok 1 - a.c:C:t1: Passed\nBail out! gone\n",
		"",					/* nothing at all */
	};

	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
		struct cs_junit_run r;
		struct cs_junit_suite *s;

		ck_assert_int_eq(cs_junit_run_init(&r, "t"), 0);
		s = cs_junit_suite_add(&r, "n", "h");
		ck_assert_int_eq(cs_junit_add_tap(s, "n", text[i]), 0);
		ck_assert_int_eq(s->errors, 1);
		ck_assert_str_eq(s->cases[s->ncases - 1].name, "TAP stream");
		cs_junit_run_free(&r);
	}
}
END_TEST

/* Run argv, stdout into out (if given); the exit status. */
static int run(char *const argv[], char *out, size_t outlen)
{
	int p[2], st;
	size_t used = 0;
	char sink[256];
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	while ((n = read(p[0], out ? out + used : sink,
			 out ? outlen - 1 - used : sizeof(sink))) > 0)
		if (out && (used += (size_t)n) + 1 >= outlen)
			break;
	if (out)
		out[used] = '\0';
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char xout[262144];	/* xmllint's output */

/* xmllint --schema: 0 if valid; its messages in xout. */
static int validate(const char *path)
{
	char *const argv[] = { "xmllint", "--noout", "--schema", SCHEMA,
			       (char *)path, NULL };

	return run(argv, xout, sizeof(xout));
}

/* The string value of an XPath expression over the file. */
static const char *xpath(const char *path, const char *expr)
{
	char e[512];
	char *const argv[] = { "xmllint", "--xpath", e, (char *)path, NULL };

	size_t n;

	snprintf(e, sizeof(e), "string(%s)", expr);
	ck_assert_msg(run(argv, xout, sizeof(xout)) == 0 ||
		      xout[0] == '\0', "xmllint --xpath %s: %s", e, xout);
	/* xmllint ends the value with a newline of its own */
	n = strlen(xout);
	if (n && xout[n - 1] == '\n')
		xout[n - 1] = '\0';
	return xout;
}

START_TEST(test_document_valid)
{
	struct unit_tmp t;
	struct cs_junit_run r;
	struct cs_junit_suite *s;
	char path[128];
	FILE *f;

	unit_tmp_make(&t, "junit");
	ck_assert_int_eq(cs_junit_run_init(&r, "clustersim <id> & \"x\""), 0);
	r.secs = 12.5;
	s = cs_junit_suite_add(&r, "node1.01-t", "node1");
	ck_assert_int_eq(cs_junit_add_tap(s, "node1.01-t", check_tap), 0);
	ck_assert_int_eq(cs_junit_suite_out(s, "log \x01 ]]> <tail>\n", 17, 1024), 0);
	s = cs_junit_suite_add(&r, "node1.02-missing", "node1");
	ck_assert_int_eq(cs_junit_case_add(s, CS_JUNIT_ERROR, "node1.02-missing",
					   "TAP stream", "no TAP output (missing)",
					   NULL), 0);
	s = cs_junit_suite_add(&r, "node1", "node1");
	ck_assert_int_eq(cs_junit_case_add(s, CS_JUNIT_FAIL, "node1", "kernel log",
					   "kernel splat: BUG: \xff <x>",
					   "[    1.0] BUG: \xff <x>\n[    1.1] \x1b[0m\n"), 0);
	snprintf(path, sizeof(path), "%s/junit.xml", t.dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(cs_junit_write(f, &r), 0);
	ck_assert_int_eq(fclose(f), 0);
	cs_junit_run_free(&r);

	ck_assert_msg(validate(path) == 0, "%s not valid:\n%s", path, xout);
	ck_assert_str_eq(xpath(path, "/testsuites/@tests"), "7");
	ck_assert_str_eq(xpath(path, "/testsuites/@failures"), "3");
	ck_assert_str_eq(xpath(path, "/testsuites/@errors"), "1");
	ck_assert_str_eq(xpath(path, "/testsuites/@name"), "clustersim <id> & \"x\"");
	ck_assert_str_eq(xpath(path, "//testcase[@name='t_fail']/failure/@message"),
			 "node 3 <never> & \"answered\"");
	ck_assert_str_eq(xpath(path, "//testsuite[@name='node1.01-t']/system-out"),
			 "log \xef\xbf\xbd ]]> <tail>\n");
	unit_tmp_remove(&t);
}
END_TEST

/* The schema is not a rubber stamp: it refuses what CI tools refuse. */
START_TEST(test_schema_rejects)
{
	static const char *const bad[] = {
		"<testsuites><testsuite name='a' tests='1' failures='0'>"
		"</testsuite></testsuites>",		/* no errors= */
		"<testsuites><testsuite name='a' tests='x' failures='0' errors='0'>"
		"</testsuite></testsuites>",		/* count not a number */
		"<testsuites><testsuite name='a' tests='1' failures='0' errors='0'>"
		"<testcase classname='c'/></testsuite></testsuites>", /* no name */
		"<testsuites><testsuite name='a' tests='1' failures='0' errors='0'>"
		"<testcase name='n'><bogus/></testcase></testsuite></testsuites>",
	};
	struct unit_tmp t;
	char path[128];

	unit_tmp_make(&t, "junit");
	snprintf(path, sizeof(path), "%s/bad.xml", t.dir);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *f = fopen(path, "w");

		ck_assert_ptr_nonnull(f);
		fputs(bad[i], f);
		ck_assert_int_eq(fclose(f), 0);
		ck_assert_msg(validate(path) != 0, "accepted: %s", bad[i]);
	}
	unit_tmp_remove(&t);
}
END_TEST

/*
 * A real 2-node run: node 2's second command writes Check-style TAP with
 * a failure whose message needs escaping and puts a splat into its
 * kernel log; node 1's second command writes no TAP at all.
 */
START_TEST(test_real_run)
{
	const char *bin = getenv("CS_TEST_BIN"), *kernel = getenv("CS_TEST_KERNEL");
	struct unit_tmp t;
	char scn[128], xml[160];
	FILE *f;
	int rc;

	ck_assert_msg(bin && access(bin, X_OK) == 0, "CS_TEST_BIN unusable");
	ck_assert_msg(kernel && access(kernel, X_OK) == 0, "CS_TEST_KERNEL unusable");
	unit_tmp_make(&t, "junit");
	snprintf(scn, sizeof(scn), "%s/t.scn", t.dir);
	f = fopen(scn, "w");
	ck_assert_ptr_nonnull(f);
	fputs("nodes 2\n"
	      "run all kernel-identity\n"
	      "run 1 /bin/true\n"
	      "run 2 /bin/sh -c 'printf \"1..2\\nok 1 - j.c:Core:t_ok: Passed\\n"
	      "not ok 2 - j.c:Core:t_bad: <got> & \\\"want\\\"\\n\" "
	      ">$CK_TAP_LOG_FILE_NAME; echo \"BUG: junit <splat> test\" >/dev/kmsg'\n",
	      f);
	ck_assert_int_eq(fclose(f), 0);
	{
		char *const argv[] = { (char *)bin, "-q", "--kernel", (char *)kernel,
				       "--no-module", "--runs", t.runs, "run", scn,
				       NULL };

		rc = run(argv, xout, sizeof(xout));
	}
	ck_assert_msg(rc == 1, "exit %d:\n%s", rc, xout);
	snprintf(xml, sizeof(xml), "%s/latest/junit.xml", t.runs);
	ck_assert_msg(access(xml, R_OK) == 0, "no %s", xml);
	ck_assert_msg(validate(xml) == 0, "%s not valid:\n%s", xml, xout);
	/* 2 nodes x (2 commands + the node itself) */
	ck_assert_str_eq(xpath(xml, "count(//testsuite)"), "6");
	ck_assert_str_eq(xpath(xml, "//testsuite[starts-with(@name,'node2.02-')]/@failures"), "1");
	ck_assert_str_eq(xpath(xml, "//testsuite[starts-with(@name,'node2.02-')]/@hostname"), "node2");
	ck_assert_str_eq(xpath(xml, "//testsuite[starts-with(@name,'node2.02-')]/testcase[@name='t_bad']/failure/@message"),
			 "<got> & \"want\"");
	/* /bin/sh is named after what it resolves to (node2.02-dash) */
	ck_assert_msg(strstr(xpath(xml, "//testsuite[starts-with(@name,'node2.02-')]/testcase[@name='t_bad']/@classname"),
			     ".Core"), "classname %s", xout);
	ck_assert_str_eq(xpath(xml, "//testsuite[@name='node1.02-true']/testcase/error/@message"),
			 "no TAP output (missing)");
	ck_assert_str_eq(xpath(xml, "//testsuite[@name='node1.01-kernel-identity']/@failures"), "0");
	ck_assert_str_eq(xpath(xml, "//testsuite[@name='node2']/testcase[@name='kernel log']/failure/@message"),
			 "kernel splat: BUG: junit <splat> test");
	ck_assert_msg(strstr(xpath(xml, "//testsuite[@name='node2']/testcase[@name='kernel log']/failure"),
			     "] BUG: junit <splat> test\n"),
		      "no console excerpt: %s", xout);
	ck_assert_str_eq(xpath(xml, "count(//testsuite[@name='node1']//failure)"), "0");
	unit_tmp_remove(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("junit");
	TCase *tc = tcase_create("xml");
	TCase *tr = tcase_create("run");

	tcase_add_test(tc, test_escape);
	tcase_add_test(tc, test_tap_cases);
	tcase_add_test(tc, test_tap_incomplete);
	tcase_add_test(tc, test_document_valid);
	tcase_add_test(tc, test_schema_rejects);
	suite_add_tcase(s, tc);
	tcase_set_timeout(tr, 90);
	tcase_add_test(tr, test_real_run);
	suite_add_tcase(s, tr);
	return unit_run(s);
}
