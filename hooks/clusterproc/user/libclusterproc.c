/* libclusterproc: see libclusterproc.h */
#include "libclusterproc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static int cp_read_int(int fd, int *val)
{
	char buf[32];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	char *end;
	long v;

	if (n < 0)
		return -1;
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || v < INT_MIN || v > INT_MAX) {
		errno = EPROTO;
		return -1;
	}
	*val = (int)v;
	return 0;
}

/* write "@val\n" to a /proc/clusterproc file */
static int cp_write_int(int fd, long val)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%ld\n", val);
	ssize_t n = write(fd, buf, (size_t)len);

	if (n < 0)
		return -1;
	if (n != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/*
 * One exchange with a /proc/clusterproc file: write *@wval (if given),
 * then read an int into *@rval (if given). 0, or -1 with errno set.
 */
static int cp_proc_io(const char *path, int flags, const long *wval,
		      int *rval)
{
	int fd = open(path, flags | O_CLOEXEC);
	int err = 0, saved;

	if (fd < 0)
		return -1;
	if (wval)
		err = cp_write_int(fd, *wval);
	if (!err && rval)
		err = cp_read_int(fd, rval);
	saved = errno;
	if (close(fd) && !err)
		return -1;
	errno = saved;
	return err;
}

int cp_self_node(void)
{
	int node;

	if (cp_proc_io(CP_PROC_DIR "/self", O_RDONLY, NULL, &node))
		return -1;
	return node;
}

int cp_where(pid_t pid)
{
	long p = pid;
	int node;

	if (cp_proc_io(CP_PROC_DIR "/where", O_RDWR, &p, &node))
		return -1;
	return node;
}

int cp_set_exec_node(int node)
{
	long n = node;

	return cp_proc_io(CP_PROC_DIR "/exec_node", O_WRONLY, &n, NULL);
}

int cp_rexecve(int node, const char *path, char *const argv[],
	       char *const envp[])
{
	int saved;

	if (cp_set_exec_node(node))
		return -1;
	execve(path, argv, envp);
	saved = errno;
	cp_set_exec_node(0);	/* best effort: the exec failed anyway */
	errno = saved;
	return -1;
}

int cp_rexecvp(int node, const char *file, char *const argv[])
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];
	int saw_eacces = 0;

	if (!*file) {
		errno = ENOENT;
		return -1;
	}
	if (strchr(file, '/'))
		return cp_rexecve(node, file, argv, environ);
	if (!path)
		path = "/usr/local/bin:/bin:/usr/bin";
	while (*path) {
		const char *end = strchrnul(path, ':');
		size_t dlen = (size_t)(end - path);
		int n = snprintf(buf, sizeof(buf), "%.*s%s%s", (int)dlen, path,
				 dlen ? "/" : "", file);

		path = *end ? end + 1 : end;
		if (n < 0 || (size_t)n >= sizeof(buf))
			continue;
		if (access(buf, X_OK) == 0)
			return cp_rexecve(node, buf, argv, environ);
		if (errno == EACCES)
			saw_eacces = 1;
	}
	errno = saw_eacces ? EACCES : ENOENT;
	return -1;
}
