/*
 * junit.h: JUnit XML results (runs/<id>/junit.xml), the format GitLab,
 * Jenkins and GitHub Actions test reporters read. A run is a list of
 * suites (one per node and command, one per node for the node itself),
 * a suite a list of test cases; written in one go at the end of a run.
 */
#ifndef CS_JUNIT_H
#define CS_JUNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum cs_junit_kind {
	CS_JUNIT_PASS,
	CS_JUNIT_FAIL,		/* <failure>: the test said no */
	CS_JUNIT_ERROR,		/* <error>: no verdict (missing TAP, ...) */
	CS_JUNIT_SKIP,		/* <skipped> */
};

struct cs_junit_case {
	char *name;
	char *classname;
	enum cs_junit_kind kind;
	char *message;		/* one line; NULL for a pass */
	char *detail;		/* element text (TAP line, console); NULL */
};

struct cs_junit_suite {
	char *name;		/* node1.01-test_rexec */
	char *hostname;		/* node1 */
	char *out;		/* <system-out>: the command's log; NULL */
	struct cs_junit_case *cases;
	size_t ncases;
	int failures, errors, skipped;
};

struct cs_junit_run {
	char *name;		/* clustersim <run id> */
	double secs;		/* wall time of the run */
	struct cs_junit_suite *suites;
	size_t nsuites;
};

/* All return 0, or -1 (ENOMEM) leaving the structure consistent. */
int cs_junit_run_init(struct cs_junit_run *r, const char *name);
/* A new empty suite, appended; NULL on ENOMEM. */
struct cs_junit_suite *cs_junit_suite_add(struct cs_junit_run *r,
					  const char *name,
					  const char *hostname);
int cs_junit_case_add(struct cs_junit_suite *s, enum cs_junit_kind kind,
		      const char *classname, const char *name,
		      const char *message, const char *detail);
/* Keep (a copy of) the last max bytes of text as the suite's system-out. */
int cs_junit_suite_out(struct cs_junit_suite *s, const char *text,
		       size_t len, size_t max);
void cs_junit_run_free(struct cs_junit_run *r);

/*
 * Add one test case per TAP test line of text (as Check writes it:
 * "ok N - FILE:TCASE:TEST: MESSAGE"; other descriptions are used whole):
 * "not ok" is a failure with MESSAGE, "# SKIP" skipped, "not ok # TODO"
 * a pass (as tap_merge.c counts them). A stream without a plan, whose
 * plan does not match, or that bailed out gets one more case, an error
 * named after the stream. classname: prefix for the TCASE part.
 */
int cs_junit_add_tap(struct cs_junit_suite *s, const char *classname,
		     const char *text);

/*
 * Text escaped for XML 1.0: & < > " ' as entities, CR as a character
 * reference (and, in an attribute value, newline and tab too), other
 * control characters and invalid UTF-8 as U+FFFD (XML cannot carry them).
 */
void cs_junit_escape(FILE *f, const char *s, size_t len, bool in_attr);

/* The whole document. Returns 0, or -1 if a write failed. */
int cs_junit_write(FILE *f, const struct cs_junit_run *r);

#endif
