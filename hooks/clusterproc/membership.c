// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc membership: which nodes run a clusterproc module.
 *
 * A kernel socket connected to TIPC's topology service subscribes to the
 * whole clusterproc service range. A node is up while the publication
 * {cp_tipc_type, N} of its module's socket exists; the publication's
 * (node address, port) is pinned as the only sender accepted for node N
 * (see cp_node_is_sender() and README.md, "forgery").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <linux/net.h>
#include <linux/spinlock.h>
#include <linux/tipc.h>
#include <linux/ktime.h>
#include <linux/bitmap.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include "cp_internal.h"
#include "cp_proc.h"

static DEFINE_SPINLOCK(cp_nodes_lock);
static struct cp_node_info cp_nodes[CP_MAX_NODES + 1];
static struct socket *cp_top_sock;
static struct task_struct *cp_top_thread;

/**
 * cp_node_get() - copy the membership record of a node
 * @node: node number
 * @info: where to copy it
 *
 * Return: true if @node is a valid node number (up or not).
 */
bool cp_node_get(unsigned int node, struct cp_node_info *info)
{
	if (node < 1 || node > cp_max_node)
		return false;
	spin_lock_bh(&cp_nodes_lock);
	*info = cp_nodes[node];
	spin_unlock_bh(&cp_nodes_lock);
	return true;
}

/**
 * cp_node_is_sender() - is (addr, port) the pinned module socket of node?
 * @node: node number claimed by a message
 * @addr: TIPC node address the message came from (set by TIPC)
 * @port: TIPC port id the message came from (set by TIPC)
 *
 * Return: true only if @node is up and its pinned socket is (addr, port).
 */
bool cp_node_is_sender(unsigned int node, u32 addr, u32 port)
{
	bool ok;

	if (node < 1 || node > cp_max_node)
		return false;
	spin_lock_bh(&cp_nodes_lock);
	ok = cp_nodes[node].up && cp_nodes[node].addr == addr &&
	     cp_nodes[node].port == port;
	spin_unlock_bh(&cp_nodes_lock);
	return ok;
}

void cp_node_set_ping(unsigned int node, u64 rtt_ns, int status)
{
	if (node < 1 || node > cp_max_node)
		return;
	spin_lock_bh(&cp_nodes_lock);
	cp_nodes[node].last_rtt_ns = rtt_ns;
	cp_nodes[node].last_ping_status = status;
	spin_unlock_bh(&cp_nodes_lock);
}

/**
 * cp_nodes_up() - the set of nodes that are up
 * @map: bitmap of CP_MAX_NODES + 1 bits, filled in
 *
 * Return: how many nodes are up (this one included).
 */
unsigned int cp_nodes_up(unsigned long *map)
{
	unsigned int n, count = 0;

	bitmap_zero(map, CP_MAX_NODES + 1);
	spin_lock_bh(&cp_nodes_lock);
	for (n = 1; n <= cp_max_node; n++) {
		if (cp_nodes[n].up) {
			__set_bit(n, map);
			count++;
		}
	}
	spin_unlock_bh(&cp_nodes_lock);
	return count;
}

static void cp_reject_pub(const char *why, u32 inst, u32 addr, u32 port)
{
	cp_count(CP_STAT_PUB_REJECTED);
	pr_warn_ratelimited("ignoring publication {%u,%u} by %x:%u: %s\n",
			    cp_tipc_type, inst, addr, port, why);
}

/* Is addr already the pinned address of another node? Lock held. */
static bool cp_addr_taken(u32 addr, unsigned int except)
{
	unsigned int n;

	for (n = 1; n <= cp_max_node; n++)
		if (n != except && cp_nodes[n].up && cp_nodes[n].addr == addr)
			return true;
	return false;
}

/*
 * With a cluster key (hello.c), a publication waits here until its
 * socket proves itself with a HELLO; a proof may come first too. Up to
 * CP_PEND_MAX publications of one node number wait at once (a user's
 * and the module's, in either order); more are refused and counted.
 * Under cp_nodes_lock.
 */
#define CP_PEND_MAX	8

struct cp_pending_pub {
	u32 addr, port;		/* port 0: a free slot */
	u64 ask_ns;		/* when we last asked it for its HELLO */
};

struct cp_node_proof {
	bool proven;		/* a valid HELLO seen from proof_* */
	u32 proof_addr, proof_port;
	struct cp_pending_pub pend[CP_PEND_MAX];
};

static struct cp_node_proof cp_proofs[CP_MAX_NODES + 1];

/* The waiting publication (addr, port) of @pf, or NULL. Lock held. */
static struct cp_pending_pub *cp_pend_find(struct cp_node_proof *pf,
					   u32 addr, u32 port)
{
	unsigned int i;

	for (i = 0; i < CP_PEND_MAX; i++)
		if (pf->pend[i].port && pf->pend[i].addr == addr &&
		    pf->pend[i].port == port)
			return &pf->pend[i];
	return NULL;
}

/* Note a publication waiting for its proof. Lock held. false: full. */
static bool cp_pend_add(struct cp_node_proof *pf, u32 addr, u32 port)
{
	struct cp_pending_pub *pp = cp_pend_find(pf, addr, port);
	unsigned int i;

	for (i = 0; !pp && i < CP_PEND_MAX; i++)
		if (!pf->pend[i].port)
			pp = &pf->pend[i];
	if (!pp)
		return false;
	pp->addr = addr;
	pp->port = port;
	pp->ask_ns = ktime_get_ns();
	return true;
}

#define CP_HELLO_RETRY_NS	NSEC_PER_SEC

/* Pin (addr, port) as node inst. Lock held. Return: a new socket? */
static bool cp_pin(unsigned int inst, u32 addr, u32 port)
{
	struct cp_node_info *ni = &cp_nodes[inst];
	bool new_instance = !ni->generation || ni->addr != addr ||
			    ni->port != port;

	ni->up = true;
	ni->addr = addr;
	ni->port = port;
	ni->generation++;
	ni->up_since_ns = ktime_get_ns();
	ni->last_rtt_ns = 0;
	ni->last_ping_status = 0;
	memset(cp_proofs[inst].pend, 0, sizeof(cp_proofs[inst].pend));
	return new_instance;
}

/* Node inst was pinned: what depends on it. No lock. */
static void cp_came_up(unsigned int inst, u32 addr, u32 port,
		       bool new_instance)
{
	cp_count(CP_STAT_NODE_UP);
	pr_info("node %u up (tipc %x:%u)\n", inst, addr, port);
	/* pids held for each other's adopted orphans (hold.c) */
	cp_holds_node_up(inst, new_instance);
	cp_rchild_node_up(inst, new_instance);
}

static void cp_published(u32 inst, u32 addr, u32 port)
{
	struct cp_node_info *ni = &cp_nodes[inst];
	struct cp_node_proof *pf = &cp_proofs[inst];
	bool new_instance = false, ask = false;
	const char *why = NULL;

	spin_lock_bh(&cp_nodes_lock);
	if (ni->up && ni->addr == addr && ni->port == port)
		why = "";		/* already known */
	else if (ni->up)
		why = "node number already taken by another socket";
	else if (inst == cp_self && port != cp_self_port)
		why = "our own node number, not our socket";
	else if (inst != cp_self && addr == cp_self_addr)
		why = "published on this node, not by this module";
	else if (cp_addr_taken(addr, inst))
		why = "that TIPC node already has a node number";
	if (!why && inst != cp_self && cp_hello_keyed() &&
	    !(pf->proven && pf->proof_addr == addr && pf->proof_port == port)) {
		/* not pinned until its socket proves itself (hello.c) */
		ask = cp_pend_add(pf, addr, port);
		if (!ask)
			why = "too many publications waiting for a proof";
	} else if (!why) {
		/* a socket we did not know: a module loaded since */
		new_instance = cp_pin(inst, addr, port);
	}
	spin_unlock_bh(&cp_nodes_lock);
	if (ask) {
		cp_count(CP_STAT_PUB_UNPROVEN);
		cp_hello_send(addr, port, inst, true);
	} else if (!why) {
		cp_came_up(inst, addr, port, new_instance);
	} else if (*why) {
		cp_reject_pub(why, inst, addr, port);
	}
}

/**
 * cp_node_proven() - (@addr, @port) proved it is node @node's module
 * @node: the node number its HELLO named
 * @addr: its TIPC node address
 * @port: its port id
 *
 * The receive thread (hello.c). Pins it if its publication is waiting,
 * else keeps the proof for the publication to come.
 */
void cp_node_proven(unsigned int node, u32 addr, u32 port)
{
	struct cp_node_proof *pf = &cp_proofs[node];
	bool pinned = false, new_instance = false;

	spin_lock_bh(&cp_nodes_lock);
	pf->proven = true;
	pf->proof_addr = addr;
	pf->proof_port = port;
	if (cp_pend_find(pf, addr, port) && !cp_nodes[node].up &&
	    !cp_addr_taken(addr, node)) {
		new_instance = cp_pin(node, addr, port);
		pinned = true;
	}
	spin_unlock_bh(&cp_nodes_lock);
	if (pinned)
		cp_came_up(node, addr, port, new_instance);
}

/* Ask again, once a second, the publications still waiting for a proof. */
static void cp_hello_retry(void)
{
	u64 now = ktime_get_ns();
	unsigned int n, i;

	for (n = 1; n <= cp_max_node; n++) {
		for (i = 0; i < CP_PEND_MAX; i++) {
			struct cp_pending_pub *pp = &cp_proofs[n].pend[i];
			u32 addr = 0, port = 0;

			spin_lock_bh(&cp_nodes_lock);
			if (pp->port && now - pp->ask_ns >= CP_HELLO_RETRY_NS) {
				pp->ask_ns = now;
				addr = pp->addr;
				port = pp->port;
			}
			spin_unlock_bh(&cp_nodes_lock);
			if (port)
				cp_hello_send(addr, port, n, true);
		}
	}
}

static void cp_withdrawn(u32 inst, u32 addr, u32 port)
{
	struct cp_node_info *ni = &cp_nodes[inst];
	struct cp_pending_pub *pp;
	bool down = false;

	spin_lock_bh(&cp_nodes_lock);
	if (ni->up && ni->addr == addr && ni->port == port) {
		ni->up = false;
		down = true;
	}
	/* a socket proves itself again at its next publication */
	pp = cp_pend_find(&cp_proofs[inst], addr, port);
	if (pp)
		memset(pp, 0, sizeof(*pp));
	if (cp_proofs[inst].proof_addr == addr &&
	    cp_proofs[inst].proof_port == port)
		cp_proofs[inst].proven = false;
	spin_unlock_bh(&cp_nodes_lock);
	if (!down)
		return;
	cp_count(CP_STAT_NODE_DOWN);
	pr_info("node %u down\n", inst);
	cp_transport_node_down(inst);
	cp_proc_node_down(inst);	/* its processes are lost (wait.c) */
	cp_rchild_node_down(inst);	/* its children here: adopted */
	cp_ptrace_node_down(inst);	/* its tracers too: detach */
	cp_stdio_node_down(inst);	/* its relays and exports end */
}

static void cp_top_event(const struct tipc_event *ev)
{
	u32 inst = ev->found_lower;

	cp_count(CP_STAT_TOP_EVENTS);
	if (ev->event != TIPC_PUBLISHED && ev->event != TIPC_WITHDRAWN)
		return;
	if (ev->found_lower != ev->found_upper || inst < 1 ||
	    inst > cp_max_node) {
		if (ev->event == TIPC_PUBLISHED)
			cp_reject_pub("not a single valid node number", inst,
				      ev->port.node, ev->port.ref);
		return;
	}
	if (ev->event == TIPC_PUBLISHED)
		cp_published(inst, ev->port.node, ev->port.ref);
	else
		cp_withdrawn(inst, ev->port.node, ev->port.ref);
}

static int cp_top_main(void *unused)
{
	struct tipc_event ev;

	while (!kthread_should_stop()) {
		struct msghdr msg = { };
		struct kvec iov = { .iov_base = &ev, .iov_len = sizeof(ev) };
		int n = kernel_recvmsg(cp_top_sock, &msg, &iov, 1, sizeof(ev),
				       0);

		if (n == sizeof(ev)) {
			cp_top_event(&ev);
			continue;
		}
		/* nothing within sk_rcvtimeo (it slept), or a short event */
		if (n == -EAGAIN || n > 0) {
			if (cp_hello_keyed())
				cp_hello_retry();
			continue;
		}
		if (n == -EINTR) {
			/* never spin on a pending signal (UML: no preemption) */
			schedule_timeout_interruptible(HZ / 50);
			continue;
		}
		/* 0: the topology server closed the connection; or an error */
		pr_err("topology service connection lost (%d): membership frozen\n",
		       n);
		cp_count(CP_STAT_TOP_LOST);
		while (!kthread_should_stop())
			schedule_timeout_interruptible(HZ);
	}
	return 0;
}

/**
 * cp_membership_start() - subscribe to clusterproc publications
 *
 * Return: 0 or a negative errno.
 */
int cp_membership_start(void)
{
	struct sockaddr_tipc srv = {
		.family = AF_TIPC,
		.addrtype = TIPC_SERVICE_ADDR,
		.addr.name.name.type = TIPC_TOP_SRV,
		.addr.name.name.instance = TIPC_TOP_SRV,
	};
	struct tipc_subscr sub = {
		.seq.type = cp_tipc_type,
		.seq.lower = 0,
		.seq.upper = ~0u,
		.timeout = TIPC_WAIT_FOREVER,
		.filter = TIPC_SUB_PORTS,
	};
	struct msghdr msg = { };
	struct kvec iov = { .iov_base = &sub, .iov_len = sizeof(sub) };
	int err;

	err = sock_create_kern(&init_net, AF_TIPC, SOCK_SEQPACKET, 0,
			       &cp_top_sock);
	if (err)
		return err;
	cp_top_sock->sk->sk_rcvtimeo = HZ / 5;
	err = kernel_connect(cp_top_sock, (struct sockaddr *)&srv, sizeof(srv),
			     0);
	if (err)
		goto out_release;
	err = kernel_sendmsg(cp_top_sock, &msg, &iov, 1, sizeof(sub));
	if (err != sizeof(sub)) {
		err = err < 0 ? err : -EIO;
		goto out_release;
	}
	cp_top_thread = kthread_run(cp_top_main, NULL, "cp_top");
	if (IS_ERR(cp_top_thread)) {
		err = PTR_ERR(cp_top_thread);
		goto out_release;
	}
	return 0;

out_release:
	sock_release(cp_top_sock);
	cp_top_sock = NULL;
	return err;
}

/**
 * cp_membership_stop() - stop tracking; every node is then down
 */
void cp_membership_stop(void)
{
	unsigned int n;

	kernel_sock_shutdown(cp_top_sock, SHUT_RDWR);
	kthread_stop(cp_top_thread);
	sock_release(cp_top_sock);
	cp_top_sock = NULL;
	for (n = 1; n <= cp_max_node; n++) {
		spin_lock_bh(&cp_nodes_lock);
		cp_nodes[n].up = false;
		spin_unlock_bh(&cp_nodes_lock);
		cp_transport_node_down(n);
	}
}
