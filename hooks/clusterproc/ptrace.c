// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc ptrace across nodes (module engineer C): the smallest real
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
 * stand-in's struct pid for waitpid(pid), and the wait_task op asks the
 * tracee's node for a traced stop (blocking there up to 1 s, then
 * CLUSTERPROC_WAIT_RESCAN).  Detach unlinks the stand-in; a tracer that
 * exits unlinks it through __ptrace_unlink() (ptrace_unlink op), and a
 * worker then detaches the tracee on its node.
 */
#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/ptrace.h>
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

int cp_handle_ptrace(const struct cp_request *rq, void *reply, size_t max)
{
	const struct cp_ptrace *in = rq->payload;
	struct cp_ptrace_reply *out = reply;
	long req = be32_to_cpu(in->request);
	struct waitid_info info = { 0 };
	struct task_struct *t;
	unsigned long word = 0;
	unsigned long until;
	struct pid *pid;
	u32 flags = be32_to_cpu(in->flags);
	long ret = 0;
	int sig = 0;

	cp_count(CP_STAT_SVR_PTRACE);
	pid = find_get_pid(be32_to_cpu(in->pid));
	t = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
	put_pid(pid);
	if (!t || (t->flags & (PF_REMOTE | PF_KTHREAD)) ||
	    !thread_group_leader(t)) {
		ret = -ESRCH;
		goto out;
	}
	switch (req) {
	case PTRACE_ATTACH:
	case PTRACE_SEIZE:
	case PTRACE_DETACH:
	case PTRACE_CONT:
	case PTRACE_POKETEXT:
	case PTRACE_POKEDATA:
		ret = cp_ptracer_run(in, t, NULL);
		if (!ret && (req == PTRACE_ATTACH || req == PTRACE_SEIZE))
			cp_count(CP_STAT_PTRACE_ATTACHED);
		break;
	case PTRACE_PEEKTEXT:
	case PTRACE_PEEKDATA:
		ret = cp_ptrace_peek(t, be64_to_cpu(in->addr), &word);
		break;
	case CP_PTRACE_WAIT:
		/* a traced stop; wait up to 1 s for one */
		until = jiffies + HZ;
		for (;;) {
			sig = cp_ptrace_stopped(t, flags & CP_PTRACE_NOWAIT);
			if (sig || time_after(jiffies, until))
				break;
			clusterproc_tasklist_read_lock();
			ret = cp_traced_here(t) ? 0 : -ECHILD;
			clusterproc_tasklist_read_unlock();
			if (ret && cp_traced_zombie(t)) {
				ret = cp_ptracer_run(in, t, &info);
				cp_count(CP_STAT_PTRACE_EXIT);
				if (ret > 0)
					ret = 0;
				else if (!ret)
					ret = -ECHILD;
			}
			if (ret || info.cause)
				break;
			usleep_range(10000, 20000);
		}
		break;
	default:
		ret = -EIO;
	}
out:
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
 * @list: in cp_links
 * @pid: the tracee's (clusterwide) pid
 * @node: the node it runs on
 * @standin: kthread linked into the tracer's ->ptraced list
 * @tracer: the tracing thread
 * @unlinked: the kernel unlinked the stand-in (tracer exit)
 * @gone: set once by whoever tears the link down
 * @work: remote detach after @unlinked
 */
struct cp_ptrace_link {
	struct list_head list;
	pid_t pid;
	unsigned int node;
	struct task_struct *standin;
	struct task_struct *tracer;
	bool unlinked;
	struct work_struct work;
};

static struct workqueue_struct *cp_ptrace_wq;
static LIST_HEAD(cp_links);
static DEFINE_SPINLOCK(cp_links_lock);	/* irqsave: under tasklist_lock */

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

static struct cp_ptrace_link *cp_link_find(pid_t pid,
					   const struct task_struct *standin)
{
	struct cp_ptrace_link *l;

	list_for_each_entry(l, &cp_links, list)
		if ((standin && l->standin == standin) ||
		    (!standin && l->pid == pid && !l->unlinked &&
		     same_thread_group(l->tracer, current)))
			return l;
	return NULL;
}

static int cp_ptrace_call(unsigned int node, long request, pid_t pid,
			  unsigned long addr, unsigned long data, u32 flags,
			  struct cp_ptrace_reply *r)
{
	const struct cred *c = current_cred();
	struct cp_ptrace rq = {
		.request = cpu_to_be32(request),
		.pid = cpu_to_be32(pid),
		.addr = cpu_to_be64(addr),
		.data = cpu_to_be64(data),
		.flags = cpu_to_be32(flags),
	};
	size_t rlen;

	cp_ids_put(&rq.ids, c);
	cp_cap_put(&rq.cap_effective, &c->cap_effective);
	cp_cap_put(&rq.cap_permitted, &c->cap_permitted);
	return cp_call(node, CP_MSG_PTRACE, &rq, sizeof(rq), r, sizeof(*r),
		       &rlen);
}

/* Take the stand-in off the tracer's list (explicit detach). */
static void cp_link_drop(struct cp_ptrace_link *l)
{
	unsigned long flags;

	clusterproc_tasklist_write_lock_irq();
	if (!l->unlinked) {
		list_del_init(&l->standin->ptrace_entry);
		l->standin->parent = l->standin->real_parent;
		l->standin->ptrace = 0;
	}
	spin_lock_irqsave(&cp_links_lock, flags);
	list_del(&l->list);
	spin_unlock_irqrestore(&cp_links_lock, flags);
	clusterproc_tasklist_write_unlock_irq();
	kthread_stop(l->standin);
	put_task_struct(l->standin);
	put_task_struct(l->tracer);
	kfree(l);
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
	l = cp_link_find(pid, NULL);
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
	err = cp_ptrace_call(node, request, pid, addr, data, 0, &r);
	if (err) {
		kthread_stop(s);
		put_task_struct(s);
		kfree(l);
		return err;
	}
	l->pid = pid;
	l->node = node;
	l->standin = s;
	l->tracer = current;
	get_task_struct(current);
	clusterproc_tasklist_write_lock_irq();
	s->ptrace = PT_PTRACED | (request == PTRACE_SEIZE ? PT_SEIZED : 0);
	list_add(&s->ptrace_entry, &current->ptraced);
	s->parent = current;
	spin_lock_irqsave(&cp_links_lock, flags);
	list_add(&l->list, &cp_links);
	spin_unlock_irqrestore(&cp_links_lock, flags);
	clusterproc_tasklist_write_unlock_irq();
	cp_count(CP_STAT_PTRACE_ATTACH_OK);
	return 0;
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
	unsigned long flags;
	int node, err;

	cp_count(CP_STAT_HOOK_PTRACE);
	if (pid < (1 << CP_PID_SHIFT))
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
		return cp_ptrace_attach(node, request, pid, addr, data);
	case PTRACE_PEEKTEXT:
	case PTRACE_PEEKDATA:
		err = cp_ptrace_call(node, request, pid, addr, 0, 0, &r);
		if (err)
			return err;
		cp_count(CP_STAT_PTRACE_PEEK);
		return put_user((unsigned long)be64_to_cpu(r.value),
				(unsigned long __user *)data);
	case PTRACE_DETACH:
	case PTRACE_CONT:
	case PTRACE_POKETEXT:
	case PTRACE_POKEDATA:
		spin_lock_irqsave(&cp_links_lock, flags);
		l = cp_link_find(pid, NULL);
		spin_unlock_irqrestore(&cp_links_lock, flags);
		if (!l)
			return -ESRCH;
		err = cp_ptrace_call(node, request, pid, addr, data, 0, &r);
		if (err || request != PTRACE_DETACH)
			return err;
		cp_count(CP_STAT_PTRACE_DETACH);
		cp_link_drop(l);
		return 0;
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
	l = cp_link_find(nr, NULL);
	if (l)
		pid = get_task_pid(l->standin, PIDTYPE_PID);
	spin_unlock_irqrestore(&cp_links_lock, flags);
	return pid;
}

/* The tracee died: report its exit, and it is no longer traced. */
static int cp_ptrace_wait_exit(struct task_struct *t, int wo_flags, int why,
			       int status, pid_t pid, struct waitid_info *infop,
			       int *stat, struct rusage *ru)
{
	struct cp_ptrace_link *l;
	unsigned long flags;

	cp_count(CP_STAT_PTRACE_EXIT);
	if (ru)
		memset(ru, 0, sizeof(*ru));
	if (infop) {
		infop->cause = why;
		infop->status = status;
		infop->pid = pid;
		infop->uid = from_kuid_munged(current_user_ns(), current_uid());
	} else if (why == CLD_EXITED) {
		*stat = (status & 0xff) << 8;
	} else {
		*stat = (status & 0x7f) | (why == CLD_DUMPED ? 0x80 : 0);
	}
	if (!(wo_flags & WNOWAIT)) {
		spin_lock_irqsave(&cp_links_lock, flags);
		l = cp_link_find(0, t);
		spin_unlock_irqrestore(&cp_links_lock, flags);
		if (l)
			cp_link_drop(l);
	}
	return pid;
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
 * Return: as &clusterproc_ops.wait_task; the call's error (e.g. -ECHILD:
 * the tracee is not traced by us there any more, -EHOSTDOWN) as is.
 */
int cp_ptrace_wait_task(struct task_struct *t, int wo_flags,
			struct waitid_info *infop, int *stat,
			struct rusage *ru, int *notask_error, bool *handled)
{
	struct cp_ptrace_reply r;
	struct cp_ptrace_link *l;
	unsigned int node;
	unsigned long flags;
	pid_t pid;
	u32 f = 0;
	int err, sig;

	spin_lock_irqsave(&cp_links_lock, flags);
	l = cp_link_find(0, t);
	node = l ? l->node : 0;
	pid = l ? l->pid : 0;
	spin_unlock_irqrestore(&cp_links_lock, flags);
	*handled = l;
	if (!l)
		return 0;
	cp_count(CP_STAT_PTRACE_WAIT);
	*notask_error = 0;
	/* WNOHANG would need a cached state: not reported (yet) */
	if (wo_flags & WNOHANG)
		return 0;
	if (wo_flags & WNOWAIT)
		f |= CP_PTRACE_NOWAIT;
	get_task_struct(t);
	clusterproc_tasklist_read_unlock();
	err = cp_ptrace_call(node, CP_PTRACE_WAIT, pid, 0, 0, f, &r);
	put_task_struct(t);
	/* no answer, or not traced there any more: fail, do not spin */
	if (err)
		return err;
	if (r.why)
		return cp_ptrace_wait_exit(t, wo_flags, be32_to_cpu(r.why),
					   be32_to_cpu(r.status), pid, infop,
					   stat, ru);
	sig = be32_to_cpu(r.sig);
	if (!sig)
		return CLUSTERPROC_WAIT_RESCAN;
	cp_count(CP_STAT_PTRACE_STOPPED);
	if (ru)
		memset(ru, 0, sizeof(*ru));
	if (infop) {
		infop->cause = CLD_TRAPPED;
		infop->status = sig;
		infop->pid = pid;
		infop->uid = from_kuid_munged(current_user_ns(), current_uid());
	} else {
		*stat = (sig << 8) | 0x7f;
	}
	return pid;
}

static void cp_link_detach_work(struct work_struct *work)
{
	struct cp_ptrace_link *l = container_of(work, struct cp_ptrace_link,
						work);
	struct cp_ptrace_reply r;
	struct cp_ptrace rq = {
		.request = cpu_to_be32(PTRACE_DETACH),
		.pid = cpu_to_be32(l->pid),
	};
	size_t rlen;

	/* the tracer is gone: let the tracee run (its checks need no creds) */
	cp_call(l->node, CP_MSG_PTRACE, &rq, sizeof(rq), &r, sizeof(r), &rlen);
	kthread_stop(l->standin);
	put_task_struct(l->standin);
	put_task_struct(l->tracer);
	kfree(l);
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
	l = cp_link_find(0, child);
	if (l && !l->unlinked) {
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
		spin_unlock_irqrestore(&cp_links_lock, flags);
		if (!l)
			break;
		cp_link_drop(l);
	}
	destroy_workqueue(cp_ptrace_wq);
	if (cp_ptracer)
		kthread_destroy_worker(cp_ptracer);
	cp_ptracer = NULL;
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

#endif /* CLUSTERPROC_HAVE_PROC_HELPERS */
