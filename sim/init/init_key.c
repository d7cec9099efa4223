/*
 * init_key.c: the cluster key of the run (hello.c in the module).
 *
 * The launcher writes the key (64 hex digits) to the node's results
 * directory, CI_RESULTS/cluster.key, mode 0600, before the node boots.
 * Before any other process runs, we read it, remove that file (the
 * results directory is the host's, and its owner may be a user id a
 * guest user also has), and keep it where only guest root reads it,
 * CI_KEY_FILE on the guest's own /run, for a test that loads the module
 * again. No file: no key (the module then pins peers without a proof).
 */
#include "init.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define CI_KEY_LEN 64

/* 0 and key[] the hex digits (or "" if none given), -1 after an error. */
int ci_read_key(const struct ci *ci, char *key, size_t size)
{
	static const char path[] = CI_RESULTS "/cluster.key";
	char buf[CI_KEY_LEN + 2];
	ssize_t n;
	int fd, i;

	key[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		ci_say(ci, "error", "open %s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (unlink(path))
		ci_say(ci, "error", "unlink %s: %s", path, strerror(errno));
	if (n < CI_KEY_LEN || size <= CI_KEY_LEN) {
		ci_say(ci, "error", "%s: want %d hex digits", path, CI_KEY_LEN);
		return -1;
	}
	for (i = 0; i < CI_KEY_LEN; i++)
		if (!isxdigit((unsigned char)buf[i])) {
			ci_say(ci, "error", "%s: not hex", path);
			return -1;
		}
	memcpy(key, buf, CI_KEY_LEN);
	key[CI_KEY_LEN] = '\0';
	fd = open(CI_KEY_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, key, CI_KEY_LEN) != CI_KEY_LEN) {
		ci_say(ci, "error", "%s: %s", CI_KEY_FILE, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd) ? -1 : 0;
}
