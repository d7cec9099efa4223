/*
 * Security: node 2's decoder survives node 1's module socket sending it
 * mutated and random messages of every type (debugfs "fuzz", fuzz.c):
 * every message is answered (a result or an errno) or dropped and
 * counted, none is lost, and node 2 still answers afterwards. A crash
 * or splat on node 2 fails the run through its console; the scenario
 * runs module suites after this test, on the same nodes.
 *
 * CP_FUZZ_SEED (default: from the clock) and CP_FUZZ_COUNT (default
 * 2000) choose the run; the seed is printed: the same seed sends the
 * same messages (`make fuzz-wire FUZZ_SEED=S`). Run as root on node 1.
 * Kernel-observable facts only: the fuzzer's own count of answers
 * (each one a reply node 2 sent), node 2's drop counters during the
 * run against the number of defective messages sent, node 1's
 * calls_timeout.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "libclusterproc.h"

#include <check.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FUZZ CP_DEBUGFS "/fuzz"
#define TARGET 2

/* Every counter a header defect raises on the receiver (cp_rx_one()). */
static const char *const drop_names[] = {
	"drop_short", "drop_bad_magic", "drop_bad_version", "drop_bad_len",
	"drop_bad_type", "drop_bad_node", "drop_unauth_sender",
	"drop_stale_reply",
};
#define NDROP (sizeof(drop_names) / sizeof(drop_names[0]))

struct fuzz_out {
	unsigned long long seed;
	unsigned int node, sent, raw, calls, ok, err, timeout, other;
};

static long long drops_of(int node)
{
	long long sum = 0;

	for (size_t i = 0; i < NDROP; i++)
		sum += cpp_stat(node, drop_names[i]);
	return sum;
}

static unsigned long long env_ull(const char *name, unsigned long long dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

/*
 * Before fuzz.c there was no way for a real peer to send node 2 a
 * malformed message (user forgeries are dropped at sender pinning,
 * test_transport.c), so no decoder path past the pinning was ever fed
 * one.
 */
START_TEST(test_fuzz_wire)
{
	unsigned long long seed = env_ull("CP_FUZZ_SEED",
					  (unsigned long long)time(NULL));
	unsigned int count = (unsigned int)env_ull("CP_FUZZ_COUNT", 2000);
	struct cpp_mark quiet[] = { CPP_MARK(1, "calls_timeout") };
	struct fuzz_out o = { 0 };
	long long before, after;
	char cmd[96], line[256];
	FILE *f;
	int rc;

	printf("# fuzz-wire: seed %llu count %u target node %d (replay: make fuzz-wire FUZZ_SEED=%llu FUZZ_COUNT=%u)\n",
	       seed, count, TARGET, seed, count);
	fflush(stdout);
	before = drops_of(TARGET);
	cpp_marks_take(quiet, 1);
	snprintf(cmd, sizeof(cmd), "%d %u %llu", TARGET, count, seed);
	rc = cp_write_file(FUZZ, cmd);
	ck_assert_msg(rc == 0, "seed %llu: write '%s' to %s: %s", seed, cmd,
		      FUZZ, strerror(-rc));
	f = fopen(FUZZ, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	fclose(f);
	printf("# fuzz-wire: %s", line);
	ck_assert_int_eq(sscanf(line,
				"seed %llu node %u sent %u raw %u calls %u ok %u err %u timeout %u other %u",
				&o.seed, &o.node, &o.sent, &o.raw, &o.calls,
				&o.ok, &o.err, &o.timeout, &o.other), 9);
	after = drops_of(TARGET);
	ck_assert_msg(o.seed == seed && o.sent == count,
		      "seed %llu: %u of %u messages sent", seed, o.sent, count);
	ck_assert_msg(o.timeout == 0 && o.other == 0,
		      "seed %llu: %u calls not answered (timeout), %u failed here",
		      seed, o.timeout, o.other);
	ck_assert_msg(o.ok + o.err == o.calls,
		      "seed %llu: %u ok + %u errors != %u calls", seed, o.ok,
		      o.err, o.calls);
	ck_assert_msg(after - before == o.raw,
		      "seed %llu: node %d dropped and counted %lld of the %u defective messages",
		      seed, TARGET, after - before, o.raw);
	cpp_marks_assert_same(quiet, 1, "no call lost");
	ck_assert_int_eq(cp_ping(TARGET), 0);
}
END_TEST

/*
 * What the fuzzer made the receiver hold in our name goes with the run:
 * a well-formed HOLD SYNC of random pids of node 2's (one fuzz call can
 * be one) makes node 2 hold them for node 1 with pinned zombies, until
 * node 1's next SYNC. Here that SYNC is made on purpose (debugfs inject:
 * one free pid of node 2's), then a short fuzz run must leave node 2
 * holding nothing for us. Before: module-security's "expect idle" failed
 * in 2 of 4 runs with node 2's live_holds at 7.
 */
START_TEST(test_fuzz_leaves_no_holds)
{
	static const unsigned char hold[8 + 4 * CP_HOLD_MAX] = {
		0, 0, 0, CP_HOLD_SYNC, 0, 0, 0, 1,
		/* pid (2 << 15) + 32000 = 97536, big endian */
		0x00, 0x01, 0x7d, 0x00,
	};
	char cmd[sizeof(hold) * 2 + 32];
	long long held;
	size_t n;
	int rc;

	n = (size_t)snprintf(cmd, sizeof(cmd), "%d %d ", TARGET, CP_MSG_HOLD);
	for (size_t i = 0; i < sizeof(hold); i++)
		n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, "%02x", hold[i]);
	rc = cp_write_file(CP_DEBUGFS "/inject", cmd);
	ck_assert_msg(rc == 0, "inject a HOLD SYNC of pid 97536 to node %d: %s",
		      TARGET, strerror(-rc));
	held = cpp_stat_within(TARGET, "live_holds", 1, 5000);
	ck_assert_msg(held == 1, "node %d holds %lld pids after our SYNC, want 1",
		      TARGET, held);
	snprintf(cmd, sizeof(cmd), "%d %u %llu", TARGET, 10u, 1ull);
	rc = cp_write_file(FUZZ, cmd);
	ck_assert_msg(rc == 0, "fuzz: %s", strerror(-rc));
	held = cpp_stat(TARGET, "live_holds");
	ck_assert_msg(held == 0,
		      "node %d still holds %lld pids for node 1 after a fuzz run, want 0",
		      TARGET, held);
}
END_TEST

/*
 * With CP_FUZZ_BARRIER=1 (fuzz-wire.scn: "run all"), the other nodes
 * wait here until node 1 has fuzzed, so that the suites after it run
 * on every node at once, after the fuzzing.
 */
#define BAR_FUZZED 0x43500301u

static int fuzzed_barrier(void)
{
	int rc = -ETIMEDOUT;

	for (int i = 0; i < 60 && rc == -ETIMEDOUT; i++)
		rc = cp_barrier(BAR_FUZZED, cp_self_node(),
				cp_expected_nodes(), NULL);
	return rc;
}

START_TEST(test_fuzz_wait_node1)
{
	int rc = fuzzed_barrier();

	ck_assert_msg(rc == 0, "node %d: waiting for node 1's fuzzing: %s",
		      cp_self_node(), strerror(-rc));
}
END_TEST

static Suite *fuzz_suite(bool fuzzer)
{
	Suite *s = suite_create("security-fuzz-wire");
	TCase *tc = tcase_create("fuzz");

	tcase_set_timeout(tc, 3600);
	if (fuzzer) {
		tcase_add_test(tc, test_fuzz_wire);
		tcase_add_test(tc, test_fuzz_leaves_no_holds);
	}
	else
		tcase_add_test(tc, test_fuzz_wait_node1);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	bool barrier = env_ull("CP_FUZZ_BARRIER", 0) != 0;
	bool fuzzer = cp_self_node() == 1;
	int failed;

	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_fuzz_wire: not all nodes up\n");
	failed = cp_run_suite(fuzz_suite(fuzzer), CK_NORMAL, CK_FORK);
	if (barrier && fuzzer && fuzzed_barrier())
		fprintf(stderr, "test_fuzz_wire: the other nodes did not come\n");
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
