/* Helpers for the process-model tests (remote exec, wait, races). */
#ifndef CP_PROC_UTIL_H
#define CP_PROC_UTIL_H

#include <sys/types.h>
#include "cp_wire.h"	/* CP_PID_SHIFT */

#define CP_PID_NODE(pid) ((unsigned int)(pid) >> CP_PID_SHIFT)
/* cp_rchild word: what it puts where */
#define CP_WORD_ADDR	0x20000000UL
#define CP_WORD		0x5ca1ab1e0ddba11UL
#define CP_WORD2	0xfeedfacecafef00dUL

/* Absolute path of a guest test program next to this one. */
void cpp_prog_path(const char *name, char *buf, size_t len);
/*
 * Fork a child that runs cp_rchild ARGS... on node (cp_rexecvp), with
 * default signal dispositions; pgrp < 0: in our process group, 0: its
 * own, > 0: that one. Returns its pid once it has exec'd (here, or its
 * move to node is complete); the test fails if fork or the exec fails.
 */
pid_t cpp_spawn_in(int node, pid_t pgrp, const char *const *args);
/* A signal handler that does nothing. */
void cpp_noop_handler(int sig);
/* cpp_spawn_in() in our group, or (own_pgrp) in its own. */
pid_t cpp_spawn(int node, int own_pgrp, const char *const *args);
/* As cpp_spawn() in our group, but a failed exec or move is no test
 * failure: -1 and its errno (the child reaped). */
pid_t cpp_spawn_try(int node, const char *const *args);
/* Wait (up to ms) until cp_where(pid) == node: 0, or -1. */
int cpp_wait_where(pid_t pid, int node, int ms);
/* Counter of node (this node directly, others through peer_stats). */
long long cpp_stat(int node, const char *name);
/* cpp_stat() until it is @want, up to @ms (polled): its last value */
long long cpp_stat_within(int node, const char *name, long long want, int ms);
/*
 * Path proof: a counter's value at a mark. cpp_marks_take() reads each
 * (node, name); cpp_marks_assert_rose() prints each one's rise and fails
 * the test naming every counter that did not rise since the mark. Take
 * the marks in the test, or in an unchecked fixture for a tcase whose
 * last test checks what the ones before it did.
 */
struct cpp_mark {
	int node;
	const char *name;
	long long at;
};

#define CPP_MARK(node, name) { (node), (name), 0 }

void cpp_marks_take(struct cpp_mark *m, size_t n);
void cpp_marks_assert_rose(const struct cpp_mark *m, size_t n,
			   const char *what);
/* Error counters: fails naming every one that moved since the mark. */
void cpp_marks_assert_same(const struct cpp_mark *m, size_t n,
			   const char *what);
/*
 * Run "cs-fail NODE WHAT [SECS]" (the launcher's failures, sim/fail/) and
 * wait for it: its exit status (0 done, 1 refused, 2 usage), 127 if it
 * could not run, 128 if it died, -1 if fork or wait failed. @secs NULL:
 * none (crash, restart).
 */
int cpp_cs_fail(const char *node, const char *what, const char *secs);
/* Set debugfs delay_us/<point> (0: off). 0 or -errno. */
int cpp_set_delay(const char *point, unsigned int us);
/* waitpid(@pid, @st, WNOHANG) every 10 ms for up to @ms: its result. */
pid_t cpp_wait_within(pid_t pid, int *st, int ms);
/*
 * Our child @pid ends, killed by @sig, within @ms (polled: a remote child
 * is reaped on its node); if it is still there, it is killed (nothing
 * left behind) and the test fails naming @what.
 */
void cpp_assert_dies_within(pid_t pid, int sig, int ms, const char *what);
/*
 * Our child @pid ended killed by @sig: waitid(WNOWAIT)'s siginfo says so
 * (CLD_KILLED), then waitpid() reaps it with that status.
 */
void cpp_assert_killed(pid_t pid, int sig, const char *what);
/*
 * Boot crashed @node (which runs no command of its own) again (cs-fail
 * NODE restart), wait up to @ms for every node's module to see it up
 * (each one's node_up_events rose) and for its init to have joined (its
 * DONE published: a peer that ended its run before would leave it unable
 * to join), and prove it works: a child moved there exits with the
 * status it chose.
 */
void cpp_restart_node(int node, int ms);
/*
 * A process of @node's that is not our child (the child of *@owner, our
 * child there, in its own group, running "cp_rchild word"), attached
 * with PTRACE_ATTACH, stopped, and its word read back: its pid.
 */
pid_t cpp_trace_grandchild(int node, pid_t *owner);

#endif
