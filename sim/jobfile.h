/*
 * jobfile.h: what the launcher tells one node's init to do.
 *
 * One line per item, words separated by one space, every word
 * percent-encoded (%XX for '%', blanks, controls and non-ASCII; a lone
 * '%' is the empty word):
 *   env KEY=VALUE        environment for every command
 *   run NAME ARG0 ...    run a command, results in /results/NAME.{tap,log}
 *   exec ARG0 ...        run one command, /results/exec.{out,err,status}
 *   shell                an interactive shell on the console
 * The file lives outside the node's results dir, so the guest reads it
 * through the read-only host root.
 */
#ifndef CS_JOBFILE_H
#define CS_JOBFILE_H

#include <stddef.h>
#include <stdio.h>

enum cs_job_kind { CS_JOB_ENV, CS_JOB_RUN, CS_JOB_EXEC, CS_JOB_SHELL };

struct cs_job_item {
	enum cs_job_kind kind;
	char **words;		/* NULL-terminated; env: {KV}; run: {NAME, ARGV...} */
	int nwords;
};

struct cs_job {
	size_t nitems;
	struct cs_job_item *items;
};

/* Write one item; returns 0 or -1 (stdio error). */
int cs_job_write(FILE *f, enum cs_job_kind kind, char *const *words, int n);

/* Parse a job file's text. Returns 0, or -1 with a reason in err. */
int cs_job_parse(const char *text, struct cs_job *job, char *err,
		 size_t errlen);

void cs_job_free(struct cs_job *job);

/* Percent-encoding of one word into out (size >= 3 * strlen + 1). */
void cs_pct_encode(const char *in, char *out);

/* Decode in place; -1 if malformed. */
int cs_pct_decode(char *s);

#endif
