// SPDX-License-Identifier: GPL-2.0
/*
 * s2map.c - decode what KVM asked stage 2 to install, and judge the TLB
 * invalidations of an unmap (rows 60, 61). Pure logic: the host unit
 * tests feed it every layout and count.
 */
#include <stdio.h>
#include <string.h>

#include "expect_mode.h"
#include "s2map.h"

/*
 * Row 60. Read in the trees: 6.12 and 7.2 arch/arm64/include/asm/
 * kvm_pgtable.h; NORMAL_NC came with VM_ALLOW_ANY_UNCACHED in 6.9, the
 * X, W, R, DEVICE bits are those of 5.11's enum (6.1 has them). The
 * split of X into PX/UX (FEAT_XNX) moved every bit up by one somewhere
 * after 6.12; a kernel between the two trees read is not decoded.
 */
struct s2_layout s2_prot_layout(const struct kernel_facts *kf)
{
	struct s2_layout l = { S2_PROT_UNKNOWN, "" };

	if (!version_at_least(kf, 6, 9)) {
		l.id = S2_PROT_X0_DEV3;
		snprintf(l.reason, sizeof(l.reason), "row 60: before 6.9 "
			 "kvm_pgtable_prot is X 0, W 1, R 2, DEVICE 3 and has "
			 "no NORMAL_NC");
	} else if (!version_at_least(kf, 6, 13)) {
		l.id = S2_PROT_X0_NC4;
		snprintf(l.reason, sizeof(l.reason), "row 60: 6.9-6.12 "
			 "kvm_pgtable_prot is X 0, W 1, R 2, DEVICE 3, "
			 "NORMAL_NC 4 (6.12 kvm_pgtable.h)");
	} else if (version_at_least(kf, 7, 2)) {
		l.id = S2_PROT_PX0_NC5;
		snprintf(l.reason, sizeof(l.reason), "row 60: 7.2 "
			 "kvm_pgtable_prot is PX 0, UX 1, W 2, R 3, DEVICE 4, "
			 "NORMAL_NC 5 (7.2 kvm_pgtable.h)");
	} else {
		snprintf(l.reason, sizeof(l.reason), "row 60: the bits of "
			 "kvm_pgtable_prot moved between 6.12 and 7.2 (PX/UX); "
			 "%d.%d's are not known to the suite", kf->major,
			 kf->minor);
	}
	return l;
}

struct prot_bits {
	uint64_t r, w, x, device, nc;
};

static bool layout_bits(enum s2_prot_layout l, struct prot_bits *b)
{
	switch (l) {
	case S2_PROT_X0_DEV3:
		*b = (struct prot_bits){ 1 << 2, 1 << 1, 1 << 0, 1 << 3, 0 };
		return true;
	case S2_PROT_X0_NC4:
		*b = (struct prot_bits){ 1 << 2, 1 << 1, 1 << 0, 1 << 3,
					 1 << 4 };
		return true;
	case S2_PROT_PX0_NC5:
		/* The guest runs at EL1: PX is its execute permission. */
		*b = (struct prot_bits){ 1 << 3, 1 << 2, 1 << 0, 1 << 4,
					 1 << 5 };
		return true;
	case S2_PROT_UNKNOWN:
		break;
	}
	return false;
}

/* The software bits (55-58) carry no attribute. */
#define PROT_SW_BITS	(0xfULL << 55)

bool s2_prot_decode(enum s2_prot_layout l, uint64_t prot,
		    struct s2_mapping *m)
{
	struct prot_bits b;
	uint64_t known, ux = l == S2_PROT_PX0_NC5 ? 1 << 1 : 0;

	m->prot = prot;
	m->valid = false;
	if (!layout_bits(l, &b))
		return false;
	known = b.r | b.w | b.x | ux | b.device | b.nc | PROT_SW_BITS;
	if ((prot & ~known) || ((prot & b.device) && (prot & b.nc)))
		return false;
	m->r = prot & b.r;
	m->w = prot & b.w;
	m->x = prot & b.x;
	m->attr = (prot & b.device) ? S2_ATTR_DEVICE :
		  (prot & b.nc) ? S2_ATTR_NORMAL_NC : S2_ATTR_NORMAL;
	m->valid = true;
	return true;
}

int s2_size_level(uint64_t size, uint64_t page)
{
	int shift = __builtin_ctzll(page), level = 3;
	uint64_t s = page;

	if (!page || (page & (page - 1)))
		return -1;
	while (s < size && level > 0) {
		s <<= shift - 3;
		level--;
	}
	return s == size ? level : -1;
}

int s2_mapping_format(const struct s2_mapping *m, char *buf, size_t n)
{
	if (!m->valid)
		return snprintf(buf, n, "prot 0x%llx (bits the layout does "
				"not define) at 0x%llx",
				(unsigned long long)m->prot,
				(unsigned long long)m->ipa);
	return snprintf(buf, n, "%s %s%s %s, %llukB at 0x%llx (prot 0x%llx)",
			s2_attr_name(m->attr), m->r ? "R" : "-",
			m->w ? "W" : "-", m->x ? "X" : "XN",
			(unsigned long long)(m->size >> 10),
			(unsigned long long)m->ipa,
			(unsigned long long)m->prot);
}

struct expect expect_memtype_witness(enum s2_attr installed)
{
	if (installed == S2_ATTR_DEVICE)
		return make_expect(out_value(MEMTYPE_DEVICE), "row 60: the "
				   "guest's unaligned accesses fault on the "
				   "Device type KVM installed");
	return make_expect(out_value(MEMTYPE_NORMAL), "row 60: the guest's "
			   "unaligned accesses complete on the %s type KVM "
			   "installed", s2_attr_name(installed));
}

struct expect expect_installed_exec(bool executes)
{
	return make_expect(out_value(executes), "row 60: an instruction "
			   "fetch %s, so the installed prot %s the X bit",
			   executes ? "completes" : "is refused",
			   executes ? "has" : "lacks");
}

void tlbi_count_init(struct tlbi_count *c, uint64_t ipa, uint64_t page,
		     unsigned int pages)
{
	int k;

	memset(c, 0, sizeof(*c));
	for (k = 0; k < TLBI_K_NR; k++)
		c->n[k] = -1;
	c->ipa = ipa;
	c->page = page;
	c->pages = pages > TLBI_MAX_PAGES ? TLBI_MAX_PAGES : pages;
}

static void cover(struct tlbi_count *c, uint64_t addr, uint64_t size)
{
	uint64_t end = c->ipa + c->pages * c->page, i;

	if (addr + size <= c->ipa || addr >= end)
		return;
	for (i = 0; i < c->pages; i++) {
		uint64_t p = c->ipa + i * c->page;

		if (p + c->page > addr && p < addr + size)
			c->covered |= 1ULL << i;
	}
}

/*
 * A live probe counts from 0 on its first call. The per-IPA flush of a
 * freed table (level TLBI_TTL_UNKNOWN, INT_MAX, from 6.6; its own level
 * before) invalidates walks, not the leaves below it.
 */
void tlbi_count_add(struct tlbi_count *c, enum tlbi_kind k, uint64_t a,
		    uint64_t b)
{
	int32_t level = (int32_t)b;

	if (k >= TLBI_K_NR)
		return;
	if (c->n[k] < 0)
		c->n[k] = 0;
	switch (k) {
	case TLBI_K_IPA:
		if (level < -1 || level > 3) {
			c->table_ipa++;
			return;
		}
		c->n[k]++;
		cover(c, a, 1);
		return;
	case TLBI_K_RANGE:
	case TLBI_K_EL2_UNMAP:
		c->n[k]++;
		cover(c, a, b);
		return;
	case TLBI_K_VMID:
	case TLBI_K_REMOTE:
		c->n[k]++;
		cover(c, 0, ~0ULL);
		return;
	case TLBI_K_NR:
		break;
	}
}

static int popcount64(uint64_t v)
{
	return __builtin_popcountll(v);
}

int tlbi_count_name(const struct tlbi_count *c, char *buf, size_t n)
{
	uint64_t all = c->pages == 64 ? ~0ULL : (1ULL << c->pages) - 1;
	char kinds[80] = "";
	int len = 0;

	if (c->n[TLBI_K_EL2_UNMAP] > 0)
		len += snprintf(kinds + len, sizeof(kinds) - len, "+el2-unmap");
	if (c->n[TLBI_K_RANGE] > 0)
		len += snprintf(kinds + len, sizeof(kinds) - len, "+range");
	if (c->n[TLBI_K_IPA] > 0)
		len += snprintf(kinds + len, sizeof(kinds) - len, "+per-page");
	if (c->n[TLBI_K_VMID] > 0 || c->n[TLBI_K_REMOTE] > 0)
		snprintf(kinds + len, sizeof(kinds) - len, "+whole-VMID");
	if ((c->covered & all) != all)
		return snprintf(buf, n, "uncovered (%d of %u pages "
				"invalidated%s%s)", popcount64(c->covered & all),
				c->pages, kinds[0] ? ": " : "",
				kinds[0] ? kinds + 1 : "");
	return snprintf(buf, n, "%s", kinds + 1);
}

const char *tlbi_want_name(enum tlbi_want want)
{
	switch (want) {
	case TLBI_WANT_RANGE:
		return "range";
	case TLBI_WANT_PER_PAGE:
		return "per-page";
	case TLBI_WANT_EL2:
		return "el2-unmap";
	case TLBI_WANT_UNSEEN:
		break;
	}
	return "unseen";
}

static struct expect unseen(const char *why)
{
	struct expect e = make_expect(out_value(TLBI_WANT_UNSEEN),
				      "row 61: %s", why);

	e.unknown = true;
	return e;
}

/*
 * Row 61, from row 40's rule: before 6.6 one TLBI IPA per leaf; from 6.6
 * one range TLBI per walk iff TLBIRANGE and FWB. The MMU-notifier paths
 * (kvm_unmap_gfn_range() returns false) and a slot delete
 * (kvm_arch_flush_shadow_memslot()) have only the walker's invalidation,
 * so nothing else: no whole-VMID flush. Which of them a host kprobe sees
 * depends on the mode: nVHE runs __kvm_tlb_flush_vmid_ipa at EL2, and
 * protected mode the whole unmap.
 */
struct expect expect_unmap_invalidation(const struct kernel_facts *kf)
{
	bool range = version_at_least(kf, 6, 6) && kf->tlbirange > 0 &&
		     kf->fwb > 0;

	if (mode_hyp_owns_s2(kf))
		return make_expect(out_value(TLBI_WANT_EL2), "row 61: in "
				   "protected mode the host hands every "
				   "unmapped page to EL2 "
				   "(pkvm_pgtable_stage2_unmap); the TLBIs "
				   "run there, out of a kprobe's sight, so "
				   "their kind is not judged");
	switch (kf->mode) {
	case KVM_MODE_UNKNOWN:
	case KVM_MODE_NR:
		return unseen("the KVM mode is unknown (no init line, no "
			      "telling cap), so which TLBI a host kprobe can "
			      "see is too");
	case KVM_MODE_VHE:
	case KVM_MODE_NVHE:
	case KVM_MODE_PROTECTED:	/* 6.x: the host's walk, TLBIs at EL2 */
	case KVM_MODE_NESTED:
		break;
	}
	if (version_at_least(kf, 6, 6) && (kf->tlbirange < 0 || kf->fwb < 0))
		return unseen("6.6+ invalidates by range iff "
			      "TLBIRANGE and FWB, and the kernel log does not "
			      "say whether the CPU has them");
	if (range)
		return make_expect(out_value(TLBI_WANT_RANGE), "row 61: 6.6+ "
				   "with TLBIRANGE and FWB: range TLBIs "
				   "(kvm_tlb_flush_vmid_range) cover every "
				   "unmapped page, no leaf or whole-VMID "
				   "flush");
	if (kf->mode == KVM_MODE_NVHE || kf->mode == KVM_MODE_PROTECTED)
		return unseen("without range TLBI the per-leaf "
			      "TLBI runs at EL2 in nVHE "
			      "(__kvm_nvhe___kvm_tlb_flush_vmid_ipa, "
			      "kprobes blacklisted): no host probe counts "
			      "it");
	return make_expect(out_value(TLBI_WANT_PER_PAGE), "row 61: %s: one "
			   "TLBI IPA per unmapped leaf "
			   "(__kvm_tlb_flush_vmid_ipa), no range or whole-VMID "
			   "flush", version_at_least(kf, 6, 6) ?
			   "6.6+ without TLBIRANGE+FWB" : "before 6.6");
}
