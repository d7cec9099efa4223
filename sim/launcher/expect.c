/*
 * expect.c: a scenario's `expect zero` counters and `expect idle` gauges
 * on one node, from the counters its init saved before and after the job
 * (counters.h), for the summary (report.c) and the JUnit file
 * (junit_run.c).
 */
#include "cluster.h"
#include "counters.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct expect_out {
	FILE *f;
	int num;
};

static void on_rose(void *arg, const char *name, long long from,
		    long long to, long long delta)
{
	struct expect_out *o = arg;

	fprintf(o->f, "node%d: %s rose by %lld during the job (%lld -> %lld), the scenario expects zero\n",
		o->num, name, delta, from, to);
}

bool cs_expect_any(const struct cs_cluster *c, const struct cs_scenario *sc,
		   const struct cs_node *nd)
{
	return sc && (sc->nexpect_zero || sc->expect_idle) &&
	       c->img[nd->backend].module[0];
}

static void on_busy(void *arg, const char *name, long long value)
{
	struct expect_out *o = arg;

	fprintf(o->f, "node%d: %s is %lld after the job, the scenario expects idle (a leak)\n",
		o->num, name, value);
}

int cs_expect_zero_node(const struct cs_cluster *c,
			const struct cs_scenario *sc,
			const struct cs_node *nd, char **text)
{
	struct cs_counters start, end;
	char path[PATH_MAX + 32], err[PATH_MAX + 128];
	struct expect_out o = { NULL, nd->num };
	const char *unmatched;
	size_t len;
	int rc, nfail = 0;

	*text = NULL;
	if (!cs_expect_any(c, sc, nd))
		return 0;
	o.f = open_memstream(text, &len);
	if (!o.f)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", nd->results, CS_STATS_END);
	rc = cs_counters_load(path, &end, err, sizeof(err));
	if (rc) {
		/* a node that did not finish is a failure already */
		if (nd->done) {
			fprintf(o.f, "node%d: 'expect' cannot be checked: %s\n",
				nd->num, rc > 0 ?
				"no stats.txt (module unloaded?)" : err);
			nfail = 1;
		}
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s", nd->results, CS_STATS_START);
	rc = cs_counters_load(path, &start, err, sizeof(err));
	if (rc < 0) {
		fprintf(o.f, "node%d: %s\n", nd->num, err);
		cs_counters_free(&end);
		nfail = 1;
		goto out;
	}
	nfail = cs_counters_check_zero(&start, &end, sc->expect_zero,
				       sc->nexpect_zero, on_rose, &o,
				       &unmatched);
	if (sc->expect_idle)
		nfail += cs_counters_check_idle(&end, on_busy, &o);
	if (unmatched) {
		fprintf(o.f, "node%d: 'expect zero %s' matches no counter\n",
			nd->num, unmatched);
		nfail++;
	}
	cs_counters_free(&start);
	cs_counters_free(&end);
out:
	if (fclose(o.f)) {
		*text = NULL;
		return nfail;
	}
	if (!nfail) {
		free(*text);
		*text = NULL;
	}
	return nfail;
}
