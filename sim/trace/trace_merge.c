/* trace_merge.c: merge the nodes' trace rings, render them (trace_merge.h). */
#include "trace_merge.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CS_TR_MAX_NODE 64
#define CS_TR_RESCAN (-11)	/* CLUSTERPROC_WAIT_RESCAN: -EAGAIN */

static const char *const kinds[] = {
	"send", "recv", "hook", "ret", "release", "retake", "queue", "flush",
	"mark",
};

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

static bool kind_ok(const char *k)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(k, kinds[i]) == 0)
			return true;
	return false;
}

static bool is(const struct cs_tr_ev *e, const char *kind)
{
	return strcmp(e->kind, kind) == 0;
}

static int push(struct cs_trace *t, const struct cs_tr_ev *e)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct cs_tr_ev *v = realloc(t->ev, cap * sizeof(*v));

		if (!v)
			return -1;
		t->ev = v;
		t->cap = cap;
	}
	t->ev[t->n++] = *e;
	return 0;
}

/* "123" into a long long in [lo, hi]; false if not a whole number */
static bool num(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static bool unum(const char *s, int base, unsigned long long *out)
{
	char *end;

	if (*s == '-' || *s == '+')
		return false;
	errno = 0;
	*out = strtoull(s, &end, base);
	return !errno && end != s && !*end;
}

static int parse_line(char *line, struct cs_tr_ev *e, char *why, size_t wlen)
{
	char *w[12], *save = NULL, *tok;
	long long v;
	int n = 0;

	for (tok = strtok_r(line, " \t", &save); tok && n < 12;
	     tok = strtok_r(NULL, " \t", &save))
		w[n++] = tok;
	if (n != 11)
		return fail(why, wlen, "%d words, want 11 (ts node seq kind task comm what peer req arg subj)",
			    n);
	memset(e, 0, sizeof(*e));
	e->match = -1;
	if (!unum(w[0], 10, &e->ts))
		return fail(why, wlen, "timestamp '%s' is not a number", w[0]);
	if (!num(w[1], 1, CS_TR_MAX_NODE, &v))
		return fail(why, wlen, "node '%s' is not 1..%d", w[1],
			    CS_TR_MAX_NODE);
	e->node = (int)v;
	if (!unum(w[2], 10, &e->seq))
		return fail(why, wlen, "seq '%s' is not a number", w[2]);
	if (!kind_ok(w[3]))
		return fail(why, wlen, "unknown kind '%s'", w[3]);
	snprintf(e->kind, sizeof(e->kind), "%s", w[3]);
	if (!num(w[4], INT32_MIN, INT32_MAX, &v))
		return fail(why, wlen, "task '%s' is not a pid", w[4]);
	e->task = (int)v;
	if (strlen(w[5]) >= sizeof(e->comm) || strlen(w[6]) >= sizeof(e->what))
		return fail(why, wlen, "comm or what too long");
	snprintf(e->comm, sizeof(e->comm), "%s", w[5]);
	snprintf(e->what, sizeof(e->what), "%s", w[6]);
	if (!num(w[7], 0, 255, &v))
		return fail(why, wlen, "peer '%s' is not a node number", w[7]);
	e->peer = (int)v;
	if (!unum(w[8], 16, &e->req))
		return fail(why, wlen, "request id '%s' is not hex", w[8]);
	if (!num(w[9], INT32_MIN, INT32_MAX, &v))
		return fail(why, wlen, "arg '%s' is not a number", w[9]);
	e->arg = (int)v;
	if (!num(w[10], INT32_MIN, INT32_MAX, &v))
		return fail(why, wlen, "subj '%s' is not a pid", w[10]);
	e->subj = (int)v;
	if ((is(e, "send") || is(e, "recv")) &&
	    (e->peer < 1 || e->peer > CS_TR_MAX_NODE))
		return fail(why, wlen, "a message's peer must be 1..%d",
			    CS_TR_MAX_NODE);
	return 0;
}

int cs_trace_parse(struct cs_trace *t, FILE *f, const char *name,
		   char *err, size_t errlen)
{
	char *line = NULL, why[160];
	size_t cap = 0;
	ssize_t len;
	long no = 0;
	int rc = 0;

	while ((len = getline(&line, &cap, f)) >= 0) {
		struct cs_tr_ev e;

		no++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (parse_line(line, &e, why, sizeof(why))) {
			rc = fail(err, errlen, "%s:%ld: %s", name, no, why);
			break;
		}
		if (push(t, &e)) {
			rc = fail(err, errlen, "%s:%ld: out of memory", name, no);
			break;
		}
		t->merged = false;
	}
	if (!rc && ferror(f))
		rc = fail(err, errlen, "%s: read error", name);
	free(line);
	return rc;
}

int cs_trace_read(struct cs_trace *t, const char *path, char *err,
		  size_t errlen)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (!f)
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	rc = cs_trace_parse(t, f, path, err, errlen);
	if (fclose(f) && !rc)
		rc = fail(err, errlen, "%s: %s", path, strerror(errno));
	return rc;
}

/* ---- merge ---- */

static int by_node_seq(const void *a, const void *b)
{
	const struct cs_tr_ev *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return 0;
}

/* A message's identity: sender, destination, type (with .reply), id. */
struct msgkey {
	int src, dst;
	const char *what;
	unsigned long long req;
	size_t idx;		/* the event, in node/seq order */
};

static struct msgkey key_of(const struct cs_tr_ev *e, size_t idx)
{
	bool send = is(e, "send");
	struct msgkey k = {
		.src = send ? e->node : e->peer,
		.dst = send ? e->peer : e->node,
		.what = e->what, .req = e->req, .idx = idx,
	};
	return k;
}

static int by_key(const void *a, const void *b)
{
	const struct msgkey *x = a, *y = b;
	int c;

	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	if (x->dst != y->dst)
		return x->dst < y->dst ? -1 : 1;
	if (x->req != y->req)
		return x->req < y->req ? -1 : 1;
	c = strcmp(x->what, y->what);
	if (c)
		return c;
	/* same message seen twice: in its node's order */
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int same_msg(const struct msgkey *x, const struct msgkey *y)
{
	return x->src == y->src && x->dst == y->dst && x->req == y->req &&
	       strcmp(x->what, y->what) == 0;
}

/* Pair the k-th receive of each message with its k-th send. */
static int match_messages(struct cs_tr_ev *ev, size_t n)
{
	struct msgkey *s = malloc((n ? n : 1) * sizeof(*s));
	struct msgkey *r = malloc((n ? n : 1) * sizeof(*r));
	size_t ns = 0, nr = 0, i = 0, j = 0;

	if (!s || !r) {
		free(s);
		free(r);
		return -1;
	}
	for (size_t x = 0; x < n; x++) {
		ev[x].match = -1;
		if (is(&ev[x], "send"))
			s[ns++] = key_of(&ev[x], x);
		else if (is(&ev[x], "recv"))
			r[nr++] = key_of(&ev[x], x);
	}
	qsort(s, ns, sizeof(*s), by_key);
	qsort(r, nr, sizeof(*r), by_key);
	while (i < ns && j < nr) {
		int c = by_key(&s[i], &r[j]);

		if (same_msg(&s[i], &r[j])) {
			ev[s[i].idx].match = (long)r[j].idx;
			ev[r[j].idx].match = (long)s[i].idx;
			i++;
			j++;
		} else if (c < 0) {
			i++;
		} else {
			j++;
		}
	}
	free(s);
	free(r);
	return 0;
}

int cs_trace_merge(struct cs_trace *t, char *err, size_t errlen)
{
	size_t head[CS_TR_MAX_NODE + 1], end[CS_TR_MAX_NODE + 1];
	struct cs_tr_ev *out;
	long *newpos;
	bool *done;
	size_t n = t->n, k = 0;

	if (n == 0) {
		t->merged = true;
		return 0;
	}
	qsort(t->ev, n, sizeof(*t->ev), by_node_seq);
	for (size_t i = 1; i < n; i++)
		if (t->ev[i].node == t->ev[i - 1].node &&
		    t->ev[i].seq == t->ev[i - 1].seq)
			return fail(err, errlen, "node %d: seq %llu twice (the same ring read twice?)",
				    t->ev[i].node, t->ev[i].seq);
	if (match_messages(t->ev, n))
		return fail(err, errlen, "out of memory");
	for (int nd = 0; nd <= CS_TR_MAX_NODE; nd++)
		head[nd] = end[nd] = 0;
	for (size_t i = n; i-- > 0;) {
		head[t->ev[i].node] = i;
		if (!end[t->ev[i].node])
			end[t->ev[i].node] = i + 1;
	}
	out = malloc(n * sizeof(*out));
	newpos = malloc(n * sizeof(*newpos));
	done = calloc(n, sizeof(*done));
	if (!out || !newpos || !done) {
		free(out);
		free(newpos);
		free(done);
		return fail(err, errlen, "out of memory");
	}
	while (k < n) {
		long best = -1, any = -1;

		for (int nd = 1; nd <= CS_TR_MAX_NODE; nd++) {
			size_t i = head[nd];
			const struct cs_tr_ev *e;
			bool blocked;

			if (i >= end[nd])
				continue;
			e = &t->ev[i];
			/* a receive waits for its send */
			blocked = is(e, "recv") && e->match >= 0 &&
				  !done[e->match];
			if (any < 0 || e->ts < t->ev[any].ts)
				any = (long)i;
			if (!blocked && (best < 0 || e->ts < t->ev[best].ts))
				best = (long)i;
		}
		/* only a cycle (crafted input) blocks every head: by time */
		if (best < 0)
			best = any;
		done[best] = true;
		newpos[best] = (long)k;
		out[k++] = t->ev[best];
		head[t->ev[best].node]++;
	}
	for (size_t i = 0; i < n; i++)
		if (out[i].match >= 0)
			out[i].match = newpos[out[i].match];
	free(t->ev);
	free(newpos);
	free(done);
	t->ev = out;
	t->cap = n;
	t->merged = true;
	return 0;
}

int cs_trace_write(const struct cs_trace *t, FILE *f)
{
	unsigned long long nodes = 0;

	for (size_t i = 0; i < t->n; i++)
		nodes |= 1ULL << (t->ev[i].node - 1);
	if (fprintf(f, "# clusterproc trace v1 merged events %zu nodes", t->n) < 0)
		return -1;
	for (int nd = 1; nd <= CS_TR_MAX_NODE; nd++)
		if (nodes & (1ULL << (nd - 1)) && fprintf(f, " %d", nd) < 0)
			return -1;
	if (fputs("\n# ts node seq kind task comm what peer req arg subj\n", f) < 0)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		const struct cs_tr_ev *e = &t->ev[i];

		if (fprintf(f, "%llu %d %llu %s %d %s %s %d %llx %d %d\n",
			    e->ts, e->node, e->seq, e->kind, e->task, e->comm,
			    e->what, e->peer, e->req, e->arg, e->subj) < 0)
			return -1;
	}
	return 0;
}

/* ---- the chart ---- */

/* transport points: the arcs show them already */
static bool transport_point(const char *p)
{
	return strcmp(p, "call_send") == 0 || strcmp(p, "reply_send") == 0 ||
	       strcmp(p, "svr_dispatch") == 0;
}

struct entity {
	int node, task;
	size_t first;		/* order of first appearance */
	char comm[CS_TR_COMM];
};

struct chart {
	struct entity *ent;
	size_t nent;
	const struct cs_trace *t;
	size_t lo, hi;		/* the window: events [lo, hi) */
	bool all_points;
	long *row;		/* by event: its row, or -1 */
};

static bool shown(const struct chart *c, size_t i)
{
	const struct cs_tr_ev *e = &c->t->ev[i];

	if (i < c->lo || i >= c->hi)
		return false;
	if ((is(e, "release") || is(e, "retake")) && !c->all_points &&
	    transport_point(e->what))
		return false;
	return true;
}

static long entity_of(struct chart *c, int node, int task, const char *comm)
{
	for (size_t i = 0; i < c->nent; i++)
		if (c->ent[i].node == node && c->ent[i].task == task)
			return (long)i;
	c->ent[c->nent].first = c->nent;
	c->ent[c->nent].node = node;
	c->ent[c->nent].task = task;
	snprintf(c->ent[c->nent].comm, sizeof(c->ent[0].comm), "%s", comm);
	return (long)c->nent++;
}

static int by_entity(const void *a, const void *b)
{
	const struct entity *x = a, *y = b;

	/* by node; within one, in order of first appearance */
	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

static long find_entity(const struct chart *c, int node, int task)
{
	for (size_t i = 0; i < c->nent; i++)
		if (c->ent[i].node == node && c->ent[i].task == task)
			return (long)i;
	return -1;
}

/* a label's text: quotes and backslashes escaped */
static void q(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void ename(FILE *f, const struct entity *e)
{
	fprintf(f, "n%dt%d", e->node, e->task < 0 ? 0 : e->task);
}

static void subj(FILE *f, const struct cs_tr_ev *e)
{
	if (e->subj)
		fprintf(f, " (pid %d)", e->subj);
}

/* one event's row; a receive with its send shown is an empty row */
static void row(const struct chart *c, FILE *f, size_t i)
{
	const struct cs_tr_ev *e = &c->t->ev[i];
	const struct entity *me = &c->ent[find_entity(c, e->node, e->task)];

	if (is(e, "send")) {
		long m = e->match;
		long to = -1;

		if (m >= 0 && c->row[m] >= 0)
			to = find_entity(c, c->t->ev[m].node, c->t->ev[m].task);
		if (to >= 0) {
			ename(f, me);
			fputs(" -> ", f);
			ename(f, &c->ent[to]);
			fputs(" [label=\"", f);
			q(f, e->what);
			if (e->arg)
				fprintf(f, " status %d", e->arg);
			fprintf(f, "\", arcskip=\"%ld\"];\n", c->row[m] - c->row[i]);
			return;
		}
		ename(f, me);
		fputs(" -x ", f);
		ename(f, me);
		fputs(" [label=\"", f);
		q(f, e->what);
		fprintf(f, " to node %d: %s\"];\n", e->peer,
			m >= 0 ? "received after the window" : "never received");
		return;
	}
	if (is(e, "recv")) {
		if (e->match >= 0 && c->row[e->match] >= 0) {
			fputs("|||;\n", f);
			return;
		}
		ename(f, me);
		fputs(" box ", f);
		ename(f, me);
		fputs(" [label=\"received ", f);
		q(f, e->what);
		fprintf(f, " from node %d (its send not traced)\"];\n", e->peer);
		return;
	}
	if (is(e, "mark")) {
		fputs("--- [label=\"", f);
		q(f, e->comm);
		fprintf(f, " (node %d, pid %d)\"];\n", e->node, e->subj);
		return;
	}
	ename(f, me);
	if (is(e, "release") || is(e, "retake"))
		fputs(" rbox ", f);
	else if (is(e, "queue") || is(e, "flush"))
		fputs(" abox ", f);
	else
		fputs(" box ", f);
	ename(f, me);
	fputs(" [label=\"", f);
	if (is(e, "hook")) {
		fputs("hook ", f);
		q(f, strncmp(e->what, "hook_", 5) ? e->what : e->what + 5);
		subj(f, e);
		if (e->peer)
			fprintf(f, " to node %d", e->peer);
	} else if (is(e, "ret")) {
		q(f, strncmp(e->what, "hook_", 5) ? e->what : e->what + 5);
		if (e->arg == CS_TR_RESCAN)
			fputs(" op: RESCAN, do_wait() scans again", f);
		else if (e->arg == 0)
			fputs(" op: nothing to report, lock still held", f);
		else
			fprintf(f, " op returns %d", e->arg);
	} else if (is(e, "release")) {
		fputs("release point ", f);
		q(f, e->what);
		subj(f, e);
	} else if (is(e, "retake")) {
		fputs("tasklist_lock retaken after ", f);
		q(f, e->what);
		subj(f, e);
	} else if (is(e, "queue")) {
		fputs("queue ", f);
		q(f, e->what);
		fprintf(f, " for node %d", e->peer);
		subj(f, e);
	} else {
		fputs("flushed ", f);
		q(f, e->what);
		fprintf(f, " to node %d: %d", e->peer, e->arg);
		subj(f, e);
	}
	fputs("\"];\n", f);
}

static long find_mark(const struct cs_trace *t, size_t from, const char *text)
{
	for (size_t i = from; i < t->n; i++)
		if (is(&t->ev[i], "mark") && strcmp(t->ev[i].comm, text) == 0)
			return (long)i;
	return -1;
}

int cs_trace_msc(const struct cs_trace *t, const struct cs_msc_opts *o,
		 FILE *f, char *err, size_t errlen)
{
	struct chart c = { .t = t, .lo = 0, .hi = t->n,
			   .all_points = o && o->all_points };
	long nrows = 0;
	int rc = 0;

	if (!t->merged)
		return fail(err, errlen, "the trace is not merged");
	if (o && o->since) {
		long m = find_mark(t, 0, o->since);

		if (m < 0)
			return fail(err, errlen, "no mark '%s' in the trace", o->since);
		c.lo = (size_t)m;
	}
	if (o && o->until) {
		long m = find_mark(t, c.lo + (o->since ? 1 : 0), o->until);

		if (m < 0)
			return fail(err, errlen, "no mark '%s' in the trace%s",
				    o->until, o->since ? " after the first" : "");
		c.hi = (size_t)m + 1;
	}
	c.ent = calloc(t->n ? t->n : 1, sizeof(*c.ent));
	c.row = malloc((t->n ? t->n : 1) * sizeof(*c.row));
	if (!c.ent || !c.row) {
		free(c.ent);
		free(c.row);
		return fail(err, errlen, "out of memory");
	}
	if (o && o->last) {
		size_t keep = 0, i = c.hi;

		/* move the window's start so that only the last rows stay */
		while (i > c.lo && keep < o->last)
			keep += shown(&c, --i);
		c.lo = i;
	}
	for (size_t i = 0; i < t->n; i++) {
		c.row[i] = shown(&c, i) ? nrows++ : -1;
		if (c.row[i] >= 0 && !is(&t->ev[i], "mark"))
			entity_of(&c, t->ev[i].node, t->ev[i].task,
				  t->ev[i].comm);
	}
	qsort(c.ent, c.nent, sizeof(*c.ent), by_entity);
	if (o && o->title) {
		fputs("# ", f);
		fputs(o->title, f);
		fputc('\n', f);
	}
	fputs("# generated by clustersim-trace from a recorded trace: do not edit\n", f);
	/* about 170 pixels per entity (mscgen: 600 times hscale in all) */
	fprintf(f, "msc {\n  hscale = \"%.1f\";\n",
		c.nent * 0.29 > 1.5 ? (double)c.nent * 0.29 : 1.5);
	for (size_t i = 0; i < c.nent; i++) {
		fputs(i ? ",\n  " : "  ", f);
		ename(f, &c.ent[i]);
		fputs(" [label=\"", f);
		q(f, c.ent[i].comm);
		fprintf(f, " %d\\nnode %d\"]", c.ent[i].task, c.ent[i].node);
	}
	fputs(c.nent ? ";\n" : "", f);
	for (size_t i = 0; i < t->n; i++)
		if (c.row[i] >= 0)
			row(&c, f, i);
	fputs("}\n", f);
	if (ferror(f))
		rc = fail(err, errlen, "write error");
	free(c.ent);
	free(c.row);
	return rc ? rc : (int)nrows;
}

void cs_trace_free(struct cs_trace *t)
{
	free(t->ev);
	memset(t, 0, sizeof(*t));
}
