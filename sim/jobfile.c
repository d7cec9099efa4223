/* jobfile.c: the launcher-to-init job file (see jobfile.h). */
#include "jobfile.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_name[] = {
	[CS_JOB_ENV] = "env", [CS_JOB_RUN] = "run",
	[CS_JOB_EXEC] = "exec", [CS_JOB_SHELL] = "shell",
};

void cs_pct_encode(const char *in, char *out)
{
	static const char hex[] = "0123456789ABCDEF";

	if (!*in) {		/* the empty word is a lone '%' */
		strcpy(out, "%");
		return;
	}
	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		if (*p <= ' ' || *p >= 0x7f || *p == '%') {
			*out++ = '%';
			*out++ = hex[*p >> 4];
			*out++ = hex[*p & 15];
		} else {
			*out++ = (char)*p;
		}
	}
	*out = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int cs_pct_decode(char *s)
{
	char *o = s;

	if (strcmp(s, "%") == 0) {
		*s = '\0';
		return 0;
	}
	for (char *p = s; *p; p++) {
		if (*p != '%') {
			*o++ = *p;
			continue;
		}
		int h = hexval(p[1]), l = h < 0 ? -1 : hexval(p[2]);

		if (h < 0 || l < 0 || (h == 0 && l == 0))
			return -1;
		*o++ = (char)(h << 4 | l);
		p += 2;
	}
	*o = '\0';
	return 0;
}

int cs_job_write(FILE *f, enum cs_job_kind kind, char *const *words, int n)
{
	if (fputs(kind_name[kind], f) == EOF)
		return -1;
	for (int i = 0; i < n; i++) {
		char *enc = malloc(3 * strlen(words[i]) + 1);
		int rc;

		if (!enc)
			return -1;
		cs_pct_encode(words[i], enc);
		rc = fprintf(f, " %s", enc);
		free(enc);
		if (rc < 0)
			return -1;
	}
	return fputc('\n', f) == EOF ? -1 : 0;
}

void cs_job_free(struct cs_job *job)
{
	for (size_t i = 0; i < job->nitems; i++) {
		for (int w = 0; w < job->items[i].nwords; w++)
			free(job->items[i].words[w]);
		free(job->items[i].words);
	}
	free(job->items);
	job->items = NULL;
	job->nitems = 0;
}

static int parse_item(char *line, struct cs_job_item *it)
{
	char *save = NULL, *tok = strtok_r(line, " ", &save);
	int k;

	if (!tok)
		return -1;
	for (k = 0; k <= CS_JOB_SHELL; k++)
		if (strcmp(tok, kind_name[k]) == 0)
			break;
	if (k > CS_JOB_SHELL)
		return -1;
	it->kind = (enum cs_job_kind)k;
	it->words = calloc(1, sizeof(char *));
	it->nwords = 0;
	if (!it->words)
		return -1;
	while ((tok = strtok_r(NULL, " ", &save))) {
		char **nw = realloc(it->words, (it->nwords + 2) * sizeof(char *));

		if (!nw)
			return -1;
		it->words = nw;
		nw[it->nwords] = strdup(tok);
		if (!nw[it->nwords] || cs_pct_decode(nw[it->nwords])) {
			it->nwords++;
			nw[it->nwords] = NULL;
			return -1;
		}
		nw[++it->nwords] = NULL;
	}
	switch (it->kind) {
	case CS_JOB_ENV:
		return it->nwords == 1 && strchr(it->words[0], '=') ? 0 : -1;
	case CS_JOB_RUN:
		return it->nwords >= 2 ? 0 : -1;
	case CS_JOB_EXEC:
		return it->nwords >= 1 ? 0 : -1;
	case CS_JOB_SHELL:
		return it->nwords == 0 ? 0 : -1;
	}
	return -1;
}

int cs_job_parse(const char *text, struct cs_job *job, char *err,
		 size_t errlen)
{
	const char *p = text;
	int line = 0;

	job->nitems = 0;
	job->items = NULL;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char *l = strndup(p, len);
		struct cs_job_item *ni;
		int rc;

		line++;
		p += len + (eol ? 1 : 0);
		if (!l)
			goto oom;
		if (!len) {
			free(l);
			continue;
		}
		ni = realloc(job->items, (job->nitems + 1) * sizeof(*ni));
		if (!ni) {
			free(l);
			goto oom;
		}
		job->items = ni;
		memset(&ni[job->nitems], 0, sizeof(*ni));
		rc = parse_item(l, &ni[job->nitems]);
		job->nitems++;
		free(l);
		if (rc) {
			snprintf(err, errlen, "job line %d malformed", line);
			cs_job_free(job);
			return -1;
		}
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	cs_job_free(job);
	return -1;
}
