/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vma.h - the VMA facts a backing declares and expectations read.
 */
#ifndef S2_MODEL_VMA_H
#define S2_MODEL_VMA_H


/* What KVM's predicates see in a memslot's VMA: one bit per fact. */
#define VMA_ANON	(1u << 0)	/* MAP_ANONYMOUS */
#define VMA_SHARED	(1u << 1)	/* VM_SHARED */
#define VMA_HUGETLB	(1u << 2)
#define VMA_SHMEM	(1u << 3)	/* shmem_file(): memfd, tmpfs */
#define VMA_FILE	(1u << 4)	/* regular page-cache file */
#define VMA_THP		(1u << 5)
#define VMA_PFNMAP	(1u << 6)	/* VM_PFNMAP|VM_IO */
#define VMA_DEVICE	(1u << 7)	/* pfns outside memblock: a PCI BAR */
#define VMA_DAX		(1u << 8)	/* ZONE_DEVICE pmem: fsdax, devdax */
#define VMA_DEVICE_PFN	(1u << 9)	/* pfns outside memblock, not a BAR */
#define VMA_CACHEABLE	(1u << 10)	/* vm_page_prot is Normal-WB */
#define VMA_ALLOW_ANY_UNCACHED (1u << 11) /* sets it where it exists */
#define VMA_TAIL_NOREF	(1u << 12)	/* non-compound blocks: tails ref 0 */
#define VMA_GMEM	(1u << 13)	/* KVM_MEM_GUEST_MEMFD slot */
#define VMA_GMEM_MMAP	(1u << 14)	/* GUEST_MEMFD_FLAG_MMAP */
#define VMA_GMEM_SHARED	(1u << 15)	/* GUEST_MEMFD_FLAG_INIT_SHARED */
#define VMA_SECRETMEM	(1u << 16)	/* memfd_secret(): GUP refuses it */

#endif
