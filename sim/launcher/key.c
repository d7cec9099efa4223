/*
 * key.c: the run's cluster key (the module's hello.c).
 *
 * One random key per run, given to every node's module so that a peer
 * is pinned only after it proves it holds the key: a user process that
 * publishes a node's service once that node's module is gone cannot
 * pass for it. Before a node boots, the key goes to its results
 * directory as cluster.key, mode 0600, owned by the node user; the
 * guest init reads and removes it before any other process runs
 * (sim/init/init_key.c).
 */
#include "cluster.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

/* The run's key in hex, drawn at the first call. 0 or -1. */
static int cs_key_hex(struct cs_cluster *c)
{
	unsigned char raw[CS_KEY_BYTES];
	size_t i;

	if (c->key[0])
		return 0;
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		fprintf(stderr, "clustersim: getrandom: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < sizeof(raw); i++)
		snprintf(c->key + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

int cs_node_write_key(struct cs_cluster *c, const struct cs_node *nd)
{
	char path[PATH_MAX];
	size_t len;
	int fd;

	if (cs_key_hex(c))
		return -1;
	if (snprintf(path, sizeof(path), "%s/cluster.key", nd->results) >=
	    (int)sizeof(path)) {
		fprintf(stderr, "clustersim: node %d: results path too long\n",
			nd->num);
		return -1;
	}
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		goto err;
	len = strlen(c->key);
	if ((c->confined && fchown(fd, c->node_uid, c->node_gid)) ||
	    write(fd, c->key, len) != (ssize_t)len) {
		close(fd);
		goto err;
	}
	if (close(fd))
		goto err;
	return 0;
err:
	fprintf(stderr, "clustersim: %s: %s\n", path, strerror(errno));
	return -1;
}
