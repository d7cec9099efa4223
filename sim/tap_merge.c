/* tap_merge.c: TAP parsing and the merged summary. */
#include "tap_merge.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

static bool has_directive(const char *line, size_t len, const char *d)
{
	const char *hash = memchr(line, '#', len);
	size_t dl = strlen(d);

	if (!hash)
		return false;
	hash++;
	while (*hash == ' ')
		hash++;
	return (size_t)(line + len - hash) >= dl && strncasecmp(hash, d, dl) == 0;
}

void cs_tap_parse(const char *text, struct cs_tap *t)
{
	const char *p = text;

	memset(t, 0, sizeof(*t));
	t->planned = -1;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len >= 3 && strncmp(p, "1..", 3) == 0) {
			t->planned = atoi(p + 3);
		} else if (len >= 6 && strncmp(p, "not ok", 6) == 0 &&
			   (len == 6 || p[6] == ' ')) {
			if (has_directive(p, len, "TODO"))
				t->passed++;
			else
				t->failed++;
		} else if (len >= 2 && strncmp(p, "ok", 2) == 0 &&
			   (len == 2 || p[2] == ' ')) {
			t->passed++;
		} else if (len >= 9 && strncmp(p, "Bail out!", 9) == 0) {
			t->bailed = true;
		}
		p += len + (eol ? 1 : 0);
	}
}

int cs_tap_parse_file(const char *path, struct cs_tap *t)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;
	int rc = 0;

	if (!f)
		return -1;
	{
		FILE *m = open_memstream(&text, &len);
		char buf[4096];
		size_t n;

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
	}
	fclose(f);
	if (!rc)
		cs_tap_parse(text, t);
	free(text);
	return rc;
}

bool cs_tap_complete(const struct cs_tap *t)
{
	return !t->bailed && t->planned >= 0 &&
	       t->planned == t->passed + t->failed;
}

/*
 * Echo a file's failed test lines (at most CS_TAP_SHOWN, each cut to 300
 * bytes) under its summary line: a CI log that keeps only the summary
 * still says what failed.
 */
static void print_failures(const char *path, FILE *out)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int shown = 0, more = 0;

	if (!f)
		return;
	while ((len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (strncmp(line, "not ok", 6) ||
		    (len > 6 && line[6] != ' ') ||
		    has_directive(line, (size_t)len, "TODO"))
			continue;
		if (shown++ < CS_TAP_SHOWN)
			fprintf(out, "    %.300s%s\n", line,
				len > 300 ? "..." : "");
		else
			more++;
	}
	if (more)
		fprintf(out, "    (%d more in %s)\n", more, path);
	free(line);
	fclose(f);
}

int cs_tap_add_file(struct cs_tap_total *tot, const char *path,
		    const char *label, FILE *out)
{
	struct cs_tap t;

	tot->files++;
	if (cs_tap_parse_file(path, &t)) {
		tot->bad_files++;
		tot->failed++;
		fprintf(out, "  %s: no TAP output (%s)\n", label,
			errno == ENOENT ? "missing" : strerror(errno));
		return -1;
	}
	tot->passed += t.passed;
	tot->failed += t.failed;
	if (!cs_tap_complete(&t)) {
		tot->bad_files++;
		tot->failed++;
		fprintf(out, "  %s: %d passed, %d failed (incomplete: %s)\n",
			label, t.passed, t.failed,
			t.bailed ? "bailed out" :
			t.planned < 0 ? "no plan" : "plan does not match");
		return -1;
	}
	fprintf(out, "  %s: %d passed, %d failed\n", label, t.passed, t.failed);
	if (t.failed)
		print_failures(path, out);
	return t.failed ? -1 : 0;
}

void cs_tap_print_total(const struct cs_tap_total *tot, FILE *out)
{
	fprintf(out, "%d passed, %d failed\n", tot->passed, tot->failed);
}
