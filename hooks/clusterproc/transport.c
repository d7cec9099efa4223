// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc transport: request/reply messages between the modules of
 * the cluster's nodes over one TIPC SOCK_RDM kernel socket per node.
 *
 * - cp_rx: a kthread receiving every message; it validates the message
 *   (header, length, type, and that the sender is the pinned module
 *   socket of the node the header names), completes the waiting call
 *   for replies and queues requests for the server threads.
 * - cp_svr/N: server kthreads (the seed's "svrproc") running requests
 *   on behalf of remote nodes and sending the replies.
 * - cp_call(): a synchronous call with a request id and a timeout.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/fault-inject.h>
#include <linux/hashtable.h>
#include <linux/kthread.h>
#include <linux/net.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/tipc.h>
#include <linux/wait.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include "cp_internal.h"

#define CP_MAX_SVR	32

static unsigned int nr_svrprocs = 4;
module_param(nr_svrprocs, uint, 0444);
MODULE_PARM_DESC(nr_svrprocs, "server threads running remote requests (1..32)");

static bool reserved_type;
module_param(reserved_type, bool, 0444);
MODULE_PARM_DESC(reserved_type, "try TIPC type 42 first (needs proposed/0001 in the kernel)");

struct cp_pending {
	struct hlist_node link;
	u64 req_id;
	unsigned int node;
	u8 type;
	struct completion done;
	int status;
	void *reply;
	size_t reply_max;
	size_t reply_len;
};

struct cp_work {
	struct list_head link;
	u32 from_addr, from_port;
	unsigned int src_node;
	unsigned long queued;	/* jiffies at receipt */
	size_t len;
	u8 msg[];
};

static struct socket *cp_sock;
static struct task_struct *cp_rx_thread;
static void *cp_rx_buf;
static atomic64_t cp_next_req;

static DEFINE_MUTEX(cp_leave_mutex);
static bool cp_left;		/* left the cluster (debugfs "leave") */

static DEFINE_SPINLOCK(cp_pending_lock);
static DEFINE_HASHTABLE(cp_pending_hash, 6);
static bool cp_stopping;
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
/*
 * debugfs fail_call/: the kernel's fault injection (Documentation/
 * fault-injection): a call that should fail finds no memory for its
 * request, as under memory pressure (-ENOMEM, nothing sent). For the
 * tests of what a caller does then (test_notify_retry).
 */
static DECLARE_FAULT_ATTR(cp_fail_call);

static bool cp_should_fail_call(size_t len)
{
	return should_fail(&cp_fail_call, len);
}

void cp_fail_call_debugfs(struct dentry *dir)
{
	fault_create_debugfs_attr("fail_call", dir, &cp_fail_call);
}
#else
static bool cp_should_fail_call(size_t len)
{
	return false;
}

void cp_fail_call_debugfs(struct dentry *dir)
{
}
#endif

/* live_calls: calls waiting for their reply now */
unsigned int cp_calls_live(void)
{
	const struct cp_pending *p;
	unsigned int n = 0;
	int bkt;

	spin_lock_bh(&cp_pending_lock);
	hash_for_each(cp_pending_hash, bkt, p, link)
		n++;
	spin_unlock_bh(&cp_pending_lock);
	return n;
}

/*
 * Requests are queued for the server threads only while serving: from
 * the end of module init (cp_transport_serve_start(), once the workers
 * and threads the handlers use exist: cp_ptracer, cp_rparent, the
 * outbound worker) to the start of unload (cp_transport_serve_stop(),
 * before they are stopped). A request that arrives outside is refused
 * with ESHUTDOWN, never handed to a worker that is not there. Replies
 * are received from cp_transport_start() to cp_transport_stop().
 */
static bool cp_serving;

/*
 * The server threads' queue, under cp_svr_lock: two FIFOs, news first.
 * News (EVENT, REPARENT: a process's exit or its parent's) is never
 * refused, never expires and is served before any request: an exit
 * must not be lost or wait behind a flood, and each one is about a real
 * process. Requests of one peer queued at once are bounded
 * (CP_SVR_PEER_MAX, cp_svr_peer[]): beyond, cp_rx_request() answers
 * EBUSY at once (drop_busy), so one node's flood (or its users' calls)
 * delays another node's calls by at most that many handler runs, and
 * memory stays bounded. A request whose caller has given up by the time
 * a thread takes it (queued longer than its call timeout), unless its
 * caller waits for the outcome (REXEC, settle), is dropped unanswered
 * (drop_expired): it would act after its caller was told it failed.
 */
#define CP_SVR_PEER_MAX	128
static DEFINE_SPINLOCK(cp_svr_lock);
static LIST_HEAD(cp_svr_queue);
static LIST_HEAD(cp_svr_news);
static unsigned int cp_svr_peer[CP_MAX_NODES + 1];
static DECLARE_WAIT_QUEUE_HEAD(cp_svr_wq);
static struct task_struct *cp_svr_threads[CP_MAX_SVR];
static void *cp_svr_bufs[CP_MAX_SVR];

static int cp_send_to(u32 addr, u32 port, void *buf, size_t len)
{
	struct sockaddr_tipc dst = {
		.family = AF_TIPC,
		.addrtype = TIPC_SOCKET_ADDR,
		.addr.id.ref = port,
		.addr.id.node = addr,
	};
	struct msghdr msg = { .msg_name = &dst, .msg_namelen = sizeof(dst) };
	struct kvec iov = { .iov_base = buf, .iov_len = len };
	int rc;

	/* before the send: the reply may be received before it returns */
	if (len >= sizeof(struct cp_hdr))
		cp_trace_msg(CP_TR_SEND, buf);
	rc = kernel_sendmsg(cp_sock, &msg, &iov, 1, len);
	if (rc < 0) {
		cp_count(CP_STAT_TX_ERRORS);
		return rc;
	}
	cp_count(CP_STAT_TX_MSGS);
	return 0;
}

/**
 * cp_hello_send() - send our HELLO to a socket that says it is node @dst
 * @addr: its TIPC node address
 * @port: its port id
 * @dst: the node number it publishes
 * @ask: ask for its HELLO back
 *
 * Process context. Return: 0 or a negative errno.
 */
int cp_hello_send(u32 addr, u32 port, unsigned int dst, bool ask)
{
	struct {
		struct cp_hdr h;
		struct cp_hello hello;
	} m;
	int err;

	cp_fill_hdr(&m.h, CP_MSG_HELLO, 0, sizeof(m), dst, 0, 0);
	cp_hello_fill(&m.hello, ask);
	err = cp_send_to(addr, port, &m, sizeof(m));
	if (!err)
		cp_count(CP_STAT_HELLO_SENT);
	return err;
}

/**
 * cp_fill_hdr() - a header from this node, as the receiver checks it
 * @h: the header
 * @type: enum cp_msg_type
 * @flags: CP_F_*
 * @len: the whole message's length
 * @dst: the destination node
 * @status: a reply's positive errno, else 0
 * @req_id: the request id (a reply echoes its request's)
 */
void cp_fill_hdr(struct cp_hdr *h, u8 type, u16 flags, size_t len,
		 unsigned int dst, int status, u64 req_id)
{
	h->magic = cpu_to_be32(CP_MAGIC);
	h->version = CP_VERSION;
	h->type = type;
	h->flags = cpu_to_be16(flags);
	h->len = cpu_to_be32(len);
	h->src_node = cpu_to_be32(cp_self);
	h->dst_node = cpu_to_be32(dst);
	h->status = cpu_to_be32(status);
	h->req_id = cpu_to_be64(req_id);
}

/* Find and unhash the pending call req_id made to node. Lock held. */
static struct cp_pending *cp_pending_take(u64 req_id, unsigned int node)
{
	struct cp_pending *p;

	hash_for_each_possible(cp_pending_hash, p, link, req_id) {
		if (p->req_id == req_id && p->node == node) {
			hash_del(&p->link);
			return p;
		}
	}
	return NULL;
}

/* Count a finished call by its result. */
static void cp_call_count(int err)
{
	switch (err) {
	case 0:
		cp_count(CP_STAT_CALLS_OK);
		break;
	case -ETIMEDOUT:
		cp_count(CP_STAT_CALLS_TIMEOUT);
		break;
	case -EHOSTDOWN:
		cp_count(CP_STAT_CALLS_HOSTDOWN);
		break;
	case -EHOSTUNREACH:
		cp_count(CP_STAT_CALLS_UNREACH);
		break;
	case -EINTR:
		cp_count(CP_STAT_CALLS_INTR);
		break;
	}
}

/**
 * cp_send_raw() - send a message as it is to a node's module socket
 * @node: an up node
 * @msg: a whole message, header included, whatever it holds
 * @len: its length, at most CP_MAX_MSG
 *
 * For the wire fuzzer (fuzz.c): no request id, no reply awaited.
 *
 * Return: 0, -EINVAL, -EHOSTDOWN, or the send's negative errno.
 */
int cp_send_raw(unsigned int node, const void *msg, size_t len)
{
	struct cp_node_info ni;

	if (len > CP_MAX_MSG || !cp_node_get(node, &ni))
		return -EINVAL;
	if (!ni.up || READ_ONCE(cp_left))
		return -EHOSTDOWN;
	return cp_send_to(ni.addr, ni.port, (void *)msg, len);
}

/*
 * First half of a call: hash p (filled in by the caller: node, type,
 * reply, reply_max) under a new request id and send the request to the
 * node's pinned socket. On error p is not hashed.
 */
static int cp_call_start(struct cp_pending *p, const void *req,
			 size_t req_len)
{
	struct cp_node_info ni, now;
	size_t len = sizeof(struct cp_hdr) + req_len;
	struct cp_hdr *h;
	int err;

	might_sleep();
	cp_count(CP_STAT_CALLS);
	init_completion(&p->done);
	INIT_HLIST_NODE(&p->link);
	if (len > CP_MAX_MSG || !cp_msg_desc(p->type))
		return -EINVAL;
	if (!cp_node_get(p->node, &ni))
		return -EINVAL;
	if (!ni.up || READ_ONCE(cp_left))
		return -EHOSTDOWN;
	h = cp_should_fail_call(len) ? NULL : kmalloc(len, GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	p->req_id = atomic64_inc_return(&cp_next_req);
	cp_fill_hdr(h, p->type, 0, len, p->node, 0, p->req_id);
	memcpy(h + 1, req, req_len);

	spin_lock_bh(&cp_pending_lock);
	if (cp_stopping) {
		spin_unlock_bh(&cp_pending_lock);
		kfree(h);
		return -ESHUTDOWN;
	}
	hash_add(cp_pending_hash, &p->link, p->req_id);
	spin_unlock_bh(&cp_pending_lock);

	/* a down event between the lookup and hash_add would be missed */
	if (!cp_node_get(p->node, &now) || !now.up ||
	    now.generation != ni.generation) {
		err = -EHOSTDOWN;
	} else {
		cp_delay_point(CP_DP_CALL_SEND);
		err = cp_send_to(ni.addr, ni.port, h, len);
	}
	kfree(h);
	if (err) {
		spin_lock_bh(&cp_pending_lock);
		if (!hlist_unhashed(&p->link))
			hash_del(&p->link);
		spin_unlock_bh(&cp_pending_lock);
	}
	return err;
}

/*
 * Second half: wait for the reply until deadline (jiffies), unhash. A
 * fatal signal ends the wait, unless the caller must learn the outcome
 * (@outcome): then it waits on, in sleeps of at most a second (a node
 * that does not answer is not a hung task), until the deadline.
 */
static int cp_call_finish(struct cp_pending *p, unsigned long deadline,
			  bool outcome)
{
	long left = (long)(deadline - jiffies);
	int err;

	if (left > 0)
		left = wait_for_completion_killable_timeout(&p->done, left);
	if (left < 0 && outcome) {
		cp_count(CP_STAT_CALL_OUTCOME_WAIT);
		/* a successful wait consumes the completion: stop there */
		while (time_before(jiffies, deadline) &&
		       !wait_for_completion_timeout(&p->done,
				min_t(long, (long)(deadline - jiffies), HZ)))
			;
		left = 0;
	}
	spin_lock_bh(&cp_pending_lock);
	if (!hlist_unhashed(&p->link)) {
		/* nobody completed it: timed out or killed */
		hash_del(&p->link);
		err = left < 0 ? -EINTR : -ETIMEDOUT;
	} else {
		err = p->status;
	}
	spin_unlock_bh(&cp_pending_lock);
	return err;
}

/**
 * cp_call() - send a request to a node and wait for its reply
 * @node: destination node number (may be this node)
 * @type: enum cp_msg_type
 * @req: request payload
 * @req_len: its length
 * @reply: buffer for the reply payload
 * @reply_max: its size
 * @reply_len: set to the reply payload length on success
 *
 * Sleeps (killable) for at most cp_call_timeout_ms (or the type's longer
 * timeout_ms, see handlers.c). Never call it with a
 * spinlock held.
 *
 * Return: 0, the remote handler's negative errno, -EHOSTDOWN if @node is
 * not up or goes down, -EHOSTUNREACH if TIPC returned the request,
 * -ETIMEDOUT, -EINTR (fatal signal) or another negative errno.
 */
int cp_call(unsigned int node, u8 type, const void *req, size_t req_len,
	    void *reply, size_t reply_max, size_t *reply_len)
{
	struct cp_pending p = {
		.node = node, .type = type,
		.reply = reply, .reply_max = reply_max,
	};
	const struct cp_msg_desc *d = cp_msg_desc(type);
	unsigned long deadline = jiffies +
		msecs_to_jiffies(max(cp_call_timeout_ms,
				     d && d->timeout_ms ? *d->timeout_ms : 0));
	int err;

	err = cp_call_start(&p, req, req_len);
	if (!err)
		err = cp_call_finish(&p, deadline, d && d->outcome);
	cp_call_count(err);
	if (!err)
		*reply_len = p.reply_len;
	return err;
}

/**
 * cp_call_nodes() - the same request to several nodes at once
 * @map: the nodes (bitmap of CP_MAX_NODES + 1 bits)
 * @type: enum cp_msg_type
 * @req: request payload
 * @req_len: its length
 * @replies: CP_MAX_NODES + 1 reply buffers of @reply_max bytes, by node
 * @reply_max: size of each
 * @reply_lens: by node, set to the reply length on success
 * @errs: by node, set to cp_call()'s result for that node
 *
 * Every request is sent before any reply is waited for, so the whole
 * costs about one round trip, not one per node; one timeout for all.
 *
 * Return: 0, or -ENOMEM (nothing sent).
 */
int cp_call_nodes(const unsigned long *map, u8 type, const void *req,
		  size_t req_len, void *replies, size_t reply_max,
		  size_t *reply_lens, int *errs)
{
	unsigned long deadline = jiffies +
				 msecs_to_jiffies(cp_call_timeout_ms);
	const struct cp_msg_desc *d = cp_msg_desc(type);
	struct cp_pending *pv;
	unsigned int n;

	pv = kcalloc(CP_MAX_NODES + 1, sizeof(*pv), GFP_KERNEL);
	if (!pv)
		return -ENOMEM;
	for_each_set_bit(n, map, CP_MAX_NODES + 1) {
		pv[n].node = n;
		pv[n].type = type;
		pv[n].reply = (u8 *)replies + n * reply_max;
		pv[n].reply_max = reply_max;
		errs[n] = cp_call_start(&pv[n], req, req_len);
	}
	for_each_set_bit(n, map, CP_MAX_NODES + 1) {
		if (!errs[n])
			errs[n] = cp_call_finish(&pv[n], deadline,
						 d && d->outcome);
		cp_call_count(errs[n]);
		if (!errs[n])
			reply_lens[n] = pv[n].reply_len;
	}
	kfree(pv);
	return 0;
}

/**
 * cp_call_batch() - several requests to one node, sent back to back
 * @node: destination node number
 * @type: enum cp_msg_type (its replies have no payload)
 * @reqs: the @n request payloads
 * @lens: their lengths
 * @n: how many
 * @errs: set to each one's cp_call() result
 *
 * Every request is sent before any reply is awaited: about one round
 * trip for all. They leave in order, but the receiver's server threads
 * may run them in any order (stdio.c orders its chunks itself).
 *
 * Return: 0, or -ENOMEM (nothing sent).
 */
int cp_call_batch(unsigned int node, u8 type, const void *const *reqs,
		  const size_t *lens, unsigned int n, int *errs)
{
	const struct cp_msg_desc *d = cp_msg_desc(type);
	unsigned long deadline = jiffies +
		msecs_to_jiffies(max(cp_call_timeout_ms,
				     d && d->timeout_ms ? *d->timeout_ms : 0));
	struct cp_pending *pv;
	unsigned int i;

	pv = kcalloc(n, sizeof(*pv), GFP_KERNEL);
	if (!pv)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		pv[i].node = node;
		pv[i].type = type;
		errs[i] = cp_call_start(&pv[i], reqs[i], lens[i]);
	}
	for (i = 0; i < n; i++) {
		if (!errs[i])
			errs[i] = cp_call_finish(&pv[i], deadline,
						 d && d->outcome);
		cp_call_count(errs[i]);
	}
	kfree(pv);
	return 0;
}

/**
 * cp_transport_leave() - leave the cluster, or join it again
 * @leave: true to leave
 *
 * Leaving withdraws our publication: every peer sees this node go down
 * through its topology subscription, exactly as when the module is
 * unloaded, fails its calls to us and forgets our processes. Here,
 * calls fail with -EHOSTDOWN and messages are dropped (drop_left) until
 * we join again, which publishes the same socket again (peers see the
 * node up with a new generation).
 *
 * Return: 0 or a negative errno from TIPC.
 */
int cp_transport_leave(bool leave)
{
	struct sockaddr_tipc a = {
		.family = AF_TIPC,
		.addrtype = TIPC_SERVICE_ADDR,
		.scope = TIPC_CLUSTER_SCOPE,
		.addr.name.name.type = cp_tipc_type,
		.addr.name.name.instance = cp_self,
	};
	unsigned int n;
	int err = 0;

	mutex_lock(&cp_leave_mutex);
	if (leave && !cp_left) {
		WRITE_ONCE(cp_left, true);
		/* no address: withdraw every publication of the socket */
		err = kernel_bind(cp_sock, (struct sockaddr *)&a, 0);
		if (err)
			WRITE_ONCE(cp_left, false);
		for (n = 1; !err && n <= cp_max_node; n++)
			cp_transport_node_down(n);
	} else if (!leave && cp_left) {
		/* first: a peer asks for our HELLO as soon as it sees us */
		WRITE_ONCE(cp_left, false);
		err = kernel_bind(cp_sock, (struct sockaddr *)&a, sizeof(a));
		if (err)
			WRITE_ONCE(cp_left, true);
	}
	mutex_unlock(&cp_leave_mutex);
	return err;
}

/**
 * cp_transport_left() - has this node left the cluster?
 *
 * Return: true between cp_transport_leave(true) and (false).
 */
bool cp_transport_left(void)
{
	return READ_ONCE(cp_left);
}

/**
 * cp_transport_node_down() - fail every call waiting on a node
 * @node: the node that went down
 */
void cp_transport_node_down(unsigned int node)
{
	struct cp_pending *p;
	struct hlist_node *tmp;
	int bkt;

	spin_lock_bh(&cp_pending_lock);
	hash_for_each_safe(cp_pending_hash, bkt, tmp, p, link) {
		if (p->node != node)
			continue;
		hash_del(&p->link);
		p->status = -EHOSTDOWN;
		complete(&p->done);
	}
	spin_unlock_bh(&cp_pending_lock);
}

static void cp_rx_reply(const struct cp_hdr *h, const void *payload,
			size_t plen, unsigned int src)
{
	struct cp_pending *p;
	int status = be32_to_cpu(h->status);

	spin_lock_bh(&cp_pending_lock);
	p = cp_pending_take(be64_to_cpu(h->req_id), src);
	if (!p || p->type != h->type || plen > p->reply_max) {
		if (p) {
			p->status = -EPROTO;
			complete(&p->done);
		}
		spin_unlock_bh(&cp_pending_lock);
		cp_count(CP_STAT_DROP_STALE);
		return;
	}
	memcpy(p->reply, payload, plen);
	p->reply_len = plen;
	p->status = status ? -status : 0;
	complete(&p->done);
	spin_unlock_bh(&cp_pending_lock);
	cp_count(CP_STAT_RX_REPLIES);
}

/*
 * TIPC gave back one of our messages (its destination socket is gone or
 * its queue is full). Fail the call fast if the message names a call we
 * are waiting for and the rejecting socket is the one we sent it to.
 */
static void cp_rx_returned(const void *data, size_t dlen, u32 addr, u32 port)
{
	const struct cp_hdr *h = data;
	struct cp_pending *p;
	unsigned int dst;

	cp_count(CP_STAT_DROP_RETURNED);
	if (dlen < sizeof(*h) || be32_to_cpu(h->magic) != CP_MAGIC ||
	    be32_to_cpu(h->src_node) != cp_self ||
	    (be16_to_cpu(h->flags) & CP_F_REPLY))
		return;
	dst = be32_to_cpu(h->dst_node);
	if (!cp_node_is_sender(dst, addr, port))
		return;
	spin_lock_bh(&cp_pending_lock);
	p = cp_pending_take(be64_to_cpu(h->req_id), dst);
	if (p) {
		p->status = -EHOSTUNREACH;
		complete(&p->done);
	}
	spin_unlock_bh(&cp_pending_lock);
}

/* A process's news (cp_svr_queue's comment). */
static bool cp_is_news(u8 type)
{
	return type == CP_MSG_EVENT || type == CP_MSG_REPARENT;
}

static void cp_rx_request(const struct cp_hdr *h, size_t len,
			  unsigned int src, u32 addr, u32 port)
{
	bool news, busy = false;
	struct cp_work *w;

	if (!READ_ONCE(cp_serving)) {
		struct cp_hdr rep;

		/* loading or unloading: the caller fails at once */
		cp_count(CP_STAT_DROP_NOT_SERVING);
		cp_fill_hdr(&rep, h->type, CP_F_REPLY, sizeof(rep), src,
			    ESHUTDOWN, be64_to_cpu(h->req_id));
		cp_send_to(addr, port, &rep, sizeof(rep));
		return;
	}
	w = kmalloc(struct_size(w, msg, len), GFP_KERNEL);
	if (!w) {
		cp_count(CP_STAT_DROP_NOMEM);
		return;
	}
	w->from_addr = addr;
	w->from_port = port;
	w->src_node = src;
	w->queued = jiffies;
	w->len = len;
	memcpy(w->msg, h, len);
	news = cp_is_news(h->type);
	spin_lock_bh(&cp_svr_lock);
	if (news) {
		list_add_tail(&w->link, &cp_svr_news);
	} else if (cp_svr_peer[src] < CP_SVR_PEER_MAX) {
		cp_svr_peer[src]++;
		list_add_tail(&w->link, &cp_svr_queue);
	} else {
		busy = true;
	}
	spin_unlock_bh(&cp_svr_lock);
	if (busy) {
		struct cp_hdr rep;

		kfree(w);
		cp_count(CP_STAT_DROP_BUSY);
		cp_fill_hdr(&rep, h->type, CP_F_REPLY, sizeof(rep), src, EBUSY,
			    be64_to_cpu(h->req_id));
		cp_send_to(addr, port, &rep, sizeof(rep));
		return;
	}
	cp_count(CP_STAT_RX_REQUESTS);
	wake_up(&cp_svr_wq);
}

/* Validate one received message and route it. Drops are counted. */
static void cp_rx_one(const void *buf, int n, int flags, u32 addr, u32 port)
{
	const struct cp_hdr *h = buf;
	const struct cp_msg_desc *d;
	unsigned int src;
	size_t plen, lo, hi;
	bool reply;

	cp_count(CP_STAT_RX_MSGS);
	if (READ_ONCE(cp_left)) {
		cp_count(CP_STAT_DROP_LEFT);
		return;
	}
	if (flags & MSG_TRUNC) {
		cp_count(CP_STAT_DROP_TRUNC);
		return;
	}
	if (n < (int)sizeof(*h)) {
		cp_count(CP_STAT_DROP_SHORT);
		return;
	}
	if (be32_to_cpu(h->magic) != CP_MAGIC) {
		cp_count(CP_STAT_DROP_MAGIC);
		return;
	}
	if (h->version != CP_VERSION) {
		cp_count(CP_STAT_DROP_VERSION);
		return;
	}
	if (be32_to_cpu(h->len) != n) {
		cp_count(CP_STAT_DROP_LEN);
		return;
	}
	/* before sender pinning: a HELLO is what lets membership pin */
	if (h->type == CP_MSG_HELLO) {
		src = be32_to_cpu(h->src_node);
		if (n != sizeof(*h) + sizeof(struct cp_hello) || h->flags ||
		    h->status || be32_to_cpu(h->dst_node) != cp_self ||
		    src < 1 || src > cp_max_node || src == cp_self) {
			cp_count(CP_STAT_DROP_LEN);
			return;
		}
		cp_hello_rx(src, addr, port, (const void *)(h + 1));
		return;
	}
	d = cp_msg_desc(h->type);
	if (!d || (be16_to_cpu(h->flags) & ~CP_F_REPLY)) {
		cp_count(CP_STAT_DROP_TYPE);
		return;
	}
	reply = be16_to_cpu(h->flags) & CP_F_REPLY;
	plen = n - sizeof(*h);
	lo = reply ? d->rep_min : d->req_min;
	hi = reply ? d->rep_max : d->req_max;
	if (reply && h->status)
		lo = 0;		/* an error reply may carry no payload */
	if (plen < lo || plen > hi || (!reply && h->status)) {
		cp_count(CP_STAT_DROP_LEN);
		return;
	}
	src = be32_to_cpu(h->src_node);
	if (be32_to_cpu(h->dst_node) != cp_self || src < 1 ||
	    src > cp_max_node) {
		cp_count(CP_STAT_DROP_NODE);
		return;
	}
	/* TIPC sets addr and port: only node src's module socket may speak */
	if (!cp_node_is_sender(src, addr, port)) {
		cp_count(CP_STAT_DROP_UNAUTH);
		return;
	}
	cp_trace_msg(CP_TR_RECV, h);
	if (reply)
		cp_rx_reply(h, h + 1, plen, src);
	else
		cp_rx_request(h, n, src, addr, port);
}

/* Walk the ancillary data of a received message for a returned message. */
static bool cp_rx_cmsg(const u8 *cbuf, size_t used, u32 addr, u32 port)
{
	bool returned = false;
	size_t off = 0;

	while (off + sizeof(struct cmsghdr) <= used) {
		const struct cmsghdr *c = (const void *)(cbuf + off);
		size_t clen = c->cmsg_len;

		if (clen < sizeof(*c) || off + clen > used)
			break;
		if (c->cmsg_level == SOL_TIPC && c->cmsg_type == TIPC_ERRINFO)
			returned = true;
		if (c->cmsg_level == SOL_TIPC && c->cmsg_type == TIPC_RETDATA)
			cp_rx_returned(CMSG_DATA(c), clen - CMSG_LEN(0), addr,
				       port);
		off += CMSG_ALIGN(clen);
	}
	return returned;
}

static int cp_rx_main(void *unused)
{
	u8 cbuf[256] __aligned(8);

	while (!kthread_should_stop()) {
		struct sockaddr_tipc from[2] = { };
		struct msghdr msg = {
			.msg_name = from, .msg_namelen = sizeof(from),
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct kvec iov = { .iov_base = cp_rx_buf,
				    .iov_len = CP_MAX_MSG };
		u32 addr, port;
		int n;

		n = kernel_recvmsg(cp_sock, &msg, &iov, 1, CP_MAX_MSG, 0);
		if (n < 0) {
			/* -EAGAIN: slept sk_rcvtimeo; else never spin */
			if (n != -EAGAIN)
				schedule_timeout_interruptible(HZ / 50);
			continue;
		}
		addr = from[0].addr.id.node;
		port = from[0].addr.id.ref;
		if (cp_rx_cmsg(cbuf, sizeof(cbuf) - msg.msg_controllen, addr,
			       port))
			continue;
		cp_rx_one(cp_rx_buf, n, msg.msg_flags, addr, port);
	}
	return 0;
}

static struct cp_work *cp_svr_next(void)
{
	struct cp_work *w = NULL;

	spin_lock_bh(&cp_svr_lock);
	w = list_first_entry_or_null(&cp_svr_news, struct cp_work, link);
	if (!w) {
		w = list_first_entry_or_null(&cp_svr_queue, struct cp_work,
					     link);
		if (w)
			cp_svr_peer[w->src_node]--;
	}
	if (w)
		list_del(&w->link);
	spin_unlock_bh(&cp_svr_lock);
	return w;
}

/* Has the caller of @w given up (cp_svr_queue's comment)? */
static bool cp_svr_expired(const struct cp_work *w,
			   const struct cp_msg_desc *d, u8 type)
{
	unsigned int ms = cp_call_timeout_ms;

	if (d->outcome || cp_is_news(type))
		return false;
	if (d->timeout_ms)
		ms = max(ms, *d->timeout_ms);
	return time_after(jiffies, w->queued + msecs_to_jiffies(ms));
}

static void cp_svr_run(struct cp_work *w, struct cp_hdr *rep)
{
	const struct cp_hdr *h = (const void *)w->msg;
	const struct cp_msg_desc *d = cp_msg_desc(h->type);
	struct cp_request rq = {
		.hdr = h, .payload = h + 1,
		.len = w->len - sizeof(*h), .src_node = w->src_node,
	};
	int rc;

	if (cp_svr_expired(w, d, h->type)) {
		cp_count(CP_STAT_DROP_EXPIRED);
		return;
	}
	cp_count(CP_STAT_SVR_REQUESTS);
	cp_delay_point(CP_DP_SVR_DISPATCH);
	rc = d->handle(&rq, rep + 1, CP_MAX_MSG - sizeof(*rep));
	if (rc < 0) {
		cp_count(CP_STAT_SVR_ERRORS);
		cp_fill_hdr(rep, h->type, CP_F_REPLY, sizeof(*rep), w->src_node,
			    -rc, be64_to_cpu(h->req_id));
	} else {
		cp_fill_hdr(rep, h->type, CP_F_REPLY, sizeof(*rep) + rc,
			    w->src_node, 0, be64_to_cpu(h->req_id));
	}
	cp_delay_point(CP_DP_REPLY_SEND);
	cp_send_to(w->from_addr, w->from_port, rep, be32_to_cpu(rep->len));
}

static int cp_svr_main(void *buf)
{
	while (!kthread_should_stop()) {
		struct cp_work *w;

		/* TASK_IDLE: no signal can make this loop spin */
		wait_event_idle(cp_svr_wq, !list_empty(&cp_svr_queue) ||
				!list_empty(&cp_svr_news) ||
				kthread_should_stop());
		while ((w = cp_svr_next())) {
			cp_svr_run(w, buf);
			kfree(w);
		}
	}
	return 0;
}

static int cp_socket_setup(void)
{
	struct sockaddr_tipc me = { };
	struct sockaddr_tipc a = {
		.family = AF_TIPC,
		.addrtype = TIPC_SERVICE_ADDR,
		.scope = TIPC_CLUSTER_SCOPE,
		.addr.name.name.type = CP_TIPC_TYPE_KERNEL,
		.addr.name.name.instance = cp_self,
	};
	int imp = TIPC_CRITICAL_IMPORTANCE;
	int err, tries;

	err = sock_create_kern(&init_net, AF_TIPC, SOCK_RDM, 0, &cp_sock);
	if (err)
		return err;
	cp_sock->sk->sk_rcvtimeo = HZ / 5;
	cp_sock->sk->sk_sndtimeo = msecs_to_jiffies(cp_call_timeout_ms);
	err = cp_sock->ops->setsockopt(cp_sock, SOL_TIPC, TIPC_IMPORTANCE,
				       KERNEL_SOCKPTR(&imp), sizeof(imp));
	if (err)
		goto fail;

	/* the TIPC node address is final only once the node has joined */
	for (tries = 0; tries < 100; tries++) {
		err = kernel_getsockname(cp_sock, (struct sockaddr *)&me);
		if (err < 0)
			goto fail;
		if (me.addr.id.node)
			break;
		msleep(50);
	}
	if (!me.addr.id.node) {
		pr_err("TIPC has no node address: enable a bearer first\n");
		err = -EADDRNOTAVAIL;
		goto fail;
	}
	cp_self_addr = me.addr.id.node;
	cp_self_port = me.addr.id.ref;
	err = cp_resolve_self(cp_self_addr);
	if (err)
		goto fail;
	a.addr.name.name.instance = cp_self;

	err = -EACCES;
	if (reserved_type)
		err = kernel_bind(cp_sock, (struct sockaddr *)&a, sizeof(a));
	if (err == -EACCES) {
		cp_tipc_reserved = false;
		a.addr.name.name.type = CP_TIPC_TYPE_OPEN;
		err = kernel_bind(cp_sock, (struct sockaddr *)&a, sizeof(a));
		if (reserved_type)
			pr_info("kernel sockets cannot bind reserved TIPC types: open type %#x\n",
				CP_TIPC_TYPE_OPEN);
	} else {
		cp_tipc_reserved = true;
	}
	if (err)
		goto fail;
	cp_tipc_type = a.addr.name.name.type;
	return 0;
fail:
	sock_release(cp_sock);
	cp_sock = NULL;
	return err;
}

/**
 * cp_transport_start() - create and bind the socket, start the threads
 *
 * Return: 0 or a negative errno.
 */
int cp_transport_start(void)
{
	unsigned int i;
	int err;

	nr_svrprocs = clamp(nr_svrprocs, 1U, (unsigned int)CP_MAX_SVR);
	atomic64_set(&cp_next_req, get_random_u32());
	cp_stopping = false;
	cp_rx_buf = kmalloc(CP_MAX_MSG, GFP_KERNEL);
	if (!cp_rx_buf)
		return -ENOMEM;
	err = cp_socket_setup();
	if (err)
		goto out_free;
	for (i = 0; i < nr_svrprocs; i++) {
		struct task_struct *t;

		cp_svr_bufs[i] = kmalloc(CP_MAX_MSG, GFP_KERNEL);
		if (!cp_svr_bufs[i]) {
			err = -ENOMEM;
			goto out_threads;
		}
		t = kthread_run(cp_svr_main, cp_svr_bufs[i], "cp_svr/%u", i);
		if (IS_ERR(t)) {
			err = PTR_ERR(t);
			goto out_threads;
		}
		cp_svr_threads[i] = t;
	}
	cp_rx_thread = kthread_run(cp_rx_main, NULL, "cp_rx");
	if (IS_ERR(cp_rx_thread)) {
		err = PTR_ERR(cp_rx_thread);
		cp_rx_thread = NULL;
		goto out_threads;
	}
	return 0;

out_threads:
	cp_transport_stop();
	return err;
out_free:
	kfree(cp_rx_buf);
	cp_rx_buf = NULL;
	return err;
}

/**
 * cp_transport_stop() - fail pending calls, stop the threads, close
 */
/**
 * cp_transport_serve_start() - module init, last step: handle requests
 */
void cp_transport_serve_start(void)
{
	WRITE_ONCE(cp_serving, true);
}

/**
 * cp_transport_serve_stop() - unload, first step: handle no more requests
 *
 * New requests are refused with ESHUTDOWN (cp_rx_request()); the server
 * threads finish the handler they run and stop; queued requests are
 * refused the same way. Outbound calls still get their replies.
 */
void cp_transport_serve_stop(void)
{
	struct cp_work *w;
	unsigned int i;

	WRITE_ONCE(cp_serving, false);
	for (i = 0; i < CP_MAX_SVR; i++) {
		if (cp_svr_threads[i])
			kthread_stop(cp_svr_threads[i]);
		cp_svr_threads[i] = NULL;
	}
	while ((w = cp_svr_next())) {
		const struct cp_hdr *h = (const void *)w->msg;
		struct cp_hdr rep;

		cp_count(CP_STAT_DROP_NOT_SERVING);
		cp_fill_hdr(&rep, h->type, CP_F_REPLY, sizeof(rep), w->src_node,
			    ESHUTDOWN, be64_to_cpu(h->req_id));
		cp_send_to(w->from_addr, w->from_port, &rep, sizeof(rep));
		kfree(w);
	}
}

void cp_transport_stop(void)
{
	struct cp_pending *p;
	struct hlist_node *tmp;
	struct cp_work *w;
	unsigned int i;
	int bkt;

	spin_lock_bh(&cp_pending_lock);
	cp_stopping = true;
	hash_for_each_safe(cp_pending_hash, bkt, tmp, p, link) {
		hash_del(&p->link);
		p->status = -ESHUTDOWN;
		complete(&p->done);
	}
	spin_unlock_bh(&cp_pending_lock);

	if (cp_sock)
		kernel_sock_shutdown(cp_sock, SHUT_RDWR);
	if (cp_rx_thread)
		kthread_stop(cp_rx_thread);
	cp_rx_thread = NULL;
	for (i = 0; i < CP_MAX_SVR; i++) {
		if (cp_svr_threads[i])
			kthread_stop(cp_svr_threads[i]);
		cp_svr_threads[i] = NULL;
		kfree(cp_svr_bufs[i]);
		cp_svr_bufs[i] = NULL;
	}
	while ((w = cp_svr_next()))
		kfree(w);
	if (cp_sock)
		sock_release(cp_sock);
	cp_sock = NULL;
	kfree(cp_rx_buf);
	cp_rx_buf = NULL;
}
