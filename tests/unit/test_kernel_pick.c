/* test_kernel_pick: which kernel flavor clustersim boots without --kernel. */
#include "kernel_pick.h"
#include "unit_util.h"

#include <check.h>
#include <string.h>

/* arg: a space-separated list of the flavors that are built */
static bool built_in(const char *flavor, void *arg)
{
	const char *list = arg;
	size_t n = strlen(flavor);

	for (const char *p = list; (p = strstr(p, flavor)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

START_TEST(test_default_first)
{
	ck_assert_str_eq(cs_kernel_pick(built_in, "default debug vanilla"),
			 "default");
	ck_assert_str_eq(cs_kernel_pick(built_in, "debug default"), "default");
}
END_TEST

START_TEST(test_debug_after_make_check)
{
	/* `make check` builds the debug and the vanilla kernel only */
	ck_assert_str_eq(cs_kernel_pick(built_in, "vanilla debug"), "debug");
}
END_TEST

START_TEST(test_never_unpatched)
{
	ck_assert_ptr_null(cs_kernel_pick(built_in, "vanilla cpn"));
	ck_assert_ptr_null(cs_kernel_pick(built_in, ""));
	/* a name that only contains a flavor's name is not that flavor */
	ck_assert_ptr_null(cs_kernel_pick(built_in, "nodefault debugx"));
}
END_TEST

START_TEST(test_paths)
{
	char out[64];

	ck_assert_int_eq(cs_flavor_path("debug", "kernel", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "../uml/debug/linux");
	ck_assert_int_eq(cs_flavor_path("debug", "module", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "../module/debug/clusterproc.ko");
	ck_assert_int_eq(cs_flavor_path("default", "kernel", out, 10), -1);
	ck_assert_int_eq(cs_flavor_path("default", "initrd", out, sizeof(out)),
			 -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kernel_pick");
	TCase *tc = tcase_create("pick");

	tcase_add_test(tc, test_default_first);
	tcase_add_test(tc, test_debug_after_make_check);
	tcase_add_test(tc, test_never_unpatched);
	tcase_add_test(tc, test_paths);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
