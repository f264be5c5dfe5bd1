/*
 * rules.c - owi-rules(5): the rules, calendar and shop addresses of
 * rules.d read through libyaml's document API, checked whole (every
 * problem at its file:line:col, not only the first), then evaluated on
 * each envelope with the reasons kept for route.why.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <yaml.h>

#include "envelope.h"
#include "extract.h"
#include "rules.h"

enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_NOT_IN, OP_HAS,
	OP_EXISTS, OP_EMPTY, OP_MATCHES };

static const char *const op_names[] = { "eq", "ne", "lt", "le", "gt", "ge",
	"in", "not_in", "has", "exists", "empty", "matches", NULL };

/* A constant of the rules: a string, a number or a boolean. */
struct value {
	enum { V_STR, V_NUM, V_BOOL, V_NULL } type;
	char *s;
	double n;
	int b;
};

struct test {
	enum op op;
	struct value v;		/* eq ... ge, has, exists, empty */
	struct value *set;	/* in, not_in */
	size_t n_set;
	pcre2_code *re;		/* matches */
	char *text;		/* as written, for why */
};

struct cond {
	enum { C_TRUE, C_ALL, C_ANY, C_NOT, C_TEST } kind;
	struct cond *kids;
	size_t n;
	char *path;		/* C_TEST */
	struct test *tests;
	size_t n_tests;
};

enum action { A_NONE, A_REPLY, A_DRAFT, A_FILE };
static const char *const action_names[] = { NULL, "reply", "draft", "file" };

struct rule {
	char *name, *file;
	long line, col;
	struct cond when;
	int has_when;
	enum action action;
	char *template, *folder, *priority, *handover;
	char **tags;
	size_t n_tags;
	int cont, disabled;
	int dir;		/* the rules directory it came from, in -r order */
};

struct owi_rules {
	struct rule *v;
	size_t n;
	const struct owi_config *cfg;
	/* The calendar: open days (0 = Sunday), hours in minutes. */
	int days[7];
	int open_min, close_min;
	char **closed;
	size_t n_closed;
	char *timezone;
	char **own;		/* the shop's addresses, or "@domain" */
	size_t n_own;
};

struct loader {
	const char *file;
	yaml_document_t *doc;
	struct owi_rules *r;
	struct owi_problems *p;
	char **dirs;		/* template directories */
	size_t n_dirs;
	int dir;		/* the file's rules directory, in -r order */
};

/* ---- problems -------------------------------------------------------- */

static void
problem(struct loader *ld, yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Appends "file:line:col: msg" (without a line, "file: msg") to p. */
static void
push_problem(struct owi_problems *p, const char *file, long line, long col,
    const char *msg)
{
	size_t len = strlen(file) + strlen(msg) + 48;
	char *text = malloc(len), **nv;

	if (text == NULL)
		return;
	if (line > 0)
		snprintf(text, len, "%s:%ld:%ld: %s", file, line, col, msg);
	else
		snprintf(text, len, "%s: %s", file, msg);
	if ((nv = realloc(p->v, (p->n + 1) * sizeof(*nv))) == NULL) {
		free(text);
		return;
	}
	p->v = nv;
	nv[p->n++] = text;
}

static void
problem(struct loader *ld, yaml_node_t *n, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	push_problem(ld->p, ld->file, n ? (long)n->start_mark.line + 1 : 0,
	    n ? (long)n->start_mark.column + 1 : 0, msg);
}

void
owi_problems_free(struct owi_problems *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

static yaml_node_t *
node(struct loader *ld, int id)
{
	return yaml_document_get_node(ld->doc, id);
}

static const char *
scalar(yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE ?
	    (const char *)n->data.scalar.value : NULL;
}

/* ---- the paths a condition may name ---------------------------------- */

/* Known paths, numeric segments left out; "*" is any one name. */
static const char *const order_keys[] = { "id", "reference", "date",
	"customer", "customer.email", "customer.firstname", "customer.lastname",
	"state", "state.id", "state.name", "state.paid", "state.shipped",
	"state.delivered", "state.canceled", "state.refunded", "state.validated",
	"shipped_at", "carrier", "carrier.id", "carrier.name",
	"carrier.tracking_number", "carrier.tracking_url", "lines",
	"lines.product_reference", "lines.name", "lines.quantity",
	"lines.unit_price", "totals", "totals.paid", "totals.products",
	"matched_by", "matched_value", "belongs_to_sender", NULL };
static const char *const product_keys[] = { "reference", "ean13", "name",
	"price", "stock", "in_stock", "matched_by", "matched_value", NULL };
static const char *const customer_keys[] = { "email", "firstname",
	"lastname", "orders", "first_order", "last_order", "total_spent", NULL };
static const char *const message_keys[] = { "message_id", "in_reply_to",
	"references", "date", "date_raw", "from", "from.name", "from.address",
	"to", "to.name", "to.address", "cc", "cc.name", "cc.address", "reply_to",
	"reply_to.name", "reply_to.address", "subject", "headers", "text",
	"text_from", "new_text", "quoted_text", "forwarded_text", "signature",
	"attachments", "attachments.filename", "attachments.content_type",
	"attachments.declared_type", "attachments.disposition",
	"attachments.size", "attachments.sha256", "attachments.text",
	"attachments.text_from", "automated", "automated.is", "automated.why",
	NULL };
static const char *const classification_keys[] = { "motives", "motives.id",
	"motives.score", "motives.threshold", "motives.sure", "spam", "lang",
	"signals", "signals.id", "signals.evidence", "model", NULL };
static const char *const entity_keys[] = { "value", "raw", "from", "start",
	"end", "confidence", "carrier", "about", "currency", NULL };
static const char *const shop_keys[] = { "backend", "lang", "failed",
	"orders", "customer", "products", "not_found", "not_found.type",
	"not_found.value", "not_found.refused", NULL };
/* The facts owi-route computes for the rules (owi-rules(5)). */
static const char *const fact_keys[] = { "motive", "likely_motive",
	"motives", "score",
	"spam", "lang", "signals", "automated", "sender", "shop_address",
	"orders_count", "products_count", "days_since_order",
	"days_since_shipping", "time", "time.weekday", "time.hour",
	"time.minute", "time.date", "time.business", NULL };

static int
in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; list[i] != NULL; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

/* path without its numeric segments, into buf. */
static void
strip_indexes(const char *path, char *buf, size_t size)
{
	size_t o = 0;

	for (const char *p = path; *p && o + 1 < size;) {
		const char *e = strchr(p, '.');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		size_t k;

		for (k = 0; k < n && isdigit((unsigned char)p[k]); k++)
			;
		if (k != n || n == 0) {
			if (o > 0)
				buf[o++] = '.';
			if (o + n >= size)
				n = size - o - 1;
			memcpy(buf + o, p, n);
			o += n;
		}
		p += n + (e != NULL);
	}
	buf[o] = '\0';
}

static int
known_under(const char *rest, const char *const *keys)
{
	return *rest == '\0' || in_list(keys, rest);
}

/* Is path one a condition may name?  *what says which part is wrong. */
static int
known_path(const char *path)
{
	char p[256], *rest;

	strip_indexes(path, p, sizeof(p));
	if (in_list(fact_keys, p))
		return 1;
	if ((rest = strchr(p, '.')) != NULL)
		*rest++ = '\0';
	else
		rest = p + strlen(p);
	if (strcmp(p, "order") == 0)
		return known_under(rest, order_keys);
	if (strcmp(p, "product") == 0)
		return known_under(rest, product_keys);
	if (strcmp(p, "customer") == 0)
		return known_under(rest, customer_keys);
	if (strcmp(p, "header") == 0)
		return *rest != '\0' && strchr(rest, '.') == NULL;
	if (strcmp(p, "message") == 0)
		return known_under(rest, message_keys);
	if (strcmp(p, "classification") == 0)
		return known_under(rest, classification_keys);
	if (strcmp(p, "source") == 0)
		return *rest == '\0' || strcmp(rest, "path") == 0 ||
		    strcmp(rest, "size") == 0 || strcmp(rest, "sha256") == 0 ||
		    strcmp(rest, "offset") == 0;
	if (strcmp(p, "errors") == 0)
		return *rest == '\0' || strcmp(rest, "stage") == 0 ||
		    strcmp(rest, "code") == 0 || strcmp(rest, "message") == 0;
	if (strcmp(p, "id") == 0 || strcmp(p, "owi") == 0)
		return *rest == '\0';
	if (strcmp(p, "entities") == 0) {
		char *sub = strchr(rest, '.');

		if (*rest == '\0')
			return 1;
		if (sub != NULL)
			*sub++ = '\0';
		for (size_t i = 0; owi_entity_types[i] != NULL; i++)
			if (strcmp(owi_entity_types[i], rest) == 0)
				return sub == NULL || in_list(entity_keys, sub);
		return 0;
	}
	if (strcmp(p, "shop") == 0) {
		char *sub;

		if (known_under(rest, shop_keys))
			return 1;
		if ((sub = strchr(rest, '.')) != NULL)
			*sub++ = '\0';
		if (sub == NULL)
			return 0;
		if (strcmp(rest, "orders") == 0)
			return in_list(order_keys, sub);
		if (strcmp(rest, "products") == 0)
			return in_list(product_keys, sub);
		if (strcmp(rest, "customer") == 0)
			return in_list(customer_keys, sub);
	}
	return 0;
}

/* ---- conditions ------------------------------------------------------- */

static int
parse_value(yaml_node_t *n, struct value *v)
{
	const char *s = scalar(n);
	char *end;

	memset(v, 0, sizeof(*v));
	if (s == NULL)
		return -1;
	if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
			v->type = V_BOOL;
			v->b = s[0] == 't';
			return 0;
		}
		if (strcmp(s, "null") == 0 || strcmp(s, "~") == 0) {
			v->type = V_NULL;
			return 0;
		}
		v->n = strtod(s, &end);
		if (*s != '\0' && *end == '\0' && isfinite(v->n)) {
			v->type = V_NUM;
			return 0;
		}
	}
	v->type = V_STR;
	return (v->s = strdup(s)) == NULL ? -1 : 0;
}

static void
value_free(struct value *v)
{
	free(v->s);
}

static void
cond_free(struct cond *c)
{
	for (size_t i = 0; i < c->n; i++)
		cond_free(&c->kids[i]);
	free(c->kids);
	for (size_t i = 0; i < c->n_tests; i++) {
		struct test *t = &c->tests[i];

		value_free(&t->v);
		for (size_t j = 0; j < t->n_set; j++)
			value_free(&t->set[j]);
		free(t->set);
		if (t->re != NULL)
			pcre2_code_free(t->re);
		free(t->text);
	}
	free(c->tests);
	free(c->path);
}

/* The motives a value names must exist; so must the folders. */
static void
check_motive(struct loader *ld, yaml_node_t *n, const char *path,
    const struct value *v)
{
	if ((strcmp(path, "motive") == 0 || strcmp(path, "motives") == 0 ||
	    strcmp(path, "likely_motive") == 0) &&
	    v->type == V_STR && owi_config_motive(ld->r->cfg, v->s) == NULL)
		problem(ld, n, "unknown motive '%s'", v->s);
}

static int
add_test(struct loader *ld, struct cond *c, enum op op, yaml_node_t *v)
{
	struct test *nt = realloc(c->tests, (c->n_tests + 1) * sizeof(*nt)), *t;
	const char *s = scalar(v);

	if (nt == NULL)
		return -1;
	c->tests = nt;
	t = &c->tests[c->n_tests++];
	memset(t, 0, sizeof(*t));
	t->op = op;
	if (op == OP_IN || op == OP_NOT_IN) {
		yaml_node_item_t *it;
		size_t len = 2;

		if (v->type != YAML_SEQUENCE_NODE) {
			problem(ld, v, "'%s' needs a list", op_names[op]);
			return -1;
		}
		t->set = calloc((size_t)(v->data.sequence.items.top -
		    v->data.sequence.items.start) + 1, sizeof(*t->set));
		if (t->set == NULL)
			return -1;
		for (it = v->data.sequence.items.start;
		    it < v->data.sequence.items.top; it++) {
			yaml_node_t *x = node(ld, *it);

			if (parse_value(x, &t->set[t->n_set]) != 0) {
				problem(ld, x, "the items of '%s' must be plain values",
				    op_names[op]);
				return -1;
			}
			check_motive(ld, x, c->path, &t->set[t->n_set]);
			len += strlen(scalar(x)) + 2;
			t->n_set++;
		}
		if ((t->text = malloc(len + 1)) == NULL)
			return -1;
		strcpy(t->text, "[");
		for (it = v->data.sequence.items.start;
		    it < v->data.sequence.items.top; it++) {
			if (it > v->data.sequence.items.start)
				strcat(t->text, ", ");
			strcat(t->text, scalar(node(ld, *it)));
		}
		strcat(t->text, "]");
		return 0;
	}
	if (s == NULL || parse_value(v, &t->v) != 0) {
		problem(ld, v, "'%s' needs a plain value", op_names[op]);
		return -1;
	}
	if ((t->text = strdup(s)) == NULL)
		return -1;
	check_motive(ld, v, c->path, &t->v);
	if ((op == OP_EXISTS || op == OP_EMPTY) && t->v.type != V_BOOL) {
		problem(ld, v, "'%s' needs true or false", op_names[op]);
		return -1;
	}
	if (op >= OP_LT && op <= OP_GE && t->v.type != V_NUM) {
		problem(ld, v, "'%s' needs a number", op_names[op]);
		return -1;
	}
	if (op == OP_MATCHES) {
		int err;
		PCRE2_SIZE off;

		t->re = pcre2_compile((PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED,
		    PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF,
		    &err, &off, NULL);
		if (t->re == NULL) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(err, msg, sizeof(msg));
			problem(ld, v, "invalid pattern at offset %zu: %s",
			    (size_t)off, (const char *)msg);
			return -1;
		}
		(void)pcre2_jit_compile(t->re, PCRE2_JIT_COMPLETE);
	}
	return 0;
}

static int parse_cond(struct loader *ld, yaml_node_t *n, struct cond *c);

/* "path: test": a value (eq), a list (in), or a mapping of operators. */
static int
parse_test(struct loader *ld, yaml_node_t *k, yaml_node_t *v, struct cond *c)
{
	const char *path = scalar(k);
	int rc = 0;

	c->kind = C_TEST;
	if ((c->path = strdup(path)) == NULL)
		return -1;
	if (!known_path(path)) {
		problem(ld, k, "unknown field '%s'", path);
		return -1;
	}
	if (v->type == YAML_SCALAR_NODE)
		return add_test(ld, c, OP_EQ, v);
	if (v->type == YAML_SEQUENCE_NODE)
		return add_test(ld, c, OP_IN, v);
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start;
	    p < v->data.mapping.pairs.top; p++) {
		yaml_node_t *ok = node(ld, p->key), *ov = node(ld, p->value);
		const char *name = scalar(ok);
		int op;

		for (op = 0; name != NULL && op_names[op] != NULL; op++)
			if (strcmp(op_names[op], name) == 0)
				break;
		if (name == NULL || op_names[op] == NULL) {
			problem(ld, ok, "unknown operator '%s' (eq, ne, lt, le, gt, "
			    "ge, in, not_in, has, exists, empty, matches)",
			    name ? name : "");
			rc = -1;
		} else if (add_test(ld, c, (enum op)op, ov) != 0)
			rc = -1;
	}
	if (rc == 0 && c->n_tests == 0) {
		problem(ld, v, "no test for '%s'", path);
		rc = -1;
	}
	return rc;
}

static int
parse_kids(struct loader *ld, yaml_node_t *v, struct cond *c, const char *name)
{
	size_t n;

	if (v->type != YAML_SEQUENCE_NODE) {
		problem(ld, v, "'%s' needs a list of conditions", name);
		return -1;
	}
	n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	if ((c->kids = calloc(n + 1, sizeof(*c->kids))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		c->n = i + 1;	/* freed by cond_free whatever happens */
		if (parse_cond(ld, node(ld, v->data.sequence.items.start[i]),
		    &c->kids[i]) != 0)
			return -1;
	}
	return 0;
}

/* One key of a condition's mapping: all, any, not, or a field's test. */
static int
parse_key(struct loader *ld, yaml_node_t *k, yaml_node_t *v, struct cond *c)
{
	const char *key = scalar(k);

	if (key == NULL) {
		problem(ld, k, "a key must be a string");
		return -1;
	}
	if (strcmp(key, "all") == 0 || strcmp(key, "any") == 0) {
		c->kind = key[1] == 'l' ? C_ALL : C_ANY;
		return parse_kids(ld, v, c, key);
	}
	if (strcmp(key, "not") == 0) {
		c->kind = C_NOT;
		if ((c->kids = calloc(1, sizeof(*c->kids))) == NULL)
			return -1;
		c->n = 1;
		return parse_cond(ld, v, c->kids);
	}
	return parse_test(ld, k, v, c);
}

/* A mapping of several keys is all of them. */
static int
parse_cond(struct loader *ld, yaml_node_t *n, struct cond *c)
{
	size_t npairs;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	if (n->type == YAML_SEQUENCE_NODE) {
		c->kind = C_ALL;
		return parse_kids(ld, n, c, "all");
	}
	if (n->type != YAML_MAPPING_NODE) {
		problem(ld, n, "a condition is a mapping (field: test, all, any, "
		    "not)");
		return -1;
	}
	npairs = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	if (npairs == 1)
		return parse_key(ld, node(ld, n->data.mapping.pairs.start->key),
		    node(ld, n->data.mapping.pairs.start->value), c);
	c->kind = C_ALL;
	if ((c->kids = calloc(npairs + 1, sizeof(*c->kids))) == NULL)
		return -1;
	/* Every key is read, so that each problem is reported. */
	for (size_t i = 0; i < npairs; i++) {
		yaml_node_pair_t *p = &n->data.mapping.pairs.start[i];

		c->n = i + 1;	/* freed by cond_free whatever happens */
		rc |= parse_key(ld, node(ld, p->key), node(ld, p->value),
		    &c->kids[i]);
	}
	return rc;
}

/* ---- rules ------------------------------------------------------------ */

static void
rule_free(struct rule *r)
{
	free(r->name);
	free(r->file);
	cond_free(&r->when);
	free(r->template);
	free(r->folder);
	free(r->priority);
	free(r->handover);
	for (size_t i = 0; i < r->n_tags; i++)
		free(r->tags[i]);
	free(r->tags);
}

static int
template_exists(struct loader *ld, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < ld->n_dirs; i++) {
		DIR *d = opendir(ld->dirs[i]);
		struct dirent *de;
		int found = 0;

		if (d == NULL)
			continue;
		while (!found && (de = readdir(d)) != NULL)
			found = strncmp(de->d_name, name, n) == 0 &&
			    (de->d_name[n] == '.') && de->d_name[n + 1] != '\0';
		closedir(d);
		if (found)
			return 1;
	}
	return 0;
}

/* "motive:ID" names the folder of that motive, wherever it was set. */
static int
resolve_folder(struct loader *ld, yaml_node_t *v, char **folder)
{
	const struct owi_motive *m;

	if (strncmp(*folder, "motive:", 7) != 0)
		return 0;
	if ((m = owi_config_motive(ld->r->cfg, *folder + 7)) == NULL) {
		problem(ld, v, "unknown motive '%s'", *folder + 7);
		return -1;
	}
	free(*folder);
	return (*folder = strdup(m->folder)) == NULL ? -1 : 0;
}

static int
folder_known(const struct owi_config *cfg, const char *folder)
{
	if (strcmp(folder, cfg->unsure_folder) == 0)
		return 1;
	for (size_t i = 0; i < cfg->n_motives; i++)
		if (strcmp(cfg->motives[i].folder, folder) == 0)
			return 1;
	return 0;
}

static int
string_of(struct loader *ld, yaml_node_t *v, const char *key, char **out)
{
	const char *s = scalar(v);

	if (s == NULL || *s == '\0') {
		problem(ld, v, "'%s' must be a string", key);
		return -1;
	}
	free(*out);
	return (*out = strdup(s)) == NULL ? -1 : 0;
}

static int
bool_of(struct loader *ld, yaml_node_t *v, const char *key, int *out)
{
	const char *s = scalar(v);

	if (s == NULL || (strcmp(s, "true") != 0 && strcmp(s, "false") != 0)) {
		problem(ld, v, "'%s' must be true or false", key);
		return -1;
	}
	*out = s[0] == 't';
	return 0;
}

static int
set_action(struct loader *ld, yaml_node_t *k, struct rule *r, enum action a)
{
	if (r->action != A_NONE) {
		problem(ld, k, "rule '%s' has two actions (%s and %s)",
		    r->name ? r->name : "?", action_names[r->action],
		    action_names[a]);
		return -1;
	}
	r->action = a;
	return 0;
}

static int
parse_tags(struct loader *ld, yaml_node_t *v, struct rule *r)
{
	if (v->type == YAML_SCALAR_NODE) {
		if ((r->tags = malloc(sizeof(char *))) == NULL ||
		    (r->tags[0] = strdup(scalar(v))) == NULL)
			return -1;
		r->n_tags = 1;
		return 0;
	}
	if (v->type != YAML_SEQUENCE_NODE) {
		problem(ld, v, "'tag' must be a string or a list of strings");
		return -1;
	}
	r->tags = calloc((size_t)(v->data.sequence.items.top -
	    v->data.sequence.items.start) + 1, sizeof(char *));
	if (r->tags == NULL)
		return -1;
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++) {
		const char *s = scalar(node(ld, *it));

		if (s == NULL) {
			problem(ld, node(ld, *it), "'tag' must be a list of strings");
			return -1;
		}
		if ((r->tags[r->n_tags] = strdup(s)) == NULL)
			return -1;
		r->n_tags++;
	}
	return 0;
}

/* One key of a rule; -1 after a problem. */
static int
rule_key(struct loader *ld, struct rule *r, yaml_node_t *k, yaml_node_t *v)
{
	const char *key = scalar(k);

	if (key == NULL) {
		problem(ld, k, "a key must be a string");
		return -1;
	}
	if (strcmp(key, "name") == 0)
		return string_of(ld, v, key, &r->name);
	if (strcmp(key, "description") == 0)
		return scalar(v) ? 0 : (problem(ld, v, "'description' must be a "
		    "string"), -1);
	if (strcmp(key, "when") == 0) {
		r->has_when = 1;
		return parse_cond(ld, v, &r->when);
	}
	if (strcmp(key, "reply") == 0 || strcmp(key, "draft") == 0) {
		if (set_action(ld, k, r, key[0] == 'r' ? A_REPLY : A_DRAFT) != 0 ||
		    string_of(ld, v, key, &r->template) != 0)
			return -1;
		if (!(key[0] == 'd' && strcmp(r->template, "assistant") == 0) &&
		    !template_exists(ld, r->template)) {
			problem(ld, v, "no template '%s' in the templates directory",
			    r->template);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "file") == 0) {
		if (set_action(ld, k, r, A_FILE) != 0 ||
		    string_of(ld, v, key, &r->folder) != 0 ||
		    resolve_folder(ld, v, &r->folder) != 0)
			return -1;
		if (!folder_known(ld->r->cfg, r->folder)) {
			problem(ld, v, "unknown folder '%s'", r->folder);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "folder") == 0) {
		if (string_of(ld, v, key, &r->folder) != 0 ||
		    resolve_folder(ld, v, &r->folder) != 0)
			return -1;
		if (!folder_known(ld->r->cfg, r->folder)) {
			problem(ld, v, "unknown folder '%s'", r->folder);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "tag") == 0)
		return parse_tags(ld, v, r);
	if (strcmp(key, "priority") == 0) {
		static const char *const p[] = { "low", "normal", "high", "urgent",
			NULL };

		if (string_of(ld, v, key, &r->priority) != 0)
			return -1;
		if (!in_list(p, r->priority)) {
			problem(ld, v, "'priority' must be low, normal, high or urgent");
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "handover") == 0)
		return string_of(ld, v, key, &r->handover);
	if (strcmp(key, "continue") == 0)
		return bool_of(ld, v, key, &r->cont);
	if (strcmp(key, "stop") == 0) {
		int stop;

		if (bool_of(ld, v, key, &stop) != 0)
			return -1;
		r->cont = !stop;
		return 0;
	}
	if (strcmp(key, "disabled") == 0)
		return bool_of(ld, v, key, &r->disabled);
	problem(ld, k, "unknown field '%s' in a rule", key);
	return -1;
}

static void
add_rule(struct loader *ld, yaml_node_t *n, struct rule *r)
{
	struct owi_rules *rs = ld->r;
	struct rule *nv;

	/*
	 * A rule of the same name replaces the earlier one, in its place;
	 * across directories the later directory's wins whatever the file
	 * names, so that a shop's 25-myshop.yaml overrides 30-routes.yaml.
	 */
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].name, r->name) == 0) {
			if (r->dir < rs->v[i].dir) {
				rule_free(r);
				return;
			}
			rule_free(&rs->v[i]);
			rs->v[i] = *r;
			return;
		}
	if ((nv = realloc(rs->v, (rs->n + 1) * sizeof(*nv))) == NULL) {
		problem(ld, n, "out of memory");
		rule_free(r);
		return;
	}
	rs->v = nv;
	rs->v[rs->n++] = *r;
}

static void
load_rule(struct loader *ld, yaml_node_t *n)
{
	struct rule r;
	int bad = 0;

	memset(&r, 0, sizeof(r));
	if (n->type != YAML_MAPPING_NODE) {
		problem(ld, n, "a rule is a mapping (name, when, and an action)");
		return;
	}
	/* The name first, so that problems can name the rule. */
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	    p < n->data.mapping.pairs.top; p++) {
		const char *key = scalar(node(ld, p->key));

		if (key != NULL && strcmp(key, "name") == 0)
			bad |= string_of(ld, node(ld, p->value), key, &r.name) != 0;
	}
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	    p < n->data.mapping.pairs.top; p++) {
		const char *key = scalar(node(ld, p->key));
		int twice = 0;

		for (yaml_node_pair_t *q = n->data.mapping.pairs.start;
		    key != NULL && q < p; q++)
			twice |= scalar(node(ld, q->key)) != NULL &&
			    strcmp(scalar(node(ld, q->key)), key) == 0;
		if (twice) {
			problem(ld, node(ld, p->key), "'%s' is given twice", key);
			bad = 1;
			continue;
		}
		if (key != NULL && strcmp(key, "name") == 0)
			continue;
		bad |= rule_key(ld, &r, node(ld, p->key), node(ld, p->value)) != 0;
	}
	if (!bad && r.name == NULL) {
		problem(ld, n, "a rule needs a name");
		bad = 1;
	}
	if (!bad && !r.disabled && r.action == A_NONE && !r.cont) {
		problem(ld, n, "rule '%s' has no action (reply, draft, file) and "
		    "does not continue", r.name);
		bad = 1;
	}
	if (!bad && r.cont && r.action != A_NONE) {
		problem(ld, n, "rule '%s' continues: it may tag, set a priority or "
		    "hand over, not %s", r.name, action_names[r.action]);
		bad = 1;
	}
	if (bad) {
		rule_free(&r);
		return;
	}
	r.file = strdup(ld->file);
	r.dir = ld->dir;
	r.line = (long)n->start_mark.line + 1;
	r.col = (long)n->start_mark.column + 1;
	add_rule(ld, n, &r);
}

static const char *const day_names[] = { "sun", "mon", "tue", "wed", "thu",
	"fri", "sat", NULL };

static int
parse_hhmm(const char *s, int *min)
{
	int h, m;
	char tail;

	if (s == NULL || sscanf(s, "%d:%d%c", &h, &m, &tail) != 2 || h < 0 ||
	    h > 24 || m < 0 || m > 59)
		return -1;
	*min = h * 60 + m;
	return 0;
}

static void
load_calendar(struct loader *ld, yaml_node_t *n)
{
	struct owi_rules *r = ld->r;

	if (n->type != YAML_MAPPING_NODE) {
		problem(ld, n, "'calendar' must be a mapping (timezone, days, hours, "
		    "closed)");
		return;
	}
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	    p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(ld, p->key), *v = node(ld, p->value);
		const char *key = scalar(k);

		if (key != NULL && strcmp(key, "timezone") == 0)
			(void)string_of(ld, v, key, &r->timezone);
		else if (key != NULL && strcmp(key, "days") == 0 &&
		    v->type == YAML_SEQUENCE_NODE) {
			memset(r->days, 0, sizeof(r->days));
			for (yaml_node_item_t *it = v->data.sequence.items.start;
			    it < v->data.sequence.items.top; it++) {
				const char *d = scalar(node(ld, *it));
				int i;

				for (i = 0; d != NULL && day_names[i] != NULL; i++)
					if (strcasecmp(day_names[i], d) == 0)
						break;
				if (d == NULL || day_names[i] == NULL)
					problem(ld, node(ld, *it), "unknown day '%s' "
					    "(mon ... sun)", d ? d : "");
				else
					r->days[i] = 1;
			}
		} else if (key != NULL && strcmp(key, "hours") == 0 &&
		    v->type == YAML_SEQUENCE_NODE &&
		    v->data.sequence.items.top - v->data.sequence.items.start == 2) {
			if (parse_hhmm(scalar(node(ld, v->data.sequence.items.start[0])),
			    &r->open_min) != 0 ||
			    parse_hhmm(scalar(node(ld, v->data.sequence.items.start[1])),
			    &r->close_min) != 0 || r->close_min <= r->open_min)
				problem(ld, v, "'hours' must be [\"HH:MM\", \"HH:MM\"], "
				    "opening first");
		} else if (key != NULL && strcmp(key, "closed") == 0 &&
		    v->type == YAML_SEQUENCE_NODE) {
			for (yaml_node_item_t *it = v->data.sequence.items.start;
			    it < v->data.sequence.items.top; it++) {
				const char *d = scalar(node(ld, *it));
				char **nv;

				if (d == NULL || strlen(d) != 10 || d[4] != '-' ||
				    d[7] != '-') {
					problem(ld, node(ld, *it), "a closed day is "
					    "YYYY-MM-DD");
					continue;
				}
				if ((nv = realloc(r->closed, (r->n_closed + 1) *
				    sizeof(*nv))) != NULL) {
					r->closed = nv;
					nv[r->n_closed++] = strdup(d);
				}
			}
		} else
			problem(ld, k, "unknown or malformed calendar field '%s'",
			    key ? key : "");
	}
}

static void
load_addresses(struct loader *ld, yaml_node_t *n)
{
	struct owi_rules *r = ld->r;

	if (n->type != YAML_SEQUENCE_NODE) {
		problem(ld, n, "'shop_addresses' must be a list of addresses or "
		    "@domains");
		return;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		const char *a = scalar(node(ld, *it));
		char **nv;

		if (a == NULL || strchr(a, '@') == NULL) {
			problem(ld, node(ld, *it), "a shop address is user@domain or "
			    "@domain");
			continue;
		}
		if ((nv = realloc(r->own, (r->n_own + 1) * sizeof(*nv))) != NULL) {
			r->own = nv;
			nv[r->n_own++] = strdup(a);
		}
	}
}

static void
load_document(struct loader *ld)
{
	yaml_node_t *root = yaml_document_get_root_node(ld->doc);

	if (root == NULL || root->type != YAML_MAPPING_NODE)
		return;		/* config.c says what is wrong with it */
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	    p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(ld, p->key), *v = node(ld, p->value);
		const char *key = scalar(k);

		if (key == NULL)
			continue;
		if (strcmp(key, "rules") == 0) {
			if (v->type != YAML_SEQUENCE_NODE) {
				problem(ld, v, "'rules' must be a list of rules");
				continue;
			}
			for (yaml_node_item_t *it = v->data.sequence.items.start;
			    it < v->data.sequence.items.top; it++)
				load_rule(ld, node(ld, *it));
		} else if (strcmp(key, "calendar") == 0)
			load_calendar(ld, v);
		else if (strcmp(key, "shop_addresses") == 0)
			load_addresses(ld, v);
	}
}

static void
load_file(struct loader *ld)
{
	FILE *fp = fopen(ld->file, "rb");
	yaml_parser_t parser;
	yaml_document_t doc;

	if (fp == NULL) {
		problem(ld, NULL, "cannot open: %s", strerror(errno));
		return;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, fp);
	ld->doc = &doc;
	for (;;) {
		if (!yaml_parser_load(&parser, &doc)) {
			push_problem(ld->p, ld->file,
			    (long)parser.problem_mark.line + 1,
			    (long)parser.problem_mark.column + 1,
			    parser.problem ? parser.problem : "invalid YAML");
			break;
		}
		if (yaml_document_get_root_node(&doc) == NULL) {
			yaml_document_delete(&doc);
			break;
		}
		load_document(ld);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(fp);
}

/* A rule after one that always decides is never reached (disabled rules
 * are gone by then). */
static void
check_reachable(struct owi_rules *r, struct owi_problems *p)
{
	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].cont || r->v[i].has_when)
			continue;
		for (size_t j = i + 1; j < r->n; j++) {
			char msg[600];

			snprintf(msg, sizeof(msg), "rule '%s' is never reached: rule "
			    "'%s' (%s:%ld) decides every mail first", r->v[j].name,
			    r->v[i].name, r->v[i].file, r->v[i].line);
			push_problem(p, r->v[j].file, r->v[j].line, r->v[j].col, msg);
		}
		return;
	}
}

struct owi_rules *
owi_rules_load(const char *dirs, const struct owi_config *cfg,
    struct owi_problems *p)
{
	struct owi_rules *r = calloc(1, sizeof(*r));
	struct loader ld = { "", NULL, r, p, NULL, 0, 0 };
	char **files, *list, *save = NULL;
	size_t n;
	struct owi_diag d;

	memset(p, 0, sizeof(*p));
	if (r == NULL || (list = strdup(dirs)) == NULL) {
		free(r);
		return NULL;
	}
	r->cfg = cfg;
	for (int i = 1; i <= 5; i++)
		r->days[i] = 1;
	r->open_min = 9 * 60;
	r->close_min = 18 * 60;
	for (char *dir = strtok_r(list, ":", &save); dir != NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		char **nv = realloc(ld.dirs, (ld.n_dirs + 1) * sizeof(*nv));
		size_t len = strlen(dir) + 12;

		if (nv == NULL)
			break;
		ld.dirs = nv;
		if ((nv[ld.n_dirs] = malloc(len)) != NULL)
			snprintf(nv[ld.n_dirs++], len, "%s/templates", dir);
	}
	free(list);
	owi_diag_clear(&d);
	if (owi_rules_files(dirs, &files, &n, &d) != 0) {
		ld.file = dirs;
		problem(&ld, NULL, "%s", d.msg);
	} else {
		for (size_t i = 0; i < n; i++) {
			ld.file = files[i];
			ld.dir = 0;
			/* Which directory: the last whose name leads the path. */
			for (size_t k = 0; k < ld.n_dirs; k++) {
				size_t len = strlen(ld.dirs[k]) - strlen("/templates");

				if (strncmp(files[i], ld.dirs[k], len) == 0 &&
				    files[i][len] == '/' && strchr(files[i] + len + 1,
				    '/') == NULL)
					ld.dir = (int)k;
			}
			load_file(&ld);
		}
		/* Rules keep their file's name; the list of names goes. */
		owi_rules_files_free(files, n);
	}
	for (size_t i = 0; i < ld.n_dirs; i++)
		free(ld.dirs[i]);
	free(ld.dirs);
	/* Disabled rules were only there to switch off a shipped one. */
	for (size_t i = 0; i < r->n;)
		if (r->v[i].disabled) {
			rule_free(&r->v[i]);
			memmove(&r->v[i], &r->v[i + 1], (r->n - i - 1) * sizeof(*r->v));
			r->n--;
		} else
			i++;
	check_reachable(r, p);
	if (p->n > 0) {
		owi_rules_free(r);
		return NULL;
	}
	return r;
}

void
owi_rules_free(struct owi_rules *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		rule_free(&r->v[i]);
	free(r->v);
	for (size_t i = 0; i < r->n_closed; i++)
		free(r->closed[i]);
	free(r->closed);
	for (size_t i = 0; i < r->n_own; i++)
		free(r->own[i]);
	free(r->own);
	free(r->timezone);
	free(r);
}

const char *
owi_rules_timezone(const struct owi_rules *r)
{
	return r->timezone;
}

/* ---- the facts -------------------------------------------------------- */

/* "YYYY-MM-DD" of an ISO date as days since the epoch, or -1. */
static long
day_number(const char *s)
{
	int y, m, d;

	if (s == NULL || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return -1;
	/* Howard Hinnant's days_from_civil. */
	y -= m <= 2;
	{
		long era = (y >= 0 ? y : y - 399) / 400;
		long yoe = y - era * 400;
		long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
		long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

		return era * 146097 + doe - 719468;
	}
}

/* The mail's date as a Unix time, or -1. */
static long
unix_time(const char *iso)
{
	int y, mo, d, h, mi, s = 0, oh = 0, om = 0;
	char sign = '+';
	long days;

	if (iso == NULL || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h,
	    &mi, &s) < 5)
		return -1;
	days = day_number(iso);
	if (strlen(iso) >= 25 && (iso[19] == '+' || iso[19] == '-')) {
		sign = iso[19];
		sscanf(iso + 20, "%2d:%2d", &oh, &om);
	}
	return days * 86400 + h * 3600 + mi * 60 + s -
	    (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
}

static int
is_true(json_object *v)
{
	return v != NULL && json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v);
}

static int
own_address(const struct owi_rules *r, const char *a)
{
	const char *at;

	if (a == NULL || (at = strchr(a, '@')) == NULL)
		return 0;
	for (size_t i = 0; i < r->n_own; i++)
		if (strcasecmp(r->own[i], a) == 0 || (r->own[i][0] == '@' &&
		    strcasecmp(r->own[i], at) == 0))
			return 1;
	return 0;
}

static void
add_days_since(json_object *f, const char *key, const char *date, long today)
{
	long d = day_number(date);

	if (d >= 0 && today >= 0)
		json_object_object_add(f, key, json_object_new_int64(today - d));
}

/* The first order found that was placed by the mail's day: an order of
 * a later day is not what the mail is about (a replay, a later order). */
static json_object *
first_order(json_object *env, long today)
{
	json_object *orders = owi_envelope_get(env, "shop.orders");

	for (size_t i = 0; orders != NULL && i < json_object_array_length(orders);
	    i++) {
		json_object *o = json_object_array_get_idx(orders, i);
		long d = day_number(owi_envelope_get_string(o, "date"));

		if (d < 0 || today < 0 || d <= today)
			return o;
	}
	return NULL;
}

/* The values owi-route adds for the rules (owi-rules(5), FACTS). */
static json_object *
facts_of(const struct owi_rules *r, json_object *env, long now)
{
	json_object *f = json_object_new_object(), *motives, *sure;
	json_object *signals = json_object_new_array(), *x, *order, *t;
	const char *sender = owi_envelope_get_string(env, "message.from.address");
	long when = unix_time(owi_envelope_get_string(env, "message.date"));
	struct tm tm;
	time_t tt;
	char buf[16];
	long today;

	sure = json_object_new_array();
	motives = owi_envelope_get(env, "classification.motives");
	for (size_t i = 0; motives != NULL && i < json_object_array_length(motives);
	    i++) {
		json_object *m = json_object_array_get_idx(motives, i), *id;

		if (i == 0 && json_object_object_get_ex(m, "score", &x))
			json_object_object_add(f, "score", json_object_get(x));
		if (i == 0 && json_object_object_get_ex(m, "id", &x))
			json_object_object_add(f, "likely_motive", json_object_get(x));
		if (is_true(owi_envelope_get(m, "sure")) &&
		    json_object_object_get_ex(m, "id", &id)) {
			if (json_object_array_length(sure) == 0)
				json_object_object_add(f, "motive", json_object_get(id));
			json_object_array_add(sure, json_object_get(id));
		}
	}
	json_object_object_add(f, "motives", sure);
	if ((x = owi_envelope_get(env, "classification.spam")) != NULL)
		json_object_object_add(f, "spam", json_object_get(x));
	if ((x = owi_envelope_get(env, "classification.lang")) != NULL)
		json_object_object_add(f, "lang", json_object_get(x));
	x = owi_envelope_get(env, "classification.signals");
	for (size_t i = 0; x != NULL && i < json_object_array_length(x); i++) {
		json_object *id;

		if (json_object_object_get_ex(json_object_array_get_idx(x, i), "id",
		    &id))
			json_object_array_add(signals, json_object_get(id));
	}
	json_object_object_add(f, "signals", signals);
	json_object_object_add(f, "automated", json_object_new_boolean(is_true(
	    owi_envelope_get(env, "message.automated.is"))));
	owi_json_add_string(f, "sender", sender);
	json_object_object_add(f, "shop_address", json_object_new_boolean(
	    own_address(r, sender)));
	x = owi_envelope_get(env, "shop.orders");
	json_object_object_add(f, "orders_count", json_object_new_int(x ?
	    (int)json_object_array_length(x) : 0));
	x = owi_envelope_get(env, "shop.products");
	json_object_object_add(f, "products_count", json_object_new_int(x ?
	    (int)json_object_array_length(x) : 0));
	if ((x = owi_envelope_get(env, "shop.products.0")) != NULL)
		json_object_object_add(f, "product", json_object_get(x));
	if ((x = owi_envelope_get(env, "shop.customer")) != NULL &&
	    !json_object_is_type(x, json_type_null))
		json_object_object_add(f, "customer", json_object_get(x));

	/* Time is the mail's, in the shop's zone: replays decide alike. */
	tt = (time_t)(when >= 0 ? when : now);
	localtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
	today = day_number(buf);
	order = first_order(env, today);
	if (order != NULL)
		json_object_object_add(f, "order", json_object_get(order));
	if (order != NULL) {
		add_days_since(f, "days_since_order", owi_envelope_get_string(order,
		    "date"), today);
		add_days_since(f, "days_since_shipping", owi_envelope_get_string(
		    order, "shipped_at"), today);
	}
	t = json_object_new_object();
	json_object_object_add(t, "weekday", json_object_new_string(
	    day_names[tm.tm_wday]));
	json_object_object_add(t, "hour", json_object_new_int(tm.tm_hour));
	json_object_object_add(t, "minute", json_object_new_int(tm.tm_min));
	json_object_object_add(t, "date", json_object_new_string(buf));
	{
		int min = tm.tm_hour * 60 + tm.tm_min, open = r->days[tm.tm_wday] &&
		    min >= r->open_min && min < r->close_min;

		for (size_t i = 0; open && i < r->n_closed; i++)
			if (strcmp(r->closed[i], buf) == 0)
				open = 0;
		json_object_object_add(t, "business", json_object_new_boolean(open));
	}
	json_object_object_add(f, "time", t);

	return f;
}

/* ---- evaluation ------------------------------------------------------- */

static const char *const fact_roots[] = { "motive", "likely_motive",
	"motives", "score", "spam",
	"lang", "signals", "automated", "sender", "shop_address", "orders_count",
	"products_count", "order", "product", "customer", "days_since_order",
	"days_since_shipping", "time", NULL };

/* The value of the first header of that name, in any case; read only
 * when a rule names it. */
static json_object *
header(json_object *env, const char *name)
{
	json_object *x = owi_envelope_get(env, "message.headers");

	for (size_t i = 0; x != NULL && i < json_object_array_length(x); i++) {
		json_object *h = json_object_array_get_idx(x, i);
		const char *hn = json_object_get_string(json_object_array_get_idx(h,
		    0));

		if (hn != NULL && strcasecmp(hn, name) == 0)
			return json_object_array_get_idx(h, 1);
	}
	return NULL;
}

static json_object *
resolve(json_object *env, json_object *facts, const char *path)
{
	char root[64];
	size_t n = strcspn(path, ".");

	snprintf(root, sizeof(root), "%.*s", (int)n, path);
	if (strcmp(root, "header") == 0)
		return header(env, path + n + (path[n] == '.'));
	if (in_list(fact_roots, root))
		return owi_envelope_get(facts, path);
	return owi_envelope_get(env, path);
}

static int
equals(json_object *j, const struct value *v)
{
	if (j == NULL || json_object_is_type(j, json_type_null))
		return v->type == V_NULL;
	switch (v->type) {
	case V_BOOL:
		return json_object_is_type(j, json_type_boolean) &&
		    json_object_get_boolean(j) == v->b;
	case V_NUM:
		return (json_object_is_type(j, json_type_int) ||
		    json_object_is_type(j, json_type_double)) &&
		    json_object_get_double(j) == v->n;
	case V_STR:
		return json_object_is_type(j, json_type_string) &&
		    strcmp(json_object_get_string(j), v->s) == 0;
	default:
		return 0;
	}
}

/* An element of a list answers to its own value, or its id or value. */
static int
element_equals(json_object *e, const struct value *v)
{
	json_object *x;

	if (equals(e, v))
		return 1;
	if (json_object_is_type(e, json_type_object) &&
	    ((json_object_object_get_ex(e, "id", &x) && equals(x, v)) ||
	    (json_object_object_get_ex(e, "value", &x) && equals(x, v))))
		return 1;
	return 0;
}

static int
number_of(json_object *j, double *x)
{
	if (j == NULL || !(json_object_is_type(j, json_type_int) ||
	    json_object_is_type(j, json_type_double)))
		return 0;
	*x = json_object_get_double(j);
	return 1;
}

static int
matches(const struct test *t, json_object *j)
{
	pcre2_match_data *md;
	const char *s;
	int rc;

	if (j != NULL && json_object_is_type(j, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(j); i++) {
			json_object *e = json_object_array_get_idx(j, i), *x;

			if (json_object_is_type(e, json_type_object) &&
			    json_object_object_get_ex(e, "value", &x))
				e = x;
			if (matches(t, e))
				return 1;
		}
		return 0;
	}
	if (j == NULL || !json_object_is_type(j, json_type_string))
		return 0;
	s = json_object_get_string(j);
	if ((md = pcre2_match_data_create_from_pattern(t->re, NULL)) == NULL)
		return 0;
	rc = pcre2_match(t->re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

static int
is_empty(json_object *j)
{
	if (j == NULL || json_object_is_type(j, json_type_null))
		return 1;
	if (json_object_is_type(j, json_type_string))
		return json_object_get_string_len(j) == 0;
	if (json_object_is_type(j, json_type_array))
		return json_object_array_length(j) == 0;
	if (json_object_is_type(j, json_type_object))
		return json_object_object_length(j) == 0;
	return 0;
}

static int
test_holds(const struct test *t, json_object *j)
{
	double x;

	switch (t->op) {
	case OP_EQ:
		if (j != NULL && json_object_is_type(j, json_type_array) &&
		    t->v.type != V_NULL) {
			for (size_t i = 0; i < json_object_array_length(j); i++)
				if (element_equals(json_object_array_get_idx(j, i), &t->v))
					return 1;
			return 0;
		}
		return equals(j, &t->v);
	case OP_NE:
		return !equals(j, &t->v);
	case OP_LT: return number_of(j, &x) && x < t->v.n;
	case OP_LE: return number_of(j, &x) && x <= t->v.n;
	case OP_GT: return number_of(j, &x) && x > t->v.n;
	case OP_GE: return number_of(j, &x) && x >= t->v.n;
	case OP_IN:
	case OP_NOT_IN: {
		int found = 0;

		for (size_t i = 0; i < t->n_set && !found; i++)
			found = equals(j, &t->set[i]);
		return t->op == OP_IN ? found : !found;
	}
	case OP_HAS:
		if (j == NULL || !json_object_is_type(j, json_type_array))
			return 0;
		for (size_t i = 0; i < json_object_array_length(j); i++)
			if (element_equals(json_object_array_get_idx(j, i), &t->v))
				return 1;
		return 0;
	case OP_EXISTS:
		return (j != NULL && !json_object_is_type(j, json_type_null)) == t->v.b;
	case OP_EMPTY:
		return is_empty(j) == t->v.b;
	case OP_MATCHES:
		return matches(t, j);
	}
	return 0;
}

/* A short printable form of a value, for why. */
static void
shown(json_object *j, char *buf, size_t size)
{
	const char *s;

	if (j == NULL) {
		snprintf(buf, size, "absent");
		return;
	}
	s = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (strlen(s) > 80)
		snprintf(buf, size, "%.77s...", s);
	else
		snprintf(buf, size, "%s", s);
}

static void
why_add(json_object *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
why_add(json_object *why, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_object_array_add(why, json_object_new_string(buf));
}

static void
why_truncate(json_object *why, size_t n)
{
	size_t len = json_object_array_length(why);

	if (len > n)
		json_object_array_del_idx(why, n, len - n);
}

/* The reasons of a rule that only marked the mail name that rule. */
static void
why_prefix(json_object *why, size_t from, const char *rule)
{
	for (size_t i = from; i < json_object_array_length(why); i++) {
		char buf[600];

		snprintf(buf, sizeof(buf), "%s: %s", rule, json_object_get_string(
		    json_object_array_get_idx(why, i)));
		json_object_array_put_idx(why, i, json_object_new_string(buf));
	}
}

static int
eval(const struct cond *c, json_object *env, json_object *facts,
    json_object *why)
{
	size_t mark = json_object_array_length(why);

	switch (c->kind) {
	case C_TRUE:
		return 1;
	case C_ALL:
		for (size_t i = 0; i < c->n; i++)
			if (!eval(&c->kids[i], env, facts, why)) {
				why_truncate(why, mark);
				return 0;
			}
		return 1;
	case C_ANY:
		for (size_t i = 0; i < c->n; i++) {
			if (eval(&c->kids[i], env, facts, why))
				return 1;
			why_truncate(why, mark);
		}
		return 0;
	case C_NOT: {
		json_object *inner = json_object_new_array();
		int holds = eval(c->kids, env, facts, inner);

		if (!holds && c->kids->kind == C_TEST) {
			char val[128];

			shown(resolve(env, facts, c->kids->path), val, sizeof(val));
			why_add(why, "not %s %s %s: %s", c->kids->path,
			    op_names[c->kids->tests[0].op], c->kids->tests[0].text, val);
		} else if (!holds)
			why_add(why, "not (a condition that does not hold)");
		json_object_put(inner);
		return !holds;
	}
	case C_TEST: {
		json_object *j = resolve(env, facts, c->path);
		char val[128];

		for (size_t i = 0; i < c->n_tests; i++)
			if (!test_holds(&c->tests[i], j))
				return 0;
		shown(j, val, sizeof(val));
		for (size_t i = 0; i < c->n_tests; i++)
			why_add(why, "%s %s %s: %s", c->path, op_names[c->tests[i].op],
			    c->tests[i].text, val);
		return 1;
	}
	}
	return 0;
}

/* ---- the decision ----------------------------------------------------- */

static const char *
motive_folder(const struct owi_rules *r, const char *motive)
{
	const struct owi_motive *m = motive ? owi_config_motive(r->cfg, motive) :
	    NULL;

	return m ? m->folder : r->cfg->unsure_folder;
}

static void
guard(json_object *guards, const char *id, const char *why)
{
	json_object *g = json_object_new_object();

	owi_json_add_string(g, "id", id);
	owi_json_add_string(g, "why", why);
	json_object_array_add(guards, g);
}

static int
shop_failed(json_object *env)
{
	json_object *shop = owi_envelope_get(env, "shop"), *errs;

	if (shop == NULL || json_object_is_type(shop, json_type_null) ||
	    is_true(owi_envelope_get(shop, "failed")))
		return 1;
	errs = owi_envelope_get(env, "errors");
	for (size_t i = 0; errs != NULL && i < json_object_array_length(errs); i++) {
		const char *st = owi_envelope_get_string(json_object_array_get_idx(errs,
		    i), "stage");

		if (st != NULL && strcmp(st, "owi-shop") == 0)
			return 1;
	}
	return 0;
}

/*
 * The guards of owi-rules(5) that no rule switches off: each that holds
 * is listed; the first decides where the mail goes instead.
 */
static void
apply_guards(const struct owi_rules *r, json_object *env, json_object *facts,
    const char *handover, json_object *guards)
{
	json_object *x, *orders;
	char buf[256];

	if (is_true(owi_envelope_get(facts, "automated")))
		guard(guards, "automated", owi_envelope_get_string(env,
		    "message.automated.why"));
	x = owi_envelope_get(facts, "motives");
	for (size_t i = 0; x != NULL && i < json_object_array_length(x); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(x, i)),
		    "spam") == 0)
			guard(guards, "spam", "spam is among the sure motives");
	if ((x = owi_envelope_get(facts, "spam")) != NULL &&
	    json_object_get_double(x) >= 0.5) {
		snprintf(buf, sizeof(buf), "spam score %.2f", json_object_get_double(x));
		guard(guards, "spam", buf);
	}
	if (is_true(owi_envelope_get(facts, "shop_address")))
		guard(guards, "shop-address", owi_envelope_get_string(facts,
		    "sender"));
	orders = owi_envelope_get(env, "shop.orders");
	for (size_t i = 0; orders != NULL && i < json_object_array_length(orders);
	    i++) {
		json_object *o = json_object_array_get_idx(orders, i);

		if (!is_true(owi_envelope_get(o, "belongs_to_sender"))) {
			snprintf(buf, sizeof(buf), "order %s belongs to another "
			    "customer", owi_envelope_get_string(o, "reference") ?
			    owi_envelope_get_string(o, "reference") : "?");
			guard(guards, "foreign-order", buf);
		}
	}
	if ((x = owi_envelope_get(facts, "order.matched_by")) != NULL &&
	    strcmp(json_object_get_string(x), "sender") == 0 &&
	    json_object_get_int(owi_envelope_get(facts, "orders_count")) > 1)
		guard(guards, "ambiguous-order", "the mail names no order and the "
		    "sender has several");
	x = owi_envelope_get(facts, "signals");
	if (x != NULL && json_object_array_length(x) > 0) {
		snprintf(buf, sizeof(buf), "signal %s",
		    json_object_get_string(json_object_array_get_idx(x, 0)));
		guard(guards, "handover", buf);
	} else if (handover != NULL)
		guard(guards, "handover", handover);
	if (owi_envelope_get(facts, "motive") == NULL)
		guard(guards, "unsure", "no motive above its calibrated threshold");
	else if (json_object_array_length(owi_envelope_get(facts, "motives")) > 1)
		guard(guards, "several-motives", "more than one sure motive: one "
		    "answer would not cover them");
	if (shop_failed(env))
		guard(guards, "shop", "the shop lookup failed or was not done");
	(void)r;
}

json_object *
owi_route(const struct owi_rules *r, json_object *env, long now)
{
	json_object *facts = facts_of(r, env, now);
	json_object *route = json_object_new_object(), *why = json_object_new_array();
	json_object *tags = json_object_new_array(), *guards = json_object_new_array();
	const struct rule *decided = NULL;
	const char *priority = "normal", *handover = NULL, *folder = NULL;
	const char *motive = owi_envelope_get_string(facts, "motive");
	const char *template = NULL;
	enum action action = A_FILE;

	for (size_t i = 0; i < r->n; i++) {
		const struct rule *ru = &r->v[i];
		size_t mark = json_object_array_length(why);

		if (!eval(&ru->when, env, facts, why)) {
			why_truncate(why, mark);
			continue;
		}
		if (!ru->has_when)
			why_add(why, "rule '%s' applies to every mail", ru->name);
		if (ru->cont)
			why_prefix(why, mark, ru->name);
		for (size_t t = 0; t < ru->n_tags; t++)
			json_object_array_add(tags, json_object_new_string(ru->tags[t]));
		if (ru->priority != NULL)
			priority = ru->priority;
		if (ru->handover != NULL)
			handover = ru->handover;
		if (ru->folder != NULL)
			folder = ru->folder;
		if (!ru->cont) {
			decided = ru;
			break;
		}
	}
	if (decided != NULL) {
		action = decided->action;
		template = decided->template;
	} else
		why_add(why, "no rule decided: filed for a human");
	if (folder == NULL)
		folder = motive_folder(r, motive);
	if (action == A_REPLY) {
		apply_guards(r, env, facts, handover, guards);
		if (json_object_array_length(guards) > 0) {
			const char *first = owi_envelope_get_string(
			    json_object_array_get_idx(guards, 0), "id");

			/* When in doubt, file: a human sees the draft. */
			action = A_DRAFT;
			if (strcmp(first, "spam") == 0 || strcmp(first, "automated") == 0 ||
			    strcmp(first, "shop-address") == 0) {
				action = A_FILE;
				template = NULL;
			}
			if (strcmp(first, "spam") == 0)
				folder = motive_folder(r, "spam");
			else if (strcmp(first, "unsure") == 0)
				folder = r->cfg->unsure_folder;
		}
	}
	owi_json_add_string(route, "action", action_names[action]);
	owi_json_add_string(route, "folder", folder);
	owi_json_add_string(route, "template", action == A_FILE ? NULL : template);
	owi_json_add_string(route, "motive", motive);
	owi_json_add_string(route, "order", owi_envelope_get_string(facts,
	    "order.reference"));
	json_object_object_add(route, "tags", tags);
	owi_json_add_string(route, "priority", priority);
	owi_json_add_string(route, "handover", handover);
	if (decided != NULL) {
		json_object *ro = json_object_new_object();

		owi_json_add_string(ro, "file", decided->file);
		owi_json_add_string(ro, "name", decided->name);
		json_object_object_add(ro, "line", json_object_new_int64(decided->line));
		json_object_object_add(route, "rule", ro);
	} else
		json_object_object_add(route, "rule", NULL);
	json_object_object_add(route, "why", why);
	json_object_object_add(route, "guards", guards);
	json_object_put(facts);
	return route;
}
