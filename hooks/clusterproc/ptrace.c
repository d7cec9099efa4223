// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc ptrace across nodes: the smallest real
 * case, a tracer on one node and a tracee on another.
 *
 * Tracee's node: every request runs there.  Attach, seize, detach and
 * cont run in one dedicated kthread, "cp_ptracer", through
 * clusterproc_ptrace_task(): the tracee's ptrace parent is that kthread
 * (no PF_REMOTE, so clusterproc_current() is the kthread itself), and
 * attach runs with the remote tracer's credentials (override_creds), so
 * __ptrace_may_access() applies the local rules (EPERM).  Peek and the
 * stop query only read the tracee and run in the server thread.
 *
 * Tracer's node: the ptrace op forwards (CP_MSG_PTRACE) for a pid that is
 * not local.  After a successful attach, a kthread stand-in (PF_REMOTE,
 * its own local pid) is linked into the tracer's ->ptraced list, so that
 * do_wait() finds it: the find_get_pid op maps the tracee's pid to the
 * stand-in's struct pid for waitpid(pid).  A poller (one work item per
 * link, while the tracee may have news) asks the tracee's node for a
 * traced stop or exit (blocking there up to 1 s a time), keeps what it
 * learns in the link and wakes the tracer's wait queue, as
 * do_notify_parent_cldstop() would; the wait_task op only reads that
 * cache, under tasklist_lock, and never sleeps for the network: a
 * WNOHANG wait does not block, and a remote tracee with nothing to report
 * does not hide a local one behind it (do_wait() goes on scanning, then
 * sleeps until woken).  Detach unlinks the stand-in; a tracer that exits
 * unlinks it through __ptrace_unlink() (ptrace_unlink op), and a worker
 * then detaches the tracee on its node.
 */
#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/ptrace.h>
#include <linux/refcount.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include "cp_internal.h"
#include "cp_proc.h"

#ifdef CLUSTERPROC_HAVE_PROC_HELPERS

/* ---- tracee's node ---- */

static struct kthread_worker *cp_ptracer;
/* links' pollers and detach work; tracee side: node-down detaches */
static struct workqueue_struct *cp_ptrace_wq;

struct cp_ptrace_work {
	struct kthread_work work;
	struct completion done;
	const struct cp_ptrace *rq;
	struct task_struct *task;
	struct waitid_info info;
	long ret;
};

/* The remote tracer's credentials, for ptrace_attach()'s checks. */
static const struct cred *cp_ptrace_cred(const struct cp_ptrace *rq)
{
	struct cred *c = prepare_kernel_cred(NULL);

	if (!c)
		return NULL;
	if (cp_ids_get(c, &rq->ids)) {
		put_cred(c);
		return NULL;
	}
	cp_cap_get(rq->cap_effective, &c->cap_effective);
	cp_cap_get(rq->cap_permitted, &c->cap_permitted);
	return c;
}

/* Runs in the cp_ptracer kthread: the tracee's ptrace parent. */
static void cp_ptracer_fn(struct kthread_work *work)
{
	struct cp_ptrace_work *w = container_of(work, struct cp_ptrace_work,
						work);
	long req = be32_to_cpu(w->rq->request);
	const struct cred *c, *old;

	if (req == CP_PTRACE_WAIT) {
		/* a traced zombie: a tracer's wait hands it to its parent */
		w->ret = clusterproc_waitid(task_pid_nr(w->task),
					    WEXITED | __WALL | WNOHANG |
					    (be32_to_cpu(w->rq->flags) &
					     CP_PTRACE_NOWAIT ? WNOWAIT : 0),
					    &w->info, NULL);
	} else if (req == PTRACE_ATTACH || req == PTRACE_SEIZE) {
		c = cp_ptrace_cred(w->rq);
		if (!c) {
			w->ret = -EPERM;
			goto out;
		}
		old = override_creds(c);
		w->ret = clusterproc_ptrace_task(w->task, req,
						 be64_to_cpu(w->rq->addr),
						 be64_to_cpu(w->rq->data));
		revert_creds(old);
		put_cred(c);
	} else {
		/* detach, cont, poke: as this node's tracer */
		w->ret = clusterproc_ptrace_task(w->task, req,
						 be64_to_cpu(w->rq->addr),
						 be64_to_cpu(w->rq->data));
	}
out:
	complete(&w->done);
}

/*
 * Who traces each tracee of cp_ptracer: the node and thread that
 * attached (their ATTACH/SEIZE request). Every later request for the
 * tracee must come from them, as ptrace_check_attach() wants
 * child->parent == current: another node's request, or a stale one of
 * a tracer that detached before another attached (its poller's last
 * WAIT would consume the new tracer's stop), gets ESRCH
 * (ptrace_not_tracer). Added by a successful attach (replacing a stale
 * binding of the pid), removed by a successful detach and by the WAIT
 * that hands the tracee's zombie to its parent; at most
 * CP_PTRACE_BINDS (an attach beyond gets EAGAIN). Under cp_binds_lock,
 * a leaf lock (never held across a call or with tasklist_lock).
 */
struct cp_ptrace_bind {
	struct list_head list;
	pid_t pid;
	unsigned int node;
	pid_t tracer;
};

#define CP_PTRACE_BINDS	1024
static LIST_HEAD(cp_binds);
static unsigned int cp_nbinds;
static bool cp_binds_open;	/* cp_ptrace_wq takes node-down work */
static DEFINE_SPINLOCK(cp_binds_lock);

static struct cp_ptrace_bind *cp_bind_find(pid_t pid)
{
	struct cp_ptrace_bind *b;

	lockdep_assert_held(&cp_binds_lock);
	list_for_each_entry(b, &cp_binds, list)
		if (b->pid == pid)
			return b;
	return NULL;
}

/* Is this request from the node and thread that attached @pid? */
static bool cp_bind_check(pid_t pid, unsigned int node, pid_t tracer)
{
	struct cp_ptrace_bind *b;
	bool ok;

	spin_lock(&cp_binds_lock);
	b = cp_bind_find(pid);
	ok = b && b->node == node && b->tracer == tracer;
	spin_unlock(&cp_binds_lock);
	if (!ok)
		cp_count(CP_STAT_PTRACE_NOT_TRACER);
	return ok;
}

/* A binding for an attach to fill, or ERR_PTR(-EAGAIN/-ENOMEM). */
static struct cp_ptrace_bind *cp_bind_alloc(void)
{
	struct cp_ptrace_bind *b;

	if (READ_ONCE(cp_nbinds) >= CP_PTRACE_BINDS)
		return ERR_PTR(-EAGAIN);
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	return b ? b : ERR_PTR(-ENOMEM);
}

/* The attach of @pid by (@node, @tracer) succeeded: bind (@b consumed). */
static void cp_bind_set(struct cp_ptrace_bind *b, pid_t pid,
			unsigned int node, pid_t tracer)
{
	struct cp_ptrace_bind *old;

	spin_lock(&cp_binds_lock);
	old = cp_bind_find(pid);
	if (old) {
		list_del(&old->list);
		cp_nbinds--;
	}
	b->pid = pid;
	b->node = node;
	b->tracer = tracer;
	list_add(&b->list, &cp_binds);
	cp_nbinds++;
	spin_unlock(&cp_binds_lock);
	kfree(old);
}

/* The trace of @pid ended here (detach, or its zombie handed over). */
static void cp_bind_clear(pid_t pid)
{
	struct cp_ptrace_bind *b;

	spin_lock(&cp_binds_lock);
	b = cp_bind_find(pid);
	if (b) {
		list_del(&b->list);
		cp_nbinds--;
	}
	spin_unlock(&cp_binds_lock);
	kfree(b);
}

/*
 * The tracer's node went down: its tracees here are detached, as
 * exit_ptrace() detaches a dead tracer's (a stopped one runs on, the
 * signal it stopped for dropped). Work items on cp_ptrace_wq, one per
 * tracee: the topology thread that reports the withdrawal must not
 * wait for a detach (up to 1 s for a running tracee).
 */
struct cp_orphan_work {
	struct work_struct work;
	pid_t pid;
	unsigned int node;
	pid_t tracer;
};

static long cp_ptrace_detach_gone(const struct cp_ptrace *in,
				  struct task_struct *t);

static void cp_orphan_fn(struct work_struct *work)
{
	struct cp_orphan_work *o = container_of(work, struct cp_orphan_work,
						work);
	struct cp_ptrace d = {
		.request = cpu_to_be32(PTRACE_DETACH),
		.pid = cpu_to_be32(o->pid),
		.flags = cpu_to_be32(CP_PTRACE_GONE),
	};
	struct task_struct *t;
	struct cp_ptrace_bind *b;
	bool ours;

	/* still the dead node's trace (not detached, not re-attached)? */
	spin_lock(&cp_binds_lock);
	b = cp_bind_find(o->pid);
	ours = b && b->node == o->node && b->tracer == o->tracer;
	spin_unlock(&cp_binds_lock);
	t = NULL;
	if (ours) {
		struct pid *pid = find_get_pid(o->pid);

		t = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
		put_pid(pid);
	}
	if (t) {
		if (!cp_ptrace_detach_gone(&d, t)) {
			cp_bind_clear(o->pid);
			cp_count(CP_STAT_PTRACE_DETACH_NODE_DOWN);
		}
		put_task_struct(t);
	}
	kfree(o);
}

/**
 * cp_ptrace_node_down() - a node is down: detach the tracees it traced
 * @node: the node
 *
 * From the topology thread (membership.c); queues the detaches.
 */
void cp_ptrace_node_down(unsigned int node)
{
	struct cp_ptrace_bind *b;
	struct cp_orphan_work *o;

	for (;;) {
		o = kzalloc(sizeof(*o), GFP_KERNEL);
		if (!o)
			return;
		INIT_WORK(&o->work, cp_orphan_fn);
		spin_lock(&cp_binds_lock);
		list_for_each_entry(b, &cp_binds, list)
			if (b->node == node && b->tracer > 0)
				break;
		if (!cp_binds_open || list_entry_is_head(b, &cp_binds, list)) {
			spin_unlock(&cp_binds_lock);
			kfree(o);
			return;
		}
		/* negated: queued once; no request of the dead node matches */
		b->tracer = -b->tracer;
		o->pid = b->pid;
		o->node = node;
		o->tracer = b->tracer;
		/* under the lock: cp_ptrace_stop() closes before the wq goes */
		queue_work(cp_ptrace_wq, &o->work);
		spin_unlock(&cp_binds_lock);
	}
}

static void cp_bind_clear_all(void)
{
	struct cp_ptrace_bind *b, *n;

	spin_lock(&cp_binds_lock);
	list_for_each_entry_safe(b, n, &cp_binds, list) {
		list_del(&b->list);
		kfree(b);
	}
	cp_nbinds = 0;
	spin_unlock(&cp_binds_lock);
}

/* Is @t traced by our cp_ptracer kthread? Caller holds tasklist_lock. */
static bool cp_traced_here(struct task_struct *t)
{
	return t->ptrace && !t->exit_state && cp_ptracer &&
	       t->parent == cp_ptracer->task;
}

/* A zombie traced by cp_ptracer: only cp_ptracer's wait releases it. */
static bool cp_traced_zombie(struct task_struct *t)
{
	bool z;

	clusterproc_tasklist_read_lock();
	z = t->ptrace && t->exit_state == EXIT_ZOMBIE && cp_ptracer &&
	    t->parent == cp_ptracer->task;
	clusterproc_tasklist_read_unlock();
	return z;
}

static long cp_ptracer_run(const struct cp_ptrace *rq, struct task_struct *t,
			   struct waitid_info *info)
{
	struct cp_ptrace_work w = { .rq = rq, .task = t, .ret = -ESRCH };

	init_completion(&w.done);
	kthread_init_work(&w.work, cp_ptracer_fn);
	kthread_queue_work(cp_ptracer, &w.work);
	wait_for_completion(&w.done);
	if (info)
		*info = w.info;
	return w.ret;
}

/* A traced stop not yet reported: its signal (consumed unless nowait). */
static int cp_ptrace_stopped(struct task_struct *t, bool nowait)
{
	int sig = 0;

	clusterproc_tasklist_read_lock();
	if (cp_traced_here(t)) {
		spin_lock_irq(&t->sighand->siglock);
		if (task_is_traced(t) && !(t->jobctl & JOBCTL_LISTENING) &&
		    (t->exit_code & 0x7f)) {
			sig = t->exit_code & 0xff;
			if (!nowait)
				t->exit_code = 0;
		}
		spin_unlock_irq(&t->sighand->siglock);
	}
	clusterproc_tasklist_read_unlock();
	return sig;
}

static long cp_ptrace_peek(struct task_struct *t, unsigned long addr,
			   unsigned long *word)
{
	bool ok;

	clusterproc_tasklist_read_lock();
	ok = cp_traced_here(t) && task_is_traced(t);
	clusterproc_tasklist_read_unlock();
	if (!ok)
		return -ESRCH;
	if (access_process_vm(t, addr, word, sizeof(*word), FOLL_FORCE) !=
	    sizeof(*word))
		return -EIO;
	return 0;
}

/*
 * The tracer exited (CP_PTRACE_GONE): detach the tracee in whatever state
 * it is, as exit_ptrace() would. PTRACE_DETACH wants a traced stop
 * (ptrace_check_attach()): a running tracee is stopped with SIGSTOP,
 * which it reports to us (cp_ptracer), then detached with no signal, so
 * that the SIGSTOP is dropped and it runs on.
 */
static long cp_ptrace_detach_running(const struct cp_ptrace *rq,
				     struct task_struct *t)
{
	unsigned long until = jiffies + HZ;
	bool traced;
	long ret;

	clusterproc_tasklist_read_lock();
	traced = cp_traced_here(t);
	clusterproc_tasklist_read_unlock();
	if (!traced)
		return -ESRCH;
	ret = clusterproc_kill_pid_info(SIGSTOP, SEND_SIG_PRIV, task_pid(t));
	if (ret)
		return ret;
	do {
		usleep_range(5000, 10000);
		ret = cp_ptracer_run(rq, t, NULL);
	} while (ret == -ESRCH && time_before(jiffies, until));
	if (!ret)
		cp_count(CP_STAT_PTRACE_DETACH_RUNNING);
	return ret;
}

/*
 * CP_PTRACE_GONE: what exit_ptrace() does for a tracer that exits: the
 * tracee runs on, in any state, and a signal it was stopped for is
 * dropped (as on one machine: a SIGTERM in its signal-delivery stop does
 * not kill it once its tracer is gone). A running tracee is stopped
 * first (cp_ptrace_detach_running()).
 */
static long cp_ptrace_detach_gone(const struct cp_ptrace *in,
				  struct task_struct *t)
{
	struct cp_ptrace d = *in;
	long ret;

	d.data = 0;
	ret = cp_ptracer_run(&d, t, NULL);
	if (ret != -ESRCH)
		return ret;
	return cp_ptrace_detach_running(&d, t);
}

int cp_handle_ptrace(const struct cp_request *rq, void *reply, size_t max)
{
	const struct cp_ptrace *in = rq->payload;
	struct cp_ptrace_reply *out = reply;
	long req = be32_to_cpu(in->request);
	pid_t nr = be32_to_cpu(in->pid), tracer = be32_to_cpu(in->tracer);
	struct cp_ptrace_bind *bind = NULL;
	struct waitid_info info = { 0 };
	struct task_struct *t;
	unsigned long word = 0;
	unsigned long until;
	struct pid *pid;
	u32 flags = be32_to_cpu(in->flags);
	long ret = 0;
	int sig = 0;

	cp_count(CP_STAT_SVR_PTRACE);
	pid = find_get_pid(nr);
	t = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
	put_pid(pid);
	if (!t || (t->flags & (PF_REMOTE | PF_KTHREAD)) ||
	    !thread_group_leader(t)) {
		ret = -ESRCH;
		goto out;
	}
	if (req == PTRACE_ATTACH || req == PTRACE_SEIZE) {
		bind = cp_bind_alloc();
		if (IS_ERR(bind)) {
			ret = PTR_ERR(bind);
			bind = NULL;
			goto out;
		}
	} else if (!cp_bind_check(nr, rq->src_node, tracer)) {
		ret = -ESRCH;
		goto out;
	}
	switch (req) {
	case PTRACE_DETACH:
		if (flags & CP_PTRACE_GONE)
			ret = cp_ptrace_detach_gone(in, t);
		else
			ret = cp_ptracer_run(in, t, NULL);
		if (!ret)
			cp_bind_clear(nr);
		break;
	case PTRACE_ATTACH:
	case PTRACE_SEIZE:
		ret = cp_ptracer_run(in, t, NULL);
		if (!ret) {
			cp_bind_set(bind, nr, rq->src_node, tracer);
			bind = NULL;
			cp_count(CP_STAT_PTRACE_ATTACHED);
		}
		break;
	case PTRACE_CONT:
	case PTRACE_POKETEXT:
	case PTRACE_POKEDATA:
		ret = cp_ptracer_run(in, t, NULL);
		break;
	case PTRACE_PEEKTEXT:
	case PTRACE_PEEKDATA:
		/* holds a reference to @t only: the tracee may die meanwhile */
		cp_delay_point(CP_DP_PTRACE_PEEK_SERVE);
		ret = cp_ptrace_peek(t, be64_to_cpu(in->addr), &word);
		break;
	case CP_PTRACE_WAIT:
		/* a traced stop or exit; wait up to 1 s for one unless NOBLOCK */
		until = jiffies + (flags & CP_PTRACE_NOBLOCK ? 0 : HZ);
		for (;;) {
			sig = cp_ptrace_stopped(t, flags & CP_PTRACE_NOWAIT);
			if (sig)
				break;
			clusterproc_tasklist_read_lock();
			ret = cp_traced_here(t) ? 0 : -ECHILD;
			clusterproc_tasklist_read_unlock();
			if (ret && cp_traced_zombie(t)) {
				ret = cp_ptracer_run(in, t, &info);
				cp_count(CP_STAT_PTRACE_EXIT);
				/* handed to its parent unless WNOWAIT */
				if (ret > 0 && !(flags & CP_PTRACE_NOWAIT))
					cp_bind_clear(nr);
				if (ret > 0)
					ret = 0;
				else if (!ret)
					ret = -ECHILD;
			}
			if (ret || info.cause || !time_before(jiffies, until))
				break;
			usleep_range(10000, 20000);
		}
		break;
	default:
		ret = -EIO;
	}
out:
	kfree(bind);
	if (t)
		put_task_struct(t);
	if (ret)
		return ret;
	memset(out, 0, sizeof(*out));
	out->value = cpu_to_be64(word);
	out->sig = cpu_to_be32(sig);
	out->why = cpu_to_be32(info.cause);
	out->status = cpu_to_be32(info.status);
	return sizeof(*out);
}

/* ---- tracer's node ---- */

/**
 * struct cp_ptrace_link - a remote tracee of a local tracer
 * @list: in cp_links while @listed
 * @ref: one for cp_links (taken over by @work once unlinked), one per
 *	user that found the link and may sleep (cp_link_get())
 * @pid: the tracee's (clusterwide) pid
 * @node: the node it runs on
 * @standin: kthread linked into the tracer's ->ptraced list
 * @tracer: the tracing thread
 * @listed: on cp_links; cleared once, by whoever takes it off
 *	(cp_link_remove() or the ptrace_unlink op): the one owner of removal
 * @unlinked: the kernel unlinked the stand-in (tracer exit)
 * @polling: @poll is queued or running (it holds a reference)
 * @gen: bumped when the tracer resumes the tracee (news from before is
 *	stale)
 * @stop_sig: a traced stop seen by the poller, not yet reported (0: none)
 * @exit_why: CLD_* of the tracee's death seen by the poller (0: none),
 *	with @exit_status
 * @gone: the tracee's node says it is no longer traced by us, or is down
 * @work: remote detach after @unlinked
 * @poll: the poller
 *
 * @polling to @gone are under cp_links_lock.
 *
 * Lifetime rule: a link is found and referenced under cp_links_lock
 * (cp_link_get()); whoever then sleeps (a remote call) holds that
 * reference, so a concurrent removal (the tracer's exit through
 * __ptrace_unlink(), a waiter that saw the tracee's exit, unload) cannot
 * free it. Removal is decided under cp_links_lock by @listed, so it
 * happens once; the last cp_link_put() stops the stand-in and frees.
 */
struct cp_ptrace_link {
	struct list_head list;
	refcount_t ref;
	pid_t pid;
	unsigned int node;
	struct task_struct *standin;
	struct task_struct *tracer;
	bool listed;
	bool unlinked;
	bool polling;
	bool gone;
	u32 gen;
	int stop_sig;
	int exit_why;
	int exit_status;
	struct work_struct work;
	struct work_struct poll;
};

static LIST_HEAD(cp_links);
static DEFINE_SPINLOCK(cp_links_lock);	/* irqsave: under tasklist_lock */

/* live_ptrace_links, live_ptrace_binds: the links and binds listed now */
void cp_ptrace_live(unsigned int *links, unsigned int *binds)
{
	const struct cp_ptrace_link *l;
	unsigned long flags;

	*links = 0;
	spin_lock_irqsave(&cp_links_lock, flags);
	list_for_each_entry(l, &cp_links, list)
		(*links)++;
	spin_unlock_irqrestore(&cp_links_lock, flags);
	spin_lock(&cp_binds_lock);
	*binds = cp_nbinds;
	spin_unlock(&cp_binds_lock);
}

static int cp_standin_fn(void *arg)
{
	struct completion *ready = arg;

	current->flags |= PF_REMOTE;
	complete(ready);
	while (!kthread_should_stop()) {
		set_current_state(TASK_IDLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	/* not a stand-in at exit: kthreadd reaps it as any kthread */
	current->flags &= ~PF_REMOTE;
	return 0;
}

/*
 * How a link is looked up (cp_links_lock held): by its stand-in; by the
 * tracee's pid for a ptrace(2) request, which base ptrace honours only
 * from the tracing thread itself (ptrace_check_attach(): child->parent
 * == current); by the pid for wait(2), which any thread of the tracer's
 * group may do (do_wait() scans every thread's ->ptraced).
 */
enum cp_link_by { CP_LINK_STANDIN, CP_LINK_TRACER, CP_LINK_GROUP };

static struct cp_ptrace_link *cp_link_find(enum cp_link_by by, pid_t pid,
					   const struct task_struct *standin)
{
	struct cp_ptrace_link *l;

	lockdep_assert_held(&cp_links_lock);
	list_for_each_entry(l, &cp_links, list) {
		if (by == CP_LINK_STANDIN ? l->standin == standin :
		    l->pid == pid && !l->unlinked &&
		    (by == CP_LINK_TRACER ? l->tracer == current :
		     same_thread_group(l->tracer, current)))
			return l;
	}
	return NULL;
}

/* Find and reference a link: cp_link_put() when done. */
static struct cp_ptrace_link *cp_link_get(enum cp_link_by by, pid_t pid,
					  const struct task_struct *standin)
{
	struct cp_ptrace_link *l;
	unsigned long flags;

	spin_lock_irqsave(&cp_links_lock, flags);
	l = cp_link_find(by, pid, standin);
	if (l)
		refcount_inc(&l->ref);
	spin_unlock_irqrestore(&cp_links_lock, flags);
	return l;
}

/* Drop a reference; the last stops the stand-in and frees. May sleep. */
static void cp_link_put(struct cp_ptrace_link *l)
{
	might_sleep();
	if (!refcount_dec_and_test(&l->ref))
		return;
	kthread_stop(l->standin);
	put_task_struct(l->standin);
	put_task_struct(l->tracer);
	kfree(l);
}

/* A request of @tracer's (the caller's credentials) to @pid's node. */
static int cp_ptrace_call(unsigned int node, long request, pid_t pid,
			  unsigned long addr, unsigned long data, u32 flags,
			  struct task_struct *tracer,
			  struct cp_ptrace_reply *r)
{
	const struct cred *c = current_cred();
	struct cp_ptrace rq = {
		.request = cpu_to_be32(request),
		.pid = cpu_to_be32(pid),
		.addr = cpu_to_be64(addr),
		.data = cpu_to_be64(data),
		.flags = cpu_to_be32(flags),
		.tracer = cpu_to_be32(task_pid_nr(tracer)),
	};
	size_t rlen;

	cp_ids_put(&rq.ids, c);
	cp_cap_put(&rq.cap_effective, c, &c->cap_effective);
	cp_cap_put(&rq.cap_permitted, c, &c->cap_permitted);
	return cp_call(node, CP_MSG_PTRACE, &rq, sizeof(rq), r, sizeof(*r),
		       &rlen);
}

/*
 * Take the link off cp_links and its stand-in off the tracer's list, if
 * nobody did yet (explicit detach, exit reported, unload), and drop the
 * list's reference. The caller holds its own reference (cp_link_get()).
 */
static void cp_link_remove(struct cp_ptrace_link *l)
{
	unsigned long flags;
	bool removed = false;

	clusterproc_tasklist_write_lock_irq();
	spin_lock_irqsave(&cp_links_lock, flags);
	if (l->listed) {
		l->listed = false;
		list_del(&l->list);
		removed = true;
		if (!l->unlinked) {
			list_del_init(&l->standin->ptrace_entry);
			l->standin->parent = l->standin->real_parent;
			l->standin->ptrace = 0;
		}
	}
	spin_unlock_irqrestore(&cp_links_lock, flags);
	clusterproc_tasklist_write_unlock_irq();
	if (removed)
		cp_link_put(l);
}

/* The tracer's wait queue, keyed by the stand-in (child_wait_callback()) */
static void cp_link_wake(struct cp_ptrace_link *l)
{
	__wake_up_sync_key(&l->tracer->signal->wait_chldexit,
			   TASK_INTERRUPTIBLE, l->standin);
}

/*
 * Has the poller something to look for? (cp_links_lock held) Also while
 * a stop is cached or was reported: the tracee can still die (SIGKILL).
 */
static bool cp_link_wants_news(const struct cp_ptrace_link *l)
{
	return l->listed && !l->gone && !l->exit_why;
}

/*
 * The poller: asks the tracee's node, once a time and without blocking a
 * server thread there (CP_PTRACE_NOBLOCK), for a traced stop or its exit
 * (consumed there: a stop's exit_code is cleared, a traced zombie is
 * handed to its parent), 10 ms apart at first, backing off to 200 ms. It
 * keeps what it learns in the link for the wait_task op and wakes the
 * tracer. It ends (clearing @polling under the same lock hold that found
 * nothing more to look for, so that cp_link_poll_locked() can start it
 * again) when the link is removed, the news is kept, or the tracee is not
 * ours there any more.
 */
static void cp_link_poll_fn(struct work_struct *work)
{
	struct cp_ptrace_link *l = container_of(work, struct cp_ptrace_link,
						poll);
	unsigned int pause_ms = 10;
	struct cp_ptrace_reply r;
	unsigned long flags;
	bool news;
	int err;
	u32 gen;

	for (;;) {
		spin_lock_irqsave(&cp_links_lock, flags);
		if (!cp_link_wants_news(l)) {
			l->polling = false;
			spin_unlock_irqrestore(&cp_links_lock, flags);
			break;
		}
		gen = l->gen;
		spin_unlock_irqrestore(&cp_links_lock, flags);
		err = cp_ptrace_call(l->node, CP_PTRACE_WAIT, l->pid, 0, 0,
				     CP_PTRACE_NOBLOCK, l->tracer, &r);
		news = false;
		spin_lock_irqsave(&cp_links_lock, flags);
		if (err == -ETIMEDOUT || err == -ENOMEM || err == -EINTR) {
			/* a slow or busy peer: ask again */
		} else if (err == -EHOSTDOWN && !l->exit_why) {
			/*
			 * Its node went down: the tracee died with it. Its
			 * tracer's wait reports that once, as a death by
			 * SIGKILL (README, "Node failure"), then forgets it.
			 */
			l->exit_why = CLD_KILLED;
			l->exit_status = SIGKILL;
			cp_count(CP_STAT_PTRACE_NODE_LOST);
			news = true;
		} else if (err) {
			l->gone = true;	/* ECHILD, EHOSTDOWN...: not ours */
			news = true;
		} else if (r.why) {
			l->exit_why = be32_to_cpu(r.why);
			l->exit_status = be32_to_cpu(r.status);
			news = true;
		} else if (r.sig && l->gen == gen) {
			l->stop_sig = be32_to_cpu(r.sig);
			news = true;
		}
		if (news)
			pause_ms = 10;
		spin_unlock_irqrestore(&cp_links_lock, flags);
		if (news) {
			cp_count(CP_STAT_PTRACE_NEWS);
			cp_link_wake(l);
		}
		msleep(pause_ms);
		pause_ms = min(pause_ms * 2, 200U);
	}
	cp_link_put(l);
}

/* Start the poller if it is not running and there may be news. */
static void cp_link_poll_locked(struct cp_ptrace_link *l)
{
	lockdep_assert_held(&cp_links_lock);
	if (l->polling || !cp_link_wants_news(l))
		return;
	l->polling = true;
	refcount_inc(&l->ref);
	queue_work(cp_ptrace_wq, &l->poll);
}

/* The tracer resumed the tracee (CONT): what was seen is stale, poll. */
static void cp_link_resumed(struct cp_ptrace_link *l)
{
	unsigned long flags;

	spin_lock_irqsave(&cp_links_lock, flags);
	l->gen++;
	l->stop_sig = 0;
	cp_link_poll_locked(l);
	spin_unlock_irqrestore(&cp_links_lock, flags);
}

static long cp_ptrace_attach(unsigned int node, long request, pid_t pid,
			     unsigned long addr, unsigned long data)
{
	DECLARE_COMPLETION_ONSTACK(ready);
	struct cp_ptrace_reply r;
	struct cp_ptrace_link *l;
	struct task_struct *s;
	unsigned long flags;
	int err;

	spin_lock_irqsave(&cp_links_lock, flags);
	l = cp_link_find(CP_LINK_GROUP, pid, NULL);
	spin_unlock_irqrestore(&cp_links_lock, flags);
	if (l)
		return -EPERM;	/* already traced by us */
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	s = kthread_run(cp_standin_fn, &ready, "cp_pt/%d", pid);
	if (IS_ERR(s)) {
		kfree(l);
		return PTR_ERR(s);
	}
	get_task_struct(s);
	wait_for_completion(&ready);
	err = cp_ptrace_call(node, request, pid, addr, data, 0, current, &r);
	if (err) {
		kthread_stop(s);
		put_task_struct(s);
		kfree(l);
		return err;
	}
	refcount_set(&l->ref, 1);	/* cp_links' */
	l->pid = pid;
	l->node = node;
	l->standin = s;
	l->tracer = current;
	get_task_struct(current);
	clusterproc_tasklist_write_lock_irq();
	s->ptrace = PT_PTRACED | (request == PTRACE_SEIZE ? PT_SEIZED : 0);
	list_add(&s->ptrace_entry, &current->ptraced);
	s->parent = current;
	INIT_WORK(&l->poll, cp_link_poll_fn);
	spin_lock_irqsave(&cp_links_lock, flags);
	l->listed = true;
	list_add(&l->list, &cp_links);
	cp_link_poll_locked(l);		/* the attach stop */
	spin_unlock_irqrestore(&cp_links_lock, flags);
	clusterproc_tasklist_write_unlock_irq();
	cp_count(CP_STAT_PTRACE_ATTACH_OK);
	return 0;
}

/*
 * A request's errno as ptrace(2) gives it: a tracee whose node is down
 * died with it (module README, "Node failure"), and ptrace(2) of a
 * tracee that is gone says ESRCH, never a transport's EHOSTDOWN.
 */
static long cp_ptrace_errno(long err)
{
	return err == -EHOSTDOWN || err == -EHOSTUNREACH ? -ESRCH : err;
}

/**
 * cp_op_ptrace() - ptrace(2) of a pid that is not local, or a stand-in's
 * @request: PTRACE_* request
 * @pid: the pid ptrace(2) was given
 * @addr: request argument
 * @data: request argument (PEEK*: where the word goes in user memory)
 *
 * Return: what ptrace(2) returns; -ESRCH if no node has @pid, -EIO for a
 * request this module does not forward.
 */
long cp_op_ptrace(long request, pid_t pid, unsigned long addr,
		  unsigned long data)
{
	struct cp_ptrace_reply r;
	struct cp_ptrace_link *l;
	int node, err;

	cp_count(CP_STAT_HOOK_PTRACE);
	cp_trace_hook(CP_STAT_HOOK_PTRACE, pid);
	if (pid < (1 << CP_PID_SHIFT) || cp_pid_ns_confined())
		return -ESRCH;
	node = cp_pid_location(pid);
	if (node < 0)
		return -ESRCH;
	if (node == cp_self)	/* a server thread, or a move not done yet */
		return request == PTRACE_ATTACH || request == PTRACE_SEIZE ?
		       -EPERM : -ESRCH;
	switch (request) {
	case PTRACE_ATTACH:
	case PTRACE_SEIZE:
		return cp_ptrace_errno(cp_ptrace_attach(node, request, pid,
							addr, data));
	case PTRACE_PEEKTEXT:
	case PTRACE_PEEKDATA:
		/*
		 * From the tracing thread only, as ptrace_check_attach()
		 * has it: the tracee's node checks only that our cp_ptracer
		 * traces it, so without the link any process anywhere read
		 * the memory of every remote tracee.
		 */
		l = cp_link_get(CP_LINK_TRACER, pid, NULL);
		if (!l)
			return -ESRCH;
		err = cp_ptrace_call(node, request, pid, addr, 0, 0, current,
				     &r);
		cp_link_put(l);
		if (err)
			return cp_ptrace_errno(err);
		cp_count(CP_STAT_PTRACE_PEEK);
		return put_user((unsigned long)be64_to_cpu(r.value),
				(unsigned long __user *)data);
	case PTRACE_DETACH:
	case PTRACE_CONT:
	case PTRACE_POKETEXT:
	case PTRACE_POKEDATA:
		l = cp_link_get(CP_LINK_TRACER, pid, NULL);
		if (!l)
			return -ESRCH;
		err = cp_ptrace_call(node, request, pid, addr, data, 0,
				     current, &r);
		if (!err && request == PTRACE_DETACH) {
			cp_count(CP_STAT_PTRACE_DETACH);
			cp_link_remove(l);
		} else if (!err && request == PTRACE_CONT) {
			cp_link_resumed(l);
		}
		cp_link_put(l);
		return cp_ptrace_errno(err);
	default:
		return -EIO;
	}
}

/*
 * find_get_pid op: waitpid(pid) of a remote tracee names its ptrace
 * stand-in, for its tracer only (cp_link_find()); also when pid is a
 * local stand-in's (the tracee moved away from here): its parent, if not
 * the tracer, waits for that stand-in as before.
 */
struct pid *cp_op_find_get_pid(pid_t nr)
{
	struct cp_ptrace_link *l;
	struct pid *pid = NULL;
	unsigned long flags;

	spin_lock_irqsave(&cp_links_lock, flags);
	l = cp_link_find(CP_LINK_GROUP, nr, NULL);
	if (l)
		pid = get_task_pid(l->standin, PIDTYPE_PID);
	spin_unlock_irqrestore(&cp_links_lock, flags);
	return pid;
}

/* Fill wait*()'s result for the tracee @pid: @why (CLD_*), @status. */
static void cp_ptrace_report(int why, int status, pid_t pid,
			     struct waitid_info *infop, int *stat,
			     struct rusage *ru)
{
	if (ru)
		memset(ru, 0, sizeof(*ru));
	if (infop) {
		infop->cause = why;
		infop->status = status;
		infop->pid = pid;
		infop->uid = from_kuid_munged(current_user_ns(), current_uid());
	} else if (why == CLD_TRAPPED) {
		*stat = (status << 8) | 0x7f;
	} else if (why == CLD_EXITED) {
		*stat = (status & 0xff) << 8;
	} else {
		*stat = (status & 0x7f) | (why == CLD_DUMPED ? 0x80 : 0);
	}
}

/**
 * cp_ptrace_wait_task() - wait_task op for a ptrace stand-in
 * @t: a task found by do_wait()
 * @wo_flags: WEXITED, WNOHANG, WNOWAIT...
 * @infop: waitid(2) result, or NULL
 * @stat: wait4(2) status
 * @ru: rusage, or NULL
 * @notask_error: cleared while @t may still report
 * @handled: set if @t is a ptrace stand-in (the result is then ours)
 *
 * Reads what the link's poller learnt; never waits for the network.
 * Locking: entered with read_lock(&tasklist_lock), irqs on; the cache is
 * read and consumed under cp_links_lock inside it, so two waiters (two
 * threads of the tracer's group) cannot both report one stop or exit.
 * Returns 0 with the lock held (nothing now: do_wait() scans on, then
 * sleeps until cp_link_wake()), or, after read_unlock(), the tracee's
 * pid (a stop or its exit, reported) or CLUSTERPROC_WAIT_RESCAN (the
 * link is gone: the stand-in left ->ptraced, scan again).
 */
int cp_ptrace_wait_task(struct task_struct *t, int wo_flags,
			struct waitid_info *infop, int *stat,
			struct rusage *ru, int *notask_error, bool *handled)
{
	bool nowait = wo_flags & WNOWAIT, drop = false;
	struct cp_ptrace_link *l;
	int why = 0, status = 0;
	unsigned long flags;
	pid_t pid = 0;

	spin_lock_irqsave(&cp_links_lock, flags);
	l = cp_link_find(CP_LINK_STANDIN, 0, t);
	*handled = l;
	if (!l) {
		spin_unlock_irqrestore(&cp_links_lock, flags);
		return 0;
	}
	cp_count(CP_STAT_PTRACE_WAIT);
	pid = l->pid;
	if (l->exit_why && (wo_flags & WEXITED)) {
		why = l->exit_why;
		status = l->exit_status;
		drop = !nowait;
	} else if (l->stop_sig) {
		why = CLD_TRAPPED;
		status = l->stop_sig;
		if (!nowait)
			l->stop_sig = 0;
	} else if (l->gone) {
		drop = true;
	} else {
		*notask_error = 0;
		cp_link_poll_locked(l);
	}
	if (drop)
		refcount_inc(&l->ref);
	spin_unlock_irqrestore(&cp_links_lock, flags);
	if (!why && !drop)
		return 0;
	clusterproc_tasklist_read_unlock();
	__set_current_state(TASK_RUNNING);
	if (drop) {
		cp_link_remove(l);
		cp_link_put(l);
	}
	if (!why)
		return CLUSTERPROC_WAIT_RESCAN;
	cp_count(why == CLD_TRAPPED ? CP_STAT_PTRACE_STOPPED :
		 CP_STAT_PTRACE_EXIT);
	cp_ptrace_report(why, status, pid, infop, stat, ru);
	return pid;
}

/* Detach @l's tracee on its node: its tracer is gone. May sleep. */
static void cp_link_detach_remote(struct cp_ptrace_link *l)
{
	struct cp_ptrace_reply r;
	struct cp_ptrace rq = {
		.request = cpu_to_be32(PTRACE_DETACH),
		.pid = cpu_to_be32(l->pid),
		.flags = cpu_to_be32(CP_PTRACE_GONE),
		.tracer = cpu_to_be32(task_pid_nr(l->tracer)),
	};
	size_t rlen;

	/* the tracer is gone: let the tracee run (its checks need no creds) */
	cp_call(l->node, CP_MSG_PTRACE, &rq, sizeof(rq), &r, sizeof(r), &rlen);
}

/**
 * cp_ptrace_exit_prepare() - a tracer exits: detach its remote tracees now
 * @tsk: the exiting thread (current), before exit_notify() takes the lock
 *
 * As exit_ptrace() does for local tracees, before the tracer's death can
 * be seen: its parent may signal the tracee right after reaping it, and
 * a tracee still traced then would stop for nobody. May sleep.
 */
void cp_ptrace_exit_prepare(struct task_struct *tsk)
{
	struct cp_ptrace_link *l;
	unsigned long flags;

	if (list_empty_careful(&cp_links))
		return;
	for (;;) {
		spin_lock_irqsave(&cp_links_lock, flags);
		list_for_each_entry(l, &cp_links, list)
			if (l->tracer == tsk && !l->unlinked)
				break;
		if (list_entry_is_head(l, &cp_links, list))
			l = NULL;
		else
			refcount_inc(&l->ref);
		spin_unlock_irqrestore(&cp_links_lock, flags);
		if (!l)
			return;
		cp_link_detach_remote(l);
		cp_count(CP_STAT_PTRACE_DETACH_EXIT);
		cp_link_remove(l);
		cp_link_put(l);
	}
}

static void cp_link_detach_work(struct work_struct *work)
{
	struct cp_ptrace_link *l = container_of(work, struct cp_ptrace_link,
						work);

	cp_link_detach_remote(l);
	cp_link_put(l);		/* cp_links' reference, handed over */
}

/* ptrace_unlink op: record, write_lock_irq(&tasklist_lock). */
void cp_op_ptrace_unlink(struct task_struct *child)
{
	struct cp_ptrace_link *l;
	unsigned long flags;

	if (cp_ptracer && child->parent == cp_ptracer->task) {
		cp_count(CP_STAT_PTRACE_UNLINK_HERE);
		return;
	}
	spin_lock_irqsave(&cp_links_lock, flags);
	l = cp_link_find(CP_LINK_STANDIN, 0, child);
	if (l && l->listed) {
		l->listed = false;
		l->unlinked = true;
		list_del(&l->list);
		INIT_WORK(&l->work, cp_link_detach_work);
		queue_work(cp_ptrace_wq, &l->work);
		cp_count(CP_STAT_PTRACE_UNLINK_STANDIN);
	}
	spin_unlock_irqrestore(&cp_links_lock, flags);
}

int cp_ptrace_start(void)
{
	int err;

	cp_ptrace_wq = alloc_workqueue("cp_ptrace", 0, 0);
	if (!cp_ptrace_wq)
		return -ENOMEM;
	cp_ptracer = kthread_create_worker(0, "cp_ptracer");
	if (IS_ERR(cp_ptracer)) {
		err = PTR_ERR(cp_ptracer);
		cp_ptracer = NULL;
		destroy_workqueue(cp_ptrace_wq);
		return err;
	}
	spin_lock(&cp_binds_lock);
	cp_binds_open = true;
	spin_unlock(&cp_binds_lock);
	return 0;
}

/* After the ops are unregistered: no new link, no new request. */
void cp_ptrace_stop(void)
{
	struct cp_ptrace_link *l;

	for (;;) {
		unsigned long flags;

		spin_lock_irqsave(&cp_links_lock, flags);
		l = list_first_entry_or_null(&cp_links, struct cp_ptrace_link,
					     list);
		if (l)
			refcount_inc(&l->ref);
		spin_unlock_irqrestore(&cp_links_lock, flags);
		if (!l)
			break;
		cp_link_remove(l);
		cp_link_put(l);
	}
	spin_lock(&cp_binds_lock);
	cp_binds_open = false;
	spin_unlock(&cp_binds_lock);
	destroy_workqueue(cp_ptrace_wq);
	if (cp_ptracer)
		kthread_destroy_worker(cp_ptracer);
	cp_ptracer = NULL;
	cp_bind_clear_all();
}

#else

int cp_handle_ptrace(const struct cp_request *rq, void *reply, size_t max)
{
	return -EIO;
}

int cp_ptrace_start(void)
{
	return 0;
}

void cp_ptrace_stop(void)
{
}

void cp_ptrace_exit_prepare(struct task_struct *tsk)
{
}

void cp_ptrace_node_down(unsigned int node)
{
}

void cp_ptrace_live(unsigned int *links, unsigned int *binds)
{
	*links = 0;
	*binds = 0;
}

#endif /* CLUSTERPROC_HAVE_PROC_HELPERS */
