/*
 * config.c - the YAML files of rules.d through libyaml's document API, each problem
 * reported at its file:line:column.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <yaml.h>

#include "config.h"

struct loader {
	const char *file;
	yaml_document_t *doc;
	struct owi_config *c;
	struct owi_diag *d;
};

static int
fail_at(struct loader *ld, yaml_node_t *n, const char *fmt, const char *arg)
{
	owi_diag_set(ld->d, ld->file, n ? (long)n->start_mark.line + 1 : 0,
	    n ? (long)n->start_mark.column + 1 : 0, fmt, arg);
	return -1;
}

static const char *
scalar(yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE ?
	    (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *
node(struct loader *ld, int id)
{
	return yaml_document_get_node(ld->doc, id);
}

/* A string value, or an error naming the key. */
static int
get_string(struct loader *ld, yaml_node_t *v, const char *key, char **out)
{
	const char *s = scalar(v);

	if (s == NULL)
		return fail_at(ld, v, "'%s' must be a string", key);
	free(*out);
	if ((*out = strdup(s)) == NULL)
		return fail_at(ld, v, "out of memory reading '%s'", key);
	return 0;
}

static struct owi_motive *
find_motive(struct owi_config *c, const char *id)
{
	for (size_t i = 0; i < c->n_motives; i++)
		if (strcmp(c->motives[i].id, id) == 0)
			return &c->motives[i];
	return NULL;
}

static int
valid_id(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_'))
			return 0;
	return 1;
}

static int
load_motive(struct loader *ld, yaml_node_t *n)
{
	struct owi_motive tmp = { 0 }, *m;
	yaml_node_pair_t *p;
	int rc = 0;

	if (n->type != YAML_MAPPING_NODE)
		return fail_at(ld, n, "a motive must be a mapping (id, folder, description)%s", "");
	for (p = n->data.mapping.pairs.start;
	    rc == 0 && p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(ld, p->key), *v = node(ld, p->value);
		const char *key = scalar(k);

		if (key == NULL)
			rc = fail_at(ld, k, "a key must be a string%s", "");
		else if (strcmp(key, "id") == 0)
			rc = get_string(ld, v, key, &tmp.id);
		else if (strcmp(key, "folder") == 0)
			rc = get_string(ld, v, key, &tmp.folder);
		else if (strcmp(key, "description") == 0)
			rc = get_string(ld, v, key, &tmp.description);
		else
			rc = fail_at(ld, k, "unknown key '%s' in a motive", key);
	}
	if (rc == 0 && tmp.id == NULL)
		rc = fail_at(ld, n, "a motive needs an id%s", "");
	if (rc == 0 && !valid_id(tmp.id))
		rc = fail_at(ld, n, "motive id '%s' must be lower case letters, digits and _",
		    tmp.id);
	if (rc == 0 && (m = find_motive(ld->c, tmp.id)) != NULL) {
		/* A later file changes what an earlier one said. */
		if (tmp.folder != NULL) {
			free(m->folder);
			m->folder = tmp.folder, tmp.folder = NULL;
		}
		if (tmp.description != NULL) {
			free(m->description);
			m->description = tmp.description, tmp.description = NULL;
		}
	} else if (rc == 0) {
		struct owi_config *c = ld->c;
		struct owi_motive *nm;

		if (tmp.folder == NULL)
			rc = fail_at(ld, n, "motive '%s' needs a folder", tmp.id);
		else if ((nm = realloc(c->motives, (c->n_motives + 1) *
		    sizeof(*nm))) == NULL)
			rc = fail_at(ld, n, "out of memory%s", "");
		else {
			c->motives = nm;
			c->motives[c->n_motives++] = tmp;
			return 0;
		}
	}
	free(tmp.id);
	free(tmp.folder);
	free(tmp.description);
	return rc;
}

static struct owi_signal *
get_signal(struct owi_config *c, const char *id)
{
	struct owi_signal *ns;

	for (size_t i = 0; i < c->n_signals; i++)
		if (strcmp(c->signals[i].id, id) == 0)
			return &c->signals[i];
	if ((ns = realloc(c->signals, (c->n_signals + 1) * sizeof(*ns))) == NULL)
		return NULL;
	c->signals = ns;
	memset(&ns[c->n_signals], 0, sizeof(*ns));
	if ((ns[c->n_signals].id = strdup(id)) == NULL)
		return NULL;
	return &ns[c->n_signals++];
}

static int
add_pattern(struct loader *ld, struct owi_signal *s, yaml_node_t *v)
{
	const char *pat = scalar(v);
	int err;
	PCRE2_SIZE off;
	pcre2_code *re;
	char **np;
	void **nc;

	if (pat == NULL)
		return fail_at(ld, v, "a pattern must be a string%s", "");
	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
	    PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF,
	    &err, &off, NULL);
	if (re == NULL) {
		PCRE2_UCHAR msg[256];
		char buf[400];

		pcre2_get_error_message(err, msg, sizeof(msg));
		snprintf(buf, sizeof(buf), "invalid pattern at offset %zu: %s",
		    (size_t)off, (const char *)msg);
		return fail_at(ld, v, "%s", buf);
	}
	/* Compiled to machine code where PCRE2 can: signals run on every mail. */
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	np = realloc(s->patterns, (s->n + 1) * sizeof(*np));
	if (np != NULL)
		s->patterns = np;
	nc = realloc(s->compiled, (s->n + 1) * sizeof(*nc));
	if (nc != NULL)
		s->compiled = nc;
	if (np == NULL || nc == NULL || (np[s->n] = strdup(pat)) == NULL) {
		pcre2_code_free(re);
		return fail_at(ld, v, "out of memory%s", "");
	}
	nc[s->n++] = re;
	return 0;
}

static int
load_signal(struct loader *ld, yaml_node_t *n)
{
	yaml_node_pair_t *p;
	const char *id = NULL;
	yaml_node_t *pats = NULL;
	struct owi_signal *s;

	if (n->type != YAML_MAPPING_NODE)
		return fail_at(ld, n, "a signal must be a mapping (id, patterns)%s", "");
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(ld, p->key), *v = node(ld, p->value);
		const char *key = scalar(k);

		if (key != NULL && strcmp(key, "id") == 0) {
			if ((id = scalar(v)) == NULL || !valid_id(id))
				return fail_at(ld, v, "a signal id must be lower case letters, digits and _%s", "");
		} else if (key != NULL && strcmp(key, "patterns") == 0)
			pats = v;
		else
			return fail_at(ld, k, "unknown key '%s' in a signal",
			    key ? key : "");
	}
	if (id == NULL)
		return fail_at(ld, n, "a signal needs an id%s", "");
	if (pats == NULL || pats->type != YAML_SEQUENCE_NODE)
		return fail_at(ld, pats ? pats : n,
		    "signal '%s' needs a list of patterns", id);
	if ((s = get_signal(ld->c, id)) == NULL)
		return fail_at(ld, n, "out of memory%s", "");
	for (yaml_node_item_t *it = pats->data.sequence.items.start;
	    it < pats->data.sequence.items.top; it++)
		if (add_pattern(ld, s, node(ld, *it)) != 0)
			return -1;
	return 0;
}

/* A list of strings; appended to what earlier files gave. */
static int
get_strings(struct loader *ld, yaml_node_t *v, const char *key,
    struct owi_strings *out)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return fail_at(ld, v, "'%s' must be a list of strings", key);
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++) {
		yaml_node_t *n = node(ld, *it);
		const char *str = scalar(n);
		char **nv;

		if (str == NULL)
			return fail_at(ld, n, "'%s' must be a list of strings", key);
		if ((nv = realloc(out->v, (out->n + 1) * sizeof(*nv))) == NULL ||
		    (nv[out->n] = strdup(str)) == NULL) {
			if (nv != NULL)
				out->v = nv;
			return fail_at(ld, n, "out of memory%s", "");
		}
		out->v = nv;
		out->n++;
	}
	return 0;
}

static int
load_carrier(struct loader *ld, yaml_node_t *n)
{
	struct owi_carrier tmp = { 0 }, *nc;
	struct owi_config *c = ld->c;
	int rc = 0;

	if (n->type != YAML_MAPPING_NODE)
		return fail_at(ld, n, "a carrier must be a mapping (id, name, words, url)%s", "");
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	    rc == 0 && p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(ld, p->key), *v = node(ld, p->value);
		const char *key = scalar(k);

		if (key == NULL)
			rc = fail_at(ld, k, "a key must be a string%s", "");
		else if (strcmp(key, "id") == 0)
			rc = get_string(ld, v, key, &tmp.id);
		else if (strcmp(key, "name") == 0)
			rc = get_string(ld, v, key, &tmp.name);
		else if (strcmp(key, "url") == 0)
			rc = get_string(ld, v, key, &tmp.url);
		else if (strcmp(key, "words") == 0)
			rc = get_strings(ld, v, key, &tmp.words);
		else
			rc = fail_at(ld, k, "unknown key '%s' in a carrier", key);
	}
	if (rc == 0 && (tmp.id == NULL || !valid_id(tmp.id)))
		rc = fail_at(ld, n, "a carrier needs an id of lower case letters, digits and _%s", "");
	if (rc == 0 && tmp.url != NULL && strstr(tmp.url, "{tracking}") == NULL)
		rc = fail_at(ld, n, "carrier '%s': the url needs {tracking}", tmp.id);
	if (rc == 0 && (nc = realloc(c->carriers, (c->n_carriers + 1) *
	    sizeof(*nc))) != NULL) {
		c->carriers = nc;
		c->carriers[c->n_carriers++] = tmp;
		return 0;
	}
	if (rc == 0)
		rc = fail_at(ld, n, "out of memory%s", "");
	free(tmp.id);
	free(tmp.name);
	free(tmp.url);
	for (size_t i = 0; i < tmp.words.n; i++)
		free(tmp.words.v[i]);
	free(tmp.words.v);
	return rc;
}

static int
compile_product_patterns(struct loader *ld, yaml_node_t *v, size_t first)
{
	struct owi_entity_conf *e = &ld->c->ent;
	void **nc = realloc(e->product_compiled,
	    (e->product_patterns.n ? e->product_patterns.n : 1) * sizeof(*nc));

	if (nc == NULL)
		return fail_at(ld, v, "out of memory%s", "");
	e->product_compiled = nc;
	for (size_t i = first; i < e->product_patterns.n; i++) {
		int err;
		PCRE2_SIZE off;

		nc[i] = pcre2_compile((PCRE2_SPTR)e->product_patterns.v[i],
		    PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP |
		    PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
		if (nc[i] == NULL) {
			PCRE2_UCHAR msg[256];
			char buf[400];

			/* Only compiled patterns stay: owi_config_free's count. */
			for (size_t k = i; k < e->product_patterns.n; k++)
				free(e->product_patterns.v[k]);
			e->product_patterns.n = i;
			pcre2_get_error_message(err, msg, sizeof(msg));
			snprintf(buf, sizeof(buf), "invalid pattern at offset %zu: %s",
			    (size_t)off, (const char *)msg);
			return fail_at(ld, node(ld,
			    v->data.sequence.items.start[i - first]), "%s", buf);
		}
		(void)pcre2_jit_compile(nc[i], PCRE2_JIT_COMPLETE);
	}
	return 0;
}

static int
load_entities(struct loader *ld, yaml_node_t *n)
{
	struct owi_entity_conf *e = &ld->c->ent;

	if (n->type != YAML_MAPPING_NODE)
		return fail_at(ld, n, "'entities' must be a mapping%s", "");
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	    p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(ld, p->key), *v = node(ld, p->value);
		const char *key = scalar(k);
		int rc;

		if (key == NULL)
			return fail_at(ld, k, "a key must be a string%s", "");
		if (strcmp(key, "order_words") == 0)
			rc = get_strings(ld, v, key, &e->order_words);
		else if (strcmp(key, "product_words") == 0)
			rc = get_strings(ld, v, key, &e->product_words);
		else if (strcmp(key, "not_references") == 0)
			rc = get_strings(ld, v, key, &e->not_references);
		else if (strcmp(key, "product_patterns") == 0) {
			size_t first = e->product_patterns.n;

			rc = get_strings(ld, v, key, &e->product_patterns);
			if (rc == 0)
				rc = compile_product_patterns(ld, v, first);
		} else
			rc = fail_at(ld, k, "unknown key '%s' in entities", key);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int
load_list(struct loader *ld, yaml_node_t *v, const char *key,
    int (*one)(struct loader *, yaml_node_t *))
{
	if (v->type != YAML_SEQUENCE_NODE)
		return fail_at(ld, v, "'%s' must be a list", key);
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++)
		if (one(ld, node(ld, *it)) != 0)
			return -1;
	return 0;
}

static int
load_document(struct loader *ld)
{
	yaml_node_t *root = yaml_document_get_root_node(ld->doc);
	yaml_node_pair_t *p;

	if (root == NULL)
		return 0;	/* an empty file */
	if (root->type != YAML_MAPPING_NODE)
		return fail_at(ld, root, "the file must be a mapping of sections%s", "");
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	    p++) {
		yaml_node_t *k = node(ld, p->key), *v = node(ld, p->value);
		const char *key = scalar(k);
		int rc;

		if (key == NULL)
			return fail_at(ld, k, "a section name must be a string%s", "");
		if (strcmp(key, "motives") == 0)
			rc = load_list(ld, v, key, load_motive);
		else if (strcmp(key, "signals") == 0)
			rc = load_list(ld, v, key, load_signal);
		else if (strcmp(key, "unsure_folder") == 0)
			rc = get_string(ld, v, key, &ld->c->unsure_folder);
		else if (strcmp(key, "carriers") == 0)
			rc = load_list(ld, v, key, load_carrier);
		else if (strcmp(key, "entities") == 0)
			rc = load_entities(ld, v);
		else if (strcmp(key, "rules") == 0 || strcmp(key, "calendar") == 0 ||
		    strcmp(key, "shop_addresses") == 0)
			rc = 0;		/* owi-route's sections: rules.c */
		else
			rc = fail_at(ld, k, "unknown section '%s'", key);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int
load_file(const char *path, struct owi_config *c, struct owi_diag *d)
{
	FILE *fp = fopen(path, "rb");
	yaml_parser_t parser;
	yaml_document_t doc;
	struct loader ld = { path, &doc, c, d };
	int rc = 0;

	if (fp == NULL) {
		owi_diag_errno(d, path, errno, "cannot open '%s'", path);
		return -1;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, fp);
	for (;;) {
		yaml_node_t *root;

		if (!yaml_parser_load(&parser, &doc)) {
			owi_diag_set(d, path, (long)parser.problem_mark.line + 1,
			    (long)parser.problem_mark.column + 1, "%s%s%s",
			    parser.problem ? parser.problem : "invalid YAML",
			    parser.context ? " " : "",
			    parser.context ? parser.context : "");
			rc = -1;
			break;
		}
		root = yaml_document_get_root_node(&doc);
		if (root == NULL) {
			yaml_document_delete(&doc);
			break;
		}
		rc = load_document(&ld);
		yaml_document_delete(&doc);
		if (rc != 0)
			break;
	}
	yaml_parser_delete(&parser);
	fclose(fp);
	return rc;
}

static int
is_yaml(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return de->d_name[0] != '.' && n > 5 &&
	    strcmp(de->d_name + n - 5, ".yaml") == 0;
}

static int
by_base(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	return strcmp(strrchr(x, '/') + 1, strrchr(y, '/') + 1);
}

void
owi_rules_files_free(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

int
owi_rules_files(const char *dirs, char ***paths, size_t *n, struct owi_diag *d)
{
	char *list = strdup(dirs), *save = NULL;

	*paths = NULL;
	*n = 0;
	if (list == NULL) {
		owi_diag_errno(d, dirs, ENOMEM, "cannot read '%s'", dirs);
		return -1;
	}
	for (char *dir = strtok_r(list, ":", &save); dir != NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		struct dirent **names;
		int k;

		if ((k = scandir(dir, &names, is_yaml, alphasort)) < 0) {
			owi_diag_errno(d, dir, errno, "cannot read rules directory "
			    "'%s'", dir);
			owi_rules_files_free(*paths, *n);
			*paths = NULL, *n = 0;
			free(list);
			return -1;
		}
		for (int i = 0; i < k; i++) {
			char path[4096], **np;
			size_t j;

			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			free(names[i]);
			/* A later directory's file of the same name replaces it. */
			for (j = 0; j < *n; j++)
				if (strcmp(strrchr((*paths)[j], '/') + 1,
				    strrchr(path, '/') + 1) == 0)
					break;
			if (j < *n) {
				free((*paths)[j]);
				(*paths)[j] = strdup(path);
			} else if ((np = realloc(*paths, (*n + 1) * sizeof(*np))) !=
			    NULL) {
				*paths = np;
				np[(*n)++] = strdup(path);
			}
		}
		free(names);
	}
	free(list);
	qsort(*paths, *n, sizeof(**paths), by_base);
	return 0;
}

int
owi_config_load(const char *dir, struct owi_config *c, struct owi_diag *d)
{
	char **paths;
	size_t n;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	if ((c->dir = strdup(dir)) == NULL) {
		owi_diag_errno(d, dir, ENOMEM, "cannot read '%s'", dir);
		return -1;
	}
	if (owi_rules_files(dir, &paths, &n, d) != 0) {
		owi_config_free(c);
		return -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = paths[i] ? load_file(paths[i], c, d) : -1;
	owi_rules_files_free(paths, n);
	if (rc == 0 && c->n_motives == 0) {
		owi_diag_set(d, dir, 0, 0, "no motives in '%s'", dir);
		rc = -1;
	}
	if (rc == 0 && c->unsure_folder == NULL &&
	    (c->unsure_folder = strdup("00 – À analyser")) == NULL)
		rc = -1;
	if (rc != 0)
		owi_config_free(c);
	return rc;
}

static void
strings_free(struct owi_strings *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

int
owi_strings_has(const struct owi_strings *s, const char *w)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcasecmp(s->v[i], w) == 0)
			return 1;
	return 0;
}

void
owi_config_free(struct owi_config *c)
{
	for (size_t i = 0; i < c->n_motives; i++) {
		free(c->motives[i].id);
		free(c->motives[i].folder);
		free(c->motives[i].description);
	}
	for (size_t i = 0; i < c->n_signals; i++) {
		for (size_t k = 0; k < c->signals[i].n; k++) {
			free(c->signals[i].patterns[k]);
			pcre2_code_free(c->signals[i].compiled[k]);
		}
		free(c->signals[i].patterns);
		free(c->signals[i].compiled);
		free(c->signals[i].id);
	}
	for (size_t i = 0; i < c->n_carriers; i++) {
		free(c->carriers[i].id);
		free(c->carriers[i].name);
		free(c->carriers[i].url);
		strings_free(&c->carriers[i].words);
	}
	free(c->carriers);
	strings_free(&c->ent.order_words);
	strings_free(&c->ent.product_words);
	strings_free(&c->ent.not_references);
	for (size_t i = 0; i < c->ent.product_patterns.n; i++)
		pcre2_code_free(c->ent.product_compiled[i]);
	free(c->ent.product_compiled);
	strings_free(&c->ent.product_patterns);
	free(c->motives);
	free(c->signals);
	free(c->unsure_folder);
	free(c->dir);
	memset(c, 0, sizeof(*c));
}

const struct owi_motive *
owi_config_motive(const struct owi_config *c, const char *id)
{
	for (size_t i = 0; i < c->n_motives; i++)
		if (strcmp(c->motives[i].id, id) == 0)
			return &c->motives[i];
	return NULL;
}

const struct owi_motive *
owi_config_motive_by_folder(const struct owi_config *c, const char *name)
{
	for (size_t i = 0; i < c->n_motives; i++)
		if (strcmp(c->motives[i].folder, name) == 0)
			return &c->motives[i];
	return owi_config_motive(c, name);
}

int
owi_signal_match(const struct owi_signal *s, const char *text, size_t *start,
    size_t *len)
{
	for (size_t k = 0; k < s->n; k++) {
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(
		    s->compiled[k], NULL);
		int rc;

		if (md == NULL)
			continue;
		rc = pcre2_match(s->compiled[k], (PCRE2_SPTR)text,
		    PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
		if (rc > 0) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

			*start = ov[0];
			*len = ov[1] - ov[0];
			pcre2_match_data_free(md);
			return 1;
		}
		pcre2_match_data_free(md);
	}
	return 0;
}
