/* stats.c: memory used by one node (all processes of its process group). */
#include "cluster.h"

#include <dirent.h>
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

static long pss_of(const char *pid)
{
	char path[64], line[256];
	FILE *f;
	long kb = -1;

	snprintf(path, sizeof(path), "/proc/%s/smaps_rollup", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Pss: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

long cs_pgrp_pss_kb(pid_t pgid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long total = 0;
	int found = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		long kb;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		if (pgrp_of(e->d_name) != pgid)
			continue;
		kb = pss_of(e->d_name);
		if (kb > 0) {
			total += kb;
			found++;
		}
	}
	closedir(d);
	return found ? total : -1;
}
