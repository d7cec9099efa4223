/* cable.c: K switches joined by vde cables (cable.h). */
#include "cable.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

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

/* Clients plugged into the switch on dir: its NNN.FD data sockets. */
static int clients(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strlen(e->d_name) > 4 && e->d_name[3] == '.' &&
		    strspn(e->d_name, "0123456789") == 3)
			n++;
	closedir(d);
	return n;
}

/* Wait (5 s at most) until both switches have the clients expected. */
static int wait_plugged(const char *a, int na, const char *b, int nb)
{
	for (int i = 0; i < 1000; i++) {
		struct timespec ts = { 0, 5 * 1000 * 1000 };

		if (clients(a) >= na && clients(b) >= nb)
			return 0;
		nanosleep(&ts, NULL);
	}
	return -1;
}

int cs_cables_start(struct cs_cluster *c)
{
	int k = cs_switches(c);

	for (int seg = 1; seg < k; seg++) {
		char dir[PATH_MAX], name[32], log[PATH_MAX + 32];
		char url1[PATH_MAX + 16], url2[PATH_MAX + 16];
		char *argv[] = { "dpipe", "vde_plug", url1, "=", "vde_plug",
				 url2, NULL };
		char nodes[CS_MAX_NODES * 3 + 1];

		if (cs_segment_dir(c, seg, dir, sizeof(dir)))
			return -1;
		snprintf(name, sizeof(name), "switch %d", seg + 1);
		if (cs_switch_start(c, dir, name) < 0)
			return -1;
		snprintf(name, sizeof(name), "cable 1-%d", seg + 1);
		snprintf(log, sizeof(log), "%s/cable1-%d.log", c->run_dir,
			 seg + 1);
		/* ports above the nodes' (node N takes port N): switch 1 has
		 * n + 8 ports, n + seg is free; a cable plugs in alone, before
		 * any node (clients plugging in at once can mix ports up) */
		snprintf(url1, sizeof(url1), "%s[%d]", c->switch_dir, c->n + seg);
		snprintf(url2, sizeof(url2), "%s[%d]", dir, c->n + 1);
		if (cs_helper_spawn(c, name, argv, log) < 0)
			return -1;
		if (wait_plugged(c->switch_dir, seg, dir, 1)) {
			fprintf(stderr, "clustersim: %s did not plug into %s and %s in 5 s (see %s)\n",
				name, c->switch_dir, dir, log);
			return -1;
		}
		share(c, seg, nodes, sizeof(nodes));
		cs_progress(c, "switch %d (nodes %s) joined to switch 1 by a cable: dpipe vde_plug %s = vde_plug %s",
			    seg + 1, nodes, url1, url2);
	}
	return 0;
}

int cs_cables_assign(struct cs_cluster *c)
{
	for (int i = 0; i < c->n; i++)
		if (cs_segment_dir(c, cs_node_segment(c, i), c->node_wire[i],
				   sizeof(c->node_wire[i])))
			return -1;
	return 0;
}

int cs_cable_plugs(const struct cs_cluster *c, int i, const char *dir,
		   char *out, size_t len)
{
	char seg[PATH_MAX];
	int n;

	if (cs_segment_dir(c, cs_node_segment(c, i), seg, sizeof(seg)))
		return -1;
	n = snprintf(out, len, "%s:%s", dir, seg);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int cs_cable_share_clients(const struct cs_cluster *c, int i)
{
	int seg = cs_node_segment(c, i), k = cs_switches(c);
	int n = seg ? 1 : k - 1;	/* the cables on that switch */

	for (int j = 0; j <= i; j++)
		n += cs_node_segment(c, j) == seg;
	return n;
}

int cs_cable_wait_wirefilter(const struct cs_cluster *c, int i)
{
	char seg[PATH_MAX];

	if (cs_segment_dir(c, cs_node_segment(c, i), seg, sizeof(seg)))
		return -1;
	return wait_plugged(seg, cs_cable_share_clients(c, i), seg, 0);
}
