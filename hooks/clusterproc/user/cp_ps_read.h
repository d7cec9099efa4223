/* Reading the clusterproc module's cluster-wide process list. */
#ifndef CP_PS_READ_H
#define CP_PS_READ_H

#include <stdio.h>

#define CP_PS_FILE "/sys/kernel/debug/clusterproc/ps"

struct cp_ps_line {
	unsigned int node;
	int pid, ppid, pgrp, sid, uid;
	char state;
	char comm[40];
};

/*
 * Call fn for each process line of f (the module's ps file). Returns 0,
 * or fn's first non-zero return value. Comment lines go to note (may be
 * NULL) so that a node that did not answer is reported.
 */
int cp_ps_each(FILE *f, int (*fn)(const struct cp_ps_line *l, void *arg),
	       void *arg, FILE *note);

#endif
