/* console_scan.h: what the launcher looks for in a node's console text. */
#ifndef CS_CONSOLE_SCAN_H
#define CS_CONSOLE_SCAN_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A kernel splat is a printk line: "[ seconds.micros] MESSAGE" (the
 * timestamp may appear mid-line when user output interleaves), where
 * MESSAGE starts with a known report header (BUG:, WARNING:, Oops,
 * Kernel panic, KASAN:, UBSAN:, INFO: task ... blocked, ...) or contains a
 * lockdep/RCU report title. Returns a pointer to MESSAGE in line if it is
 * one, else NULL. Text without a printk timestamp never matches.
 */
const char *cs_splat_match(const char *line);

/* One progress line printed by cluster-init. */
struct cs_progress {
	int node;
	char phase[24];		/* up, joined, running, done, fatal, ... */
	double secs;		/* guest uptime when printed */
	char detail[400];	/* rest of the line, may be empty */
};

/*
 * Parse "clustersim: node N PHASE SECSs[ DETAIL]" (anywhere in the line).
 * Returns 0 if the line is one, -1 otherwise.
 */
int cs_progress_parse(const char *line, struct cs_progress *p);

/* Splits a byte stream into lines (one per console file). */
struct cs_linebuf {
	char buf[4096];
	size_t len;
};

/*
 * Feed bytes; calls fn(line, arg) for every complete line (without '\n',
 * '\r' stripped). Overlong lines are cut at sizeof(buf) - 1.
 */
void cs_linebuf_feed(struct cs_linebuf *lb, const char *data, size_t n,
		     void (*fn)(const char *line, void *arg), void *arg);

/* Flush a trailing unterminated line (at end of file). */
void cs_linebuf_flush(struct cs_linebuf *lb,
		      void (*fn)(const char *line, void *arg), void *arg);

#endif
