/* test_fault_req: the cs-fail request line the launcher acts on. */
#include "fault_req.h"
#include "unit_util.h"

#include <check.h>
#include <string.h>

static int parse(const char *line, int nodes, struct cs_fault_req *r)
{
	char why[128];

	return cs_fault_parse(line, nodes, r, why, sizeof(why));
}

START_TEST(test_good)
{
	struct cs_fault_req r;

	ck_assert_int_eq(parse("partition 3 5\n", 3, &r), 0);
	ck_assert_int_eq(r.node, 3);
	ck_assert_int_eq(r.seconds, 5);
	ck_assert_int_eq(r.kind, CS_FAULT_PARTITION);
	ck_assert_int_eq(parse("partition 1 600", 1, &r), 0);
	ck_assert_int_eq(r.seconds, 600);
	ck_assert_int_eq(parse("crash 2\n", 3, &r), 0);
	ck_assert_int_eq(r.kind, CS_FAULT_CRASH);
	ck_assert_int_eq(r.node, 2);
	ck_assert_int_eq(r.seconds, 0);
	ck_assert_int_eq(parse("hang 3 10", 3, &r), 0);
	ck_assert_int_eq(r.kind, CS_FAULT_HANG);
	ck_assert_int_eq(r.seconds, 10);
	ck_assert_str_eq(cs_fault_name(CS_FAULT_HANG), "hang");
	ck_assert_int_eq(parse("restart 3", 3, &r), 0);
	ck_assert_int_eq(r.kind, CS_FAULT_RESTART);
	ck_assert_int_eq(r.node, 3);
}
END_TEST

START_TEST(test_bad)
{
	static const char *const bad[] = {
		"", "\n", "partition", "partition 3", "partition 3 5 6",
		"crash 3 5", "partition 4 5", "partition 0 5", "partition -1 5",
		"partition 3 0", "partition 3 601", "partition 3 5s",
		"partition +3 5", "partition 3 99999999999999999999",
		"partition x 5", "partition\t3 5", "crash", "crash 4",
		"crash 0", "crash 3 3", "hang 3", "hang 3 11", "hang 3 0",
		"hang 3 5 5", "Crash 3", "crash  ", "restart", "restart 3 1",
		"restart 9",
	};
	struct cs_fault_req r;
	char why[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		ck_assert_msg(cs_fault_parse(bad[i], 3, &r, why,
					     sizeof(why)) == -1,
			      "'%s' accepted", bad[i]);
		ck_assert_msg(why[0] && !strchr(why, '\n'),
			      "'%s': no one-line reason", bad[i]);
	}
}
END_TEST

START_TEST(test_too_long)
{
	char line[300];
	struct cs_fault_req r;

	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	ck_assert_int_eq(parse(line, 3, &r), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fault_req");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_bad);
	tcase_add_test(tc, test_too_long);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
