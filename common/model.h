/*
 * model.h - the classifier's model file: one-vs-rest linear models over
 * hashed features, with a calibration and a decision threshold per label.
 * Mapped, not parsed, so that one process per mail loads it at once.
 *
 * Layout (little-endian), documented in owi-train(1):
 *   header   struct owi_model_header, 128 bytes
 *   labels   n_labels x struct owi_model_label, 128 bytes each
 *   weights  float32[2^dim_bits][n_labels], feature-major, then
 *   biases   float32[n_labels]
 */
#ifndef OWI_MODEL_H
#define OWI_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "textfeat.h"

#define OWI_MODEL_MAGIC "OWIMODEL"
#define OWI_MODEL_VERSION 1
/* Which featuriser the model was trained with (textfeat.c). */
#define OWI_FEATURES_VERSION 1

struct owi_model_header {
	char magic[8];
	uint32_t version;
	uint32_t features_version;
	uint32_t dim_bits;
	uint32_t n_labels;
	uint32_t seed;
	uint32_t n_examples;
	float target_precision;
	uint32_t checksum;	/* FNV-1a of header (this field 0) and labels */
	uint64_t file_size;
	char reserved[80];
};

struct owi_model_label {
	char id[64];
	float platt_a, platt_b;	/* p = 1 / (1 + exp(-(a * margin + b))) */
	float threshold;	/* decides alone at or above: precision target */
	float report;		/* reported at or above */
	uint32_t support;	/* training examples with this label */
	float cv_precision;	/* held-out precision at threshold */
	float cv_coverage;	/* held-out share decided at threshold */
	char reserved[36];
};

struct owi_model {
	void *map;
	size_t size;
	const struct owi_model_header *h;
	const struct owi_model_label *labels;
	const float *w;		/* [1 << dim_bits][n_labels] */
	const float *bias;	/* [n_labels] */
};

/* Maps path.  Returns 0, or -1 with d saying what is wrong (missing,
 * not a model, another version, truncated, damaged). */
int owi_model_load(const char *path, struct owi_model *m, struct owi_diag *d);
void owi_model_close(struct owi_model *m);

/* Margins (w.x + b) of every label for x, into margin[n_labels]. */
void owi_model_margins(const struct owi_model *m, const struct owi_fvec *x,
    float *margin);
/* The calibrated probability of label l for a margin. */
float owi_model_prob(const struct owi_model_label *l, float margin);
int owi_model_label_index(const struct owi_model *m, const char *id);

/* Writes a model atomically (temporary file, then rename). */
int owi_model_write(const char *path, const struct owi_model_header *h,
    const struct owi_model_label *labels, const float *w, const float *bias,
    struct owi_diag *d);

#endif
