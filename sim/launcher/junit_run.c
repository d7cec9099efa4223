/*
 * junit_run.c: runs/<id>/junit.xml for a finished run: per node and
 * command a suite of the command's TAP tests (its log as system-out), per
 * node a suite for the node itself (finished its part; no kernel splat,
 * the console around the first one as the failure's text).
 */
#include "cluster.h"
#include "junit.h"
#include "junit_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOG_MAX		(16 * 1024)	/* tail of a command's log kept */
#define SPLAT_BEFORE	5		/* console lines before the splat */
#define SPLAT_LINES	60		/* ... and from it on */
#define SPLAT_MAX	(12 * 1024)

/* Whole file, NUL-terminated, in *out (*len bytes); -1 with errno. */
static int slurp(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "r"), *m;
	char buf[8192];
	size_t n;
	int rc = 0;

	*out = NULL;
	*len = 0;
	if (!f)
		return -1;
	m = open_memstream(out, len);
	if (!m) {
		fclose(f);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (fwrite(buf, 1, n, m) != n)
			rc = -1;
	if (ferror(f))
		rc = -1;
	if (fclose(m))
		rc = -1;
	fclose(f);
	if (rc) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

static int add_command(struct cs_junit_run *r, const struct cs_node *nd,
		       const char *name)
{
	char suite[160], host[32], path[PATH_MAX + 200], why[128];
	struct cs_junit_suite *s;
	char *text;
	size_t len;
	int rc;

	snprintf(host, sizeof(host), "node%d", nd->num);
	snprintf(suite, sizeof(suite), "%s.%s", host, name);
	s = cs_junit_suite_add(r, suite, host);
	if (!s)
		return -1;
	snprintf(path, sizeof(path), "%s/%s.log", nd->results, name);
	if (slurp(path, &text, &len) == 0) {
		rc = cs_junit_suite_out(s, text, len, LOG_MAX);
		free(text);
		if (rc)
			return -1;
	}
	snprintf(path, sizeof(path), "%s/%s.tap", nd->results, name);
	if (slurp(path, &text, &len)) {
		snprintf(why, sizeof(why), "no TAP output (%s)",
			 errno == ENOENT ? "missing" : strerror(errno));
		return cs_junit_case_add(s, CS_JUNIT_ERROR, suite, "TAP stream",
					 why, NULL);
	}
	rc = cs_junit_add_tap(s, suite, text);
	free(text);
	return rc;
}

struct splat_find {
	int lineno;		/* current line, 0-based */
	int first;		/* first splat line, -1 */
	char msg[200];
};

static void find_splat(const char *line, void *arg)
{
	struct splat_find *sf = arg;
	const char *m = cs_splat_match(line);

	if (m && sf->first < 0) {
		sf->first = sf->lineno;
		snprintf(sf->msg, sizeof(sf->msg), "%s", m);
	}
	sf->lineno++;
}

/* Console lines [from, from + n) as one string; NULL on ENOMEM. */
static char *console_lines(const char *text, int from, int n)
{
	const char *p = text, *end;
	size_t len;

	for (int i = 0; i < from && *p; i++) {
		const char *eol = strchr(p, '\n');

		p = eol ? eol + 1 : p + strlen(p);
	}
	end = p;
	for (int i = 0; i < n && *end; i++) {
		const char *eol = strchr(end, '\n');

		end = eol ? eol + 1 : end + strlen(end);
	}
	len = (size_t)(end - p);
	return strndup(p, len > SPLAT_MAX ? SPLAT_MAX : len);
}

static int add_splat(struct cs_junit_suite *s, const char *cls,
		     const struct cs_node *nd)
{
	struct splat_find sf = { 0, -1, "" };
	static struct cs_linebuf lb;
	char *text = NULL, *excerpt = NULL, msg[300];
	size_t len;
	int rc, from;

	if (slurp(nd->console, &text, &len) == 0) {
		lb.len = 0;
		cs_linebuf_feed(&lb, text, len, find_splat, &sf);
		cs_linebuf_flush(&lb, find_splat, &sf);
	}
	if (sf.first >= 0) {
		from = sf.first > SPLAT_BEFORE ? sf.first - SPLAT_BEFORE : 0;
		excerpt = console_lines(text, from, SPLAT_LINES + sf.first - from);
		snprintf(msg, sizeof(msg), "kernel splat: %s", sf.msg);
	} else {
		snprintf(msg, sizeof(msg), "%d kernel splat line%s in node%d.console",
			 nd->splats, nd->splats == 1 ? "" : "s", nd->num);
	}
	rc = cs_junit_case_add(s, CS_JUNIT_FAIL, cls, "kernel log", msg,
			       excerpt);
	free(excerpt);
	free(text);
	return rc;
}

static int add_node(struct cs_junit_run *r, const struct cs_cluster *c,
		    const struct cs_scenario *sc, const struct cs_node *nd)
{
	char host[32], msg[160];
	struct cs_junit_suite *s;
	int rc;

	snprintf(host, sizeof(host), "node%d", nd->num);
	s = cs_junit_suite_add(r, host, host);
	if (!s)
		return -1;
	if (nd->done && !nd->fatal)
		rc = cs_junit_case_add(s, CS_JUNIT_PASS, host, "boot, join, run, finish",
				       NULL, NULL);
	else if (nd->crashed && !nd->fatal)
		rc = cs_junit_case_add(s, CS_JUNIT_PASS, host,
				       "boot, join, run, crashed on request",
				       NULL, NULL);
	else {
		snprintf(msg, sizeof(msg), "node%d did not finish its part (last phase: %s)%s",
			 nd->num, nd->phase, c->timed_out ? ", cluster timed out" :
			 c->interrupted ? ", run interrupted" : "");
		rc = cs_junit_case_add(s, CS_JUNIT_FAIL, host, "boot, join, run, finish",
				       msg, NULL);
	}
	if (rc)
		return -1;
	if (cs_expect_any(c, sc, nd)) {
		char *text, first[160];
		int nfail = cs_expect_zero_node(c, sc, nd, &text);

		if (nfail && text) {
			snprintf(first, sizeof(first), "%.*s",
				 (int)strcspn(text, "\n"), text);
			rc = cs_junit_case_add(s, CS_JUNIT_FAIL, host,
					       "expect zero", first, text);
		} else {
			rc = cs_junit_case_add(s, nfail ? CS_JUNIT_FAIL :
					       CS_JUNIT_PASS, host,
					       "expect zero", nfail ?
					       "expect zero failed" : NULL,
					       NULL);
		}
		free(text);
		if (rc)
			return -1;
	}
	if (nd->splats)
		return add_splat(s, host, nd);
	return cs_junit_case_add(s, CS_JUNIT_PASS, host, "kernel log", NULL,
				 NULL);
}

static int add_exec(struct cs_junit_run *r, const struct cs_cluster *c,
		    int status)
{
	const struct cs_node *nd = &c->node[c->o->node - 1];
	char host[32], suite[48], cmd[512] = "", msg[64], path[PATH_MAX + 32];
	struct cs_junit_suite *s;
	char *text = NULL;
	size_t len = 0;
	int rc;

	for (char *const *a = c->o->exec_argv; a && *a; a++)
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), "%s%s",
			 a == c->o->exec_argv ? "" : " ", *a);
	snprintf(host, sizeof(host), "node%d", nd->num);
	snprintf(suite, sizeof(suite), "%s.exec", host);
	s = cs_junit_suite_add(r, suite, host);
	if (!s)
		return -1;
	snprintf(path, sizeof(path), "%s/exec.out", nd->results);
	if (slurp(path, &text, &len) == 0) {
		rc = cs_junit_suite_out(s, text, len, LOG_MAX);
		free(text);
		if (rc)
			return -1;
	}
	if (status == 0)
		return cs_junit_case_add(s, CS_JUNIT_PASS, suite, cmd, NULL, NULL);
	if (status < 0)
		snprintf(msg, sizeof(msg), "no exit status");
	else
		snprintf(msg, sizeof(msg), "exit status %d", status);
	snprintf(path, sizeof(path), "%s/exec.err", nd->results);
	text = NULL;
	if (slurp(path, &text, &len) == 0 && len > LOG_MAX)
		memmove(text, text + len - LOG_MAX, LOG_MAX + 1);
	rc = cs_junit_case_add(s, CS_JUNIT_FAIL, suite, cmd, msg, text);
	free(text);
	return rc;
}

static int build(struct cs_junit_run *r, const struct cs_cluster *c,
		 const struct cs_scenario *sc, int exec_status)
{
	for (int i = 0; i < c->n; i++) {
		const struct cs_node *nd = &c->node[i];
		int seq = 0;

		for (size_t k = 0; sc && k < sc->ncmds; k++) {
			char name[128];

			if (sc->cmds[k].node && sc->cmds[k].node != nd->num)
				continue;
			cs_run_name(&sc->cmds[k], ++seq, name, sizeof(name));
			if (add_command(r, nd, name))
				return -1;
		}
		if (add_node(r, c, sc, nd))
			return -1;
	}
	if (c->cmd == CS_CMD_EXEC)
		return add_exec(r, c, exec_status);
	return 0;
}

int cs_junit_write_run(const struct cs_cluster *c,
		       const struct cs_scenario *sc, int exec_status)
{
	char name[96], path[PATH_MAX + 32], tmp[PATH_MAX + 32];
	struct cs_junit_run r;
	FILE *f;
	int rc;

	snprintf(name, sizeof(name), "clustersim %s", c->id);
	if (cs_junit_run_init(&r, name))
		goto oom;
	r.secs = cs_elapsed(c);
	if (build(&r, c, sc, exec_status)) {
		cs_junit_run_free(&r);
		goto oom;
	}
	snprintf(path, sizeof(path), "%s/junit.xml", c->run_dir);
	snprintf(tmp, sizeof(tmp), "%s/.junit.xml.tmp", c->run_dir);
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "clustersim: %s: %s\n", tmp, strerror(errno));
		cs_junit_run_free(&r);
		return -1;
	}
	rc = cs_junit_write(f, &r);
	if (fclose(f))
		rc = -1;
	cs_junit_run_free(&r);
	if (rc || rename(tmp, path)) {
		fprintf(stderr, "clustersim: cannot write %s: %s\n", path,
			strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
oom:
	fprintf(stderr, "clustersim: junit.xml: out of memory\n");
	return -1;
}
