/*
 * learn.h - training and honest evaluation of the motive classifier:
 * one-vs-rest logistic regression (AdaGrad SGD) over hashed features,
 * Platt calibration and per-label thresholds for a target precision,
 * both fitted on out-of-fold predictions, never on what was trained on.
 */
#ifndef OWI_LEARN_H
#define OWI_LEARN_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "textfeat.h"

#define OWI_LEARN_MAX_LABELS 64

struct owi_example {
	struct owi_fvec x;
	uint64_t gold;		/* bit l set: label l applies */
	int first;		/* the first (main) label */
};

struct owi_learn_opts {
	unsigned dim_bits;
	int epochs;
	float lr;
	float l2;
	uint32_t seed;
	float target_precision;
	float report;		/* probability at which a label is reported */
	int folds;		/* for calibration and evaluation */
	int min_decisions;	/* fewer held-out decisions: never decide */
};

void owi_learn_defaults(struct owi_learn_opts *o);

/* A model in memory, as owi_model_write takes it. */
struct owi_learned {
	struct owi_model_header h;
	struct owi_model_label *labels;
	float *w;
	float *bias;
};

/* Trains on ex[0..n) for labels ids[0..nl).  Deterministic for a seed.
 * Returns 0, or -1 when out of memory. */
int owi_learn(const struct owi_example *ex, size_t n, size_t nl,
    const char *const *ids, const struct owi_learn_opts *o,
    struct owi_learned *out);
void owi_learned_free(struct owi_learned *m);

/* Calibrated probabilities of every label for x. */
void owi_learned_probs(const struct owi_learned *m, const struct owi_fvec *x,
    float *probs);

/* What k-fold evaluation on held-out data measured. */
struct owi_eval {
	size_t nl, n;
	unsigned tp[OWI_LEARN_MAX_LABELS], fp[OWI_LEARN_MAX_LABELS];
	unsigned fn[OWI_LEARN_MAX_LABELS], support[OWI_LEARN_MAX_LABELS];
	/* gold first label x predicted top label */
	unsigned confusion[OWI_LEARN_MAX_LABELS][OWI_LEARN_MAX_LABELS];
	unsigned top1_right;
	unsigned decided, decided_right;	/* with the model's thresholds */
	float best_coverage;	/* the most one threshold can decide at target */
	float best_threshold;
};

/* k-fold: each fold is predicted by a model (calibration and thresholds
 * included) trained on the other folds only. */
int owi_evaluate(const struct owi_example *ex, size_t n, size_t nl,
    const char *const *ids, const struct owi_learn_opts *o,
    struct owi_eval *ev);

#endif
