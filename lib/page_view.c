// SPDX-License-Identifier: GPL-2.0
/*
 * page_view.c - the pre-unmap page, through a surviving mapping or a pipe.
 *
 * vmsplice() without SPLICE_F_GIFT takes references on the user pages and
 * queues them in the pipe; tee() duplicates those buffers into a second
 * pipe, whose read() copies the pages' content at that moment. The first
 * pipe keeps its references, so every page_view_read() sees the same
 * pages, whatever happened to the mapping they came from.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "page_view.h"
#include "verdict.h"

/* Stored through the mapping after the vmsplice(): the pipe must see it. */
#define PIN_VAL		0x70696e6e65647070ULL

void page_view_map(struct page_view *v, void *map, unsigned int npages,
		   size_t page, size_t stride, const char *what)
{
	v->kind = VIEW_MAP;
	v->map = map;
	v->len = (size_t)npages * page;
	v->page = page;
	v->stride = stride;
	snprintf(v->what, sizeof(v->what), "%s", what);
}

void page_view_read(const struct page_view *v, uint8_t *buf)
{
	int tmp[2];
	size_t off = 0;
	ssize_t n;

	if (v->kind == VIEW_MAP) {
		for (off = 0; off < v->len; off += v->page)
			memcpy(buf + off, v->map + off / v->page * v->stride,
			       v->page);
		return;
	}
	if (pipe(tmp))
		test_fail("pipe: %s", strerror(errno));
	n = tee(v->pipe[0], tmp[1], v->len, SPLICE_F_NONBLOCK);
	if (n != (ssize_t)v->len)
		test_fail("tee of the pinned pages: %zd of %zu bytes (%s)", n,
			  v->len, strerror(errno));
	while (off < v->len) {
		n = read(tmp[0], buf + off, v->len - off);
		if (n <= 0)
			test_fail("reading the pinned pages: %s",
				  strerror(errno));
		off += n;
	}
	close(tmp[0]);
	close(tmp[1]);
}

void page_view_pin(struct page_view *v, void *hva, unsigned int npages,
		   size_t page, size_t stride, unsigned int probe_word)
{
	struct iovec *iov = calloc(npages, sizeof(*iov));
	uint8_t *buf;
	uint64_t i, bad = 0;
	ssize_t n;

	if (!iov)
		test_fail("out of memory");
	if (pipe(v->pipe))
		test_fail("pipe: %s", strerror(errno));
	for (i = 0; i < npages; i++) {
		iov[i].iov_base = (uint8_t *)hva + i * stride;
		iov[i].iov_len = page;
	}
	n = vmsplice(v->pipe[1], iov, npages, SPLICE_F_NONBLOCK);
	if (n != (ssize_t)(npages * page))
		test_fail("vmsplice of %u pages: %zd (%s)", npages, n,
			  strerror(errno));
	v->kind = VIEW_PIN;
	snprintf(v->what, sizeof(v->what),
		 "%u pages held by a vmsplice() pipe", npages);
	v->len = npages * page;
	v->page = page;
	for (i = 0; i < npages; i++)
		((volatile uint64_t *)iov[i].iov_base)[probe_word] = PIN_VAL;
	buf = malloc(v->len);
	if (!buf)
		test_fail("out of memory");
	page_view_read(v, buf);
	for (i = 0; i < npages; i++)
		bad += page_view_page(v, buf, i)[probe_word] != PIN_VAL;
	free(buf);
	free(iov);
	if (bad)
		test_skip("the vmsplice() pipe does not see later stores to "
			  "%llu of %u pages: it holds copies, so the old page "
			  "cannot be watched", (unsigned long long)bad, npages);
}
