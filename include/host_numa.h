/* SPDX-License-Identifier: GPL-2.0 */
/*
 * host_numa.h - where a host page lives and moving it, through libnuma.
 * Nodes are the ones with memory, CPU-less (memory-only) nodes included:
 * a migration target need not run anything.
 */
#ifndef S2_HOST_NUMA_H
#define S2_HOST_NUMA_H

#include <stdint.h>

/* A node with memory other than node, or -1 when there is none. */
int host_numa_other(int node);
/* The node of the page at hva, or -errno. */
int host_page_node(void *hva);
/*
 * Move the page at hva to node: 0 or -errno from move_pages(), and in
 * *status the node the page is on now, or -errno for the page.
 */
int host_page_migrate(void *hva, int node, int *status);
/* Free hugetlb pages of size bytes on node (-1: all nodes), or -errno. */
long host_numa_free_huge(int node, uint64_t size);

/* Take [hva, +len)'s future pages from node only (mbind): 0 or -errno. */
int host_bind_node(void *hva, uint64_t len, int node);

#endif
