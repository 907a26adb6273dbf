// SPDX-License-Identifier: GPL-2.0
/*
 * host_numa.c - NUMA node discovery and page migration through libnuma
 * (linked statically; vm/deps.sh installs libnuma-dev).
 */
#include <errno.h>
#include <numa.h>
#include <numaif.h>

#include "host_numa.h"

int host_numa_other(int node)
{
	int n;

	if (numa_available() < 0)
		return -1;
	for (n = 0; n <= numa_max_node(); n++) {
		/* numa_node_size64() is the node's memory: CPUs not needed. */
		if (n != node && numa_bitmask_isbitset(numa_nodes_ptr, n) &&
		    numa_node_size64(n, NULL) > 0)
			return n;
	}
	return -1;
}

static int move_page(void *hva, const int *to, int *status)
{
	void *pages[1] = { hva };

	*status = -1;
	if (numa_move_pages(0, 1, pages, to, status, to ? MPOL_MF_MOVE : 0))
		return -errno;
	return 0;
}

int host_page_node(void *hva)
{
	int status, ret = move_page(hva, NULL, &status);

	return ret ? ret : status;
}

int host_page_migrate(void *hva, int node, int *status)
{
	return move_page(hva, &node, status);
}
