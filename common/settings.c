/*
 * settings.c - config.yaml through libyaml's document API, flattened to
 * dotted keys ("shop.url") that remember where they were written.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "settings.h"

struct entry {
	char *key;
	char **v;		/* the scalars: one, or a list's items */
	size_t n;
	int is_list;
	long line, col;		/* of the value */
	long kline, kcol;	/* of the key */
};

struct owi_settings {
	char *file;
	struct entry *e;
	size_t n;
};

struct loader {
	struct owi_settings *s;
	yaml_document_t *doc;
	struct owi_diag *d;
};

static int
fail_at(struct loader *ld, yaml_node_t *n, const char *fmt, const char *arg)
{
	owi_diag_set(ld->d, ld->s->file, (long)n->start_mark.line + 1,
	    (long)n->start_mark.column + 1, fmt, arg);
	return -1;
}

static int
add_entry(struct loader *ld, const char *key, yaml_node_t *k, yaml_node_t *v)
{
	struct owi_settings *s = ld->s;
	struct entry *e, *ne;

	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->e[i].key, key) == 0)
			return fail_at(ld, k, "'%s' is given twice", key);
	if ((ne = realloc(s->e, (s->n + 1) * sizeof(*ne))) == NULL)
		return fail_at(ld, v, "out of memory%s", "");
	s->e = ne;
	e = &s->e[s->n];
	memset(e, 0, sizeof(*e));
	if ((e->key = strdup(key)) == NULL)
		return fail_at(ld, v, "out of memory%s", "");
	s->n++;
	e->line = (long)v->start_mark.line + 1;
	e->col = (long)v->start_mark.column + 1;
	e->kline = (long)k->start_mark.line + 1;
	e->kcol = (long)k->start_mark.column + 1;
	if (v->type == YAML_SCALAR_NODE) {
		if ((e->v = malloc(sizeof(char *))) == NULL ||
		    (e->v[0] = strdup((char *)v->data.scalar.value)) == NULL)
			return fail_at(ld, v, "out of memory%s", "");
		e->n = 1;
		return 0;
	}
	e->is_list = 1;
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++) {
		yaml_node_t *x = yaml_document_get_node(ld->doc, *it);
		char **nv;

		if (x->type != YAML_SCALAR_NODE)
			return fail_at(ld, x, "the items of '%s' must be plain values",
			    key);
		if ((nv = realloc(e->v, (e->n + 1) * sizeof(*nv))) == NULL ||
		    (e->v = nv, nv[e->n] = strdup((char *)x->data.scalar.value)) ==
		    NULL)
			return fail_at(ld, x, "out of memory%s", "");
		e->n++;
	}
	return 0;
}

static int
load_mapping(struct loader *ld, yaml_node_t *m, const char *prefix)
{
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
	    p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(ld->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(ld->doc, p->value);
		char key[256];
		int rc;

		if (k->type != YAML_SCALAR_NODE)
			return fail_at(ld, k, "a key must be a string%s", "");
		snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "." : "",
		    (char *)k->data.scalar.value);
		rc = v->type == YAML_MAPPING_NODE ? load_mapping(ld, v, key) :
		    add_entry(ld, key, k, v);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int
load_file(struct owi_settings *s, FILE *fp, struct owi_diag *d)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct loader ld = { s, &doc, d };
	yaml_node_t *root;
	int rc = 0;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, fp);
	if (!yaml_parser_load(&parser, &doc)) {
		owi_diag_set(d, s->file, (long)parser.problem_mark.line + 1,
		    (long)parser.problem_mark.column + 1, "%s%s%s",
		    parser.problem ? parser.problem : "invalid YAML",
		    parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return -1;
	}
	if ((root = yaml_document_get_root_node(&doc)) != NULL) {
		if (root->type != YAML_MAPPING_NODE)
			rc = fail_at(&ld, root, "the file must be a mapping of "
			    "sections%s", "");
		else
			rc = load_mapping(&ld, root, "");
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

struct owi_settings *
owi_settings_load(const char *path, struct owi_diag *d)
{
	struct owi_settings *s = calloc(1, sizeof(*s));
	FILE *fp;

	if (s == NULL) {
		owi_diag_errno(d, path, ENOMEM, "cannot read settings");
		return NULL;
	}
	if (path == NULL)
		return s;
	if ((s->file = strdup(path)) == NULL || (fp = fopen(path, "rb")) ==
	    NULL) {
		owi_diag_errno(d, path, errno, "cannot open '%s'", path);
		owi_settings_free(s);
		return NULL;
	}
	if (load_file(s, fp, d) != 0) {
		fclose(fp);
		owi_settings_free(s);
		return NULL;
	}
	fclose(fp);
	return s;
}

void
owi_settings_free(struct owi_settings *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		for (size_t j = 0; j < s->e[i].n; j++)
			free(s->e[i].v[j]);
		free(s->e[i].v);
		free(s->e[i].key);
	}
	free(s->e);
	free(s->file);
	free(s);
}

static const struct entry *
find(const struct owi_settings *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->e[i].key, key) == 0)
			return &s->e[i];
	return NULL;
}

static int
fail(const struct owi_settings *s, const struct entry *e, struct owi_diag *d,
    const char *what)
{
	owi_diag_set(d, s->file, e->line, e->col, "'%s' must be %s", e->key,
	    what);
	return -1;
}

int
owi_settings_string(const struct owi_settings *s, const char *key,
    const char **out, struct owi_diag *d)
{
	const struct entry *e = find(s, key);

	if (e == NULL)
		return 0;
	if (e->is_list)
		return fail(s, e, d, "a single value");
	*out = e->v[0];
	return 0;
}

int
owi_settings_number(const struct owi_settings *s, const char *key, double min,
    double max, double *out, struct owi_diag *d)
{
	const struct entry *e = find(s, key);
	char *end, what[96];
	double x;

	if (e == NULL)
		return 0;
	snprintf(what, sizeof(what), "a number from %g to %g", min, max);
	if (e->is_list)
		return fail(s, e, d, what);
	errno = 0;
	x = strtod(e->v[0], &end);
	if (end == e->v[0] || *end != '\0' || errno != 0 || !isfinite(x) ||
	    x < min || x > max)
		return fail(s, e, d, what);
	*out = x;
	return 0;
}

int
owi_settings_bool(const struct owi_settings *s, const char *key, int *out,
    struct owi_diag *d)
{
	const struct entry *e = find(s, key);

	if (e == NULL)
		return 0;
	if (!e->is_list && (strcasecmp(e->v[0], "true") == 0 ||
	    strcasecmp(e->v[0], "yes") == 0))
		*out = 1;
	else if (!e->is_list && (strcasecmp(e->v[0], "false") == 0 ||
	    strcasecmp(e->v[0], "no") == 0))
		*out = 0;
	else
		return fail(s, e, d, "true or false");
	return 0;
}

int
owi_settings_ints(const struct owi_settings *s, const char *key, long *v,
    size_t max, size_t *n, struct owi_diag *d)
{
	const struct entry *e = find(s, key);

	if (e == NULL)
		return 0;
	if (e->n > max)
		return fail(s, e, d, "a shorter list");
	for (size_t i = 0; i < e->n; i++) {
		char *end;

		errno = 0;
		v[i] = strtol(e->v[i], &end, 10);
		if (end == e->v[i] || *end != '\0' || errno != 0)
			return fail(s, e, d, "a list of integers");
	}
	*n = e->n;
	return 0;
}

int
owi_settings_check(const struct owi_settings *s, const char *section,
    const char *const known[], struct owi_diag *d)
{
	size_t len = strlen(section);

	for (size_t i = 0; i < s->n; i++) {
		const char *k = s->e[i].key;
		size_t j;

		if (strncmp(k, section, len) != 0 || k[len] != '.')
			continue;
		for (j = 0; known[j] != NULL; j++)
			if (strcmp(k + len + 1, known[j]) == 0)
				break;
		if (known[j] == NULL) {
			owi_diag_set(d, s->file, s->e[i].kline, s->e[i].kcol,
			    "unknown key '%s'", k);
			return -1;
		}
	}
	return 0;
}
