/*
 * Helpers for the clusterproc guest tests: debugfs files, forgery,
 * cluster barriers and running a Check suite.
 */
#ifndef CP_TEST_UTIL_H
#define CP_TEST_UTIL_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#define CP_DEBUGFS "/sys/kernel/debug/clusterproc"

struct cp_self {
	int node;
	int max_node;
	unsigned int tipc_type;
	unsigned int port;
	int reserved;		/* 1: the module uses the reserved type */
};

struct cp_node_line {
	int node;
	int up;
	unsigned int addr;
	unsigned int port;
	unsigned long long rtt_ns;
	int last_ping;
};

/* Read a "name value" line of a file. 0 or -errno (-ENOENT: no line). */
int cp_file_value(const char *path, const char *name, long long *val);
/* This node's counter. Aborts the test on error. */
long long cp_stat(const char *name);
/* Node's counters through the module (peer_stats). 0 or -errno. */
int cp_peer_stat(int node, const char *name, long long *val);
/* Write a string to a file. 0 or -errno (the write's error). */
int cp_write_file(const char *path, const char *s);
int cp_read_self(struct cp_self *self);
/* Parse the nodes file: number of lines filled in, or -errno. */
int cp_read_nodes(struct cp_node_line *lines, int max);
int cp_count_up(void);
/* Wait until n nodes are up. 0 or -ETIMEDOUT. */
int cp_wait_nodes_up(int n, int timeout_ms);
/* Wait until this node sees @node up (1) or down (0): 0, or -ETIMEDOUT. */
int cp_wait_node_state(int node, int up, int timeout_ms);
/* Wait until counter name >= target. Returns its last value. */
long long cp_wait_stat(const char *name, long long target, int timeout_ms);
/* Expected cluster size: $CP_NODES, default 3. */
int cp_expected_nodes(void);
/* This node's number: $CS_NODE (cluster-init sets it), 0 if unset. */
int cp_env_node(void);
/* Send one datagram to TIPC service {type, inst} from a new user socket. */
int cp_forge_send(unsigned int type, unsigned int inst, const void *buf,
		  size_t len);
void cp_sleep_ms(int ms);
/* Ping node through the module (debugfs ping): 0 or -errno. */
int cp_ping(int node);

/*
 * Barrier of nodes 1..nodes: publish TIPC service {type, self}, wait up
 * to 60 s until every node has. 0, or -errno (errno set too). The
 * publication stays until the process exits; with fd, its socket is put
 * there (-1 if none) for the caller to close earlier.
 */
int cp_barrier(uint32_t type, int self, int nodes, int *fd);
/* cp_barrier() bounded by @ms instead of 60 s (a peer waiting out a
 * long measurement or race on another node). */
int cp_barrier_ms(uint32_t type, int self, int nodes, int *fd, int ms);
/* cp_barrier, the test fails on error. */
void cp_barrier_ck(uint32_t type, int self, int nodes);

/*
 * Run every test of s (fork: CK_FORK_GETENV, the default, or CK_NOFORK),
 * print in mode, free the runner: how many tests failed.
 */
int cp_run_suite(Suite *s, enum print_output mode, enum fork_status fork);

/* A live (not zombie) process of the module's cluster-wide ps. */
struct cp_ps_proc {
	int node, pid, ppid, pgrp, sid, uid;
	char state;
	char comm[32];
};

/*
 * Find the live process called comm on node, waiting up to 10 s for it
 * to appear: 1 (filled in), 0 (none), -errno.
 */
int cp_ps_find(int node, const char *comm, struct cp_ps_proc *out);
/* Is pid a live process of node (1, filled in) or not (0)? -errno */
int cp_ps_scan_pid(int node, int pid, struct cp_ps_proc *out);
/* The live members of process group pgrp on node: count, or -errno. */
int cp_ps_pgrp_members(int node, int pgrp, int *pids, int max);
/* A live child of ppid on node: 1 (filled in), 0 (none), -errno. */
int cp_ps_child_of(int node, int ppid, struct cp_ps_proc *out);

#endif
