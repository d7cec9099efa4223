/* test_scenario: the scenario file format, good files and each error. */
#include "scenario.h"
#include "unit_util.h"

#define CS_SCENARIO_DIR CS_TEST_DATA "/../../scenarios"
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_good)
{
	struct cs_scenario sc;
	char err[256] = "";
	const char *text =
		"# a comment\n"
		"nodes 3\n"
		"\n"
		"timeout 60   # trailing comment\n"
		"env FOO=bar\n"
		"allow module\n"
		"run all kernel-identity\n"
		"wire delay 5 loss 1.5\n"
		"run 2 sh -c 'exit 7' \"a b\" c\\ d\n"
		"  run   all   connectivity   --iterations=5\n"
		"backend qemu 2 3-3\n"
		"expect zero calls_timeout drop_*\n"
		"expect zero point.exit_flush.hits\n"
		"expect idle\n";

	ck_assert_msg(cs_scenario_parse(text, "t.scn", &sc, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_int_eq(sc.nodes, 3);
	ck_assert_int_eq(sc.timeout, 60);
	ck_assert_uint_eq(sc.nenv, 1);
	ck_assert_str_eq(sc.env[0], "FOO=bar");
	ck_assert_uint_eq(sc.ncmds, 3);
	ck_assert_int_eq(sc.cmds[0].node, 0);
	ck_assert_str_eq(sc.cmds[0].argv[0], "kernel-identity");
	ck_assert_int_eq(sc.cmds[0].line, 7);
	ck_assert_int_eq(sc.allow_module, 1);
	ck_assert_int_eq(sc.cmds[1].node, 2);
	ck_assert_int_eq(sc.cmds[1].argc, 5);
	ck_assert_str_eq(sc.cmds[1].argv[2], "exit 7");
	ck_assert_str_eq(sc.cmds[1].argv[3], "a b");
	ck_assert_str_eq(sc.cmds[1].argv[4], "c d");
	ck_assert_ptr_null(sc.cmds[1].argv[5]);
	ck_assert_str_eq(sc.wire_delay, "5");
	ck_assert_str_eq(sc.wire_loss, "1.5");
	ck_assert_str_eq(sc.wire_dup, "");
	ck_assert_str_eq(sc.cmds[2].argv[1], "--iterations=5");
	ck_assert_uint_eq(sc.qemu_nodes, 6);
	ck_assert_int_eq(sc.qemu_all, 0);
	ck_assert_uint_eq(sc.nexpect_zero, 3);
	ck_assert_str_eq(sc.expect_zero[0], "calls_timeout");
	ck_assert_str_eq(sc.expect_zero[1], "drop_*");
	ck_assert_str_eq(sc.expect_zero[2], "point.exit_flush.hits");
	ck_assert_int_eq(sc.expect_idle, 1);
	cs_scenario_free(&sc);
}
END_TEST

/* Every scenario in the repository parses; the two `make` uses need 3 nodes. */
START_TEST(test_good_file)
{
	DIR *d = opendir(CS_SCENARIO_DIR);
	struct dirent *e;
	int files = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		struct cs_scenario sc;
		char path[512], err[512] = "";
		size_t n = strlen(e->d_name);

		if (n < 5 || strcmp(e->d_name + n - 4, ".scn") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", CS_SCENARIO_DIR, e->d_name);
		ck_assert_msg(cs_scenario_load(path, &sc, err, sizeof(err)) == 0,
			      "%s", err);
		ck_assert_uint_ge(sc.ncmds, 1);
		if (strcmp(e->d_name, "connectivity.scn") == 0 ||
		    strcmp(e->d_name, "showcase.scn") == 0) {
			ck_assert_int_ge(sc.nodes, 3);
			ck_assert_uint_ge(sc.ncmds, 2);
		}
		cs_scenario_free(&sc);
		files++;
	}
	closedir(d);
	ck_assert_int_ge(files, 2);
}
END_TEST

static const struct {
	const char *text;
	const char *expect;	/* substring of the message, incl. line */
} bad[] = {
	{ "run all x\n", ":1: no 'nodes N'" },
	{ "nodes 3\n", "no 'run' line" },
	{ "nodes 3\nallow modules\nrun all x\n", ":2: 'allow' takes 'module'" },
	{ "nodes 3\nallow module\nallow module\nrun all x\n",
	  ":3: 'allow module' given twice" },
	{ "nodes 0\nrun all x\n", ":1: '0' is not a node count" },
	{ "nodes 65\nrun all x\n", ":1: '65' is not a node count" },
	{ "nodes three\nrun all x\n", ":1:" },
	{ "nodes 2\nnodes 3\nrun all x\n", ":2: 'nodes' given twice" },
	{ "nodes 2 3\nrun all x\n", ":1: 'nodes' takes exactly one" },
	{ "nodes 2\ntimeout 0\nrun all x\n", ":2: '0' is not a timeout" },
	{ "nodes 2\ntimeout\nrun all x\n", ":2: 'timeout' takes" },
	{ "nodes 2\nfrob 1\n", ":2: unknown directive 'frob'" },
	{ "nodes 2\nrun all\n", ":2: 'run' needs" },
	{ "nodes 2\nrun\n", ":2: 'run' needs" },
	{ "nodes 2\nrun some x\n", ":2: 'some' is not 'all'" },
	{ "nodes 2\nrun 0 x\n", ":2: '0' is not 'all'" },
	{ "nodes 2\nrun all x\nrun 3 x\n", ":3: node 3 out of range" },
	{ "nodes 2\nrun all 'x\n", ":2: unterminated quote" },
	{ "nodes 2\nrun all x\\\n", ":2: backslash at end" },
	{ "nodes 2\nenv =x\nrun all x\n", ":2: 'env' takes" },
	{ "nodes 2\nenv NOEQUALS\nrun all x\n", ":2: 'env' takes" },
	{ "nodes 2\nwire\nrun all x\n", ":2: 'wire' takes pairs" },
	{ "nodes 2\nwire delay\nrun all x\n", ":2: 'wire' takes pairs" },
	{ "nodes 2\nwire jitter 5\nrun all x\n", ":2: 'wire jitter': not" },
	{ "nodes 2\nwire loss 200\nrun all x\n", ":2: 'wire loss 200': not a number" },
	{ "nodes 2\nwire delay -1\nrun all x\n", ":2: 'wire delay -1': not a number" },
	{ "nodes 2\nbackend uml\nrun all x\n", ":2: 'backend' takes 'qemu'" },
	{ "nodes 2\nbackend\nrun all x\n", ":2: 'backend' takes 'qemu'" },
	{ "nodes 2\nbackend qemu 0\nrun all x\n", ":2: '0' is not a node list" },
	{ "nodes 2\nbackend qemu\nbackend qemu 2\nrun all x\n", ":3: 'backend' given twice" },
	{ "nodes 2\nexpect zero\nrun all x\n", ":2: 'expect' takes 'zero'" },
	{ "nodes 2\nexpect none x\nrun all x\n", ":2: 'expect' takes 'zero'" },
	{ "nodes 2\nexpect zero Calls\nrun all x\n", ":2: 'Calls' is not a counter name" },
	{ "nodes 2\nexpect zero a/b\nrun all x\n", ":2: 'a/b' is not a counter name" },
	{ "nodes 2\nexpect idle\nexpect idle\nrun all x\n", ":3: 'expect idle' given twice" },
	{ "nodes 2\nexpect idle x\nrun all x\n", ":2: 'expect' takes 'zero'" },
};

START_TEST(test_bad)
{
	struct cs_scenario sc;
	char err[256] = "";

	ck_assert_int_eq(cs_scenario_parse(bad[_i].text, "b.scn", &sc, err,
					   sizeof(err)), -1);
	ck_assert_msg(strncmp(err, "b.scn:", 6) == 0, "no file name: %s", err);
	ck_assert_msg(strstr(err, bad[_i].expect), "case %d: '%s' lacks '%s'",
		      _i, err, bad[_i].expect);
	ck_assert_ptr_null(sc.cmds);
}
END_TEST

START_TEST(test_missing_file)
{
	struct cs_scenario sc;
	char err[256] = "";

	ck_assert_int_eq(cs_scenario_load("/nonexistent.scn", &sc, err,
					  sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent.scn"));
}
END_TEST

START_TEST(test_split_words)
{
	char **w;
	const char *why;

	ck_assert_int_eq(cs_split_words("  a 'b c'  \"d\\\"e\" f\\ g # h", &w, &why), 4);
	ck_assert_str_eq(w[0], "a");
	ck_assert_str_eq(w[1], "b c");
	ck_assert_str_eq(w[2], "d\"e");
	ck_assert_str_eq(w[3], "f g");
	cs_free_words(w);
	ck_assert_int_eq(cs_split_words("''", &w, &why), 1);
	ck_assert_str_eq(w[0], "");
	cs_free_words(w);
	ck_assert_int_eq(cs_split_words("   # only comment", &w, &why), 0);
	cs_free_words(w);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("scenario");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_good_file);
	tcase_add_loop_test(tc, test_bad, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_split_words);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
