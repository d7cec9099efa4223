/* monitor.c: watch the running cluster: consoles, exits, deadline, signals. */
#include "cluster.h"
#include "vde_port.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

double cs_elapsed(const struct cs_cluster *c)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - c->t0.tv_sec) +
	       (double)(now.tv_nsec - c->t0.tv_nsec) / 1e9;
}

void cs_progress(const struct cs_cluster *c, const char *fmt, ...)
{
	va_list ap;

	if (c->o->quiet)
		return;
	fprintf(stderr, "[%7.2fs] ", cs_elapsed(c));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct line_ctx {
	struct cs_cluster *c;
	struct cs_node *nd;
};

static int count_joined(const struct cs_cluster *c)
{
	int n = 0;

	for (int i = 0; i < c->n; i++)
		n += c->node[i].joined;
	return n;
}

/* Mean PSS, RSS and CPU used per node, now. */
static void measure_memory(struct cs_cluster *c)
{
	pid_t pg[CS_MAX_NODES];
	long pss[CS_MAX_NODES], rss[CS_MAX_NODES], cpu[CS_MAX_NODES];
	long tp = 0, tr = 0, tc = 0;
	int n = 0;

	c->pss_kb = c->rss_kb = c->cpu_ms = -1;
	for (int i = 0; i < c->n; i++)
		if (!c->node[i].exited && c->node[i].pid > 0)
			pg[n++] = c->node[i].pid;
	if (!n || cs_usage_by_pgrp(pg, n, pss, rss, cpu))
		return;
	for (int i = 0; i < n; i++) {
		tp += pss[i];
		tr += rss[i];
		tc += cpu[i];
	}
	c->pss_kb = tp / n;
	c->rss_kb = tr / n;
	c->cpu_ms = tc / n;
}

/*
 * A node still waiting for its peers past the bound (init_diag.c): what it
 * says (its TIPC links, eth0 counters) and what the switch says of its
 * port. Shown even with --quiet: it is why a run would time out.
 */
static void link_diag(struct cs_cluster *c, const struct cs_node *nd,
		      const struct cs_progress *p)
{
	int port = c->node_port[nd->num - 1];
	const char *sw = c->node_wire[nd->num - 1];
	struct cs_vde_port vp;

	fprintf(stderr, "clustersim: node%d: not joined at %.1fs: %s\n",
		nd->num, cs_elapsed(c), p->detail);
	if (cs_switch_port(sw, port, &vp))
		fprintf(stderr, "clustersim: node%d: switch port %d: no answer from %s/mgmt\n",
			nd->num, port, sw);
	else
		fprintf(stderr, "clustersim: node%d: port %d of %s (%s, %s): %ld frames in from the node, %ld out to it\n",
			nd->num, port, sw, vp.active ? "active" : "INACTIVE",
			vp.descr[0] ? vp.descr : "no endpoint", vp.in_pkts,
			vp.out_pkts);
}

static void on_progress(struct cs_cluster *c, struct cs_node *nd,
			const struct cs_progress *p)
{
	if (p->node != nd->num)
		return;
	snprintf(nd->phase, sizeof(nd->phase), "%s", p->phase);
	nd->t_phase = cs_elapsed(c);
	if (strcmp(p->phase, "fatal") == 0) {
		nd->fatal = true;
		fprintf(stderr, "clustersim: node%d: fatal: %s\n", nd->num,
			p->detail);
		return;
	}
	if (strcmp(p->phase, "linkwait") == 0) {
		link_diag(c, nd, p);
		return;
	}
	if (strcmp(p->phase, "error") == 0 || strcmp(p->phase, "warning") == 0) {
		/* shown even with --quiet: the reason a run fails */
		fprintf(stderr, "clustersim: node%d: %s: %s\n", nd->num,
			p->phase, p->detail);
		return;
	}
	if (strcmp(p->phase, "joined") == 0)
		nd->joined = true;
	if (strcmp(p->phase, "done") == 0)
		nd->done = true;
	cs_progress(c, "node%d: %s%s%s", nd->num, p->phase,
		    p->detail[0] ? " " : "", p->detail);
	if (strcmp(p->phase, "up") == 0) {
		c->t_last_up = cs_elapsed(c);
		if (!c->nup++)
			c->t_first_up = c->t_last_up;
	}
	if (nd->joined && count_joined(c) == c->n && !c->all_joined_reported) {
		c->all_joined_reported = 1;
		c->t_joined = cs_elapsed(c);
		cs_progress(c, "all %d nodes joined", c->n);
		measure_memory(c);
		if (c->pss_kb > 0)
			cs_progress(c, "memory per node: %.1f MiB PSS, %.1f MiB RSS (mem=%uM)",
				    c->pss_kb / 1024.0, c->rss_kb / 1024.0,
				    c->mem_mb);
	}
}

static void on_line(const char *line, void *arg)
{
	struct line_ctx *x = arg;
	struct cs_progress p;
	const char *splat = cs_splat_match(line);

	if (splat) {
		x->nd->splats++;
		x->c->total_splats++;
		fprintf(stderr, "clustersim: node%d: KERNEL SPLAT: %s\n",
			x->nd->num, splat);
	}
	if (cs_progress_parse(line, &p) == 0)
		on_progress(x->c, x->nd, &p);
}

/* Shell node: copy what the kernel wrote to its serial console (a pipe) to
 * the console file, where the scan below finds it. */
static void drain_klog(struct cs_node *nd, bool close_after)
{
	char buf[16384];
	ssize_t r;

	while ((r = read(nd->klog_rd, buf, sizeof(buf))) > 0)
		for (ssize_t off = 0; off < r;) {
			ssize_t w = write(nd->klog_file, buf + off,
					  (size_t)(r - off));

			if (w <= 0)
				break;
			off += w;
		}
	if (r == 0 || close_after) {
		close(nd->klog_rd);
		close(nd->klog_file);
		nd->klog_rd = nd->klog_file = -1;
	}
}

void cs_scan_consoles(struct cs_cluster *c, bool close_after)
{
	for (int i = 0; i < c->n; i++) {
		struct cs_node *nd = &c->node[i];
		struct line_ctx x = { c, nd };
		char buf[16384];
		ssize_t r;

		if (nd->klog_rd >= 0)
			drain_klog(nd, close_after);
		if (nd->con_fd < 0)
			continue;
		while ((r = read(nd->con_fd, buf, sizeof(buf))) > 0)
			cs_linebuf_feed(&nd->lb, buf, (size_t)r, on_line, &x);
		if (close_after) {
			cs_linebuf_flush(&nd->lb, on_line, &x);
			close(nd->con_fd);
			nd->con_fd = -1;
		}
	}
}

/* Did init write its final status file? */
static bool status_done(const struct cs_node *nd)
{
	char path[PATH_MAX + 16];
	struct stat st;

	snprintf(path, sizeof(path), "%s/init.done", nd->results);
	return stat(path, &st) == 0;
}

static void on_exit_pid(struct cs_cluster *c, pid_t pid, int st)
{
	for (int i = 0; i < c->nhelpers; i++) {
		struct cs_helper *h = &c->helper[i];

		if (h->pid != pid || h->exited)
			continue;
		h->exited = true;
		fprintf(stderr, "clustersim: %s exited unexpectedly (status 0x%x; see its log in %s)\n",
			h->name, st, c->run_dir);
		c->failed_early = true;
		return;
	}
	for (int i = 0; i < c->n; i++) {
		struct cs_node *nd = &c->node[i];

		if (nd->pid != pid || nd->exited)
			continue;
		nd->exited = true;
		nd->wstatus = st;
		nd->t_exit = cs_elapsed(c);
		cs_scan_consoles(c, false);
		if (status_done(nd)) {
			cs_progress(c, "node%d: powered off", nd->num);
			return;
		}
		if (nd->crashed) {	/* cs-fail NODE crash: as asked */
			cs_progress(c, "node%d: crashed on request", nd->num);
			return;
		}
		if (WIFSIGNALED(st))
			fprintf(stderr,
				"clustersim: node%d: %s died with signal %d before finishing (see %s)\n",
				nd->num, nd->backend == CS_BACKEND_QEMU ?
				"QEMU" : "UML", WTERMSIG(st), nd->console);
		else
			fprintf(stderr,
				"clustersim: node%d: %s exited (status %d) before finishing (see %s)\n",
				nd->num, nd->backend == CS_BACKEND_QEMU ?
				"QEMU" : "UML", WEXITSTATUS(st), nd->console);
		c->failed_early = true;
	}
}

static bool all_exited(const struct cs_cluster *c)
{
	for (int i = 0; i < c->n; i++)
		if (!c->node[i].exited)
			return false;
	return true;
}

void cs_monitor(struct cs_cluster *c)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	for (;;) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		int st, sig;
		pid_t p;

		cs_scan_consoles(c, false);
		while ((p = waitpid(-1, &st, WNOHANG)) > 0)
			on_exit_pid(c, p, st);
		if (c->failed_early || all_exited(c))
			return;
		cs_silent_check(c);
		cs_faults_check(c);
		if (c->shell_node && c->node[c->shell_node - 1].exited)
			return;
		if (c->timeout && cs_elapsed(c) >= c->timeout) {
			c->timed_out = true;
			fprintf(stderr, "clustersim: timeout after %d s; phases:",
				c->timeout);
			for (int i = 0; i < c->n; i++)
				fprintf(stderr, " node%d=%s", c->node[i].num,
					c->node[i].crashed ? "crashed" :
					c->node[i].exited ? "off" :
					c->node[i].phase);
			fputc('\n', stderr);
			/* before the tear-down: QEMU still answers */
			for (int i = 0; i < c->n; i++)
				if (c->node[i].backend == CS_BACKEND_QEMU &&
				    !c->node[i].exited && !c->node[i].done)
					cs_qemu_dump_cpus(c, &c->node[i]);
			return;
		}
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
			c->interrupted = true;
			c->signo = sig;
			fprintf(stderr, "clustersim: %s: stopping the cluster\n",
				strsignal(sig));
			return;
		}
	}
}
