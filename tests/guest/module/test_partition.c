/*
 * Node failure, partition (or hang, CP_FAULT=hang: nodefail-hang.scn)
 * mid-race (nodefail-partition.scn, node 1 of 3,
 * every node behind a wirefilter): node 1 keeps children running on
 * nodes 2 and 3 and reaps them as they exit (the races' exit-vs-wait),
 * and in the middle of it asks the launcher (cs-fail) to cut node 3 off
 * for PART_S seconds, longer than the link tolerance (1.5 s). The
 * survivors' view, as the node-failure rules say: no wait hangs; a child
 * that was on node 3 is reaped once, exited 0 (its exit came through
 * before the cut) or killed by SIGKILL (lost with its node); node 2's
 * children all exit 0. Then node 3 is back, and a child there exits with
 * the status it chose. A child on node 3 whose exit node 1 heard of
 * (SIGCHLD: exited 5) before the cut is reaped as exited 5, not as lost.
 * Adoption: a child still running on node 3 when node 1 declared it
 * lost (reaped here as killed by SIGKILL) lives on there, adopted by
 * node 3 (its parent's node went away, as its parent might die); after
 * the heal node 1 holds its pid (one of node 1's range, which it must
 * not hand out again while the process lives): kill(pid, 0) from here
 * reaches it on node 3; killed, its pid is free (ESRCH); node 3 keeps no
 * zombie of ours.
 * Kernel-observable facts only: wait(2) statuses, SIGCHLD's siginfo,
 * errno, node_down_events during this test. Nodes 2 and 3 wait at a
 * barrier until node 1 is done (an idle node would end its run when it
 * saw node 1 go away).
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define PART_S		"5"	/* the cut: above 1.5 s link tolerance */
#define ROUNDS		40	/* children per node, 25 ms apart */
#define WAIT_MS		30000	/* no wait may take longer than this */
#define BAR_DONE	0x43500501u	/* node 1 has checked everything */
#define DOWN_MS		8000	/* link tolerance (1.5 s) and margin */

struct kid {
	pid_t pid;
	int node;
	int st;
	bool done;
};

/* One WNOHANG pass over the kids not yet reaped: how many are left. */
static int reap_pass(struct kid *k, int n)
{
	int left = 0;

	for (int i = 0; i < n; i++) {
		pid_t r;

		if (k[i].done)
			continue;
		r = waitpid(k[i].pid, &k[i].st, WNOHANG);
		ck_assert_msg(r >= 0, "waitpid %d (node %d): %s", k[i].pid,
			      k[i].node, strerror(errno));
		if (r == k[i].pid)
			k[i].done = true;
		else
			left++;
	}
	return left;
}

/* Reap every kid in @k within WAIT_MS: 0, or -1. */
static int reap_all(struct kid *k, int n)
{
	for (int t = 0; t <= WAIT_MS; t += 20) {
		if (!reap_pass(k, n))
			return 0;
		cp_sleep_ms(20);
	}
	return -1;
}

/*
 * The fault: CP_FAULT=partition (default: node 3's wirefilter drops
 * everything) or hang (node 3's kernel stopped, nodefail-hang.scn: its
 * links die on both sides, and its clocks jump when it goes on).
 */
static const char *fault(void)
{
	const char *f = getenv("CP_FAULT");

	return f && !strcmp(f, "hang") ? "hang" : "partition";
}

/* A child on node 3 that exited 5, its SIGCHLD (blocked) received. */
static pid_t exited_before_cut(void)
{
	struct timespec ts = { 10, 0 };
	siginfo_t si;
	sigset_t set;
	pid_t k;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	k = cpp_spawn(3, 0, ARGS("exit", "5"));
	do {
		memset(&si, 0, sizeof(si));
		r = sigtimedwait(&set, &si, &ts);
	} while (r == SIGCHLD && si.si_pid != k);
	ck_assert_msg(r == SIGCHLD && si.si_code == CLD_EXITED &&
		      si.si_status == 5,
		      "SIGCHLD of %d on node 3: %d (%s), code %d status %d, want CLD_EXITED 5",
		      k, r, r < 0 ? strerror(errno) : "", si.si_code,
		      si.si_status);
	return k;
}

/*
 * @pid, node 1's, adopted on node 3: held here, so kill() reaches it
 * (within 10 s: node 3 sends the hold when it sees node 1 again); once
 * killed, ESRCH (node 1 released the hold).
 */
static void held_then_free(pid_t pid)
{
	struct cpp_mark m[] = { CPP_MARK(1, "hold_released"),
				CPP_MARK(3, "hold_drop_sent") };
	int err = -1;

	for (int t = 0; t <= 10000 && err; t += 100) {
		err = kill(pid, 0) ? errno : 0;
		if (err)
			cp_sleep_ms(100);
	}
	ck_assert_msg(err == 0,
		      "kill(%d, 0) here of our child adopted on node 3: %s, want 0 (its pid held here)",
		      pid, strerror(err));
	ck_assert_int_eq(cpp_stat(1, "live_holds"), 1);
	cpp_marks_take(m, 2);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	for (int t = 0; t <= 10000 && err != ESRCH; t += 100) {
		err = kill(pid, 0) ? errno : 0;
		if (err != ESRCH)
			cp_sleep_ms(100);
	}
	ck_assert_msg(err == ESRCH,
		      "kill(%d, 0) after killing it: %s, want ESRCH (hold released)",
		      pid, strerror(err));
	/* its death told to node 1 (a DROP), which released the pid */
	ck_assert_int_eq(cpp_stat_within(1, "live_holds", 0, 5000), 0);
	cpp_marks_assert_rose(m, 2, "adopted orphan killed");
}

/*
 * Children of 0..300 ms on nodes 2 and 3 while node 3 is cut off: before
 * the cut, during it (a REXEC to node 3 fails: the spawn reports it) and
 * after the links time out.
 */
START_TEST(test_partition_mid_race)
{
	struct cpp_mark m[] = { CPP_MARK(1, "node_down_events"),
				CPP_MARK(3, "adopted") };
	struct kid k[2 * ROUNDS];
	int n = 0, lost = 0, ok3 = 0, refused = 0, est;
	pid_t early, longer;
	char ms[16], v[16];

	cpp_marks_take(m, 2);
	memset(k, 0, sizeof(k));
	early = exited_before_cut();
	/* outlives the cut: lost for node 1, adopted on node 3 */
	longer = cpp_spawn(3, 0, ARGS("sleep", "30000"));
	k[n].pid = longer;
	k[n++].node = 3;
	for (int i = 0; i < ROUNDS; i++) {
		if (i == ROUNDS / 4) {
			ck_assert_msg(cpp_cs_fail("3", fault(), PART_S) == 0,
				      "cs-fail 3 %s %s failed", fault(), PART_S);
			ck_assert_msg(cp_wait_node_state(3, 0, DOWN_MS) == 0,
				      "node 3 still up %d ms after the cut",
				      DOWN_MS);
			/*
			 * Before: "killed by SIGKILL" (0x9): the failed REAP
			 * call to the down node overrode the exit its EVENT
			 * had told.
			 */
			ck_assert_int_eq(waitpid(early, &est, 0), early);
			ck_assert_msg(WIFEXITED(est) && WEXITSTATUS(est) == 5,
				      "child %d on node 3, SIGCHLD said exited 5 before node 3 was cut off: wait status %#x, want exited 5",
				      early, est);
		}
		snprintf(ms, sizeof(ms), "%d", (i * 37) % 300);
		for (int node = 2; node <= 3; node++) {
			pid_t p = cpp_spawn_try(node, ARGS("sleep", ms));

			if (p < 0) {
				/* only node 3's, only while it is away */
				ck_assert_msg(node == 3,
					      "spawn on node 2 (round %d): %s",
					      i, strerror(errno));
				refused++;
				continue;
			}
			k[n].pid = p;
			k[n++].node = node;
		}
		/* reap as they come, during the cut too */
		reap_pass(k, n);
		cp_sleep_ms(25);
	}
	ck_assert_msg(reap_all(k, n) == 0,
		      "a wait hung: children still unreaped %d s after the partition",
		      WAIT_MS / 1000);
	for (int i = 0; i < n; i++) {
		int st = k[i].st;

		if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			ok3 += k[i].node == 3;
			continue;
		}
		ck_assert_msg(k[i].node == 3 && WIFSIGNALED(st) &&
			      WTERMSIG(st) == SIGKILL,
			      "child %d on node %d: status %#x, want exited 0%s",
			      k[i].pid, k[i].node, st,
			      k[i].node == 3 ? " or killed by SIGKILL" : "");
		lost++;
	}
	printf("# %s: %d children, node 3: %d exited, %d lost, %d refused\n",
	       fault(), n, ok3, lost, refused);
	ck_assert_msg(WIFSIGNALED(k[0].st) && WTERMSIG(k[0].st) == SIGKILL,
		      "child %d on node 3 through the cut: status %#x, want killed by SIGKILL",
		      longer, k[0].st);
	/* node 3 back, and working */
	ck_assert_int_eq(cp_wait_nodes_up(cp_expected_nodes(), 20000), 0);
	/* the cut was a node going down here, and adoption there */
	cpp_marks_assert_rose(m, 2, fault());
	for (int t = 0; t < 100; t++) {
		pid_t p = cpp_spawn_try(3, ARGS("exit", "7"));
		int st;

		if (p < 0) {	/* a peer accepts it once it saw it again */
			cp_sleep_ms(100);
			continue;
		}
		ck_assert_int_eq(waitpid(p, &st, 0), p);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 7,
			      "child on node 3 after the heal: status %#x, want exited 7",
			      st);
		/* adopted on node 3, alive */
		snprintf(v, sizeof(v), "%d", longer);
		p = cpp_spawn(3, 0, ARGS("kill", v, "0"));
		ck_assert_int_eq(waitpid(p, &st, 0), p);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			      "kill(%d, 0) on node 3 after the heal: status %#x (exit %d), want exit 0 (adopted there)",
			      longer, st, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		/*
		 * Its pid held here: kill() finds it on node 3. Before the
		 * hold: ESRCH here, and node 1 free to hand the pid out
		 * while it lived.
		 */
		held_then_free(longer);
		p = cpp_spawn(3, 0, ARGS("zombies"));
		ck_assert_int_eq(waitpid(p, &st, 0), p);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			      "zombies on node 3 after the heal: %d, want 0",
			      WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return;
	}
	ck_abort_msg("no remote exec to node 3 worked in 10 s after the heal");
}
END_TEST

/* nodes 2 and 3: stay until node 1 is done, partition and all */
START_TEST(test_partition_peer)
{
	/* node 1's race may take longer than cp_barrier's 60 s on a slow host */
	ck_assert_int_eq(cp_barrier_ms(BAR_DONE, cp_env_node(),
				       cp_expected_nodes(), NULL, 160000), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("clusterproc_partition");
	TCase *tc = tcase_create("partition");
	int self = cp_env_node(), failed;

	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_partition: not all nodes up\n");
	tcase_set_timeout(tc, self == 1 ? 120 : 170);
	tcase_add_test(tc, self == 1 ? test_partition_mid_race :
				       test_partition_peer);
	suite_add_tcase(s, tc);
	failed = cp_run_suite(s, CK_NORMAL, CK_FORK_GETENV);
	/* pass or fail, let the peers go */
	if (self == 1 && cp_barrier(BAR_DONE, self, cp_expected_nodes(), NULL))
		fprintf(stderr, "test_partition: end barrier failed\n");
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
