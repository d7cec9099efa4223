/* jobs.c: write runs/<id>/jobs/node<N>.job for every node. */
#include "cluster.h"
#include "counters.h"
#include "jobfile.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int write_env(FILE *f, const char *k, const char *v)
{
	char kv[1024];
	char *w[1] = { kv };

	if ((size_t)snprintf(kv, sizeof(kv), "%s=%s", k, v) >= sizeof(kv))
		return -1;
	return cs_job_write(f, CS_JOB_ENV, w, 1);
}

/* CS_SMP: the CPUs a QEMU node was given (kernel-identity checks it) */
static int write_smp(FILE *f, const struct cs_cluster *c,
		     const struct cs_node *nd)
{
	char n[16];

	if (nd->backend != CS_BACKEND_QEMU)
		return 0;
	snprintf(n, sizeof(n), "%d", c->smp);
	return write_env(f, "CS_SMP", n);
}

void cs_run_name(const struct cs_run_cmd *rc, int seq, char *out, size_t len)
{
	char prog[PATH_MAX];

	snprintf(prog, sizeof(prog), "%s", rc->argv[0]);
	snprintf(out, len, "%02d-%s", seq, basename(prog));
}

static int write_run(FILE *f, const struct cs_run_cmd *rc, int seq,
		     struct cs_node *nd)
{
	char name[128];
	char *words[rc->argc + 2];

	cs_run_name(rc, seq, name, sizeof(name));
	words[0] = name;
	for (int i = 0; i < rc->argc; i++)
		words[i + 1] = rc->argv[i];
	nd->nexpect++;
	return cs_job_write(f, CS_JOB_RUN, words, rc->argc + 1);
}

static int write_node(struct cs_cluster *c, const struct cs_scenario *sc,
		      struct cs_node *nd, FILE *f)
{
	const struct cs_kimage *k = &c->img[nd->backend];
	int seq = 0;

	if (write_env(f, "CS_KREL", k->krel) ||
	    write_env(f, "CS_KBANNER", k->kbanner) ||
	    write_env(f, "CS_EXPECT_CLUSTERPROC",
		      c->o->expect_clusterproc ? "1" : "0") ||
	    write_env(f, "CS_EXPECT_KREL_SUFFIX",
		      c->o->expect_krel_suffix ? c->o->expect_krel_suffix : "") ||
	    write_env(f, "CS_RUN_ID", c->id) ||
	    write_env(f, "CS_BACKEND",
		      nd->backend == CS_BACKEND_QEMU ? "qemu" : "uml") ||
	    (c->o->trace && write_env(f, "CS_TRACE", "1")) ||
	    write_smp(f, c, nd))
		return -1;
	if (sc) {
		/* init reads it before it drops its capabilities */
		if (sc->allow_module &&
		    write_env(f, "CS_ALLOW_MODULE", "1"))
			return -1;
		for (size_t i = 0; i < sc->nenv; i++) {
			char *w[1] = { sc->env[i] };

			if (cs_job_write(f, CS_JOB_ENV, w, 1))
				return -1;
		}
	}
	/* the command line's --env after the scenario's: it wins */
	for (int i = 0; i < c->o->nenv; i++) {
		char *w[1] = { (char *)c->o->env[i] };

		if (cs_job_write(f, CS_JOB_ENV, w, 1))
			return -1;
	}
	if (sc) {
		for (size_t i = 0; i < sc->ncmds; i++) {
			const struct cs_run_cmd *rc = &sc->cmds[i];

			if (rc->node && rc->node != nd->num)
				continue;
			if (write_run(f, rc, ++seq, nd))
				return -1;
		}
	}
	if (c->cmd == CS_CMD_EXEC && c->o->node == nd->num)
		return cs_job_write(f, CS_JOB_EXEC, c->o->exec_argv,
				    c->o->exec_argc);
	if (c->cmd == CS_CMD_SHELL && c->o->node == nd->num)
		return cs_job_write(f, CS_JOB_SHELL, NULL, 0);
	return 0;
}

/*
 * runs/<id>/expect-zero: the scenario's `expect zero` patterns, one a
 * line, for the path table (sim/paths/) that reads the run afterwards
 */
static int write_expect_zero(const struct cs_cluster *c,
			     const struct cs_scenario *sc, char *err,
			     size_t errlen)
{
	char path[PATH_MAX + 32];
	FILE *f;
	int rc = 0;

	if (!sc || !sc->nexpect_zero)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", c->run_dir, CS_EXPECT_ZERO_FILE);
	f = fopen(path, "w");
	if (!f || fchmod(fileno(f), 0644)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	for (size_t i = 0; i < sc->nexpect_zero && !rc; i++)
		rc = fprintf(f, "%s\n", sc->expect_zero[i]) < 0;
	if (fclose(f) || rc) {
		snprintf(err, errlen, "%s: write failed", path);
		return -1;
	}
	return 0;
}

int cs_jobs_write(struct cs_cluster *c, const struct cs_scenario *sc,
		  char *err, size_t errlen)
{
	if (write_expect_zero(c, sc, err, errlen))
		return -1;
	for (int i = 0; i < c->n; i++) {
		struct cs_node *nd = &c->node[i];
		FILE *f = fopen(nd->job, "w");
		int rc;

		/* what the node reads, as the node user when we are root */
		if (!f || fchmod(fileno(f), 0644)) {
			snprintf(err, errlen, "%s: %s", nd->job, strerror(errno));
			if (f)
				fclose(f);
			return -1;
		}
		rc = write_node(c, sc, nd, f);
		if (fclose(f) || rc) {
			snprintf(err, errlen, "%s: write failed", nd->job);
			return -1;
		}
	}
	return 0;
}
