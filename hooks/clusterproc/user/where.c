/*
 * where PID: print the number of the node process PID runs on (asked of
 * the clusterproc module: a pid names its origin node, which always
 * knows where its processes run). Exit 0 if found, 1 if no node has it,
 * 2 on error.
 */
#include "libclusterproc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	char *end;
	long pid;
	int node;

	if (argc != 2) {
		fprintf(stderr, "usage: where PID\n");
		return 2;
	}
	errno = 0;
	pid = strtol(argv[1], &end, 10);
	if (errno || *end || end == argv[1] || pid <= 0 || pid > 0x7fffffff) {
		fprintf(stderr, "where: bad pid %s\n", argv[1]);
		return 2;
	}
	node = cp_where((pid_t)pid);
	if (node < 0) {
		fprintf(stderr, "where: %ld: %s\n", pid, strerror(errno));
		return errno == ESRCH ? 1 : 2;
	}
	printf("%d\n", node);
	return 0;
}
