// SPDX-License-Identifier: GPL-2.0
/*
 * bench_stats.c - summaries, least-squares fits and tables for
 * benchmarks. libc only: no KVM, no test harness.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bench_stats.h"

/* Summaries */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct bench_stat bench_stat(const uint64_t *v, int n, double scale)
{
	struct bench_stat r = { __builtin_nan(""), __builtin_nan(""),
				__builtin_nan("") };
	uint64_t *s = n > 0 ? malloc(n * sizeof(*s)) : NULL;

	if (!s)
		return r;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_u64);
	r.min = s[0] * scale;
	r.max = s[n - 1] * scale;
	r.med = (n % 2 ? s[n / 2] :
		 ((double)s[n / 2 - 1] + (double)s[n / 2]) / 2.0) * scale;
	free(s);
	return r;
}

struct bench_fit bench_fit_linear(const double *x, const double *y, int n)
{
	struct bench_fit f = { .linear = -1 };
	double sx = 0, sy = 0, sxx = 0, sxy = 0, ss_tot = 0, ss_res = 0;
	double mean_y, den;
	int i;

	if (n < 2)
		return f;
	for (i = 0; i < n; i++) {
		sx += x[i];
		sy += y[i];
		sxx += x[i] * x[i];
		sxy += x[i] * y[i];
	}
	den = n * sxx - sx * sx;
	if (den == 0)
		return f;
	f.slope = (n * sxy - sx * sy) / den;
	f.intercept = (sy - f.slope * sx) / n;
	mean_y = sy / n;
	for (i = 0; i < n; i++) {
		double r = y[i] - (f.slope * x[i] + f.intercept);

		ss_res += r * r;
		ss_tot += (y[i] - mean_y) * (y[i] - mean_y);
	}
	f.r2 = ss_tot > 0 ? 1 - ss_res / ss_tot : 1;
	/* Three points are the fewest that can show a bend. */
	if (n >= 3)
		f.linear = f.slope > 0 && f.r2 >= 0.95;
	return f;
}

const char *bench_linear_name(int linear)
{
	return linear < 0 ? "n/a" : linear ? "yes" : "no";
}

/* Tables */

void bench_cell(struct bench_table *t, const char *fmt, ...)
{
	int width = t->col < t->nr_cols ? t->cols[t->col].width : 0;
	char buf[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(t->f, "%s%*s", t->col ? " " : "# ", width, buf);
	t->col++;
}

void bench_row_end(struct bench_table *t, const char *note)
{
	if (note)
		fprintf(t->f, "%s%s", t->col ? " " : "# ", note);
	fputc('\n', t->f);
	t->col = 0;
}

void bench_table_head(struct bench_table *t)
{
	int i;

	for (i = 0; i < t->nr_cols; i++)
		bench_cell(t, "%s", t->cols[i].head);
	bench_row_end(t, NULL);
}

/* Reports */

struct bench_row *bench_add_row(struct bench_report *r)
{
	struct bench_row *rows = realloc(r->rows, (r->nr_rows + 1) *
					 sizeof(*rows));

	if (!rows)
		return NULL;
	r->rows = rows;
	memset(&rows[r->nr_rows], 0, sizeof(*rows));
	return &rows[r->nr_rows++];
}

void bench_print_table(const struct bench_report *r, FILE *f)
{
	struct bench_table t = { f, r->cols, r->nr_cols, 0 };
	int i, k;

	bench_table_head(&t);
	for (i = 0; i < r->nr_rows; i++) {
		const struct bench_row *row = &r->rows[i];

		for (k = 0; k < r->nr_cols; k++) {
			const struct bench_col *c = &r->cols[k];
			double scale = c->scale ? c->scale : 1;
			struct bench_stat s;

			if (c->kind == BENCH_COL_LABEL) {
				bench_cell(&t, "%s", row->label[c->idx]);
				continue;
			}
			if (c->kind == BENCH_COL_SIZE) {
				bench_cell(&t, "%.0fM", row->size);
				continue;
			}
			if (row->status)
				break;
			s = row->stat[c->idx];
			if (c->kind == BENCH_COL_MED)
				bench_cell(&t, "%.*f", c->prec, s.med * scale);
			else
				bench_cell(&t, "(%.*f..%.*f)", c->prec,
					   s.min * scale, c->prec,
					   s.max * scale);
		}
		bench_row_end(&t, !row->status ? NULL :
			      row->status == 4 ? "skipped" : "failed");
	}
}

static bool same_group(const struct bench_report *r,
		       const struct bench_row *a, const struct bench_row *b)
{
	int k;

	for (k = 0; k < r->nr_fit_labels; k++)
		if (strcmp(a->label[r->fit_label[k]],
			   b->label[r->fit_label[k]]))
			return false;
	return true;
}

/* Where a label's value first appears among the rows. */
static int label_rank(const struct bench_report *r, int label, int row)
{
	const char *v = r->rows[row].label[label];
	int i;

	for (i = 0; i < row; i++)
		if (!strcmp(r->rows[i].label[label], v))
			break;
	return i;
}

static int fit_cmp(const struct bench_report *r, const struct bench_fitrow *a,
		   const struct bench_fitrow *b)
{
	int k, ra, rb;

	for (k = 0; k < r->nr_fit_labels; k++) {
		ra = label_rank(r, r->fit_label[k], a->row);
		rb = label_rank(r, r->fit_label[k], b->row);
		if (ra != rb)
			return ra - rb;
	}
	return 0;
}

/* Groups ordered label by label, each value where it first appeared. */
static void sort_fits(struct bench_report *r)
{
	struct bench_fitrow t;
	int i, k;

	for (i = 1; i < r->nr_fits; i++) {
		t = r->fits[i];
		for (k = i; k > 0 && fit_cmp(r, &t, &r->fits[k - 1]) < 0; k--)
			r->fits[k] = r->fits[k - 1];
		r->fits[k] = t;
	}
}

int bench_fit_rows(struct bench_report *r)
{
	double *x = calloc(r->nr_rows + 1, sizeof(*x));
	double *lo = calloc(r->nr_rows + 1, sizeof(*lo));
	double *mid = calloc(r->nr_rows + 1, sizeof(*mid));
	int i, k, n;

	free(r->fits);
	r->fits = calloc(r->nr_rows + 1, sizeof(*r->fits));
	r->nr_fits = 0;
	if (!x || !lo || !mid || !r->fits)
		goto out;
	for (i = 0; i < r->nr_rows; i++) {
		struct bench_fitrow *fr = &r->fits[r->nr_fits];

		/* A group starts at its first row, measured or not. */
		for (k = 0; k < i; k++)
			if (same_group(r, &r->rows[k], &r->rows[i]))
				break;
		if (k < i)
			continue;
		for (n = 0, fr->row = -1; k < r->nr_rows; k++) {
			const struct bench_row *row = &r->rows[k];

			if (row->status || !same_group(r, row, &r->rows[i]))
				continue;
			if (fr->row < 0)
				fr->row = k;
			x[n] = row->size;
			lo[n] = row->stat[r->total_stat].min;
			mid[n++] = row->stat[r->total_stat].med;
		}
		if (n < 2)
			continue;
		fr->n = n;
		fr->min = bench_fit_linear(x, lo, n);
		fr->med = bench_fit_linear(x, mid, n);
		r->nr_fits++;
	}
	sort_fits(r);
out:
	free(x);
	free(lo);
	free(mid);
	return r->nr_fits;
}

/* A fit's slope per page, and per GiB in ms. */
static double per_page(const struct bench_report *r,
		       const struct bench_fitrow *fr, const struct bench_fit *f)
{
	const struct bench_row *row = &r->rows[fr->row];

	return f->slope * row->size / row->pages;
}

static double per_gib_ms(const struct bench_fit *f)
{
	return f->slope * 1024 / 1e6;
}

static void fit_name(const struct bench_report *r,
		     const struct bench_fitrow *fr, char *buf, size_t n)
{
	size_t len = 0;
	int k;

	buf[0] = 0;
	for (k = 0; k < r->nr_fit_labels && len < n; k++)
		len += snprintf(buf + len, n - len, "%s%s", k ? "." : "",
				r->rows[fr->row].label[r->fit_label[k]]);
}

/* The table's column for label idx: the fits table uses it too. */
static struct bench_col label_col(const struct bench_report *r, int idx)
{
	struct bench_col c = { r->label_key[idx], -15 };
	int k;

	for (k = 0; k < r->nr_cols; k++)
		if (r->cols[k].kind == BENCH_COL_LABEL && r->cols[k].idx == idx)
			c = r->cols[k];
	return c;
}

void bench_print_fits(const struct bench_report *r, FILE *f)
{
	static const struct bench_col tail[] = {
		{ "sizes", 5 }, { "ns/page", 11 }, { "ms/GiB", 9 },
		{ "intercept_us", 12 }, { "r2", 6 }, { "linear", 6 },
		{ "ns/page.med", 11 }, { "r2.med", 6 },
	};
	struct bench_col cols[BENCH_LABELS + sizeof(tail) / sizeof(tail[0])];
	struct bench_table t = { f, cols, 0, 0 };
	char name[96];
	int i, k;

	for (k = 0; k < r->nr_fit_labels; k++)
		cols[t.nr_cols++] = label_col(r, r->fit_label[k]);
	memcpy(&cols[t.nr_cols], tail, sizeof(tail));
	t.nr_cols += sizeof(tail) / sizeof(tail[0]);
	fprintf(f, "# cost against size: least-squares slope over the "
		"per-size min (and median); linear: r2 >= 0.95 over >= 3 "
		"sizes\n");
	bench_table_head(&t);
	for (i = 0; i < r->nr_fits; i++) {
		const struct bench_fitrow *fr = &r->fits[i];

		for (k = 0; k < r->nr_fit_labels; k++)
			bench_cell(&t, "%s",
				   r->rows[fr->row].label[r->fit_label[k]]);
		bench_cell(&t, "%d", fr->n);
		bench_cell(&t, "%.1f", per_page(r, fr, &fr->min));
		bench_cell(&t, "%.2f", per_gib_ms(&fr->min));
		bench_cell(&t, "%.1f", fr->min.intercept / 1e3);
		bench_cell(&t, "%.3f", fr->min.r2);
		bench_cell(&t, "%s", bench_linear_name(fr->min.linear));
		bench_cell(&t, "%.1f", per_page(r, fr, &fr->med));
		bench_cell(&t, "%.3f", fr->med.r2);
		bench_row_end(&t, NULL);
	}
	for (i = 0; i < r->nr_fits; i++) {
		const struct bench_fitrow *fr = &r->fits[i];
		const char *p = r->metric_prefix;

		fit_name(r, fr, name, sizeof(name));
		fprintf(f, "# metric %s.%s.slope_ns_per_page=%.1f unit=ns\n",
			p, name, per_page(r, fr, &fr->min));
		fprintf(f, "# metric %s.%s.slope_ms_per_gib=%.3f unit=ms\n",
			p, name, per_gib_ms(&fr->min));
		fprintf(f, "# metric %s.%s.r2=%.4f unit=1\n", p, name,
			fr->min.r2);
		fprintf(f, "# metric %s.%s.slope_ns_per_page_median=%.1f "
			"unit=ns\n", p, name, per_page(r, fr, &fr->med));
	}
}
