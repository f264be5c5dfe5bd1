/*
 * settings.h - the owi configuration file (config.yaml): sections of
 * scalars and lists of scalars, read once, each value kept with its
 * file:line:col so that a wrong one is reported where it stands.
 *
 * Each program reads its own section (shop, smtp, ...) through the typed
 * getters; a key it does not know is an error, not a silent no-op.
 */
#ifndef OWI_SETTINGS_H
#define OWI_SETTINGS_H

#include <stddef.h>

#include "diag.h"

struct owi_settings;

/* Reads path; NULL gives empty settings.  Returns NULL with d on error. */
struct owi_settings *owi_settings_load(const char *path, struct owi_diag *d);
void owi_settings_free(struct owi_settings *s);

/*
 * The getters leave *out alone when the key ("shop.url") is absent and
 * return 0; a value of the wrong type or range returns -1 with d at its
 * place.
 */
int owi_settings_string(const struct owi_settings *s, const char *key,
    const char **out, struct owi_diag *d);
int owi_settings_number(const struct owi_settings *s, const char *key,
    double min, double max, double *out, struct owi_diag *d);
int owi_settings_bool(const struct owi_settings *s, const char *key, int *out,
    struct owi_diag *d);
/* A list of integers (a single integer is a list of one). */
int owi_settings_ints(const struct owi_settings *s, const char *key, long *v,
    size_t max, size_t *n, struct owi_diag *d);

/* Fails at the first key of section that is not in known (NULL-ended). */
int owi_settings_check(const struct owi_settings *s, const char *section,
    const char *const known[], struct owi_diag *d);

#endif
