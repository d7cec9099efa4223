/*
 * The run's chart: its last rows only (where a failure is; a whole suite
 * is thousands of events, a chart mscgen takes minutes over and no one
 * reads). clustersim-trace draws any other window of trace.txt.
 */
#define CS_TRACE_CHART_ROWS 300

/*
 * trace_run.c: `clustersim --trace`: after the run, the nodes' trace
 * rings (node<N>/trace.txt, copied by cluster-init before power-off)
 * merged into runs/<id>/trace.txt, drawn as trace.msc and, by mscgen,
 * trace.svg (sim/trace/README.md).
 */
#include "cluster.h"
#include "trace/trace_merge.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int write_out(const char *path, const struct cs_trace *t, bool chart,
		     char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (chart) {
		struct cs_msc_opts mo = {
			.last = CS_TRACE_CHART_ROWS,
			.title = "the run's last rows (clustersim --trace); any other window: clustersim-trace --since/--until/--last trace.txt",
		};

		rc = cs_trace_msc(t, &mo, f, err, errlen) < 0 ? -1 : 0;
	} else {
		rc = cs_trace_write(t, f);
		if (rc)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
	}
	if (fclose(f) && !rc) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	return rc;
}

/* mscgen -T svg: 0, or -1 with why in @err (no mscgen is not an error) */
static int render(const char *msc, const char *svg, char *err, size_t errlen)
{
	char *argv[] = { "mscgen", "-T", "svg", "-o", (char *)svg,
			 (char *)msc, NULL };
	posix_spawnattr_t at;
	sigset_t none;
	pid_t pid;
	int st, rc;

	/* clustersim blocks the signals it handles: mscgen must not */
	sigemptyset(&none);
	if (posix_spawnattr_init(&at) ||
	    posix_spawnattr_setsigmask(&at, &none) ||
	    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK)) {
		snprintf(err, errlen, "posix_spawnattr: %s", strerror(errno));
		return -1;
	}
	rc = posix_spawnp(&pid, "mscgen", NULL, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	if (rc) {
		snprintf(err, errlen, "mscgen: %s (make setup installs it)",
			 strerror(rc));
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			snprintf(err, errlen, "waitpid mscgen: %s", strerror(errno));
			return -1;
		}
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(err, errlen, "mscgen failed on %s", msc);
		return -1;
	}
	return 0;
}

int cs_trace_run(const struct cs_cluster *c)
{
	char path[PATH_MAX + 32], msc[PATH_MAX + 32], err[PATH_MAX + 256];
	struct cs_trace t = { 0 };
	int found = 0, rc = -1;

	for (int i = 1; i <= c->n; i++) {
		snprintf(path, sizeof(path), "%s/node%d/trace.txt", c->run_dir, i);
		if (access(path, R_OK)) {
			fprintf(stderr, "clustersim: trace: node%d left no trace.txt\n", i);
			continue;
		}
		if (cs_trace_read(&t, path, err, sizeof(err)))
			goto out;
		found++;
	}
	if (!found) {
		snprintf(err, sizeof(err), "no node left a trace (module loaded?)");
		goto out;
	}
	if (cs_trace_merge(&t, err, sizeof(err)))
		goto out;
	snprintf(path, sizeof(path), "%s/trace.txt", c->run_dir);
	snprintf(msc, sizeof(msc), "%s/trace.msc", c->run_dir);
	if (write_out(path, &t, false, err, sizeof(err)) ||
	    write_out(msc, &t, true, err, sizeof(err)))
		goto out;
	snprintf(path, sizeof(path), "%s/trace.svg", c->run_dir);
	if (render(msc, path, err, sizeof(err)))
		goto out;
	cs_progress(c, "trace: %zu events of %d nodes in trace.txt, the last %d rows at most in %s",
		    t.n, found, CS_TRACE_CHART_ROWS, path);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "clustersim: trace: %s\n", err);
	cs_trace_free(&t);
	return rc;
}
