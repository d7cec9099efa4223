/*
 * qemu_cpus.c: where a QEMU node's vCPUs are when it did not finish. A
 * kernel that hangs before its console says why (a stuck boot, a lockup
 * with interrupts off) leaves nothing in the console tail; QEMU's human
 * monitor (node_qemu.c: a unix socket in the run's node directory) still
 * answers "info registers -a". Each vCPU's RIP goes to stderr with the
 * vmlinux symbol it falls in (nm -n), as a kernel developer would look it
 * up by hand, and its local APIC's state ("info lapic N": the timer's
 * mode and counts, the interrupts in service and requested, the
 * priorities), which says whether a vCPU idle in hlt has a timer that
 * would wake it: a boot that stopped in its first timed sleep.
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
	char lapic[224];	/* "" if the monitor did not say */
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

/* the rest of the line after @key in @text, blanks skipped, into @out */
static void field(const char *text, const char *key, char *out, size_t len)
{
	const char *p = strstr(text, key);
	size_t n;

	out[0] = '\0';
	if (!p)
		return;
	p += strlen(key);
	p += strspn(p, " \t");
	n = strcspn(p, "\r\n");
	snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), p);
}

/* "info lapic CPU" on the open monitor @fd, one line of it into @v */
static void lapic_state(int fd, struct vcpu *v, char *buf, size_t len)
{
	char cmd[32], isr[40], irr[40], *t;
	unsigned int lvtt = 0, init = 0, cur = 0, tpr = 0, ppr = 0;
	static const char *const mode[] = { "one-shot", "periodic",
					    "tsc-deadline", "?" };
	size_t used = 0;
	int n = snprintf(cmd, sizeof(cmd), "info lapic %d\n", v->cpu);

	v->lapic[0] = '\0';
	if (write(fd, cmd, (size_t)n) != n)
		return;
	cs_read_until(fd, buf, len, &used, "\n(qemu) ");
	buf[used] = '\0';
	t = strstr(buf, "LVTT\t");	/* not LVTTHMR */
	if (!t || sscanf(t + 5, " 0x%x", &lvtt) != 1)
		return;
	t = strstr(buf, "initial_count =");
	if (t)
		sscanf(t, "initial_count = %u current_count = %u", &init, &cur);
	field(buf, "ISR\t", isr, sizeof(isr));
	field(buf, "IRR\t", irr, sizeof(irr));
	t = strstr(buf, "TPR 0x");
	if (t)
		sscanf(t, "TPR 0x%x", &tpr);
	t = strstr(buf, "PPR 0x");
	if (t)
		sscanf(t, "PPR 0x%x", &ppr);
	snprintf(v->lapic, sizeof(v->lapic),
		 "timer %s%s init %u cur %u, ISR %s, IRR %s, TPR %#x PPR %#x",
		 mode[(lvtt >> 17) & 3], lvtt & 0x10000 ? " masked" : "",
		 init, cur, isr, irr, tpr, ppr);
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
	for (int i = 0; i < n; i++) {
		static char lbuf[8192];

		lapic_state(fd, &v[i], lbuf, sizeof(lbuf) - 1);
	}
	close(fd);
	symbolize(c->img[CS_BACKEND_QEMU].kernel, v, n);
	nd->where[0] = '\0';
	for (int i = 0, used = 0; i < n; i++) {
		int w = snprintf(nd->where + used, sizeof(nd->where) - used,
				 "%svCPU %d in %s (%s)", i ? "; " : "",
				 v[i].cpu, v[i].sym_at ? v[i].sym : "?",
				 v[i].lapic[0] ? v[i].lapic : "no lapic state");

		if (w > 0 && (size_t)w < sizeof(nd->where) - used)
			used += w;
		if (v[i].sym_at)
			fprintf(stderr, "clustersim: node%d: vCPU %d at RIP %016" PRIx64 " %s+0x%" PRIx64 "; lapic: %s\n",
				nd->num, v[i].cpu, v[i].rip, v[i].sym,
				v[i].rip - v[i].sym_at, v[i].lapic);
		else
			fprintf(stderr, "clustersim: node%d: vCPU %d at RIP %016" PRIx64 " ?; lapic: %s\n",
				nd->num, v[i].cpu, v[i].rip, v[i].lapic);
	}
}
