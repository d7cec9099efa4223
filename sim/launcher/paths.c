/* paths.c: where things are (relative to the binary) and kernel identity. */
#include "cluster.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int cs_self_dir(char *out, size_t len)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n < 0)
		return -1;
	buf[n] = '\0';
	if ((size_t)snprintf(out, len, "%s", dirname(buf)) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * A banner candidate at p: printable text up to "\n\0" without a printf
 * '%' (the format strings next to it have one). Returns its length or 0.
 */
static size_t banner_len(const char *p, const char *end)
{
	size_t n = 0;

	for (; p + n < end && n < 1024; n++) {
		unsigned char ch = (unsigned char)p[n];

		if (ch == '\n')
			return p + n + 1 < end && p[n + 1] == '\0' ? n : 0;
		if (ch < 0x20 || ch > 0x7e || ch == '%')
			return 0;
	}
	return 0;
}

/* The banner ends in UTS_VERSION: ") #<digits> ..." after the compiler. */
static bool has_uts_version(const char *p, size_t n)
{
	const char *v = NULL;

	for (size_t i = 0; i + 2 < n; i++)
		if (p[i] == ')' && p[i + 1] == ' ' && p[i + 2] == '#')
			v = p + i + 3;
	return v && v < p + n && *v >= '0' && *v <= '9';
}

int cs_kernel_banner(const char *kernel, char *banner, size_t blen,
		     char *rel, size_t rlen)
{
	static const char key[] = "Linux version ";
	int fd = open(kernel, O_RDONLY | O_CLOEXEC);
	struct stat st;
	const char *map, *p, *end;
	int rc = -1;

	banner[0] = rel[0] = '\0';
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || st.st_size <= 0) {
		close(fd);
		return -1;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -1;
	end = map + st.st_size;
	for (p = map; (p = memmem(p, (size_t)(end - p), key, sizeof(key) - 1));
	     p++) {
		size_t n = banner_len(p, end), r;

		if (!n || n >= blen || !has_uts_version(p, n))
			continue;
		r = strcspn(p + sizeof(key) - 1, " \n");
		if (r == 0 || r >= rlen)
			continue;
		memcpy(banner, p, n);
		banner[n] = '\0';
		memcpy(rel, p + sizeof(key) - 1, r);
		rel[r] = '\0';
		rc = 0;
		break;
	}
	munmap((void *)map, (size_t)st.st_size);
	if (rc)
		errno = ENOENT;
	return rc;
}

const char *cs_guest_hidden(const char *path)
{
	/* what cluster-init mounts over the host root (init_mount.c) */
	static const char *const over[] = { "/tmp", "/run", "/dev", "/proc",
					    "/sys" };

	for (size_t i = 0; i < sizeof(over) / sizeof(over[0]); i++) {
		size_t n = strlen(over[i]);

		if (!strncmp(path, over[i], n) &&
		    (path[n] == '/' || path[n] == '\0'))
			return over[i];
	}
	return NULL;
}

bool cs_path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return n && !strncmp(path, dir, n) &&
	       (path[n] == '/' || path[n] == '\0');
}

int cs_resolve_prog(const char *guestdir, const char *prog, char *out,
		    size_t len)
{
	char buf[PATH_MAX];

	if (strchr(prog, '/')) {
		if (!realpath(prog, buf))
			return -1;
	} else if ((size_t)snprintf(buf, sizeof(buf), "%s/%s", guestdir, prog)
		   >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (access(buf, X_OK))
		return -1;
	if ((size_t)snprintf(out, len, "%s", buf) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}
