/*
 * qemu_cpus.c: where a QEMU node's vCPUs are when it did not finish. A
 * kernel that hangs before its console says why (a stuck boot, a lockup
 * with interrupts off) leaves nothing in the console tail; QEMU's human
 * monitor (node_qemu.c: a unix socket in the run's node directory) still
 * answers "info registers -a". Each vCPU's RIP goes to stderr with the
 * vmlinux symbol it falls in (nm -n), as a kernel developer would look it
 * up by hand.
 */
#include "cluster.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MON_BUF 32768

int cs_qemu_mon_path(const struct cs_cluster *c, const struct cs_node *nd,
		     char *out, size_t len)
{
	return (size_t)snprintf(out, len, "%s/qemu-n%d.mon", c->uml_dir,
				nd->num) >= len ? -1 : 0;
}

#define MAX_VCPUS 64

struct vcpu {
	int cpu;
	uint64_t rip;
	uint64_t sym_at;	/* 0: none found */
	char sym[128];
};

/* Each vCPU's vmlinux symbol ("sym+0xoff"), from one pass over nm -n. */
static void symbolize(const char *vmlinux, struct vcpu *v, int n)
{
	char cmd[PATH_MAX + 64], line[512];
	FILE *p;

	if (strchr(vmlinux, '\'') ||
	    (size_t)snprintf(cmd, sizeof(cmd), "nm -n --defined-only '%s' 2>/dev/null",
			     vmlinux) >= sizeof(cmd))
		return;
	p = popen(cmd, "r");
	if (!p)
		return;
	while (fgets(line, sizeof(line), p)) {
		char type, name[128];
		uint64_t at;

		if (sscanf(line, "%" SCNx64 " %c %127s", &at, &type, name) != 3 ||
		    (type != 't' && type != 'T' && type != 'w' && type != 'W'))
			continue;
		for (int i = 0; i < n; i++)
			if (at <= v[i].rip) {	/* sorted: the last one wins */
				v[i].sym_at = at;
				snprintf(v[i].sym, sizeof(v[i].sym), "%s", name);
			}
	}
	pclose(p);
}

void cs_qemu_dump_cpus(const struct cs_cluster *c, struct cs_node *nd)
{
	static char buf[MON_BUF];
	static struct vcpu v[MAX_VCPUS];
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	const char *cmd = "info registers -a\n";
	size_t used = 0;
	char *line, *save = NULL;
	int fd, cpu = -1, n = 0;

	if (cs_qemu_mon_path(c, nd, a.sun_path, sizeof(a.sun_path)))
		return;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    cs_read_until(fd, buf, sizeof(buf), &used, "(qemu) ") ||
	    write(fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd)) {
		fprintf(stderr, "clustersim: node%d: QEMU monitor %s: %s\n",
			nd->num, a.sun_path, strerror(errno));
		close(fd);
		return;
	}
	used = 0;
	/* the answer ends with the next prompt; a partial one is shown too */
	cs_read_until(fd, buf, sizeof(buf), &used, "\n(qemu) ");
	close(fd);
	buf[used] = '\0';
	for (line = strtok_r(buf, "\r\n", &save); line && n < MAX_VCPUS;
	     line = strtok_r(NULL, "\r\n", &save)) {
		const char *rip = strstr(line, "RIP=");

		if (sscanf(line, "CPU#%d", &cpu) == 1)
			continue;
		if (!rip || sscanf(rip + 4, "%" SCNx64, &v[n].rip) != 1)
			continue;
		v[n].cpu = cpu;
		v[n].sym_at = 0;
		n++;
	}
	symbolize(c->img[CS_BACKEND_QEMU].kernel, v, n);
	nd->where[0] = '\0';
	for (int i = 0, used = 0; i < n; i++) {
		int w = snprintf(nd->where + used, sizeof(nd->where) - used,
				 "%svCPU %d in %s", i ? ", " : "", v[i].cpu,
				 v[i].sym_at ? v[i].sym : "?");

		if (w > 0 && (size_t)w < sizeof(nd->where) - used)
			used += w;
		if (v[i].sym_at)
			fprintf(stderr, "clustersim: node%d: vCPU %d at RIP %016" PRIx64 " %s+0x%" PRIx64 "\n",
				nd->num, v[i].cpu, v[i].rip, v[i].sym,
				v[i].rip - v[i].sym_at);
		else
			fprintf(stderr, "clustersim: node%d: vCPU %d at RIP %016" PRIx64 " ?\n",
				nd->num, v[i].cpu, v[i].rip);
	}
}
