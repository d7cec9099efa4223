/*
 * paths.h: the path coverage table of clusterproc (sim/paths/, `make
 * check-paths`): which hook paths, tasklist_lock release points and
 * record->flush windows ran during the jobs of a set of runs, per node.
 *
 * Which counters are paths (debugfs `stats`, hooks/clusterproc/cp_stats.h
 * and cp_points.h):
 *  - hook:    every `hook_<op>` counter: counted where an op of
 *             <linux/clusterproc.h> (the hooks in the kernel) runs its
 *             module path (hook_kill_pid/_pgrp/_all for the three kill
 *             paths; hook_exit_flush only when the exiting task has
 *             queued records to wait for). The ops exit_prepare,
 *             find_get_pid and ptrace_unlink have no hook_ counter (the
 *             last one's path is counted by ptrace_unlink_standin, a
 *             window row below), so they are not rows.
 *  - release: every `point.<name>.hits`: cp_delay_point() is called at
 *             each place where a hook has dropped tasklist_lock (or runs
 *             after the base code released it) and is about to sleep or
 *             talk to another node: the release points of the issue.
 *  - window:  the record->flush windows: a record hook (notify_parent,
 *             notify_cldstop, reparent_remote: rows of their own) queues
 *             a message under tasklist_lock that an ordered worker or
 *             the exiting task flushes later. notify_reserved (a record
 *             took a message exit_prepare reserved, not GFP_ATOMIC),
 *             notify_sent (an EVENT flushed), reparent_sent (a REPARENT
 *             flushed), event_rx and svr_reparent (the flush received on
 *             the parent's / the child's node), ptrace_unlink_standin
 *             (the ptrace_unlink record's deferred detach).
 * Everything else (transport, outcome and error counters) is not a
 * path; error counters are checked by a scenario's `expect zero`.
 *
 * Hits are what rose during the job (node<N>/stats.txt minus
 * stats-start.txt, counters.h), summed over the runs per node number.
 */
#ifndef CP_PATHS_H
#define CP_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CP_PATHS_MAX_NODE 64

enum cp_path_kind { CP_PATH_HOOK, CP_PATH_RELEASE, CP_PATH_WINDOW };

enum cp_path_verdict {
	CP_PATH_OK,		/* hit */
	CP_PATH_EXCEPTED,	/* not hit, listed with a reason */
	CP_PATH_ZERO,		/* not hit, not listed: fails */
	CP_PATH_STALE,		/* hit but listed: fails */
};

struct cp_path_row {
	char *name;
	enum cp_path_kind kind;
	long long hits[CP_PATHS_MAX_NODE + 1];	/* [node] */
	long long total;
	const char *reason;	/* the exception's, or NULL */
	enum cp_path_verdict verdict;
};

struct cp_path_exc {
	char *name;
	char *reason;
	int line;
	bool used;		/* names a row */
};

struct cp_paths {
	size_t nrows;
	struct cp_path_row *rows;
	int max_node;		/* highest node number with counters */
	size_t nruns;		/* runs read */
	size_t nruns_stats;	/* of them with counters on some node */
	size_t nexc;
	struct cp_path_exc *exc;
	const char *exc_file;
	/* failures that are not rows: rose error counters, bad exceptions */
	size_t nproblems;
	char **problems;
	int failures;		/* after cp_paths_verdict() */
};

/* is this counter a path, and of which kind (-1: not a path) */
int cp_path_kind_of(const char *name);

void cp_paths_init(struct cp_paths *t);
void cp_paths_free(struct cp_paths *t);

/*
 * Add one run directory (runs/<id>/: node<N>/stats.txt, stats-start.txt,
 * expect-zero). A node without stats.txt had no module (or it was
 * unloaded at the end): skipped. Every counter of the run's expect-zero
 * patterns that rose on a node is a problem. Returns 0, or -1 with a
 * reason in err (unreadable or malformed: bad input).
 */
int cp_paths_add_run(struct cp_paths *t, const char *run_dir, char *err,
		     size_t errlen);

/*
 * The reviewed exceptions: lines `NAME  REASON...`, `#` comments and
 * blank lines ignored. Returns 0, or -1 with "FILE:LINE: why" in err (a
 * name that is no path counter, no reason, a name twice).
 */
int cp_paths_load_exceptions(struct cp_paths *t, const char *path,
			     char *err, size_t errlen);
/* the same from text (the unit tests); what names the text in messages */
int cp_paths_parse_exceptions(struct cp_paths *t, const char *text,
			      const char *what, char *err, size_t errlen);

/*
 * Decide every row (0 hits and no exception: fails; hit and excepted:
 * stale, fails; an exception that names no row of these runs: fails).
 * Returns the number of failures (also in t->failures); rows sorted by
 * kind, then name.
 */
int cp_paths_verdict(struct cp_paths *t);

/* the table, the problems and the verdict line; -1 on a write error */
int cp_paths_print(const struct cp_paths *t, FILE *f);

#endif
