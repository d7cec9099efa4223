/*
 * unit_util.h: what several host unit tests share: running the suite,
 * a monotonic clock, a private directory under /tmp.
 */
#ifndef UNIT_UTIL_H
#define UNIT_UTIL_H

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

/* Run every test of s (CK_ENV output), free it: the exit status. */
static inline int unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* CLOCK_MONOTONIC in seconds. */
static inline double unit_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A private directory and the runs/ path in it for --runs. */
struct unit_tmp {
	char dir[64];
	char runs[96];
};

/*
 * Make /tmp/cs-<tag>-XXXXXX (the test fails if it cannot), mode 0755: a
 * root clustersim's nodes run as another host user, who must reach the
 * runs/ in it (sim/launcher/nodeuser.c).
 */
static inline void unit_tmp_make(struct unit_tmp *t, const char *tag)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/cs-%s-XXXXXX", tag);
	ck_assert_ptr_nonnull(mkdtemp(t->dir));
	ck_assert_int_eq(chmod(t->dir, 0755), 0);
	snprintf(t->runs, sizeof(t->runs), "%s/runs", t->dir);
}

static inline int unit_rm_one(const char *p, const struct stat *st, int flag,
			      struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

/* Remove the directory and everything below it. */
static inline void unit_tmp_remove(struct unit_tmp *t)
{
	nftw(t->dir, unit_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
