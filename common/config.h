/*
 * config.h - the shop's configuration in rules.d: motives and their
 * folders, handover signals (owi-rules(5)).  Files are read in name
 * order; a later file adds motives or changes those of an earlier one.
 */
#ifndef OWI_CONFIG_H
#define OWI_CONFIG_H

#include <stddef.h>

#include "diag.h"

struct owi_motive {
	char *id;
	char *folder;
	char *description;
};

struct owi_signal {
	char *id;		/* angry, human, legal, urgent, ... */
	char **patterns;	/* PCRE2, case-insensitive, UTF-8 */
	void **compiled;	/* pcre2_code * */
	size_t n;
};

/* A list of strings from the YAML, in order. */
struct owi_strings {
	char **v;
	size_t n;
};

struct owi_carrier {
	char *id;		/* laposte, colissimo, ups, ... */
	char *name;		/* for customers: "Colissimo" */
	char *url;		/* tracking page, "{tracking}" replaced */
	struct owi_strings words;	/* what names it in a mail, lower case */
};

/* What owi-extract needs to know about a shop's identifiers. */
struct owi_entity_conf {
	struct owi_strings order_words;		/* context of order numbers */
	struct owi_strings product_words;	/* context of product refs */
	struct owi_strings not_references;	/* 9-letter words never refs */
	struct owi_strings product_patterns;	/* SKUs found without context */
	void **product_compiled;		/* pcre2_code * */
};

struct owi_config {
	char *dir;
	char *unsure_folder;
	struct owi_motive *motives;
	size_t n_motives;
	struct owi_signal *signals;
	size_t n_signals;
	struct owi_carrier *carriers;
	size_t n_carriers;
	struct owi_entity_conf ent;
};

int owi_strings_has(const struct owi_strings *s, const char *w);

/*
 * The .yaml files of dirs ("DIR[:DIR...]"), in file-name order; a file of
 * a later directory replaces the earlier one of the same name, so that a
 * shop's own directory overrides or extends the shipped one.
 */
int owi_rules_files(const char *dirs, char ***paths, size_t *n,
    struct owi_diag *d);
void owi_rules_files_free(char **paths, size_t n);

/* Reads the .yaml files of dir (or DIR:DIR...).  Returns 0, or -1 with d at file:line:col. */
int owi_config_load(const char *dir, struct owi_config *c, struct owi_diag *d);
void owi_config_free(struct owi_config *c);

const struct owi_motive *owi_config_motive(const struct owi_config *c,
    const char *id);
/* The motive whose folder is name (or whose id is name), or NULL. */
const struct owi_motive *owi_config_motive_by_folder(const struct owi_config *c,
    const char *name);

/* The first match of signal s in text: sets *start and *len, returns 1. */
int owi_signal_match(const struct owi_signal *s, const char *text,
    size_t *start, size_t *len);

#endif
