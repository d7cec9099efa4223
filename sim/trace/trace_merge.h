/*
 * trace_merge.h: the module's trace rings (debugfs `trace`, one file per
 * node) merged into one timeline, and that timeline as a message
 * sequence chart (mscgen). No I/O but the FILE streams passed in.
 *
 * Line format (hooks/clusterproc/trace.c, sim/trace/README.md), 11 words:
 *   ts node seq kind task comm what peer req arg subj
 */
#ifndef CS_TRACE_MERGE_H
#define CS_TRACE_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CS_TR_COMM 32
#define CS_TR_WHAT 40

struct cs_tr_ev {
	unsigned long long ts;	/* ns, the node's CLOCK_REALTIME */
	unsigned long long seq;	/* the node's ring index */
	unsigned long long req;	/* a message's request id */
	int node, peer, task, arg, subj;
	char kind[12];		/* send recv hook ret release retake queue flush mark */
	char comm[CS_TR_COMM];
	char what[CS_TR_WHAT];
	long match;		/* after the merge: a send's recv, a recv's send, or -1 */
};

struct cs_trace {
	struct cs_tr_ev *ev;
	size_t n, cap;
	bool merged;
};

/*
 * Append the events of one file (a node's ring, or a merged timeline) to
 * @t. Returns 0, or -1 with "NAME:LINE: why" (no newline) in @err.
 */
int cs_trace_parse(struct cs_trace *t, FILE *f, const char *name,
		   char *err, size_t errlen);
int cs_trace_read(struct cs_trace *t, const char *path, char *err,
		  size_t errlen);

/*
 * Put the events in one causal order: each node's in its own order (seq),
 * every receive after its send (matched by sender, destination, type,
 * reply flag and request id, the k-th receive with the k-th send), and
 * otherwise by timestamp (then node). The nodes' clocks may disagree: a
 * receive never comes before its send, whatever its timestamp says.
 * Returns 0, or -1 with a message in @err (a node's seq twice).
 */
int cs_trace_merge(struct cs_trace *t, char *err, size_t errlen);

/* The merged timeline, the same 11-word lines, after a '#' header. */
int cs_trace_write(const struct cs_trace *t, FILE *f);

struct cs_msc_opts {
	const char *since;	/* start after the first mark with this text */
	const char *until;	/* stop at the first later mark with this text */
	bool all_points;	/* also the transport's points (call_send...) */
	size_t last;		/* only the last rows of the window (0: all) */
	const char *title;	/* a comment line at the top, or NULL */
};

/*
 * The merged timeline as an mscgen chart: one entity per node and task,
 * one row per event, a message as an arc from its send to its receive
 * (arcskip), unmatched sends as lost arcs (-x). Returns the number of
 * rows, or -1 with a message in @err (a mark not found).
 */
int cs_trace_msc(const struct cs_trace *t, const struct cs_msc_opts *o,
		 FILE *f, char *err, size_t errlen);

void cs_trace_free(struct cs_trace *t);

#endif
