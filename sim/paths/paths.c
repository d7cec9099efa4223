/* paths.c: the path coverage table (see paths.h). */
#include "paths.h"
#include "counters.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* the record->flush windows (paths.h says why these) */
static const char *const cp_windows[] = {
	"notify_reserved", "notify_sent", "reparent_sent", "event_rx",
	"svr_reparent", "ptrace_unlink_standin",
};

static const char *const cp_kind_names[] = { "hook", "release", "window" };

int cp_path_kind_of(const char *name)
{
	size_t len = strlen(name);

	if (!strncmp(name, "hook_", 5) && len > 5)
		return CP_PATH_HOOK;
	if (!strncmp(name, "point.", 6) && len > 11 &&
	    !strcmp(name + len - 5, ".hits"))
		return CP_PATH_RELEASE;
	for (size_t i = 0; i < sizeof(cp_windows) / sizeof(cp_windows[0]); i++)
		if (!strcmp(name, cp_windows[i]))
			return CP_PATH_WINDOW;
	return -1;
}

void cp_paths_init(struct cp_paths *t)
{
	memset(t, 0, sizeof(*t));
}

void cp_paths_free(struct cp_paths *t)
{
	for (size_t i = 0; i < t->nrows; i++)
		free(t->rows[i].name);
	free(t->rows);
	for (size_t i = 0; i < t->nexc; i++) {
		free(t->exc[i].name);
		free(t->exc[i].reason);
	}
	free(t->exc);
	for (size_t i = 0; i < t->nproblems; i++)
		free(t->problems[i]);
	free(t->problems);
	memset(t, 0, sizeof(*t));
}

static int problem(struct cp_paths *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int problem(struct cp_paths *t, const char *fmt, ...)
{
	char **np = realloc(t->problems, (t->nproblems + 1) * sizeof(*np));
	va_list ap;
	int rc;

	if (!np)
		return -1;
	t->problems = np;
	va_start(ap, fmt);
	rc = vasprintf(&np[t->nproblems], fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -1;
	t->nproblems++;
	return 0;
}

static struct cp_path_row *row_get(struct cp_paths *t, const char *name,
				   int kind)
{
	struct cp_path_row *nr;

	for (size_t i = 0; i < t->nrows; i++)
		if (!strcmp(t->rows[i].name, name))
			return &t->rows[i];
	nr = realloc(t->rows, (t->nrows + 1) * sizeof(*nr));
	if (!nr)
		return NULL;
	t->rows = nr;
	nr = &t->rows[t->nrows];
	memset(nr, 0, sizeof(*nr));
	nr->name = strdup(name);
	if (!nr->name)
		return NULL;
	nr->kind = (enum cp_path_kind)kind;
	t->nrows++;
	return nr;
}

struct rose_ctx {
	struct cp_paths *t;
	const char *run;
	int node;
	int oom;
};

static void on_rose(void *arg, const char *name, long long from,
		    long long to, long long delta)
{
	struct rose_ctx *r = arg;

	if (problem(r->t, "%s node%d: %s rose by %lld during the job (%lld -> %lld); the scenario expects zero",
		    r->run, r->node, name, delta, from, to))
		r->oom = 1;
}

/* "node<N>" with N in 1..CP_PATHS_MAX_NODE, else 0 */
static int node_dir_num(const char *name)
{
	char *end;
	long n;

	if (strncmp(name, "node", 4) || name[4] < '1' || name[4] > '9')
		return 0;
	n = strtol(name + 4, &end, 10);
	if (*end || n < 1 || n > CP_PATHS_MAX_NODE)
		return 0;
	return (int)n;
}

static int add_node(struct cp_paths *t, const char *run_dir, int node,
		    char *const *pats, size_t npat, bool *had_stats,
		    char *err, size_t errlen)
{
	struct cs_counters start, end;
	char path[4096];
	int rc;

	snprintf(path, sizeof(path), "%s/node%d/%s", run_dir, node,
		 CS_STATS_END);
	rc = cs_counters_load(path, &end, err, errlen);
	if (rc < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/node%d/%s", run_dir, node,
		 CS_STATS_START);
	if (rc > 0) {
		struct stat st;

		/* the module was there at the start, gone at the end */
		if (npat && stat(path, &st) == 0 &&
		    problem(t, "%s node%d: no %s (module unloaded during the job?): 'expect zero' not checked",
			    run_dir, node, CS_STATS_END))
			goto oom;
		return 0;
	}
	rc = cs_counters_load(path, &start, err, errlen);
	if (rc < 0) {
		cs_counters_free(&end);
		return -1;
	}
	*had_stats = true;
	if (node > t->max_node)
		t->max_node = node;
	for (size_t i = 0; i < end.n; i++) {
		int kind = cp_path_kind_of(end.v[i].name);
		struct cp_path_row *r;
		long long d;

		if (kind < 0)
			continue;
		r = row_get(t, end.v[i].name, kind);
		if (!r)
			goto oom_free;
		d = cs_counters_delta(&start, &end, end.v[i].name);
		r->hits[node] += d;
		r->total += d;
	}
	if (npat) {
		struct rose_ctx rc2 = { t, run_dir, node, 0 };
		const char *unmatched;

		cs_counters_check_zero(&start, &end, pats, npat, on_rose, &rc2,
				       &unmatched);
		if (rc2.oom)
			goto oom_free;
		if (unmatched &&
		    problem(t, "%s node%d: 'expect zero %s' matches no counter",
			    run_dir, node, unmatched))
			goto oom_free;
	}
	cs_counters_free(&start);
	cs_counters_free(&end);
	return 0;
oom_free:
	cs_counters_free(&start);
	cs_counters_free(&end);
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

int cp_paths_add_run(struct cp_paths *t, const char *run_dir, char *err,
		     size_t errlen)
{
	struct dirent **ents;
	char **pats;
	bool had_stats = false;
	int n, npat, rc = 0;

	n = scandir(run_dir, &ents, NULL, alphasort);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", run_dir, strerror(errno));
		return -1;
	}
	npat = cs_expect_zero_load(run_dir, &pats, err, errlen);
	if (npat < 0) {
		rc = -1;
		goto out;
	}
	for (int i = 0; i < n && !rc; i++) {
		int node = node_dir_num(ents[i]->d_name);
		char path[4096];
		struct stat st;

		if (!node)
			continue;
		snprintf(path, sizeof(path), "%s/%s", run_dir, ents[i]->d_name);
		if (stat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		rc = add_node(t, run_dir, node, pats, (size_t)npat, &had_stats,
			      err, errlen);
	}
	t->nruns++;
	if (had_stats)
		t->nruns_stats++;
	for (int i = 0; i < npat; i++)
		free(pats[i]);
	free(pats);
out:
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return rc;
}

int cp_paths_parse_exceptions(struct cp_paths *t, const char *text,
			      const char *what, char *err, size_t errlen)
{
	const char *p = text;
	int line = 0;

	t->exc_file = what;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *s = p, *e = p + len, *ne, *r;
		struct cp_path_exc *nx;

		line++;
		p += len + (eol ? 1 : 0);
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' ||
				 e[-1] == '\r'))
			e--;
		if (s == e || *s == '#')
			continue;
		for (ne = s; ne < e && *ne != ' ' && *ne != '\t'; ne++)
			;
		for (r = ne; r < e && (*r == ' ' || *r == '\t'); r++)
			;
		nx = realloc(t->exc, (t->nexc + 1) * sizeof(*nx));
		if (!nx)
			goto oom;
		t->exc = nx;
		nx = &t->exc[t->nexc];
		memset(nx, 0, sizeof(*nx));
		nx->line = line;
		nx->name = strndup(s, (size_t)(ne - s));
		nx->reason = strndup(r, (size_t)(e - r));
		if (!nx->name || !nx->reason) {
			free(nx->name);
			free(nx->reason);
			goto oom;
		}
		t->nexc++;
		if (cp_path_kind_of(nx->name) < 0) {
			snprintf(err, errlen, "%s:%d: '%s' is not a path counter (hook_*, point.*.hits or a window)",
				 what, line, nx->name);
			return -1;
		}
		if (r == e) {
			snprintf(err, errlen, "%s:%d: %s: no reason (NAME  REASON)",
				 what, line, nx->name);
			return -1;
		}
		for (size_t i = 0; i + 1 < t->nexc; i++)
			if (!strcmp(t->exc[i].name, nx->name)) {
				snprintf(err, errlen, "%s:%d: %s listed again (line %d)",
					 what, line, nx->name, t->exc[i].line);
				return -1;
			}
	}
	return 0;
oom:
	snprintf(err, errlen, "%s: out of memory", what);
	return -1;
}

int cp_paths_load_exceptions(struct cp_paths *t, const char *path,
			     char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;
	char buf[4096];
	size_t got;
	FILE *m;
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	m = open_memstream(&text, &len);
	if (!m) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		if (fwrite(buf, 1, got, m) != got)
			break;
	rc = ferror(f);
	fclose(f);
	if (fclose(m) || rc) {
		snprintf(err, errlen, "%s: read error", path);
		free(text);
		return -1;
	}
	rc = cp_paths_parse_exceptions(t, text, path, err, errlen);
	free(text);
	return rc;
}

static int row_cmp(const void *a, const void *b)
{
	const struct cp_path_row *x = a, *y = b;

	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	return strcmp(x->name, y->name);
}

int cp_paths_verdict(struct cp_paths *t)
{
	int fails = (int)t->nproblems;

	qsort(t->rows, t->nrows, sizeof(*t->rows), row_cmp);
	for (size_t i = 0; i < t->nrows; i++) {
		struct cp_path_row *r = &t->rows[i];
		struct cp_path_exc *x = NULL;

		for (size_t k = 0; k < t->nexc; k++)
			if (!strcmp(t->exc[k].name, r->name))
				x = &t->exc[k];
		if (x) {
			x->used = true;
			r->reason = x->reason;
		}
		if (r->total > 0)
			r->verdict = x ? CP_PATH_STALE : CP_PATH_OK;
		else
			r->verdict = x ? CP_PATH_EXCEPTED : CP_PATH_ZERO;
		if (r->verdict == CP_PATH_STALE || r->verdict == CP_PATH_ZERO)
			fails++;
	}
	for (size_t k = 0; k < t->nexc; k++)
		if (!t->exc[k].used)
			fails++;
	t->failures = fails;
	return fails;
}

int cp_paths_print(const struct cp_paths *t, FILE *f)
{
	size_t w = 4;
	int nzero = 0, nstale = 0, nexc = 0;

	for (size_t i = 0; i < t->nrows; i++)
		if (strlen(t->rows[i].name) > w)
			w = strlen(t->rows[i].name);
	fprintf(f, "# clusterproc paths: hits during the jobs of %zu run%s (%zu with counters), summed per node number\n",
		t->nruns, t->nruns == 1 ? "" : "s", t->nruns_stats);
	fprintf(f, "# exceptions: %s\n", t->exc_file ? t->exc_file : "none");
	fprintf(f, "%-*s  %-7s", (int)w, "path", "kind");
	for (int n = 1; n <= t->max_node; n++) {
		char h[16];

		snprintf(h, sizeof(h), "node%d", n);
		fprintf(f, " %8s", h);
	}
	fprintf(f, " %8s  %s\n", "total", "verdict");
	for (size_t i = 0; i < t->nrows; i++) {
		const struct cp_path_row *r = &t->rows[i];

		fprintf(f, "%-*s  %-7s", (int)w, r->name, cp_kind_names[r->kind]);
		for (int n = 1; n <= t->max_node; n++)
			fprintf(f, " %8lld", r->hits[n]);
		fprintf(f, " %8lld  ", r->total);
		switch (r->verdict) {
		case CP_PATH_OK:
			fprintf(f, "ok\n");
			break;
		case CP_PATH_EXCEPTED:
			nexc++;
			fprintf(f, "excepted: %s\n", r->reason);
			break;
		case CP_PATH_ZERO:
			nzero++;
			fprintf(f, "FAIL: no hits and no exception\n");
			break;
		case CP_PATH_STALE:
			nstale++;
			fprintf(f, "FAIL: hit, but listed as an exception (stale: remove it)\n");
			break;
		}
	}
	for (size_t k = 0; k < t->nexc; k++)
		if (!t->exc[k].used)
			fprintf(f, "FAIL: %s:%d: exception for %s, a path no run has\n",
				t->exc_file, t->exc[k].line, t->exc[k].name);
	for (size_t i = 0; i < t->nproblems; i++)
		fprintf(f, "FAIL: %s\n", t->problems[i]);
	fprintf(f, "%zu paths: %zu hit, %d excepted, %d with no hits, %d stale exceptions; %zu error counter problems: %s\n",
		t->nrows, t->nrows - (size_t)nexc - (size_t)nzero, nexc, nzero,
		nstale, t->nproblems, t->failures ? "FAILED" : "passed");
	return ferror(f) ? -1 : 0;
}
