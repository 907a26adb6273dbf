/* SPDX-License-Identifier: GPL-2.0 */
/*
 * page_view.h - keep watching a page after it has left a memslot.
 *
 * Once an unmap has run, the page the slot had may live on: in a shared
 * file, readable through another mapping of it (page_view_map()), or
 * nowhere but in the references a pipe holds after vmsplice()
 * (page_view_pin()): tee() + read() then show its current content without
 * consuming it. Either way page_view_read() copies what the host sees now,
 * and page_view_page() finds page i of that copy.
 */
#ifndef S2_PAGE_VIEW_H
#define S2_PAGE_VIEW_H

#include <stddef.h>
#include <stdint.h>

enum page_view_kind {
	VIEW_NONE,
	VIEW_MAP,	/* a mapping that survives the unmap */
	VIEW_PIN,	/* pages held by a vmsplice() pipe */
};

struct page_view {
	enum page_view_kind kind;
	char what[96];		/* for diagnostics: what is watched */
	uint8_t *map;		/* VIEW_MAP */
	int pipe[2];		/* VIEW_PIN */
	size_t page;		/* the size of one watched page */
	size_t stride;		/* VIEW_MAP: from one page to the next */
	size_t len;		/* bytes page_view_read() copies */
};

/*
 * Watch npages pages of page bytes, stride bytes apart from map (a
 * mapping the unmap leaves alone): only what the guest may store to, as
 * copying a 64K-page kernel's whole 512M slot twice took seconds.
 */
void page_view_map(struct page_view *v, void *map, unsigned int npages,
		   size_t page, size_t stride, const char *what);

/*
 * Hold npages pages of page bytes, stride bytes apart from hva, in a pipe
 * (16 fit its default size). A host store made after the vmsplice() to
 * word probe_word of each (the test must leave that word alone) has to
 * show through the pipe: if it does not, the kernel copied the pages and
 * the case is skipped.
 */
void page_view_pin(struct page_view *v, void *hva, unsigned int npages,
		   size_t page, size_t stride, unsigned int probe_word);

/* Copy the watched pages' current content (v->len bytes) to buf. */
void page_view_read(const struct page_view *v, uint8_t *buf);

static inline uint64_t page_view_pages(const struct page_view *v)
{
	return v->len / v->page;
}

/* Page i of a page_view_read() copy (for a pipe: the i-th held page). */
static inline uint64_t *page_view_page(const struct page_view *v,
				       uint8_t *buf, uint64_t i)
{
	return (uint64_t *)(buf + i * v->page);
}

#endif
