/*
 * init_diag.c: what a node that has not joined in time says about its
 * link to the others: which nodes TIPC knows and has a link up to (a
 * TIPC_NL_NODE_GET dump over generic netlink) and the frames eth0 moved.
 */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/tipc_netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The attribute of @type among those at @a (@len bytes), or NULL. */
static const struct nlattr *attr_find(const struct nlattr *a, int len,
				      int type)
{
	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		len -= NLA_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const char *)a +
					    NLA_ALIGN(a->nla_len));
	}
	return NULL;
}

/* One TIPC_NL_NODE_GET answer: record the node as known, and up. */
static void node_msg(const struct nlmsghdr *nh, uint64_t *known,
		     uint64_t *up)
{
	const struct nlattr *a = (const struct nlattr *)
		((const char *)NLMSG_DATA(nh) + GENL_HDRLEN);
	int len = (int)nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	const struct nlattr *node = attr_find(a, len, TIPC_NLA_NODE);
	const struct nlattr *addr;
	uint32_t v, n;

	if (!node)
		return;
	a = (const struct nlattr *)((const char *)node + NLA_HDRLEN);
	len = node->nla_len - NLA_HDRLEN;
	addr = attr_find(a, len, TIPC_NLA_NODE_ADDR);
	if (!addr || addr->nla_len < NLA_HDRLEN + sizeof(v))
		return;
	memcpy(&v, (const char *)addr + NLA_HDRLEN, sizeof(v));
	n = v & 0xfff;		/* <1.1.N> */
	if (n < 1 || n > 64)
		return;
	*known |= 1ULL << (n - 1);
	if (attr_find(a, len, TIPC_NLA_NODE_UP))
		*up |= 1ULL << (n - 1);
}

int ci_tipc_nodes(uint16_t family, uint64_t *known, uint64_t *up)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr nh;
		struct genlmsghdr g;
	} req;
	static char buf[32768];
	int fd, rc = -1;

	*known = *up = 0;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -1;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = family;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = 2;
	req.g.cmd = TIPC_NL_NODE_GET;
	req.g.version = TIPC_GENL_V2_VERSION;
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&k,
		   sizeof(k)) < 0)
		goto out;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		const struct nlmsghdr *nh = (const struct nlmsghdr *)buf;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		for (; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_DONE) {
				rc = 0;
				goto out;
			}
			if (nh->nlmsg_type == NLMSG_ERROR) {
				errno = EPROTO;
				goto out;
			}
			node_msg(nh, known, up);
		}
	}
out:
	close(fd);
	return rc;
}

/* /sys/class/net/eth0/statistics/NAME, or -1 */
static long eth0_stat(const char *name)
{
	char path[96], v[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/net/eth0/statistics/%s",
		 name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, v, sizeof(v) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	v[n] = '\0';
	return strtol(v, NULL, 10);
}

/* " 3 5-7 9" for the bits of @m in 1..@n */
static void list_bits(uint64_t m, int n, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 1; i <= n && used + 12 < len; i++) {
		int j = i;

		if (!(m & (1ULL << (i - 1))))
			continue;
		while (j < n && (m & (1ULL << j)))
			j++;
		used += (size_t)snprintf(out + used, len - used,
					 j > i ? " %d-%d" : " %d", i, j);
		i = j;
	}
	if (!out[0])
		snprintf(out, len, " none");
}

void ci_join_diag(const struct ci *ci, const char *what, int nseen,
		  uint64_t seen)
{
	uint64_t known = 0, up = 0, all, self;
	char l_up[160], l_known[160], l_missing[160];
	uint16_t fam;
	int tipc = -1;

	all = ci->nodes >= 64 ? ~0ULL : (1ULL << ci->nodes) - 1;
	self = 1ULL << (ci->node - 1);
	if (ci_tipc_family(&fam) == 0)
		tipc = ci_tipc_nodes(fam, &known, &up);
	list_bits(all & ~seen, ci->nodes, l_missing, sizeof(l_missing));
	list_bits(up & all & ~self, ci->nodes, l_up, sizeof(l_up));
	list_bits(known & ~up & all & ~self, ci->nodes, l_known,
		  sizeof(l_known));
	if (tipc)
		snprintf(l_up, sizeof(l_up), " (netlink: %s)", strerror(errno));
	ci_say(ci, "linkwait",
	       "%s: %d of %d nodes after %.1fs, missing:%s; TIPC links up to:%s; known, link down:%s; eth0 rx %ld tx %ld frames, rx_dropped %ld tx_dropped %ld tx_errors %ld",
	       what, nseen, ci->nodes, ci_uptime(), l_missing, l_up,
	       tipc ? " ?" : l_known, eth0_stat("rx_packets"),
	       eth0_stat("tx_packets"), eth0_stat("rx_dropped"),
	       eth0_stat("tx_dropped"), eth0_stat("tx_errors"));
}
