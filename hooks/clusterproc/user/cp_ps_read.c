/* Reading the clusterproc module's cluster-wide process list. */
#include "cp_ps_read.h"

#include <string.h>

int cp_ps_each(FILE *f, int (*fn)(const struct cp_ps_line *l, void *arg),
	       void *arg, FILE *note)
{
	char line[256];
	struct cp_ps_line l;
	int rc;

	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#') {
			if (note && strncmp(line, "# node ", 7) == 0 &&
			    strstr(line, "error"))
				fputs(line, note);
			continue;
		}
		memset(&l, 0, sizeof(l));
		if (sscanf(line, "%u %d %d %d %d %d %c %39s", &l.node, &l.pid,
			   &l.ppid, &l.pgrp, &l.sid, &l.uid, &l.state,
			   l.comm) != 8)
			continue;
		rc = fn(&l, arg);
		if (rc)
			return rc;
	}
	return 0;
}
