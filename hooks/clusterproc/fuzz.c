// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc wire fuzzer: debugfs "fuzz" (root only, as all of debugfs).
 *
 * Writing "NODE COUNT SEED" sends COUNT mutated or random messages from
 * this node's module socket, the one sender node NODE accepts for our
 * number, to NODE; the write returns once every message is answered or
 * known dropped. Reading gives the last run's outcome, one line:
 *
 *   seed S node N sent C raw R calls K ok O err E timeout T other X
 *
 * Two kinds of message, chosen at random, each of every type:
 *
 * - raw (R): a header with one defect the receiver must drop and count
 *   (short, magic, version, length, type or flags, payload length for
 *   the type, status on a request, destination, source, a reply to no
 *   call): sent as they are, no answer expected. After every batch a
 *   ping round trip, so the receiver has taken all of them off its
 *   socket before the next (its one receive thread reads in order) and
 *   TIPC never returns one for a full queue.
 * - calls (K): a well-formed header with a payload of a length the type
 *   allows and random or template contents, sent with cp_call(); the
 *   receiver must answer each, with a result (ok, O) or an errno (E).
 *   A timeout (T) is a lost message; X counts the other local errors.
 *
 * What the fuzzer never randomises: who is asking. Every credential
 * field (uids, gids, capabilities) is an unprivileged id with no
 * capabilities, so a random request can do on NODE at most what uid
 * CP_FUZZ_UID could (nothing, it owns no process): the fuzzer tests the
 * decoder and the handlers' validation, not a node's trust in its peers
 * (see README.md, "Trust model"). The random sequence is
 * prandom_u32_state() from SEED: the same seed sends the same messages.
 *
 * debugfs "inject" sends one message a test wrote: "NODE TYPE HEX" (the
 * request payload in hex) is one cp_call(); the write fails with the
 * call's errno (the receiver's answer), and a read gives "err E len L"
 * of the last one. A test forges what a real peer's module could send,
 * to check that the receiver refuses what its kernel could not produce.
 *
 * debugfs "flood": "NODE COUNT" sends COUNT well-formed PING requests to
 * NODE at once, none awaited (their replies are stale here): what many
 * callers on this node at the same moment would queue on NODE's server
 * threads (transport.c, the bound per peer).
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/ptrace.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "cp_internal.h"
#include "cp_proc.h"

#define CP_FUZZ_UID	65534	/* nobody: owns no process in a node */
#define CP_FUZZ_BATCH	32	/* raw messages between two round trips */
/* REXECs past the field checks use our pids from here (none in use) */
#define CP_FUZZ_PIDS	32000

struct cp_fuzz_result {
	u64 seed;
	unsigned int node, count;
	unsigned int raw, calls, ok, err, timeout, other;
};

static DEFINE_MUTEX(cp_fuzz_mutex);
static struct cp_fuzz_result cp_fuzz_last;

enum cp_fuzz_defect {
	CP_FD_SHORT, CP_FD_MAGIC, CP_FD_VERSION, CP_FD_LEN, CP_FD_TYPE,
	CP_FD_FLAGS, CP_FD_PLEN, CP_FD_STATUS, CP_FD_DST, CP_FD_SRC,
	CP_FD_REPLY, CP_FD_NR
};

static u32 cp_rnd(struct rnd_state *st, u32 n)
{
	return n ? prandom_u32_state(st) % n : 0;
}

/* Random bytes. */
static void cp_rnd_fill(struct rnd_state *st, void *buf, size_t len)
{
	prandom_bytes_state(st, buf, len);
}

/* A value a field might plausibly hold, or any 32 bits. */
static __be32 cp_rnd_be32(struct rnd_state *st, unsigned int node)
{
	static const u32 edges[] = { 0, 1, 2, 0x7fff, 0x8000, 0xffff,
				     0x7fffffff, 0x80000000, 0xffffffff };

	switch (cp_rnd(st, 4)) {
	case 0:
		return cpu_to_be32(edges[cp_rnd(st, ARRAY_SIZE(edges))]);
	case 1:		/* a pid of node's range */
		return cpu_to_be32((node << CP_PID_SHIFT) +
				   cp_rnd(st, 1 << CP_PID_SHIFT));
	case 2:
		return cpu_to_be32(cp_rnd(st, 64));
	default:
		return cpu_to_be32(prandom_u32_state(st));
	}
}

/* Every id the request carries: nobody, no capabilities. */
static void cp_fuzz_ids(struct cp_ids *ids)
{
	__be32 v = cpu_to_be32(CP_FUZZ_UID);

	ids->uid = v;
	ids->euid = v;
	ids->suid = v;
	ids->fsuid = v;
	ids->gid = v;
	ids->egid = v;
	ids->sgid = v;
	ids->fsgid = v;
}

/* A remote exec of a file that does not exist, in /, one argument. */
static size_t cp_fuzz_rexec_strings(struct cp_rexec *r, size_t room)
{
	static const char s[] = "/nonexistent/cp-fuzz\0/\0cp-fuzz\0FUZZ=1";
	size_t n = min(room, sizeof(s));

	memcpy(r->strings, s, n);
	r->argc = cpu_to_be32(1);
	r->envc = cpu_to_be32(1);
	r->strings_len = cpu_to_be32(n);
	return n;
}

/*
 * A request payload of @type, @plen bytes (within the type's bounds):
 * random bytes, or a template with random fields; then the credential
 * fields are made nobody's.
 */
static void cp_fuzz_payload(struct rnd_state *st, u8 type, void *p,
			    size_t plen, unsigned int node)
{
	__be32 *w = p;
	size_t i;

	cp_rnd_fill(st, p, plen);
	if (cp_rnd(st, 2))	/* plausible values, field by field */
		for (i = 0; i + 4 <= plen; i += 4)
			w[i / 4] = cp_rnd_be32(st, node);
	switch (type) {
	case CP_MSG_KILL: {
		struct cp_kill *k = p;

		k->scope = cpu_to_be32(cp_rnd(st, 4));
		k->sig = cpu_to_be32(cp_rnd(st, 70));
		k->uid = cpu_to_be32(CP_FUZZ_UID);
		k->euid = cpu_to_be32(CP_FUZZ_UID);
		k->cap_effective = 0;
		break;
	}
	case CP_MSG_REXEC: {
		struct cp_rexec *r = p;
		int i;

		cp_fuzz_ids(&r->ids);
		r->cap_effective = 0;
		r->cap_permitted = 0;
		r->cap_inheritable = 0;
		r->cap_bset = 0;
		if (cp_rnd(st, 2)) {
			/* past the field checks: a pid of ours no process has */
			r->pid = cpu_to_be32((cp_self << CP_PID_SHIFT) +
					     CP_FUZZ_PIDS + cp_rnd(st, 512));
			r->ppid = cpu_to_be32(1);
			r->pgrp = cpu_to_be32(1);
			r->sid = cpu_to_be32(1);
			r->umask = 0;
			r->securebits = 0;
			memset(r->rlim_cur, 0xff, sizeof(r->rlim_cur));
			memset(r->rlim_max, 0xff, sizeof(r->rlim_max));
			r->flags = 0;
			r->ngroups = cpu_to_be32(cp_rnd(st, 4));
			/* stdio relays to exports the fuzzer never made */
			r->stdio_mask = cpu_to_be32(cp_rnd(st, 8));
			r->stdio_pad = 0;
			for (i = 0; i < CP_STDIO_FDS; i++)
				r->stdio_id[i] = (be32_to_cpu(r->stdio_mask) &
						  BIT(i)) ?
					cpu_to_be64(prandom_u32_state(st) | 1) : 0;
		}
		if (cp_rnd(st, 2) && plen > sizeof(*r))
			cp_fuzz_rexec_strings(r, plen - sizeof(*r));
		break;
	}
	case CP_MSG_PTRACE: {
		static const u32 reqs[] = {
			PTRACE_ATTACH, PTRACE_SEIZE, PTRACE_DETACH,
			PTRACE_CONT, PTRACE_PEEKTEXT, PTRACE_PEEKDATA,
			PTRACE_POKETEXT, PTRACE_POKEDATA, CP_PTRACE_WAIT,
		};
		struct cp_ptrace *t = p;

		if (cp_rnd(st, 4))
			t->request = cpu_to_be32(reqs[cp_rnd(st,
							     ARRAY_SIZE(reqs))]);
		t->flags = cpu_to_be32(cp_rnd(st, 8));
		cp_fuzz_ids(&t->ids);
		t->cap_effective = 0;
		t->cap_permitted = 0;
		break;
	}
	}
}

/* A request type with a handler, at random. */
static u8 cp_fuzz_type(struct rnd_state *st)
{
	u8 type;

	do {
		type = cp_rnd(st, CP_MSG_NTYPES);
	} while (!cp_msg_desc(type));
	return type;
}

/*
 * Build a message with one defect the receiver drops: the header's
 * checks (transport.c, cp_rx_one()) or, for a reply, the pending-call
 * lookup. Return: its length.
 */
static size_t cp_fuzz_raw(struct rnd_state *st, struct cp_hdr *h,
			  unsigned int node)
{
	u8 type = cp_fuzz_type(st);
	const struct cp_msg_desc *d = cp_msg_desc(type);
	size_t plen = d->req_min + cp_rnd(st, d->req_max - d->req_min + 1);
	size_t len = sizeof(*h) + plen;
	u32 v;

	cp_rnd_fill(st, h + 1, plen);
	cp_fill_hdr(h, type, 0, len, node, 0, prandom_u32_state(st));
	switch (cp_rnd(st, CP_FD_NR)) {
	case CP_FD_SHORT:
		len = 1 + cp_rnd(st, sizeof(*h) - 1);
		cp_rnd_fill(st, h, len);
		break;
	case CP_FD_MAGIC:
		do {
			v = prandom_u32_state(st);
		} while (v == CP_MAGIC);
		h->magic = cpu_to_be32(v);
		break;
	case CP_FD_VERSION:
		h->version = CP_VERSION + 1 + cp_rnd(st, 255);
		break;
	case CP_FD_LEN:
		do {
			v = cp_rnd(st, 4) ? len + cp_rnd(st, 33) - 16 :
			    prandom_u32_state(st);
		} while (v == len);
		h->len = cpu_to_be32(v);
		break;
	case CP_FD_TYPE:
		do {
			h->type = prandom_u32_state(st);
		} while (cp_msg_desc(h->type) || h->type == CP_MSG_HELLO);
		break;
	case CP_FD_FLAGS:
		h->flags = cpu_to_be16((prandom_u32_state(st) & ~CP_F_REPLY) |
				       0x2);
		break;
	case CP_FD_PLEN:
		/* shorter than the type allows, or longer if it has a limit */
		if (d->req_min && (cp_rnd(st, 2) ||
				   d->req_max >= CP_MAX_MSG - sizeof(*h)))
			plen = cp_rnd(st, d->req_min);
		else
			plen = d->req_max + 1 +
			       cp_rnd(st, CP_MAX_MSG - sizeof(*h) - d->req_max);
		len = sizeof(*h) + plen;
		cp_rnd_fill(st, h + 1, plen);
		h->len = cpu_to_be32(len);
		break;
	case CP_FD_STATUS:
		h->status = cpu_to_be32(1 + cp_rnd(st, 200));
		break;
	case CP_FD_DST:
		do {
			v = cp_rnd(st, 3) ? cp_rnd(st, CP_MAX_NODES + 2) :
			    prandom_u32_state(st);
		} while (v == node);
		h->dst_node = cpu_to_be32(v);
		break;
	case CP_FD_SRC:
		do {
			v = cp_rnd(st, 3) ? cp_rnd(st, CP_MAX_NODES + 2) :
			    prandom_u32_state(st);
		} while (v == cp_self);
		h->src_node = cpu_to_be32(v);
		break;
	case CP_FD_REPLY:
		/* a reply to a call node never made (request ids are ours) */
		h->flags = cpu_to_be16(CP_F_REPLY);
		h->status = cpu_to_be32(cp_rnd(st, 2) ? 0 : cp_rnd(st, 200));
		h->req_id = cpu_to_be64(BIT_ULL(63) | prandom_u32_state(st));
		break;
	}
	return len;
}

/* One call with a random payload; counts its outcome. */
static void cp_fuzz_call(struct rnd_state *st, unsigned int node,
			 void *req, void *rep, struct cp_fuzz_result *r)
{
	u8 type = cp_fuzz_type(st);
	const struct cp_msg_desc *d = cp_msg_desc(type);
	size_t plen, rlen;
	int err;

	/* mostly the type's exact size; REXEC: a length of its range */
	plen = d->req_min;
	if (d->req_max > d->req_min)
		plen += cp_rnd(st, cp_rnd(st, 8) ? 256 :
			       d->req_max - d->req_min + 1);
	plen = min(plen, d->req_max);
	cp_fuzz_payload(st, type, req, plen, node);
	r->calls++;
	err = cp_call(node, type, req, plen, rep,
		      CP_MAX_MSG - sizeof(struct cp_hdr), &rlen);
	if (!err)
		r->ok++;
	else if (err == -ETIMEDOUT)
		r->timeout++;
	else if (err == -EHOSTDOWN || err == -EHOSTUNREACH ||
		 err == -ENOMEM || err == -EINTR || err == -ESHUTDOWN ||
		 err == -EPROTO)
		r->other++;	/* local: not the receiver's answer */
	else
		r->err++;
}

/* Send r->count messages to r->node. 0, or a negative errno. */
static int cp_fuzz_run(struct cp_fuzz_result *r)
{
	struct cp_ping ping = { };
	struct rnd_state st;
	unsigned int i, batch = 0;
	void *msg, *rep;
	size_t len;
	int err = 0;

	msg = kmalloc(CP_MAX_MSG, GFP_KERNEL);
	rep = kmalloc(CP_MAX_MSG, GFP_KERNEL);
	if (!msg || !rep) {
		err = -ENOMEM;
		goto out;
	}
	prandom_seed_state(&st, r->seed);
	for (i = 0; i < r->count; i++) {
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		cp_count(CP_STAT_FUZZ_SENT);
		if (cp_rnd(&st, 2)) {
			cp_fuzz_call(&st, r->node, msg, rep, r);
			continue;
		}
		len = cp_fuzz_raw(&st, msg, r->node);
		err = cp_send_raw(r->node, msg, len);
		if (err)
			break;
		r->raw++;
		if (++batch < CP_FUZZ_BATCH)
			continue;
		batch = 0;
		err = cp_call(r->node, CP_MSG_PING, &ping, sizeof(ping), rep,
			      sizeof(ping), &len);
		if (err)
			break;
	}
	/* the last raw ones are off the receiver's socket, too */
	if (!err && batch)
		err = cp_call(r->node, CP_MSG_PING, &ping, sizeof(ping), rep,
			      sizeof(ping), &len);
	/*
	 * Well-formed HOLD SYNCs of random pids made the receiver hold them
	 * for us (pinned zombies): our real list replaces them, sent before
	 * the run ends.
	 */
	cp_hold_resync(r->node);
	cp_out_flush_own(current);
out:
	kfree(msg);
	kfree(rep);
	return err;
}

static ssize_t cp_fuzz_write(struct file *f, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct cp_fuzz_result r = { };
	struct cp_node_info ni;
	char buf[64];
	int err;

	if (count == 0 || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sscanf(buf, "%u %u %llu", &r.node, &r.count, &r.seed) != 3)
		return -EINVAL;
	if (r.node == cp_self || !cp_node_get(r.node, &ni))
		return -EINVAL;
	if (!ni.up)
		return -EHOSTDOWN;
	if (mutex_lock_killable(&cp_fuzz_mutex))
		return -EINTR;
	cp_count(CP_STAT_FUZZ_RUNS);
	err = cp_fuzz_run(&r);
	cp_fuzz_last = r;
	mutex_unlock(&cp_fuzz_mutex);
	return err ? err : count;
}

static DEFINE_MUTEX(cp_inject_mutex);
static int cp_inject_err;
static size_t cp_inject_len;

static ssize_t cp_inject_write(struct file *f, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	size_t max = CP_MAX_MSG - sizeof(struct cp_hdr), plen, rlen = 0;
	unsigned int node, type;
	char *buf, *hex;
	u8 *req = NULL, *rep = NULL;
	int n = 0, err;

	if (count == 0 || count > 64 + 2 * max)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	err = -EINVAL;
	if (sscanf(buf, "%u %u %n", &node, &type, &n) != 2 || !n ||
	    type > U8_MAX || !cp_msg_desc(type))
		goto out;
	hex = strim(buf + n);
	plen = strlen(hex) / 2;
	if (strlen(hex) % 2 || plen > max)
		goto out;
	err = -ENOMEM;
	req = kmalloc(max_t(size_t, plen, 1), GFP_KERNEL);
	rep = kmalloc(max, GFP_KERNEL);
	if (!req || !rep)
		goto out;
	err = -EINVAL;
	if (hex2bin(req, hex, plen))
		goto out;
	cp_count(CP_STAT_INJECTED);
	err = cp_call(node, type, req, plen, rep, max, &rlen);
	mutex_lock(&cp_inject_mutex);
	cp_inject_err = err;
	cp_inject_len = err ? 0 : rlen;
	mutex_unlock(&cp_inject_mutex);
out:
	kfree(req);
	kfree(rep);
	kfree(buf);
	return err ? err : count;
}

static ssize_t cp_inject_read(struct file *f, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	char buf[64];
	int len;

	mutex_lock(&cp_inject_mutex);
	len = scnprintf(buf, sizeof(buf), "err %d len %zu\n", cp_inject_err,
			cp_inject_len);
	mutex_unlock(&cp_inject_mutex);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t cp_flood_write(struct file *f, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct {
		struct cp_hdr h;
		struct cp_ping p;
	} m = { };
	unsigned int node, n, i;
	char buf[32];
	int err = 0;

	if (count == 0 || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sscanf(buf, "%u %u", &node, &n) != 2 || node == cp_self ||
	    n > 100000)
		return -EINVAL;
	for (i = 0; i < n && !err; i++) {
		/* request ids no call of ours uses: the replies are stale */
		cp_fill_hdr(&m.h, CP_MSG_PING, 0, sizeof(m), node, 0,
			    BIT_ULL(62) | i);
		err = cp_send_raw(node, &m, sizeof(m));
	}
	return err ? err : count;
}

static const struct file_operations cp_flood_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = cp_flood_write,
	.llseek = default_llseek,
};

static const struct file_operations cp_inject_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = cp_inject_read,
	.write = cp_inject_write,
	.llseek = default_llseek,
};

static ssize_t cp_fuzz_read(struct file *f, char __user *ubuf, size_t count,
			    loff_t *ppos)
{
	struct cp_fuzz_result r;
	char buf[192];
	int len;

	mutex_lock(&cp_fuzz_mutex);
	r = cp_fuzz_last;
	mutex_unlock(&cp_fuzz_mutex);
	len = scnprintf(buf, sizeof(buf),
			"seed %llu node %u sent %u raw %u calls %u ok %u err %u timeout %u other %u\n",
			r.seed, r.node, r.raw + r.calls, r.raw, r.calls, r.ok,
			r.err, r.timeout, r.other);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations cp_fuzz_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = cp_fuzz_read,
	.write = cp_fuzz_write,
	.llseek = default_llseek,
};

/**
 * cp_fuzz_debugfs_init() - create debugfs "fuzz", "inject" and "flood"
 * @dir: /sys/kernel/debug/clusterproc
 */
void cp_fuzz_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("fuzz", 0600, dir, NULL, &cp_fuzz_fops);
	debugfs_create_file("inject", 0600, dir, NULL, &cp_inject_fops);
	debugfs_create_file("flood", 0200, dir, NULL, &cp_flood_fops);
}
