/*
 * paths-table: clusterproc's path coverage over a set of runs (paths.h
 * says which counters are paths). Reads runs/<id>/node<N>/stats.txt and
 * stats-start.txt (saved by each node's init), writes one row per path
 * with its hits per node number and in total, and fails a path with no
 * hits unless the exceptions file lists it with a reason (and a listed
 * path that was hit: the file must stay true), and any counter a run's
 * scenario expects to stay zero that rose.
 *
 *   paths-table [--exceptions FILE] [--output FILE] [--run-list FILE] [RUN_DIR...]
 *
 * Exit: 0 passed, 1 a path or an error counter failed, 2 bad input.
 */
#include "paths.h"

#include <errno.h>
#include <stdarg.h>
#include <stdnoreturn.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: paths-table [-e|--exceptions FILE] [-o|--output FILE] [-l|--run-list FILE] [RUN_DIR...]\n"
		"  RUN_DIR         a clustersim run (runs/<id>/); --run-list FILE: one a line\n"
		"  --exceptions    reviewed zero-hit paths: lines 'NAME  REASON'\n"
		"  --output FILE   write the table there too (it is always printed)\n"
		"exit: 0 passed, 1 a path with no hits, a stale exception or a counter\n"
		"      that a scenario expects to stay zero rose, 2 bad input\n");
}

static noreturn void bad(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* one line on stderr, exit 2 */
static noreturn void bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "paths-table: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void add_run(struct cp_paths *t, const char *dir)
{
	char err[4200];

	if (cp_paths_add_run(t, dir, err, sizeof(err)))
		bad("%s", err);
}

static void add_run_list(struct cp_paths *t, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (!f)
		bad("%s: %s", path, strerror(errno));
	while ((len = getline(&line, &cap, f)) >= 0) {
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len && line[0] != '#')
			add_run(t, line);
	}
	if (ferror(f))
		bad("%s: read error", path);
	free(line);
	fclose(f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "exceptions", required_argument, NULL, 'e' },
		{ "output", required_argument, NULL, 'o' },
		{ "run-list", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *exc = NULL, *out = NULL, *list = NULL;
	struct cp_paths t;
	char err[4200];
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":e:o:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			exc = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'l':
			list = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			bad("%s needs an argument; see --help", argv[optind - 1]);
		default:
			bad("unknown option '%s'; see --help", argv[optind - 1]);
		}
	}
	if (optind == argc && !list)
		bad("no run directory (RUN_DIR... or --run-list FILE); see --help");
	cp_paths_init(&t);
	if (exc && cp_paths_load_exceptions(&t, exc, err, sizeof(err)))
		bad("%s", err);
	if (list)
		add_run_list(&t, list);
	for (int i = optind; i < argc; i++)
		add_run(&t, argv[i]);
	if (!t.nruns_stats)
		bad("none of the %zu run directories has clusterproc counters (node<N>/stats.txt)",
		    t.nruns);
	cp_paths_verdict(&t);
	if (cp_paths_print(&t, stdout) || fflush(stdout))
		bad("writing the table: %s", strerror(errno));
	if (out) {
		FILE *f = fopen(out, "w");

		if (!f)
			bad("%s: %s", out, strerror(errno));
		if (cp_paths_print(&t, f) | fclose(f))
			bad("writing %s: %s", out, strerror(errno));
	}
	c = t.failures ? 1 : 0;
	cp_paths_free(&t);
	return c;
}
