/*
 * isolation: what a node's programs can touch on the host, and the wire.
 *
 * The host's / is the guest's root over hostfs, read-only; /tmp and /run
 * are guest tmpfs; the node's results directory is the only host-backed
 * writable place. Programs run as root without CAP_SYS_ADMIN and
 * CAP_SYS_MODULE, so they can neither remount nor mount other host paths
 * nor load modules. The only network interfaces are lo and eth0 (the vde
 * switch), with no IPv4 address and no route: the cluster wire is TIPC on
 * the switch, nothing reaches a host network.
 *
 * Dropping capabilities in the guest is no wall against the host: guest
 * root names itself the kernel's modprobe helper, which the kernel runs
 * with every capability; that helper mounts host paths read-write. What
 * stops it is the host: a root clustersim runs the nodes as an
 * unprivileged host user (sim/launcher/nodeuser.c), so a host directory
 * that root owns, such as the run's directory, stays closed to them.
 * When this program is that helper (argv[1] "-q", as modprobe is called)
 * it does the attempt and writes what happened for the test to read.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "guest_run.h"

/* Creating path must fail with errno want. */
static void assert_create_fails(const char *path, int want)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);

	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	ck_assert_msg(fd < 0, "%s could be created", path);
	ck_assert_msg(errno == want, "%s: errno %d (%s), want %d", path, errno,
		      strerror(errno), want);
}

START_TEST(test_host_root_read_only)
{
	char self[4096], probe[4200];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	assert_create_fails("/cs-isolation-probe", EROFS);
	/* next to this program, in the build tree */
	ck_assert_int_gt(n, 0);
	self[n] = '\0';
	snprintf(probe, sizeof(probe), "%s.probe", self);
	assert_create_fails(probe, EROFS);
	ck_assert_int_eq(access("/etc", W_OK), -1);
	ck_assert_int_eq(errno, EROFS);
}
END_TEST

START_TEST(test_tmp_and_run_are_guest_tmpfs)
{
	static const char *const dirs[] = { "/tmp", "/run" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct statfs sf;

		ck_assert_int_eq(statfs(dirs[i], &sf), 0);
		ck_assert_msg(sf.f_type == TMPFS_MAGIC, "%s is not tmpfs",
			      dirs[i]);
	}
}
END_TEST

START_TEST(test_results_dir_writable)
{
	const char *dir = getenv("CS_RESULTS_DIR");
	char path[512];
	int fd;

	ck_assert_ptr_nonnull(dir);
	snprintf(path, sizeof(path), "%s/isolation.probe", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, "x", 1), 1);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(unlink(path), 0);
}
END_TEST

START_TEST(test_no_mount_no_module)
{
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REMOUNT, NULL), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(mount("none", "/tmp", "hostfs", 0, "/"), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(syscall(SYS_init_module, "", 0UL, ""), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(syscall(SYS_delete_module, "clusterproc", 0), -1);
	ck_assert_int_eq(errno, EPERM);
}
END_TEST

START_TEST(test_only_lo_and_eth0)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	int eth0 = 0;

	ck_assert_ptr_nonnull(ifs);
	for (i = ifs; i->if_index; i++) {
		if (strcmp(i->if_name, "eth0") == 0)
			eth0 = 1;
		ck_assert_msg(strcmp(i->if_name, "lo") == 0 ||
			      strcmp(i->if_name, "eth0") == 0,
			      "unexpected interface %s", i->if_name);
	}
	if_freenameindex(ifs);
	ck_assert(eth0);
}
END_TEST

START_TEST(test_no_ip_route)
{
	FILE *f = fopen("/proc/net/route", "r");
	char line[512];
	int routes = -1;	/* the header line */

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		routes++;
	fclose(f);
	ck_assert_msg(routes == 0, "%d IPv4 route(s)", routes);
}
END_TEST

/* The escape attempt: the test and its helper meet in the guest's /run. */
#define ESC_TARGET "/run/cs-escape.target"	/* host dir, file name */
#define ESC_RESULT "/run/cs-escape.result"	/* "mount=E create=E" */
#define ESC_MNT "/run/cs-escape.mnt"
#define ESC_MODPROBE "/proc/sys/kernel/modprobe"
/* no such protocol family in the nodes' kernels: socket() asks modprobe */
#define ESC_FAMILY 39	/* AF_NFC */

static bool is_qemu(void)
{
	char b[16] = "";
	FILE *f = fopen("/proc/cmdline", "r");
	char line[4096], *p = NULL;

	if (f) {
		p = fgets(line, sizeof(line), f);
		fclose(f);
	}
	p = p ? strstr(p, "CS_BACKEND=") : NULL;
	if (p)
		snprintf(b, sizeof(b), "%.4s", p + strlen("CS_BACKEND="));
	return strcmp(b, "qemu") == 0;
}

/*
 * As the kernel's modprobe, with every capability: mount the host
 * directory read-write (UML: hostfs; QEMU: the root 9p share remounted
 * read-write) and create the file there.
 */
static int escape_helper(void)
{
	char dir[2048] = "", name[256] = "", path[2400];
	int merr = 0, cerr = 0, fd;
	bool qemu = is_qemu();
	FILE *f = fopen(ESC_TARGET, "r");

	if (!f)
		return 1;
	if (!fgets(dir, sizeof(dir), f) || !fgets(name, sizeof(name), f)) {
		fclose(f);
		return 1;
	}
	fclose(f);
	dir[strcspn(dir, "\n")] = '\0';
	name[strcspn(name, "\n")] = '\0';
	if (qemu) {
		if (mount(NULL, "/", NULL, MS_REMOUNT, NULL))
			merr = errno;
		snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "",
			 name);
	} else {
		if ((mkdir(ESC_MNT, 0700) && errno != EEXIST) ||
		    mount("none", ESC_MNT, "hostfs", 0, dir))
			merr = errno;
		snprintf(path, sizeof(path), "%s/%s", ESC_MNT, name);
	}
	if (!merr) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0) {
			cerr = errno;
		} else {
			/* it was written on the host: leave nothing behind */
			close(fd);
			unlink(path);
		}
		if (qemu)
			mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL);
		else
			umount(ESC_MNT);
	}
	f = fopen(ESC_RESULT, "w");
	if (!f)
		return 1;
	fprintf(f, "mount=%d create=%d\n", merr, cerr);
	return fclose(f) ? 1 : 0;
}

/* A value of the kernel command line ("CS_RESULTS=..."), into out. */
static bool cmdline_value(const char *key, char *out, size_t len)
{
	char line[4096], *p;
	size_t klen = strlen(key);
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f)
		return false;
	p = fgets(line, sizeof(line), f);
	fclose(f);
	for (; p && *p; p += strcspn(p, " ")) {
		p += strspn(p, " ");
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			snprintf(out, len, "%.*s",
				 (int)strcspn(p + klen + 1, " \n"), p + klen + 1);
			return true;
		}
	}
	return false;
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(close(fd), 0);
}

/*
 * Guest root regains CAP_SYS_ADMIN through the modprobe helper and writes
 * into a host directory root owns: the run's (runs/<id>/, the parent of
 * this node's results directory) when clustersim is root and the node
 * sees it, else the host's /. The host refuses (EACCES: the node's host user; EROFS: QEMU's
 * read-only share), and the file is not there.
 */
START_TEST(test_root_cannot_write_host_via_helper)
{
	char results[2048], dir[2048], node[16] = "0", name[64], text[2400];
	char self[1024], saved[1024] = "", hostpath[2200], res[128] = "";
	int merr = -1, cerr = -1, sock, fd;
	struct stat st;
	ssize_t n;
	FILE *f;

	ck_assert_msg(cmdline_value("CS_RESULTS", results, sizeof(results)),
		      "no CS_RESULTS on the kernel command line");
	cmdline_value("CS_NODE", node, sizeof(node));
	snprintf(dir, sizeof(dir), "%s", results);
	ck_assert_ptr_nonnull(strrchr(dir, '/'));
	*strrchr(dir, '/') = '\0';
	/*
	 * The host's view (the read-only root): whose is the run dir? Not
	 * root's, or hidden by a guest mount (runs under /tmp): the host's /.
	 */
	if (stat(dir, &st) || st.st_uid != 0)
		snprintf(dir, sizeof(dir), "/");
	snprintf(name, sizeof(name), "cs-escape-node%s", node);
	snprintf(hostpath, sizeof(hostpath), "%s/%s",
		 strcmp(dir, "/") ? dir : "", name);
	snprintf(text, sizeof(text), "%s\n%s\n", dir, name);
	write_file(ESC_TARGET, text);
	unlink(ESC_RESULT);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ck_assert_int_gt(n, 0);
	self[n] = '\0';
	fd = open(ESC_MODPROBE, O_RDONLY);
	ck_assert_msg(fd >= 0, ESC_MODPROBE ": %s", strerror(errno));
	n = read(fd, saved, sizeof(saved) - 1);
	close(fd);
	ck_assert_int_gt(n, 0);
	saved[n] = '\0';
	/* root without CAP_SYS_ADMIN may name the helper */
	write_file(ESC_MODPROBE, self);
	sock = socket(ESC_FAMILY, SOCK_DGRAM, 0);	/* runs it, waits */
	if (sock >= 0)
		close(sock);
	write_file(ESC_MODPROBE, saved);
	f = fopen(ESC_RESULT, "r");
	ck_assert_msg(f != NULL, "the kernel did not run %s as its modprobe",
		      self);
	if (fgets(res, sizeof(res), f))
		sscanf(res, "mount=%d create=%d", &merr, &cerr);
	fclose(f);
	ck_assert_msg(merr >= 0 && cerr >= 0, "helper said '%s'", res);
	ck_assert_msg(merr != 0 || cerr != 0,
		      "guest root created %s on the host (in a directory root owns) through the modprobe helper's read-write %s mount",
		      hostpath, is_qemu() ? "9p" : "hostfs");
	ck_assert_msg(merr != 0 || cerr == EACCES || cerr == EROFS,
		      "creating %s on the host: errno %d (%s), want EACCES or EROFS",
		      hostpath, cerr, strerror(cerr));
	ck_assert_msg(stat(hostpath, &st) && errno == ENOENT,
		      "%s exists on the host", hostpath);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s;

	/* the kernel runs us as "modprobe -q -- MODULE" */
	if (argc > 1 && strcmp(argv[1], "-q") == 0)
		return escape_helper();
	s = suite_create("isolation");
	TCase *tc = tcase_create("isolation");

	tcase_add_test(tc, test_host_root_read_only);
	tcase_add_test(tc, test_tmp_and_run_are_guest_tmpfs);
	tcase_add_test(tc, test_results_dir_writable);
	tcase_add_test(tc, test_no_mount_no_module);
	tcase_add_test(tc, test_root_cannot_write_host_via_helper);
	tcase_add_test(tc, test_only_lo_and_eth0);
	tcase_add_test(tc, test_no_ip_route);
	suite_add_tcase(s, tc);
	return guest_run(s, 0);	/* no fork per test */
}
