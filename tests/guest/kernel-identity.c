/*
 * kernel-identity: the node runs the kernel the launcher was given.
 *
 * The launcher reads include/config/kernel.release (and UTS_VERSION) next
 * to the kernel binary and passes them as CS_KREL / CS_KVERSION; this test
 * compares them with what the running kernel reports. CONFIG_CLUSTERPROC,
 * if the kernel knows it, must be =y; with CS_EXPECT_CLUSTERPROC=1 it must
 * be there.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <zlib.h>

static const char *env_or_empty(const char *k)
{
	const char *v = getenv(k);

	return v ? v : "";
}

START_TEST(test_release_matches_build)
{
	struct utsname u;
	const char *want = env_or_empty("CS_KREL");

	ck_assert_msg(want[0], "CS_KREL not set: launcher found no kernel.release");
	ck_assert_int_eq(uname(&u), 0);
	ck_assert_str_eq(u.release, want);
}
END_TEST

START_TEST(test_version_matches_build)
{
	struct utsname u;
	const char *want = env_or_empty("CS_KVERSION");
	char line[1024];
	FILE *f = fopen("/proc/version", "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	fclose(f);
	ck_assert_int_eq(uname(&u), 0);
	ck_assert_msg(strstr(line, u.release), "/proc/version '%s' lacks '%s'",
		      line, u.release);
	if (want[0]) {
		ck_assert_str_eq(u.version, want);
		ck_assert_msg(strstr(line, want), "/proc/version lacks '%s'", want);
	}
}
END_TEST

START_TEST(test_is_uml)
{
	char buf[256];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int uml = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(buf, sizeof(buf), f))
		if (strncmp(buf, "model name", 10) == 0 && strstr(buf, "UML"))
			uml = 1;
	fclose(f);
	ck_assert_msg(uml, "/proc/cpuinfo does not say UML");
}
END_TEST

/* Value of CONFIG_<name> in /proc/config.gz: "y", "m", "n" (not set), "" (absent). */
static void config_value(const char *name, char *out, size_t len)
{
	gzFile z = gzopen("/proc/config.gz", "rb");
	char line[512], set[128], unset[160];

	out[0] = '\0';
	ck_assert_msg(z != NULL, "cannot open /proc/config.gz");
	snprintf(set, sizeof(set), "CONFIG_%s=", name);
	snprintf(unset, sizeof(unset), "# CONFIG_%s is not set", name);
	while (gzgets(z, line, sizeof(line))) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, set, strlen(set)) == 0)
			snprintf(out, len, "%s", line + strlen(set));
		else if (strcmp(line, unset) == 0)
			snprintf(out, len, "n");
	}
	gzclose(z);
}

START_TEST(test_config_basics)
{
	char v[64];

	config_value("TIPC", v, sizeof(v));
	ck_assert_str_eq(v, "y");
	config_value("HOSTFS", v, sizeof(v));
	ck_assert_str_eq(v, "y");
}
END_TEST

START_TEST(test_config_clusterproc)
{
	char v[64];
	int expect = atoi(env_or_empty("CS_EXPECT_CLUSTERPROC"));

	config_value("CLUSTERPROC", v, sizeof(v));
	if (expect)
		ck_assert_msg(strcmp(v, "y") == 0,
			      "CONFIG_CLUSTERPROC is '%s', expected y", v);
	else if (v[0] && strcmp(v, "n") != 0)
		ck_assert_msg(strcmp(v, "y") == 0,
			      "CONFIG_CLUSTERPROC is '%s', must be y or unset", v);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kernel-identity");
	TCase *tc = tcase_create("identity");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_release_matches_build);
	tcase_add_test(tc, test_version_matches_build);
	tcase_add_test(tc, test_is_uml);
	tcase_add_test(tc, test_config_basics);
	tcase_add_test(tc, test_config_clusterproc);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
