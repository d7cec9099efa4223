/* fault_req.c: parse a cs-fail request line (fault_req.h). */
#include "fault_req.h"
#include "cli.h"

#include <stdio.h>
#include <string.h>

#define USAGE "want: crash NODE | restart NODE | partition NODE SECONDS | hang NODE SECONDS"

const char *cs_fault_name(enum cs_fault_kind kind)
{
	switch (kind) {
	case CS_FAULT_CRASH:
		return "crash";
	case CS_FAULT_PARTITION:
		return "partition";
	case CS_FAULT_HANG:
		return "hang";
	case CS_FAULT_RESTART:
		return "restart";
	}
	return "?";
}

int cs_fault_parse(const char *line, int nodes, struct cs_fault_req *req,
		   char *why, size_t wlen)
{
	char buf[128], *w[4], *save = NULL;
	size_t len = strlen(line);
	int n = 0, want, max_s;

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
	if (n && !strcmp(w[0], "crash")) {
		req->kind = CS_FAULT_CRASH;
		want = 2;
		max_s = 0;
	} else if (n && !strcmp(w[0], "restart")) {
		req->kind = CS_FAULT_RESTART;
		want = 2;
		max_s = 0;
	} else if (n && !strcmp(w[0], "partition")) {
		req->kind = CS_FAULT_PARTITION;
		want = 3;
		max_s = CS_FAULT_MAX_S;
	} else if (n && !strcmp(w[0], "hang")) {
		req->kind = CS_FAULT_HANG;
		want = 3;
		max_s = CS_FAULT_MAX_HANG_S;
	} else {
		snprintf(why, wlen, "bad request (" USAGE ")");
		return -1;
	}
	if (n != want) {
		snprintf(why, wlen, "bad request: %s takes %d argument%s (" USAGE ")",
			 w[0], want - 1, want == 2 ? "" : "s");
		return -1;
	}
	if (cs_parse_int(w[1], 1, nodes, &req->node)) {
		snprintf(why, wlen, "node '%.16s': want 1..%d", w[1], nodes);
		return -1;
	}
	req->seconds = 0;
	if (max_s && cs_parse_int(w[2], 1, max_s, &req->seconds)) {
		snprintf(why, wlen, "seconds '%.16s': want 1..%d", w[2], max_s);
		return -1;
	}
	return 0;
}
