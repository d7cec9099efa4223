// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc remote exec, the source side: a process asks (through
 * /proc/clusterproc/exec_node) that its next execve() run on node N. The
 * execve op ships filename, arguments, environment, working directory,
 * umask and credentials to N (CP_MSG_REXEC), where the process is
 * recreated with the same pid (remote_child.c). Once N answers that the
 * exec succeeded, the calling task becomes the process's stand-in here:
 * it sets PF_REMOTE on itself and exits; its zombie stays in its
 * parent's children list, with its pid, process group and session, until
 * a wait reaps the process on N (wait.c). Its old image and open files
 * are gone, as after any exec, but its fds 0-2 that are a terminal, a
 * pipe or a socket stay open here for the process on N (stdio.c).
 *
 * /proc/clusterproc/where: write a pid, read back the node it runs on.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/clusterproc.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/kernel.h>
#include <linux/path.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seccomp.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include "cp_internal.h"
#include "cp_proc.h"

static struct proc_dir_entry *cp_proc_dir;
/* move numbers (cp_rexec.seq), from a random start at each load */
static atomic_t cp_rexec_seq;

/* Append a NUL terminated string; -E2BIG when full. */
static int cp_put_str(char *buf, size_t room, size_t *len, const char *s)
{
	size_t n = strlen(s) + 1;

	if (*len + n > room)
		return -E2BIG;
	memcpy(buf + *len, s, n);
	*len += n;
	return 0;
}

/* Append a user string vector; returns its count or a negative errno. */
static int cp_put_user_vec(char *buf, size_t room, size_t *len,
			   const char __user *const __user *vec)
{
	int i;

	if (!vec)
		return 0;
	for (i = 0; i < 4096; i++) {
		const char __user *s;
		long n;

		if (get_user(s, vec + i))
			return -EFAULT;
		if (!s)
			return i;
		if (*len >= room)
			return -E2BIG;
		n = strncpy_from_user(buf + *len, s, room - *len);
		if (n < 0)
			return n;
		if (n == room - *len)
			return -E2BIG;
		*len += n + 1;
	}
	return -E2BIG;
}

static int cp_put_cwd(char *buf, size_t room, size_t *len)
{
	struct path pwd;
	char *tmp, *p;
	int err;

	tmp = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	get_fs_pwd(current->fs, &pwd);
	p = d_path(&pwd, tmp, PATH_MAX);
	path_put(&pwd);
	err = IS_ERR(p) ? cp_put_str(buf, room, len, "/") :
			  cp_put_str(buf, room, len, p);
	kfree(tmp);
	return err;
}

/* The signal mask and the ignored signals: exec keeps them. */
static void cp_sigstate_put(struct cp_rexec *rq)
{
	struct k_sigaction *ka = current->sighand->action;
	u64 ignored = 0;
	int sig;

	spin_lock_irq(&current->sighand->siglock);
	for (sig = 1; sig <= min(_NSIG, 64); sig++)
		if (ka[sig - 1].sa.sa_handler == SIG_IGN)
			ignored |= BIT_ULL(sig - 1);
	rq->blocked = cpu_to_be64(current->blocked.sig[0]);
	spin_unlock_irq(&current->sighand->siglock);
	rq->ignored = cpu_to_be64(ignored);
}

/* Copy the user signals queued in @q, at most @max; count the others. */
static unsigned int cp_pending_collect(struct sigpending *q,
				       struct kernel_siginfo *v,
				       unsigned int n, unsigned int max)
{
	struct sigqueue *e;

	list_for_each_entry(e, &q->list, list) {
		if (e->info.si_code > 0 || n == max) {
			cp_count(CP_STAT_REXEC_SIG_DROPPED);
			continue;
		}
		copy_siginfo(&v[n++], &e->info);
	}
	return n;
}

/*
 * The stand-in's last act: the signals that reached this task before it
 * was marked PF_REMOTE (a kill(-pgrp) during the move, a signal blocked
 * before exec) are still queued here; exec keeps them, so they go to the
 * process on @node. A kill that saw PF_REMOTE forwards by itself (a
 * signal may then arrive twice, never not at all). Kernel-generated
 * signals (si_code > 0) do not travel: counted as dropped.
 */
static void cp_pending_forward(unsigned int node)
{
	const unsigned int max = 32;
	struct kernel_siginfo *v;
	struct cp_kill_reply r;
	struct cp_kill k;
	unsigned int n, i;

	smp_mb();	/* PF_REMOTE is set before we look at the queues */
	spin_lock_irq(&current->sighand->siglock);
	n = !list_empty(&current->pending.list) ||
	    !list_empty(&current->signal->shared_pending.list);
	spin_unlock_irq(&current->sighand->siglock);
	if (!n)
		return;		/* the usual case: nothing to forward */
	v = kmalloc_array(max, sizeof(*v), GFP_KERNEL);
	if (!v)
		return;
	spin_lock_irq(&current->sighand->siglock);
	n = cp_pending_collect(&current->pending, v, 0, max);
	n = cp_pending_collect(&current->signal->shared_pending, v, n, max);
	spin_unlock_irq(&current->sighand->siglock);
	for (i = 0; i < n; i++) {
		cp_kill_prepare(&k, CP_KILL_PID, task_tgid_nr(current),
				v[i].si_signo, &v[i]);
		cp_count(CP_STAT_REXEC_SIG_FORWARDED);
		/* sent even if a fatal signal ends the wait for the answer */
		cp_kill_node(node, &k, &r);
	}
	kfree(v);
}

/* Build a CP_MSG_REXEC request for current; returns its length. */
/* The caller's resource limits, as do_prlimit() reads them. */
static void cp_rlimits_put(struct cp_rexec *rq)
{
	struct rlimit r[CP_RLIM_N];
	int i;

	BUILD_BUG_ON(RLIM_NLIMITS != CP_RLIM_N);
	task_lock(current->group_leader);
	memcpy(r, current->signal->rlim, sizeof(r));
	task_unlock(current->group_leader);
	for (i = 0; i < CP_RLIM_N; i++) {
		rq->rlim_cur[i] = cpu_to_be64(r[i].rlim_cur == RLIM_INFINITY ?
					      RLIM64_INFINITY : r[i].rlim_cur);
		rq->rlim_max[i] = cpu_to_be64(r[i].rlim_max == RLIM_INFINITY ?
					      RLIM64_INFINITY : r[i].rlim_max);
	}
}

/*
 * Supplementary groups: all of them or none moves (a group can deny, by
 * an ACL entry, so arriving without one could grant access): -EPERM
 * beyond CP_REXEC_GROUPS.
 */
static int cp_groups_put(struct cp_rexec *rq, const struct cred *c)
{
	const struct group_info *gi = c->group_info;
	int i;

	if (gi->ngroups > CP_REXEC_GROUPS) {
		cp_count(CP_STAT_REXEC_GROUPS_REFUSED);
		return -EPERM;
	}
	rq->ngroups = cpu_to_be32(gi->ngroups);
	for (i = 0; i < gi->ngroups; i++)
		rq->groups[i] = cpu_to_be32(from_kgid_munged(&init_user_ns,
							     gi->gid[i]));
	return 0;
}

static int cp_rexec_build(struct cp_rexec *rq, size_t max,
			  struct filename *filename,
			  const char __user *const __user *argv,
			  const char __user *const __user *envp)
{
	const struct cred *c = current_cred();
	size_t room = max - sizeof(*rq), len = 0;
	int argc, envc, err;

	rq->pid = cpu_to_be32(task_tgid_nr(current));
	rcu_read_lock();
	rq->ppid = cpu_to_be32(task_tgid_nr(rcu_dereference(current->real_parent)));
	rcu_read_unlock();
	cp_ids_put(&rq->ids, c);
	cp_cap_put(&rq->cap_effective, c, &c->cap_effective);
	cp_cap_put(&rq->cap_permitted, c, &c->cap_permitted);
	cp_cap_put(&rq->cap_inheritable, c, &c->cap_inheritable);
	cp_cap_put(&rq->cap_bset, c, &c->cap_bset);
	rq->securebits = cpu_to_be32(c->securebits);
	rq->pgrp = cpu_to_be32(task_pgrp_nr_ns(current, &init_pid_ns));
	rq->sid = cpu_to_be32(task_session_nr_ns(current, &init_pid_ns));
	rq->umask = cpu_to_be32(current->fs->umask);
	rq->seq = cpu_to_be32(atomic_inc_return(&cp_rexec_seq));
	rq->flags = cpu_to_be32((task_no_new_privs(current) ? CP_REXEC_NNP : 0) |
				(cp_pgrp_held(current) ? CP_REXEC_PGRP_HELD : 0));
	cp_rlimits_put(rq);
	err = cp_groups_put(rq, c);
	if (err)
		return err;
	cp_sigstate_put(rq);

	err = cp_put_str(rq->strings, room, &len, filename->name);
	if (!err)
		err = cp_put_cwd(rq->strings, room, &len);
	if (err)
		return err;
	argc = cp_put_user_vec(rq->strings, room, &len, argv);
	if (argc < 0)
		return argc;
	envc = cp_put_user_vec(rq->strings, room, &len, envp);
	if (envc < 0)
		return envc;
	rq->argc = cpu_to_be32(argc);
	rq->envc = cpu_to_be32(envc);
	rq->strings_len = cpu_to_be32(len);
	return sizeof(*rq) + len;
}

#define CP_SETTLE_TRIES	20

/*
 * A REXEC call that timed out may still run on @node: the request may be
 * queued there or its exec slow. Failing the execve() here then left the
 * caller running while the same pid ran on @node too. Ask @node what
 * became of the request (it answers from its records, remote_child.c),
 * while it is still running every 200 ms, until it knows. No lock held;
 * sleeps.
 *
 * Return: 0 (the process runs on @node), the exec's negative errno,
 * -ECANCELED (it never ran and never will), -EHOSTDOWN/-EHOSTUNREACH,
 * or -ETIMEDOUT if @node never said.
 */
static int cp_rexec_settle(unsigned int node, const struct cp_rexec *rx)
{
	struct cp_rexec_settle rq = { .pid = rx->pid, .seq = rx->seq };
	struct cp_rexec_settle rep;
	size_t rlen;
	int i, err = -ETIMEDOUT;

	for (i = 0; i < CP_SETTLE_TRIES; i++) {
		cp_count(CP_STAT_REXEC_SETTLE);
		err = cp_call(node, CP_MSG_REXEC_SETTLE, &rq, sizeof(rq), &rep,
			      sizeof(rep), &rlen);
		if (!err)
			return -(int)be32_to_cpu(rep.err);
		if (err != -EINPROGRESS && err != -ETIMEDOUT &&
		    err != -EAGAIN && err != -EINTR)
			return err;
		msleep(200);
	}
	return err;
}

static bool cp_seccomp_on(struct task_struct *t)
{
#ifdef CONFIG_SECCOMP
	return READ_ONCE(t->seccomp.mode) != SECCOMP_MODE_DISABLED;
#else
	return false;
#endif
}

/**
 * cp_op_execve() - the execve op: run this exec on another node
 * @filename: the path given to execve()
 * @args: user argument and environment vectors
 * @exit_code: set to the stand-in's exit status on success
 *
 * Only when current asked for it (exec_node). On success current
 * becomes the stand-in: the op returns CLUSTERPROC_EXECVE_EXIT and the
 * hook makes it exit (status 0, never reported: see wait.c). A process that runs
 * here for a remote parent (cp_rparent's child) does not move again.
 *
 * Return: CLUSTERPROC_NOT_HANDLED (exec here), or a negative errno from
 * either side (the caller keeps its image, as after a failed execve());
 * @filename is consumed unless declined.
 */
#ifdef CLUSTERPROC_HAVE_PROC_HELPERS
#ifdef CLUSTERPROC_EXECVE_EXIT
int cp_op_execve(struct filename *filename,
		 const struct clusterproc_execve_args *args, int *exit_code)
#else
int cp_op_execve(struct filename *filename,
		 const struct clusterproc_execve_args *args)
#endif
{
	struct cp_proc *p = cp_proc_of(current);
	struct cp_rexec_reply rep;
	struct cp_node_info ni;
	struct cp_rexec *rq;
	unsigned int node;
	u32 gen = 0;
	unsigned long flags;
	size_t rlen;
	int len, err;

	if (IS_ERR(filename) || !p || p->kind != CP_PROC_LOCAL ||
	    !p->exec_node || p->exec_node == cp_self)
		return CLUSTERPROC_NOT_HANDLED;
	if (!thread_group_empty(current) || current->ptrace) {
		putname(filename);
		return -EBUSY;
	}
	/*
	 * The other node knows only its initial namespaces: a process of
	 * another user or pid namespace would arrive outside its
	 * confinement (a host uid, a global pid). Refused.
	 */
	if (current_user_ns() != &init_user_ns ||
	    task_active_pid_ns(current) != &init_pid_ns) {
		putname(filename);
		cp_count(CP_STAT_REXEC_NS_REFUSED);
		return -EPERM;
	}
	/*
	 * A seccomp filter is not carried (the other node would have to
	 * trust and run our BPF): the process would arrive unfiltered.
	 */
	if (cp_seccomp_on(current)) {
		putname(filename);
		cp_count(CP_STAT_REXEC_SECCOMP_REFUSED);
		return -EPERM;
	}
	node = p->exec_node;
	cp_count(CP_STAT_HOOK_EXECVE);
	cp_trace(CP_TR_HOOK, CP_STAT_HOOK_EXECVE, node, 0,
		 task_tgid_nr(current), 0);
	rq = kzalloc(CP_MAX_MSG - sizeof(struct cp_hdr), GFP_KERNEL);
	if (!rq) {
		putname(filename);
		return -ENOMEM;
	}
	len = cp_rexec_build(rq, CP_MAX_MSG - sizeof(struct cp_hdr), filename,
			     args->argv, args->envp);
	if (len < 0) {
		err = len;
		goto out;
	}
	/* fds 0-2 that are a terminal, pipe or socket go on working */
	cp_stdio_export(rq, node);
	/* from here on, events for our pid from node are recorded */
	spin_lock_irqsave(&p->lock, flags);
	p->node = node;
	p->rstate = CP_RS_STARTING;
	p->stop_pending = false;
	p->cont_pending = false;
	p->dead = false;
	p->kind = CP_PROC_STANDIN;
	spin_unlock_irqrestore(&p->lock, flags);
	cp_standin_add(p, current);
	/* the move is under way: where says node, this task still runs */
	cp_delay_point(CP_DP_REXEC_MOVING);
	if (cp_node_get(node, &ni))
		gen = ni.generation;

	err = cp_call(node, CP_MSG_REXEC, rq, len, &rep, sizeof(rep), &rlen);
	if (err == -ETIMEDOUT) {
		err = cp_rexec_settle(node, rq);
		cp_count(err ? CP_STAT_REXEC_SETTLED_FAILED :
			 CP_STAT_REXEC_SETTLED_RAN);
		if (err == -ETIMEDOUT) {
			/*
			 * Nobody knows whether the process runs on node:
			 * this copy must not run on as well (after exec's
			 * point of no return, a failure kills the caller).
			 */
			cp_count(CP_STAT_REXEC_UNSETTLED);
			force_sig(SIGKILL);
		}
	}
	if (err) {
		cp_stdio_unexport(rq);
		spin_lock_irqsave(&p->lock, flags);
		p->kind = CP_PROC_LOCAL;
		p->rstate = CP_RS_STARTING;
		spin_unlock_irqrestore(&p->lock, flags);
		cp_standin_del(p);
		if (err == -EHOSTDOWN)
			err = -EHOSTUNREACH;
		goto out;
	}
	cp_count(CP_STAT_REXEC_OK);
	kfree(rq);
	putname(filename);

	/* the process runs on node now: this task is only its stand-in */
	cp_delay_point(CP_DP_REXEC_REPLIED);
	current->flags |= PF_REMOTE;
	spin_lock_irqsave(&p->lock, flags);
	if (p->rstate == CP_RS_STARTING)
		p->rstate = CP_RS_RUNNING;
	p->exec_node = 0;
	spin_unlock_irqrestore(&p->lock, flags);
	/*
	 * The node-down sweep (wait.c) passes a stand-in by while it is
	 * STARTING (its call may still fail). If node went down since the
	 * call began, the sweep may have passed us by: the process is lost
	 * as every other one there (killed by SIGKILL for its parent). Set
	 * after RUNNING, so a sweep after this check finds us itself.
	 */
	if (!cp_node_get(node, &ni) || !ni.up || ni.generation != gen) {
		cp_standin_lost(p);	/* not a zombie yet: its exit tells */
		cp_count(CP_STAT_REXEC_LOST_STARTING);
	}
	cp_delay_point(CP_DP_REXEC_STANDIN);
	cp_pending_forward(node);
#ifdef CLUSTERPROC_EXECVE_EXIT
	/* the hook exits (do_group_exit) once out of its SRCU section */
	*exit_code = 0;
	return CLUSTERPROC_EXECVE_EXIT;
#else
	clusterproc_exit(0);
#endif
out:
	cp_count(CP_STAT_REXEC_FAIL);
	kfree(rq);
	putname(filename);
	return err;
}
#endif

/* /proc/clusterproc/exec_node: current's next execve() target */
static ssize_t cp_exec_node_write(struct file *f, const char __user *ubuf,
				  size_t n, loff_t *pos)
{
	struct cp_proc *p;
	unsigned int node;
	int err;

	/*
	 * The target is the writer's own: only the identity that opened
	 * the file may set it, as sg_check_file_access() rules for its
	 * writes. Else a setuid program whose output a user redirected
	 * here would move its next exec.
	 */
	if (f->f_cred != current_cred()) {
		cp_count(CP_STAT_EXEC_NODE_CRED_REFUSED);
		return -EPERM;
	}
	err = kstrtouint_from_user(ubuf, n, 10, &node);
	if (err)
		return err;
	if (node > cp_max_node)
		return -EINVAL;
	if (node) {
		struct cp_node_info ni;

		if (node != cp_self && (!cp_node_get(node, &ni) || !ni.up))
			return -EHOSTUNREACH;
	}
	p = cp_proc_get_or_alloc(current, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	if (p->kind != CP_PROC_LOCAL)
		return -EBUSY;
	WRITE_ONCE(p->exec_node, node);
	return n;
}

static ssize_t cp_exec_node_read(struct file *f, char __user *ubuf,
				 size_t n, loff_t *pos)
{
	struct cp_proc *p = cp_proc_of(current);
	char buf[16];
	int len;

	len = scnprintf(buf, sizeof(buf), "%u\n",
			p && p->kind == CP_PROC_LOCAL ? p->exec_node : 0);
	return simple_read_from_buffer(ubuf, n, pos, buf, len);
}

static const struct proc_ops cp_exec_node_ops = {
	.proc_read = cp_exec_node_read,
	.proc_write = cp_exec_node_write,
	.proc_lseek = default_llseek,
};

/*
 * Through a proc mount with hidepid=invisible (or =ptraceable), a
 * caller locates only what that /proc shows it (proc's
 * has_pid_permissions()): with the mount's gid= or CAP_SYS_PTRACE, any
 * pid; else a local process (or stand-in) it may ptrace-read, by
 * __ptrace_may_access()'s id rule (ptrace_may_access() is not
 * exported). A process that runs elsewhere and was not born here has no owner known
 * here: hidden (ESRCH), as /proc would hide another user's process.
 */
/* PTRACE_MODE_FSCREDS: current's fs ids are all of @tcred's ids */
static bool cp_ids_match(const struct cred *tcred)
{
	kuid_t u = current_fsuid();
	kgid_t g = current_fsgid();

	return uid_eq(u, tcred->euid) && uid_eq(u, tcred->suid) &&
	       uid_eq(u, tcred->uid) && gid_eq(g, tcred->egid) &&
	       gid_eq(g, tcred->sgid) && gid_eq(g, tcred->gid);
}

static bool cp_where_visible(struct file *f, pid_t pid)
{
	struct proc_fs_info *fsi = proc_sb_info(file_inode(f)->i_sb);
	struct task_struct *t;
	bool ok;

	if (fsi->hide_pid < HIDEPID_INVISIBLE)
		return true;
	if (fsi->hide_pid != HIDEPID_NOT_PTRACEABLE &&
	    (in_group_p(fsi->pid_gid) ||
	     ns_capable_noaudit(&init_user_ns, CAP_SYS_PTRACE)))
		return true;
	rcu_read_lock();
	t = pid_task(find_vpid(pid), PIDTYPE_TGID);
	if (t)
		get_task_struct(t);
	rcu_read_unlock();
	if (!t) {
		cp_count(CP_STAT_WHERE_HIDDEN);
		return false;
	}
	rcu_read_lock();
	ok = cp_ids_match(__task_cred(t));
	rcu_read_unlock();
	put_task_struct(t);
	if (!ok)
		cp_count(CP_STAT_WHERE_HIDDEN);
	return ok;
}

/* /proc/clusterproc/where: write "PID", read "NODE" (per open file) */
static ssize_t cp_where_write(struct file *f, const char __user *ubuf,
			      size_t n, loff_t *pos)
{
	int pid, node, err;

	err = kstrtoint_from_user(ubuf, n, 10, &pid);
	if (err)
		return err;
	if (pid > 0 && task_active_pid_ns(current) != &init_pid_ns) {
		/* a pid of the caller's namespace, or none (see creds.c) */
		rcu_read_lock();
		pid = pid_nr(find_vpid(pid));
		rcu_read_unlock();
		if (!pid && cp_pid_ns_confined())
			return -ESRCH;
	}
	if (pid > 0 && !cp_where_visible(f, pid))
		return -ESRCH;
	node = cp_pid_location(pid);
	if (node < 0)
		return node;
	f->private_data = (void *)(long)node;
	return n;
}

static ssize_t cp_where_read(struct file *f, char __user *ubuf, size_t n,
			     loff_t *pos)
{
	long node = (long)f->private_data;
	char buf[16];
	int len;

	if (!node)
		return -ENODATA;
	len = scnprintf(buf, sizeof(buf), "%ld\n", node);
	return simple_read_from_buffer(ubuf, n, pos, buf, len);
}

static int cp_where_open(struct inode *inode, struct file *f)
{
	f->private_data = NULL;
	return 0;
}

static const struct proc_ops cp_where_ops = {
	.proc_open = cp_where_open,
	.proc_read = cp_where_read,
	.proc_write = cp_where_write,
	.proc_lseek = default_llseek,
};

/* /proc/clusterproc/self: this node's number (for libclusterproc) */
static ssize_t cp_self_read(struct file *f, char __user *ubuf, size_t n,
			    loff_t *pos)
{
	char buf[16];
	int len = scnprintf(buf, sizeof(buf), "%u\n", cp_self);

	return simple_read_from_buffer(ubuf, n, pos, buf, len);
}

static const struct proc_ops cp_self_ops = {
	.proc_read = cp_self_read,
	.proc_lseek = default_llseek,
};

/**
 * cp_rexec_start() - create /proc/clusterproc
 *
 * Return: 0 or -ENOMEM.
 */
int cp_rexec_start(void)
{
	/*
	 * World-writable on purpose (checkpatch flags it): a write only sets
	 * the writer's own exec target or query, like /proc/self/attr, so
	 * that any user can run onnode and where.
	 */
	atomic_set(&cp_rexec_seq, get_random_u32());
	cp_proc_dir = proc_mkdir("clusterproc", NULL);
	if (!cp_proc_dir)
		return -ENOMEM;
	if (!proc_create("exec_node", 0666, cp_proc_dir, &cp_exec_node_ops) ||
	    !proc_create("where", 0666, cp_proc_dir, &cp_where_ops) ||
	    !proc_create("self", 0444, cp_proc_dir, &cp_self_ops)) {
		proc_remove(cp_proc_dir);
		cp_proc_dir = NULL;
		return -ENOMEM;
	}
	return 0;
}

/**
 * cp_rexec_stop() - remove /proc/clusterproc
 */
void cp_rexec_stop(void)
{
	proc_remove(cp_proc_dir);
	cp_proc_dir = NULL;
}
