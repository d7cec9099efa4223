/* tap_merge.h: read TAP output (as written by Check) and add it up. */
#ifndef CS_TAP_MERGE_H
#define CS_TAP_MERGE_H

#include <stdbool.h>
#include <stdio.h>

struct cs_tap {
	int passed;		/* "ok" lines (SKIP counts as passed) */
	int failed;		/* "not ok" lines (TODO counts as passed) */
	int planned;		/* from "1..N", -1 if no plan */
	bool bailed;		/* "Bail out!" seen */
};

/* Parse TAP text. Never fails; unknown lines are ignored. */
void cs_tap_parse(const char *text, struct cs_tap *t);

/* Parse a file; -1 if it cannot be read. */
int cs_tap_parse_file(const char *path, struct cs_tap *t);

/* A TAP stream is complete when it has a plan that matches its tests. */
bool cs_tap_complete(const struct cs_tap *t);

/* Running totals over many TAP files. */
struct cs_tap_total {
	int passed;
	int failed;		/* failed tests + 1 per missing/incomplete file */
	int files;
	int bad_files;		/* missing, incomplete or bailed out */
};

/*
 * Add one TAP file (path may not exist) to tot, printing one line
 * "  LABEL: P passed, F failed[ (why)]" to out, then each failed test line
 * (up to CS_TAP_SHOWN of them, indented). Returns 0 if the file exists,
 * is complete and has no failure, else -1.
 */
#define CS_TAP_SHOWN 5
int cs_tap_add_file(struct cs_tap_total *tot, const char *path,
		    const char *label, FILE *out);

/* The last line of every summary: "P passed, F failed". */
void cs_tap_print_total(const struct cs_tap_total *tot, FILE *out);

#endif
