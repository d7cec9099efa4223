/*
 * nodeuser.c: the host user the nodes run as when clustersim runs as root.
 *
 * A UML node's root is the host's / over hostfs and its kernel does every
 * host file operation with the rights of its host process: run as root,
 * guest root (or a guest kernel bug) can write anywhere on the host.
 * So when clustersim is root, every process it starts for the run (UML
 * kernels, QEMU, vde_switch, wirefilter, cables) runs as an unprivileged
 * user instead: CS_NODE_USER (`make setup` adds it), else "nobody", with
 * no supplementary groups (the group of /dev/kvm when QEMU uses KVM).
 * What that user may write is what clustersim hands over to it: the
 * nodes' results directories, the UML umid directory and the switch
 * directories of the run. The run directory itself, the jobs, the
 * consoles and the reports stay root's. Not root: nothing changes.
 */
#include "cluster.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int cs_node_user_prepare(struct cs_cluster *c)
{
	static const char *const names[] = { CS_NODE_USER, "nobody" };
	struct passwd *pw = NULL;
	struct stat st;
	size_t i;

	c->confined = false;
	if (geteuid() != 0)
		return 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && !pw; i++) {
		errno = 0;
		pw = getpwnam(names[i]);
		if (!pw && errno) {
			fprintf(stderr, "clustersim: looking up user %s: %s\n",
				names[i], strerror(errno));
			return -1;
		}
	}
	if (!pw) {
		fprintf(stderr, "clustersim: running as root, but there is no user %s ('make setup' adds it) nor nobody to run the nodes as; run clustersim as a non-root user\n",
			CS_NODE_USER);
		return -1;
	}
	if (pw->pw_uid == 0 || pw->pw_gid == 0) {
		fprintf(stderr, "clustersim: user %s has uid %u gid %u: the nodes must not run as root\n",
			pw->pw_name, (unsigned)pw->pw_uid, (unsigned)pw->pw_gid);
		return -1;
	}
	snprintf(c->node_user, sizeof(c->node_user), "%s", pw->pw_name);
	c->node_uid = pw->pw_uid;
	c->node_gid = pw->pw_gid;
	c->node_ngroups = 0;
	/* QEMU with KVM opens /dev/kvm: its group, and only that one */
	if (c->img[CS_BACKEND_QEMU].used && c->qemu_accel &&
	    strcmp(c->qemu_accel, "kvm") == 0 && stat("/dev/kvm", &st) == 0 &&
	    !(st.st_mode & S_IROTH && st.st_mode & S_IWOTH) && st.st_gid != 0)
		c->node_groups[c->node_ngroups++] = st.st_gid;
	c->confined = true;
	if (strcmp(pw->pw_name, CS_NODE_USER))
		fprintf(stderr, "clustersim: no user %s ('make setup' adds it): the nodes run as %s (uid %u)\n",
			CS_NODE_USER, pw->pw_name, (unsigned)pw->pw_uid);
	return 0;
}

int cs_node_user_enter(const struct cs_cluster *c)
{
	if (!c->confined)
		return 0;
	if (setgroups(c->node_ngroups, c->node_groups)) {
		fprintf(stderr, "clustersim: setgroups for user %s: %s\n",
			c->node_user, strerror(errno));
		return -1;
	}
	if (setresgid(c->node_gid, c->node_gid, c->node_gid)) {
		fprintf(stderr, "clustersim: setresgid(%u) for user %s: %s\n",
			(unsigned)c->node_gid, c->node_user, strerror(errno));
		return -1;
	}
	if (setresuid(c->node_uid, c->node_uid, c->node_uid)) {
		fprintf(stderr, "clustersim: setresuid(%u) for user %s: %s\n",
			(unsigned)c->node_uid, c->node_user, strerror(errno));
		return -1;
	}
	/* no way back: root's uid and gid are gone for good */
	if (setuid(0) == 0 || setgid(0) == 0 || geteuid() != c->node_uid ||
	    getegid() != c->node_gid) {
		fprintf(stderr, "clustersim: dropping to user %s did not hold: still able to become root\n",
			c->node_user);
		return -1;
	}
	return 0;
}

int cs_node_user_dir(const struct cs_cluster *c, const char *dir, mode_t mode)
{
	if (mkdir(dir, mode) && errno != EEXIST) {
		fprintf(stderr, "clustersim: mkdir %s: %s\n", dir,
			strerror(errno));
		return -1;
	}
	if (c->confined && chown(dir, c->node_uid, c->node_gid)) {
		fprintf(stderr, "clustersim: chown %s to user %s: %s\n", dir,
			c->node_user, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * In the child, as the node user: the first directory on @path's way
 * that it cannot search, into @bad (else @path itself).
 */
static void first_closed(const char *path, char *bad, size_t len)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (access(buf, X_OK)) {
			snprintf(bad, len, "%s", buf);
			return;
		}
		*p = '/';
	}
	snprintf(bad, len, "%s", path);
}

int cs_node_user_check(const struct cs_cluster *c,
		       const struct cs_node_access *acc, size_t n)
{
	int status;
	pid_t pid;

	if (!c->confined)
		return 0;
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "clustersim: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (cs_node_user_enter(c))
			_exit(1);
		for (size_t i = 0; i < n; i++) {
			char bad[PATH_MAX];
			int e;

			if (!acc[i].path[0] || access(acc[i].path, acc[i].mode) == 0)
				continue;
			e = errno;
			first_closed(acc[i].path, bad, sizeof(bad));
			if (strcmp(bad, acc[i].path))
				fprintf(stderr, "clustersim: the nodes run as user %s (uid %u) when clustersim is root, and it cannot search %s on the way to %s %s: let it in ('setfacl -m u:%s:x %s'; 'make setup' does so for the tree) or run clustersim as a non-root user\n",
					c->node_user, (unsigned)c->node_uid, bad,
					acc[i].what, acc[i].path, c->node_user,
					bad);
			else
				fprintf(stderr, "clustersim: the nodes run as user %s (uid %u) when clustersim is root, and it cannot %s %s %s: %s\n",
					c->node_user, (unsigned)c->node_uid,
					acc[i].mode & W_OK ? "write" :
					acc[i].mode & X_OK ? "run" : "read",
					acc[i].what, acc[i].path, strerror(e));
			_exit(1);
		}
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "clustersim: waitpid: %s\n",
				strerror(errno));
			return -1;
		}
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}
