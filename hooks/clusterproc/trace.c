// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc trace ring: what the module did, in order, for the
 * sequence charts of `clustersim --trace` (sim/trace/).
 *
 * One fixed ring of CP_TRACE_SIZE entries, written from any context
 * (hooks under tasklist_lock or a siglock with interrupts off, the
 * receive thread, server threads, workers): never sleeps, never
 * allocates. Off by default; debugfs `trace_on` switches it, `trace`
 * reads it as text, `trace_mark` writes a mark (a label for the chart).
 * Once full, the oldest entries are overwritten (`lost` in the header).
 *
 * A message is recorded with its sender node, destination node, type,
 * reply flag and request id on both sides, so that the merge of the
 * nodes' rings can put every receive after its send whatever the nodes'
 * clocks say (UML nodes' CLOCK_REALTIME start from the host's and were
 * seen up to 75 ms apart); the timestamp is only the secondary order.
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "cp_internal.h"

#define CP_TRACE_SIZE	4096	/* entries, a power of two */

struct cp_trace_ent {
	u64 ts;			/* ktime_get_real_ns() */
	u64 req;		/* a message's request id */
	s32 task;		/* current's pid */
	s32 subj;		/* the process the event is about, or 0 */
	s32 arg;		/* result, status, queue sequence */
	u16 what;		/* message type, counter or point */
	u8 kind;		/* enum cp_trace_kind */
	u8 peer;		/* the other node of a message, or 0 */
	char comm[TASK_COMM_LEN];	/* current's, or a mark's text */
};

/*
 * Locking: cp_trace_lock (raw, irqsave) protects cp_trace_ring and
 * cp_trace_next; it is taken innermost (under tasklist_lock, siglocks,
 * cp_outq_lock, p->lock) and nothing is called while it is held, so it
 * nests under anything and never sleeps. cp_trace_on is read without
 * it: an event racing with the switch is either recorded or not.
 */
static DEFINE_RAW_SPINLOCK(cp_trace_lock);
static struct cp_trace_ent cp_trace_ring[CP_TRACE_SIZE];
static u64 cp_trace_next;	/* entries written since the last clear */
bool cp_trace_on;

static const char * const cp_trace_kind_name[] = {
	[CP_TR_SEND] = "send",
	[CP_TR_RECV] = "recv",
	[CP_TR_HOOK] = "hook",
	[CP_TR_RET] = "ret",
	[CP_TR_RELEASE] = "release",
	[CP_TR_RETAKE] = "retake",
	[CP_TR_QUEUE] = "queue",
	[CP_TR_FLUSH] = "flush",
	[CP_TR_MARK] = "mark",
};

static void cp_trace_put(enum cp_trace_kind kind, unsigned int what,
			 unsigned int peer, u64 req, pid_t subj, int arg,
			 const char *text)
{
	struct cp_trace_ent *e;
	unsigned long flags;
	u64 ts = ktime_get_real_ns();

	raw_spin_lock_irqsave(&cp_trace_lock, flags);
	e = &cp_trace_ring[cp_trace_next++ & (CP_TRACE_SIZE - 1)];
	e->ts = ts;
	e->req = req;
	e->task = current->pid;
	e->subj = subj;
	e->arg = arg;
	e->what = what;
	e->kind = kind;
	e->peer = peer;
	if (text) {
		strscpy(e->comm, text, TASK_COMM_LEN);
	} else {
		/* may change under us (prctl): a torn name is harmless */
		memcpy(e->comm, current->comm, TASK_COMM_LEN);
		e->comm[TASK_COMM_LEN - 1] = '\0';
	}
	raw_spin_unlock_irqrestore(&cp_trace_lock, flags);
}

/**
 * cp_trace() - record one event if tracing is on
 * @kind: what happened
 * @what: the message type (send, recv, queue, flush), the hook's counter
 *	(hook, ret: enum cp_stat) or the release point (release, retake)
 * @peer: the other node of a message, else 0
 * @req: a message's request id, else 0
 * @subj: the process the event is about, else 0
 * @arg: a reply's status, a hook's result, a queue sequence number
 *
 * Any context; never sleeps or allocates (cp_trace_lock's rule).
 */
void cp_trace(enum cp_trace_kind kind, unsigned int what, unsigned int peer,
	      u64 req, pid_t subj, int arg)
{
	if (!READ_ONCE(cp_trace_on))
		return;
	cp_trace_put(kind, what, peer, req, subj, arg, NULL);
}

/**
 * cp_trace_msg() - record a message sent or received, from its header
 * @kind: CP_TR_SEND or CP_TR_RECV
 * @h: the message's header (wire order)
 *
 * The peer is the header's destination for a send, its source for a
 * receive; the reply flag is kept in the type's top bit (CP_TR_REPLY).
 */
void cp_trace_msg(enum cp_trace_kind kind, const struct cp_hdr *h)
{
	unsigned int what = h->type;

	if (!READ_ONCE(cp_trace_on))
		return;
	if (be16_to_cpu(h->flags) & CP_F_REPLY)
		what |= CP_TR_REPLY;
	cp_trace_put(kind, what,
		     be32_to_cpu(kind == CP_TR_SEND ? h->dst_node : h->src_node),
		     be64_to_cpu(h->req_id), 0, (s32)be32_to_cpu(h->status),
		     NULL);
}

static const char *cp_trace_what(const struct cp_trace_ent *e, char *buf,
				 size_t len)
{
	const struct cp_msg_desc *d;

	switch (e->kind) {
	case CP_TR_SEND:
	case CP_TR_RECV:
	case CP_TR_QUEUE:
	case CP_TR_FLUSH:
		d = cp_msg_desc(e->what & ~CP_TR_REPLY);
		snprintf(buf, len, "%s%s", d ? d->name : "unknown",
			 e->what & CP_TR_REPLY ? ".reply" : "");
		return buf;
	case CP_TR_HOOK:
	case CP_TR_RET:
		return e->what < CP_NR_STATS ? cp_stat_desc[e->what].name : "?";
	case CP_TR_RELEASE:
	case CP_TR_RETAKE:
		return e->what < CP_NR_DELAY_POINTS ?
		       cp_delay_slots[e->what].name : "?";
	default:
		return "-";
	}
}

/*
 * One line per entry, oldest first (format: sim/trace/README.md):
 * ts node seq kind task comm what peer req arg subj
 * A comm's blanks are written as '_' so that every field is one word.
 */
static int cp_trace_show(struct seq_file *m, void *v)
{
	struct cp_trace_ent e;
	unsigned long flags;
	u64 i, first, end;
	char what[32];
	int c;

	raw_spin_lock_irqsave(&cp_trace_lock, flags);
	end = cp_trace_next;
	raw_spin_unlock_irqrestore(&cp_trace_lock, flags);
	first = end > CP_TRACE_SIZE ? end - CP_TRACE_SIZE : 0;
	seq_printf(m, "# clusterproc trace v1 node %u entries %llu lost %llu clock realtime\n",
		   cp_self, end - first, first);
	for (i = first; i < end; i++) {
		raw_spin_lock_irqsave(&cp_trace_lock, flags);
		/* overwritten while we printed: those are lost too */
		if (cp_trace_next - i > CP_TRACE_SIZE) {
			raw_spin_unlock_irqrestore(&cp_trace_lock, flags);
			continue;
		}
		e = cp_trace_ring[i & (CP_TRACE_SIZE - 1)];
		raw_spin_unlock_irqrestore(&cp_trace_lock, flags);
		for (c = 0; e.comm[c]; c++)
			if (e.comm[c] <= ' ' || e.comm[c] > '~')
				e.comm[c] = '_';
		seq_printf(m, "%llu %u %llu %s %d %s %s %u %llx %d %d\n",
			   e.ts, cp_self, i, cp_trace_kind_name[e.kind],
			   e.task, e.comm[0] ? e.comm : "-",
			   cp_trace_what(&e, what, sizeof(what)), e.peer,
			   e.req, e.arg, e.subj);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cp_trace);

static ssize_t cp_trace_on_read(struct file *f, char __user *buf,
				size_t len, loff_t *pos)
{
	char s[3] = { READ_ONCE(cp_trace_on) ? '1' : '0', '\n' };

	return simple_read_from_buffer(buf, len, pos, s, 2);
}

/* "1": on, "0": off, "clear": empty the ring (tracing stays as it was) */
static ssize_t cp_trace_on_write(struct file *f, const char __user *buf,
				 size_t len, loff_t *pos)
{
	unsigned long flags;
	char s[8];
	bool on;

	if (len >= sizeof(s))
		return -EINVAL;
	if (copy_from_user(s, buf, len))
		return -EFAULT;
	s[len] = '\0';
	if (sysfs_streq(s, "clear")) {
		raw_spin_lock_irqsave(&cp_trace_lock, flags);
		cp_trace_next = 0;
		raw_spin_unlock_irqrestore(&cp_trace_lock, flags);
		return len;
	}
	if (kstrtobool(s, &on))
		return -EINVAL;
	WRITE_ONCE(cp_trace_on, on);
	return len;
}

static const struct file_operations cp_trace_on_fops = {
	.owner = THIS_MODULE,
	.read = cp_trace_on_read,
	.write = cp_trace_on_write,
	.llseek = default_llseek,
};

/* A label in the timeline (up to 15 characters), e.g. "wait" */
static ssize_t cp_trace_mark_write(struct file *f, const char __user *buf,
				   size_t len, loff_t *pos)
{
	char s[TASK_COMM_LEN] = { };
	size_t n = min(len, sizeof(s) - 1);

	if (copy_from_user(s, buf, n))
		return -EFAULT;
	if (READ_ONCE(cp_trace_on))
		cp_trace_put(CP_TR_MARK, 0, 0, 0, task_tgid_nr(current), 0,
			     strim(s));
	return len;
}

static const struct file_operations cp_trace_mark_fops = {
	.owner = THIS_MODULE,
	.write = cp_trace_mark_write,
	.llseek = noop_llseek,
};

/**
 * cp_trace_debugfs_init() - the trace files in the module's directory
 * @dir: /sys/kernel/debug/clusterproc
 */
void cp_trace_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("trace", 0400, dir, NULL, &cp_trace_fops);
	debugfs_create_file("trace_on", 0600, dir, NULL, &cp_trace_on_fops);
	debugfs_create_file("trace_mark", 0200, dir, NULL,
			    &cp_trace_mark_fops);
}
