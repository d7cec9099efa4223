/* test_vde_port: parsing vde_switch's "port/print N" answer. */
#include "vde_port.h"
#include "unit_util.h"

#include <check.h>

static const char answer[] =
	"0000 DATA END WITH '.'\n"
	"Port 0003 untagged_vlan=0000 ACTIVE - Unnamed Allocatable\n"
	" Current User: root Access Control: (User: NONE - Group: NONE)\n"
	" IN:  pkts         37          bytes                 2960\n"
	" OUT: pkts        412          bytes                34912\n"
	"  -- endpoint ID 0009 module unix prog   : node3\n"
	"Port 0004 untagged_vlan=0000 INACTIVE - Unnamed Allocatable\n"
	" Current User: NONE Access Control: (User: NONE - Group: NONE)\n"
	" IN:  pkts          0          bytes                    0\n"
	" OUT: pkts          5          bytes                  420\n"
	".\n"
	"1000 Success\n";

START_TEST(test_active_port)
{
	struct cs_vde_port p;

	ck_assert_int_eq(cs_vde_port_parse(answer, 3, &p), 0);
	ck_assert(p.active);
	ck_assert_int_eq(p.in_pkts, 37);
	ck_assert_int_eq(p.out_pkts, 412);
	ck_assert_str_eq(p.descr, "node3");
}
END_TEST

START_TEST(test_inactive_port)
{
	struct cs_vde_port p;

	/* the next port's lines are not this one's */
	ck_assert_int_eq(cs_vde_port_parse(answer, 4, &p), 0);
	ck_assert(!p.active);
	ck_assert_int_eq(p.in_pkts, 0);
	ck_assert_int_eq(p.out_pkts, 5);
	ck_assert_str_eq(p.descr, "");
}
END_TEST

START_TEST(test_missing_port)
{
	struct cs_vde_port p;

	ck_assert_int_eq(cs_vde_port_parse(answer, 7, &p), -1);
	ck_assert_int_eq(cs_vde_port_parse("1010 Invalid argument\n", 3, &p),
			 -1);
	ck_assert_int_eq(p.in_pkts, -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vde_port");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_active_port);
	tcase_add_test(tc, test_inactive_port);
	tcase_add_test(tc, test_missing_port);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
