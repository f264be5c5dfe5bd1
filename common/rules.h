/*
 * rules.h - the business rules of rules.d (owi-rules(5)): conditions over
 * the envelope, actions, and the guards no rule can switch off.
 * The language is data, like Sieve's: it names values and compares
 * them; it cannot run programs or read files.
 */
#ifndef OWI_RULES_H
#define OWI_RULES_H

#include <stddef.h>

#include <json-c/json.h>

#include "config.h"

/* Problems found while loading, each "file:line:col: message". */
struct owi_problems {
	char **v;
	size_t n;
};

void owi_problems_free(struct owi_problems *p);

struct owi_rules;

/*
 * Loads the rules, calendar and shop addresses of dirs ("DIR[:DIR...]"),
 * and checks every rule against cfg's motives and folders and the
 * templates of DIR/templates.  Returns NULL when there is any problem
 * (all of them in p), else the rules.
 */
struct owi_rules *owi_rules_load(const char *dirs, const struct owi_config *cfg,
    struct owi_problems *p);
void owi_rules_free(struct owi_rules *r);
/* The calendar's time zone, or NULL: dates are read in it. */
const char *owi_rules_timezone(const struct owi_rules *r);

/* The "route" key of env (owned by the caller); now is the time used when
 * the mail has no date. */
json_object *owi_route(const struct owi_rules *r, json_object *env, long now);

#endif
