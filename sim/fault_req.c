/* fault_req.c: parse a cs-fail request line (fault_req.h). */
#include "fault_req.h"
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cs_fault_parse(const char *line, int nodes, struct cs_fault_req *req,
		   char *why, size_t wlen)
{
	char buf[128], *w[4], *save = NULL;
	size_t len = strlen(line);
	int n = 0;

	if (len && line[len - 1] == '\n')
		len--;
	if (len >= sizeof(buf)) {
		snprintf(why, wlen, "request too long");
		return -1;
	}
	memcpy(buf, line, len);
	buf[len] = '\0';
	for (char *t = strtok_r(buf, " ", &save); t && n < 4;
	     t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	if (n != 3 || strcmp(w[0], "partition")) {
		snprintf(why, wlen, "bad request (want: partition NODE SECONDS)");
		return -1;
	}
	if (cs_parse_int(w[1], 1, nodes, &req->node)) {
		snprintf(why, wlen, "node '%.16s': want 1..%d", w[1], nodes);
		return -1;
	}
	if (cs_parse_int(w[2], 1, CS_FAULT_MAX_S, &req->seconds)) {
		snprintf(why, wlen, "seconds '%.16s': want 1..%d", w[2],
			 CS_FAULT_MAX_S);
		return -1;
	}
	return 0;
}
