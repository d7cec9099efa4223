/*
 * cps [-n NODE] [-k]: the cluster's processes, from every node's
 * clusterproc module. -n: one node only; -k: include kernel threads.
 */
#include "cp_ps_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cps_opts {
	unsigned int node;	/* 0: all */
	int kthreads;
	unsigned long shown;
};

static int cps_print(const struct cp_ps_line *l, void *arg)
{
	struct cps_opts *o = arg;

	if (o->node && l->node != o->node)
		return 0;
	if (!o->kthreads && l->comm[0] == '[')
		return 0;
	printf("%4u %8d %8d %8d %8d %6d %c %s\n", l->node, l->pid, l->ppid,
	       l->pgrp, l->sid, l->uid, l->state, l->comm);
	o->shown++;
	return 0;
}

int main(int argc, char **argv)
{
	struct cps_opts o = { 0, 0, 0 };
	FILE *f;
	int c;

	while ((c = getopt(argc, argv, "n:k")) != -1) {
		switch (c) {
		case 'n':
			o.node = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'k':
			o.kthreads = 1;
			break;
		default:
			fprintf(stderr, "usage: cps [-n NODE] [-k]\n");
			return 2;
		}
	}
	f = fopen(CP_PS_FILE, "r");
	if (!f) {
		fprintf(stderr, "cps: %s: %s\n", CP_PS_FILE, strerror(errno));
		return 1;
	}
	printf("NODE      PID     PPID     PGRP      SID    UID S COMMAND\n");
	cp_ps_each(f, cps_print, &o, stderr);
	if (ferror(f) || fclose(f) != 0) {
		fprintf(stderr, "cps: read error\n");
		return 1;
	}
	return 0;
}
