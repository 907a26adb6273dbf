"""bench.py - the benchmark's figures for people (--bench SVG): per column
a table of ns per stage-2 page at each size with the fitted slope and its
r², and the cost-against-size curves as an SVG, a baseline's panels
beside this run's.

The figures are unmap_bench's metrics (arm64/unmap_bench.c,
lib/model/bench_stats.c): unmap.BACKING.OP.<N>M.ns_per_page (median of
the repeats) and .ns_per_gib, unmap.BACKING.OP.slope_ns_per_page and .r2
(the fit of time against size), unmap.tlbi_range[_expected].
"""

import math
import re
from xml.sax.saxutils import escape

from .records import *  # noqa: F401,F403


POINT = re.compile(r"^unmap\.([^.]+)\.([^.]+)\.([0-9]+)M\.(ns_per_page"
                   r"|ns_per_gib)$")
FIT = re.compile(r"^unmap\.([^.]+)\.([^.]+)\.(slope_ns_per_page|r2)$")


class Curve:
    """One backing x operation of a column: ns/page by size (MiB)."""

    def __init__(self, backing, op):
        self.backing = backing
        self.op = op
        self.ns = {}            # MiB -> ns per page (median)
        self.gib = {}           # MiB -> ns per GiB (median)
        self.slope = None
        self.r2 = None

    @property
    def name(self):
        return "%s %s" % (self.backing, self.op)

    def granule(self):
        """The stage-2 page the figures are per: pages per GiB is the
        ratio of the two medians (one set of samples, two scales)."""
        for mib, ns in self.ns.items():
            g = self.gib.get(mib)
            if ns and g:
                return size_name(2 ** round(math.log2(2 ** 30 * ns / g)))
        return ""


def size_name(b):
    for unit, shift in (("G", 30), ("M", 20), ("K", 10)):
        if b >= 1 << shift and b % (1 << shift) == 0:
            return "%d%s" % (b >> shift, unit)
    return "%dB" % b


def mib_name(mib):
    return size_name(mib << 20)


def value(m):
    v = number(m.observed)
    return v if isinstance(v, (int, float)) else None


def curves(col):
    """The column's curves, in the order the benchmark measured them."""
    out = {}
    for m in col.metrics:
        p, f = POINT.match(m.case), FIT.match(m.case)
        v = value(m)
        if v is None or not (p or f):
            continue
        c = out.setdefault((p or f).group(1, 2), Curve(*(p or f).group(1, 2)))
        if p and p.group(4) == "ns_per_page":
            c.ns[int(p.group(3))] = v
        elif p:
            c.gib[int(p.group(3))] = v
        elif f.group(3) == "r2":
            c.r2 = v
        else:
            c.slope = v
    return [c for c in out.values() if c.ns]


def tlbi_line(col):
    """Row 40 as the benchmark saw it, or None."""
    ms = {m.case: value(m) for m in col.metrics}
    if "unmap.tlbi_range" not in ms and "unmap.tlbi_range_expected" not in ms:
        return None
    name = {1: "range", 0: "per-leaf", -1: "unknown", None: "not measured"}
    line = "TLBI on unmap: %s (row 40 expects %s)" % (
        name.get(ms.get("unmap.tlbi_range"), "?"),
        name.get(ms.get("unmap.tlbi_range_expected"), "?"))
    for r in col.cases.values():
        if r.case.endswith("tlbi_strategy"):
            line += ": %s" % r.status
            if r.status == "SKIP" and r.reason:
                line += " (%s)" % r.reason
    return line


def fmt(v, prec=0):
    return "-" if v is None else "%.*f" % (prec, v)


def bench_table(col, out, base=None):
    """The column's table: a block per backing, a line per operation;
    with a baseline column, its slope and the ratio beside."""
    cs = curves(col)
    if not cs:
        return
    bcurves = {c.name: c for c in curves(base)} if base is not None else {}
    out.append("benchmark %s: ns per stage-2 page (median) by slot size; "
               "slope: ns/page of time fitted over size, r2 its fit"
               % col.label)
    if base is not None:
        out.append("  (baseline %s: its slope, and this run's over it)"
                   % base.label)
    backings = []
    for c in cs:
        if c.backing not in backings:
            backings.append(c.backing)
    title = {b: "%s (%s)" % (b, [c for c in cs if c.backing == b][0]
                             .granule()) for b in backings}
    width = max([len(c.op) + 4 for c in cs] +
                [len(t) + 2 for t in title.values()])
    for b in backings:
        rows = [c for c in cs if c.backing == b]
        sizes = sorted({s for c in rows for s in c.ns})
        head = "  %-*s" % (width - 2, title[b])
        head += "".join("%10s" % mib_name(s) for s in sizes)
        head += "%11s %6s" % ("slope", "r2")
        if base is not None:
            head += "%11s %6s" % ("base slope", "ratio")
        out.append(head)
        for c in rows:
            line = "    %-*s" % (width - 4, c.op)
            line += "".join("%10s" % fmt(c.ns.get(s)) for s in sizes)
            line += "%11s %6s" % (fmt(c.slope, 1), fmt(c.r2, 3))
            if base is not None:
                bc = bcurves.get(c.name)
                bs = bc.slope if bc else None
                ratio = (c.slope / bs if bs and c.slope is not None
                         else None)
                line += "%11s %6s" % (fmt(bs, 1), fmt(ratio, 2))
            out.append(line.rstrip())
    t = tlbi_line(col)
    if t:
        out.append("  " + t)


# --- the picture ---------------------------------------------------------

# One colour per operation, one marker per backing: a line is both.
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
           "#8c564b", "#e377c2", "#17becf")
MARKERS = ("circle", "square", "triangle", "diamond", "cross")
PANEL_W, PANEL_H = 460, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 44, 44


def marker(kind, x, y, colour):
    r = 3.5
    if kind == "circle":
        return '<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s"/>' % (
            x, y, r, colour)
    if kind == "square":
        return ('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" '
                'fill="%s"/>' % (x - r, y - r, 2 * r, 2 * r, colour))
    if kind == "triangle":
        pts = ((x, y - r - 1), (x - r - 1, y + r), (x + r + 1, y + r))
    elif kind == "diamond":
        pts = ((x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y))
    else:
        return ('<path d="M%.1f %.1fL%.1f %.1fM%.1f %.1fL%.1f %.1f" '
                'stroke="%s" stroke-width="2"/>' % (
                    x - r, y - r, x + r, y + r, x - r, y + r, x + r, y - r,
                    colour))
    return '<polygon points="%s" fill="%s"/>' % (
        " ".join("%.1f,%.1f" % p for p in pts), colour)


def log_ticks(lo, hi):
    """1-2-5 steps between lo and hi (both > 0), at least the decades."""
    ticks = []
    e = math.floor(math.log10(lo))
    while 10 ** e <= hi:
        for m in (1, 2, 5):
            v = m * 10 ** e
            if lo <= v <= hi:
                ticks.append(v)
        e += 1
    if len(ticks) > 8:
        ticks = [t for t in ticks if str(int(t))[0] == "1"] or ticks
    return ticks


def ns_name(v):
    for unit, scale in (("ms", 1e6), ("us", 1e3)):
        if v >= scale:
            return "%g %s" % (v / scale, unit)
    return "%g ns" % v


class Axes:
    """Log-log: size (MiB) across, ns per page up; every panel alike."""

    def __init__(self, panels):
        sizes = [s for _, cs in panels for c in cs for s in c.ns]
        vals = [v for _, cs in panels for c in cs for v in c.ns.values()
                if v > 0]
        self.x0, self.x1 = math.log(min(sizes)), math.log(max(sizes))
        if self.x1 - self.x0 < 1e-9:
            self.x0, self.x1 = self.x0 - 1, self.x1 + 1
        pad = 0.06 * (self.x1 - self.x0)
        self.x0, self.x1 = self.x0 - pad, self.x1 + pad
        lo, hi = min(vals) / 1.3, max(vals) * 1.3
        self.y0, self.y1 = math.log(lo), math.log(hi)
        self.sizes = sorted(set(sizes))
        self.yticks = log_ticks(lo, hi)

    def x(self, mib):
        w = PANEL_W - LEFT - RIGHT
        return LEFT + (math.log(mib) - self.x0) / (self.x1 - self.x0) * w

    def y(self, ns):
        h = PANEL_H - TOP - BOTTOM
        return TOP + h - (math.log(ns) - self.y0) / (self.y1 - self.y0) * h


def panel(ax, title, cs, style, dashed):
    """One column's curves, at its own origin (translated by the caller)."""
    p = []
    x0, x1 = LEFT, PANEL_W - RIGHT
    y0, y1 = TOP, PANEL_H - BOTTOM
    p.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" '
             'stroke="#888"/>' % (x0, y0, x1 - x0, y1 - y0))
    last = -100
    for s in ax.sizes:
        x = ax.x(s)
        p.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#eee"/>'
                 % (x, y0, x, y1))
        if x - last < 30:
            continue    # sizes too close to label both (64M, 96M)
        last = x
        p.append('<text x="%.1f" y="%d" font-size="10" text-anchor="middle"'
                 '>%s</text>' % (x, y1 + 14, mib_name(s)))
    for t in ax.yticks:
        y = ax.y(t)
        p.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#eee"/>'
                 % (x0, y, x1, y))
        p.append('<text x="%d" y="%.1f" font-size="10" text-anchor="end">'
                 '%s</text>' % (x0 - 4, y + 3.5, ns_name(t)))
    p.append('<text x="%d" y="%d" font-size="13" font-weight="bold" '
             'text-anchor="middle">%s</text>' % (PANEL_W // 2, 18,
                                                 escape(title)))
    p.append('<text x="%d" y="%d" font-size="10" text-anchor="middle">'
             'slot size (log scale)</text>' % ((x0 + x1) // 2, y1 + 30))
    for c in cs:
        colour, mk = style[c.name]
        pts = [(ax.x(s), ax.y(v)) for s, v in sorted(c.ns.items()) if v > 0]
        if len(pts) > 1:
            p.append('<polyline fill="none" stroke="%s" stroke-width="1.5"%s'
                     ' points="%s"><title>%s</title></polyline>' % (
                         colour, ' stroke-dasharray="5,3"' if dashed else "",
                         " ".join("%.1f,%.1f" % q for q in pts),
                         escape(c.name)))
        p.extend(marker(mk, x, y, colour) for x, y in pts)
    return p


def col_title(c):
    rel = c.get("release")
    return c.label + (" (%s)" % rel if rel and rel != c.label else "")


def bench_svg(cols, base_cols=()):
    """The SVG text, or None when no column has benchmark figures."""
    panels = [(col_title(c), curves(c)) for c in cols]
    panels += [("baseline " + col_title(c), curves(c)) for c in base_cols]
    panels = [(t, cs) for t, cs in panels if cs]
    if not panels:
        return None
    ops, backings, names = [], [], []
    for _, cs in panels:
        for c in cs:
            if c.op not in ops:
                ops.append(c.op)
            if c.backing not in backings:
                backings.append(c.backing)
            if c.name not in names:
                names.append(c.name)
    style, grans = {}, {}
    for _, cs in panels:
        for c in cs:
            grans.setdefault(c.name, set()).add(c.granule())
            style[c.name] = (COLOURS[ops.index(c.op) % len(COLOURS)],
                             MARKERS[backings.index(c.backing) % len(MARKERS)])
    # The granule where every panel agrees (4K pages or 16K: anon_4k's
    # differs).
    label = {n: n.replace(" ", " (%s) " % min(g), 1) if len(g) == 1 else n
             for n, g in grans.items()}
    ax = Axes(panels)
    per_row = 2
    ncols = min(per_row, len(panels))
    nrows = (len(panels) + per_row - 1) // per_row
    legend_w = 40 + 7 * max(len(t) for t in label.values())
    width = PANEL_W * ncols + legend_w
    height = 40 + max(PANEL_H * nrows, TOP + 16 * len(names) + 30)
    s = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
         'viewBox="0 0 %d %d" font-family="sans-serif">' % (
             width, height, width, height),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="12" y="24" font-size="15">unmap_bench: stage-2 teardown '
         'time per stage-2 page (median) against slot size</text>']
    for i, (title, cs) in enumerate(panels):
        s.append('<g transform="translate(%d,%d)">' % (
            PANEL_W * (i % per_row), 40 + PANEL_H * (i // per_row)))
        if i % per_row == 0:
            s.append('<text transform="translate(14,%d) rotate(-90)" '
                     'font-size="10" text-anchor="middle">ns per page '
                     '(log scale)</text>' % (PANEL_H // 2))
        s.extend(panel(ax, title, cs, style, title.startswith("baseline ")))
        s.append("</g>")
    y = 40 + TOP + 6
    for i, n in enumerate(names):
        colour, mk = style[n]
        lx = PANEL_W * ncols
        ly = y + 16 * i
        s.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" '
                 'stroke-width="1.5"/>' % (lx, ly, lx + 24, ly, colour))
        s.append(marker(mk, lx + 12, ly, colour))
        s.append('<text x="%d" y="%d" font-size="11">%s</text>' % (
            lx + 30, ly + 4, escape(label[n])))
    if base_cols:
        s.append('<text x="%d" y="%d" font-size="10">baseline: dashed</text>'
                 % (PANEL_W * ncols, y + 16 * len(names) + 8))
    s.append("</svg>")
    return "\n".join(s) + "\n"
