// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc stdio relay: fds 0, 1 and 2 of a process moved by remote
 * exec keep working where they pointed before the move, when that was a
 * terminal, a pipe (FIFO), a socket, or itself a relay (a process moved
 * on again).
 *
 * Origin (the node the process left), "exports": before the REXEC,
 * cp_stdio_export() takes a reference to each such fd's file (not
 * close-on-exec) and lists it under a random 64-bit id, with the pid,
 * the fd and the node the process goes to; the ids travel in the REXEC.
 * A failed move releases them (cp_stdio_unexport()). An export ends when
 * that node sends CLOSE (its last relay file was released), when that
 * node goes down, or at unload; only then is its file put, so a reader
 * of a relayed pipe sees EOF once the remote side closed it.
 *
 * Target (where the process runs), "relays": cp_stdio_install() puts a
 * relay file (anon inode, cp_relay_fops) at each exported fd. It is an
 * ordinary file there: dup, fork and exec share it; its release queues
 * CLOSE, sent by a worker (an exit never waits for the origin).
 *
 * Operations: the target sends WRITE (up to CP_STDIO_CHUNK bytes) or
 * READ (room) for export id; the origin's handler only queues it on the
 * export's lane (one for writes, one for reads) and answers at once, so
 * a server thread never blocks on a terminal or a full pipe (other
 * nodes' requests would starve). Each lane has its own kthread, started
 * at its first operation, which does kernel_write()/kernel_read() on the
 * held file, with the mover's credentials (what a socket's LSM hooks
 * see), and sends DONE (count or -errno, and READ's data) to the
 * target. The target waits for DONE: a writer killably (a write that
 * reached the origin cannot be undone, so only a fatal signal ends the
 * wait), a reader interruptibly; a READ's data that arrives after its
 * reader gave up stays in the relay for the next read, nothing is lost.
 * A write() is one batch of up to CP_STDIO_WINDOW chunks (one seq),
 * sent back to back (cp_call_batch()), which the write lane writes in
 * index order (server threads may queue them in any order) and answers
 * with one DONE, the count the same write() to the file would have
 * returned. One batch and one READ per relay are in flight (@seq pairs
 * DONE with it): order is the order of the writes, as on one machine,
 * and fds 1 and 2 on one terminal interleave as written. A write that fails with
 * EPIPE with nothing written sends SIGPIPE to the writer, as pipe_write()
 * does; the origin's kthread ignores the SIGPIPE its own write raises.
 *
 * Authorization: an export is used only by the node its process moved
 * to, with its id, pid and fd (else EPERM, counted stdio_refused); a
 * DONE is taken only from the relay's origin. The ids are random: a node
 * cannot guess another's.
 *
 * Locking and lifetime:
 * - cp_exports_lock (spinlock) guards the export list; each export has
 *   a kref: one for the list, one per user (a handler, a lane thread
 *   holds none: the teardown stops it before the list's ref is put).
 * - cp_export_end() unlists an export (once: whoever unlists it ends
 *   it), then under e->mutex sets e->stop (no thread starts after) and,
 *   for each lane thread, sends SIGKILL (allowed there: a read blocked
 *   on a terminal or pipe returns) and kthread_stop()s it; then fput().
 *   A lane thread flushes its signals only before it looks at e->stop
 *   under e->lock, so a SIGKILL sent after stop was set is never lost.
 * - e->lock (spinlock) guards the read lane's queued/seq/len and the
 *   write lane's chunk list, nchunks and gen; a chunk is owned by the
 *   list, then by the thread that unlinked it. The read lane's thread
 *   clears queued before it sends DONE (the next READ may arrive before
 *   that call returns); the write lane's batch state (struct cp_batch)
 *   is the thread's own.
 * - cp_relays_lock guards the relay lists (open: cp_relays; released,
 *   CLOSE not sent: cp_closing); a relay's kref: one for the file (then
 *   for the close worker), one per DONE handler. r->lock guards its lanes (busy, seq,
 *   result) and dead; a lane's read buffer is written by DONE only while
 *   busy, read by a reader (under r->rmutex) only while not busy.
 * - No lock is held across a call or a file operation.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/cred.h>
#include <linux/debugfs.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/kthread.h>
#include <linux/major.h>
#include <linux/poll.h>
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include "cp_internal.h"
#include "cp_proc.h"

enum { CP_LANE_W, CP_LANE_R, CP_LANES };

/* ---- origin: exports ---- */

struct cp_export;

/* a WRITE's data waiting for the write lane */
struct cp_chunk {
	struct list_head link;
	u32 seq, flags;		/* CP_STDIO_F_* */
	size_t len;
	u8 data[];
};

struct cp_xlane {
	struct cp_export *e;
	struct task_struct *task;	/* started at the first operation */
	/* read lane: one READ */
	bool queued;			/* it waits or runs */
	u32 seq;
	u32 act;			/* its CP_STDIO_F_ACT bits */
	size_t len;
	/* write lane: the chunks of at most one write() and the next */
	struct list_head chunks;
	unsigned int nchunks;		/* queued or being written */
	unsigned int gen;		/* bumped at each chunk queued */
	struct cp_stdio *msg;		/* the thread's DONE, CP_MAX_MSG */
};

struct cp_export {
	struct list_head link;		/* cp_exports */
	struct kref ref;
	u64 id;
	pid_t pid;
	unsigned int node;		/* where the process runs */
	int fd;
	struct file *file;
	const struct cred *cred;	/* the mover's: the lanes do I/O as it */
	struct mutex mutex;		/* lane threads start, stop */
	spinlock_t lock;		/* lanes, stop */
	bool stop;
	wait_queue_head_t wq;
	struct cp_xlane lane[CP_LANES];
};

static LIST_HEAD(cp_exports);
static DEFINE_SPINLOCK(cp_exports_lock);
static unsigned int cp_nr_exports;

static void cp_export_free(struct kref *ref)
{
	struct cp_export *e = container_of(ref, struct cp_export, ref);

	struct cp_chunk *c, *n;

	int i;

	list_for_each_entry_safe(c, n, &e->lane[CP_LANE_W].chunks, link)
		kfree(c);
	for (i = 0; i < CP_LANES; i++)
		kfree(e->lane[i].msg);
	put_cred(e->cred);
	kfree(e);
}

static struct cp_export *cp_export_find(u64 id)
{
	struct cp_export *e;

	spin_lock(&cp_exports_lock);
	list_for_each_entry(e, &cp_exports, link) {
		if (e->id == id) {
			kref_get(&e->ref);
			spin_unlock(&cp_exports_lock);
			return e;
		}
	}
	spin_unlock(&cp_exports_lock);
	return NULL;
}

/* Stop an unlisted export's threads, put its file and the list's ref. */
static void cp_export_end(struct cp_export *e)
{
	struct task_struct *t[CP_LANES];
	int i;

	mutex_lock(&e->mutex);
	spin_lock(&e->lock);
	e->stop = true;
	spin_unlock(&e->lock);
	for (i = 0; i < CP_LANES; i++) {
		t[i] = e->lane[i].task;
		if (t[i])
			send_sig(SIGKILL, t[i], 1);
	}
	mutex_unlock(&e->mutex);
	for (i = 0; i < CP_LANES; i++) {
		if (t[i]) {
			kthread_stop(t[i]);
			put_task_struct(t[i]);
		}
	}
	fput(e->file);
	kref_put(&e->ref, cp_export_free);
}

/* Unlist @e if still listed: true if the caller must end it. */
static bool cp_export_unlist(struct cp_export *e)
{
	bool mine = false;

	spin_lock(&cp_exports_lock);
	if (!list_empty(&e->link)) {
		list_del_init(&e->link);
		cp_nr_exports--;
		mine = true;
	}
	spin_unlock(&cp_exports_lock);
	return mine;
}

static void cp_export_release_id(u64 id)
{
	struct cp_export *e = cp_export_find(id);

	if (!e)
		return;
	if (cp_export_unlist(e))
		cp_export_end(e);
	kref_put(&e->ref, cp_export_free);
}

static const struct file_operations cp_relay_fops;

/* A terminal, pipe, socket or relay: what a relay carries. */
static bool cp_stdio_relayable(struct file *f)
{
	struct inode *inode = file_inode(f);
	unsigned int major = imajor(inode);

	if (f->f_op == &cp_relay_fops || S_ISFIFO(inode->i_mode) ||
	    S_ISSOCK(inode->i_mode))
		return true;
	if (!S_ISCHR(inode->i_mode))
		return false;
	/*
	 * Not the console device: a remote process's default stdout
	 * (cp_stdio_install()); moved on, it writes to its new node's.
	 */
	if (major == TTYAUX_MAJOR && iminor(inode) == 1)
		return false;
	return major == TTY_MAJOR || major == TTYAUX_MAJOR ||
	       major == PTY_SLAVE_MAJOR || major == PTY_MASTER_MAJOR ||
	       (major >= UNIX98_PTY_MASTER_MAJOR &&
		major < UNIX98_PTY_SLAVE_MAJOR + UNIX98_PTY_MAJOR_COUNT);
}

/**
 * cp_stdio_export() - export current's relayable fds 0-2 for a move
 * @rq: the REXEC request: stdio_mask and stdio_id are set
 * @node: the node the process moves to
 *
 * Process context, current is the mover. An fd that is not relayable,
 * close-on-exec or absent is not exported (the target gives it
 * /dev/null or the console). Out of memory, fewer fds are exported.
 */
void cp_stdio_export(struct cp_rexec *rq, unsigned int node)
{
	u32 mask = 0;
	int fd;

	for (fd = 0; fd < CP_STDIO_FDS; fd++) {
		struct cp_export *e;
		struct file *f;
		bool cloexec;
		int i;

		rq->stdio_id[fd] = 0;
		rcu_read_lock();
		cloexec = close_on_exec(fd, files_fdtable(current->files));
		rcu_read_unlock();
		if (cloexec)
			continue;
		f = fget(fd);
		if (!f)
			continue;
		if (!cp_stdio_relayable(f)) {
			fput(f);
			continue;
		}
		e = kzalloc(sizeof(*e), GFP_KERNEL);
		if (!e) {
			fput(f);
			continue;
		}
		kref_init(&e->ref);
		INIT_LIST_HEAD(&e->link);
		mutex_init(&e->mutex);
		spin_lock_init(&e->lock);
		init_waitqueue_head(&e->wq);
		for (i = 0; i < CP_LANES; i++) {
			e->lane[i].e = e;
			INIT_LIST_HEAD(&e->lane[i].chunks);
		}
		do
			e->id = get_random_u64();
		while (!e->id);
		e->pid = task_tgid_nr(current);
		e->node = node;
		e->fd = fd;
		e->file = f;
		e->cred = get_current_cred();
		spin_lock(&cp_exports_lock);
		list_add_tail(&e->link, &cp_exports);
		cp_nr_exports++;
		spin_unlock(&cp_exports_lock);
		rq->stdio_id[fd] = cpu_to_be64(e->id);
		mask |= BIT(fd);
	}
	rq->stdio_mask = cpu_to_be32(mask);
	rq->stdio_pad = 0;
}

/**
 * cp_stdio_unexport() - a move failed: release its exports
 * @rq: the request cp_stdio_export() filled in
 */
void cp_stdio_unexport(const struct cp_rexec *rq)
{
	u32 mask = be32_to_cpu(rq->stdio_mask);
	int fd;

	for (fd = 0; fd < CP_STDIO_FDS; fd++)
		if (mask & BIT(fd))
			cp_export_release_id(be64_to_cpu(rq->stdio_id[fd]));
}

/* A DONE to the target; retried while the target is busy or slow. */
static void cp_lane_done(struct cp_export *e, struct cp_stdio *m, size_t len)
{
	size_t rlen;
	int tries, err;

	for (tries = 0; tries < 5; tries++) {
		err = cp_call(e->node, CP_MSG_STDIO, m, len, NULL, 0, &rlen);
		if ((err != -EBUSY && err != -ETIMEDOUT) ||
		    READ_ONCE(e->stop) || signal_pending(current))
			return;
		schedule_timeout_interruptible(HZ / 10);
	}
}

static void cp_done_fill(struct cp_export *e, struct cp_stdio *m, u32 op,
			 u32 seq, ssize_t n, size_t dlen)
{
	memset(m, 0, sizeof(*m));
	m->id = cpu_to_be64(e->id);
	m->pid = cpu_to_be32(e->pid);
	m->fd = cpu_to_be32(e->fd);
	m->op = cpu_to_be32(op);
	m->seq = cpu_to_be32(seq);
	m->result = cpu_to_be32((u32)(s32)n);
	m->len = cpu_to_be32(dlen);
}

static ssize_t cp_restart_intr(ssize_t n)
{
	if (n == -ERESTARTSYS || n == -ERESTARTNOINTR ||
	    n == -ERESTARTNOHAND || n == -ERESTART_RESTARTBLOCK)
		return -EINTR;	/* stopped: the relay is ending */
	return n;
}

/*
 * A read or write of the held file for the process (A1): acting for its
 * stand-in here (acting.c), so that a terminal's job control judges the
 * process, not this thread. -ERESTARTSYS stays when the terminal
 * signalled the process's group (the process stops, then restarts its
 * call); otherwise a restart means this thread was stopped: -EINTR.
 */
static ssize_t cp_lane_io(struct cp_export *e, u32 act, void *buf,
			  size_t len, bool wr)
{
	struct cp_acting a = { };
	ssize_t n;

	cp_acting_begin(&a, e->pid, (act & CP_STDIO_F_TTIN_IGN ?
				     CP_ACT_TTIN_IGN : 0) |
			(act & CP_STDIO_F_TTOU_IGN ? CP_ACT_TTOU_IGN : 0));
	n = wr ? kernel_write(e->file, buf, len, NULL) :
	    kernel_read(e->file, buf, len, NULL);
	cp_acting_end(&a);
	return n == -ERESTARTSYS && a.signalled ? n : cp_restart_intr(n);
}

/* The read lane's one READ, if there is one: false if none. */
static bool cp_lane_read(struct cp_xlane *l, struct cp_stdio *m)
{
	struct cp_export *e = l->e;
	bool go;
	size_t len;
	ssize_t n;
	u32 seq, act;

	spin_lock(&e->lock);
	go = l->queued && !e->stop;
	seq = l->seq;
	len = l->len;
	act = l->act;
	spin_unlock(&e->lock);
	if (!go)
		return false;
	n = (e->file->f_mode & FMODE_READ) ?
	    cp_lane_io(e, act, m->data, len, false) : -EBADF;
	cp_done_fill(e, m, CP_STDIO_DONE_READ, seq, n, n > 0 ? n : 0);
	/* the next request may come before the DONE call returns */
	spin_lock(&e->lock);
	l->queued = false;
	spin_unlock(&e->lock);
	/* after: a test that sees the count may queue again */
	if (n > 0)
		atomic64_add(n, &cp_stats[CP_STAT_STDIO_BYTES_IN]);
	cp_lane_done(e, m, sizeof(*m) + (n > 0 ? n : 0));
	return true;
}

/*
 * The write lane: a write() is a batch of chunks (seq; index 0, F_FIRST,
 * to F_LAST), queued in any order (server threads run requests side by
 * side), written in index order. Once a chunk fails or is short, the
 * rest of its batch is not written (no gap, no reordering), and F_LAST's
 * DONE says the batch's count, or its error if nothing was written: what
 * one write() to the file would have returned. A batch whose writer was
 * killed before its last chunk is given up when a later batch starts
 * (its F_FIRST); chunks of an older batch are dropped.
 */
struct cp_batch {
	bool active;
	u32 seq;
	unsigned int next;	/* the index to write next */
	size_t total;
	ssize_t err;
	bool stopped;
	unsigned int seen;	/* l->gen when nothing could be picked */
};

/* The chunk to write now (unlinked), or NULL. e->lock held. */
static struct cp_chunk *cp_chunk_pick(struct cp_xlane *l, struct cp_batch *b,
				      struct list_head *stale)
{
	struct cp_chunk *c, *n, *first = NULL;

	list_for_each_entry_safe(c, n, &l->chunks, link) {
		s32 age = b->active ? (s32)(c->seq - b->seq) : 1;

		if (age < 0 || (!age && CP_STDIO_F_IDX(c->flags) < b->next)) {
			list_move(&c->link, stale);	/* given up */
			l->nchunks--;
			continue;
		}
		if (!age && CP_STDIO_F_IDX(c->flags) == b->next) {
			list_del(&c->link);
			return c;
		}
		if (age > 0 && (c->flags & CP_STDIO_F_FIRST) &&
		    (!first || (s32)(c->seq - first->seq) > 0))
			first = c;
	}
	if (first) {
		*b = (struct cp_batch){ .active = true, .seq = first->seq,
					.seen = b->seen };
		list_del(&first->link);
	}
	return first;
}

static bool cp_lane_write(struct cp_xlane *l, struct cp_batch *b,
			  struct cp_stdio *m)
{
	struct cp_export *e = l->e;
	struct cp_chunk *c, *x, *n;
	LIST_HEAD(stale);
	ssize_t w = 0;

	spin_lock(&e->lock);
	c = e->stop ? NULL : cp_chunk_pick(l, b, &stale);
	if (!c)
		b->seen = l->gen;	/* wait for another chunk */
	spin_unlock(&e->lock);
	list_for_each_entry_safe(x, n, &stale, link)
		kfree(x);
	if (!c)
		return false;
	b->next++;
	if (!b->stopped && c->len) {
		w = (e->file->f_mode & FMODE_WRITE) ?
		    cp_lane_io(e, c->flags & CP_STDIO_F_ACT, c->data, c->len,
			       true) : -EBADF;
		if (w > 0)
			b->total += w;
		if (w < 0)
			b->err = w;
		if (w < (ssize_t)c->len)
			b->stopped = true;
	}
	if (c->flags & CP_STDIO_F_LAST) {
		cp_done_fill(e, m, CP_STDIO_DONE_WRITE, c->seq,
			     b->total ? (ssize_t)b->total : b->err, 0);
		b->active = true;
		b->next = CP_STDIO_WINDOW;	/* the batch is over */
	}
	spin_lock(&e->lock);
	l->nchunks--;
	spin_unlock(&e->lock);
	if (w > 0)
		atomic64_add(w, &cp_stats[CP_STAT_STDIO_BYTES_OUT]);
	if (c->flags & CP_STDIO_F_LAST)
		cp_lane_done(e, m, sizeof(*m));
	kfree(c);
	return true;
}

static bool cp_lane_ready(struct cp_xlane *l, const struct cp_batch *b)
{
	struct cp_export *e = l->e;

	if (READ_ONCE(e->stop))
		return false;
	return l == &e->lane[CP_LANE_R] ? READ_ONCE(l->queued) :
	       READ_ONCE(l->gen) != b->seen;
}

static int cp_lane_main(void *arg)
{
	struct cp_xlane *l = arg;
	struct cp_export *e = l->e;
	bool rd = l == &e->lane[CP_LANE_R];
	struct cp_stdio *m = l->msg;
	struct cp_batch b = { };
	const struct cred *old;

	allow_signal(SIGKILL);
	/* what a socket's LSM hooks see is the mover, not a kernel thread */
	old = override_creds(e->cred);
	for (;;) {
		wait_event_interruptible(e->wq, cp_lane_ready(l, &b) ||
					 kthread_should_stop());
		if (kthread_should_stop())
			break;
		/* before stop is looked at: a later SIGKILL stays pending */
		flush_signals(current);
		while (rd ? cp_lane_read(l, m) : cp_lane_write(l, &b, m))
			if (rd || signal_pending(current))
				break;
	}
	revert_creds(old);
	return 0;
}

/* Start an export's lane thread if not yet. e->mutex held. */
static int cp_lane_start(struct cp_export *e, int k)
{
	struct cp_xlane *l = &e->lane[k];
	struct task_struct *t;

	if (l->task)
		return 0;
	if (!l->msg) {
		l->msg = kmalloc(CP_MAX_MSG, GFP_KERNEL);	/* its DONEs */
		if (!l->msg)
			return -ENOMEM;
	}
	t = kthread_create(cp_lane_main, l, "cp_stdio/%d%c", e->pid,
			   k == CP_LANE_W ? 'w' : 'r');
	if (IS_ERR(t))
		return PTR_ERR(t);
	get_task_struct(t);
	l->task = t;
	wake_up_process(t);
	return 0;
}

/* Queue a READ or a WRITE chunk (a server thread: it never blocks). */
static int cp_export_queue(struct cp_export *e, int k,
			   const struct cp_stdio *m, size_t dlen)
{
	struct cp_xlane *l = &e->lane[k];
	struct cp_chunk *c = NULL;
	int err;

	if (k == CP_LANE_W) {
		c = kmalloc(struct_size(c, data, dlen), GFP_KERNEL);
		if (!c)
			return -ENOMEM;
		c->seq = be32_to_cpu(m->seq);
		c->flags = be32_to_cpu(m->flags);
		c->len = dlen;
		memcpy(c->data, m->data, dlen);
	}
	mutex_lock(&e->mutex);
	err = e->stop ? -EPIPE : cp_lane_start(e, k);
	if (err)
		goto out;
	spin_lock(&e->lock);
	if (k == CP_LANE_W) {
		if (l->nchunks >= 2 * CP_STDIO_WINDOW) {
			err = -EBUSY;	/* more than the target sends */
		} else {
			list_add_tail(&c->link, &l->chunks);
			l->nchunks++;
			l->gen++;
			c = NULL;
		}
	} else if (l->queued) {
		err = -EBUSY;	/* the target waits for its DONE first */
	} else {
		l->len = min_t(u32, be32_to_cpu(m->len), CP_STDIO_CHUNK);
		l->seq = be32_to_cpu(m->seq);
		l->act = be32_to_cpu(m->flags) & CP_STDIO_F_ACT;
		l->queued = true;
	}
	spin_unlock(&e->lock);
	if (!err)
		wake_up_all(&e->wq);
out:
	mutex_unlock(&e->mutex);
	kfree(c);
	return err;
}

/* WRITE, READ, CLOSE from the node the process runs on. */
static int cp_stdio_origin(const struct cp_request *rq,
			   const struct cp_stdio *m, u32 op, size_t dlen)
{
	struct cp_export *e = cp_export_find(be64_to_cpu(m->id));
	int err;

	if (!e)
		return -ENOENT;
	if (e->node != rq->src_node || e->pid != (pid_t)be32_to_cpu(m->pid) ||
	    e->fd != (int)be32_to_cpu(m->fd)) {
		cp_count(CP_STAT_STDIO_REFUSED);
		kref_put(&e->ref, cp_export_free);
		return -EPERM;
	}
	switch (op) {
	case CP_STDIO_WRITE:
		cp_count(CP_STAT_STDIO_WRITE);
		err = cp_export_queue(e, CP_LANE_W, m, dlen);
		break;
	case CP_STDIO_READ:
		cp_count(CP_STAT_STDIO_READ);
		err = m->len ? cp_export_queue(e, CP_LANE_R, m, 0) : -EINVAL;
		break;
	default:	/* CLOSE */
		err = 0;
		if (cp_export_unlist(e))
			cp_export_end(e);
		break;
	}
	kref_put(&e->ref, cp_export_free);
	return err;
}

/* ---- target: relays ---- */

struct cp_rlane {
	bool busy;		/* an operation is in flight */
	u32 seq;
	int result;		/* its DONE's count or -errno */
};

struct cp_relay {
	struct list_head link;	/* cp_relays */
	struct kref ref;
	unsigned int origin;
	u64 id;
	pid_t pid;
	int fd;
	spinlock_t lock;	/* lanes, dead */
	bool dead;		/* the origin went down */
	wait_queue_head_t wq;
	struct mutex wmutex, rmutex;	/* one writer, one reader at a time */
	struct cp_rlane lane[CP_LANES];
	u8 *rbuf;		/* CP_STDIO_CHUNK: a READ's data */
	size_t roff, rlen;	/* not yet consumed: rbuf[roff..rlen) */
	bool reof;		/* a READ answered 0: the next read sees it */
	int rerr;		/* a READ failed: the next read sees it */
};

static LIST_HEAD(cp_relays);
static LIST_HEAD(cp_closing);		/* released, CLOSE not yet sent */
static DEFINE_SPINLOCK(cp_relays_lock);
static unsigned int cp_nr_relays;	/* both lists */

static void cp_relay_free(struct kref *ref)
{
	struct cp_relay *r = container_of(ref, struct cp_relay, ref);

	kfree(r->rbuf);
	kfree(r);
}

/* is_ignored() of tty_jobctrl.c, for current: blocked or SIG_IGN */
static bool cp_sig_ignored(int sig)
{
	return sigismember(&current->blocked, sig) ||
	       READ_ONCE(current->sighand->action[sig - 1].sa.sa_handler) ==
	       SIG_IGN;
}

/* current's SIGTTIN/SIGTTOU state, for the origin's job control */
static u32 cp_stdio_act_flags(void)
{
	return (cp_sig_ignored(SIGTTIN) ? CP_STDIO_F_TTIN_IGN : 0) |
	       (cp_sig_ignored(SIGTTOU) ? CP_STDIO_F_TTOU_IGN : 0);
}

/* Fill in a request of @r: id, pid, fd, op, seq, len. */
static void cp_relay_fill(struct cp_relay *r, struct cp_stdio *m, u32 op,
			  u32 seq, u32 len, u32 flags)
{
	memset(m, 0, sizeof(*m));
	m->id = cpu_to_be64(r->id);
	m->pid = cpu_to_be32(r->pid);
	m->fd = cpu_to_be32(r->fd);
	m->op = cpu_to_be32(op);
	m->seq = cpu_to_be32(seq);
	m->len = cpu_to_be32(len);
	m->flags = cpu_to_be32(flags);
}

/* A call's error as the relay's caller sees it. */
static int cp_relay_err(int err)
{
	if (err == -EHOSTDOWN || err == -EHOSTUNREACH || err == -ETIMEDOUT ||
	    err == -ENOENT || err == -ESHUTDOWN || err == -EBUSY)
		return -EIO;	/* the origin is gone, or the export */
	return err;
}

/* Send READ or CLOSE of @r, @m its room. */
static int cp_relay_call(struct cp_relay *r, u32 op, u32 seq, u32 len,
			 struct cp_stdio *m)
{
	size_t rlen;

	cp_relay_fill(r, m, op, seq, len,
		      op == CP_STDIO_READ ? cp_stdio_act_flags() : 0);
	return cp_relay_err(cp_call(r->origin, CP_MSG_STDIO, m, sizeof(*m),
				    NULL, 0, &rlen));
}

/* Start an operation on lane @k (not busy): its seq. Lock not held. */
static u32 cp_relay_start(struct cp_relay *r, int k)
{
	u32 seq;

	spin_lock(&r->lock);
	r->lane[k].busy = true;
	seq = ++r->lane[k].seq;
	spin_unlock(&r->lock);
	return seq;
}

static void cp_relay_abort(struct cp_relay *r, int k)
{
	spin_lock(&r->lock);
	r->lane[k].busy = false;
	spin_unlock(&r->lock);
	wake_up_all(&r->wq);
}

static bool cp_relay_idle(struct cp_relay *r, int k)
{
	return !READ_ONCE(r->lane[k].busy) || READ_ONCE(r->dead);
}

/*
 * Queue one batch: up to CP_STDIO_WINDOW chunks of @from, in @bufs
 * (CP_MAX_MSG each), sent back to back. Returns the bytes queued (a DONE
 * for seq will come: the lane is busy) or a negative errno (nothing
 * will come; some chunks may be written there). wmutex held, lane idle.
 */
static ssize_t cp_relay_batch(struct cp_relay *r, struct iov_iter *from,
			      u8 *bufs, unsigned int nbufs)
{
	const void *reqs[CP_STDIO_WINDOW];
	size_t lens[CP_STDIO_WINDOW], queued = 0;
	int errs[CP_STDIO_WINDOW], err = 0;
	unsigned int k, n = 0;
	u32 seq;

	spin_lock(&r->lock);
	seq = ++r->lane[CP_LANE_W].seq;
	spin_unlock(&r->lock);
	for (k = 0; k < nbufs && iov_iter_count(from); k++) {
		struct cp_stdio *m = (void *)(bufs + k * CP_MAX_MSG);
		size_t len = min_t(size_t, iov_iter_count(from),
				   CP_STDIO_CHUNK);

		if (copy_from_iter(m->data, len, from) != len) {
			if (!k)
				return -EFAULT;
			break;	/* a short write: what was copied */
		}
		cp_relay_fill(r, m, CP_STDIO_WRITE, seq, len,
			      CP_STDIO_F_IDX_SET(k) | cp_stdio_act_flags() |
			      (k ? 0 : CP_STDIO_F_FIRST));
		reqs[k] = m;
		lens[k] = sizeof(*m) + len;
		queued += len;
		n++;
	}
	((struct cp_stdio *)(bufs + (n - 1) * CP_MAX_MSG))->flags |=
		cpu_to_be32(CP_STDIO_F_LAST);
	/* before the send: DONE may come before the calls' replies */
	spin_lock(&r->lock);
	r->lane[CP_LANE_W].busy = true;
	spin_unlock(&r->lock);
	err = cp_call_batch(r->origin, CP_MSG_STDIO, reqs, lens, n, errs);
	for (k = 0; !err && k < n; k++)
		err = errs[k];
	if (err) {
		cp_relay_abort(r, CP_LANE_W);
		return cp_relay_err(err);
	}
	return queued;
}

static ssize_t cp_relay_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct cp_relay *r = iocb->ki_filp->private_data;
	size_t done = 0, count = iov_iter_count(from);
	unsigned int nbufs;
	u8 *bufs;
	int err = 0;

	if (!count)
		return 0;
	nbufs = min_t(size_t, DIV_ROUND_UP(count, CP_STDIO_CHUNK),
		      CP_STDIO_WINDOW);
	bufs = kvmalloc_array(nbufs, CP_MAX_MSG, GFP_KERNEL);
	if (!bufs)
		return -ENOMEM;
	if (mutex_lock_killable(&r->wmutex)) {
		kvfree(bufs);
		return -EINTR;
	}
	while (iov_iter_count(from)) {
		ssize_t queued;
		int res;

		/* a writer killed before its DONE left the lane busy */
		if (wait_event_killable(r->wq, cp_relay_idle(r, CP_LANE_W))) {
			err = -EINTR;
			break;
		}
		if (READ_ONCE(r->dead)) {
			err = -EIO;
			break;
		}
		queued = cp_relay_batch(r, from, bufs, nbufs);
		if (queued < 0) {
			err = queued;	/* its chunks may be written there */
			break;
		}
		if (wait_event_killable(r->wq, cp_relay_idle(r, CP_LANE_W))) {
			err = -EINTR;	/* the write may still happen there */
			break;
		}
		spin_lock(&r->lock);
		res = r->dead && r->lane[CP_LANE_W].busy ? -EIO :
		      r->lane[CP_LANE_W].result;
		spin_unlock(&r->lock);
		if (res < 0) {
			err = res;
			break;
		}
		done += res;
		if (res < queued)
			break;
	}
	mutex_unlock(&r->wmutex);
	kvfree(bufs);
	if (done)
		return done;
	if (err == -EPIPE)
		send_sig(SIGPIPE, current, 0);
	return err;
}

static ssize_t cp_relay_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *f = iocb->ki_filp;
	struct cp_relay *r = f->private_data;
	bool nonblock = (f->f_flags & O_NONBLOCK) ||
			(iocb->ki_flags & IOCB_NOWAIT);
	size_t want = iov_iter_count(to);
	struct cp_stdio *m = NULL;
	ssize_t ret;

	if (!want)
		return 0;
	if (nonblock) {
		if (!mutex_trylock(&r->rmutex))
			return -EAGAIN;
	} else if (mutex_lock_interruptible(&r->rmutex)) {
		return -ERESTARTSYS;
	}
	for (;;) {
		u32 seq;

		if (nonblock && !cp_relay_idle(r, CP_LANE_R)) {
			ret = -EAGAIN;
			break;
		}
		if (wait_event_interruptible(r->wq,
					     cp_relay_idle(r, CP_LANE_R))) {
			/* its data, when it comes, is for the next read */
			ret = -ERESTARTSYS;
			break;
		}
		if (READ_ONCE(r->dead)) {
			ret = -EIO;
			break;
		}
		/* not busy: DONE does not touch the buffer now */
		if (r->roff < r->rlen) {
			size_t n = copy_to_iter(r->rbuf + r->roff,
						min(want, r->rlen - r->roff), to);

			r->roff += n;
			ret = n ? n : -EFAULT;
			break;
		}
		if (r->reof) {
			r->reof = false;
			ret = 0;
			break;
		}
		if (r->rerr) {
			ret = r->rerr;
			r->rerr = 0;
			/*
			 * The terminal stopped the group (SIGTTIN) after this
			 * reader was interrupted: the signal was handled, so
			 * the restarted read asks again.
			 */
			if (ret == -ERESTARTSYS && !signal_pending(current))
				continue;
			break;
		}
		if (!r->rbuf) {
			r->rbuf = kmalloc(CP_STDIO_CHUNK, GFP_KERNEL);
			if (!r->rbuf) {
				ret = -ENOMEM;
				break;
			}
		}
		if (!m) {
			m = kmalloc(sizeof(*m), GFP_KERNEL);
			if (!m) {
				ret = -ENOMEM;
				break;
			}
		}
		seq = cp_relay_start(r, CP_LANE_R);
		ret = cp_relay_call(r, CP_STDIO_READ, seq,
				    min_t(size_t, want, CP_STDIO_CHUNK), m);
		if (ret) {
			cp_relay_abort(r, CP_LANE_R);
			break;
		}
	}
	mutex_unlock(&r->rmutex);
	kfree(m);
	return ret;
}

static __poll_t cp_relay_poll(struct file *f, poll_table *wait)
{
	struct cp_relay *r = f->private_data;
	__poll_t mask = 0;

	poll_wait(f, &r->wq, wait);
	spin_lock(&r->lock);
	if (r->dead) {
		mask = EPOLLERR | EPOLLHUP;
	} else {
		if (!r->lane[CP_LANE_R].busy &&
		    (r->roff < r->rlen || r->reof || r->rerr))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!r->lane[CP_LANE_W].busy)
			mask |= EPOLLOUT | EPOLLWRNORM;
	}
	spin_unlock(&r->lock);
	/*
	 * Nothing to read and no READ in flight: a reader that polls would
	 * wait for ever; a READ is sent by the next read(), so say readable
	 * (that read then blocks or answers EAGAIN, as a relay may).
	 */
	if (!(mask & (EPOLLIN | EPOLLERR)) && !READ_ONCE(r->lane[CP_LANE_R].busy))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

/*
 * CLOSE of the released relays (cp_closing), sent by a worker: an exit
 * is not held up by an origin that does not answer (crashed, not yet
 * seen down). Sent even if the answer is lost; again if the origin's
 * queue was full or the answer late (a CLOSE seen twice finds no
 * export: ENOENT). Lost, the export stays until this node goes down for
 * the origin or the origin unloads. cp_stdio_stop() flushes it.
 */
static void cp_close_fn(struct work_struct *w)
{
	for (;;) {
		struct cp_relay *r;
		struct cp_stdio m;
		int tries;

		spin_lock(&cp_relays_lock);
		r = list_first_entry_or_null(&cp_closing, struct cp_relay,
					     link);
		if (r)
			list_del_init(&r->link);
		spin_unlock(&cp_relays_lock);
		if (!r)
			return;
		for (tries = 0; tries < 3; tries++) {
			size_t rlen;
			int err;

			cp_relay_fill(r, &m, CP_STDIO_CLOSE, 0, 0, 0);
			err = cp_call(r->origin, CP_MSG_STDIO, &m, sizeof(m),
				      NULL, 0, &rlen);
			if (err != -EBUSY && err != -ETIMEDOUT)
				break;
		}
		spin_lock(&cp_relays_lock);
		cp_nr_relays--;
		spin_unlock(&cp_relays_lock);
		kref_put(&r->ref, cp_relay_free);
	}
}

static DECLARE_WORK(cp_close_work, cp_close_fn);

static int cp_relay_release(struct inode *inode, struct file *f)
{
	struct cp_relay *r = f->private_data;
	bool dead;

	spin_lock(&r->lock);
	dead = r->dead;
	spin_unlock(&r->lock);
	spin_lock(&cp_relays_lock);
	if (dead) {
		list_del_init(&r->link);
		cp_nr_relays--;
	} else {
		list_move_tail(&r->link, &cp_closing);
	}
	spin_unlock(&cp_relays_lock);
	if (dead)
		kref_put(&r->ref, cp_relay_free);
	else
		queue_work(system_unbound_wq, &cp_close_work);
	return 0;
}

static const struct file_operations cp_relay_fops = {
	.owner = THIS_MODULE,
	.read_iter = cp_relay_read_iter,
	.write_iter = cp_relay_write_iter,
	.poll = cp_relay_poll,
	.release = cp_relay_release,
	.llseek = no_llseek,
};

static struct cp_relay *cp_relay_find(u64 id)
{
	struct cp_relay *r;

	spin_lock(&cp_relays_lock);
	list_for_each_entry(r, &cp_relays, link) {
		if (r->id == id) {
			kref_get(&r->ref);
			spin_unlock(&cp_relays_lock);
			return r;
		}
	}
	spin_unlock(&cp_relays_lock);
	return NULL;
}

/* DONE_* from the relay's origin. */
static int cp_stdio_target(const struct cp_request *rq,
			   const struct cp_stdio *m, u32 op, size_t dlen)
{
	struct cp_relay *r = cp_relay_find(be64_to_cpu(m->id));
	int k = op == CP_STDIO_DONE_READ ? CP_LANE_R : CP_LANE_W;
	int res = (s32)be32_to_cpu(m->result);
	struct cp_rlane *l;

	if (!r)
		return -ENOENT;	/* closed meanwhile */
	if (r->origin != rq->src_node) {
		cp_count(CP_STAT_STDIO_REFUSED);
		kref_put(&r->ref, cp_relay_free);
		return -EPERM;
	}
	/* a count within the operation's bounds, or an errno */
	if (res > (int)(k == CP_LANE_R ? CP_STDIO_CHUNK :
			CP_STDIO_WINDOW * CP_STDIO_CHUNK) || res < -MAX_ERRNO ||
	    (k == CP_LANE_R && res > 0 && res != dlen) ||
	    (k == CP_LANE_R && res <= 0 && dlen)) {
		cp_count(CP_STAT_BAD_FIELD);
		kref_put(&r->ref, cp_relay_free);
		return -EINVAL;
	}
	l = &r->lane[k];
	spin_lock(&r->lock);
	if (l->busy && l->seq == be32_to_cpu(m->seq)) {
		if (k == CP_LANE_R) {
			r->roff = 0;
			r->rlen = res > 0 ? res : 0;
			if (res > 0)
				memcpy(r->rbuf, m->data, res);
			r->reof = res == 0;
			r->rerr = res < 0 ? res : 0;
		}
		l->result = res;
		l->busy = false;
		cp_count(CP_STAT_STDIO_DONE);
	}
	spin_unlock(&r->lock);
	wake_up_all(&r->wq);
	kref_put(&r->ref, cp_relay_free);
	return 0;
}

/**
 * cp_handle_stdio() - CP_MSG_STDIO: an operation of a relay or its DONE
 * @rq: the request (struct cp_stdio and its data)
 * @reply: unused (no payload)
 * @max: its room
 *
 * Return: 0, or a negative errno (-EPERM: not the export's node).
 */
int cp_handle_stdio(const struct cp_request *rq, void *reply, size_t max)
{
	const struct cp_stdio *m = rq->payload;
	size_t dlen = rq->len - sizeof(*m);
	u32 op = be32_to_cpu(m->op), len = be32_to_cpu(m->len);
	u32 fd = be32_to_cpu(m->fd);

	u32 flags = be32_to_cpu(m->flags);

	/*
	 * Data only with WRITE and DONE_READ, and as long as len says;
	 * flags only on WRITE (F_FIRST at index 0 only) and READ (F_ACT).
	 */
	if (fd >= CP_STDIO_FDS || len > CP_STDIO_CHUNK || m->pad ||
	    ((op == CP_STDIO_WRITE || op == CP_STDIO_DONE_READ) ?
	     dlen != len : dlen != 0) ||
	    (op == CP_STDIO_WRITE ?
	     (flags & ~(CP_STDIO_F_ALL | CP_STDIO_F_ACT)) || !len ||
	     CP_STDIO_F_IDX(flags) >= CP_STDIO_WINDOW ||
	     !(flags & CP_STDIO_F_FIRST) != !!CP_STDIO_F_IDX(flags) :
	     op == CP_STDIO_READ ? flags & ~CP_STDIO_F_ACT : flags)) {
		cp_count(CP_STAT_BAD_FIELD);
		return -EINVAL;
	}
	switch (op) {
	case CP_STDIO_WRITE:
	case CP_STDIO_READ:
	case CP_STDIO_CLOSE:
		return cp_stdio_origin(rq, m, op, dlen);
	case CP_STDIO_DONE_WRITE:
	case CP_STDIO_DONE_READ:
		return cp_stdio_target(rq, m, op, dlen);
	}
	cp_count(CP_STAT_BAD_FIELD);
	return -EINVAL;
}

/**
 * cp_stdio_install() - the moved process's fds 0-2, at its start
 * @rq: its REXEC request (fields checked: cp_stdio_valid())
 * @origin: the node it came from
 *
 * Runs in the new process (no fd yet). Exported fds get a relay file;
 * the others: stdin /dev/null, stdout and stderr the node's console
 * (or /dev/null without one).
 *
 * Return: 0 or a negative errno.
 */
int cp_stdio_install(const struct cp_rexec *rq, unsigned int origin)
{
	u32 mask = be32_to_cpu(rq->stdio_mask);
	int fd;

	for (fd = 0; fd < CP_STDIO_FDS; fd++) {
		struct cp_relay *r;
		struct file *f;
		int got;

		if (!(mask & BIT(fd))) {
			f = filp_open(fd ? "/dev/console" : "/dev/null",
				      fd ? O_WRONLY | O_NOCTTY : O_RDONLY, 0);
			if (IS_ERR(f) && fd)
				f = filp_open("/dev/null", O_WRONLY, 0);
			if (IS_ERR(f))
				return PTR_ERR(f);
		} else {
			r = kzalloc(sizeof(*r), GFP_KERNEL);
			if (!r)
				return -ENOMEM;
			kref_init(&r->ref);
			spin_lock_init(&r->lock);
			init_waitqueue_head(&r->wq);
			mutex_init(&r->wmutex);
			mutex_init(&r->rmutex);
			r->origin = origin;
			r->id = be64_to_cpu(rq->stdio_id[fd]);
			r->pid = be32_to_cpu(rq->pid);
			r->fd = fd;
			f = anon_inode_getfile("[cp_stdio]", &cp_relay_fops, r,
					       O_RDWR);
			if (IS_ERR(f)) {
				kfree(r);
				return PTR_ERR(f);
			}
			f->f_mode |= FMODE_STREAM;
			spin_lock(&cp_relays_lock);
			list_add_tail(&r->link, &cp_relays);
			cp_nr_relays++;
			spin_unlock(&cp_relays_lock);
		}
		got = get_unused_fd_flags(0);
		if (got < 0) {
			fput(f);
			return got;
		}
		fd_install(got, f);
	}
	return 0;
}

/**
 * cp_stdio_valid() - a REXEC's stdio fields as a sender could set them
 * @rq: the request
 *
 * Return: true if the mask names only fds 0-2, each with a nonzero id.
 */
bool cp_stdio_valid(const struct cp_rexec *rq)
{
	u32 mask = be32_to_cpu(rq->stdio_mask);
	int fd;

	if (mask & ~GENMASK(CP_STDIO_FDS - 1, 0) || rq->stdio_pad)
		return false;
	for (fd = 0; fd < CP_STDIO_FDS; fd++)
		if (!(mask & BIT(fd)) != !rq->stdio_id[fd])
			return false;
	return true;
}

/**
 * cp_stdio_node_down() - @node went down: its exports and relays end
 * @node: the node
 *
 * Exports used by @node are released (their files put); relays of
 * @node's exports fail every operation with EIO from now on.
 */
void cp_stdio_node_down(unsigned int node)
{
	struct cp_export *e;
	struct cp_relay *r;

	for (;;) {
		struct cp_export *found = NULL;

		spin_lock(&cp_exports_lock);
		list_for_each_entry(e, &cp_exports, link) {
			if (e->node == node) {
				found = e;
				list_del_init(&e->link);
				cp_nr_exports--;
				break;
			}
		}
		spin_unlock(&cp_exports_lock);
		if (!found)
			break;
		cp_count(CP_STAT_STDIO_NODE_DOWN);
		cp_export_end(found);
	}
	spin_lock(&cp_relays_lock);
	list_for_each_entry(r, &cp_relays, link) {
		if (r->origin != node)
			continue;
		spin_lock(&r->lock);
		r->dead = true;
		spin_unlock(&r->lock);
		cp_count(CP_STAT_STDIO_NODE_DOWN);
		wake_up_all(&r->wq);
	}
	spin_unlock(&cp_relays_lock);
}

/**
 * cp_stdio_stop() - unload: release every export
 *
 * After the ops are unregistered (no new export) and requests are no
 * longer served. No relay exists: each one pins the module.
 */
void cp_stdio_stop(void)
{
	flush_work(&cp_close_work);	/* queued by the last releases */
	for (;;) {
		struct cp_export *e;

		spin_lock(&cp_exports_lock);
		e = list_first_entry_or_null(&cp_exports, struct cp_export,
					     link);
		if (e) {
			list_del_init(&e->link);
			cp_nr_exports--;
		}
		spin_unlock(&cp_exports_lock);
		if (!e)
			break;
		cp_export_end(e);
	}
}

/* live_stdio: exports held here plus relay files open here */
unsigned int cp_stdio_live(void)
{
	unsigned int n;

	spin_lock(&cp_exports_lock);
	n = cp_nr_exports;
	spin_unlock(&cp_exports_lock);
	spin_lock(&cp_relays_lock);
	n += cp_nr_relays;
	spin_unlock(&cp_relays_lock);
	return n;
}

/* debugfs "stdio": the exports, "id pid fd node" (tests forge with it) */
static int cp_stdio_show(struct seq_file *s, void *v)
{
	struct cp_export *e;

	spin_lock(&cp_exports_lock);
	list_for_each_entry(e, &cp_exports, link)
		seq_printf(s, "%llx %d %d %u\n", e->id, e->pid, e->fd,
			   e->node);
	spin_unlock(&cp_exports_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cp_stdio);

void cp_stdio_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("stdio", 0400, dir, NULL, &cp_stdio_fops);
}
