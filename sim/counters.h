/*
 * counters.h: clusterproc's debugfs `stats` saved by a node's init
 * (node<N>/stats-start.txt before the join, so before any node's job;
 * node<N>/stats.txt after the end barrier, so after every node's job):
 * "name value" lines. Shared by the launcher's verdict (a counter a
 * scenario expects to stay 0 rose: `expect zero` in the scenario) and the
 * path table (sim/paths/).
 */
#ifndef CS_COUNTERS_H
#define CS_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>

/* the files init writes into a node's results directory */
#define CS_STATS_START "stats-start.txt"
#define CS_STATS_END "stats.txt"
/* the run's `expect zero` patterns, one a line, in runs/<id>/ */
#define CS_EXPECT_ZERO_FILE "expect-zero"

struct cs_counter {
	char *name;
	long long value;
};

struct cs_counters {
	size_t n;
	struct cs_counter *v;
};

/*
 * Parse "name value" lines (value a decimal >= 0, name of [a-z0-9_.]).
 * Returns 0, or -1 with "WHAT:LINE: why" in err (WHAT names the text).
 */
int cs_counters_parse(const char *text, const char *what,
		      struct cs_counters *c, char *err, size_t errlen);

/*
 * Read and parse a file. Returns 0; 1 if it does not exist (errno ENOENT:
 * no module on that node, c left empty); -1 with a reason in err.
 */
int cs_counters_load(const char *path, struct cs_counters *c, char *err,
		     size_t errlen);

void cs_counters_free(struct cs_counters *c);

/* the counter called name, or NULL */
const struct cs_counter *cs_counters_find(const struct cs_counters *c,
					  const char *name);

/*
 * What a counter rose by during the job: end - start. A counter missing at
 * the start, or lower at the end (the module was unloaded and loaded
 * again: it restarts at 0), counts from 0. A counter missing at the end: 0.
 */
long long cs_counters_delta(const struct cs_counters *start,
			    const struct cs_counters *end, const char *name);

/*
 * The live-object gauges (the module's live_* stats): 0 on an idle node.
 * For every one of @c above 0, call busy(arg, name, value) and count it.
 */
#define CS_LIVE_PREFIX "live_"
int cs_counters_check_idle(const struct cs_counters *c,
			   void (*busy)(void *arg, const char *name,
					long long value),
			   void *arg);

/* an `expect zero` pattern: [a-z0-9_.*]+ (`*` as in fnmatch) */
bool cs_counter_pattern_ok(const char *pat);

/* name matches a pattern (fnmatch(3), no flags) */
bool cs_counter_match(const char *pat, const char *name);

/*
 * For every counter of end that matches one of pats[0..npat) and rose
 * during the job, call rose(arg, name, from, to, delta) and count it.
 * *unmatched (if not NULL) is set to the first pattern that matches no
 * counter of end, else NULL (a typo must not check nothing). Returns
 * how many counters rose.
 */
int cs_counters_check_zero(const struct cs_counters *start,
			   const struct cs_counters *end,
			   char *const *pats, size_t npat,
			   void (*rose)(void *arg, const char *name,
					long long from, long long to,
					long long delta),
			   void *arg, const char **unmatched);

/*
 * Read runs/<id>/expect-zero (CS_EXPECT_ZERO_FILE): one pattern a line.
 * Returns the count (0 if the file does not exist) with a malloc'd
 * NULL-terminated vector in *out, or -1 with a reason in err.
 */
int cs_expect_zero_load(const char *run_dir, char ***out, char *err,
			size_t errlen);

#endif
