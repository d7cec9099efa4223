/*
 * kernel-identity: the node runs the kernel the launcher booted, and (when
 * the launcher was told to expect it) that kernel is the one the pipeline
 * built from this tree with the hook series applied.
 *
 * The launcher reads the linux_banner compiled into the UML binary it
 * starts ("Linux version RELEASE (...) ... #N DATE") and passes it as
 * CS_KBANNER, its release as CS_KREL. The running kernel must report
 * exactly that in /proc/version and uname(2).
 *
 * Expectations (set by the build: tests/tests.mk):
 *   CS_EXPECT_KREL_SUFFIX=-cp<8 hex>  the release ends in the series marker
 *       the pipeline writes into CONFIG_LOCALVERSION (uml/uml.mk): the first
 *       8 hex digits of sha256 over the patches named in hooks/patches/series;
 *   CS_EXPECT_CLUSTERPROC=1           /proc/config.gz has CONFIG_CLUSTERPROC=y.
 * A vanilla kernel fails both.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include "guest_run.h"

static const char *env_or_empty(const char *k)
{
	const char *v = getenv(k);

	return v ? v : "";
}

static void read_proc_version(char *line, size_t len)
{
	FILE *f = fopen("/proc/version", "r");

	ck_assert_msg(f != NULL, "cannot open /proc/version");
	ck_assert_ptr_nonnull(fgets(line, (int)len, f));
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return m <= n && strcmp(s + n - m, suffix) == 0;
}

START_TEST(test_proc_version_is_booted_binary)
{
	const char *want = env_or_empty("CS_KBANNER");
	char line[1024];

	ck_assert_msg(want[0], "CS_KBANNER not set by the launcher");
	read_proc_version(line, sizeof(line));
	ck_assert_str_eq(line, want);
}
END_TEST

START_TEST(test_uname_matches_binary)
{
	struct utsname u;
	const char *rel = env_or_empty("CS_KREL");
	const char *banner = env_or_empty("CS_KBANNER");

	ck_assert_msg(rel[0], "CS_KREL not set by the launcher");
	ck_assert_int_eq(uname(&u), 0);
	ck_assert_str_eq(u.release, rel);
	ck_assert_msg(ends_with(banner, u.version),
		      "uname -v '%s' is not the end of the banner '%s'",
		      u.version, banner);
}
END_TEST

START_TEST(test_release_has_series_marker)
{
	const char *suffix = env_or_empty("CS_EXPECT_KREL_SUFFIX");
	struct utsname u;

	ck_assert_int_eq(uname(&u), 0);
	if (!suffix[0])
		return;		/* nothing expected: vanilla or ad-hoc kernel */
	ck_assert_msg(ends_with(u.release, suffix),
		      "running kernel %s is not the series build (release must end in %s)",
		      u.release, suffix);
}
END_TEST

START_TEST(test_hostname_is_node)
{
	char want[32], got[64];

	snprintf(want, sizeof(want), "node%s", env_or_empty("CS_NODE"));
	ck_assert_int_eq(gethostname(got, sizeof(got)), 0);
	ck_assert_str_eq(got, want);
}
END_TEST

/*
 * The backend the launcher says (CS_BACKEND) is what runs: a UML node's
 * /proc/cpuinfo says UML; a QEMU node is x86_64 with the CPUs it was
 * given (CS_SMP), all online.
 */
START_TEST(test_backend)
{
	char buf[256];
	FILE *f = fopen("/proc/cpuinfo", "r");
	const char *backend = env_or_empty("CS_BACKEND");
	struct utsname u;
	int uml = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(buf, sizeof(buf), f))
		if (strncmp(buf, "model name", 10) == 0 && strstr(buf, "UML"))
			uml = 1;
	fclose(f);
	if (strcmp(backend, "qemu") == 0) {
		ck_assert_msg(!uml, "a QEMU node's /proc/cpuinfo says UML");
		ck_assert_int_eq(uname(&u), 0);
		ck_assert_str_eq(u.machine, "x86_64");
		ck_assert_int_eq(sysconf(_SC_NPROCESSORS_ONLN),
				 atoi(env_or_empty("CS_SMP")));
	} else {
		ck_assert_str_eq(backend, "uml");
		ck_assert_msg(uml, "/proc/cpuinfo does not say UML");
	}
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
	config_value(strcmp(env_or_empty("CS_BACKEND"), "qemu") ? "HOSTFS" :
		     "9P_FS", v, sizeof(v));
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
			      "CONFIG_CLUSTERPROC is '%s' in /proc/config.gz, expected y",
			      v[0] ? v : "absent");
	else if (v[0] && strcmp(v, "n") != 0)
		ck_assert_msg(strcmp(v, "y") == 0,
			      "CONFIG_CLUSTERPROC is '%s', must be y or unset", v);
}
END_TEST

/* The module tools (onnode, where, cps) are found by name. */
START_TEST(test_path_has_bindir)
{
	const char *path = env_or_empty("PATH");
	char self[4096], want[4200];
	ssize_t n;

	/* this program is $(BUILD)/tests/guest/kernel-identity */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ck_assert_int_gt(n, 0);
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	*strrchr(self, '/') = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(want, sizeof(want), "%s/bin:", self);
	ck_assert_msg(strncmp(path, want, strlen(want)) == 0,
		      "PATH '%s' does not start with %s", path, want);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kernel-identity");
	TCase *tc = tcase_create("identity");

	tcase_add_test(tc, test_proc_version_is_booted_binary);
	tcase_add_test(tc, test_uname_matches_binary);
	tcase_add_test(tc, test_release_has_series_marker);
	tcase_add_test(tc, test_config_clusterproc);
	tcase_add_test(tc, test_hostname_is_node);
	tcase_add_test(tc, test_backend);
	tcase_add_test(tc, test_config_basics);
	tcase_add_test(tc, test_path_has_bindir);
	suite_add_tcase(s, tc);
	return guest_run(s, 0);	/* no fork per test */
}
