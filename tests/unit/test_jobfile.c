/* test_jobfile: the launcher-to-init job file round-trips any argv. */
#include "jobfile.h"
#include "unit_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_roundtrip)
{
	char *const run[] = { "01-x", "/bin/sh", "-c", "echo 'a b'\t%20\n;", "", NULL };
	char *const ex[] = { "uname", "-a", NULL };
	char *const env[] = { "CS_KVERSION=#1 Wed Nov 25 08:00:00 UTC 2026", NULL };
	char *text = NULL, err[128];
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	struct cs_job job;

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(cs_job_write(m, CS_JOB_ENV, env, 1), 0);
	ck_assert_int_eq(cs_job_write(m, CS_JOB_RUN, run, 5), 0);
	ck_assert_int_eq(cs_job_write(m, CS_JOB_EXEC, ex, 2), 0);
	ck_assert_int_eq(cs_job_write(m, CS_JOB_SHELL, NULL, 0), 0);
	ck_assert_int_eq(fclose(m), 0);
	ck_assert_int_eq(cs_job_parse(text, &job, err, sizeof(err)), 0);
	ck_assert_uint_eq(job.nitems, 4);
	ck_assert_int_eq(job.items[0].kind, CS_JOB_ENV);
	ck_assert_str_eq(job.items[0].words[0], env[0]);
	ck_assert_int_eq(job.items[1].kind, CS_JOB_RUN);
	ck_assert_int_eq(job.items[1].nwords, 5);
	for (int i = 0; i < 4; i++)
		ck_assert_str_eq(job.items[1].words[i], run[i]);
	ck_assert_int_eq(job.items[2].kind, CS_JOB_EXEC);
	ck_assert_str_eq(job.items[2].words[1], "-a");
	ck_assert_ptr_null(job.items[2].words[2]);
	ck_assert_int_eq(job.items[3].kind, CS_JOB_SHELL);
	cs_job_free(&job);
	free(text);
}
END_TEST

START_TEST(test_malformed)
{
	static const char *const bad[] = {
		"frob x\n", "run onlyname\n", "env NOEQ\n", "shell extra\n",
		"exec\n", "run a b%4\n", "run a b%00\n", "run a %zz\n",
	};
	struct cs_job job;
	char err[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(cs_job_parse(bad[i], &job, err, sizeof(err)) == -1,
			      "accepted '%s'", bad[i]);
		ck_assert_ptr_nonnull(strstr(err, "line 1"));
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("jobfile");
	TCase *tc = tcase_create("jobfile");

	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_malformed);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
