/*
 * textfeat.h - what the classifier sees of a mail: hashed features of
 * its normalised words (accents, case, SMS spelling and typos smoothed
 * away), word pairs, character n-grams, and a few structure signals.
 *
 * The same code turns a mail into features for owi-train and for
 * owi-classify, so that the model sees the same thing in both.
 */
#ifndef OWI_TEXTFEAT_H
#define OWI_TEXTFEAT_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

/* A sparse vector: feature ids (hash buckets) with their values. */
struct owi_fvec {
	uint32_t *id;
	float *val;
	size_t n, cap;
};

struct owi_featurizer;

/* dim_bits: the feature space has 2^dim_bits buckets (the model's). */
struct owi_featurizer *owi_featurizer_new(unsigned dim_bits);
void owi_featurizer_free(struct owi_featurizer *fz);

/* The language of a text: "fr", "en", "es", "de", "it", or "und". */
const char *owi_detect_lang(const char *text);

/*
 * The features of an envelope's message: new text, subject, attachment
 * text, forwarded text when the new text says little, and structure.
 * The quoted history is left out on purpose.  v is cleared first; on
 * return it is sorted by id, duplicates merged, L2-normalised.
 */
void owi_features_envelope(struct owi_featurizer *fz, json_object *env,
    struct owi_fvec *v);

void owi_fvec_free(struct owi_fvec *v);

#endif
