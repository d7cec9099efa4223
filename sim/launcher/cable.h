/*
 * cable.h: --switches K. The nodes dealt over K vde switches (node N on
 * switch (N - 1) % K + 1: with 2 switches, odd nodes on switch 1, even
 * ones on switch 2, so that node 1 reaches node 2 through the cable and
 * node 3 without it, as the 3-node tests use them); switch 1 is
 * the run's, switches 2..K sit in runs/<id>/switch<k>, each joined to
 * switch 1 by a vde cable, `dpipe vde_plug SWITCH1 = vde_plug SWITCHk`:
 * the same cable that joins switches on two hosts when one side runs
 * through ssh (sim/README.md).
 */
#ifndef CS_CABLE_H
#define CS_CABLE_H

#include "cluster.h"

#define CS_MAX_SWITCHES 8

/* The switches a run has: --switches, 1 if not given. */
int cs_switches(const struct cs_cluster *c);

/* The switch (0-based) node index i (0-based) plugs into. */
int cs_node_segment(const struct cs_cluster *c, int i);

/* The directory of switch seg (0-based; 0 is c->switch_dir). 0 or -1. */
int cs_segment_dir(const struct cs_cluster *c, int seg, char *out,
		   size_t len);

/* Start switches 2..K and their cables (nothing with one switch). 0/-1. */
int cs_cables_start(struct cs_cluster *c);

/* Plug every node (c->node_wire) into its share's switch. 0 or -1. */
int cs_cables_assign(struct cs_cluster *c);

/* wirefilter -v of node index i's switch dir: "DIR:ITS_SHARE'S_SWITCH". */
int cs_cable_plugs(const struct cs_cluster *c, int i, const char *dir,
		   char *out, size_t len);

/*
 * Clients on the switch of node index i's share once the wirefilters of
 * nodes 0..i are plugged in, one at a time: its cables and those.
 */
int cs_cable_share_clients(const struct cs_cluster *c, int i);

/* Wait (5 s at most) until node index i's wirefilter is on its share's
 * switch, so that the next client plugs in alone. 0 or -1. */
int cs_cable_wait_wirefilter(const struct cs_cluster *c, int i);

#endif
