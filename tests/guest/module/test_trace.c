/*
 * The module's trace ring (hooks/clusterproc/trace.c) records a remote
 * wait on the nodes where it happens. Runs on nodes 1 and 2 of a cluster
 * (tests/scenarios/trace.scn): node 1 forks a child that moves to node 2
 * (sh -c 'sleep 1; exit 7'), marks "wait" and waits for it, marks
 * "reaped". Each node switches its ring on if `clustersim --trace` did
 * not, then checks its own ring after the wait:
 *   node 1: hook wait_task for the child, release point
 *           wait_task_released, send REAP to node 2, receive its reply
 *           (same request id), the op's result (the pid), the death event
 *           received from node 2 before that;
 *   node 2: hook notify_parent for the child, the event queued for node 1,
 *           flushed with result 0, sent to node 1; REAP received from
 *           node 1 and its reply sent with the same request id.
 * Before that, the mark "exec" starts the move itself (REXEC); after it,
 * kill(-pgrp) of a group with a member on node 2, between the marks
 * "kill" and "killed" (a kill sent to node 2 and answered); then the
 * E10 rescan made to happen (wait_rescan(), "rescan".."rescanned").
 * The charts of this run are the module README's remote-exec,
 * remote-wait and kill-pgrp pictures (make docs-record).
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "cs_tipc.h"
#include "libclusterproc.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TRACE_DIR CP_DEBUGFS "/"
#define BARRIER_ON	0x43530030u	/* both rings on */
#define BARRIER_DONE	0x43530031u	/* node 1's wait is over */
#define MAX_EV 8192

struct ev {
	unsigned long long ts, seq, req;
	int node, task, peer, arg, subj;
	char kind[16], comm[32], what[40];
};

static struct ev evs[MAX_EV];
static int nev;
static int self_node;

/* the ring as it is now; ck fails on a line that is not 11 words */
static void read_ring(void)
{
	FILE *f = fopen(TRACE_DIR "trace", "r");
	char line[512];

	ck_assert_msg(f != NULL, "open trace: %s", strerror(errno));
	nev = 0;
	while (fgets(line, sizeof(line), f) && nev < MAX_EV) {
		struct ev *e = &evs[nev];

		if (line[0] == '#')
			continue;
		ck_assert_msg(sscanf(line, "%llu %d %llu %15s %d %31s %39s %d %llx %d %d",
				     &e->ts, &e->node, &e->seq, e->kind, &e->task,
				     e->comm, e->what, &e->peer, &e->req, &e->arg,
				     &e->subj) == 11, "bad trace line: %s", line);
		ck_assert_int_eq(e->node, self_node);
		nev++;
	}
	fclose(f);
}

/* first event at or after @from: kind, what, peer (-1 any), subj (0 any) */
static int find(int from, const char *kind, const char *what, int peer,
		int subj)
{
	for (int i = from < 0 ? 0 : from; i < nev; i++)
		if (!strcmp(evs[i].kind, kind) && !strcmp(evs[i].what, what) &&
		    (peer < 0 || evs[i].peer == peer) &&
		    (!subj || evs[i].subj == subj))
			return i;
	return -1;
}

static int find_mark(const char *text)
{
	for (int i = 0; i < nev; i++)
		if (!strcmp(evs[i].kind, "mark") && !strcmp(evs[i].comm, text))
			return i;
	return -1;
}

static void mark(const char *text)
{
	ck_assert_int_eq(cp_write_file(TRACE_DIR "trace_mark", text), 0);
}

static bool turned_on;

/* switch the ring on unless clustersim --trace did */
static void trace_on(void)
{
	FILE *f = fopen(TRACE_DIR "trace_on", "r");
	int c;

	ck_assert_msg(f != NULL, "open trace_on: %s", strerror(errno));
	c = fgetc(f);
	fclose(f);
	if (c != '1') {
		ck_assert_int_eq(cp_write_file(TRACE_DIR "trace_on", "1"), 0);
		turned_on = true;
	}
}

static void trace_restore(void)
{
	if (turned_on)
		cp_write_file(TRACE_DIR "trace_on", "0");
}

static pid_t group;

static void on_term(int sig)
{
	(void)sig;
}

/*
 * kill(-pgrp) of a group spread over two nodes: leader L here (catches
 * SIGTERM), its child M moved to node 2 (sleep 30, default SIGTERM).
 * Between the marks "kill" and "killed": the kill op, the group's kill
 * sent to node 2 and M's stand-in's kill forwarded there. L then reaps
 * M (killed by SIGTERM) and exits 0.
 */
static void kill_group(void)
{
	int fds[2], st, n;
	pid_t m = 0, r;

	ck_assert_int_eq(pipe(fds), 0);
	group = fork();
	ck_assert_int_ge(group, 0);
	if (group == 0) {
		setpgid(0, 0);
		signal(SIGTERM, on_term);
		m = fork();
		if (m == 0) {
			char *argv[] = { "sleep", "30", NULL };

			cp_rexecvp(2, "sleep", argv);
			_exit(126);
		}
		if (write(fds[1], &m, sizeof(m)) != sizeof(m))
			_exit(3);
		do
			r = waitpid(m, &st, 0);
		while (r < 0 && errno == EINTR);
		_exit(r == m && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM ? 0 : 4);
	}
	setpgid(group, group);
	close(fds[1]);
	ck_assert_int_eq(read(fds[0], &m, sizeof(m)), (int)sizeof(m));
	close(fds[0]);
	for (n = 0; cp_where(m) != 2 && n < 500; n++)
		cp_sleep_ms(10);
	ck_assert_int_eq(cp_where(m), 2);
	mark("kill");
	ck_assert_int_eq(kill(-group, SIGTERM), 0);
	mark("killed");
	do
		r = waitpid(group, &st, 0);
	while (r < 0 && errno == EINTR);
	ck_assert_int_eq(r, group);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "the group's leader: status %#x (4: its child on node 2 not killed by SIGTERM)",
		      st);
}

/*
 * The E10 race, made to happen: a remote child stopped, its parent's
 * waitpid(WUNTRACED) finds the stop, drops tasklist_lock at
 * wait_task_released (held open 300 ms by its delay), and meanwhile a
 * helper continues the child. Node 2 then has no stop to confirm: the op
 * returns RESCAN, do_wait() takes the lock again and scans on, and the
 * wait ends only with the child's SIGKILL (the helper's next step).
 * Between the marks "rescan" and "rescanned".
 */
static void wait_rescan(void)
{
	const char *hits = "point.wait_task_released.hits";
	long long h0 = 0, h = 0;
	pid_t pid, helper, r;
	int st, n;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *argv[] = { "sleep", "30", NULL };

		cp_rexecvp(2, "sleep", argv);
		_exit(126);
	}
	for (n = 0; cp_where(pid) != 2 && n < 500; n++)
		cp_sleep_ms(10);
	ck_assert_int_eq(cp_where(pid), 2);
	ck_assert_int_eq(cp_write_file(CP_DEBUGFS "/delay_us/wait_task_released", "300000"), 0);
	ck_assert_int_eq(cp_file_value(CP_DEBUGFS "/stats", hits, &h0), 0);
	ck_assert_int_eq(kill(pid, SIGSTOP), 0);
	helper = fork();
	ck_assert_int_ge(helper, 0);
	if (helper == 0) {
		/* the parent is in the release window: continue the child */
		for (n = 0; n < 1000 && (cp_file_value(CP_DEBUGFS "/stats", hits, &h) ||
					 h <= h0); n++)
			usleep(5000);
		if (kill(pid, SIGCONT))
			_exit(1);
		usleep(500000);
		_exit(kill(pid, SIGKILL) ? 2 : 0);
	}
	mark("rescan");
	do
		r = waitpid(pid, &st, WUNTRACED);
	while (r < 0 && errno == EINTR);
	mark("rescanned");
	cp_write_file(CP_DEBUGFS "/delay_us/wait_task_released", "0");
	ck_assert_int_eq(r, pid);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		      "status %#x: want killed by SIGKILL (the stop was gone when node 2 was asked)", st);
	do
		r = waitpid(helper, &st, 0);
	while (r < 0 && errno == EINTR);
	ck_assert_msg(r == helper && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "helper: status %#x", st);
}

START_TEST(test_remote_wait_traced)
{
	int nodes = cp_expected_nodes();
	pid_t pid, r;
	int st, i, w, send, reply, hook, rel, ret, deadline;

	trace_on();
	cp_barrier_ck(BARRIER_ON, self_node, 2);
	if (self_node == 2) {
		int q, fl, sent, reap, rsend;
		pid_t child;

		cp_barrier_ck(BARRIER_DONE, 2, 2);
		read_ring();
		hook = find(0, "hook", "hook_notify_parent", -1, 0);
		ck_assert_msg(hook >= 0, "no hook_notify_parent in node 2's ring (%d events)", nev);
		child = evs[hook].subj;
		ck_assert_int_eq(CP_PID_NODE(child), 1);
		q = find(hook, "queue", "event", 1, child);
		ck_assert_msg(q >= 0, "no event queued for node 1 after the notify hook of %d", child);
		fl = find(q, "flush", "event", 1, child);
		ck_assert_msg(fl >= 0 && evs[fl].arg == 0, "event of %d not flushed to node 1 with 0", child);
		sent = find(q, "send", "event", 1, 0);
		ck_assert_msg(sent >= 0 && sent < fl, "the event was not sent to node 1 before its flush ended");
		reap = find(0, "recv", "reap", 1, 0);
		ck_assert_msg(reap >= 0, "no REAP received from node 1");
		rsend = find(reap, "send", "reap.reply", 1, 0);
		ck_assert_msg(rsend >= 0 && evs[rsend].req == evs[reap].req,
			      "no REAP reply with the request's id %llx", evs[reap].req);
		ck_assert_msg(find(0, "recv", "rexec", 1, 0) >= 0, "no REXEC received from node 1");
		ck_assert_msg(find(rsend, "recv", "kill", 1, 0) >= 0,
			      "no kill received from node 1 after the REAP");
		trace_restore();
		return;
	}
	ck_assert_int_eq(self_node, 1);
	ck_assert_int_ge(nodes, 2);
	mark("exec");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *argv[] = { "sh", "-c", "sleep 1; exit 7", NULL };

		cp_rexecvp(2, "sh", argv);
		_exit(126);
	}
	/* moved: the wait below is a remote wait from its start */
	for (deadline = 0; cp_where(pid) != 2 && deadline < 500; deadline++)
		cp_sleep_ms(10);
	ck_assert_int_eq(cp_where(pid), 2);
	mark("wait");
	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	mark("reaped");
	ck_assert_int_eq(r, pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 7, "status %#x", st);
	kill_group();
	wait_rescan();
	read_ring();
	cp_barrier_ck(BARRIER_DONE, 1, 2);
	/* the move: execve hook, REXEC to node 2 and its reply */
	i = find_mark("exec");
	ck_assert_msg(i >= 0 && find(i, "hook", "hook_execve", 2, pid) >= 0,
		      "no hook_execve of %d to node 2 after the mark 'exec'", pid);
	i = find(i, "send", "rexec", 2, 0);
	ck_assert_msg(i >= 0 && find(i, "recv", "rexec.reply", 2, 0) >= 0,
		      "no REXEC to node 2 answered");
	/* kill(-pgrp): the group's op, a kill to node 2 answered */
	i = find_mark("kill");
	ck_assert_msg(i >= 0 && find(i, "hook", "hook_kill_pgrp", -1, group) >= 0,
		      "no hook_kill_pgrp of group %d after the mark 'kill'", group);
	i = find(i, "send", "kill", 2, 0);
	ck_assert_msg(i >= 0 && find(i, "recv", "kill.reply", 2, 0) >= 0 &&
		      find(i, "recv", "kill.reply", 2, 0) < find_mark("killed"),
		      "no kill sent to node 2 and answered before kill(2) returned");
	/* the race: RESCAN after the release point, the lock taken again */
	i = find_mark("rescan");
	ck_assert_msg(i >= 0, "no mark 'rescan'");
	i = find(i, "ret", "hook_wait_task", -1, 0);
	while (i >= 0 && evs[i].arg != -EAGAIN)
		i = find(i + 1, "ret", "hook_wait_task", -1, 0);
	ck_assert_msg(i >= 0 && i < find_mark("rescanned"),
		      "no RESCAN (-EAGAIN) of the wait_task op between 'rescan' and 'rescanned'");
	ck_assert_msg(find(i, "retake", "wait_task_released", -1, evs[i].subj) == i + 1,
		      "RESCAN not followed by tasklist_lock retaken");
	w = find_mark("wait");
	ck_assert_msg(w >= 0, "no mark 'wait' in node 1's ring (%d events)", nev);
	ck_assert_msg(find(w, "recv", "event", 2, 0) >= 0, "no death event received from node 2");
	/* the wait that reaps: the last scan, after the event */
	for (hook = -1, i = find(w, "hook", "hook_wait_task", -1, pid); i >= 0;
	     i = find(i + 1, "hook", "hook_wait_task", -1, pid))
		if (find(i, "release", "wait_task_released", -1, 0) >= 0)
			hook = i;
	ck_assert_msg(hook >= 0, "no hook_wait_task for %d followed by its release point", pid);
	rel = find(hook, "release", "wait_task_released", -1, 0);
	send = find(rel, "send", "reap", 2, 0);
	ck_assert_msg(send >= 0, "no REAP sent to node 2 after the release point");
	reply = find(send, "recv", "reap.reply", 2, 0);
	ck_assert_msg(reply >= 0 && evs[reply].req == evs[send].req,
		      "no REAP reply from node 2 with the request's id %llx", evs[send].req);
	ret = find(reply, "ret", "hook_wait_task", -1, pid);
	ck_assert_msg(ret >= 0 && evs[ret].arg == pid, "the op did not return the pid %d", pid);
	ck_assert_msg(evs[hook].task == evs[send].task && evs[send].task == evs[ret].task,
		      "hook, REAP and result not in one task");
	trace_restore();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("Core");

	self_node = cp_env_node();
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_remote_wait_traced);
	suite_add_tcase(s, tc);
	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_trace: not all nodes up\n");
	return cp_run_suite(s, CK_NORMAL, CK_NOFORK) ? EXIT_FAILURE : EXIT_SUCCESS;
}
