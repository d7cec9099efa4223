/*
 * where PID: the node(s) a process runs on, from the clusterproc
 * module's cluster-wide process list. Exit 0 if found, 1 if no node has
 * it. Until pids are clusterwide (the pid hook), several nodes may have
 * the same pid: each is printed.
 */
#include "cp_ps_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct where_arg {
	int pid;
	int found;
};

static int where_match(const struct cp_ps_line *l, void *arg)
{
	struct where_arg *w = arg;

	if (l->pid == w->pid) {
		printf("%d node%u %s\n", l->pid, l->node, l->comm);
		w->found++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct where_arg w = { 0, 0 };
	char *end;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: where PID\n");
		return 2;
	}
	w.pid = (int)strtol(argv[1], &end, 10);
	if (*end || w.pid <= 0) {
		fprintf(stderr, "where: bad pid %s\n", argv[1]);
		return 2;
	}
	f = fopen(CP_PS_FILE, "r");
	if (!f) {
		fprintf(stderr, "where: %s: %s\n", CP_PS_FILE, strerror(errno));
		return 2;
	}
	cp_ps_each(f, where_match, &w, stderr);
	if (ferror(f) || fclose(f) != 0) {
		fprintf(stderr, "where: read error\n");
		return 2;
	}
	if (!w.found)
		fprintf(stderr, "where: %d: no such process on any node\n",
			w.pid);
	return w.found ? 0 : 1;
}
