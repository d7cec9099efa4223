/* vde_port.c: parse vde_switch's "port/print N" answer. */
#include "vde_port.h"

#include <stdio.h>
#include <string.h>

/*
 *	Port 0007 untagged_vlan=0000 ACTIVE - Unnamed Allocatable
 *	 Current User: root Access Control: (User: NONE - Group: NONE)
 *	 IN:  pkts         37          bytes                 2960
 *	 OUT: pkts        412          bytes                34912
 *	  -- endpoint ID 0009 module unix prog   : node7
 */
int cs_vde_port_parse(const char *text, int port, struct cs_vde_port *p)
{
	char head[32];
	const char *s, *e, *next;
	int n;

	memset(p, 0, sizeof(*p));
	p->in_pkts = p->out_pkts = -1;
	n = snprintf(head, sizeof(head), "Port %04d ", port);
	s = strstr(text, head);
	if (n < 0 || !s)
		return -1;
	s += n;
	next = strstr(s, "\nPort ");
	e = strchr(s, '\n');
	p->active = e && strstr(s, "ACTIVE") && strstr(s, "ACTIVE") < e &&
		    !(strstr(s, "INACTIVE") && strstr(s, "INACTIVE") < e);
	for (; e && (!next || e < next); e = strchr(e + 1, '\n')) {
		const char *l = e + 1, *d;

		l += strspn(l, " \t");
		if (sscanf(l, "IN: pkts %ld", &p->in_pkts) == 1)
			continue;
		if (sscanf(l, "OUT: pkts %ld", &p->out_pkts) == 1)
			continue;
		if (strncmp(l, "-- endpoint", 11) == 0 &&
		    (d = strstr(l, ": ")) != NULL) {
			size_t len = strcspn(d + 2, "\r\n");

			snprintf(p->descr, sizeof(p->descr), "%.*s", (int)len,
				 d + 2);
		}
	}
	return 0;
}
