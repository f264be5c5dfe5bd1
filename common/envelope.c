/*
 * envelope.c - JSON Lines envelopes: a streaming reader that survives bad
 * lines, and a writer with a stable key order.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"

/* Deep enough for nested message/rfc822 attachments (owi-parse caps them). */
#define JSON_MAX_DEPTH 256

struct owi_jsonl {
	FILE *fp;
	char *name;
	char *buf;
	size_t cap;
	long line;
	json_tokener *tok;
};

/* The order of owi(7); other keys follow in their input order. */
static const char *const key_order[] = {
	"owi", "id", "source", "message", "classification", "entities",
	"shop", "route", "draft", "delivery", "errors", NULL
};

struct owi_jsonl *
owi_jsonl_open(FILE *fp, const char *name)
{
	struct owi_jsonl *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->fp = fp;
	r->name = strdup(name != NULL ? name : "<stdin>");
	r->tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	if (r->name == NULL || r->tok == NULL) {
		owi_jsonl_close(r);
		return NULL;
	}
	json_tokener_set_flags(r->tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	return r;
}

void
owi_jsonl_close(struct owi_jsonl *r)
{
	if (r == NULL)
		return;
	if (r->tok != NULL)
		json_tokener_free(r->tok);
	free(r->buf);
	free(r->name);
	free(r);
}

long
owi_jsonl_line(const struct owi_jsonl *r)
{
	return r->line;
}

static int
is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

static int
check_envelope(struct owi_jsonl *r, json_object *obj, struct owi_diag *d)
{
	json_object *v;

	if (!json_object_is_type(obj, json_type_object)) {
		owi_diag_set(d, r->name, r->line, 0,
		    "not an envelope: a JSON %s, not an object",
		    json_type_to_name(json_object_get_type(obj)));
		return -1;
	}
	if (json_object_object_get_ex(obj, "owi", &v) &&
	    (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int(v) != OWI_ENVELOPE_VERSION)) {
		owi_diag_set(d, r->name, r->line, 0,
		    "unsupported envelope version '%s' (this is version %d)",
		    json_object_to_json_string(v), OWI_ENVELOPE_VERSION);
		return -1;
	}
	return 0;
}

int
owi_jsonl_next(struct owi_jsonl *r, json_object **env, struct owi_diag *d)
{
	ssize_t n;
	json_object *obj;
	enum json_tokener_error jerr;

	*env = NULL;
	for (;;) {
		errno = 0;
		n = getline(&r->buf, &r->cap, r->fp);
		if (n < 0) {
			if (ferror(r->fp)) {
				owi_diag_errno(d, r->name, errno ? errno : EIO,
				    "cannot read '%s'", r->name);
				return -2;
			}
			return 0;
		}
		r->line++;
		if (!is_blank(r->buf, (size_t)n))
			break;
	}
	while (n > 0 && (r->buf[n - 1] == '\n' || r->buf[n - 1] == '\r'))
		n--;

	json_tokener_reset(r->tok);
	obj = json_tokener_parse_ex(r->tok, r->buf, (int)n);
	jerr = json_tokener_get_error(r->tok);
	/* Strict mode also refuses a second value on the line. */
	if (obj == NULL || jerr != json_tokener_success) {
		if (jerr == json_tokener_continue)
			owi_diag_set(d, r->name, r->line, 0,
			    "invalid JSON at byte %zd: unexpected end of line",
			    n);
		else
			owi_diag_set(d, r->name, r->line, 0,
			    "invalid JSON at byte %zu: %s",
			    json_tokener_get_parse_end(r->tok),
			    json_tokener_error_desc(jerr));
		json_object_put(obj);
		return -1;
	}
	if (check_envelope(r, obj, d) != 0) {
		json_object_put(obj);
		return -1;
	}
	*env = obj;
	return 1;
}

static int
is_ordered_key(const char *key)
{
	for (int i = 0; key_order[i] != NULL; i++)
		if (strcmp(key, key_order[i]) == 0)
			return 1;
	return 0;
}

struct out {
	char *p;
	size_t n, cap;
	int oom;
};

static void
out_add(struct out *o, const char *s, size_t len)
{
	if (o->oom)
		return;
	if (o->n + len > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		char *np;

		while (cap < o->n + len)
			cap *= 2;
		if ((np = realloc(o->p, cap)) == NULL) {
			o->oom = 1;
			return;
		}
		o->p = np;
		o->cap = cap;
	}
	memcpy(o->p + o->n, s, len);
	o->n += len;
}

/* A JSON string: quotes, backslashes and control characters escaped;
 * UTF-8 (always valid in an envelope) passes as it is. */
static void
out_string(struct out *o, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t start = 0;

	out_add(o, "\"", 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		size_t el = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		out_add(o, s + start, i - start);
		start = i + 1;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\t': esc[1] = 't'; break;
		case '\r': esc[1] = 'r'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			el = 6;
		}
		out_add(o, esc, el);
	}
	out_add(o, s + start, len - start);
	out_add(o, "\"", 1);
}

static void
out_indent(struct out *o, int pretty, int depth)
{
	static const char spaces[] = "                                ";

	if (!pretty)
		return;
	out_add(o, "\n", 1);
	for (int i = 0; i < depth; i++)
		out_add(o, spaces, 2);
}

static void out_value(struct out *o, json_object *v, int pretty, int depth);

static void
out_member(struct out *o, const char *key, json_object *v, int *first,
    int pretty, int depth)
{
	if (!*first)
		out_add(o, ",", 1);
	*first = 0;
	out_indent(o, pretty, depth + 1);
	out_string(o, key, strlen(key));
	out_add(o, pretty ? ": " : ":", pretty ? 2 : 1);
	out_value(o, v, pretty, depth + 1);
}

/*
 * The writer of every envelope: json-c's own is a tenth of owi-parse's
 * time; this one writes the same JSON (json-c's numbers) in one pass.
 */
static void
out_value(struct out *o, json_object *v, int pretty, int depth)
{
	char num[32];
	int first = 1;

	switch (json_object_get_type(v)) {
	case json_type_null:
		out_add(o, "null", 4);
		break;
	case json_type_boolean:
		if (json_object_get_boolean(v))
			out_add(o, "true", 4);
		else
			out_add(o, "false", 5);
		break;
	case json_type_int:
		out_add(o, num, (size_t)snprintf(num, sizeof(num), "%lld",
		    (long long)json_object_get_int64(v)));
		break;
	case json_type_double: {
		const char *d = json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN);

		out_add(o, d, strlen(d));
		break;
	}
	case json_type_string:
		out_string(o, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
		break;
	case json_type_array: {
		size_t n = json_object_array_length(v);

		out_add(o, "[", 1);
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				out_add(o, ",", 1);
			out_indent(o, pretty, depth + 1);
			out_value(o, json_object_array_get_idx(v, i), pretty,
			    depth + 1);
		}
		if (n > 0)
			out_indent(o, pretty, depth);
		out_add(o, "]", 1);
		break;
	}
	case json_type_object:
		out_add(o, "{", 1);
		json_object_object_foreach(v, key, val)
			out_member(o, key, val, &first, pretty, depth);
		if (!first)
			out_indent(o, pretty, depth);
		out_add(o, "}", 1);
		break;
	}
}

int
owi_envelope_write(FILE *fp, json_object *env, int pretty)
{
	struct out o = { 0 };
	json_object *v;
	int first = 1, rc;

	/* The top level in the contract's order, then the other keys. */
	out_add(&o, "{", 1);
	for (int i = 0; key_order[i] != NULL; i++)
		if (json_object_object_get_ex(env, key_order[i], &v))
			out_member(&o, key_order[i], v, &first, pretty, 0);
	json_object_object_foreach(env, key, val) {
		if (!is_ordered_key(key))
			out_member(&o, key, val, &first, pretty, 0);
	}
	if (!first)
		out_indent(&o, pretty, 0);
	out_add(&o, "}\n", 2);
	if (o.oom) {
		free(o.p);
		errno = ENOMEM;
		return -1;
	}
	rc = fwrite(o.p, 1, o.n, fp) == o.n ? 0 : -1;
	free(o.p);
	return rc != 0 || ferror(fp) ? -1 : 0;
}

json_object *
owi_envelope_new(const char *id)
{
	json_object *env = json_object_new_object();

	json_object_object_add(env, "owi",
	    json_object_new_int(OWI_ENVELOPE_VERSION));
	owi_json_add_string(env, "id", id);
	return env;
}

void
owi_envelope_error(json_object *env, const char *stage, const char *code,
    const char *fmt, ...)
{
	json_object *errors, *e;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!json_object_object_get_ex(env, "errors", &errors) ||
	    !json_object_is_type(errors, json_type_array)) {
		errors = json_object_new_array();
		json_object_object_add(env, "errors", errors);
	}
	e = json_object_new_object();
	owi_json_add_string(e, "stage", stage);
	owi_json_add_string(e, "code", code);
	owi_json_add_string(e, "message", msg);
	json_object_array_add(errors, e);
}

static json_object *
child(json_object *cur, const char *name, size_t len)
{
	char key[128];
	char *end;
	long idx;

	if (len >= sizeof(key))
		return NULL;
	memcpy(key, name, len);
	key[len] = '\0';
	if (json_object_is_type(cur, json_type_object)) {
		json_object *v;

		return json_object_object_get_ex(cur, key, &v) ? v : NULL;
	}
	if (json_object_is_type(cur, json_type_array)) {
		idx = strtol(key, &end, 10);
		if (*end != '\0' || end == key || idx < 0 ||
		    (size_t)idx >= json_object_array_length(cur))
			return NULL;
		return json_object_array_get_idx(cur, (size_t)idx);
	}
	return NULL;
}

json_object *
owi_envelope_get(json_object *env, const char *path)
{
	json_object *cur = env;
	const char *p = path, *dot;

	while (cur != NULL && *p != '\0') {
		dot = strchr(p, '.');
		if (dot == NULL)
			dot = p + strlen(p);
		cur = child(cur, p, (size_t)(dot - p));
		p = *dot == '.' ? dot + 1 : dot;
	}
	return cur;
}

const char *
owi_envelope_get_string(json_object *env, const char *path)
{
	json_object *v = owi_envelope_get(env, path);

	return json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

void
owi_json_add_string(json_object *obj, const char *key, const char *s)
{
	json_object_object_add(obj, key,
	    s != NULL ? json_object_new_string(s) : NULL);
}
