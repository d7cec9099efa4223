/*
 * init_mount.c: the guest's file systems; only /run/results is host-rw.
 * A UML node reaches host paths through hostfs (any path, by name); a
 * QEMU node's root is the host's / over 9p, and the launcher exports its
 * results directory and a hidden build tree as their own 9p shares
 * (node_qemu.c: mount tags cs_results, cs_tree).
 */
#include "init.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>

struct mnt {
	const char *src, *dir, *type;
	unsigned long flags;
	const char *data;
	bool optional;
};

static bool is_mounted_as(const char *dir, long magic)
{
	struct statfs sf;

	return statfs(dir, &sf) == 0 && sf.f_type == magic;
}

/*
 * The launcher says (CS_BACKEND on the kernel command line): statfs() of
 * a 9p root reports the host file system's type, not V9FS_MAGIC.
 */
bool ci_is_qemu(void)
{
	const char *b = getenv("CS_BACKEND");

	return b && strcmp(b, "qemu") == 0;
}

/* A host directory: hostfs by path, or the 9p share @tag (QEMU node). */
static struct mnt host_dir(const char *path, const char *dir, const char *tag,
			   unsigned long flags)
{
	if (ci_is_qemu())
		return (struct mnt){ tag, dir, "9p", flags,
				     "trans=virtio,version=9p2000.L,msize=262144",
				     false };
	return (struct mnt){ "none", dir, "hostfs", flags, path, false };
}

static int do_mount(const struct ci *ci, const struct mnt *m)
{
	if (mount(m->src, m->dir, m->type, m->flags, m->data) == 0)
		return 0;
	if (m->optional)
		return 0;
	ci_say(ci, "error", "mount %s on %s: %s", m->type, m->dir,
	       strerror(errno));
	return -1;
}

/*
 * The launcher's build tree lies under /tmp or /run, which the tmpfs
 * mounts above just covered: mount it again (read-only) at the
 * same path inside them, so its programs run here as everywhere.
 */
static int mount_tree(const struct ci *ci)
{
	char dir[PATH_MAX];
	size_t n = strlen(ci->tree);
	struct mnt tree = host_dir(ci->tree, ci->tree, "cs_tree",
				   MS_RDONLY | MS_NOSUID | MS_NODEV);

	if (ci->tree[0] != '/' || n >= sizeof(dir) ||
	    (strncmp(ci->tree, "/tmp/", 5) && strncmp(ci->tree, "/run/", 5))) {
		ci_say(ci, "error", "CS_TREE %s: not below /tmp or /run",
		       ci->tree);
		return -1;
	}
	memcpy(dir, ci->tree, n + 1);
	for (char *p = dir + 5;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST) {
			ci_say(ci, "error", "mkdir %s: %s", dir, strerror(errno));
			return -1;
		}
		*p = c;
		if (!c)
			break;
	}
	return do_mount(ci, &tree);
}

int ci_mount_all(const struct ci *ci)
{
	const unsigned long nx = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	const struct mnt early[] = {
		{ "proc", "/proc", "proc", nx, NULL, false },
		{ "sysfs", "/sys", "sysfs", nx, NULL, false },
		{ "tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", false },
		{ "tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755", false },
		{ "debugfs", "/sys/kernel/debug", "debugfs", nx, NULL, false },
	};
	struct mnt results = host_dir(ci->results, CI_RESULTS, "cs_results",
				      MS_NOSUID | MS_NODEV);

	if (!is_mounted_as("/dev", TMPFS_MAGIC) &&
	    !is_mounted_as("/dev", DEVPTS_SUPER_MAGIC)) {
		struct mnt dev = { "devtmpfs", "/dev", "devtmpfs", MS_NOSUID,
				   NULL, true };

		do_mount(ci, &dev);
	}
	for (size_t i = 0; i < sizeof(early) / sizeof(early[0]); i++)
		if (do_mount(ci, &early[i]))
			return -1;
	if (mkdir("/dev/pts", 0755) && errno != EEXIST)
		ci_say(ci, "warning", "mkdir /dev/pts: %s", strerror(errno));
	{
		struct mnt pts = { "devpts", "/dev/pts", "devpts",
				   MS_NOSUID | MS_NOEXEC, "ptmxmode=666", true };

		do_mount(ci, &pts);
	}
	if (mkdir(CI_PROC_HIDEPID, 0555) == 0) {
		struct mnt hp = { "proc", CI_PROC_HIDEPID, "proc", nx,
				  "hidepid=invisible", true };

		do_mount(ci, &hp);
	} else {
		ci_say(ci, "warning", "mkdir %s: %s", CI_PROC_HIDEPID,
		       strerror(errno));
	}
	if (ci->tree && mount_tree(ci))
		return -1;
	if (mkdir(CI_RESULTS, 0755)) {
		ci_say(ci, "error", "mkdir %s: %s", CI_RESULTS, strerror(errno));
		return -1;
	}
	return do_mount(ci, &results);
}
