/* demo_steps.c: parse the demo's script (demo_steps.h). */
#include "demo_steps.h"

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct demo_step *new_step(struct demo_script *s, int line)
{
	struct demo_step *v = realloc(s->steps, (s->n + 1) * sizeof(*v));

	if (!v)
		return NULL;
	s->steps = v;
	memset(&v[s->n], 0, sizeof(v[0]));
	v[s->n].line = line;
	return &v[s->n++];
}

/* A regex with every {VAR} taken for a number compiles: a typo shows
 * before the cluster boots. */
static int regex_ok(const char *re)
{
	char buf[1024];
	size_t o = 0;
	regex_t r;

	for (const char *p = re; *p && o + 8 < sizeof(buf); p++) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;

		if (close && close > p + 1 && isupper((unsigned char)p[1]) &&
		    (p == re || p[-1] != '$')) {
			memcpy(buf + o, "0", 1);
			o++;
			p = close;
		} else {
			buf[o++] = *p;
		}
	}
	buf[o] = '\0';
	if (regcomp(&r, buf, REG_EXTENDED))
		return -1;
	regfree(&r);
	return 0;
}

static int add_expect(struct demo_step *st, const char *var, size_t vlen,
		      const char *re)
{
	struct demo_expect *v = realloc(st->exp, (st->nexp + 1) * sizeof(*v));

	if (!v)
		return -1;
	st->exp = v;
	v[st->nexp].var = var ? strndup(var, vlen) : NULL;
	v[st->nexp].regex = strdup(re);
	if (!v[st->nexp].regex || (var && !v[st->nexp].var)) {
		free(v[st->nexp].var);
		free(v[st->nexp].regex);
		return -1;
	}
	st->nexp++;
	return 0;
}

static int parse_line(struct demo_script *s, char *l, int lineno,
		      char *err, size_t errlen)
{
	struct demo_step *last = s->n ? &s->steps[s->n - 1] : NULL;
	int node, off = 0;

	if (strncmp(l, "say", 3) == 0 && (l[3] == ' ' || !l[3])) {
		struct demo_step *st = new_step(s, lineno);

		if (!st || !(st->text = strdup(l[3] ? l + 4 : "")))
			goto oom;
		return 0;
	}
	if (sscanf(l, "node%d$ %n", &node, &off) == 1 && off > 0) {
		struct demo_step *st;

		if (node < 1 || node > 64 || !l[off]) {
			snprintf(err, errlen, "%d: node 1..64 and a command", lineno);
			return -1;
		}
		st = new_step(s, lineno);
		if (!st || !(st->text = strdup(l + off)))
			goto oom;
		st->node = node;
		if (node > s->max_node)
			s->max_node = node;
		return 0;
	}
	if (l[0] == '>' || l[0] == '=' || l[0] == '?') {
		const char *re = l + 1 + (l[1] == ' '), *var = NULL;
		size_t vlen = 0;

		if (!last || !last->node) {
			snprintf(err, errlen, "%d: '%c' without a command before it",
				 lineno, l[0]);
			return -1;
		}
		if (l[0] == '?') {
			char *end;

			last->status = (int)strtol(re, &end, 10);
			if (end == re || *end) {
				snprintf(err, errlen, "%d: '?' wants a number", lineno);
				return -1;
			}
			return 0;
		}
		if (l[0] == '=') {
			var = re;
			vlen = strcspn(var, " ");
			re = var[vlen] ? var + vlen + 1 : var + vlen;
			if (!vlen || !*re) {
				snprintf(err, errlen, "%d: '= VAR REGEX'", lineno);
				return -1;
			}
		}
		if (regex_ok(re)) {
			snprintf(err, errlen, "%d: bad regular expression: %s",
				 lineno, re);
			return -1;
		}
		if (add_expect(last, var, vlen, re))
			goto oom;
		return 0;
	}
	snprintf(err, errlen, "%d: unknown line: %s", lineno, l);
	return -1;
oom:
	snprintf(err, errlen, "%d: out of memory", lineno);
	return -1;
}

int demo_script_parse(const char *text, struct demo_script *s, char *err,
		      size_t errlen)
{
	const char *p = text;
	int lineno = 0;

	memset(s, 0, sizeof(*s));
	while (*p) {
		size_t len = strcspn(p, "\n");
		char *l = strndup(p, len);
		int rc = 0;

		lineno++;
		if (!l) {
			snprintf(err, errlen, "%d: out of memory", lineno);
			demo_script_free(s);
			return -1;
		}
		if (l[0] && l[0] != '#')
			rc = parse_line(s, l, lineno, err, errlen);
		free(l);
		if (rc) {
			demo_script_free(s);
			return -1;
		}
		p += len + (p[len] == '\n');
	}
	return 0;
}

void demo_script_free(struct demo_script *s)
{
	for (size_t i = 0; i < s->n; i++) {
		for (size_t k = 0; k < s->steps[i].nexp; k++) {
			free(s->steps[i].exp[k].var);
			free(s->steps[i].exp[k].regex);
		}
		free(s->steps[i].exp);
		free(s->steps[i].text);
	}
	free(s->steps);
	memset(s, 0, sizeof(*s));
}
