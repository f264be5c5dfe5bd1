/*
 * extract.h - the facts of a mail (owi-extract(1)): order references and
 * numbers, products and barcodes, tracking numbers with their carrier,
 * e-mail addresses, phones, dates, amounts, IBANs, the customer's name.
 * Each value normalised, with its raw text, the field it was found in,
 * byte offsets in that field and a confidence.
 */
#ifndef OWI_EXTRACT_H
#define OWI_EXTRACT_H

#include <json-c/json.h>

#include "config.h"

struct owi_extractor;

/* Compiles the patterns for cfg (kept by reference: it must outlive it).
 * NULL when out of memory. */
struct owi_extractor *owi_extractor_new(const struct owi_config *cfg);
void owi_extractor_free(struct owi_extractor *x);

/* The "entities" object of an envelope: every type's list, the empty ones
 * too, each value once (where it was best seen: the new text first). */
json_object *owi_extract(struct owi_extractor *x, json_object *env);

/* The entity types, in the order of the envelope; NULL-terminated. */
extern const char *const owi_entity_types[];

#endif
