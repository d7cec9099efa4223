/* junit.c: the JUnit XML model and writer (see junit.h). */
#include "junit.h"

#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s, int *fail)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*fail = 1;
	return d;
}

int cs_junit_run_init(struct cs_junit_run *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->name = strdup(name);
	return r->name ? 0 : -1;
}

struct cs_junit_suite *cs_junit_suite_add(struct cs_junit_run *r,
					  const char *name,
					  const char *hostname)
{
	struct cs_junit_suite *v, *s;
	int fail = 0;

	v = realloc(r->suites, (r->nsuites + 1) * sizeof(*v));
	if (!v)
		return NULL;
	r->suites = v;
	s = &v[r->nsuites];
	memset(s, 0, sizeof(*s));
	s->name = dup_or_null(name, &fail);
	s->hostname = dup_or_null(hostname, &fail);
	if (fail) {
		free(s->name);
		free(s->hostname);
		return NULL;
	}
	r->nsuites++;
	return s;
}

int cs_junit_case_add(struct cs_junit_suite *s, enum cs_junit_kind kind,
		      const char *classname, const char *name,
		      const char *message, const char *detail)
{
	struct cs_junit_case *v, *k;
	int fail = 0;

	v = realloc(s->cases, (s->ncases + 1) * sizeof(*v));
	if (!v)
		return -1;
	s->cases = v;
	k = &v[s->ncases];
	k->kind = kind;
	k->name = dup_or_null(name, &fail);
	k->classname = dup_or_null(classname, &fail);
	k->message = dup_or_null(message, &fail);
	k->detail = dup_or_null(detail, &fail);
	if (fail || !k->name) {
		free(k->name);
		free(k->classname);
		free(k->message);
		free(k->detail);
		return -1;
	}
	s->ncases++;
	s->failures += kind == CS_JUNIT_FAIL;
	s->errors += kind == CS_JUNIT_ERROR;
	s->skipped += kind == CS_JUNIT_SKIP;
	return 0;
}

int cs_junit_suite_out(struct cs_junit_suite *s, const char *text,
		       size_t len, size_t max)
{
	const char *from = len > max ? text + len - max : text;
	size_t n = len > max ? max : len;
	char *o = malloc(n + 1);

	if (!o)
		return -1;
	memcpy(o, from, n);
	o[n] = '\0';
	free(s->out);
	s->out = o;
	return 0;
}

void cs_junit_run_free(struct cs_junit_run *r)
{
	for (size_t i = 0; i < r->nsuites; i++) {
		struct cs_junit_suite *s = &r->suites[i];

		for (size_t k = 0; k < s->ncases; k++) {
			free(s->cases[k].name);
			free(s->cases[k].classname);
			free(s->cases[k].message);
			free(s->cases[k].detail);
		}
		free(s->cases);
		free(s->name);
		free(s->hostname);
		free(s->out);
	}
	free(r->suites);
	free(r->name);
	memset(r, 0, sizeof(*r));
}

/* Length of the valid UTF-8 sequence at p (XML 1.0 Char), 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t left)
{
	unsigned int cp;
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (left < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* overlong, surrogates, beyond U+10FFFF, U+FFFE/U+FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
	    cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

void cs_junit_escape(FILE *f, const char *s, size_t len, bool in_attr)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n = utf8_len(p + i, len - i);

		if (n == 0) {
			fputs("\xef\xbf\xbd", f);
			i++;
			continue;
		}
		if (n > 1) {
			fwrite(p + i, 1, n, f);
			i += n;
			continue;
		}
		switch (p[i]) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		/* in attributes a raw newline or tab reads as a blank */
		case '\n': fputs(in_attr ? "&#10;" : "\n", f); break;
		case '\t': fputs(in_attr ? "&#9;" : "\t", f); break;
		case '\r': fputs("&#13;", f); break;
		default:
			if (p[i] < 0x20 || p[i] == 0x7f)
				fputs("\xef\xbf\xbd", f);
			else
				fputc(p[i], f);
		}
		i++;
	}
}

static void esc(FILE *f, const char *s)
{
	cs_junit_escape(f, s, strlen(s), false);
}

static void attr(FILE *f, const char *name, const char *value)
{
	if (!value)
		return;
	fprintf(f, " %s=\"", name);
	cs_junit_escape(f, value, strlen(value), true);
	fputc('"', f);
}

static void write_case(FILE *f, const struct cs_junit_case *k)
{
	static const char *const tag[] = {
		[CS_JUNIT_FAIL] = "failure",
		[CS_JUNIT_ERROR] = "error",
		[CS_JUNIT_SKIP] = "skipped",
	};

	fputs("    <testcase", f);
	attr(f, "name", k->name);
	attr(f, "classname", k->classname);
	if (k->kind == CS_JUNIT_PASS) {
		fputs("/>\n", f);
		return;
	}
	fprintf(f, ">\n      <%s", tag[k->kind]);
	attr(f, "message", k->message);
	if (k->kind != CS_JUNIT_SKIP)
		attr(f, "type", tag[k->kind]);
	if (k->detail) {
		fputc('>', f);
		esc(f, k->detail);
		fprintf(f, "</%s>\n", tag[k->kind]);
	} else {
		fputs("/>\n", f);
	}
	fputs("    </testcase>\n", f);
}

static void write_suite(FILE *f, const struct cs_junit_suite *s, size_t id)
{
	fputs("  <testsuite", f);
	attr(f, "name", s->name);
	fprintf(f, " tests=\"%zu\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" id=\"%zu\"",
		s->ncases, s->failures, s->errors, s->skipped, id);
	attr(f, "hostname", s->hostname);
	fputs(">\n", f);
	for (size_t k = 0; k < s->ncases; k++)
		write_case(f, &s->cases[k]);
	if (s->out) {
		fputs("    <system-out>", f);
		esc(f, s->out);
		fputs("</system-out>\n", f);
	}
	fputs("  </testsuite>\n", f);
}

int cs_junit_write(FILE *f, const struct cs_junit_run *r)
{
	size_t tests = 0;
	int failures = 0, errors = 0, skipped = 0;

	for (size_t i = 0; i < r->nsuites; i++) {
		tests += r->suites[i].ncases;
		failures += r->suites[i].failures;
		errors += r->suites[i].errors;
		skipped += r->suites[i].skipped;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", f);
	attr(f, "name", r->name);
	fprintf(f, " tests=\"%zu\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\">\n",
		tests, failures, errors, skipped, r->secs);
	for (size_t i = 0; i < r->nsuites; i++)
		write_suite(f, &r->suites[i], i);
	fputs("</testsuites>\n", f);
	return ferror(f) ? -1 : 0;
}
