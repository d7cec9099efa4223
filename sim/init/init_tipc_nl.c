/*
 * init_tipc_nl.c: configure TIPC over generic netlink (what `tipc node set
 * address` and `tipc bearer enable` do), without forking the tool: an exec
 * of a dynamic binary over hostfs costs a UML node 0.1-1 s.
 */
#include "init.h"

#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/tipc_netlink.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct nlbuf {
	union {
		struct nlmsghdr nh;
		char data[1024];
	} u;
};

static struct nlattr *attr_put(struct nlbuf *b, uint16_t type,
			       const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(b->u.data +
					     NLMSG_ALIGN(b->u.nh.nlmsg_len));
	size_t need = NLA_HDRLEN + len;

	if (NLMSG_ALIGN(b->u.nh.nlmsg_len) + NLA_ALIGN(need) > sizeof(b->u.data))
		return NULL;
	a->nla_type = type;
	a->nla_len = (uint16_t)need;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	b->u.nh.nlmsg_len = (uint32_t)(NLMSG_ALIGN(b->u.nh.nlmsg_len) +
				       NLA_ALIGN(need));
	return a;
}

static void nest_end(struct nlbuf *b, struct nlattr *nest)
{
	nest->nla_len = (uint16_t)(b->u.data + b->u.nh.nlmsg_len -
				   (char *)nest);
}

static void msg_init(struct nlbuf *b, uint16_t family, uint8_t cmd,
		     uint8_t version)
{
	struct genlmsghdr *g;

	memset(b, 0, sizeof(*b));
	b->u.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	b->u.nh.nlmsg_type = family;
	b->u.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	b->u.nh.nlmsg_seq = 1;
	g = NLMSG_DATA(&b->u.nh);
	g->cmd = cmd;
	g->version = version;
}

/* Send and wait for the ack (or the reply, for GETFAMILY). */
static int transact(int fd, struct nlbuf *b, struct nlbuf *reply)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	struct nlbuf tmp;
	struct nlbuf *r = reply ? reply : &tmp;
	ssize_t n;

	if (sendto(fd, b->u.data, b->u.nh.nlmsg_len, 0, (struct sockaddr *)&k,
		   sizeof(k)) < 0)
		return -1;
	n = recv(fd, r->u.data, sizeof(r->u.data), 0);
	if (n < (ssize_t)NLMSG_HDRLEN)
		return -1;
	if (r->u.nh.nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = NLMSG_DATA(&r->u.nh);

		if (e->error) {
			errno = -e->error;
			return -1;
		}
	}
	return 0;
}

static int family_id(int fd, uint16_t *id)
{
	struct nlbuf b, r;
	struct nlattr *a;
	int left;

	msg_init(&b, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	b.u.nh.nlmsg_flags = NLM_F_REQUEST;
	if (!attr_put(&b, CTRL_ATTR_FAMILY_NAME, TIPC_GENL_V2_NAME,
		      sizeof(TIPC_GENL_V2_NAME)) || transact(fd, &b, &r))
		return -1;
	if (r.u.nh.nlmsg_type == NLMSG_ERROR) {
		errno = ENOENT;
		return -1;
	}
	a = (struct nlattr *)((char *)NLMSG_DATA(&r.u.nh) + GENL_HDRLEN);
	left = (int)r.u.nh.nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	while (left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= left) {
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID) {
			memcpy(id, (char *)a + NLA_HDRLEN, sizeof(*id));
			return 0;
		}
		left -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
	errno = ENOENT;
	return -1;
}

static int set_addr(int fd, uint16_t fam, uint32_t addr)
{
	struct nlbuf b;
	struct nlattr *n;

	msg_init(&b, fam, TIPC_NL_NET_SET, TIPC_GENL_V2_VERSION);
	n = attr_put(&b, TIPC_NLA_NET | NLA_F_NESTED, NULL, 0);
	if (!n || !attr_put(&b, TIPC_NLA_NET_ADDR, &addr, sizeof(addr)))
		return -1;
	nest_end(&b, n);
	return transact(fd, &b, NULL);
}

static int set_media_tolerance(int fd, uint16_t fam, uint32_t tol)
{
	struct nlbuf b;
	struct nlattr *m, *p;

	msg_init(&b, fam, TIPC_NL_MEDIA_SET, TIPC_GENL_V2_VERSION);
	m = attr_put(&b, TIPC_NLA_MEDIA | NLA_F_NESTED, NULL, 0);
	if (!m || !attr_put(&b, TIPC_NLA_MEDIA_NAME, "eth", 4))
		return -1;
	p = attr_put(&b, TIPC_NLA_MEDIA_PROP | NLA_F_NESTED, NULL, 0);
	if (!p || !attr_put(&b, TIPC_NLA_PROP_TOL, &tol, sizeof(tol)))
		return -1;
	nest_end(&b, p);
	nest_end(&b, m);
	return transact(fd, &b, NULL);
}

static int bearer_set_tolerance(int fd, uint16_t fam, const char *name,
				uint32_t tol)
{
	struct nlbuf b;
	struct nlattr *n, *p;

	msg_init(&b, fam, TIPC_NL_BEARER_SET, TIPC_GENL_V2_VERSION);
	n = attr_put(&b, TIPC_NLA_BEARER | NLA_F_NESTED, NULL, 0);
	if (!n || !attr_put(&b, TIPC_NLA_BEARER_NAME, name, strlen(name) + 1))
		return -1;
	p = attr_put(&b, TIPC_NLA_BEARER_PROP | NLA_F_NESTED, NULL, 0);
	if (!p || !attr_put(&b, TIPC_NLA_PROP_TOL, &tol, sizeof(tol)))
		return -1;
	nest_end(&b, p);
	nest_end(&b, n);
	return transact(fd, &b, NULL);
}

static int bearer_enable(int fd, uint16_t fam, const char *name)
{
	struct nlbuf b;
	struct nlattr *n;

	msg_init(&b, fam, TIPC_NL_BEARER_ENABLE, TIPC_GENL_V2_VERSION);
	n = attr_put(&b, TIPC_NLA_BEARER | NLA_F_NESTED, NULL, 0);
	if (!n || !attr_put(&b, TIPC_NLA_BEARER_NAME, name, strlen(name) + 1))
		return -1;
	nest_end(&b, n);
	return transact(fd, &b, NULL);
}

int ci_tipc_family(uint16_t *family)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	int rc;

	if (fd < 0)
		return -1;
	rc = family_id(fd, family);
	close(fd);
	return rc;
}

int ci_tipc_set_tolerance(const struct ci *ci, unsigned int tolerance_ms)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	uint16_t fam;
	int rc = -1;

	if (fd < 0)
		return -1;
	if (family_id(fd, &fam) == 0 &&
	    bearer_set_tolerance(fd, fam, "eth:eth0", tolerance_ms) == 0)
		rc = 0;
	else
		ci_say(ci, "warning", "TIPC eth:eth0 tolerance %u ms: %s",
		       tolerance_ms, strerror(errno));
	close(fd);
	return rc;
}

int ci_tipc_setup(const struct ci *ci, unsigned int tolerance_ms)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	uint16_t fam;
	/* legacy <1.1.N> address: set directly, no 1 s uniqueness trial */
	uint32_t addr = (1u << 24) | (1u << 12) | (uint32_t)ci->node;
	int rc = -1;

	if (fd < 0) {
		ci_say(ci, "error", "netlink socket: %s", strerror(errno));
		return -1;
	}
	if (family_id(fd, &fam)) {
		ci_say(ci, "error", "TIPC netlink family: %s", strerror(errno));
		goto out;
	}
	if (set_addr(fd, fam, addr)) {
		ci_say(ci, "error", "TIPC address 1.1.%d: %s", ci->node,
		       strerror(errno));
		goto out;
	}
	if (tolerance_ms && set_media_tolerance(fd, fam, tolerance_ms))
		ci_say(ci, "warning", "TIPC eth tolerance %u ms: %s",
		       tolerance_ms, strerror(errno));
	if (bearer_enable(fd, fam, "eth:eth0")) {
		ci_say(ci, "error", "TIPC bearer eth:eth0: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}
