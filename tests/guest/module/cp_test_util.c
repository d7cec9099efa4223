/* Helpers for the clusterproc guest tests: see cp_test_util.h */
#include "cp_test_util.h"
#include "cs_tipc.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/tipc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

void cp_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int cp_ping(int node)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", node);
	return cp_write_file(CP_DEBUGFS "/ping", buf);
}

int cp_barrier(uint32_t type, int self, int nodes, int *fd)
{
	return cp_barrier_ms(type, self, nodes, fd, 60000);
}

int cp_barrier_ms(uint32_t type, int self, int nodes, int *fd, int ms)
{
	struct cs_tipc_sub s;
	int e = 0, pub;

	if (fd)
		*fd = -1;
	if (cs_tipc_sub_open(&s, type, nodes))
		return errno ? -errno : -EIO;
	pub = cs_tipc_publish(type, (uint32_t)self);
	if (pub < 0 || cs_tipc_sub_wait(&s, ms) != 0)
		e = errno ? errno : EIO;
	cs_tipc_sub_close(&s);
	if (fd)
		*fd = pub;
	if (e)
		errno = e;
	return -e;
}

void cp_barrier_ck(uint32_t type, int self, int nodes)
{
	int rc = cp_barrier(type, self, nodes, NULL);

	ck_assert_msg(rc == 0, "barrier %#x: %s", type, strerror(-rc));
}

int cp_run_suite(Suite *s, enum print_output mode, enum fork_status fork)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_set_fork_status(sr, fork);
	srunner_run_all(sr, mode);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed;
}

int cp_file_value(const char *path, const char *name, long long *val)
{
	char line[256], key[128];
	long long v;
	int found = -ENOENT;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %lld", key, &v) == 2 &&
		    strcmp(key, name) == 0) {
			*val = v;
			found = 0;
			break;
		}
	}
	if (fclose(f) != 0 && found == 0)
		return -errno;
	return found;
}

long long cp_stat(const char *name)
{
	long long v = 0;
	int rc = cp_file_value(CP_DEBUGFS "/stats", name, &v);

	ck_assert_msg(rc == 0, "stat %s: %s", name, strerror(-rc));
	return v;
}

int cp_write_file(const char *path, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	if (n < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (close(fd) != 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int cp_peer_stat(int node, const char *name, long long *val)
{
	char buf[16];
	int rc;

	snprintf(buf, sizeof(buf), "%d", node);
	rc = cp_write_file(CP_DEBUGFS "/peer_stats", buf);
	if (rc)
		return rc;
	return cp_file_value(CP_DEBUGFS "/peer_stats", name, val);
}

int cp_read_self(struct cp_self *self)
{
	char line[128], key[64], val[64];
	FILE *f = fopen(CP_DEBUGFS "/self", "r");

	if (!f)
		return -errno;
	memset(self, 0, sizeof(*self));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %63s", key, val) != 2)
			continue;
		if (!strcmp(key, "node"))
			self->node = atoi(val);
		else if (!strcmp(key, "max_node"))
			self->max_node = atoi(val);
		else if (!strcmp(key, "tipc_type"))
			self->tipc_type = (unsigned int)strtoul(val, NULL, 0);
		else if (!strcmp(key, "port"))
			self->port = (unsigned int)strtoul(val, NULL, 0);
		else if (!strcmp(key, "mode"))
			self->reserved = !strcmp(val, "reserved");
	}
	if (fclose(f) != 0)
		return -errno;
	return self->node > 0 ? 0 : -EPROTO;
}

int cp_read_nodes(struct cp_node_line *lines, int max)
{
	char line[256], state[16];
	int n = 0;
	FILE *f = fopen(CP_DEBUGFS "/nodes", "r");

	if (!f)
		return -errno;
	while (n < max && fgets(line, sizeof(line), f)) {
		struct cp_node_line *l = &lines[n];
		unsigned int gen;
		unsigned long long up_ms;

		if (line[0] == '#')
			continue;
		if (sscanf(line, "%d %15s %x %u %u %llu %llu %d", &l->node,
			   state, &l->addr, &l->port, &gen, &up_ms, &l->rtt_ns,
			   &l->last_ping) != 8)
			continue;
		l->up = !strcmp(state, "up");
		n++;
	}
	if (fclose(f) != 0)
		return -errno;
	return n;
}

int cp_count_up(void)
{
	struct cp_node_line lines[64];
	int i, up = 0, n = cp_read_nodes(lines, 64);

	for (i = 0; i < n; i++)
		up += lines[i].up;
	return n < 0 ? n : up;
}

int cp_wait_nodes_up(int want, int timeout_ms)
{
	int waited;

	for (waited = 0; waited <= timeout_ms; waited += 50) {
		if (cp_count_up() >= want)
			return 0;
		cp_sleep_ms(50);
	}
	return -ETIMEDOUT;
}

static int node_state(int node)
{
	struct cp_node_line l[64];
	int i, n = cp_read_nodes(l, 64);

	for (i = 0; i < n; i++)
		if (l[i].node == node)
			return l[i].up;
	return 0;
}

int cp_wait_node_state(int node, int up, int timeout_ms)
{
	int t;

	for (t = 0; t <= timeout_ms; t += 50) {
		if (node_state(node) == up)
			return 0;
		cp_sleep_ms(50);
	}
	return -ETIMEDOUT;
}

long long cp_wait_stat(const char *name, long long target, int timeout_ms)
{
	long long v = 0;
	int waited;

	for (waited = 0; waited <= timeout_ms; waited += 20) {
		v = cp_stat(name);
		if (v >= target)
			break;
		cp_sleep_ms(20);
	}
	return v;
}

int cp_expected_nodes(void)
{
	const char *s = getenv("CP_NODES");
	int n = s ? atoi(s) : 3;

	return n > 0 ? n : 3;
}

int cp_env_node(void)
{
	const char *s = getenv("CS_NODE");

	return s ? atoi(s) : 0;
}

int cp_forge_send(unsigned int type, unsigned int inst, const void *buf,
		  size_t len)
{
	struct sockaddr_tipc dst = {
		.family = AF_TIPC,
		.addrtype = TIPC_SERVICE_ADDR,
		.addr.name.name.type = type,
		.addr.name.name.instance = inst,
		.addr.name.domain = 0,
	};
	ssize_t n;
	int e = 0, fd = socket(AF_TIPC, SOCK_RDM, 0);

	if (fd < 0)
		return -errno;
	n = sendto(fd, buf, len, 0, (struct sockaddr *)&dst, sizeof(dst));
	if (n < 0)
		e = -errno;
	else if ((size_t)n != len)
		e = -EIO;
	if (close(fd) != 0 && !e)
		e = -errno;
	return e;
}

/* Call fn for every live process line of the ps file. 0 or -errno. */
static int cp_ps_scan(int (*fn)(const struct cp_ps_proc *e, void *arg),
		      void *arg)
{
	char line[256];
	struct cp_ps_proc e;
	int rc = 0;
	FILE *f = fopen(CP_DEBUGFS "/ps", "r");

	if (!f)
		return -errno;
	while (!rc && fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%d %d %d %d %d %d %c %31s", &e.node, &e.pid,
			   &e.ppid, &e.pgrp, &e.sid, &e.uid, &e.state,
			   e.comm) != 8)
			continue;
		if (e.state != 'Z' && e.state != 'X')
			rc = fn(&e, arg);
	}
	if (fclose(f) != 0 && !rc)
		return -errno;
	return rc;
}

struct cp_find_arg {
	int node;
	const char *comm;
	struct cp_ps_proc *out;
	int pgrp, *pids, max, n;
};

static int cp_find_fn(const struct cp_ps_proc *e, void *arg)
{
	struct cp_find_arg *a = arg;

	if (e->node != a->node || strcmp(e->comm, a->comm))
		return 0;
	*a->out = *e;
	return 1;
}

int cp_ps_find(int node, const char *comm, struct cp_ps_proc *out)
{
	struct cp_find_arg a = { .node = node, .comm = comm, .out = out };
	int rc = 0, waited;

	for (waited = 0; waited <= 10000; waited += 100) {
		rc = cp_ps_scan(cp_find_fn, &a);
		if (rc)
			return rc;
		cp_sleep_ms(100);
	}
	return rc;
}

static int cp_pgrp_fn(const struct cp_ps_proc *e, void *arg)
{
	struct cp_find_arg *a = arg;

	if (e->node == a->node && e->pgrp == a->pgrp && a->n < a->max)
		a->pids[a->n++] = e->pid;
	return 0;
}

int cp_ps_pgrp_members(int node, int pgrp, int *pids, int max)
{
	struct cp_find_arg a = { .node = node, .pgrp = pgrp, .pids = pids,
				 .max = max };
	int rc = cp_ps_scan(cp_pgrp_fn, &a);

	return rc < 0 ? rc : a.n;
}

static int cp_pid_fn(const struct cp_ps_proc *e, void *arg)
{
	struct cp_find_arg *a = arg;

	if (e->node != a->node || e->pid != a->pgrp)
		return 0;
	*a->out = *e;
	return 1;
}

static int cp_child_fn(const struct cp_ps_proc *e, void *arg)
{
	struct cp_find_arg *a = arg;

	if (e->node != a->node || e->ppid != a->pgrp)
		return 0;
	*a->out = *e;
	return 1;
}

int cp_ps_child_of(int node, int ppid, struct cp_ps_proc *out)
{
	struct cp_find_arg a = { .node = node, .pgrp = ppid, .out = out };

	return cp_ps_scan(cp_child_fn, &a);
}

int cp_ps_scan_pid(int node, int pid, struct cp_ps_proc *out)
{
	struct cp_find_arg a = { .node = node, .pgrp = pid, .out = out };

	return cp_ps_scan(cp_pid_fn, &a);
}
