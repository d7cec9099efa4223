// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc pid holds: a pid of this node's range that a process on
 * another node still uses.
 *
 * When a node goes down, its peers' processes whose parent ran there are
 * adopted where they run (remote_child.c, cp_job_adopt()): they live on,
 * with pids of the down node's range. That node, once back (rebooted, or
 * a partition healed), reports them dead and may hand their pids out
 * again; one pid would then name two processes. So each peer, when the
 * node is up, sends it the list of such pids it runs (CP_MSG_HOLD SYNC),
 * and one DROP for each as it dies; this node holds each listed pid with
 * a zombie (cp_rparent_hold()): no fork here can take it while it is
 * held, and kill(2) or ptrace(2) of it here reach the process on the
 * holder's node (pids.c, cp_local_location()).
 *
 * Consistency: a SYNC replaces what the sender held here before: pids no
 * longer listed are released, new ones held. A pid already in use here
 * (handed out before the SYNC came, or held for another node) is refused,
 * and the sender kills that orphan: a process may die of the failure,
 * but one pid never names two processes. A sender's SYNC and DROPs leave
 * its ordered outbound queue in the order of its process exits, so a
 * DROP never overtakes the SYNC that listed its pid. A peer whose module
 * is a new instance (rebooted, reloaded) holds no orphans any more: its
 * holds are released when it comes up (cp_holds_node_up()); a peer that
 * only went away (a partition) keeps them until its SYNC says otherwise.
 *
 * Locking: cp_holds_mutex serialises the handler and the releases; the
 * holder zombies are made and reaped in process context, with no lock
 * of the base kernel held.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/clusterproc.h>
#include <linux/delay.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include "cp_internal.h"
#include "cp_proc.h"

struct cp_hold_rec {
	struct list_head link;
	pid_t pid;
	unsigned int holder;	/* the node the process runs on */
};

static LIST_HEAD(cp_holds);
static DEFINE_MUTEX(cp_holds_mutex);
static unsigned int cp_nholds;	/* under cp_holds_mutex; read racily */

/* live_holds: the pids held here now */
unsigned int cp_holds_live(void)
{
	return READ_ONCE(cp_nholds);
}

static struct cp_hold_rec *cp_hold_find(pid_t pid)
{
	struct cp_hold_rec *h;

	list_for_each_entry(h, &cp_holds, link)
		if (h->pid == pid)
			return h;
	return NULL;
}

/* Reap the zombie that holds @h's pid, and forget @h. Mutex held. */
static void cp_hold_release(struct cp_hold_rec *h)
{
	struct task_struct *t;
	struct cp_proc *p;

	rcu_read_lock();
	t = pid_task(find_vpid(h->pid), PIDTYPE_PID);
	p = t ? cp_proc_of(t) : NULL;
	if (p && p->kind == CP_PROC_HOLD)
		get_task_struct(t);
	else
		t = NULL;
	rcu_read_unlock();
	/* it exits right after telling cp_rparent_hold(): wait for that */
	for (int i = 0; t && !clusterproc_reap_standin(t) && i < 250; i++)
		msleep(20);
	if (t)
		put_task_struct(t);
	list_del(&h->link);
	cp_nholds--;
	kfree(h);
	cp_count(CP_STAT_HOLD_RELEASED);
}

static bool cp_hold_listed(const struct cp_hold *m, u32 n, pid_t pid)
{
	for (u32 i = 0; i < n; i++)
		if (be32_to_cpu(m->pid[i]) == pid)
			return true;
	return false;
}

/* SYNC from @src: hold what @m lists, release the rest; @r: refused */
static void cp_hold_sync_from(unsigned int src, const struct cp_hold *m,
			      u32 n, struct cp_hold *r)
{
	struct cp_hold_rec *h, *tmp;
	u32 refused = 0;

	list_for_each_entry_safe(h, tmp, &cp_holds, link)
		if (h->holder == src && !cp_hold_listed(m, n, h->pid))
			cp_hold_release(h);
	for (u32 i = 0; i < n; i++) {
		pid_t pid = be32_to_cpu(m->pid[i]);
		int err = -EEXIST;

		h = cp_hold_find(pid);
		if (h && h->holder == src)
			continue;
		if (!h && CP_PID_NODE(pid) == cp_self) {
			h = kzalloc(sizeof(*h), GFP_KERNEL);
			err = h ? cp_rparent_hold(pid, src) : -ENOMEM;
			if (!err) {
				h->pid = pid;
				h->holder = src;
				list_add_tail(&h->link, &cp_holds);
				cp_nholds++;
				cp_count(CP_STAT_HOLD_TAKEN);
				continue;
			}
			kfree(h);
		}
		cp_count(CP_STAT_HOLD_REFUSED);
		pr_info("node %u's adopted pid %d not held here: %d\n", src,
			pid, err);
		r->pid[refused++] = cpu_to_be32(pid);
	}
	r->op = cpu_to_be32(CP_HOLD_SYNC);
	r->count = cpu_to_be32(refused);
}

/**
 * cp_handle_hold() - CP_MSG_HOLD: pids of ours that the sender's adopted
 *	orphans hold
 * @rq: the request (struct cp_hold)
 * @reply: SYNC: struct cp_hold, the pids refused
 * @max: its room
 *
 * Return: reply length, or -EINVAL for a bad request (counted).
 */
int cp_handle_hold(const struct cp_request *rq, void *reply, size_t max)
{
	const struct cp_hold *m = rq->payload;
	u32 op = be32_to_cpu(m->op), n = be32_to_cpu(m->count);
	struct cp_hold_rec *h;

	cp_count(CP_STAT_SVR_HOLD);
	if (n > CP_HOLD_MAX || (op != CP_HOLD_SYNC && op != CP_HOLD_DROP) ||
	    (op == CP_HOLD_SYNC && max < sizeof(struct cp_hold))) {
		cp_count(CP_STAT_BAD_FIELD);
		return -EINVAL;
	}
	mutex_lock(&cp_holds_mutex);
	if (op == CP_HOLD_SYNC) {
		cp_hold_sync_from(rq->src_node, m, n, reply);
	} else {
		for (u32 i = 0; i < n; i++) {
			h = cp_hold_find(be32_to_cpu(m->pid[i]));
			if (h && h->holder == rq->src_node)
				cp_hold_release(h);
		}
	}
	mutex_unlock(&cp_holds_mutex);
	return op == CP_HOLD_SYNC ? sizeof(struct cp_hold) : 0;
}

/**
 * cp_holds_node_up() - membership: @node is up
 * @node: its number
 * @new_instance: its module is not the one that asked for the holds
 *
 * A new instance runs no orphan of ours: what it held here is released.
 * From the topology thread (process context).
 */
void cp_holds_node_up(unsigned int node, bool new_instance)
{
	struct cp_hold_rec *h, *tmp;

	if (!new_instance)
		return;
	mutex_lock(&cp_holds_mutex);
	list_for_each_entry_safe(h, tmp, &cp_holds, link)
		if (h->holder == node)
			cp_hold_release(h);
	mutex_unlock(&cp_holds_mutex);
}

/**
 * cp_holds_stop() - release every hold (the module is going away)
 */
void cp_holds_stop(void)
{
	struct cp_hold_rec *h, *tmp;

	mutex_lock(&cp_holds_mutex);
	list_for_each_entry_safe(h, tmp, &cp_holds, link)
		cp_hold_release(h);
	mutex_unlock(&cp_holds_mutex);
}
