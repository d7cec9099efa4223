/*
 * vde_port.h: what vde_switch's management console says about one port
 * ("port/print N"). Pure parsing; switch.c asks the switch.
 */
#ifndef CS_VDE_PORT_H
#define CS_VDE_PORT_H

#include <stdbool.h>

struct cs_vde_port {
	bool active;		/* a node is plugged in */
	long in_pkts;		/* frames the switch received on the port */
	long out_pkts;		/* frames it forwarded to the port */
	char descr[64];		/* the endpoint's description, "" if none */
};

/*
 * Parse the text of a "port/print N" answer (from the "0000 DATA" line
 * to the "1000 Success" line). Returns 0, or -1 if the port is not in it.
 */
int cs_vde_port_parse(const char *text, int port, struct cs_vde_port *p);

#endif
