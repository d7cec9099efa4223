/* test_tap_merge: TAP parsing and the merged per-node summary. */
#include "tap_merge.h"
#include "unit_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define D CS_TEST_DATA "/"

START_TEST(test_parse_text)
{
	struct cs_tap t;

	cs_tap_parse("1..2\nok 1 - a\nnot ok 2 - b\n", &t);
	ck_assert_int_eq(t.passed, 1);
	ck_assert_int_eq(t.failed, 1);
	ck_assert_int_eq(t.planned, 2);
	ck_assert(cs_tap_complete(&t));
	cs_tap_parse("okay\nnot okay\n# ok 1\n  ok 2\nBail out! boom\n", &t);
	ck_assert_int_eq(t.passed, 0);
	ck_assert_int_eq(t.failed, 0);
	ck_assert(t.bailed);
	ck_assert(!cs_tap_complete(&t));
	cs_tap_parse("", &t);
	ck_assert_int_eq(t.planned, -1);
	ck_assert(!cs_tap_complete(&t));
}
END_TEST

START_TEST(test_directives)
{
	struct cs_tap t;

	ck_assert_int_eq(cs_tap_parse_file(D "directives.tap", &t), 0);
	ck_assert_int_eq(t.passed, 2);
	ck_assert_int_eq(t.failed, 1);
}
END_TEST

static char *summary(struct cs_tap_total *tot, const char *const *files,
		     int *bad)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(m);
	memset(tot, 0, sizeof(*tot));
	*bad = 0;
	for (; *files; files++)
		if (cs_tap_add_file(tot, *files, strrchr(*files, '/') + 1, m))
			(*bad)++;
	cs_tap_print_total(tot, m);
	ck_assert_int_eq(fclose(m), 0);
	return buf;
}

static const char *last_line(const char *text)
{
	size_t n = strlen(text);
	const char *p;

	ck_assert(n > 0 && text[n - 1] == '\n');
	for (p = text + n - 1; p > text && p[-1] != '\n'; p--)
		;
	return p;
}

START_TEST(test_merge_all_pass)
{
	const char *const files[] = { D "pass.tap", D "pass.tap", NULL };
	struct cs_tap_total tot;
	int bad;
	char *s = summary(&tot, files, &bad);

	ck_assert_int_eq(bad, 0);
	ck_assert_str_eq(last_line(s), "4 passed, 0 failed\n");
	free(s);
}
END_TEST

START_TEST(test_merge_failures)
{
	const char *const files[] = { D "pass.tap", D "fail.tap",
				      D "incomplete.tap", D "noplan.tap",
				      D "missing.tap", NULL };
	struct cs_tap_total tot;
	int bad;
	char *s = summary(&tot, files, &bad);

	/* pass 2 + fail 2/1 + incomplete 1/+1 + noplan 1/+1 + missing +1 */
	ck_assert_int_eq(bad, 4);
	ck_assert_int_eq(tot.passed, 6);
	ck_assert_int_eq(tot.failed, 4);
	ck_assert_int_eq(tot.bad_files, 3);
	ck_assert_ptr_nonnull(strstr(s, "missing.tap: no TAP output (missing)"));
	ck_assert_ptr_nonnull(strstr(s, "incomplete.tap: 1 passed, 0 failed (incomplete: plan does not match)"));
	ck_assert_ptr_nonnull(strstr(s, "noplan.tap: 1 passed, 0 failed (incomplete: no plan)"));
	ck_assert_ptr_nonnull(strstr(s, "fail.tap: 2 passed, 1 failed\n    not ok 2 - a.c:20: node 3 never answered\n"));
	ck_assert_str_eq(last_line(s), "6 passed, 4 failed\n");
	free(s);
}
END_TEST

/* only real failures are echoed: a TODO is not one; the list is capped */
START_TEST(test_failures_shown)
{
	const char *const files[] = { D "directives.tap", D "manyfail.tap",
				      NULL };
	struct cs_tap_total tot;
	int bad;
	char *s = summary(&tot, files, &bad);

	ck_assert_ptr_nonnull(strstr(s, "directives.tap: 2 passed, 1 failed\n    not ok 3 - z\n  "));
	ck_assert_ptr_null(strstr(s, "not ok 2 - y"));
	ck_assert_ptr_nonnull(strstr(s, "    not ok 5 - e\n    (2 more in "));
	ck_assert_ptr_null(strstr(s, "not ok 6 - f"));
	free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tap_merge");
	TCase *tc = tcase_create("tap");

	tcase_add_test(tc, test_parse_text);
	tcase_add_test(tc, test_directives);
	tcase_add_test(tc, test_merge_all_pass);
	tcase_add_test(tc, test_merge_failures);
	tcase_add_test(tc, test_failures_shown);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
