/*
 * test_demo: the demo's script and its checks (tests/demo/demo_steps.c,
 * demo_match.c): what `make run` accepts as a step's real output, and
 * that tests/scenarios/demo.steps parses.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo_match.h"
#include "demo_steps.h"
#include "unit_util.h"

static const char script[] =
	"# comment\n"
	"say hello\n"
	"node1$ onnode 2 sleep 9 & echo $!\n"
	"= PID ([0-9]+)\n"
	"node3$ kill {PID}\n"
	"node1$ wait {PID}; echo $?\n"
	"> 143\n"
	"? 0\n"
	"node2$ false\n"
	"? 1\n";

START_TEST(test_parse)
{
	struct demo_script s;
	char err[256];

	ck_assert_int_eq(demo_script_parse(script, &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.n, 5);
	ck_assert_int_eq(s.max_node, 3);
	ck_assert_int_eq(s.steps[0].node, 0);
	ck_assert_str_eq(s.steps[0].text, "hello");
	ck_assert_int_eq(s.steps[1].node, 1);
	ck_assert_str_eq(s.steps[1].text, "onnode 2 sleep 9 & echo $!");
	ck_assert_uint_eq(s.steps[1].nexp, 1);
	ck_assert_str_eq(s.steps[1].exp[0].var, "PID");
	ck_assert_str_eq(s.steps[1].exp[0].regex, "([0-9]+)");
	ck_assert_uint_eq(s.steps[2].nexp, 0);
	ck_assert_int_eq(s.steps[4].status, 1);
	ck_assert_int_eq(s.steps[4].line, 9);
	demo_script_free(&s);
}
END_TEST

START_TEST(test_parse_errors)
{
	static const struct {
		const char *text, *expect;
	} bad[] = {
		{ "> 1\n", "1: '>' without a command" },
		{ "say x\n= V 1\n", "2: '=' without a command" },
		{ "node1$ x\n= V\n", "2: '= VAR REGEX'" },
		{ "node1$ x\n> ([0-9]\n", "2: bad regular expression" },
		{ "node1$ x\n? seven\n", "2: '?' wants a number" },
		{ "node0$ x\n", "1: node 1..64" },
		{ "node2$\n", "1: node 1..64 and a command" },
		{ "frob\n", "1: unknown line: frob" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct demo_script s;
		char err[256] = "";

		ck_assert_int_eq(demo_script_parse(bad[i].text, &s, err,
						   sizeof(err)), -1);
		ck_assert_msg(strstr(err, bad[i].expect), "'%s': got '%s'",
			      bad[i].text, err);
	}
}
END_TEST

START_TEST(test_subst)
{
	struct demo_vars v = { 0 };
	char why[256], *s;

	v.n = 1;
	strcpy(v.name[0], "PID");
	strcpy(v.value[0], "65601");
	s = demo_subst(&v, "kill {PID}; { echo x; } ${HOME} {lower}", why,
		       sizeof(why));
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "kill 65601; { echo x; } ${HOME} {lower}");
	free(s);
	ck_assert_ptr_null(demo_subst(&v, "kill {CHILD}", why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "{CHILD} is not set"));
}
END_TEST

START_TEST(test_check)
{
	struct demo_script s;
	struct demo_vars v = { 0 };
	char err[256], why[512];

	ck_assert_int_eq(demo_script_parse(script, &s, err, sizeof(err)), 0);
	/* capture, then use */
	ck_assert_int_eq(demo_check(&s.steps[1], &v, "65601\n", 0, why,
				    sizeof(why)), 0);
	ck_assert_int_eq(v.n, 1);
	ck_assert_str_eq(v.value[0], "65601");
	ck_assert_int_eq(demo_check(&s.steps[2], &v, "", 0, why,
				    sizeof(why)), 0);
	ck_assert_int_eq(demo_check(&s.steps[3], &v, "143\n", 0, why,
				    sizeof(why)), 0);
	/* no trailing newline is the same line */
	ck_assert_int_eq(demo_check(&s.steps[3], &v, "143", 0, why,
				    sizeof(why)), 0);
	/* whole lines only */
	ck_assert_int_eq(demo_check(&s.steps[3], &v, "1430\n", 0, why,
				    sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "/143/, got: 1430"));
	/* more output than the script says is a failure too */
	ck_assert_int_eq(demo_check(&s.steps[3], &v, "143\nextra\n", 0, why,
				    sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "expected 1 line of output, got 2"));
	ck_assert_int_eq(demo_check(&s.steps[2], &v, "sh: kill: no such process\n",
				    1, why, sizeof(why)), -1);
	/* the status */
	ck_assert_int_eq(demo_check(&s.steps[4], &v, "", 0, why,
				    sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "expected $? = 1, got 0"));
	ck_assert_int_eq(demo_check(&s.steps[4], &v, "", 1, why,
				    sizeof(why)), 0);
	demo_script_free(&s);
}
END_TEST

/* a captured value is used in a later regex */
START_TEST(test_capture_in_regex)
{
	struct demo_script s;
	struct demo_vars v = { 0 };
	char err[256], why[512];

	ck_assert_int_eq(demo_script_parse(
		"node1$ x\n= CHILD child ([0-9]+) started\n> pid={CHILD} ok\n",
		&s, err, sizeof(err)), 0);
	ck_assert_int_eq(demo_check(&s.steps[0], &v,
				    "child 77 started\npid=77 ok\n", 0, why,
				    sizeof(why)), 0);
	ck_assert_int_eq(demo_check(&s.steps[0], &v,
				    "child 77 started\npid=78 ok\n", 0, why,
				    sizeof(why)), -1);
	demo_script_free(&s);
}
END_TEST

START_TEST(test_demo_steps_file)
{
	struct demo_script s;
	char err[256], *text;
	FILE *f = fopen(CS_TEST_DATA "/../../scenarios/demo.steps", "r");
	long len;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)len + 1);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(fread(text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	ck_assert_msg(demo_script_parse(text, &s, err, sizeof(err)) == 0,
		      "demo.steps:%s", err);
	ck_assert_int_eq(s.max_node, 3);
	demo_script_free(&s);
	free(text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("demo");
	TCase *tc = tcase_create("script");

	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_subst);
	tcase_add_test(tc, test_check);
	tcase_add_test(tc, test_capture_in_regex);
	tcase_add_test(tc, test_demo_steps_file);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
