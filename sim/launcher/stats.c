/* stats.c: memory and CPU used by the nodes (all processes of their groups). */
#include "cluster.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Process group and CPU time (user + system + reaped children, ticks). */
static pid_t pgrp_of(const char *pid, unsigned long long *ticks)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	long long cut, cst;
	FILE *f;
	int pgrp = -1;

	*ticks = 0;
	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f)) {
		/* pid (comm) state ppid pgrp session tty tpgid flags minflt
		 * cminflt majflt cmajflt utime stime cutime cstime: comm may
		 * contain blanks */
		p = strrchr(buf, ')');
		if (!p || sscanf(p + 1, " %*c %*d %d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld",
				 &pgrp, &ut, &st, &cut, &cst) != 5)
			pgrp = -1;
		else
			*ticks = ut + st + (unsigned long long)(cut + cst);
	}
	fclose(f);
	return pgrp;
}

/* Pss and Rss (KiB) of one process from smaps_rollup; -1 on error. */
static int mem_of(const char *pid, long *pss, long *rss)
{
	char path[64], line[256];
	FILE *f;
	long v;

	*pss = *rss = -1;
	snprintf(path, sizeof(path), "/proc/%s/smaps_rollup", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Rss: %ld kB", &v) == 1)
			*rss = v;
		else if (sscanf(line, "Pss: %ld kB", &v) == 1)
			*pss = v;
	}
	fclose(f);
	return *pss >= 0 && *rss >= 0 ? 0 : -1;
}

int cs_usage_by_pgrp(const pid_t *pgid, int n, long *pss, long *rss,
		     long *cpu_ms)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long hz = sysconf(_SC_CLK_TCK);
	int found = 0;

	for (int i = 0; i < n; i++)
		pss[i] = rss[i] = cpu_ms[i] = 0;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		unsigned long long ticks;
		pid_t g;
		long p, r;
		int i;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		g = pgrp_of(e->d_name, &ticks);
		for (i = 0; i < n && pgid[i] != g; i++)
			;
		if (i == n)
			continue;
		cpu_ms[i] += (long)(ticks * 1000 / (unsigned long long)(hz > 0 ? hz : 100));
		if (mem_of(e->d_name, &p, &r))
			continue;
		pss[i] += p;
		/* a node's processes share its memory file: the largest
		 * RSS is the node's, not their sum */
		if (r > rss[i])
			rss[i] = r;
		found++;
	}
	closedir(d);
	return found ? 0 : -1;
}

void cs_write_stats(const struct cs_cluster *c)
{
	char path[PATH_MAX + 16];
	FILE *f;

	if (!c->run_dir[0])
		return;
	snprintf(path, sizeof(path), "%s/stats", c->run_dir);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "clustersim: %s: %s\n", path, strerror(errno));
		return;
	}
	const struct cs_kimage *u = &c->img[CS_BACKEND_UML];
	const struct cs_kimage *q = &c->img[CS_BACKEND_QEMU];
	int nq = 0;

	for (int i = 0; i < c->n; i++)
		nq += c->node[i].backend == CS_BACKEND_QEMU;
	fprintf(f, "nodes=%d\nqemu_nodes=%d\nmem_mb=%u\n", c->n, nq, c->mem_mb);
	if (u->used)
		fprintf(f, "kernel=%s\nkrel=%s\nmodule=%s\n", u->kernel,
			u->krel, u->module[0] ? u->module : "none");
	if (q->used)
		fprintf(f, "qemu_kernel=%s\nqemu_krel=%s\nqemu_module=%s\nqemu_accel=%s\nqemu_smp=%d\n",
			q->kernel, q->krel, q->module[0] ? q->module : "none",
			c->qemu_accel, c->smp);
	fprintf(f, "first_up_s=%.3f\nlast_up_s=%.3f\njoined_s=%.3f\n",
		c->nup ? c->t_first_up : -1.0, c->nup ? c->t_last_up : -1.0,
		c->all_joined_reported ? c->t_joined : -1.0);
	fprintf(f, "pss_kib_per_node=%ld\nrss_kib_per_node=%ld\ncpu_ms_per_node_at_join=%ld\nwall_s=%.3f\n",
		c->pss_kb, c->rss_kb, c->cpu_ms, cs_elapsed(c));
	if (fclose(f))
		fprintf(stderr, "clustersim: %s: %s\n", path, strerror(errno));
}
