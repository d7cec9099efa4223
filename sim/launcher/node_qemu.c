/*
 * node_qemu.c: the command line of a QEMU node: an x86_64 VM booting the
 * vmlinux directly (PVH entry, no firmware menu, no initrd), its serial
 * port the console (fd 1, the console file, as a UML node's), one
 * virtio-net NIC on the node's port of its vde switch, the host's / over
 * 9p read-only as root and the node's results directory (and a build
 * tree under /tmp or /run) over 9p read-write. A reset ends QEMU
 * (-no-reboot): cluster-init ends a QEMU node with one, and a panic
 * (panic=-1) does too. The guest parameters are the same as a UML node's.
 */
#include "argbuf.h"
#include "cluster.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CS_QEMU "qemu-system-x86_64"
/* 9p message size: fewer round trips for the binaries a node runs */
#define CS_9P_MSIZE 262144

/*
 * Does this CPU do hardware virtualization (vmx, svm in /proc/cpuinfo)?
 * A /dev/kvm without it is a software hypervisor: kvm_pvm (a shadow page
 * table hypervisor) runs a guest kernel's page-table work trapped: here
 * it took over 60 s where TCG boots the qemu-debug kernel in 8, and then
 * stopped the guest at SLUB's cmpxchg16b ("KVM internal error. Suberror:
 * 1 ... emulation failure").
 */
static bool cpu_has_hw_virt(void)
{
	char line[4096];
	bool yes = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return false;
	while (!yes && fgets(line, sizeof(line), f))
		if (strncmp(line, "flags", 5) == 0)
			yes = strstr(line, " vmx") || strstr(line, " svm");
	fclose(f);
	return yes;
}

/*
 * The host's TSC rate in kHz, measured against CLOCK_MONOTONIC over 50 ms.
 * Under TCG a guest reads the host's TSC, but without ACPI (no HPET, no
 * PM timer) the kernel cannot calibrate it ("tsc: Unable to calibrate
 * against PIT", "Marking TSC unstable") and keeps jiffies as its clock:
 * every time it measured came in 4 ms steps. tsc_early_khz= tells it.
 * A host whose own TSC is not constant cannot give its guests one: the
 * rate is measured, not read from a table.
 */
static unsigned long host_tsc_khz(void)
{
	struct timespec a, b;
	unsigned long long t0, t1;
	double ns;

	clock_gettime(CLOCK_MONOTONIC, &a);
	t0 = __builtin_ia32_rdtsc();
	nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
	t1 = __builtin_ia32_rdtsc();
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
	return ns > 0 ? (unsigned long)((t1 - t0) / ns * 1e6) : 0;
}

int cs_qemu_prepare(struct cs_cluster *c)
{
	const char *path = getenv("PATH");
	int fd;

	c->qemu[0] = '\0';
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");

		if (n && snprintf(c->qemu, sizeof(c->qemu), "%.*s/%s", (int)n,
				  p, CS_QEMU) < (int)sizeof(c->qemu) &&
		    access(c->qemu, X_OK) == 0)
			break;
		c->qemu[0] = '\0';
		p += n + (p[n] == ':');
	}
	if (!c->qemu[0]) {
		fprintf(stderr, "clustersim: %s not found on PATH: run 'make setup' (package qemu-system-x86)\n",
			CS_QEMU);
		return -1;
	}
	c->smp = c->o->smp ? c->o->smp : CS_DEFAULT_SMP;
	c->tsc_khz = host_tsc_khz();
	if (c->o->accel) {
		c->qemu_accel = c->o->accel;
		return 0;
	}
	c->qemu_accel = "tcg";
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "clustersim: /dev/kvm: %s: QEMU nodes run without KVM (TCG)\n",
			strerror(errno));
		return 0;
	}
	close(fd);
	if (!cpu_has_hw_virt()) {
		fprintf(stderr, "clustersim: /dev/kvm without vmx/svm (software KVM, e.g. kvm_pvm): QEMU nodes run with TCG, faster there; --accel kvm to override\n");
		return 0;
	}
	c->qemu_accel = "kvm";
	return 0;
}

int cs_qemu_argv(const struct cs_cluster *c, const struct cs_node *nd,
		 struct cs_argbuf *a)
{
	bool shell = c->shell_node == nd->num;
	bool kvm = strcmp(c->qemu_accel, "kvm") == 0;
	int rc = 0;

	rc |= cs_arg(a, "%s", c->qemu);
	rc |= cs_arg(a, "-name");
	rc |= cs_arg(a, "cs%s-n%d", c->id, nd->num);
	rc |= cs_arg(a, "-machine");
	rc |= cs_arg(a, "pc,accel=%s", c->qemu_accel);
	rc |= cs_arg(a, "-cpu");
	rc |= cs_arg(a, "%s", kvm ? "host" : "max");
	rc |= cs_arg(a, "-smp");
	rc |= cs_arg(a, "%d", c->smp);
	rc |= cs_arg(a, "-m");
	rc |= cs_arg(a, "%u", c->o->mem_mb ? c->mem_mb : CS_DEFAULT_QEMU_MEM_MB);
	rc |= cs_arg(a, "-nodefaults");
	rc |= cs_arg(a, "-no-user-config");
	rc |= cs_arg(a, "-display");
	rc |= cs_arg(a, "none");
	rc |= cs_arg(a, "-no-reboot");
	/* where its vCPUs are if it hangs (qemu_cpus.c) */
	{
		char mon[108];

		if (cs_qemu_mon_path(c, nd, mon, sizeof(mon)) == 0) {
			rc |= cs_arg(a, "-monitor");
			rc |= cs_arg(a, "unix:%s,server=on,wait=off", mon);
		}
	}
	/* qboot: a firmware that only loads the kernel (SeaBIOS's POST
	 * took seconds here) */
	rc |= cs_arg(a, "-bios");
	rc |= cs_arg(a, "qboot.rom");
	rc |= cs_arg(a, "-kernel");
	rc |= cs_arg(a, "%s", c->img[CS_BACKEND_QEMU].kernel);
	/*
	 * ttyS0: fd 1, the console file. A shell node's ttyS0 is the kernel
	 * log's pipe (fd 3) instead, and its terminal a virtio console
	 * (hvc0, /dev/console; ^C goes to the guest): two consoles of one
	 * 8250 driver cannot both be enabled.
	 */
	rc |= cs_arg(a, "-chardev");
	rc |= cs_arg(a, shell ? "file,id=con0,path=/dev/fd/3" :
			"stdio,id=con0,signal=off");
	rc |= cs_arg(a, "-serial");
	rc |= cs_arg(a, "chardev:con0");
	if (shell) {
		rc |= cs_arg(a, "-chardev");
		rc |= cs_arg(a, "stdio,id=term,signal=off");
		rc |= cs_arg(a, "-device");
		rc |= cs_arg(a, "virtio-serial-pci,romfile=");
		rc |= cs_arg(a, "-device");
		rc |= cs_arg(a, "virtconsole,chardev=term");
	}
	rc |= cs_arg(a, "-netdev");
	rc |= cs_arg(a, "vde,id=net0,sock=%s,port=%d",
		     c->node_wire[nd->num - 1], c->node_port[nd->num - 1]);
	rc |= cs_arg(a, "-device");
	rc |= cs_arg(a, "virtio-net-pci,netdev=net0,romfile=,mac=02:43:53:00:00:%02x",
		     nd->num);
	rc |= cs_arg(a, "-fsdev");
	rc |= cs_arg(a, "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap");
	rc |= cs_arg(a, "-device");
	rc |= cs_arg(a, "virtio-9p-pci,fsdev=root,mount_tag=cs_root");
	rc |= cs_arg(a, "-fsdev");
	rc |= cs_arg(a, "local,id=results,path=%s,security_model=none",
		     nd->results);
	rc |= cs_arg(a, "-device");
	rc |= cs_arg(a, "virtio-9p-pci,fsdev=results,mount_tag=cs_results");
	if (c->tree[0]) {
		rc |= cs_arg(a, "-fsdev");
		rc |= cs_arg(a, "local,id=tree,path=%s,security_model=none,readonly=on",
			     c->tree);
		rc |= cs_arg(a, "-device");
		rc |= cs_arg(a, "virtio-9p-pci,fsdev=tree,mount_tag=cs_tree");
	}
	rc |= cs_arg(a, "-append");
	{
		struct cs_argbuf g = { .argc = 0, .used = 0 };
		char line[4096];
		size_t used = 0;

		/* the root's pages are cached: nothing on it changes while
		 * the node runs (results and the tree are other mounts) */
		rc |= cs_arg(&g, "root=cs_root");
		rc |= cs_arg(&g, "rootfstype=9p");
		rc |= cs_arg(&g, "rootflags=trans=virtio,version=9p2000.L,msize=%d,cache=loose",
			     CS_9P_MSIZE);
		rc |= cs_arg(&g, "ro");
		rc |= cs_arg(&g, "console=ttyS0");
		if (shell) {
			rc |= cs_arg(&g, "console=hvc0");
			rc |= cs_arg(&g, "CS_TTY=hvc0");
		}
		/* a panic resets the VM at once, and -no-reboot ends QEMU */
		rc |= cs_arg(&g, "panic=-1");
		/*
		 * Every vCPU reads the host's TSC: synchronized, but the
		 * boot's warp check still saw one go back under TCG
		 * ("TSCs unsynchronized") and took jiffies again.
		 */
		if (!kvm && c->tsc_khz) {
			rc |= cs_arg(&g, "tsc_early_khz=%lu", c->tsc_khz);
			rc |= cs_arg(&g, "tsc=reliable");
		}
		/*
		 * The IO-APIC timer check counts timer interrupts in a
		 * busy-wait; a vCPU thread the host did not run meanwhile
		 * (TCG, three nodes' vCPUs on two cores) missed them and the
		 * boot ended in "IO-APIC + timer doesn't work!" (a panic).
		 * QEMU's timer works: skip the check, as VM images do.
		 */
		if (!kvm)
			rc |= cs_arg(&g, "no_timer_check");
		/*
		 * The same busy-wait count decides whether the local APIC
		 * timer, calibrated against the TSC (tsc_early_khz=), is
		 * kept: a starved vCPU failed it ("APIC timer disabled due
		 * to verification failure") and the PIT drove the tick; a
		 * PIT whose interrupts did not come then left the boot
		 * asleep for good after "Running RCU-tasks wait API self
		 * tests" (-machine pit=off makes every boot do it; the
		 * CI's hangs at that line were another bug, a deadlock:
		 * qemu/fixes/0003). qemu/fixes/0002 adds the parameter.
		 */
		if (!kvm && c->tsc_khz)
			rc |= cs_arg(&g, "lapic_timer_noverify");
		/*
		 * A periodic tick. With one-shot ticks (NOHZ, high-res),
		 * about one boot in twenty here (TCG, three 2-vCPU nodes
		 * booting on two cores) hung for good in the RCU-tasks
		 * self test's first sleep: vCPU 0 idle in hlt, no timer
		 * interrupt ever again (a one-shot timer interrupt lost
		 * by the emulation is not re-armed by anyone). A periodic
		 * timer re-arms itself: 0 hangs in 35 boots (make
		 * bench-qemu-boot). The hang the CI still met at that
		 * line was RCU-tasks' own deadlock (qemu/fixes/0003).
		 */
		if (!kvm) {
			rc |= cs_arg(&g, "nohz=off");
			rc |= cs_arg(&g, "highres=off");
		}
		rc |= cs_node_guest_args(c, nd, &g);
		for (int i = 0; i < g.argc && !rc; i++) {
			int n = snprintf(line + used, sizeof(line) - used,
					 "%s%s", i ? " " : "", g.argv[i]);

			if (n < 0 || (size_t)n >= sizeof(line) - used)
				rc = -1;
			else
				used += n;
		}
		rc |= cs_arg(a, "%s", rc ? "" : line);
	}
	return rc;
}
