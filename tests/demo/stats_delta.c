/*
 * stats-delta BEFORE NAME...: clusterproc's counters now
 * (/sys/kernel/debug/clusterproc/stats) against a copy taken before
 * (cp .../stats BEFORE): "NAME  BEFORE -> NOW  (+DELTA)" per NAME.
 * Exit 1 if a NAME is not a counter.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATS "/sys/kernel/debug/clusterproc/stats"

/* The value of name in the "name value" file, or -1. */
static long long value(const char *path, const char *name)
{
	char line[256], n[128];
	long long v, found = -1;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "stats-delta: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %lld", n, &v) == 2 && !strcmp(n, name))
			found = v;
	fclose(f);
	return found;
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: stats-delta BEFORE NAME...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		long long a = value(argv[1], argv[i]), b = value(STATS, argv[i]);

		if (a < 0 || b < 0) {
			fprintf(stderr, "stats-delta: no counter %s\n", argv[i]);
			rc = 1;
			continue;
		}
		printf("%-20s %6lld -> %-6lld (+%lld)\n", argv[i], a, b, b - a);
	}
	return rc;
}
