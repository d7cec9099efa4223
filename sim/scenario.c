/* scenario.c: parse the line-based scenario format. */
#include "scenario.h"
#include "cli.h"
#include "counters.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errlen, const char *name, int line,
		const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, errlen, "%s:%d: ", name, line);
	if (n < 0 || (size_t)n >= errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

void cs_free_words(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static int push_word(char ***v, int *n, const char *buf, size_t len)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(**v));

	if (!nv)
		return -1;
	*v = nv;
	nv[*n] = strndup(buf, len);
	if (!nv[*n])
		return -1;
	nv[++*n] = NULL;
	return 0;
}

int cs_split_words(const char *line, char ***out, const char **why)
{
	size_t len = strlen(line);
	char *buf = malloc(len + 1);
	char **v = calloc(1, sizeof(*v));
	int n = 0;
	const char *p = line;

	*why = "out of memory";
	if (!buf || !v)
		goto err;
	for (;;) {
		size_t b = 0;
		bool word = false;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '\n' || *p == '#')
			break;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			char q = *p;

			word = true;
			if (q == '\'' || q == '"') {
				p++;
				while (*p && *p != q) {
					if (q == '"' && *p == '\\' && p[1])
						p++;
					buf[b++] = *p++;
				}
				if (*p != q) {
					*why = "unterminated quote";
					goto err;
				}
				p++;
			} else if (q == '\\') {
				if (!p[1] || p[1] == '\n') {
					*why = "backslash at end of line";
					goto err;
				}
				buf[b++] = p[1];
				p += 2;
			} else {
				buf[b++] = *p++;
			}
		}
		if (word && push_word(&v, &n, buf, b))
			goto err;
	}
	free(buf);
	*out = v;
	return n;
err:
	free(buf);
	cs_free_words(v);
	return -1;
}

void cs_scenario_free(struct cs_scenario *sc)
{
	for (size_t i = 0; i < sc->ncmds; i++)
		cs_free_words(sc->cmds[i].argv);
	free(sc->cmds);
	for (size_t i = 0; i < sc->nenv; i++)
		free(sc->env[i]);
	free(sc->env);
	for (size_t i = 0; i < sc->nexpect_zero; i++)
		free(sc->expect_zero[i]);
	free(sc->expect_zero);
	memset(sc, 0, sizeof(*sc));
}


static int add_env(struct cs_scenario *sc, const char *kv)
{
	char **ne = realloc(sc->env, (sc->nenv + 1) * sizeof(*ne));

	if (!ne)
		return -1;
	sc->env = ne;
	ne[sc->nenv] = strdup(kv);
	if (!ne[sc->nenv])
		return -1;
	sc->nenv++;
	return 0;
}

static int add_cmd(struct cs_scenario *sc, int node, int line, char **words,
		   int nwords)
{
	struct cs_run_cmd *nc = realloc(sc->cmds, (sc->ncmds + 1) * sizeof(*nc));
	char **argv;

	if (!nc)
		return -1;
	sc->cmds = nc;
	argv = calloc(nwords - 1, sizeof(*argv));
	if (!argv)
		return -1;
	/* words[0] = "run", words[1] = node spec, words[2..] = argv */
	for (int i = 2; i < nwords; i++) {
		argv[i - 2] = words[i];
		words[i] = NULL;
	}
	nc[sc->ncmds].node = node;
	nc[sc->ncmds].line = line;
	nc[sc->ncmds].argc = nwords - 2;
	nc[sc->ncmds].argv = argv;
	sc->ncmds++;
	return 0;
}

static int parse_line(struct cs_scenario *sc, char **w, int n, int line,
		      const char *name, int *nodes_line, char *err,
		      size_t errlen)
{
	if (strcmp(w[0], "nodes") == 0) {
		if (n != 2)
			return fail(err, errlen, name, line,
				    "'nodes' takes exactly one number");
		if (sc->nodes)
			return fail(err, errlen, name, line,
				    "'nodes' given twice (first on line %d)",
				    *nodes_line);
		if (cs_parse_int(w[1], 1, CS_MAX_NODES, &sc->nodes))
			return fail(err, errlen, name, line,
				    "'%s' is not a node count in 1..%d", w[1],
				    CS_MAX_NODES);
		*nodes_line = line;
		return 0;
	}
	if (strcmp(w[0], "timeout") == 0) {
		if (n != 2)
			return fail(err, errlen, name, line,
				    "'timeout' takes exactly one number");
		if (sc->timeout)
			return fail(err, errlen, name, line, "'timeout' given twice");
		if (cs_parse_int(w[1], 1, 86400, &sc->timeout))
			return fail(err, errlen, name, line,
				    "'%s' is not a timeout in 1..86400 seconds",
				    w[1]);
		return 0;
	}
	if (strcmp(w[0], "allow") == 0) {
		if (n != 2 || strcmp(w[1], "module") != 0)
			return fail(err, errlen, name, line,
				    "'allow' takes 'module'");
		if (sc->allow_module)
			return fail(err, errlen, name, line,
				    "'allow module' given twice");
		sc->allow_module = 1;
		return 0;
	}
	if (strcmp(w[0], "backend") == 0) {
		if (n < 2 || strcmp(w[1], "qemu") != 0)
			return fail(err, errlen, name, line,
				    "'backend' takes 'qemu' and optional node lists");
		if (sc->qemu_all || sc->qemu_nodes)
			return fail(err, errlen, name, line,
				    "'backend' given twice");
		sc->qemu_all = n == 2;
		for (int i = 2; i < n; i++) {
			unsigned long long m;

			if (cs_parse_node_list(w[i], &m))
				return fail(err, errlen, name, line,
					    "'%s' is not a node list like 3 or 2,3",
					    w[i]);
			sc->qemu_nodes |= m;
		}
		return 0;
	}
	if (strcmp(w[0], "expect") == 0) {
		if (n == 2 && strcmp(w[1], "idle") == 0) {
			if (sc->expect_idle)
				return fail(err, errlen, name, line,
					    "'expect idle' given twice");
			sc->expect_idle = 1;
			return 0;
		}
		if (n < 3 || strcmp(w[1], "zero") != 0)
			return fail(err, errlen, name, line,
				    "'expect' takes 'zero' and counter names, or 'idle'");
		for (int i = 2; i < n; i++) {
			char **nv;

			if (!cs_counter_pattern_ok(w[i]))
				return fail(err, errlen, name, line,
					    "'%s' is not a counter name or pattern ([a-z0-9_.*])",
					    w[i]);
			nv = realloc(sc->expect_zero,
				     (sc->nexpect_zero + 1) * sizeof(*nv));
			if (!nv)
				return fail(err, errlen, name, line,
					    "out of memory");
			sc->expect_zero = nv;
			nv[sc->nexpect_zero] = strdup(w[i]);
			if (!nv[sc->nexpect_zero])
				return fail(err, errlen, name, line,
					    "out of memory");
			sc->nexpect_zero++;
		}
		return 0;
	}
	if (strcmp(w[0], "env") == 0) {
		if (n != 2 || !cs_env_key_ok(w[1]))
			return fail(err, errlen, name, line,
				    "'env' takes one KEY=VALUE");
		if (add_env(sc, w[1]))
			return fail(err, errlen, name, line, "out of memory");
		return 0;
	}
	if (strcmp(w[0], "wire") == 0) {
		if (n < 3 || n % 2 == 0)
			return fail(err, errlen, name, line,
				    "'wire' takes pairs: delay MS, loss PCT, dup PCT");
		for (int i = 1; i + 1 < n; i += 2) {
			char *dst;
			double hi = 100;

			if (strcmp(w[i], "delay") == 0) {
				dst = sc->wire_delay;
				hi = 10000;
			} else if (strcmp(w[i], "loss") == 0) {
				dst = sc->wire_loss;
			} else if (strcmp(w[i], "dup") == 0) {
				dst = sc->wire_dup;
			} else {
				return fail(err, errlen, name, line,
					    "'wire %s': not delay, loss or dup",
					    w[i]);
			}
			if (!cs_is_number_in(w[i + 1], 0, hi) ||
			    strlen(w[i + 1]) >= sizeof(sc->wire_delay))
				return fail(err, errlen, name, line,
					    "'wire %s %s': not a number in 0..%g",
					    w[i], w[i + 1], hi);
			snprintf(dst, sizeof(sc->wire_delay), "%s", w[i + 1]);
		}
		return 0;
	}
	if (strcmp(w[0], "run") == 0) {
		int node = 0;

		if (n < 3)
			return fail(err, errlen, name, line,
				    "'run' needs a node ('all' or a number) and a program");
		if (strcmp(w[1], "all") != 0 &&
		    cs_parse_int(w[1], 1, CS_MAX_NODES, &node))
			return fail(err, errlen, name, line,
				    "'%s' is not 'all' or a node number in 1..%d",
				    w[1], CS_MAX_NODES);
		if (add_cmd(sc, node, line, w, n))
			return fail(err, errlen, name, line, "out of memory");
		return 0;
	}
	return fail(err, errlen, name, line,
		    "unknown directive '%s' (nodes, timeout, env, wire, allow, backend, expect, run)", w[0]);
}

int cs_scenario_parse(const char *text, const char *name,
		      struct cs_scenario *sc, char *err, size_t errlen)
{
	const char *p = text;
	int line = 0, nodes_line = 0;

	memset(sc, 0, sizeof(*sc));
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char *l = strndup(p, len);
		char **w;
		const char *why;
		int n, rc;

		line++;
		p += len + (eol ? 1 : 0);
		if (!l) {
			fail(err, errlen, name, line, "out of memory");
			goto err;
		}
		n = cs_split_words(l, &w, &why);
		free(l);
		if (n < 0) {
			fail(err, errlen, name, line, "%s", why);
			goto err;
		}
		rc = n ? parse_line(sc, w, n, line, name, &nodes_line, err,
				    errlen) : 0;
		cs_free_words(w);
		if (rc)
			goto err;
	}
	if (!sc->nodes) {
		fail(err, errlen, name, line ? line : 1,
		     "no 'nodes N' line (required)");
		goto err;
	}
	if (!sc->ncmds) {
		fail(err, errlen, name, line ? line : 1, "no 'run' line");
		goto err;
	}
	for (size_t i = 0; i < sc->ncmds; i++)
		if (sc->cmds[i].node > sc->nodes) {
			fail(err, errlen, name, sc->cmds[i].line,
			     "node %d out of range: 'nodes %d' (line %d)",
			     sc->cmds[i].node, sc->nodes, nodes_line);
			goto err;
		}
	return 0;
err:
	cs_scenario_free(sc);
	return -1;
}

int cs_scenario_load(const char *path, struct cs_scenario *sc,
		     char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t cap = 0, len = 0;
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got;

		if (cap - len < 4096) {
			char *nt = realloc(text, cap + 65536);

			if (!nt) {
				fclose(f);
				free(text);
				snprintf(err, errlen, "%s: out of memory", path);
				return -1;
			}
			text = nt;
			cap += 65536;
		}
		got = fread(text + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		fclose(f);
		free(text);
		return -1;
	}
	fclose(f);
	text[len] = '\0';
	if (strlen(text) != len) {
		snprintf(err, errlen, "%s: contains a NUL byte (not a text file)",
			 path);
		free(text);
		return -1;
	}
	rc = cs_scenario_parse(text, path, sc, err, errlen);
	free(text);
	return rc;
}
