/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench_stats.h - the numbers of a benchmark and how they are reported.
 *
 * Pure C on libc alone (the host unit tests build it natively), in three
 * layers:
 *
 *  - bench_stat(): min, median and max of a measurement's repeats;
 *    bench_fit_linear(): least-squares line and r² of cost over size;
 *  - bench_table: fixed-width columns on "# " lines, so a table sits
 *    inside TAP;
 *  - a report for benchmarks that time work over a size: rows (one
 *    measured configuration each: labels, size in MiB, pages in it, a
 *    bench_stat per metric), their table, and a fit of time against size
 *    per group of rows differing only in size, as a table and as
 *    "# metric" lines. JSON is the report program's (from the metrics).
 *
 * Rows with status 4 were skipped, other non-zero statuses failed: both
 * are listed, neither is summarised nor fitted.
 */
#ifndef S2_BENCH_STATS_H
#define S2_BENCH_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Summaries */

struct bench_stat {
	double min, med, max;
};

/* v[0..n) times scale (v is left alone); all NaN when n < 1. */
struct bench_stat bench_stat(const uint64_t *v, int n, double scale);

struct bench_fit {
	double slope, intercept, r2;
	/* slope > 0 and r2 >= 0.95 over >= 3 points: 1 yes, 0 no, -1 n/a */
	int linear;
};

/* y = slope * x + intercept over n points (fewer than 2: all zero). */
struct bench_fit bench_fit_linear(const double *x, const double *y, int n);
const char *bench_linear_name(int linear);	/* "yes", "no", "n/a" */

/* Tables: "# " then cells, each padded to its column, one space apart. */

enum bench_col_kind {
	BENCH_COL_LABEL,	/* report rows: label[idx] */
	BENCH_COL_SIZE,		/* report rows: the size, "64M" */
	BENCH_COL_MED,		/* report rows: stat[idx].med * scale */
	BENCH_COL_RANGE,	/* report rows: "(min..max)" of stat[idx] */
};

struct bench_col {
	const char *head;
	int width;		/* < 0: left-aligned in -width */
	/* Used by bench_print_table() only: */
	enum bench_col_kind kind;
	int idx;
	int prec;		/* digits after the point */
	double scale;		/* 0 means 1 */
};

struct bench_table {
	FILE *f;
	const struct bench_col *cols;
	int nr_cols;
	int col;		/* cells of the current row so far */
};

void bench_table_head(struct bench_table *t);
void bench_cell(struct bench_table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* End the row; a note (or NULL) follows the cells unpadded. */
void bench_row_end(struct bench_table *t, const char *note);

/* Reports: time (ns) over size (MiB) */

#define BENCH_LABELS	4
#define BENCH_STATS	8

struct bench_row {
	char name[96];		/* "anon_4k.munmap.64M": TAP, metrics */
	const char *label[BENCH_LABELS];
	double size;		/* MiB */
	double pages;		/* work units in it */
	int status;		/* 0 measured, 4 skipped, else failed */
	char why[200];
	struct bench_stat stat[BENCH_STATS];
};

/* A group of measured rows alike but for size, and its fits. */
struct bench_fitrow {
	int row;		/* the first row: its labels, pages per MiB */
	int n;			/* sizes */
	struct bench_fit min, med;	/* over each size's min, median */
};

struct bench_report {
	const char *metric_prefix;	/* "# metric <prefix>.<name>.…" */
	int nr_labels;
	const char *label_key[BENCH_LABELS];	/* the fits table's heads */
	const struct bench_col *cols;	/* the table of rows */
	int nr_cols;
	/*
	 * Fits: rows alike in their fit_label labels form a group, whose
	 * stat[total_stat] (the time of the whole size, ns) is fitted.
	 */
	int nr_fit_labels;
	int fit_label[BENCH_LABELS];
	int total_stat;
	/* Filled in: */
	struct bench_row *rows;
	int nr_rows;
	struct bench_fitrow *fits;
	int nr_fits;
};

/* A zeroed row at the end of r->rows; NULL when out of memory. */
struct bench_row *bench_add_row(struct bench_report *r);
/* Column heads and one line per row (labels and a note if not measured). */
void bench_print_table(const struct bench_report *r, FILE *f);
/*
 * Fit every group of two or more measured sizes; returns r->nr_fits.
 * Groups are ordered by their fit labels in turn, each value where it
 * first appears in the rows (so: backings, then ops, as measured).
 */
int bench_fit_rows(struct bench_report *r);
/* The fits as a table and as "# metric" lines. */
void bench_print_fits(const struct bench_report *r, FILE *f);

#endif
