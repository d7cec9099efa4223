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
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
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

int main(void)
{
	Suite *s = suite_create("isolation");
	TCase *tc = tcase_create("isolation");

	tcase_add_test(tc, test_host_root_read_only);
	tcase_add_test(tc, test_tmp_and_run_are_guest_tmpfs);
	tcase_add_test(tc, test_results_dir_writable);
	tcase_add_test(tc, test_no_mount_no_module);
	tcase_add_test(tc, test_only_lo_and_eth0);
	tcase_add_test(tc, test_no_ip_route);
	suite_add_tcase(s, tc);
	return guest_run(s, 0);	/* no fork per test */
}
