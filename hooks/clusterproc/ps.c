// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc process lists: each node reports its thread groups a page
 * at a time (CP_MSG_PS); debugfs "ps" prints the whole cluster's.
 */
#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "cp_internal.h"
#include "cp_proc.h"

static void cp_ps_fill(struct cp_ps_entry *e, struct task_struct *t)
{
	static const char states[] = "RSDTtXZPI";
	unsigned int st = task_state_index(t);
	struct cp_proc *p = cp_proc_of(t);

	memset(e, 0, sizeof(*e));
	e->pid = cpu_to_be32(task_tgid_nr(t));
	e->ppid = cpu_to_be32(p && p->kind == CP_PROC_RCHILD ?
			      READ_ONCE(p->ppid) :
			      task_tgid_nr(rcu_dereference(t->real_parent)));
	e->pgrp = cpu_to_be32(task_pgrp_nr_ns(t, &init_pid_ns));
	e->sid = cpu_to_be32(task_session_nr_ns(t, &init_pid_ns));
	e->uid = cpu_to_be32(from_kuid(&init_user_ns, task_uid(t)));
	e->state = st < sizeof(states) - 1 ? states[st] : '?';
	e->flags = (t->flags & PF_KTHREAD) ? CP_PS_KTHREAD : 0;
	get_task_comm(e->comm, t);
}

/**
 * cp_handle_ps() - server side of CP_MSG_PS: one page of thread groups
 * @rq: the request (payload struct cp_ps_req)
 * @reply: struct cp_ps_reply to fill in
 * @max: its room
 *
 * Return: the reply length.
 */
int cp_handle_ps(const struct cp_request *rq, void *reply, size_t max)
{
	const struct cp_ps_req *req = rq->payload;
	struct cp_ps_reply *out = reply;
	unsigned int n = 0, room;
	int nr = be32_to_cpu(req->start);
	struct pid *pid;

	room = min_t(size_t, CP_PS_PAGE,
		     (max - sizeof(*out)) / sizeof(out->e[0]));
	out->next = 0;
	if (nr < 1)
		nr = 1;
	rcu_read_lock();
	while ((pid = find_ge_pid(nr, &init_pid_ns))) {
		struct task_struct *t = pid_task(pid, PIDTYPE_TGID);

		nr = pid_nr(pid);
		/* a stand-in's process is listed by the node it runs on */
		if (t && (t->flags & (PF_REMOTE | PF_KTHREAD)) == PF_REMOTE)
			t = NULL;
		if (t) {
			if (n == room) {
				out->next = cpu_to_be32(nr);
				break;
			}
			cp_ps_fill(&out->e[n++], t);
		}
		nr++;
	}
	rcu_read_unlock();
	out->count = cpu_to_be32(n);
	return sizeof(*out) + n * sizeof(out->e[0]);
}

static int cp_ps_show_node(struct seq_file *m, unsigned int node,
			   struct cp_ps_reply *r, size_t rmax)
{
	struct cp_ps_req req = { .start = cpu_to_be32(1) };
	unsigned int i, count;
	size_t len;
	int err;

	do {
		err = cp_call(node, CP_MSG_PS, &req, sizeof(req), r, rmax,
			      &len);
		if (err)
			return err;
		count = be32_to_cpu(r->count);
		if (len != sizeof(*r) + count * sizeof(r->e[0]))
			return -EPROTO;
		for (i = 0; i < count; i++) {
			const struct cp_ps_entry *e = &r->e[i];

			seq_printf(m, "%u %u %u %u %u %u %c %s%.16s%s\n", node,
				   be32_to_cpu(e->pid), be32_to_cpu(e->ppid),
				   be32_to_cpu(e->pgrp), be32_to_cpu(e->sid),
				   be32_to_cpu(e->uid), e->state,
				   e->flags & CP_PS_KTHREAD ? "[" : "",
				   e->comm,
				   e->flags & CP_PS_KTHREAD ? "]" : "");
		}
		req.start = r->next;
	} while (r->next && !seq_has_overflowed(m));
	return 0;
}

/**
 * cp_ps_show_cluster() - print every up node's thread groups
 * @m: the seq_file
 *
 * Return: 0; a node that fails is reported in a comment line.
 */
int cp_ps_show_cluster(struct seq_file *m)
{
	DECLARE_BITMAP(map, CP_MAX_NODES + 1);
	size_t rmax = sizeof(struct cp_ps_reply) +
		      CP_PS_PAGE * sizeof(struct cp_ps_entry);
	struct cp_ps_reply *r = kmalloc(rmax, GFP_KERNEL);
	unsigned int n;
	int err;

	if (!r)
		return -ENOMEM;
	seq_puts(m, "# node pid ppid pgrp sid uid state comm\n");
	cp_nodes_up(map);
	for_each_set_bit(n, map, CP_MAX_NODES + 1) {
		err = cp_ps_show_node(m, n, r, rmax);
		if (err)
			seq_printf(m, "# node %u: error %d\n", n, err);
	}
	kfree(r);
	return 0;
}
