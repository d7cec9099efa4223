/* demo_match.c: a step's output against its expectations (demo_match.h). */
#include "demo_match.h"

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *lookup(const struct demo_vars *v, const char *name,
			  size_t len)
{
	for (int i = 0; i < v->n; i++)
		if (strlen(v->name[i]) == len && !strncmp(v->name[i], name, len))
			return v->value[i];
	return NULL;
}

static int set(struct demo_vars *v, const char *name, const char *value,
	       size_t vlen)
{
	int i;

	for (i = 0; i < v->n && strcmp(v->name[i], name); i++)
		;
	if (i == DEMO_MAX_VARS || strlen(name) >= sizeof(v->name[0]) ||
	    vlen >= sizeof(v->value[0]))
		return -1;
	if (i == v->n)
		v->n++;
	snprintf(v->name[i], sizeof(v->name[i]), "%s", name);
	memcpy(v->value[i], value, vlen);
	v->value[i][vlen] = '\0';
	return 0;
}

char *demo_subst(const struct demo_vars *v, const char *in, char *why,
		 size_t whylen)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);

	if (!m) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	for (const char *p = in; *p; p++) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		const char *val;

		/* ${X} is the shell's */
		if (!close || close == p + 1 || !isupper((unsigned char)p[1]) ||
		    (p > in && p[-1] == '$')) {
			fputc(*p, m);
			continue;
		}
		val = lookup(v, p + 1, (size_t)(close - p - 1));
		if (!val) {
			snprintf(why, whylen, "{%.*s} is not set (no earlier step captured it)",
				 (int)(close - p - 1), p + 1);
			fclose(m);
			free(out);
			return NULL;
		}
		fputs(val, m);
		p = close;
	}
	if (fclose(m)) {
		snprintf(why, whylen, "out of memory");
		free(out);
		return NULL;
	}
	return out;
}

/* One line against one expectation; captures into v. */
static int match_line(const struct demo_expect *e, struct demo_vars *v,
		      const char *line, char *why, size_t whylen)
{
	char *re = demo_subst(v, e->regex, why, whylen), *anchored;
	regmatch_t all[3];
	size_t cap;
	regex_t r;
	int rc;

	if (!re)
		return -1;
	if (asprintf(&anchored, "^(%s)$", re) < 0) {
		free(re);
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	rc = regcomp(&r, anchored, REG_EXTENDED);
	free(anchored);
	if (rc) {
		snprintf(why, whylen, "bad regular expression %s", re);
		free(re);
		return -1;
	}
	/* group 1 is the whole line (the anchoring group), 2 the first of
	 * the script's: the value captured, else the whole line */
	rc = regexec(&r, line, 3, all, 0);
	cap = r.re_nsub >= 2 ? 2 : 1;
	regfree(&r);
	if (rc) {
		snprintf(why, whylen, "expected a line matching /%s/, got: %s",
			 re, line);
		free(re);
		return -1;
	}
	free(re);
	if (e->var && set(v, e->var, line + all[cap].rm_so,
			  (size_t)(all[cap].rm_eo - all[cap].rm_so))) {
		snprintf(why, whylen, "cannot keep {%s}", e->var);
		return -1;
	}
	return 0;
}

int demo_check(const struct demo_step *st, struct demo_vars *v,
	       const char *output, int status, char *why, size_t whylen)
{
	const char *p = output;
	size_t nlines = 0;

	for (const char *q = output; *q; q++)
		nlines += *q == '\n' || !q[1];
	if (nlines != st->nexp) {
		snprintf(why, whylen, "expected %zu line%s of output, got %zu",
			 st->nexp, st->nexp == 1 ? "" : "s", nlines);
		return -1;
	}
	for (size_t k = 0; k < st->nexp; k++) {
		size_t len = strcspn(p, "\n");
		char *line = strndup(p, len);
		int rc;

		if (!line) {
			snprintf(why, whylen, "out of memory");
			return -1;
		}
		rc = match_line(&st->exp[k], v, line, why, whylen);
		free(line);
		if (rc)
			return -1;
		p += len + (p[len] == '\n');
	}
	if (status != st->status) {
		snprintf(why, whylen, "expected $? = %d, got %d", st->status,
			 status);
		return -1;
	}
	return 0;
}
