/* cable.c: K switches joined by vde cables (cable.h). */
#include "cable.h"

#include <stdio.h>

int cs_switches(const struct cs_cluster *c)
{
	return c->o && c->o->switches > 1 ? c->o->switches : 1;
}

int cs_node_segment(const struct cs_cluster *c, int i)
{
	return i % cs_switches(c);
}

int cs_segment_dir(const struct cs_cluster *c, int seg, char *out,
		   size_t len)
{
	int n = seg ? snprintf(out, len, "%s/switch%d", c->run_dir, seg + 1) :
		      snprintf(out, len, "%s", c->switch_dir);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* "2 4 6": the nodes of switch seg, for the progress line. */
static void share(const struct cs_cluster *c, int seg, char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	for (int i = 0; i < c->n && o + 4 < len; i++)
		if (cs_node_segment(c, i) == seg)
			o += (size_t)snprintf(out + o, len - o, "%s%d",
					      o ? " " : "", i + 1);
}

int cs_cables_start(struct cs_cluster *c)
{
	int k = cs_switches(c);

	for (int seg = 1; seg < k; seg++) {
		char dir[PATH_MAX], name[32], log[PATH_MAX + 32];
		char *argv[] = { "dpipe", "vde_plug", c->switch_dir, "=",
				 "vde_plug", dir, NULL };
		char nodes[CS_MAX_NODES * 3 + 1];

		if (cs_segment_dir(c, seg, dir, sizeof(dir)))
			return -1;
		snprintf(name, sizeof(name), "switch %d", seg + 1);
		if (cs_switch_start(c, dir, name) < 0)
			return -1;
		snprintf(name, sizeof(name), "cable 1-%d", seg + 1);
		snprintf(log, sizeof(log), "%s/cable1-%d.log", c->run_dir,
			 seg + 1);
		if (cs_helper_spawn(c, name, argv, log) < 0)
			return -1;
		share(c, seg, nodes, sizeof(nodes));
		cs_progress(c, "switch %d (nodes %s) joined to switch 1 by a cable: dpipe vde_plug %s = vde_plug %s",
			    seg + 1, nodes, c->switch_dir, dir);
	}
	return 0;
}
