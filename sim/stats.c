/* stats.c: memory used by one node (all processes of its process group). */
#include "cluster.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pid_t pgrp_of(const char *pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	int pgrp = -1;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f)) {
		/* pid (comm) state ppid pgrp: comm may contain blanks */
		p = strrchr(buf, ')');
		if (p && sscanf(p + 1, " %*c %*d %d", &pgrp) != 1)
			pgrp = -1;
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

int cs_mem_by_pgrp(const pid_t *pgid, int n, long *pss, long *rss)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int found = 0;

	for (int i = 0; i < n; i++)
		pss[i] = rss[i] = 0;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		pid_t g;
		long p, r;
		int i;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		g = pgrp_of(e->d_name);
		for (i = 0; i < n && pgid[i] != g; i++)
			;
		if (i == n || mem_of(e->d_name, &p, &r))
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
	fprintf(f, "nodes=%d\nmem_mb=%u\nkernel=%s\nkrel=%s\nmodule=%s\n",
		c->n, c->mem_mb, c->kernel, c->krel,
		c->module[0] ? c->module : "none");
	fprintf(f, "first_up_s=%.3f\nlast_up_s=%.3f\njoined_s=%.3f\n",
		c->nup ? c->t_first_up : -1.0, c->nup ? c->t_last_up : -1.0,
		c->all_joined_reported ? c->t_joined : -1.0);
	fprintf(f, "pss_kib_per_node=%ld\nrss_kib_per_node=%ld\nwall_s=%.3f\n",
		c->pss_kb, c->rss_kb, cs_elapsed(c));
	if (fclose(f))
		fprintf(stderr, "clustersim: %s: %s\n", path, strerror(errno));
}
