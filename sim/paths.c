/* paths.c: where things are (relative to the binary) and kernel identity. */
#include "cluster.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static int read_line(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "r");
	char *nl;

	if (!f)
		return -1;
	if (!fgets(out, (int)len, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	nl = strchr(out, '\n');
	if (nl)
		*nl = '\0';
	return 0;
}

/* UTS_VERSION from include/generated/{utsversion,compile}.h, if present. */
static void read_uts_version(const char *kdir, char *ver, size_t vlen)
{
	static const char *const files[] = {
		"include/generated/utsversion.h", "include/generated/compile.h",
	};
	char path[PATH_MAX], line[512];

	ver[0] = '\0';
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", kdir, files[i]);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			char *q = strstr(line, "#define UTS_VERSION \"");
			char *e;

			if (!q)
				continue;
			q += strlen("#define UTS_VERSION \"");
			e = strrchr(q, '"');
			if (e) {
				*e = '\0';
				snprintf(ver, vlen, "%s", q);
			}
		}
		fclose(f);
		if (ver[0])
			return;
	}
}

int cs_kernel_release(const char *kernel, char *rel, size_t rlen,
		      char *ver, size_t vlen)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	char *kdir;

	snprintf(tmp, sizeof(tmp), "%s", kernel);
	kdir = dirname(tmp);
	snprintf(path, sizeof(path), "%s/include/config/kernel.release", kdir);
	rel[0] = '\0';
	read_uts_version(kdir, ver, vlen);
	return read_line(path, rel, rlen);
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
