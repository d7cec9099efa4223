// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc HELLO: a node's module proves its socket before it is
 * pinned (the security issue's finding 3).
 *
 * Membership pins the first socket that publishes {type, N} after node
 * N's withdrawal (membership.c). A user process on node N's TIPC node,
 * once N's module has left or been unloaded, could publish {type, N}
 * itself and be pinned as node N by every peer, then speak as N's
 * kernel (a REXEC with uid 0). With a cluster key (module parameter
 * cluster_key, 32 bytes in hex, given to every node's module and to no
 * user: the guest init reads it from a file only root reads and keeps it
 * in /run/clusterproc.key, 0600), a publication is pinned only once its
 * socket has sent a HELLO whose MAC the key makes:
 *
 *   mac = BLAKE2s-256(key; "clusterproc-hello-1" | N | addr | port)
 *
 * over the sender's node number and its socket's TIPC (address, port),
 * which TIPC, not the sender, writes in every message. The MAC binds
 * the proof to the socket: a HELLO a module sends to a user socket (it
 * answers every publication's ASK) is no use from any other socket.
 * Keyed BLAKE2s is a MAC by design (RFC 7693, section 2.9) and is built
 * into every 6.1 kernel (the random driver uses it).
 *
 * Without a key the module pins as before (no proof): every node of a
 * cluster must be given the same key, or none.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <crypto/blake2s.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>
#include <linux/string.h>
#include "cp_internal.h"

static char *cluster_key;
module_param(cluster_key, charp, 0);
MODULE_PARM_DESC(cluster_key,
		 "64 hex digits shared by every node's module: a node is pinned only after its HELLO proves it holds them (default: none, no proof)");

static u8 cp_key[BLAKE2S_KEY_SIZE];
static bool cp_keyed;

/**
 * cp_hello_init() - read the cluster_key parameter
 *
 * Return: 0, or -EINVAL if it is not 64 hex digits.
 */
int cp_hello_init(void)
{
	if (!cluster_key || !*cluster_key)
		return 0;
	if (strlen(cluster_key) != 2 * sizeof(cp_key) ||
	    hex2bin(cp_key, cluster_key, sizeof(cp_key))) {
		pr_err("cluster_key: want %zu hex digits\n",
		       2 * sizeof(cp_key));
		return -EINVAL;
	}
	/* the parameter's text is not kept (its sysfs mode is 0 too) */
	memzero_explicit(cluster_key, strlen(cluster_key));
	cp_keyed = true;
	return 0;
}

/**
 * cp_hello_keyed() - must a peer prove its socket before it is pinned?
 *
 * Return: true if this module was given a cluster key.
 */
bool cp_hello_keyed(void)
{
	return cp_keyed;
}

/* The MAC of node @node's socket (@addr, @port). */
static void cp_hello_mac(u8 *mac, unsigned int node, u32 addr, u32 port)
{
	static const char tag[] = "clusterproc-hello-1";
	struct blake2s_state st;
	__be32 w[3] = { cpu_to_be32(node), cpu_to_be32(addr),
			cpu_to_be32(port) };

	blake2s_init_key(&st, CP_HELLO_MAC_LEN, cp_key, sizeof(cp_key));
	blake2s_update(&st, tag, sizeof(tag) - 1);
	blake2s_update(&st, (const u8 *)w, sizeof(w));
	blake2s_final(&st, mac);
}

/**
 * cp_hello_fill() - this node's HELLO payload
 * @hello: filled in
 * @ask: ask the receiver to send its own HELLO back
 */
void cp_hello_fill(struct cp_hello *hello, bool ask)
{
	memset(hello, 0, sizeof(*hello));
	hello->flags = cpu_to_be32(ask ? CP_HELLO_F_ASK : 0);
	if (cp_keyed)
		cp_hello_mac(hello->mac, cp_self, cp_self_addr, cp_self_port);
}

/**
 * cp_hello_rx() - a HELLO from (@addr, @port), which says it is node @src
 * @src: the node number in its header
 * @addr: its TIPC node address (set by TIPC)
 * @port: its TIPC port id (set by TIPC)
 * @hello: its payload
 *
 * The receive thread. A valid proof lets membership pin the socket (now,
 * or when its publication arrives); a HELLO that asks is answered with
 * ours, to whoever asks (rate-limited: ours proves nothing for another
 * socket). A HELLO without a valid MAC is counted and dropped.
 */
void cp_hello_rx(unsigned int src, u32 addr, u32 port,
		 const struct cp_hello *hello)
{
	static DEFINE_RATELIMIT_STATE(answers, HZ, 64);
	u8 mac[CP_HELLO_MAC_LEN];

	if (!cp_keyed)
		return;
	cp_hello_mac(mac, src, addr, port);
	if (crypto_memneq(mac, hello->mac, sizeof(mac))) {
		cp_count(CP_STAT_HELLO_BAD);
		pr_warn_ratelimited("HELLO from %x:%u as node %u: no proof\n",
				    addr, port, src);
		return;
	}
	cp_count(CP_STAT_HELLO_RX);
	cp_node_proven(src, addr, port);
	if ((be32_to_cpu(hello->flags) & CP_HELLO_F_ASK) && __ratelimit(&answers))
		cp_hello_send(addr, port, src, false);
}
