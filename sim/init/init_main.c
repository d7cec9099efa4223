/*
 * init_main.c: cluster-init, PID 1 of a clustersim node.
 *
 * Reads its orders from the kernel command line (CS_NODE, CS_NODES, CS_JOB,
 * CS_RESULTS, CS_TIMEOUT, CS_MODULE as environment), sets the node up,
 * joins the cluster over TIPC, runs the job, waits for every peer at an end
 * barrier and powers off. Every wait is bounded; any fatal error is printed
 * and the node powers off.
 */
#include "counters.h"
#include "cs_tipc.h"
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int env_int(const char *name, int lo, int hi, int dflt)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (!v || !*v)
		return dflt;
	n = strtol(v, &end, 10);
	if (*end || n < lo || n > hi)
		return -1;
	return (int)n;
}

static void missing_list(const struct cs_tipc_sub *s, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 1; i <= s->n && used + 8 < len; i++)
		if (!(s->seen & (1ULL << (i - 1))))
			used += (size_t)snprintf(out + used, len - used, " %d", i);
}

/* Publish {type, node} and wait until every node published it. */
static int cluster_wait(const struct ci *ci, uint32_t type, uint32_t gone,
			const char *what, int *pubfd)
{
	/* the bound: well above a normal join at this size (README) */
	int diag_ms = ci->nodes * 100 > CI_JOIN_DIAG_MS ? ci->nodes * 100 :
		      CI_JOIN_DIAG_MS;
	struct cs_tipc_sub s;
	char missing[256];
	int rc = -1;

	if (cs_tipc_sub_open(&s, type, ci->nodes) ||
	    (gone && cs_tipc_sub_gone(&s, gone))) {
		ci_say(ci, "error", "%s: topology subscription: %s", what,
		       strerror(errno));
		cs_tipc_sub_close(&s);
		return -1;
	}
	*pubfd = cs_tipc_publish(type, (uint32_t)ci->node);
	if (*pubfd < 0) {
		ci_say(ci, "error", "%s: publish: %s", what, strerror(errno));
		cs_tipc_sub_close(&s);
		return -1;
	}
	for (int waited = 0;;) {
		int left = ci->timeout * 1000 - (int)(ci_uptime() * 1000);
		int slice = left < CI_REAP_MS ? left : CI_REAP_MS;

		if (cs_tipc_sub_wait(&s, slice) == 0 || errno != ETIMEDOUT ||
		    left <= slice) {
			rc = s.nseen == s.n ? 0 : -1;
			break;
		}
		/* as init does: orphans that died meanwhile are reaped */
		ci_reap_orphans();
		waited += slice;
		if (waited < diag_ms)
			continue;
		waited = 0;
		/*
		 * Not joined within the bound: say why, keep waiting. Not
		 * at the end barrier: a peer still running its tests is
		 * normal there, and one that is gone withdraws its JOIN.
		 */
		if (!gone)
			ci_join_diag(ci, what, s.nseen, s.seen);
	}
	if (rc) {
		missing_list(&s, missing, sizeof(missing));
		ci_say(ci, "error", "%s: %d of %d nodes after %.1fs (%s); missing:%s",
		       what, s.nseen, s.n, ci_uptime(), strerror(errno), missing);
		cs_tipc_sub_close(&s);
		return -1;
	}
	if (s.gone) {
		for (int i = 1; i <= s.n; i++)
			if (s.gone & (1ULL << (i - 1)))
				ci_say(ci, "note", "%s: node %d left without its publication reaching us",
				       what, i);
	}
	cs_tipc_sub_close(&s);
	return 0;
}

static void mark_done(const struct ci *ci)
{
	int fd = open(CI_RESULTS "/init.done", O_WRONLY | O_CREAT | O_TRUNC |
		      O_CLOEXEC, 0644);

	if (fd < 0 || dprintf(fd, "node %d done %.2f\n", ci->node,
			      ci_uptime()) < 0 || fsync(fd) || close(fd))
		ci_say(ci, "error", "writing init.done: %s", strerror(errno));
	sync();
}

int main(int argc, char **argv)
{
	struct ci ci = { .module_fd = -1 };
	sigset_t chld;
	int joinfd, donefd, tol;
	bool trace;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	ci.node = env_int("CS_NODE", 1, 64, -1);
	ci.nodes = env_int("CS_NODES", 1, 64, -1);
	ci.timeout = env_int("CS_TIMEOUT", 1, 86400, 120);
	ci.job = getenv("CS_JOB");
	ci.results = getenv("CS_RESULTS");
	ci.module = getenv("CS_MODULE");
	ci.tree = getenv("CS_TREE");
	ci.self = argc > 0 ? argv[0] : NULL;
	tol = env_int("CS_TIPC_TOLERANCE", 50, 30000, CI_TIPC_TOLERANCE_MS);
	ci.tipc_tolerance = tol > 0 ? (unsigned int)tol : CI_TIPC_TOLERANCE_MS;
	tol = env_int("CS_TIPC_JOIN_TOLERANCE", 50, 30000,
		      CI_TIPC_JOIN_TOLERANCE_MS);
	ci.tipc_join_tolerance = tol > 0 ? (unsigned int)tol :
			       CI_TIPC_JOIN_TOLERANCE_MS;
	if (ci.node < 1 || ci.nodes < ci.node || ci.timeout < 1 || !ci.job ||
	    !ci.results) {
		ci.node = ci.node < 1 ? 0 : ci.node;
		ci_fatal(&ci, "bad or missing CS_NODE/CS_NODES/CS_TIMEOUT/CS_JOB/CS_RESULTS on the kernel command line");
	}
	if (getpid() != 1)
		ci_fatal(&ci, "cluster-init must run as PID 1");
	ci_say(&ci, "up", "%s", "");
	if (ci_set_hostname(&ci))
		ci_fatal(&ci, "sethostname node%d: %s", ci.node, strerror(errno));
	if (ci_read_job(&ci))
		ci_fatal(&ci, "cannot read the job file");
	if (ci_open_module(&ci))
		ci_fatal(&ci, "cannot open the module");
	if (ci_mount_all(&ci))
		ci_fatal(&ci, "mounting file systems failed");
	if (ci_read_key(&ci, ci.key, sizeof(ci.key)))
		ci_fatal(&ci, "cannot read the cluster key");
	if (ci_net_up(&ci))
		ci_fatal(&ci, "network set-up failed");
	if (ci_load_module(&ci))
		ci_fatal(&ci, "loading the module failed");
	/* before our JOIN: no node runs a command before every node saved */
	ci_save_stats(&ci, CS_STATS_START);
	if (cluster_wait(&ci, CS_SVC_JOIN, 0, "join", &joinfd))
		ci_fatal(&ci, "the cluster did not form");
	ci_say(&ci, "joined", "%d nodes", ci.nodes);
	if (ci.nodes > 1 && ci.tipc_tolerance != ci.tipc_join_tolerance)
		ci_tipc_set_tolerance(&ci, ci.tipc_tolerance);
	if (ci_drop_caps(ci_job_allows_module(&ci)))
		ci_fatal(&ci, "dropping CAP_SYS_ADMIN/CAP_SYS_MODULE: %s",
			 strerror(errno));
	trace = ci.module && ci_job_has_env(&ci, "CS_TRACE=1");
	if (trace && ci_trace_start(&ci))
		trace = false;
	ci_run_job(&ci);
	ci_say(&ci, "finished", "%s", "");
	/* a peer that is gone (JOIN withdrawn) cannot be waited for */
	if (cluster_wait(&ci, CS_SVC_DONE, CS_SVC_JOIN, "end barrier", &donefd))
		ci_say(&ci, "warning", "powering off without every peer");
	/*
	 * Every node's job is over: what the run made rise here, including
	 * what other nodes' commands did to this node (a node with no
	 * command of its own is done long before the others), once the last
	 * exits and reaps have settled
	 */
	ci_wait_idle(&ci);
	ci_save_stats(&ci, CS_STATS_END);
	/* after the barrier: every peer's part of the job is in the ring */
	if (trace)
		ci_trace_save(&ci);
	mark_done(&ci);
	ci_say(&ci, "done", "%s", "");
	/* let our DONE publication leave before the link dies with us */
	nanosleep(&(struct timespec){ 0, 30 * 1000 * 1000 }, NULL);
	ci_poweroff();
}
