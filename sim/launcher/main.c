/* main.c: clustersim: boot a UML (or QEMU) cluster, run a scenario, tear it down. */
#include "cluster.h"
#include "kernel_pick.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#define USAGE_ERR 2

struct setup {
	struct cs_scenario sc;
	bool have_sc;
	char guestdir[PATH_MAX];
};

static int usage_error(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "clustersim: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return USAGE_ERR;
}

static int find_file(const char *given, const char *bindir, const char *rel,
		     char *out, size_t len, bool required, const char *what)
{
	char buf[PATH_MAX + 64];

	if (given)
		snprintf(buf, sizeof(buf), "%s", given);
	else
		snprintf(buf, sizeof(buf), "%s/%s", bindir, rel);
	if (!realpath(buf, out) || access(out, R_OK)) {
		out[0] = '\0';
		if (!given && !required)
			return 0;
		return usage_error("%s not found: %s", what, buf);
	}
	(void)len;
	return 0;
}

static bool flavor_built(const char *flavor, void *arg)
{
	const char *bindir = arg;
	char rel[PATH_MAX], path[PATH_MAX * 2 + 2];

	if (cs_flavor_path(flavor, "kernel", rel, sizeof(rel)))
		return false;
	snprintf(path, sizeof(path), "%s/%s", bindir, rel);
	return access(path, R_OK) == 0;
}

/*
 * No --kernel (--qemu-kernel): the first built flavor of cs_kernel_flavors
 * (the default one, else debug; cs_qemu_flavors for QEMU); its module goes
 * with it unless --module names one. Returns the flavor, or NULL after a
 * one-line error.
 */
static const char *pick_kernel(struct cs_cluster *c, enum cs_backend b,
			       char *rel, size_t rlen, char *mrel, size_t mlen)
{
	const char *const *fl = b == CS_BACKEND_QEMU ? cs_qemu_flavors :
				cs_kernel_flavors;
	const char *f = cs_flavor_pick(fl, flavor_built, c->bindir);

	if (!f && b == CS_BACKEND_QEMU) {
		fprintf(stderr, "clustersim: no QEMU kernel built in %s/../qemu/{%s,%s}/vmlinux: run 'make qemu' or pass --qemu-kernel\n",
			c->bindir, fl[0], fl[1]);
		return NULL;
	}
	if (!f) {
		fprintf(stderr, "clustersim: no kernel built in %s/../uml/{%s,%s}/linux: run 'make kernel' or pass --kernel\n",
			c->bindir, fl[0], fl[1]);
		return NULL;
	}
	if (cs_flavor_path(f, "kernel", rel, rlen) ||
	    cs_flavor_path(f, "module", mrel, mlen)) {
		fprintf(stderr, "clustersim: path too long under %s\n",
			c->bindir);
		return NULL;
	}
	return f;
}

/*
 * The kernel and module of backend @b: given (--kernel, --module; --qemu-*
 * for QEMU) or picked; its banner. 0, or a usage error (printed).
 */
static int resolve_image(struct cs_cluster *c, const struct cs_opts *o,
			 enum cs_backend b)
{
	struct cs_kimage *k = &c->img[b];
	bool qemu = b == CS_BACKEND_QEMU;
	const char *given = qemu ? o->qemu_kernel : o->kernel;
	const char *mgiven = qemu ? o->qemu_module : o->module;
	const char *opt = qemu ? "--qemu-kernel" : "--kernel";
	char krel[PATH_MAX] = "../uml/default/linux";
	char mrel[PATH_MAX] = "../module/default/clusterproc.ko";
	const char *flavor = NULL;
	int rc;

	if (!given) {
		flavor = pick_kernel(c, b, krel, sizeof(krel), mrel,
				     sizeof(mrel));
		if (!flavor)
			return USAGE_ERR;
	}
	rc = find_file(given, c->bindir, krel, k->kernel, sizeof(k->kernel),
		       true, qemu ? "QEMU kernel" : "kernel");
	if (rc)
		return rc;
	if (flavor)
		fprintf(stderr, "clustersim: no %s given: the %s kernel %s%s\n",
			opt, flavor, k->kernel,
			flavor == cs_kernel_flavors[0] ||
			flavor == cs_qemu_flavors[0] ? "" :
			" (the default flavor is not built)");
	if (!qemu && access(k->kernel, X_OK))
		return usage_error("kernel %s is not executable", k->kernel, "");
	if (qemu && given && !mgiven && !o->no_module) {
		/*
		 * --qemu-kernel without --qemu-module: the module built for
		 * that kernel (build/qemu/F/vmlinux -> build/module/F/),
		 * never UML's default one (x86_64 cannot load it: "Exec
		 * format error" in every node); none if it is not there.
		 */
		char dir[PATH_MAX], *slash;

		snprintf(dir, sizeof(dir), "%s", k->kernel);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		slash = strrchr(dir, '/');
		k->module[0] = '\0';
		if (slash && strncmp(slash + 1, "qemu", 4) == 0 &&
		    snprintf(mrel, sizeof(mrel), "%.*s/../module/%s/clusterproc.ko",
			     (int)(slash - dir), dir, slash + 1) < (int)sizeof(mrel) &&
		    (!realpath(mrel, k->module) || access(k->module, R_OK)))
			k->module[0] = '\0';
	} else if (!o->no_module) {
		rc = find_file(mgiven, c->bindir, mrel, k->module,
			       sizeof(k->module), false,
			       qemu ? "QEMU module" : "module");
		if (rc)
			return rc;
	}
	if (cs_kernel_banner(k->kernel, k->kbanner, sizeof(k->kbanner),
			     k->krel, sizeof(k->krel)))
		return usage_error("kernel %s: no 'Linux version' banner inside: not a Linux kernel",
				   k->kernel, "");
	if (o->expect_krel_suffix && !cs_str_ends_with(k->krel, o->expect_krel_suffix))
		fprintf(stderr, "clustersim: warning: kernel release %s does not end in %s: kernel-identity will fail\n",
			k->krel, o->expect_krel_suffix);
	if (qemu && cs_qemu_prepare(c))
		return USAGE_ERR;
	return 0;
}

/* Which backend runs each node: the command line, else the scenario. */
static int assign_backends(struct cs_cluster *c, const struct cs_opts *o,
			   const struct setup *s)
{
	unsigned long long all = c->n >= 64 ? ~0ULL : (1ULL << c->n) - 1, q = 0;
	char err[128];

	if (o->backend_given)
		q = o->backend == CS_BACKEND_QEMU ? all : 0;
	else if (o->qemu_nodes)
		q = o->qemu_nodes;
	else if (s->have_sc)
		q = s->sc.qemu_all ? all : s->sc.qemu_nodes;
	if (q & ~all) {
		snprintf(err, sizeof(err),
			 "QEMU node %d named, but the cluster has %d node%s",
			 64 - __builtin_clzll(q), c->n, c->n == 1 ? "" : "s");
		return usage_error("%s", err, "");
	}
	for (int i = 0; i < c->n; i++) {
		c->node[i].backend = q >> i & 1 ? CS_BACKEND_QEMU :
				     CS_BACKEND_UML;
		c->img[c->node[i].backend].used = true;
	}
	return 0;
}

/* Validate everything and resolve paths; nothing is started here. */
static int prepare(struct cs_cluster *c, const struct cs_opts *o,
		   struct setup *s)
{
	char err[PATH_MAX + 512], tmp[PATH_MAX + 32];
	const char *hidden;
	int rc;

	if (cs_self_dir(c->bindir, sizeof(c->bindir)))
		return usage_error("cannot find own binary: %s", strerror(errno), "");
	rc = find_file(NULL, c->bindir, "cluster-init", c->init,
		       sizeof(c->init), true, "guest init");
	if (rc)
		return rc;
	/* a tree under /tmp or /run: the nodes mount it again over theirs */
	snprintf(tmp, sizeof(tmp), "%s/..", c->bindir);
	hidden = realpath(tmp, c->tree) ? cs_guest_hidden(c->tree) : NULL;
	if (!hidden || (strcmp(hidden, "/tmp") && strcmp(hidden, "/run")))
		c->tree[0] = '\0';
	snprintf(tmp, sizeof(tmp), "%s/../tests/guest", c->bindir);
	if (!realpath(tmp, s->guestdir))
		s->guestdir[0] = '\0';	/* no guest tests built: PROG needs a '/' */
	c->cmd = o->cmd;
	c->mem_mb = o->mem_mb ? o->mem_mb : CS_DEFAULT_MEM_MB;
	if (o->cmd == CS_CMD_RUN) {
		if (cs_scenario_load(o->scenario, &s->sc, err, sizeof(err)))
			return usage_error("%s", err, "");
		s->have_sc = true;
		if (o->nodes && o->nodes < s->sc.nodes) {
			snprintf(err, sizeof(err),
				 "--nodes %d is less than the scenario's 'nodes %d'",
				 o->nodes, s->sc.nodes);
			return usage_error("%s", err, "");
		}
		c->n = o->nodes ? o->nodes : s->sc.nodes;
		c->wire_delay = s->sc.wire_delay[0] ? s->sc.wire_delay : NULL;
		c->wire_loss = s->sc.wire_loss[0] ? s->sc.wire_loss : NULL;
		c->wire_dup = s->sc.wire_dup[0] ? s->sc.wire_dup : NULL;
		c->timeout = o->timeout ? o->timeout :
			     s->sc.timeout ? s->sc.timeout : CS_DEFAULT_TIMEOUT;
		for (size_t i = 0; i < s->sc.ncmds; i++) {
			struct cs_run_cmd *rc2 = &s->sc.cmds[i];
			char abs[PATH_MAX];

			if (cs_resolve_prog(s->guestdir, rc2->argv[0], abs,
					    sizeof(abs))) {
				snprintf(err, sizeof(err),
					 "%s:%d: program '%s' not found or not executable (looked in %s)",
					 o->scenario, rc2->line, rc2->argv[0],
					 strchr(rc2->argv[0], '/') ? "." :
					 s->guestdir);
				return usage_error("%s", err, "");
			}
			if (cs_guest_hidden(abs) &&
			    !cs_path_under(abs, c->tree)) {
				snprintf(err, sizeof(err),
					 "%s:%d: '%s' is under %s, which every node mounts its own over: build and run outside %s",
					 o->scenario, rc2->line, abs,
					 cs_guest_hidden(abs), cs_guest_hidden(abs));
				return usage_error("%s", err, "");
			}
			free(rc2->argv[0]);
			rc2->argv[0] = strdup(abs);
			if (!rc2->argv[0])
				return usage_error("out of memory", "", "");
		}
	} else {
		c->n = o->nodes ? o->nodes : 1;
		c->timeout = o->timeout ? o->timeout :
			     o->cmd == CS_CMD_SHELL ? 0 : CS_DEFAULT_TIMEOUT;
		if (o->cmd == CS_CMD_SHELL)
			c->shell_node = o->node;
	}
	/* the command line wins over the scenario */
	if (o->wire_delay)
		c->wire_delay = o->wire_delay;
	if (o->wire_loss)
		c->wire_loss = o->wire_loss;
	if (o->wire_dup)
		c->wire_dup = o->wire_dup;
	rc = assign_backends(c, o, s);
	/* stats and progress name the RAM of the nodes' kind (UML's if mixed) */
	if (!rc && !o->mem_mb && !c->img[CS_BACKEND_UML].used)
		c->mem_mb = CS_DEFAULT_QEMU_MEM_MB;
	for (int b = 0; !rc && b < CS_NBACKENDS; b++)
		if (c->img[b].used)
			rc = resolve_image(c, o, b);
	/* root: the nodes run as an unprivileged host user (nodeuser.c) */
	if (!rc && cs_node_user_prepare(c))
		rc = USAGE_ERR;
	return rc;
}

/*
 * Root: can the node user reach everything a node opens on the host (its
 * kernel, init, module, programs, job; its results directory to write)?
 * A tree in a mode-0700 directory (mktemp -d) is the usual reason not.
 */
static int check_node_access(const struct cs_cluster *c, const struct setup *s)
{
	const struct cs_kimage *u = &c->img[CS_BACKEND_UML];
	const struct cs_kimage *q = &c->img[CS_BACKEND_QEMU];
	size_t max = 8 + 2 * (size_t)c->n + (s->have_sc ? s->sc.ncmds : 0);
	struct cs_node_access *acc;
	char jobs[PATH_MAX + 8];
	size_t n = 0;
	int rc;

	if (!c->confined)
		return 0;
	acc = calloc(max, sizeof(*acc));
	if (!acc) {
		fprintf(stderr, "clustersim: out of memory\n");
		return -1;
	}
	acc[n++] = (struct cs_node_access){ "the guest init", c->init, X_OK };
	acc[n++] = (struct cs_node_access){ "the programs in", c->bindir,
					    R_OK | X_OK };
	acc[n++] = (struct cs_node_access){ "the build tree", c->tree,
					    R_OK | X_OK };
	if (u->used) {
		acc[n++] = (struct cs_node_access){ "the kernel", u->kernel, X_OK };
		acc[n++] = (struct cs_node_access){ "the module", u->module, R_OK };
		acc[n++] = (struct cs_node_access){ "the umid directory",
						    c->uml_dir, W_OK | X_OK };
	}
	if (q->used) {
		acc[n++] = (struct cs_node_access){ "the QEMU kernel", q->kernel,
						    R_OK };
		acc[n++] = (struct cs_node_access){ "the QEMU module", q->module,
						    R_OK };
	}
	snprintf(jobs, sizeof(jobs), "%s/jobs", c->run_dir);
	acc[n++] = (struct cs_node_access){ "the jobs in", jobs, X_OK };
	for (int i = 0; i < c->n; i++) {
		acc[n++] = (struct cs_node_access){ "the results directory",
						    c->node[i].results,
						    W_OK | X_OK };
	}
	for (size_t i = 0; s->have_sc && i < s->sc.ncmds; i++)
		acc[n++] = (struct cs_node_access){ "the program",
						    s->sc.cmds[i].argv[0], X_OK };
	rc = cs_node_user_check(c, acc, n);
	free(acc);
	return rc;
}

static int block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTTOU);
	sigaddset(&set, SIGTTIN);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static int start_all(struct cs_cluster *c, struct setup *s)
{
	char err[512];
	int rc;

	if (cs_jobs_write(c, s->have_sc ? &s->sc : NULL, err, sizeof(err))) {
		fprintf(stderr, "clustersim: %s\n", err);
		return -1;
	}
	if (c->confined)
		cs_progress(c, "clustersim is root: nodes, switches and cables run as user %s (uid %u, gid %u), writing only runs/%s/node<N>/, uml/ and the switch directories",
			    c->node_user, (unsigned)c->node_uid,
			    (unsigned)c->node_gid, c->id);
	for (int b = 0; b < CS_NBACKENDS; b++) {
		const struct cs_kimage *k = &c->img[b];
		int nb = 0;

		for (int i = 0; i < c->n; i++)
			nb += c->node[i].backend == (enum cs_backend)b;
		if (!k->used)
			continue;
		cs_progress(c, "run %s: %d %s node%s%s, kernel %s (%s)%s%s, timeout %s",
			    c->id, nb, b == CS_BACKEND_QEMU ? "QEMU" : "UML",
			    nb == 1 ? "" : "s",
			    b == CS_BACKEND_QEMU ? (strcmp(c->qemu_accel, "kvm") ?
						   " (TCG)" : " (KVM)") : "",
			    k->kernel, k->krel[0] ? k->krel : "release unknown",
			    k->module[0] ? ", module " : "", k->module,
			    c->timeout ? "set" : "none");
	}
	if (cs_switch_start(c, c->switch_dir, "vde_switch") < 0 ||
	    cs_wire_start(c))
		return -1;
	for (int i = 0; i < c->n; i++) {
		if (cs_node_start(c, &c->node[i]))
			return -1;
		/* one client plugs into a switch at a time (cluster.h) */
		rc = cs_switch_wait_ports(c->node_wire[i], c->node_port[i], 1,
					  c->node[i].pid, CS_PLUG_BOUND_MS);
		if (rc == -2) {
			fprintf(stderr, "clustersim: node%d: %s exited before plugging into port %d of %s (see %s)\n",
				i + 1, c->node[i].backend == CS_BACKEND_QEMU ?
				"QEMU" : "UML", c->node_port[i], c->node_wire[i],
				c->node[i].console);
			return -1;
		}
		if (rc) {
			fprintf(stderr, "clustersim: node%d did not plug into port %d of %s in %d s (see %s)\n",
				i + 1, c->node_port[i], c->node_wire[i],
				CS_PLUG_BOUND_MS / 1000, c->node[i].console);
			return -1;
		}
	}
	cs_progress(c, "%d node%s booting, consoles in %s/node<N>.console",
		    c->n, c->n == 1 ? "" : "s", c->run_dir);
	return 0;
}

int main(int argc, char **argv)
{
	static struct cs_cluster c;	/* large; zeroed */
	struct setup s = { .have_sc = false };
	struct cs_opts o;
	struct termios tio;
	bool have_tio = false;
	char err[512];
	int rc, left, trace_rc;

	if (cs_parse_args(argc, argv, &o, err, sizeof(err))) {
		fprintf(stderr, "clustersim: %s\n", err);
		return USAGE_ERR;
	}
	if (o.cmd == CS_CMD_HELP) {
		fputs(cs_usage_text, stdout);
		return 0;
	}
	c.o = &o;
	c.guard_fd = -1;
	c.pss_kb = c.rss_kb = c.cpu_ms = -1;
	rc = prepare(&c, &o, &s);
	if (rc) {
		if (s.have_sc)
			cs_scenario_free(&s.sc);
		return rc;
	}
	/* runs/<id>/: an unusable --runs is bad usage, nothing started;
	 * so is a run the node user cannot reach (root) */
	rc = cs_rundir_create(&c, o.runs ? o.runs : "runs") ? 1 :
	     check_node_access(&c, &s) ? USAGE_ERR : 0;
	if (rc) {
		if (s.have_sc)
			cs_scenario_free(&s.sc);
		return c.bad_runs ? USAGE_ERR : rc;
	}
	if (block_signals() || prctl(PR_SET_CHILD_SUBREAPER, 1)) {
		fprintf(stderr, "clustersim: signal set-up: %s\n", strerror(errno));
		return 1;
	}
	if (c.shell_node && isatty(0) && tcgetattr(0, &tio) == 0)
		have_tio = true;
	clock_gettime(CLOCK_MONOTONIC, &c.t0);
	if (cs_guard_start(&c) == 0 && start_all(&c, &s) == 0)
		cs_monitor(&c);
	else
		c.failed_early = true;
	cs_scan_consoles(&c, false);
	left = cs_teardown(&c);
	if (have_tio)
		tcsetattr(0, TCSANOW, &tio);
	cs_scan_consoles(&c, true);
	cs_progress(&c, "cluster stopped");
	cs_write_stats(&c);
	trace_rc = o.trace && c.run_dir[0] ? cs_trace_run(&c) : 0;
	if (!c.run_dir[0])
		rc = 1;
	else if (c.cmd == CS_CMD_RUN)
		rc = cs_report_run(&c, &s.sc);
	else if (c.cmd == CS_CMD_EXEC)
		rc = cs_report_exec(&c, o.node);
	else
		rc = cs_report_shell(&c, o.node);
	if (s.have_sc)
		cs_scenario_free(&s.sc);
	if ((left || trace_rc) && !rc)
		rc = 1;
	if (c.interrupted && (rc == 0 || c.cmd == CS_CMD_EXEC))
		rc = 128 + c.signo;
	return rc;
}
