/*
 * faults.c: failures a node asks for mid-run, so that a test can put one
 * exactly where its race is (the guest command cs-fail, sim/fail/).
 *
 * The request: cs-fail writes one line ("crash NODE", "restart NODE",
 * "partition NODE SECONDS" or "hang NODE SECONDS", fault_req.h) to fail.req in its node's
 * results directory (renamed into place, so it is read whole). The
 * monitor loop (every 20 ms) takes it, acts, and answers in fail.ack:
 * "ok" or "error: why". A crash kills the node's UML or QEMU (do_crash),
 * a restart boots a crashed node again (do_restart), a hang stops it for
 * a while (do_hang). A partition makes node NODE's
 * wirefilter (the run has one per node: a scenario 'wire' line or
 * --wire-*) drop 100 % of the frames both ways, then, SECONDS later,
 * restores the run's loss: the node is cut off from every other node, as
 * a pulled cable looks to both sides, and comes back. Every action goes
 * to runs/<id>/faults.log and the progress line.
 *
 * Trust: the request comes from a guest, i.e. from code under test; it is
 * parsed strictly, may name only this run's nodes, and can do nothing
 * but set this run's filters and signal this run's node processes.
 */
#include "cluster.h"
#include "fault_req.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int cs_wire_mgmt_path(const struct cs_cluster *c, int i, char *out,
		      size_t len)
{
	return (size_t)snprintf(out, len, "%s/wire%d/filter.mgmt", c->run_dir,
				i + 1) >= len ? -1 : 0;
}

static void fault_log(const struct cs_cluster *c, const char *fmt, ...)
{
	char path[PATH_MAX + 16], line[512];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	cs_progress(c, "fault: %s", line);
	snprintf(path, sizeof(path), "%s/faults.log", c->run_dir);
	f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, "%.3f %s\n", cs_elapsed(c), line);
	fclose(f);
}

/* Set node @i's wirefilter loss to @pct (both ways); 0 if it said so. */
static int filter_loss(const struct cs_cluster *c, int i, const char *pct)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char buf[1024], cmd[32];
	size_t used = 0;
	int fd, n, rc = -1;

	if (cs_wire_mgmt_path(c, i, a.sun_path, sizeof(a.sun_path)))
		return -1;
	n = snprintf(cmd, sizeof(cmd), "loss %s\n", pct);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    cs_read_until(fd, buf, sizeof(buf), &used, "$ ") == 0 &&
	    write(fd, cmd, (size_t)n) == n) {
		used = 0;
		if (cs_read_until(fd, buf, sizeof(buf), &used, "$ ") == 0 &&
		    strstr(buf, "1000 Success"))
			rc = 0;
	}
	close(fd);
	return rc;
}

static bool have_wires(const struct cs_cluster *c)
{
	return c->wire_delay || c->wire_loss || c->wire_dup;
}

static int do_partition(struct cs_cluster *c, const struct cs_fault_req *r,
			char *why, size_t wlen)
{
	struct cs_node *nd = &c->node[r->node - 1];

	if (!have_wires(c)) {
		snprintf(why, wlen, "no wirefilters in this run (add a 'wire' line to the scenario)");
		return -1;
	}
	if (nd->heal_at) {
		snprintf(why, wlen, "node %d is partitioned already", r->node);
		return -1;
	}
	if (filter_loss(c, r->node - 1, "100")) {
		snprintf(why, wlen, "node %d's wirefilter did not take 'loss 100'",
			 r->node);
		return -1;
	}
	nd->heal_at = cs_elapsed(c) + r->seconds;
	return 0;
}

/*
 * Power the node off: SIGKILL to its process group (UML's processes, or
 * QEMU). Its kernel gets no word of it, as with a pulled plug; its peers
 * see its links go silent. monitor.c takes the exit as asked for.
 */
static int do_crash(struct cs_cluster *c, int from,
		    const struct cs_fault_req *r, char *why, size_t wlen)
{
	struct cs_node *nd = &c->node[r->node - 1];

	if (r->node == from) {
		snprintf(why, wlen, "a node cannot crash itself (the answer would not reach it)");
		return -1;
	}
	if (nd->crashed || nd->exited || nd->pid <= 0) {
		snprintf(why, wlen, "node %d is not running", r->node);
		return -1;
	}
	nd->crashed = true;
	nd->t_crash = cs_elapsed(c);
	if (killpg(nd->pid, SIGKILL)) {
		nd->crashed = false;
		snprintf(why, wlen, "killpg node %d: %s", r->node,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Stop the node's kernel for a while, as a host overload or a long pause
 * looks: its clocks jump when it goes on. SIGSTOP to the node's main
 * process only: QEMU (its vCPU threads stop with it) or UML's kernel. A
 * UML kernel ptraces its user processes (other processes of the group):
 * a stop and continue sent to them reaches it as a ptrace event it does
 * not expect ("userspace - child stopped with signal 18", then "Attempted
 * to kill init!"); they wait for their kernel anyway.
 */
static int do_hang(struct cs_cluster *c, const struct cs_fault_req *r,
		   char *why, size_t wlen)
{
	struct cs_node *nd = &c->node[r->node - 1];

	if (nd->crashed || nd->exited || nd->pid <= 0) {
		snprintf(why, wlen, "node %d is not running", r->node);
		return -1;
	}
	if (nd->resume_at) {
		snprintf(why, wlen, "node %d is stopped already", r->node);
		return -1;
	}
	if (kill(nd->pid, SIGSTOP)) {
		snprintf(why, wlen, "killpg node %d: %s", r->node,
			 strerror(errno));
		return -1;
	}
	nd->resume_at = cs_elapsed(c) + r->seconds;
	return 0;
}

/*
 * Boot a node that was crashed on request again: same kernel, job and
 * results directory, its console appended to (cs_node_start). Its init
 * joins the running cluster (its peers still publish their JOIN) and
 * must then finish its part like any node.
 */
static int do_restart(struct cs_cluster *c, const struct cs_fault_req *r,
		      char *why, size_t wlen)
{
	struct cs_node *nd = &c->node[r->node - 1];
	char path[PATH_MAX + 16];

	if (!nd->crashed || !nd->exited) {
		snprintf(why, wlen, "node %d was not crashed (cs-fail %d crash first)%s",
			 r->node, r->node, nd->crashed ? ", or is not down yet" : "");
		return -1;
	}
	if (c->restarts >= CS_MAX_RESTARTS) {
		snprintf(why, wlen, "%d restarts in this run already",
			 c->restarts);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/init.done", nd->results);
	if (unlink(path) && errno != ENOENT) {
		snprintf(why, wlen, "init.done: %s", strerror(errno));
		return -1;
	}
	nd->exited = false;
	nd->done = false;
	nd->fatal = false;
	nd->joined = false;
	nd->silent_reported = false;
	nd->restarted++;
	c->restarts++;
	if (cs_node_start(c, nd)) {
		nd->exited = true;
		snprintf(why, wlen, "node %d did not start again", r->node);
		return -1;
	}
	nd->crashed = false;
	return 0;
}

/* Act on one request line; @why gets the error. */
static int fault_do(struct cs_cluster *c, int from, const char *req,
		    char *why, size_t wlen)
{
	struct cs_fault_req r;
	int rc = -1;

	if (cs_fault_parse(req, c->n, &r, why, wlen))
		return -1;
	switch (r.kind) {
	case CS_FAULT_PARTITION:
		rc = do_partition(c, &r, why, wlen);
		break;
	case CS_FAULT_CRASH:
		rc = do_crash(c, from, &r, why, wlen);
		break;
	case CS_FAULT_HANG:
		rc = do_hang(c, &r, why, wlen);
		break;
	case CS_FAULT_RESTART:
		rc = do_restart(c, &r, why, wlen);
		break;
	}
	if (rc)
		return rc;
	if (r.seconds)
		fault_log(c, "node %d asked: node %d %s for %d s", from, r.node,
			  r.kind == CS_FAULT_HANG ? "stopped" : "partitioned",
			  r.seconds);
	else
		fault_log(c, "node %d asked: node %d %s", from, r.node,
			  r.kind == CS_FAULT_CRASH ? "crashed (killed)" :
			  "booting again");
	return 0;
}

/* fail.ack in @dir: the answer cs-fail waits for (written, then renamed) */
static void fault_answer(const char *dir, const char *text)
{
	char tmp[PATH_MAX + 16], ack[PATH_MAX + 16];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/.fail.ack", dir);
	snprintf(ack, sizeof(ack), "%s/fail.ack", dir);
	/*
	 * The directory is the guest's: a name it planted (a symlink to a
	 * host file) is removed, never followed; rename() replaces fail.ack
	 * itself, whatever it is.
	 */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return;
	if (write(fd, text, strlen(text)) < 0 || close(fd) || rename(tmp, ack))
		unlink(tmp);
}

static void fault_take(struct cs_cluster *c, struct cs_node *nd)
{
	char path[PATH_MAX + 16], req[128], why[160], ans[192];
	struct stat sb;
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "%s/fail.req", nd->results);
	/* the guest's file: no symlink, no FIFO to block on, a file only */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return;
	r = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ?
	    read(fd, req, sizeof(req) - 1) : -1;
	close(fd);
	unlink(path);
	req[r > 0 ? r : 0] = '\0';
	req[strcspn(req, "\n")] = '\0';
	if (fault_do(c, nd->num, req, why, sizeof(why)) == 0) {
		fault_answer(nd->results, "ok\n");
		return;
	}
	fault_log(c, "node %d asked '%.60s': %s", nd->num, req, why);
	snprintf(ans, sizeof(ans), "error: %s\n", why);
	fault_answer(nd->results, ans);
}

void cs_faults_check(struct cs_cluster *c)
{
	double now = cs_elapsed(c);

	for (int i = 0; i < c->n; i++) {
		struct cs_node *nd = &c->node[i];

		if (!nd->exited && nd->results[0])
			fault_take(c, nd);
		if (nd->resume_at && now >= nd->resume_at) {
			nd->resume_at = 0;
			if (nd->exited || kill(nd->pid, SIGCONT) == 0)
				fault_log(c, "node %d goes on", nd->num);
			else
				fault_log(c, "node %d: SIGCONT: %s", nd->num,
					  strerror(errno));
		}
		if (!nd->heal_at || now < nd->heal_at)
			continue;
		nd->heal_at = 0;
		if (filter_loss(c, i, c->wire_loss ? c->wire_loss : "0"))
			fault_log(c, "node %d: its wirefilter did not take the heal",
				  nd->num);
		else
			fault_log(c, "node %d healed (loss %s%%)", nd->num,
				  c->wire_loss ? c->wire_loss : "0");
	}
}
