// SPDX-License-Identifier: GPL-2.0
/*
 * host_numa.c - NUMA node discovery and page migration through libnuma
 * (linked statically; vm/deps.sh installs libnuma-dev).
 */
#include <errno.h>
#include <numa.h>
#include <numaif.h>
#include <stdint.h>
#include <stdio.h>

#include "host_numa.h"

/*
 * libnuma's node-string parser (numa_parse_nodestring(), never called
 * here) resolves "netdev:" and "ip:" names with getaddrinfo(), which
 * glibc warns about in every static binary. This stands in for that
 * resolver, answering what it answers for a plain node list (libnuma's
 * NO_IO_AFFINITY), so its objects stay out of the tests.
 */
int resolve_affinity(const char *id, struct bitmask *mask);
int resolve_affinity(const char *id, struct bitmask *mask)
{
	return -2;
}

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

long host_numa_free_huge(int node, uint64_t size)
{
	char path[112];
	long n = -1;
	FILE *f;

	if (node < 0)
		snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/"
			 "hugepages-%llukB/free_hugepages",
			 (unsigned long long)(size >> 10));
	else
		snprintf(path, sizeof(path), "/sys/devices/system/node/"
			 "node%d/hugepages/hugepages-%llukB/free_hugepages",
			 node, (unsigned long long)(size >> 10));
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (fscanf(f, "%ld", &n) != 1)
		n = -EINVAL;
	fclose(f);
	return n;
}

int host_bind_node(void *hva, uint64_t len, int node)
{
	unsigned long mask[16] = { 0 };

	if (node < 0 || node >= (int)(sizeof(mask) * 8))
		return -EINVAL;
	mask[node / 64] = 1UL << (node % 64);
	if (mbind(hva, len, MPOL_BIND, mask, sizeof(mask) * 8, 0))
		return -errno;
	return 0;
}
