// SPDX-License-Identifier: GPL-2.0
/* unit_bench_stats.c - benchmark summaries, fits and tables. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_stats.h"
#include "unit.h"

#define NEAR(a, b)	(fabs((a) - (b)) < 1e-9 * (fabs((double)(b)) + 1))

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* What f(out, arg) wrote to a stream. */
static char *capture(void (*fn)(FILE *f, void *arg), void *arg)
{
	static char *buf;
	size_t len;
	FILE *f;

	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	fn(f, arg);
	fclose(f);
	return buf;
}

UNIT(stat_min_median_max)
{
	const uint64_t odd[] = { 50, 10, 30 };
	const uint64_t even[] = { 40, 10, 30, 20 };
	struct bench_stat s = bench_stat(odd, 3, 1);

	CHECK(s.min == 10 && s.med == 30 && s.max == 50);
	CHECK(odd[0] == 50);	/* sorted a copy */
	s = bench_stat(even, 4, 1);
	CHECK(s.min == 10 && s.med == 25 && s.max == 40);
	s = bench_stat(even, 4, 0.5);
	CHECK(s.min == 5 && s.med == 12.5 && s.max == 20);
}

UNIT(stat_one_none_and_huge_samples)
{
	const uint64_t one = 7, huge[] = { UINT64_MAX - 1, UINT64_MAX - 1 };
	struct bench_stat s = bench_stat(&one, 1, 2);

	CHECK(s.min == 14 && s.med == 14 && s.max == 14);
	s = bench_stat(&one, 0, 1);
	CHECK(isnan(s.min) && isnan(s.med) && isnan(s.max));
	/* The median of two huge samples does not wrap around. */
	s = bench_stat(huge, 2, 1);
	CHECK(NEAR(s.med, (double)(UINT64_MAX - 1)));
}

UNIT(fit_least_squares)
{
	const double x[] = { 64, 128, 256, 512 };
	const double lin[] = { 1000 + 64 * 50, 1000 + 128 * 50,
			       1000 + 256 * 50, 1000 + 512 * 50 };
	const double flat[] = { 900, 1100, 950, 1050 };
	struct bench_fit f = bench_fit_linear(x, lin, 4);

	CHECK(fabs(f.slope - 50) < 1e-9 && fabs(f.intercept - 1000) < 1e-6);
	CHECK(fabs(f.r2 - 1) < 1e-12 && f.linear == 1);
	f = bench_fit_linear(x, flat, 4);
	CHECK(f.linear == 0);
	f = bench_fit_linear(x, lin, 2);
	CHECK(f.linear == -1 && fabs(f.slope - 50) < 1e-9);
	f = bench_fit_linear(x, lin, 1);
	CHECK(f.linear == -1);
}

UNIT(fit_r2_and_degenerate_inputs)
{
	const double x[] = { 1, 2, 3, 4 }, same[] = { 2, 2, 2, 2 };
	const double y[] = { 1, 3, 2, 4 };	/* slope 0.8, r2 0.64 */
	const double down[] = { 40, 30, 20, 10 };
	struct bench_fit f = bench_fit_linear(x, y, 4);

	CHECK(NEAR(f.slope, 0.8) && NEAR(f.intercept, 0.5));
	CHECK(NEAR(f.r2, 0.64) && f.linear == 0);
	/* A perfect line downwards is not "linear cost". */
	f = bench_fit_linear(x, down, 4);
	CHECK(NEAR(f.slope, -10) && NEAR(f.r2, 1) && f.linear == 0);
	/* Every point at one size: no line. */
	f = bench_fit_linear(same, y, 4);
	CHECK(f.slope == 0 && f.linear == -1);
	/* A flat exact line explains everything there is. */
	f = bench_fit_linear(x, same, 4);
	CHECK(f.slope == 0 && f.r2 == 1 && f.linear == 0);
	CHECK(!strcmp(bench_linear_name(1), "yes"));
	CHECK(!strcmp(bench_linear_name(0), "no"));
	CHECK(!strcmp(bench_linear_name(-1), "n/a"));
}

static void table(FILE *f, void *arg)
{
	static const struct bench_col cols[] = {
		{ "name", -6 }, { "n", 4 }, { "time", 8 },
	};
	struct bench_table t = { f, cols, 3, 0 };

	bench_table_head(&t);
	bench_cell(&t, "%s", "ab");
	bench_cell(&t, "%d", 7);
	bench_cell(&t, "%.2f", 1.5);
	bench_row_end(&t, NULL);
	bench_cell(&t, "%s", "toolongname");
	bench_row_end(&t, "failed");
}

UNIT(table_cells_pad_like_printf)
{
	CHECK_STR(capture(table, NULL), "# name      n     time\n"
					"# ab        7     1.50\n"
					"# toolongname failed\n");
}

enum { ST_TOTAL, ST_PER_PAGE };

static const struct bench_col report_cols[] = {
	{ "kind", -5, BENCH_COL_LABEL, 0 },
	{ "op", -3, BENCH_COL_LABEL, 1 },
	{ "size", 6, BENCH_COL_SIZE },
	{ "ns/pg", 6, BENCH_COL_MED, ST_PER_PAGE, 2 },
	{ "range", 12, BENCH_COL_RANGE, ST_PER_PAGE, 2 },
	{ "us", 5, BENCH_COL_MED, ST_TOTAL, 1, 1e-3 },
};

/* kind a, op x: 100 ns + 1000 ns/MiB over 1, 2, 4 MiB (and a failure);
 * kind a, op y: one size only; kind b, op x: 2 sizes. 256 pages a MiB. */
static void report_fill(struct bench_report *r)
{
	static const struct { const char *kind, *op; int mib, status; }
	def[] = {
		{ "a", "x", 1, 0 }, { "a", "y", 1, 0 }, { "a", "x", 2, 0 },
		{ "b", "x", 1, 0 }, { "a", "x", 3, 1 }, { "a", "x", 4, 0 },
		{ "b", "x", 2, 4 }, { "b", "x", 8, 0 },
	};
	size_t i;

	memset(r, 0, sizeof(*r));
	r->metric_prefix = "t";
	r->nr_labels = 2;
	r->label_key[0] = "kind";
	r->label_key[1] = "op";
	r->cols = report_cols;
	r->nr_cols = sizeof(report_cols) / sizeof(report_cols[0]);
	r->nr_fit_labels = 2;
	r->fit_label[0] = 0;
	r->fit_label[1] = 1;
	r->total_stat = ST_TOTAL;
	for (i = 0; i < sizeof(def) / sizeof(def[0]); i++) {
		struct bench_row *row = bench_add_row(r);
		uint64_t ns = 100 + 1000 * def[i].mib, more = ns + 512;

		snprintf(row->name, sizeof(row->name), "%s.%s.%dM",
			 def[i].kind, def[i].op, def[i].mib);
		row->label[0] = def[i].kind;
		row->label[1] = def[i].op;
		row->size = def[i].mib;
		row->pages = 256.0 * def[i].mib;
		row->status = def[i].status;
		snprintf(row->why, sizeof(row->why), "why %zu", i);
		if (row->status)
			continue;
		row->stat[ST_TOTAL] = (struct bench_stat){ ns, ns, more };
		row->stat[ST_PER_PAGE] = (struct bench_stat){
			ns / row->pages, ns / row->pages, more / row->pages };
	}
}

UNIT(report_fits_groups_of_sizes)
{
	struct bench_report r;

	report_fill(&r);
	CHECK(r.nr_rows == 8);
	CHECK(bench_fit_rows(&r) == 2);
	/* a.x first (its first row comes first), then b.x; a.y: one size. */
	CHECK(r.fits[0].row == 0 && r.fits[0].n == 3);
	CHECK(NEAR(r.fits[0].min.slope, 1000));
	CHECK(NEAR(r.fits[0].min.intercept, 100));
	CHECK(r.fits[0].min.linear == 1);
	CHECK(r.fits[1].row == 3 && r.fits[1].n == 2);
	CHECK(r.fits[1].min.linear == -1);
	free(r.rows);
	free(r.fits);
}

static void report_table(FILE *f, void *arg)
{
	bench_print_table(arg, f);
}

static void report_fits(FILE *f, void *arg)
{
	bench_print_fits(arg, f);
}

UNIT(report_table_and_fits)
{
	struct bench_report r;
	const char *out;

	report_fill(&r);
	bench_fit_rows(&r);
	out = capture(report_table, &r);
	CHECK(starts(out, "# kind  op    size  ns/pg        range    us\n"
			  "# a     x       1M   4.30 (4.30..6.30)   1.1\n"));
	CHECK(strstr(out, "\n# a     x       3M failed\n") != NULL);
	CHECK(strstr(out, "\n# b     x       2M skipped\n") != NULL);
	out = capture(report_fits, &r);
	/* 1000 ns a MiB of 256 pages: 3.9 ns a page, ~1 ms a GiB. */
	CHECK(strstr(out, "\n# a     x       3         3.9      1.02 "
			  "         0.1  1.000    yes         3.9  1.000\n")
	      != NULL);
	CHECK(strstr(out, "# metric t.a.x.slope_ns_per_page=3.9 unit=ns\n")
	      != NULL);
	CHECK(strstr(out, "# metric t.b.x.r2=1.0000 unit=1\n") != NULL);
	free(r.rows);
	free(r.fits);
}
