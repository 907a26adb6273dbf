// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - read one counter from KVM's binary statistics (5.14+).
 *
 * Used as an observation channel: "exits" counts every exit to the host
 * kernel, stage-2 faults included, so it tells how many faults it took to
 * map a range, i.e. whether KVM mapped it with blocks or with pages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvm_ioctl.h"
#include "verdict.h"
#include "vm.h"

static int find_stat(int fd, const char *name, uint64_t *val)
{
	struct kvm_stats_header h;
	size_t dsize;
	char *descs;
	uint32_t i;
	int ret = -ENOENT;

	if (pread(fd, &h, sizeof(h), 0) != sizeof(h))
		return -errno;
	dsize = sizeof(struct kvm_stats_desc) + h.name_size;
	descs = calloc(h.num_desc, dsize);
	if (!descs)
		return -ENOMEM;
	if (pread(fd, descs, h.num_desc * dsize, h.desc_offset) !=
	    (ssize_t)(h.num_desc * dsize)) {
		free(descs);
		return -EIO;
	}
	for (i = 0; i < h.num_desc; i++) {
		struct kvm_stats_desc *d = (void *)(descs + i * dsize);

		if (strcmp(d->name, name))
			continue;
		ret = pread(fd, val, sizeof(*val), h.data_offset + d->offset)
		      == sizeof(*val) ? 0 : -EIO;
		break;
	}
	free(descs);
	return ret;
}

static const char *const stat_names[VCPU_STAT_NR] = {
	[VCPU_STAT_EXITS] = "exits",
};

int __vcpu_stat(struct vcpu *vcpu, enum vcpu_stat_id id, uint64_t *val)
{
	int fd = ioctl(vcpu->fd, KVM_GET_STATS_FD, NULL);
	int ret;

	if (fd < 0)
		return -errno;
	ret = find_stat(fd, stat_names[id], val);
	close(fd);
	return ret;
}

uint64_t vcpu_stat(struct vcpu *vcpu, enum vcpu_stat_id id)
{
	uint64_t val = 0;
	int ret = __vcpu_stat(vcpu, id, &val);

	if (ret)
		test_skip("no \"%s\" vCPU statistic: %s", stat_names[id],
			  strerror(-ret));
	return val;
}
