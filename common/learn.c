/*
 * learn.c - AdaGrad logistic regression, Platt scaling, thresholds,
 * k-fold evaluation.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn.h"

struct weights {
	size_t nl, dim;
	float *w, *bias;
};

void
owi_learn_defaults(struct owi_learn_opts *o)
{
	o->dim_bits = 18;
	o->epochs = 12;
	o->lr = 0.5f;
	o->l2 = 1e-6f;
	o->seed = 1;
	o->target_precision = 0.95f;
	o->report = 0.5f;
	o->folds = 5;
	o->min_decisions = 10;
}

/* xorshift32: the same shuffles for the same seed, everywhere. */
static uint32_t
next_rand(uint32_t *s)
{
	uint32_t x = *s ? *s : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static void
shuffle(size_t *idx, size_t n, uint32_t *seed)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = next_rand(seed) % i, t = idx[i - 1];

		idx[i - 1] = idx[j];
		idx[j] = t;
	}
}

static float
sigmoid(float z)
{
	if (z < -30)
		return 0;
	if (z > 30)
		return 1;
	return 1.0f / (1.0f + expf(-z));
}

static void
margins(const struct weights *wt, const struct owi_fvec *x, float *m)
{
	for (size_t l = 0; l < wt->nl; l++)
		m[l] = wt->bias[l];
	for (size_t i = 0; i < x->n; i++) {
		const float *w = wt->w + (size_t)x->id[i] * wt->nl;

		for (size_t l = 0; l < wt->nl; l++)
			m[l] += w[l] * x->val[i];
	}
}

/* One-vs-rest logistic regression on ex[idx[0..m)]. */
static int
train_weights(const struct owi_example *ex, const size_t *idx_in, size_t m,
    size_t nl, const struct owi_learn_opts *o, struct weights *wt)
{
	size_t dim = (size_t)1 << o->dim_bits;
	float *g2 = NULL, *g2b = NULL, mg[OWI_LEARN_MAX_LABELS];
	size_t *idx = NULL;
	uint32_t seed = o->seed;

	wt->nl = nl;
	wt->dim = dim;
	wt->w = calloc(dim * nl, sizeof(float));
	wt->bias = calloc(nl, sizeof(float));
	g2 = calloc(dim * nl, sizeof(float));
	g2b = calloc(nl, sizeof(float));
	idx = malloc((m ? m : 1) * sizeof(*idx));
	if (wt->w == NULL || wt->bias == NULL || g2 == NULL || g2b == NULL ||
	    idx == NULL) {
		free(wt->w);
		free(wt->bias);
		free(g2);
		free(g2b);
		free(idx);
		return -1;
	}
	memcpy(idx, idx_in, m * sizeof(*idx));
	for (int e = 0; e < o->epochs; e++) {
		shuffle(idx, m, &seed);
		for (size_t k = 0; k < m; k++) {
			const struct owi_example *x = &ex[idx[k]];

			margins(wt, &x->x, mg);
			for (size_t l = 0; l < nl; l++)
				mg[l] = sigmoid(mg[l]) -
				    (float)((x->gold >> l) & 1);
			for (size_t i = 0; i < x->x.n; i++) {
				size_t base = (size_t)x->x.id[i] * nl;
				float v = x->x.val[i];

				for (size_t l = 0; l < nl; l++) {
					float *w = &wt->w[base + l];
					float g = mg[l] * v + o->l2 * *w;

					g2[base + l] += g * g;
					*w -= o->lr * g / sqrtf(g2[base + l] +
					    1e-8f);
				}
			}
			for (size_t l = 0; l < nl; l++) {
				g2b[l] += mg[l] * mg[l];
				wt->bias[l] -= o->lr * mg[l] /
				    sqrtf(g2b[l] + 1e-8f);
			}
		}
	}
	free(g2);
	free(g2b);
	free(idx);
	return 0;
}

static double
platt_loss(const float *mar, const double *t, size_t n, double A, double B)
{
	double f = 0;

	for (size_t i = 0; i < n; i++) {
		double z = mar[i] * A + B;

		f += z >= 0 ? t[i] * z + log1p(exp(-z)) :
		    (t[i] - 1) * z + log1p(exp(z));
	}
	return f;
}

/*
 * Platt scaling, as Lin, Lin and Weng (2007) made it robust: Newton's
 * method with a backtracking line search, on smoothed targets, in the
 * form p = 1 / (1 + exp(A m + B)).  Returns a = -A, b = -B.  A model
 * whose held-out margins do not rank at all gets a flat calibration at
 * the base rate rather than an inverted one.
 */
static void
platt(const float *mar, const unsigned char *y, size_t n, float *pa, float *pb)
{
	double npos = 0, nneg = 0, A, B, fval;
	double *t = malloc((n ? n : 1) * sizeof(*t));

	for (size_t i = 0; i < n; i++)
		y[i] ? npos++ : nneg++;
	A = 0;
	B = log((nneg + 1) / (npos + 1));
	if (t == NULL) {
		*pa = 1;
		*pb = (float)-B;
		return;
	}
	for (size_t i = 0; i < n; i++)
		t[i] = y[i] ? (npos + 1) / (npos + 2) : 1 / (nneg + 2);
	fval = platt_loss(mar, t, n, A, B);
	for (int it = 0; it < 100; it++) {
		double h11 = 1e-12, h22 = 1e-12, h21 = 0, g1 = 0, g2 = 0;

		for (size_t i = 0; i < n; i++) {
			double z = mar[i] * A + B, p, q;

			if (z >= 0)
				p = exp(-z) / (1 + exp(-z)), q = 1 / (1 + exp(-z));
			else
				p = 1 / (1 + exp(z)), q = exp(z) / (1 + exp(z));
			h11 += (double)mar[i] * mar[i] * p * q;
			h22 += p * q;
			h21 += mar[i] * p * q;
			g1 += mar[i] * (t[i] - p);
			g2 += t[i] - p;
		}
		if (fabs(g1) < 1e-5 && fabs(g2) < 1e-5)
			break;
		double det = h11 * h22 - h21 * h21;
		double dA = -(h22 * g1 - h21 * g2) / det;
		double dB = -(-h21 * g1 + h11 * g2) / det;
		double gd = g1 * dA + g2 * dB, step = 1;

		while (step >= 1e-10) {
			double nf = platt_loss(mar, t, n, A + step * dA,
			    B + step * dB);

			if (nf < fval + 1e-4 * step * gd) {
				A += step * dA, B += step * dB, fval = nf;
				break;
			}
			step /= 2;
		}
		if (step < 1e-10)
			break;
	}
	free(t);
	if (A >= 0) {
		/* No ranking to calibrate: the base rate, order kept. */
		A = -1e-3;
		B = log((nneg + 1) / (npos + 1));
	}
	*pa = (float)-A;
	*pb = (float)-B;
}

struct scored {
	float p;
	unsigned char right;
};

static int
cmp_scored(const void *x, const void *y)
{
	float a = ((const struct scored *)x)->p, b = ((const struct scored *)y)->p;

	return a > b ? -1 : a < b;
}

/*
 * The lowest probability t such that the mails whose top label l has
 * p >= t are right at least `target` of the time, with at least min of
 * them; 1.01 (never) when there is none.  Also the coverage at t.
 */
static float
threshold_for(struct scored *s, size_t n, float target, int min,
    float floor, float *precision, unsigned *decided)
{
	size_t right = 0, best = 0;
	float t = 1.01f;

	qsort(s, n, sizeof(*s), cmp_scored);
	for (size_t i = 0; i < n; i++) {
		right += s[i].right;
		if (s[i].p >= floor && (int)(i + 1) >= min &&
		    (double)right >= target * (double)(i + 1) &&
		    (i + 1 == n || s[i + 1].p < s[i].p)) {
			best = i + 1;
			t = s[i].p;
		}
	}
	*decided = (unsigned)best;
	right = 0;
	for (size_t i = 0; i < best; i++)
		right += s[i].right;
	*precision = best ? (float)right / (float)best : 0;
	return t;
}

static void
fold_of(const struct owi_example *ex, size_t n, int k, uint32_t seed, int *fold)
{
	size_t *idx = malloc((n ? n : 1) * sizeof(*idx));
	int next[OWI_LEARN_MAX_LABELS + 1] = { 0 };

	if (idx == NULL) {
		for (size_t i = 0; i < n; i++)
			fold[i] = (int)(i % (size_t)k);
		return;
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	shuffle(idx, n, &seed);
	/* Stratified by main label: each label spread over every fold. */
	for (size_t j = 0; j < n; j++) {
		int l = ex[idx[j]].first;

		fold[idx[j]] = next[l]++ % k;
	}
	free(idx);
}

/* Held-out margins of every example: each fold by the others. */
static int
oof_margins(const struct owi_example *ex, size_t n, size_t nl,
    const struct owi_learn_opts *o, float *mar)
{
	int *fold = malloc((n ? n : 1) * sizeof(*fold));
	size_t *idx = malloc((n ? n : 1) * sizeof(*idx));
	int rc = 0;

	if (fold == NULL || idx == NULL) {
		free(fold);
		free(idx);
		return -1;
	}
	fold_of(ex, n, o->folds, o->seed, fold);
	for (int f = 0; f < o->folds && rc == 0; f++) {
		struct weights wt;
		size_t m = 0;

		for (size_t i = 0; i < n; i++)
			if (fold[i] != f)
				idx[m++] = i;
		if ((rc = train_weights(ex, idx, m, nl, o, &wt)) != 0)
			break;
		for (size_t i = 0; i < n; i++)
			if (fold[i] == f)
				margins(&wt, &ex[i].x, mar + i * nl);
		free(wt.w);
		free(wt.bias);
	}
	free(fold);
	free(idx);
	return rc;
}

static size_t
top_label(const float *p, size_t nl)
{
	size_t best = 0;

	for (size_t l = 1; l < nl; l++)
		if (p[l] > p[best])
			best = l;
	return best;
}

/* Calibration and thresholds of every label from held-out margins. */
static int
calibrate(const struct owi_example *ex, size_t n, size_t nl, const float *mar,
    const struct owi_learn_opts *o, struct owi_model_label *lab)
{
	float *col = malloc((n ? n : 1) * sizeof(float));
	float *prob = malloc((n ? n : 1) * nl * sizeof(float));
	unsigned char *y = malloc(n ? n : 1);
	struct scored *s = malloc((n ? n : 1) * sizeof(*s));
	int rc = -1;

	if (col == NULL || prob == NULL || y == NULL || s == NULL)
		goto out;
	for (size_t l = 0; l < nl; l++) {
		for (size_t i = 0; i < n; i++) {
			col[i] = mar[i * nl + l];
			y[i] = (ex[i].gold >> l) & 1;
			lab[l].support += y[i];
		}
		platt(col, y, n, &lab[l].platt_a, &lab[l].platt_b);
		for (size_t i = 0; i < n; i++)
			prob[i * nl + l] = owi_model_prob(&lab[l], col[i]);
		lab[l].report = o->report;
	}
	for (size_t l = 0; l < nl; l++) {
		size_t k = 0;
		unsigned decided;

		for (size_t i = 0; i < n; i++) {
			if (top_label(prob + i * nl, nl) != l)
				continue;
			s[k].p = prob[i * nl + l];
			s[k].right = (ex[i].gold >> l) & 1;
			k++;
		}
		lab[l].threshold = threshold_for(s, k, o->target_precision,
		    o->min_decisions, o->report, &lab[l].cv_precision, &decided);
		lab[l].cv_coverage = n ? (float)decided / (float)n : 0;
	}
	rc = 0;
out:
	free(col);
	free(prob);
	free(y);
	free(s);
	return rc;
}

int
owi_learn(const struct owi_example *ex, size_t n, size_t nl,
    const char *const *ids, const struct owi_learn_opts *o,
    struct owi_learned *out)
{
	float *mar;
	size_t *all;
	struct weights wt;

	memset(out, 0, sizeof(*out));
	if (nl == 0 || nl > OWI_LEARN_MAX_LABELS)
		return -1;
	out->labels = calloc(nl, sizeof(*out->labels));
	mar = malloc((n ? n : 1) * nl * sizeof(float));
	all = malloc((n ? n : 1) * sizeof(*all));
	if (out->labels == NULL || mar == NULL || all == NULL)
		goto fail;
	for (size_t l = 0; l < nl; l++)
		snprintf(out->labels[l].id, sizeof(out->labels[l].id), "%s",
		    ids[l]);
	if (oof_margins(ex, n, nl, o, mar) != 0 ||
	    calibrate(ex, n, nl, mar, o, out->labels) != 0)
		goto fail;
	for (size_t i = 0; i < n; i++)
		all[i] = i;
	if (train_weights(ex, all, n, nl, o, &wt) != 0)
		goto fail;
	out->w = wt.w;
	out->bias = wt.bias;
	out->h.dim_bits = o->dim_bits;
	out->h.n_labels = (uint32_t)nl;
	out->h.seed = o->seed;
	out->h.n_examples = (uint32_t)n;
	out->h.target_precision = o->target_precision;
	free(mar);
	free(all);
	return 0;
fail:
	free(mar);
	free(all);
	owi_learned_free(out);
	return -1;
}

void
owi_learned_free(struct owi_learned *m)
{
	free(m->labels);
	free(m->w);
	free(m->bias);
	memset(m, 0, sizeof(*m));
}

void
owi_learned_probs(const struct owi_learned *m, const struct owi_fvec *x,
    float *probs)
{
	struct weights wt = { m->h.n_labels, (size_t)1 << m->h.dim_bits, m->w,
	    m->bias };

	margins(&wt, x, probs);
	for (size_t l = 0; l < m->h.n_labels; l++)
		probs[l] = owi_model_prob(&m->labels[l], probs[l]);
}

int
owi_evaluate(const struct owi_example *ex, size_t n, size_t nl,
    const char *const *ids, const struct owi_learn_opts *o,
    struct owi_eval *ev)
{
	int *fold = malloc((n ? n : 1) * sizeof(*fold));
	struct owi_example *train = malloc((n ? n : 1) * sizeof(*train));
	struct scored *top = malloc((n ? n : 1) * sizeof(*top));
	float p[OWI_LEARN_MAX_LABELS];
	int rc = 0;

	memset(ev, 0, sizeof(*ev));
	ev->nl = nl;
	ev->n = n;
	if (fold == NULL || train == NULL || top == NULL || nl == 0 ||
	    nl > OWI_LEARN_MAX_LABELS) {
		rc = -1;
		goto out;
	}
	/* Another seed than the inner folds', so the splits differ. */
	fold_of(ex, n, o->folds, o->seed * 2654435761u + 7, fold);
	for (int f = 0; f < o->folds && rc == 0; f++) {
		struct owi_learned m;
		size_t k = 0;

		for (size_t i = 0; i < n; i++)
			if (fold[i] != f)
				train[k++] = ex[i];
		if ((rc = owi_learn(train, k, nl, ids, o, &m)) != 0)
			break;
		for (size_t i = 0; i < n; i++) {
			size_t t;

			if (fold[i] != f)
				continue;
			owi_learned_probs(&m, &ex[i].x, p);
			t = top_label(p, nl);
			for (size_t l = 0; l < nl; l++) {
				int gold = (ex[i].gold >> l) & 1;
				int pred = p[l] >= m.labels[l].report ||
				    (l == t && p[t] < m.labels[t].report);

				ev->support[l] += gold;
				ev->tp[l] += gold && pred;
				ev->fp[l] += !gold && pred;
				ev->fn[l] += gold && !pred;
			}
			ev->confusion[ex[i].first][t]++;
			ev->top1_right += (ex[i].gold >> t) & 1;
			if (p[t] >= m.labels[t].threshold) {
				ev->decided++;
				ev->decided_right += (ex[i].gold >> t) & 1;
			}
			top[i].p = p[t];
			top[i].right = (ex[i].gold >> t) & 1;
		}
		owi_learned_free(&m);
	}
	if (rc == 0) {
		float prec;
		unsigned decided;

		ev->best_threshold = threshold_for(top, n, o->target_precision,
		    1, 0, &prec, &decided);
		ev->best_coverage = n ? (float)decided / (float)n : 0;
	}
out:
	free(fold);
	free(train);
	free(top);
	return rc;
}
