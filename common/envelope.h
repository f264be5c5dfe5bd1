/*
 * envelope.h - the envelope: one JSON object per mail, JSON Lines on the
 * wire (see owi(7)).  Reading, writing, and the few operations every
 * program does on it.
 */
#ifndef OWI_ENVELOPE_H
#define OWI_ENVELOPE_H

#include <stdio.h>
#include <json-c/json.h>

#include "diag.h"

#define OWI_ENVELOPE_VERSION 1

/* A streaming JSON Lines reader: one line in memory at a time, any length. */
struct owi_jsonl;

struct owi_jsonl *owi_jsonl_open(FILE *fp, const char *name);
/*
 * Reads the next envelope.  Returns 1 and sets *env (owned by the caller),
 * 0 at end of input, -1 for a bad line (d says where and why; the reader
 * goes on with the next line at the next call), -2 for a read error.
 * Blank lines are skipped.
 */
int owi_jsonl_next(struct owi_jsonl *r, json_object **env, struct owi_diag *d);
long owi_jsonl_line(const struct owi_jsonl *r);
void owi_jsonl_close(struct owi_jsonl *r);

/* Writes env as one line (or indented with pretty), top-level keys in the
 * order of owi(7).  Returns 0, or -1 on a write error (errno set). */
int owi_envelope_write(FILE *fp, json_object *env, int pretty);

/* A new envelope {"owi": 1, "id": id}. */
json_object *owi_envelope_new(const char *id);

/* Appends {"stage", "code", "message"} to env's "errors" list. */
void owi_envelope_error(json_object *env, const char *stage, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The value at a dotted path ("message.from.address", "entities.order_reference.0.value"),
 * borrowed, or NULL. */
json_object *owi_envelope_get(json_object *env, const char *path);
/* The string at path, or NULL when absent or not a string. */
const char *owi_envelope_get_string(json_object *env, const char *path);

/* Adds a string, or null for NULL, to obj under key. */
void owi_json_add_string(json_object *obj, const char *key, const char *s);

#endif
