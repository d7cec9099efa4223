/* counters.c: clusterproc's saved counters (see counters.h). */
#include "counters.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static bool name_ok(const char *s, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '.'))
			return false;
	return true;
}

static int add(struct cs_counters *c, const char *name, size_t len,
	       long long value)
{
	struct cs_counter *nv;

	if (c->n % 64 == 0) {
		nv = realloc(c->v, (c->n + 64) * sizeof(*nv));
		if (!nv)
			return -1;
		c->v = nv;
	}
	c->v[c->n].name = strndup(name, len);
	if (!c->v[c->n].name)
		return -1;
	c->v[c->n].value = value;
	c->n++;
	return 0;
}

int cs_counters_parse(const char *text, const char *what,
		      struct cs_counters *c, char *err, size_t errlen)
{
	const char *p = text;
	int line = 0;

	memset(c, 0, sizeof(*c));
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *sp = memchr(p, ' ', len);
		char num[32], *end;
		size_t nlen, vlen;
		long long v;

		line++;
		if (!len) {
			p += 1;
			continue;
		}
		if (!sp) {
			fail(err, errlen, "%s:%d: not 'name value'", what, line);
			goto bad;
		}
		nlen = (size_t)(sp - p);
		vlen = len - nlen - 1;
		if (!name_ok(p, nlen)) {
			fail(err, errlen, "%s:%d: bad counter name", what, line);
			goto bad;
		}
		if (!vlen || vlen >= sizeof(num) || sp[1] < '0' || sp[1] > '9') {
			fail(err, errlen, "%s:%d: not a count >= 0", what, line);
			goto bad;
		}
		memcpy(num, sp + 1, vlen);
		num[vlen] = '\0';
		errno = 0;
		v = strtoll(num, &end, 10);
		if (errno || *end || v < 0) {
			fail(err, errlen, "%s:%d: '%s' is not a count >= 0",
			     what, line, num);
			goto bad;
		}
		for (size_t i = 0; i < c->n; i++)
			if (strlen(c->v[i].name) == nlen &&
			    !memcmp(c->v[i].name, p, nlen)) {
				fail(err, errlen, "%s:%d: counter %s given twice",
				     what, line, c->v[i].name);
				goto bad;
			}
		if (add(c, p, nlen, v)) {
			fail(err, errlen, "%s: out of memory", what);
			goto bad;
		}
		p += len + (eol ? 1 : 0);
	}
	return 0;
bad:
	cs_counters_free(c);
	return -1;
}

int cs_counters_load(const char *path, struct cs_counters *c, char *err,
		     size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;
	FILE *m;
	char buf[4096];
	size_t got;
	int rc;

	memset(c, 0, sizeof(*c));
	if (!f) {
		if (errno == ENOENT)
			return 1;
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	}
	m = open_memstream(&text, &len);
	if (!m) {
		fclose(f);
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	}
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		if (fwrite(buf, 1, got, m) != got)
			break;
	rc = ferror(f) ? -1 : 0;
	fclose(f);
	if (fclose(m) || rc) {
		free(text);
		return fail(err, errlen, "%s: read error", path);
	}
	if (strlen(text) != len) {
		free(text);
		return fail(err, errlen, "%s: contains a NUL byte", path);
	}
	rc = cs_counters_parse(text, path, c, err, errlen);
	free(text);
	return rc;
}

void cs_counters_free(struct cs_counters *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].name);
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

const struct cs_counter *cs_counters_find(const struct cs_counters *c,
					  const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].name, name))
			return &c->v[i];
	return NULL;
}

long long cs_counters_delta(const struct cs_counters *start,
			    const struct cs_counters *end, const char *name)
{
	const struct cs_counter *s = cs_counters_find(start, name);
	const struct cs_counter *e = cs_counters_find(end, name);

	if (!e)
		return 0;
	if (!s || e->value < s->value)
		return e->value;
	return e->value - s->value;
}

int cs_counters_check_idle(const struct cs_counters *c,
			   void (*busy)(void *arg, const char *name,
					long long value),
			   void *arg)
{
	int n = 0;

	for (size_t i = 0; i < c->n; i++) {
		if (strncmp(c->v[i].name, CS_LIVE_PREFIX,
			    strlen(CS_LIVE_PREFIX)) || !c->v[i].value)
			continue;
		if (busy)
			busy(arg, c->v[i].name, c->v[i].value);
		n++;
	}
	return n;
}

bool cs_counter_pattern_ok(const char *pat)
{
	if (!*pat)
		return false;
	for (; *pat; pat++)
		if (!((*pat >= 'a' && *pat <= 'z') ||
		      (*pat >= '0' && *pat <= '9') || strchr("_.*", *pat)))
			return false;
	return true;
}

bool cs_counter_match(const char *pat, const char *name)
{
	return fnmatch(pat, name, 0) == 0;
}

int cs_counters_check_zero(const struct cs_counters *start,
			   const struct cs_counters *end,
			   char *const *pats, size_t npat,
			   void (*rose)(void *arg, const char *name,
					long long from, long long to,
					long long delta),
			   void *arg, const char **unmatched)
{
	int nrose = 0;

	if (unmatched)
		*unmatched = NULL;
	for (size_t k = 0; k < npat; k++) {
		bool any = false;

		for (size_t i = 0; i < end->n; i++)
			if (cs_counter_match(pats[k], end->v[i].name))
				any = true;
		if (!any && unmatched && !*unmatched)
			*unmatched = pats[k];
	}
	for (size_t i = 0; i < end->n; i++) {
		const char *name = end->v[i].name;
		const struct cs_counter *s;
		long long d;
		bool want = false;

		for (size_t k = 0; k < npat && !want; k++)
			want = cs_counter_match(pats[k], name);
		if (!want)
			continue;
		d = cs_counters_delta(start, end, name);
		if (d <= 0)
			continue;
		s = cs_counters_find(start, name);
		nrose++;
		if (rose)
			rose(arg, name, s && s->value <= end->v[i].value ?
			     s->value : 0, end->v[i].value, d);
	}
	return nrose;
}

int cs_expect_zero_load(const char *run_dir, char ***out, char *err,
			size_t errlen)
{
	char path[4096], *line = NULL;
	size_t cap = 0, n = 0;
	char **v = NULL;
	ssize_t len;
	FILE *f;

	*out = NULL;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", run_dir,
			     CS_EXPECT_ZERO_FILE) >= sizeof(path))
		return fail(err, errlen, "%s: path too long", run_dir);
	f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		char **nv;

		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (!len)
			continue;
		if (!cs_counter_pattern_ok(line)) {
			fail(err, errlen, "%s: '%s' is not a counter pattern",
			     path, line);
			goto bad;
		}
		nv = realloc(v, (n + 2) * sizeof(*v));
		if (!nv || !(nv[n] = strdup(line))) {
			if (nv)
				v = nv;
			fail(err, errlen, "%s: out of memory", path);
			goto bad;
		}
		v = nv;
		v[++n] = NULL;
	}
	if (ferror(f)) {
		fail(err, errlen, "%s: read error", path);
		goto bad;
	}
	free(line);
	fclose(f);
	*out = v;
	return (int)n;
bad:
	free(line);
	fclose(f);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return -1;
}
