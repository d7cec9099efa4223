/*
 * test_trace_merge: the merge of the nodes' trace rings (sim/trace/) and
 * its chart, on crafted rings: data/trace-node1.txt and trace-node2.txt
 * record a remote wait with node 2's clock one second behind node 1's.
 */
#include "trace/trace_merge.h"
#include "unit_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define D CS_TEST_DATA "/"

static void load(struct cs_trace *t)
{
	char err[256];

	memset(t, 0, sizeof(*t));
	ck_assert_msg(cs_trace_read(t, D "trace-node1.txt", err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(cs_trace_read(t, D "trace-node2.txt", err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(cs_trace_merge(t, err, sizeof(err)) == 0, "%s", err);
}

/* node:seq of each event, in the merged order */
static const int want[][2] = {
	{ 2, 40 }, { 2, 41 }, { 2, 42 },	/* node 2's exit, event sent */
	{ 1, 10 }, { 1, 11 }, { 1, 12 },	/* received, answered */
	{ 2, 43 }, { 2, 44 },			/* the answer, flushed */
	{ 1, 13 }, { 1, 14 }, { 1, 15 },	/* wait_task, release, REAP */
	{ 2, 45 }, { 2, 46 }, { 2, 47 }, { 2, 48 },
	{ 1, 16 }, { 1, 17 }, { 1, 18 },
};

START_TEST(test_causal_order_despite_clocks)
{
	struct cs_trace t;

	load(&t);
	ck_assert_uint_eq(t.n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < t.n; i++) {
		ck_assert_msg(t.ev[i].node == want[i][0] &&
			      t.ev[i].seq == (unsigned long long)want[i][1],
			      "event %zu is %d:%llu, want %d:%d", i, t.ev[i].node,
			      t.ev[i].seq, want[i][0], want[i][1]);
		/* every receive after its send, whatever the clocks say */
		if (!strcmp(t.ev[i].kind, "recv")) {
			ck_assert_int_ge(t.ev[i].match, 0);
			ck_assert_int_lt(t.ev[i].match, (long)i);
		}
	}
	/* the ping nobody received has no match */
	ck_assert_str_eq(t.ev[14].what, "ping");
	ck_assert_int_eq(t.ev[14].match, -1);
	cs_trace_free(&t);
}
END_TEST

/* the merged timeline reads back as itself, and one node's order holds */
START_TEST(test_merged_reads_back)
{
	struct cs_trace t, u = { 0 };
	char *a = NULL, *b = NULL, err[256];
	size_t la = 0, lb = 0;
	FILE *f;

	load(&t);
	f = open_memstream(&a, &la);
	ck_assert_int_eq(cs_trace_write(&t, f), 0);
	fclose(f);
	f = fmemopen(a, la, "r");
	ck_assert_int_eq(cs_trace_parse(&u, f, "merged", err, sizeof(err)), 0);
	fclose(f);
	ck_assert_int_eq(cs_trace_merge(&u, err, sizeof(err)), 0);
	f = open_memstream(&b, &lb);
	ck_assert_int_eq(cs_trace_write(&u, f), 0);
	fclose(f);
	ck_assert_str_eq(a, b);
	ck_assert_ptr_nonnull(strstr(a, "# clusterproc trace v1 merged events 18 nodes 1 2\n"));
	free(a);
	free(b);
	cs_trace_free(&t);
	cs_trace_free(&u);
}
END_TEST

START_TEST(test_bad_input)
{
	struct cs_trace t = { 0 };
	char err[256];

	ck_assert_int_eq(cs_trace_read(&t, D "trace-bad.txt", err, sizeof(err)), -1);
	ck_assert_str_eq(err, D "trace-bad.txt:3: unknown kind 'jump'");
	cs_trace_free(&t);
	ck_assert_int_eq(cs_trace_read(&t, D "no-such-trace.txt", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
	cs_trace_free(&t);
	/* the same ring twice */
	ck_assert_int_eq(cs_trace_read(&t, D "trace-node1.txt", err, sizeof(err)), 0);
	ck_assert_int_eq(cs_trace_read(&t, D "trace-node1.txt", err, sizeof(err)), 0);
	ck_assert_int_eq(cs_trace_merge(&t, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "node 1: seq 10 twice (the same ring read twice?)");
	cs_trace_free(&t);
}
END_TEST

static char *chart(const struct cs_trace *t, const struct cs_msc_opts *o,
		   int *rows, char *err, size_t errlen)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	ck_assert_ptr_nonnull(f);
	*rows = cs_trace_msc(t, o, f, err, errlen);
	fclose(f);
	return s;
}

START_TEST(test_chart)
{
	struct cs_msc_opts o = { .since = "wait", .until = "reaped" };
	struct cs_trace t;
	char err[256], *s;
	int rows;

	load(&t);
	s = chart(&t, &o, &rows, err, sizeof(err));
	/* from the mark 'wait' (1:10) to 'reaped' (1:18), less svr_dispatch */
	ck_assert_int_eq(rows, 14);
	/* REAP: from the parent's row to node 2's receive, 2 rows down */
	ck_assert_ptr_nonnull(strstr(s, "n1t100 -> n2t8 [label=\"reap\", arcskip=\"1\"];"));
	ck_assert_ptr_nonnull(strstr(s, "n2t9 -> n1t7 [label=\"reap.reply\", arcskip=\"2\"];"));
	ck_assert_ptr_nonnull(strstr(s, "n2t9 -x n2t9 [label=\"ping to node 1: never received\"];"));
	ck_assert_ptr_nonnull(strstr(s, "rbox n1t100 [label=\"release point wait_task_released\"]"));
	ck_assert_ptr_nonnull(strstr(s, "[label=\"wait_task op returns 32770\"]"));
	ck_assert_ptr_null(strstr(s, "svr_dispatch"));
	/* the event was sent before the window: its receive stands alone */
	ck_assert_ptr_nonnull(strstr(s, "[label=\"received event from node 2 (its send not traced)\"]"));
	free(s);
	/* the last rows of the window only: the mark 'reaped' among them */
	o.last = 3;
	s = chart(&t, &o, &rows, err, sizeof(err));
	ck_assert_int_eq(rows, 3);
	ck_assert_ptr_nonnull(strstr(s, "--- [label=\"reaped (node 1, pid 100)\"];"));
	ck_assert_ptr_null(strstr(s, "\"reap\""));
	free(s);
	o.last = 0;
	o.since = "nope";
	s = chart(&t, &o, &rows, err, sizeof(err));
	ck_assert_int_eq(rows, -1);
	ck_assert_str_eq(err, "no mark 'nope' in the trace");
	free(s);
	cs_trace_free(&t);
}
END_TEST

/* the program: bad input is one line and exit status 2 */
START_TEST(test_cli_exit_status)
{
	const char *bin = getenv("CS_TEST_BIN");
	char prog[4096], cmd[8192];
	int st;

	if (!bin) {
		fprintf(stderr, "CS_TEST_BIN unset: program test skipped\n");
		return;
	}
	snprintf(prog, sizeof(prog), "%s", bin);
	*strrchr(prog, '/') = '\0';
	snprintf(cmd, sizeof(cmd), "%s/clustersim-trace %s >/dev/null 2>&1", prog,
		 D "trace-bad.txt");
	st = system(cmd);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	snprintf(cmd, sizeof(cmd), "%s/clustersim-trace %s %s >/dev/null", prog,
		 D "trace-node1.txt", D "trace-node2.txt");
	st = system(cmd);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("trace_merge");
	TCase *tc = tcase_create("merge");

	tcase_add_test(tc, test_causal_order_despite_clocks);
	tcase_add_test(tc, test_merged_reads_back);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_chart);
	tcase_add_test(tc, test_cli_exit_status);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
