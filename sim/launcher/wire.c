/*
 * wire.c: what each node's eth0 plugs into. Normally the run's switch.
 * With --wire-delay/--wire-loss/--wire-dup (or a scenario's 'wire' line)
 * every node gets its own small
 * switch and a wirefilter (vde2) between it and the run's switch, so the
 * node's link delays, loses or duplicates frames in both directions. A
 * frame between two nodes crosses two filters: twice the delay, about
 * twice the loss.
 */
#include "cable.h"
#include "cluster.h"

#include <stdio.h>
#include <string.h>

#define CS_WIRE_NODE_PORT 2	/* the node's port on its own switch */

int cs_wire_start(struct cs_cluster *c)
{
	const struct cs_cluster *o = c;
	bool wire = o->wire_delay || o->wire_loss || o->wire_dup;

	/* --switches: the other switches and their cables first */
	if (cs_cables_start(c))
		return -1;
	for (int i = 0; i < c->n; i++) {
		char dir[PATH_MAX + 16], plugs[3 * PATH_MAX], log[PATH_MAX + 32];
		char name[32], mgmt[PATH_MAX];
		char *argv[14];
		int k = 0;

		if (!wire) {
			snprintf(c->node_wire[i], sizeof(c->node_wire[i]), "%s",
				 c->switch_dir);
			c->node_port[i] = i + 1;
			continue;
		}
		c->node_port[i] = CS_WIRE_NODE_PORT;
		snprintf(dir, sizeof(dir), "%s/wire%d", c->run_dir, i + 1);
		snprintf(name, sizeof(name), "switch of node%d", i + 1);
		if (cs_switch_start(c, dir, name) < 0)
			return -1;
		/* "DIR:SWITCH", the switch of the node's share (--switches) */
		if (cs_cable_plugs(c, i, dir, plugs, sizeof(plugs)))
			return -1;
		snprintf(log, sizeof(log), "%s/wire%d.filter.log", c->run_dir,
			 i + 1);
		snprintf(name, sizeof(name), "wirefilter of node%d", i + 1);
		/* its management socket: cs-fail partitions (faults.c) */
		if (cs_wire_mgmt_path(c, i, mgmt, sizeof(mgmt)))
			return -1;
		argv[k++] = "wirefilter";
		argv[k++] = "-v";
		argv[k++] = plugs;
		argv[k++] = "-M";
		argv[k++] = mgmt;
		if (o->wire_delay) {
			argv[k++] = "-d";
			argv[k++] = (char *)o->wire_delay;
		}
		if (o->wire_loss) {
			argv[k++] = "-l";
			argv[k++] = (char *)o->wire_loss;
		}
		if (o->wire_dup) {
			argv[k++] = "-D";
			argv[k++] = (char *)o->wire_dup;
		}
		argv[k] = NULL;
		if (cs_helper_spawn(c, name, argv, log) < 0)
			return -1;
		if (cs_cable_wait_wirefilter(c, i)) {
			fprintf(stderr, "clustersim: %s did not plug into its switch in 5 s (see %s)\n",
				name, log);
			return -1;
		}
		if ((size_t)snprintf(c->node_wire[i], sizeof(c->node_wire[i]),
				     "%s", dir) >= sizeof(c->node_wire[i]))
			return -1;
	}
	/* without a wirefilter a node plugs into its share's switch */
	if (!wire && cs_cables_assign(c))
		return -1;
	if (wire)
		cs_progress(c, "wire: every node behind a wirefilter (delay %s ms, loss %s%%, dup %s%%)",
			    o->wire_delay ? o->wire_delay : "0",
			    o->wire_loss ? o->wire_loss : "0",
			    o->wire_dup ? o->wire_dup : "0");
	return 0;
}
