/*
 * silent.c: a node that has said nothing for twice the join bound (its
 * linkwait interval, init_main.c) while the cluster is not formed: what the host sees of it (its UML
 * processes' states and CPU time, the kernel function they wait in) and
 * what the switch says of its port. A node whose guest has stopped
 * cannot print its own linkwait line; this one is printed for it.
 */
#include "cluster.h"
#include "vde_port.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "pid:S:cpu_ms:wchan" for each process of group @pg, in @out */
static void group_states(pid_t pg, char *out, size_t len)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	size_t used = 0;
	long hz = sysconf(_SC_CLK_TCK);

	out[0] = '\0';
	if (!d)
		return;
	while ((e = readdir(d)) && used + 64 < len) {
		char path[300], buf[1024], wchan[64] = "?", *p, st;
		unsigned long long ut, stime;
		int grp;
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		fclose(f);
		if (!p || sscanf(p + 1, " %c %*d %d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
				 &st, &grp, &ut, &stime) != 4 || grp != pg)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/wchan", e->d_name);
		f = fopen(path, "r");
		if (f) {
			if (!fgets(wchan, sizeof(wchan), f))
				snprintf(wchan, sizeof(wchan), "?");
			fclose(f);
		}
		used += (size_t)snprintf(out + used, len - used, " %s:%c:%llums:%s",
					 e->d_name, st,
					 (ut + stime) * 1000 /
					 (unsigned long long)(hz > 0 ? hz : 100),
					 wchan[0] ? wchan : "-");
	}
	closedir(d);
}

void cs_silent_check(struct cs_cluster *c)
{
	double now = cs_elapsed(c);
	/* twice the guest's linkwait interval: a live node says something */
	double bound = 2 * (c->n * 0.1 > 3.0 ? c->n * 0.1 : 3.0);

	if (c->all_joined_reported)
		return;
	for (int i = 0; i < c->n; i++) {
		struct cs_node *nd = &c->node[i];
		struct cs_vde_port vp;
		char states[1024];

		/*
		 * A QEMU node's kernel says nothing to us until its init
		 * runs: under TCG a debug (KASAN) kernel took up to 14 s
		 * with 3 nodes on 2 cores.
		 */
		double b = nd->backend == CS_BACKEND_QEMU &&
			   strcmp(nd->phase, "booting") == 0 ? 30.0 : bound;

		if (nd->exited || nd->joined || nd->silent_reported ||
		    now - nd->t_phase < b)
			continue;
		nd->silent_reported = true;
		group_states(nd->pid, states, sizeof(states));
		fprintf(stderr, "clustersim: node%d: silent for %.1fs (last said '%s' at %.1fs); host processes (pid:state:cpu:wchan):%s\n",
			nd->num, now - nd->t_phase, nd->phase, nd->t_phase,
			states);
		if (cs_switch_port(c->node_wire[i], c->node_port[i], &vp) == 0)
			fprintf(stderr, "clustersim: node%d: port %d of %s (%s): %ld frames in from the node, %ld out to it\n",
				nd->num, c->node_port[i], c->node_wire[i],
				vp.active ? "active" : "INACTIVE", vp.in_pkts,
				vp.out_pkts);
	}
}
