// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc process groups and sessions across nodes (H1 and the
 * getpgid/getsid lookups of patch 0014): a process keeps its group and
 * session when it moves (remote_child.c), so a group or a session may
 * have members on several nodes. Here: what a process on one node asks
 * of a process on another.
 *
 *   getpgid(2), getsid(2)  the pid's node answers (cp_op_pid_attr);
 *   setpgid(2)             of our child that moved: EACCES, as for any
 *                          child after its exec (cp_op_setpgid);
 *   an orphaned group      judged and signalled across nodes
 *                          (cp_op_kill_orphaned_pgrp, below).
 *
 * setpgid(0, pgid) into a group whose members all run on other nodes
 * joins it (cp_setpgid_remote_group()), and so does a parent's
 * setpgid(child, pgid) (cp_setpgid_child()); a moved process's
 * setpgid() on its node moves its stand-in on its origin too
 * (cp_setpgid_moved(), CP_MSG_SETPGID), so that getpgid() there and
 * kill(-pgrp) there follow it. Both with clusterproc_set_task_pgrp(),
 * the kernel helper that changes another task's group. A moved
 * process's setsid() on its node makes its stand-in lead that session
 * too (cp_op_new_session(), clusterproc_set_task_session()). Not yet:
 * setpgid() run for a process of another node's.
 */
#include <linux/clusterproc.h>
#include <linux/cred.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "cp_internal.h"
#include "cp_proc.h"

/**
 * cp_op_pid_attr() - getpgid(2), getsid(2) of a pid that is not here
 * @pid: the pid asked about
 * @type: PIDTYPE_PGID or PIDTYPE_SID
 *
 * Syscall context, no locks held; may sleep. Called when the local
 * lookup said -ESRCH: the process may run on another node (a stand-in's,
 * or one born there). The node it runs on (cp_pid_location()) gives its
 * line of the process list (CP_MSG_PS from @pid), whose group and
 * session are numbers of the initial pid namespace, the clusterwide
 * ones. As on one machine, any process may ask; one in another pid
 * namespace sees only its own (-ESRCH).
 *
 * Return: the process group or session id, or -ESRCH.
 */
pid_t cp_op_pid_attr(pid_t pid, enum pid_type type)
{
	struct cp_ps_req req = { .start = cpu_to_be32(pid) };
	const struct cp_ps_entry *e;
	struct cp_ps_reply *r;
	pid_t ret = -ESRCH;
	size_t len;
	int node;

	if (pid < (1 << CP_PID_SHIFT) || cp_pid_ns_confined())
		return -ESRCH;
	cp_count(CP_STAT_HOOK_PID_ATTR);
	cp_trace_hook(CP_STAT_HOOK_PID_ATTR, pid);
	node = cp_pid_location(pid);
	if (node < 1 || node == cp_self)
		return -ESRCH;
	r = kmalloc(CP_MAX_MSG, GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	if (!cp_call(node, CP_MSG_PS, &req, sizeof(req), r, CP_MAX_MSG,
		     &len) && len >= sizeof(*r) + sizeof(*e) &&
	    be32_to_cpu(r->count) >= 1) {
		e = &r->e[0];
		if (be32_to_cpu(e->pid) == pid)
			ret = be32_to_cpu(type == PIDTYPE_SID ? e->sid :
					  e->pgrp);
	}
	kfree(r);
	return ret;
}

static unsigned int cp_pgrp_members_elsewhere(pid_t pgrp, pid_t sid);

/*
 * setpgid(0, @pgid) into a group with no member here: on one machine the
 * base finds a member of the group in the caller's session and moves the
 * caller in. Here the members may all run on other nodes (born there, no
 * stand-in of theirs here): if a node counts a member of @pgid in our
 * session, current joins the group (clusterproc_set_pgrp_sid(): the
 * group's struct pid here, made with that number if none exists), as the
 * base would; else the base answers (EPERM). Only for the caller itself,
 * single-threaded, not a session leader (the base's EPERM): the kernel
 * helper moves current. Not one tasklist_lock section as on one
 * machine: a group whose last member exits on its node between the
 * count and the join is joined anyway (it then has one member, us).
 */
static int cp_setpgid_remote_group(pid_t pgid)
{
	pid_t sid = task_session_nr_ns(current, &init_pid_ns);
	const struct cred *old;
	struct cred *kcred;
	bool here;
	int err;

	if (current->signal->leader || !thread_group_empty(current) ||
	    pgid < (1 << CP_PID_SHIFT) || pgid > PID_MAX_LIMIT)
		return CLUSTERPROC_NOT_HANDLED;
	rcu_read_lock();
	here = pid_task(find_vpid(pgid), PIDTYPE_PGID);
	rcu_read_unlock();
	if (here || !cp_pgrp_members_elsewhere(pgid, sid))
		return CLUSTERPROC_NOT_HANDLED;
	/*
	 * Making the group's struct pid with a chosen number is
	 * set_tid's privilege (CAP_CHECKPOINT_RESTORE): the module's, not
	 * the caller's, whose request the checks above decided.
	 */
	kcred = prepare_kernel_cred(NULL);
	if (!kcred)
		return -ENOMEM;
	old = override_creds(kcred);
	err = clusterproc_set_pgrp_sid(pgid, sid);
	revert_creds(old);
	put_cred(kcred);
	if (!err)
		cp_count(CP_STAT_SETPGID_REMOTE_JOIN);
	return err;
}

/* @c moved away (a stand-in) or is moving (tasklist_lock held) */
static bool cp_child_moved(struct task_struct *c)
{
	struct cp_proc *p = cp_proc_of(c);

	return (c->flags & PF_REMOTE) ||
	       (p && READ_ONCE(p->kind) == CP_PROC_STANDIN);
}

/*
 * sys_setpgid()'s checks of a child @p of @arg's (current), in its
 * order, and its rule for the group: a member here must be of our
 * session (the members elsewhere were counted in it). Under
 * tasklist_lock for writing (clusterproc_set_task_pgrp()), where exit,
 * reparent and exec change what it reads; with @pgrp NULL under the
 * read lock, a first look. A stand-in (the child moved meanwhile) never
 * exec'd here, but its move was an exec: EACCES, as cp_op_setpgid(); so
 * for a child still moving (its REXEC, which carries its group, sent).
 */
static int cp_child_pgrp_check(struct task_struct *p, struct pid *pgrp,
			       void *arg)
{
	struct task_struct *leader = ((struct task_struct *)arg)->group_leader;
	struct task_struct *parent, *g;

	if (!thread_group_leader(p))
		return -EINVAL;
	parent = rcu_dereference_check(p->real_parent,
				       lockdep_tasklist_lock_is_held());
	if (!same_thread_group(parent, leader))
		return -ESRCH;
	if (task_session(p) != task_session(leader))
		return -EPERM;
	if (!(p->flags & PF_FORKNOEXEC) || cp_child_moved(p))
		return -EACCES;
	if (p->signal->leader)
		return -EPERM;
	g = pgrp ? pid_task(pgrp, PIDTYPE_PGID) : NULL;
	if (g && task_session(g) != task_session(leader))
		return -EPERM;
	return 0;
}

/*
 * setpgid(@pid, @pgid) of a child of ours here into a group with no
 * member here: as cp_setpgid_remote_group() for the caller itself, the
 * members may all run on other nodes. If the base's checks of the child
 * pass and a node counts a member of @pgid in our session, the child
 * joins the group (clusterproc_set_task_pgrp(), which re-runs the
 * checks under tasklist_lock: a child that exec'd, exited or moved
 * meanwhile gets the base's errno); else the base answers (its errno,
 * EPERM for the group). Not one section, as for the caller's own.
 */
static int cp_setpgid_child(pid_t pid, pid_t pgid)
{
	pid_t sid = task_session_nr_ns(current, &init_pid_ns);
	struct task_struct *p;
	bool here;
	int err;

	if (pgid == pid || pgid < (1 << CP_PID_SHIFT) || pgid > PID_MAX_LIMIT)
		return CLUSTERPROC_NOT_HANDLED;
	rcu_read_lock();
	here = pid_task(find_vpid(pgid), PIDTYPE_PGID);
	p = pid_task(find_vpid(pid), PIDTYPE_PID);
	if (p)
		get_task_struct(p);
	rcu_read_unlock();
	if (!p)
		return CLUSTERPROC_NOT_HANDLED;
	err = CLUSTERPROC_NOT_HANDLED;
	if (here)
		goto out;
	clusterproc_tasklist_read_lock();
	here = pid_alive(p) && !cp_child_pgrp_check(p, NULL, current);
	clusterproc_tasklist_read_unlock();
	if (!here || !cp_pgrp_members_elsewhere(pgid, sid))
		goto out;
	err = clusterproc_set_task_pgrp(p, pgid, cp_child_pgrp_check, current);
	if (!err)
		cp_count(CP_STAT_SETPGID_CHILD_JOIN);
out:
	put_task_struct(p);
	return err;
}

/* what a moved process's own setpgid() may do (cp_setpgid_moved()) */
struct cp_self_pgrp {
	struct task_struct *leader;
	bool elsewhere;		/* @pgrp has members in our session elsewhere */
};

/* sys_setpgid()'s checks for the caller itself; tasklist_lock held */
static int cp_self_pgrp_check(struct task_struct *p, struct pid *pgrp,
			      void *arg)
{
	const struct cp_self_pgrp *c = arg;
	struct task_struct *g;

	if (p != c->leader || p->group_leader != p)
		return -ESRCH;
	if (p->signal->leader)
		return -EPERM;
	if (pgrp == task_pid(p))
		return 0;
	g = pid_task(pgrp, PIDTYPE_PGID);
	if (g ? task_session(g) != task_session(p) : !c->elsewhere)
		return -EPERM;
	return 0;
}

/* one moved process's group change and its message at a time */
static DEFINE_MUTEX(cp_setpgid_moved_lock);

/*
 * setpgid(0, @pgid) of a process that moved here (RCHILD): its stand-in
 * on its origin (@origin, its parent's node) is in its group there, so
 * getpgid() there, answered by the stand-in, and kill(-pgrp) there,
 * which counts it, must follow. The change is made here by the module,
 * with sys_setpgid()'s checks (and its join of a group whose members
 * all run on other nodes), then the origin is told (CP_MSG_SETPGID) and
 * moves the stand-in, before setpgid() returns: after it, the origin
 * answers the new group. A moved process cannot move again (exec_node:
 * EBUSY), so its origin stays its stand-in's node. The mutex keeps two
 * threads' changes and their messages in one order. The origin's
 * answer says whether the new group is held to the session there (the
 * stand-in's parent, or another member, in another group of it), which
 * replaces what the move said of the old one (pgrp_held). An origin
 * that cannot be told (down, timed out) is counted
 * (setpgid_origin_failed); the change here stands, as a node's own view
 * of its process wins.
 */
static int cp_setpgid_moved(struct task_struct *leader, unsigned int origin,
			    pid_t pid, pid_t pgid)
{
	pid_t sid = task_session_nr_ns(leader, &init_pid_ns);
	struct cp_self_pgrp c = { .leader = leader };
	struct cp_proc *p = cp_proc_of(leader);
	struct cp_setpgid m, r;
	pid_t old, now;
	size_t len;
	bool here;
	int err;

	if (pgid != pid) {
		if (pgid > PID_MAX_LIMIT)
			return CLUSTERPROC_NOT_HANDLED;
		rcu_read_lock();
		here = pid_task(find_vpid(pgid), PIDTYPE_PGID);
		rcu_read_unlock();
		if (!here) {
			if (pgid < (1 << CP_PID_SHIFT))
				return CLUSTERPROC_NOT_HANDLED;
			c.elsewhere = cp_pgrp_members_elsewhere(pgid, sid);
			if (!c.elsewhere)
				return CLUSTERPROC_NOT_HANDLED;	/* EPERM */
		}
	}
	if (mutex_lock_killable(&cp_setpgid_moved_lock))
		return -EINTR;	/* dying anyway */
	old = task_pgrp_nr_ns(leader, &init_pid_ns);
	err = clusterproc_set_task_pgrp(leader, pgid, cp_self_pgrp_check, &c);
	now = task_pgrp_nr_ns(leader, &init_pid_ns);
	if (!err && now != old) {
		m = (struct cp_setpgid){ .pid = cpu_to_be32(pid),
					 .pgrp = cpu_to_be32(now),
					 .sid = cpu_to_be32(sid) };
		if (cp_call(origin, CP_MSG_SETPGID, &m, sizeof(m), &r,
			    sizeof(r), &len) || len != sizeof(r)) {
			cp_count(CP_STAT_SETPGID_ORIGIN_FAILED);
		} else {
			cp_count(CP_STAT_SETPGID_ORIGIN_TOLD);
			cp_pgrp_held_set(p, be32_to_cpu(r.flags) &
					 CP_SETPGID_HELD);
		}
	}
	mutex_unlock(&cp_setpgid_moved_lock);
	return err;
}

/**
 * cp_op_new_session() - &clusterproc_ops.new_session: setsid() succeeded
 * @leader: current's thread-group leader, now leading its own session
 *
 * Syscall context, no locks held; may sleep. A process that moved here
 * (RCHILD) has a stand-in on its origin that answers getsid() and
 * getpgid() for it there and is what a terminal's job control there
 * judges when its stdio relay reads or writes the terminal: the origin
 * is told (CP_MSG_SETPGID with CP_SETPGID_F_SETSID) and makes the
 * stand-in lead a session of its pid, without a controlling terminal,
 * before setsid() returns; an origin that cannot be told is counted
 * (setsid_origin_failed) and the change here stands, as for setpgid().
 * The move's own setsid() (cp_rchild_fn(), before the exec: no mm yet)
 * is the stand-in's business already. cp_setpgid_moved_lock orders this
 * message with setpgid()'s of the same process.
 */
void cp_op_new_session(struct task_struct *leader)
{
	pid_t pid = task_tgid_nr(leader);
	struct cp_proc *p = cp_proc_of(leader);
	struct cp_setpgid m = { .pid = cpu_to_be32(pid),
				.pgrp = cpu_to_be32(pid),
				.sid = cpu_to_be32(pid),
				.flags = cpu_to_be32(CP_SETPGID_F_SETSID) };
	struct cp_setpgid r;
	unsigned int origin;
	size_t len;

	if (!p || READ_ONCE(p->kind) != CP_PROC_RCHILD || !current->mm ||
	    task_active_pid_ns(current) != &init_pid_ns)
		return;
	origin = READ_ONCE(p->pnode);
	if (!origin)
		return;
	cp_count(CP_STAT_HOOK_NEW_SESSION);
	if (mutex_lock_killable(&cp_setpgid_moved_lock))
		return;	/* dying anyway */
	if (cp_call(origin, CP_MSG_SETPGID, &m, sizeof(m), &r, sizeof(r),
		    &len) || len != sizeof(r)) {
		cp_count(CP_STAT_SETSID_ORIGIN_FAILED);
	} else {
		cp_count(CP_STAT_SETSID_ORIGIN_TOLD);
		cp_pgrp_held_set(p, be32_to_cpu(r.flags) & CP_SETPGID_HELD);
	}
	mutex_unlock(&cp_setpgid_moved_lock);
}

/* the stand-in's conditions (cp_handle_setpgid()); tasklist_lock held */
struct cp_standin_pgrp {
	unsigned int node;	/* the sender */
	pid_t sid;
};

/* moving (not yet PF_REMOTE) or a stand-in, of the sender's */
static bool cp_standin_of(struct task_struct *t, unsigned int node)
{
	struct cp_proc *p = cp_proc_of(t);

	return !(t->flags & PF_KTHREAD) && p &&
	       READ_ONCE(p->kind) == CP_PROC_STANDIN &&
	       READ_ONCE(p->node) == node;
}

static int cp_standin_session_check(struct task_struct *t, void *arg)
{
	const struct cp_standin_pgrp *c = arg;

	return cp_standin_of(t, c->node) ? 0 : -ESRCH;
}

static int cp_standin_pgrp_check(struct task_struct *t, struct pid *pgrp,
				 void *arg)
{
	const struct cp_standin_pgrp *c = arg;
	struct task_struct *g;

	if (!cp_standin_of(t, c->node))
		return -ESRCH;
	if (task_session_nr_ns(t, &init_pid_ns) != c->sid)
		return -EPERM;
	g = pid_task(pgrp, PIDTYPE_PGID);
	if (g && task_session(g) != task_session(t))
		return -EPERM;
	return 0;
}

/**
 * cp_handle_setpgid() - CP_MSG_SETPGID: a moved process changed its group
 * @r: the request (struct cp_setpgid)
 * @reply: struct cp_setpgid, flags filled in
 * @max: its room
 *
 * Server thread, may sleep. The process @pid moved from here to the
 * sender, which alone runs it: its stand-in here, a zombie once the move
 * completed (or the mover itself, still in its execve() while the
 * process already runs there), joins group @pgrp, made here with that
 * number if none exists. Only the node the stand-in names may move it,
 * and only within its session (setpgid() never changes a session); a
 * stand-in reaped meanwhile, or a pid that is no stand-in of the
 * sender's, is -ESRCH and nothing changes (the check is re-run under
 * tasklist_lock, where release_task() unhashes it). With
 * CP_SETPGID_F_SETSID the process called setsid() (@pgrp and the
 * session are @pid): the stand-in leads a session of its pid and loses
 * its controlling terminal (clusterproc_set_task_session(); -EPERM if a
 * member it left here is still in group @pid). The reply says whether
 * the group is held to the session here (cp_pgrp_held()), as a move
 * does (CP_REXEC_PGRP_HELD).
 *
 * Return: the reply length or a negative errno.
 */
int cp_handle_setpgid(const struct cp_request *r, void *reply, size_t max)
{
	const struct cp_setpgid *q = r->payload;
	struct cp_setpgid *out = reply;
	struct cp_standin_pgrp c = { .node = r->src_node,
				     .sid = be32_to_cpu(q->sid) };
	pid_t pid = be32_to_cpu(q->pid), pgrp = be32_to_cpu(q->pgrp);
	u32 flags = be32_to_cpu(q->flags);
	bool setsid = flags == CP_SETPGID_F_SETSID;
	struct task_struct *t;
	int err;

	if (pid < (1 << CP_PID_SHIFT) || pid > PID_MAX_LIMIT || pgrp <= 0 ||
	    pgrp > PID_MAX_LIMIT || c.sid <= 0 || c.sid > PID_MAX_LIMIT ||
	    (flags && !setsid) || (setsid && (pgrp != pid || c.sid != pid))) {
		cp_count(CP_STAT_BAD_FIELD);
		return -EINVAL;
	}
	cp_count(setsid ? CP_STAT_SVR_SETSID : CP_STAT_SVR_SETPGID);
	rcu_read_lock();
	t = pid_task(find_pid_ns(pid, &init_pid_ns), PIDTYPE_TGID);
	if (t)
		get_task_struct(t);
	rcu_read_unlock();
	if (!t)
		return -ESRCH;
	if (setsid)
		err = clusterproc_set_task_session(t, cp_standin_session_check,
						   &c);
	else
		err = clusterproc_set_task_pgrp(t, pgrp, cp_standin_pgrp_check,
						&c);
	if (!err) {
		*out = *q;
		out->flags = cpu_to_be32(cp_pgrp_held(t) ? CP_SETPGID_HELD : 0);
	}
	put_task_struct(t);
	return err ? err : sizeof(*out);
}

/**
 * cp_op_setpgid() - setpgid(2) before any lock (H1)
 * @pid: the target (0 already replaced by the caller's pid)
 * @pgid: the group (0 already replaced by @pid)
 *
 * Syscall context, no locks held. @pid may be our child that moved to
 * another node: its stand-in, our child here (PF_REMOTE), never exec'd
 * here, so the base would move the stand-in to another group while its
 * process stays in its own on its node. The move was an exec: setpgid()
 * of it fails as for any child after its exec, EPERM if it is in
 * another session, else EACCES (the order of the base's checks). So
 * for a child whose move is under way (its REXEC, which carries its
 * group, sent or being sent; test_setpgid_child_moving: before, 0, and
 * the stand-in's group was not its process's); a move that begins
 * between this look and the base's change is not seen (the base takes
 * no lock the mover takes). The tasklist read lock keeps our children
 * lists still while searched.
 * The caller joining a group whose members all run on other nodes:
 * cp_setpgid_remote_group(); a child of ours joining one:
 * cp_setpgid_child(); a process that moved here changing its group:
 * cp_setpgid_moved().
 *
 * Return: 0, -EACCES, -EPERM, or CLUSTERPROC_NOT_HANDLED (the base's).
 */
int cp_op_setpgid(pid_t pid, pid_t pgid)
{
	struct task_struct *t, *c, *leader;
	int ret = CLUSTERPROC_NOT_HANDLED;
	unsigned int origin;
	struct cp_proc *p;

	if (pid < (1 << CP_PID_SHIFT) || task_active_pid_ns(current) !=
	    &init_pid_ns)
		return ret;
	cp_count(CP_STAT_HOOK_SETPGID);
	clusterproc_tasklist_read_lock();
	for_each_thread(current, t) {
		list_for_each_entry(c, &t->children, sibling) {
			if (!cp_child_moved(c) || task_tgid_nr(c) != pid)
				continue;
			ret = task_session(c) == task_session(current) ?
			      -EACCES : -EPERM;
			goto out;
		}
	}
out:
	clusterproc_tasklist_read_unlock();
	if (ret != CLUSTERPROC_NOT_HANDLED)
		return ret;
	if (pid != task_tgid_nr(current))
		return cp_setpgid_child(pid, pgid);
	leader = current->group_leader;
	p = cp_proc_of(leader);
	origin = p && p->kind == CP_PROC_RCHILD ? READ_ONCE(p->pnode) : 0;
	if (origin)
		return cp_setpgid_moved(leader, origin, pid, pgid);
	if (pgid != pid)
		ret = cp_setpgid_remote_group(pgid);
	return ret;
}

/*
 * Orphaned process groups across nodes (E1, E3, E7). On one machine,
 * exit_notify() decides under tasklist_lock that an exit orphaned a
 * group (no member left with a parent in another group of the same
 * session) and, if a member is stopped, sends the group SIGHUP then
 * SIGCONT, all at once. A group that spans nodes cannot be judged under
 * one lock, so:
 *
 *  - the base's own scan (with the orphaned_pgrp op's stand-ins, E1)
 *    judges the members here: a member here holding the group is enough
 *    to say "not orphaned", and the op is then not even asked (E7's
 *    short circuit);
 *  - an exit is judged before its lock, in exit_prepare
 *    (cp_pgrp_judge_exit()): every node counts its members, the exiting
 *    leader not counted (CP_MSG_PGRP ask, all nodes at once, and this
 *    one); if none holds the group and one is stopped anywhere, every
 *    node, this one too, sends its members SIGHUP then SIGCONT
 *    (CP_PGRP_HUP), all before the parent can see the zombie;
 *  - a process that moved here cannot judge its own death (its parent
 *    is on its origin node, which holds its stand-in): when the exit
 *    EVENT arrives, the origin queues the group its stand-in held for
 *    the worker (wait.c, cp_standin_exit_held()), after the exit is
 *    recorded, so its parent may see it first;
 *  - otherwise (found held, or a check of a reparent, E7) the
 *    kill_orphaned_pgrp op (record context) queues the group and
 *    answers 0: the base signals nobody, and after the unlock the worker
 *    (cp_pgrp_orphaned()) judges it the same way.
 *
 * Who holds a group: a live member whose parent runs on the member's
 * node, is not init, and is in another group of the same session; for a
 * member that moved, its stand-in on the origin node (whose parent is
 * the process's parent) stands for it, and the member itself, whose
 * parent is elsewhere, is not asked. A node that does not answer counts
 * as holding nothing.
 *
 * Consistency: the count and the signal are two steps, not one
 * tasklist_lock section. A member that stops or continues between them
 * is signalled as a member stopped at the count would be (SIGCONT
 * resumes it either way); a process that joins the group on another
 * node meanwhile, or a new parent link made there, may be signalled
 * though it now holds the group; a node re-checks that no member of its
 * own holds the group before it signals. For the other nodes an exit
 * judged in exit_prepare happened at the count: a member there that
 * stops after it (its pgrp_held already cleared: a job control stop is
 * discarded as in an orphaned group) is not signalled, as one that stops
 * just after the exit on one machine; a member here that stopped since
 * is signalled by the base under the lock. A check queued under the
 * lock is waited for by the exiting task in exit_flush, as its other
 * messages are.
 */

struct cp_pgrp_tally {
	unsigned int members, connected, stopped, held;
};

/* members that moved here while their group was held (pgrp_held) */
static atomic_t cp_held_rchildren = ATOMIC_INIT(0);

/*
 * Count @pgrp's members here (RCU: the pid lists are RCU-safe); @ign
 * (an exiting leader, or NULL) is neither a member nor a parent.
 */
static void cp_pgrp_count(pid_t nr, pid_t sid, struct task_struct *ign,
			  struct cp_pgrp_tally *c)
{
	struct task_struct *t;
	struct pid *grp;

	memset(c, 0, sizeof(*c));
	rcu_read_lock();
	grp = find_pid_ns(nr, &init_pid_ns);
	if (!grp)
		goto out;
	do_each_pid_task(grp, PIDTYPE_PGID, t) {
		struct task_struct *parent = rcu_dereference(t->real_parent);
		struct cp_proc *p = cp_proc_of(t);
		bool standin = (t->flags & (PF_REMOTE | PF_KTHREAD)) ==
			       PF_REMOTE;

		if (t == ign || task_session_nr_ns(t, &init_pid_ns) != sid)
			continue;
		if (standin) {
			/* its process's parent is here: it holds for it */
			if (!p || p->kind != CP_PROC_STANDIN ||
			    READ_ONCE(p->rstate) >= CP_RS_EXITED)
				continue;
		} else if (t->exit_state && thread_group_empty(t)) {
			continue;
		} else {
			c->members++;
			if (t->signal->flags & SIGNAL_STOP_STOPPED)
				c->stopped++;
			/* moved here: its parent's node answers for it */
			if (p && p->kind == CP_PROC_RCHILD) {
				c->held += READ_ONCE(p->pgrp_held);
				continue;
			}
		}
		if (parent != ign && cp_parent_holds_pgrp(t, parent, grp))
			c->connected++;
	} while_each_pid_task(grp, PIDTYPE_PGID, t);
out:
	rcu_read_unlock();
}

/**
 * cp_pgrp_held() - is @t's group held to its session by a member here?
 * @t: current, about to move (remote exec)
 *
 * May sleep (it does not). A member here with its parent here in another
 * group of the session (@t itself, most often), or one that moved here
 * while its group was held at its origin. The answer travels with the
 * move (CP_REXEC_PGRP_HELD): the target cannot see the parent.
 *
 * Return: true if held.
 */
bool cp_pgrp_held(struct task_struct *t)
{
	struct cp_pgrp_tally c;

	cp_pgrp_count(task_pgrp_nr_ns(t, &init_pid_ns),
		      task_session_nr_ns(t, &init_pid_ns), NULL, &c);
	return c.connected || c.held;
}

/**
 * cp_pgrp_held_set() - set or clear a moved member's pgrp_held
 * @p: its state (kind RCHILD, or being made one)
 * @held: the new value
 *
 * Any context but hard irq; takes @p's lock.
 */
void cp_pgrp_held_set(struct cp_proc *p, bool held)
{
	unsigned long flags;
	bool was;

	spin_lock_irqsave(&p->lock, flags);
	was = p->pgrp_held;
	p->pgrp_held = held;
	spin_unlock_irqrestore(&p->lock, flags);
	if (was && !held)
		atomic_dec(&cp_held_rchildren);
	else if (!was && held)
		atomic_inc(&cp_held_rchildren);
}

/* Is any member that moved here counted as holding its group? (a hint) */
bool cp_pgrp_held_any(void)
{
	return atomic_read(&cp_held_rchildren) > 0;
}

/**
 * cp_pgrp_held_member() - does @t, a member that moved here, hold its group?
 * @t: a member of the group being judged
 *
 * Query context (tasklist_lock, RCU; the orphaned_pgrp op): its parent
 * is on its origin node, which said at the move that the group was held
 * there; until that node finds the group orphaned (CP_PGRP_CLEAR or
 * HUP), a job control stop here is not refused as in an orphaned group.
 *
 * Return: true if it holds the group.
 */
bool cp_pgrp_held_member(struct task_struct *t)
{
	struct cp_proc *p = cp_proc_of(t);
	unsigned long flags;
	bool held;

	if (!p || p->kind != CP_PROC_RCHILD || t->exit_state)
		return false;
	spin_lock_irqsave(&p->lock, flags);
	held = p->pgrp_held;
	spin_unlock_irqrestore(&p->lock, flags);
	return held;
}

/* The group is orphaned: no member here holds it by its move any more. */
static void cp_pgrp_clear(pid_t nr)
{
	struct task_struct *t;
	struct pid *grp;

	rcu_read_lock();
	grp = find_pid_ns(nr, &init_pid_ns);
	if (grp) {
		do_each_pid_task(grp, PIDTYPE_PGID, t) {
			struct cp_proc *p = cp_proc_of(t);

			if (p && p->kind == CP_PROC_RCHILD)
				cp_pgrp_held_set(p, false);
		} while_each_pid_task(grp, PIDTYPE_PGID, t);
	}
	rcu_read_unlock();
}

/*
 * SIGHUP then SIGCONT to @pgrp's members here (kernel-sent, as E3's);
 * the other nodes' members get theirs from their node (CP_PGRP_HUP).
 */
static void cp_pgrp_hup(pid_t nr)
{
	struct pid *grp = find_get_pid(nr);

	if (!grp)
		return;
	cp_count(CP_STAT_PGRP_HUP);
	cp_kill_pgrp_here(grp, SIGHUP);
	cp_kill_pgrp_here(grp, SIGCONT);
	put_pid(grp);
}

/**
 * cp_op_kill_orphaned_pgrp() - the kill_orphaned_pgrp op (E3, E7)
 * @pgrp: a group the base found orphaned by an exit here
 *
 * Record context: tasklist_lock held for writing, irqs off; no sleep,
 * and not even the membership's lock (a _bh lock: irqs are off): the
 * check is queued for after the unlock (see above), where a node alone
 * does what the base would have done, and the base signals no one. A
 * group the exit judged orphaned in exit_prepare (cp_pgrp_judge_exit())
 * is not queued again: the base signals a member here only if one
 * stopped since (has_stopped_jobs()).
 *
 * Return: 1 (the base goes on: no member here, or judged already) or 0
 * (the module does it).
 */
int cp_op_kill_orphaned_pgrp(struct pid *pgrp)
{
	struct task_struct *t = pid_task(pgrp, PIDTYPE_PGID);
	struct cp_proc *me = cp_proc_of(current);

	cp_count(CP_STAT_HOOK_KILL_ORPHANED_PGRP);
	if (!t)
		return 1;
	/* judged in exit_prepare: only a member here stopped since is left */
	if (cp_pgrp_judged(me, pid_nr(pgrp)))
		return 1;
	cp_queue_orphaned(cp_proc_of(current), pid_nr(pgrp),
			  task_session_nr_ns(t, &init_pid_ns));
	return 0;
}

/*
 * Count @pgrp's members in session @sid on every node that is up (this
 * one, and the others at once): *@all, and *@map the other nodes asked.
 * Sleeps. 0 or -errno.
 */
static int cp_pgrp_tally_all(pid_t pgrp, pid_t sid, struct task_struct *ign,
			     struct cp_pgrp_tally *all, unsigned long *map)
{
	struct cp_pgrp q = { .pgrp = cpu_to_be32(pgrp),
			     .sid = cpu_to_be32(sid),
			     .op = cpu_to_be32(CP_PGRP_ASK) };
	struct cp_pgrp *r;
	unsigned int n;
	size_t *lens;
	int *errs, err = -ENOMEM;

	r = kcalloc(CP_MAX_NODES + 1, sizeof(*r), GFP_KERNEL);
	lens = kcalloc(CP_MAX_NODES + 1, sizeof(*lens), GFP_KERNEL);
	errs = kcalloc(CP_MAX_NODES + 1, sizeof(*errs), GFP_KERNEL);
	if (!r || !lens || !errs)
		goto out;
	cp_pgrp_count(pgrp, sid, ign, all);
	cp_nodes_up(map);
	__clear_bit(cp_self, map);
	err = bitmap_empty(map, CP_MAX_NODES + 1) ? 0 :
	      cp_call_nodes(map, CP_MSG_PGRP, &q, sizeof(q), r, sizeof(*r),
			    lens, errs);
	if (err)
		goto out;
	for_each_set_bit(n, map, CP_MAX_NODES + 1) {
		if (errs[n] || lens[n] != sizeof(*r))
			continue;
		all->members += be32_to_cpu(r[n].members);
		all->connected += be32_to_cpu(r[n].connected);
		all->stopped += be32_to_cpu(r[n].stopped);
	}
out:
	kfree(errs);
	kfree(lens);
	kfree(r);
	return err;
}

/**
 * cp_pgrp_held_anywhere() - does a member anywhere hold @pgrp (not orphaned)?
 * @pgrp: the process group
 * @sid: its session
 *
 * is_current_pgrp_orphaned()'s question, asked of every node (a node
 * that does not answer holds nothing). Sleeps.
 * Return: true if some member has a parent in another group of @sid.
 */
bool cp_pgrp_held_anywhere(pid_t pgrp, pid_t sid)
{
	DECLARE_BITMAP(map, CP_MAX_NODES + 1);
	struct cp_pgrp_tally all;

	return !cp_pgrp_tally_all(pgrp, sid, NULL, &all, map) && all.connected;
}

/*
 * Judge @pgrp of session @sid on every node, @ign (an exiting leader,
 * or NULL) not counted: if no member anywhere holds it, clear the moved
 * members' pgrp_held and, if one is stopped somewhere, send every member
 * SIGHUP then SIGCONT, once. *@orphaned says whether it was. Sleeps.
 * 0, or the error of the ask round (nothing signalled).
 */
static int cp_pgrp_judge(pid_t pgrp, pid_t sid, struct task_struct *ign,
			 bool *orphaned)
{
	DECLARE_BITMAP(map, CP_MAX_NODES + 1);
	struct cp_pgrp q = { .pgrp = cpu_to_be32(pgrp),
			     .sid = cpu_to_be32(sid),
			     .op = cpu_to_be32(CP_PGRP_ASK) };
	struct cp_pgrp_tally all;
	struct cp_pgrp *r;
	size_t *lens;
	int *errs, err = -ENOMEM;

	*orphaned = false;
	r = kcalloc(CP_MAX_NODES + 1, sizeof(*r), GFP_KERNEL);
	lens = kcalloc(CP_MAX_NODES + 1, sizeof(*lens), GFP_KERNEL);
	errs = kcalloc(CP_MAX_NODES + 1, sizeof(*errs), GFP_KERNEL);
	if (!r || !lens || !errs)
		goto out;
	cp_delay_point(CP_DP_PGRP_JUDGE);
	err = cp_pgrp_tally_all(pgrp, sid, ign, &all, map);
	if (err || all.connected)
		goto out;
	/* orphaned; a member stopped somewhere: every member, once */
	*orphaned = true;
	cp_count(CP_STAT_PGRP_ORPHANED);
	cp_pgrp_clear(pgrp);
	if (all.stopped)
		cp_pgrp_hup(pgrp);
	q.op = cpu_to_be32(all.stopped ? CP_PGRP_HUP : CP_PGRP_CLEAR);
	if (!bitmap_empty(map, CP_MAX_NODES + 1))
		cp_call_nodes(map, CP_MSG_PGRP, &q, sizeof(q), r, sizeof(*r),
			      lens, errs);
out:
	kfree(errs);
	kfree(lens);
	kfree(r);
	return err;
}

/**
 * cp_pgrp_orphaned() - is @pgrp orphaned across the cluster? Then HUP it
 * @pgrp: the group, a number of the initial pid namespace
 * @sid: its session
 *
 * Process context (the outbound worker: a check queued under
 * tasklist_lock), may sleep.
 *
 * Return: 0, or the error of the ask round (nothing signalled).
 */
int cp_pgrp_orphaned(pid_t pgrp, pid_t sid)
{
	bool orphaned;

	return cp_pgrp_judge(pgrp, sid, NULL, &orphaned);
}

/**
 * cp_pgrp_judged() - did @p's exit judge @pgrp in exit_prepare?
 * @p: the exiting task's state, or NULL
 * @pgrp: a group, a number of the initial pid namespace
 *
 * Record context (the exiting task's own state: no lock).
 * Return: true if cp_pgrp_judge_exit() found @pgrp orphaned.
 */
bool cp_pgrp_judged(struct cp_proc *p, pid_t pgrp)
{
	if (!p || pgrp <= 0)
		return false;
	for (int i = 0; i < CP_PGRP_JUDGED_MAX; i++)
		if (p->pgrp_judged[i] == pgrp)
			return true;
	return false;
}

/*
 * The process @father's children go to when it dies (find_new_reaper()
 * for a father with no live thread left): the nearest live subreaper
 * above it in its pid namespace, else that namespace's init.
 * tasklist_lock held.
 */
static struct task_struct *cp_future_reaper(struct task_struct *father)
{
	struct task_struct *r, *t;

	if (father->signal->has_child_subreaper) {
		unsigned int level = task_pid(father)->level;

		for (r = father->real_parent; task_pid(r)->level == level;
		     r = r->real_parent) {
			if (r == &init_task)
				break;
			if (!r->signal->is_child_subreaper)
				continue;
			for_each_thread(r, t)
				if (!(t->flags & PF_EXITING))
					return t;
		}
	}
	return task_active_pid_ns(father)->child_reaper;
}

struct cp_judge_list {
	unsigned int n;
	pid_t pgrp[CP_PGRP_JUDGED_MAX], sid[CP_PGRP_JUDGED_MAX];
};

static void cp_judge_add(struct cp_judge_list *l, pid_t pgrp, pid_t sid)
{
	for (unsigned int i = 0; i < l->n; i++)
		if (l->pgrp[i] == pgrp)
			return;
	if (l->n < CP_PGRP_JUDGED_MAX && pgrp > 0 && sid > 0) {
		l->pgrp[l->n] = pgrp;
		l->sid[l->n++] = sid;
	}
}

/*
 * The groups @leader's death may orphan (tasklist_lock held): its own,
 * if its parent holds it (kill_orphaned_pgrp()'s test), and those of its
 * moved children that it holds and their new parent will not
 * (reparent_leader()'s). Beyond CP_PGRP_JUDGED_MAX, the rest is judged
 * after the unlock.
 */
static void cp_judge_candidates(struct task_struct *tsk,
				struct cp_judge_list *l)
{
	struct task_struct *leader = tsk->group_leader;
	struct task_struct *parent = leader->real_parent, *reaper, *t;

	if (task_pgrp(parent) != task_pgrp(leader) &&
	    task_session(parent) == task_session(leader))
		cp_judge_add(l, task_pgrp_nr_ns(leader, &init_pid_ns),
			     task_session_nr_ns(leader, &init_pid_ns));
	reaper = cp_future_reaper(leader);
	list_for_each_entry(t, &tsk->children, sibling) {
		struct cp_proc *p = cp_proc_of(t);

		if ((t->flags & (PF_REMOTE | PF_KTHREAD)) != PF_REMOTE ||
		    !p || p->kind != CP_PROC_STANDIN ||
		    READ_ONCE(p->rstate) >= CP_RS_EXITED ||
		    task_pgrp(t) == task_pgrp(leader) ||
		    task_session(t) != task_session(leader) ||
		    (reaper && cp_parent_holds_pgrp(t, reaper, task_pgrp(t))))
			continue;
		cp_judge_add(l, task_pgrp_nr_ns(t, &init_pid_ns),
			     task_session_nr_ns(t, &init_pid_ns));
	}
}

/*
 * Judge @pgrp (session @sid), which the death of @ign (an exiting
 * leader here) may orphan, @ign counted neither as a member nor as a
 * parent. Asks the other nodes only if no member here holds the group
 * without @ign (then the base's scan finds it held too). Sleeps.
 * true if it was found orphaned (and signalled if a member was stopped).
 */
static bool cp_pgrp_judge_leaving(pid_t pgrp, pid_t sid,
				  struct task_struct *ign)
{
	struct cp_pgrp_tally c;
	bool orphaned;

	cp_pgrp_count(pgrp, sid, ign, &c);
	if (c.connected || c.held)
		return false;
	return !cp_pgrp_judge(pgrp, sid, ign, &orphaned) && orphaned;
}

/* Judge each group of @l at @leader's exit; note those found orphaned. */
static void cp_pgrp_judge_list(struct cp_proc *p,
			       const struct cp_judge_list *l,
			       struct task_struct *leader)
{
	unsigned int i, k = 0;

	for (i = 0; i < l->n; i++) {
		if (!cp_pgrp_judge_leaving(l->pgrp[i], l->sid[i], leader))
			continue;
		cp_count(CP_STAT_EXIT_PGRP_JUDGED);
		p->pgrp_judged[k++] = l->pgrp[i];
	}
}

/**
 * cp_pgrp_judge_exit() - judge the groups an exit orphans before it is seen
 * @tsk: the exiting task (current), in exit_prepare: before
 *	 exit_notify() takes tasklist_lock, so before its parent can see it
 *
 * May sleep. On one machine exit_notify() sends a newly orphaned group
 * with a stopped member SIGHUP and SIGCONT under tasklist_lock, before
 * the zombie can be reaped; judged after the unlock, a parent that reaps
 * the task and continues the group first would leave its member
 * running without its SIGHUP. So when the last thread of a process
 * exits, each group its death may orphan (its own, E3; a moved child's,
 * E7) that no member here holds without it is judged here, on every
 * node, the exiting leader counted neither as a member nor as a parent,
 * and signalled if it is orphaned. The kill_orphaned_pgrp and
 * reparent_remote ops then leave only a member here that stopped since
 * to the base (pgrp_judged). A group found held is judged again after
 * the unlock, as before: its holder elsewhere may be exiting at the same
 * time (each counts the other, a live task, until it is a zombie).
 */
void cp_pgrp_judge_exit(struct task_struct *tsk)
{
	DECLARE_BITMAP(map, CP_MAX_NODES + 1);
	struct task_struct *leader = tsk->group_leader;
	struct cp_judge_list l = { };
	struct cp_proc *p;

	/* a stand-in's exit (a move, PF_REMOTE) is not its process's */
	if ((tsk->flags & (PF_KTHREAD | PF_REMOTE)) ||
	    atomic_read(&tsk->signal->live))
		return;
	cp_nodes_up(map);
	__clear_bit(cp_self, map);
	if (bitmap_empty(map, CP_MAX_NODES + 1))
		return;		/* the base judges alone, under its lock */
	clusterproc_tasklist_read_lock();
	cp_judge_candidates(tsk, &l);
	clusterproc_tasklist_read_unlock();
	if (!l.n)
		return;
	p = cp_proc_get_or_alloc(tsk, GFP_KERNEL);
	if (p)
		cp_pgrp_judge_list(p, &l, leader);
	/* judged, not yet a zombie: another holder's exit now counts us */
	cp_delay_point(CP_DP_PGRP_EXIT_JUDGED);
}

/* @pgrp's live members in session @sid on the other nodes (0 if none) */
static unsigned int cp_pgrp_members_elsewhere(pid_t pgrp, pid_t sid)
{
	DECLARE_BITMAP(map, CP_MAX_NODES + 1);
	struct cp_pgrp q = { .pgrp = cpu_to_be32(pgrp),
			     .sid = cpu_to_be32(sid),
			     .op = cpu_to_be32(CP_PGRP_ASK) };
	unsigned int n, members = 0;
	struct cp_pgrp *r;
	size_t *lens;
	int *errs;

	cp_nodes_up(map);
	__clear_bit(cp_self, map);
	if (bitmap_empty(map, CP_MAX_NODES + 1))
		return 0;
	r = kcalloc(CP_MAX_NODES + 1, sizeof(*r), GFP_KERNEL);
	lens = kcalloc(CP_MAX_NODES + 1, sizeof(*lens), GFP_KERNEL);
	errs = kcalloc(CP_MAX_NODES + 1, sizeof(*errs), GFP_KERNEL);
	if (r && lens && errs &&
	    !cp_call_nodes(map, CP_MSG_PGRP, &q, sizeof(q), r, sizeof(*r),
			   lens, errs)) {
		for_each_set_bit(n, map, CP_MAX_NODES + 1)
			if (!errs[n] && lens[n] == sizeof(*r))
				members += be32_to_cpu(r[n].members);
	}
	kfree(errs);
	kfree(lens);
	kfree(r);
	return members;
}

/**
 * cp_handle_pgrp() - CP_MSG_PGRP: count, or HUP, our members of a group
 * @r: the request (struct cp_pgrp)
 * @reply: struct cp_pgrp, the counts filled in
 * @max: its room
 *
 * A CLEAR or HUP is refused (-EBUSY, nothing done) while a member here
 * holds the group: it is not orphaned, whatever the asker counted.
 *
 * Return: the reply length or a negative errno.
 */
int cp_handle_pgrp(const struct cp_request *r, void *reply, size_t max)
{
	const struct cp_pgrp *q = r->payload;
	struct cp_pgrp *out = reply;
	pid_t pgrp = be32_to_cpu(q->pgrp), sid = be32_to_cpu(q->sid);
	u32 op = be32_to_cpu(q->op);
	struct cp_pgrp_tally c;

	if (pgrp <= 0 || sid <= 0 || pgrp > PID_MAX_LIMIT ||
	    sid > PID_MAX_LIMIT || op > CP_PGRP_CLEAR) {
		cp_count(CP_STAT_BAD_FIELD);
		return -EINVAL;
	}
	cp_count(CP_STAT_SVR_PGRP);
	cp_pgrp_count(pgrp, sid, NULL, &c);
	if (op != CP_PGRP_ASK) {
		if (c.connected)
			return -EBUSY;
		cp_pgrp_clear(pgrp);
		if (op == CP_PGRP_HUP)
			cp_pgrp_hup(pgrp);
	}
	*out = *q;
	out->members = cpu_to_be32(c.members);
	out->connected = cpu_to_be32(c.connected);
	out->stopped = cpu_to_be32(c.stopped);
	return sizeof(*out);
}
