/*
 * shop-file.c - the file backend: a shop export (owi-shop(1), SHOP-EXPORT
 * FORMAT) read once and searched in memory.  It is what the demos and
 * tests run on, and what a shop without API access exports nightly.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "envelope.h"
#include "mailsrc.h"
#include "shop.h"

struct file_shop {
	json_object *root;
	json_object *orders, *products, *customers;	/* borrowed */
};

static int
bad(struct owi_diag *d, const char *file, const char *where, const char *what,
    const char *key)
{
	/* No line to give: the file leads the message itself. */
	owi_diag_set(d, "", 0, 0, "%s: %s: \"%s\" %s", file, where, key, what);
	return -1;
}

/* The JSON type check of one field: 's' string, 'S' string or null,
 * 'n' number, 'i' integer, 'a' array, 'o' object. */
static int
need(struct owi_diag *d, const char *file, json_object *o, const char *where,
    const char *key, char kind)
{
	json_object *v;
	json_type t;

	if (!json_object_object_get_ex(o, key, &v))
		return bad(d, file, where, "is missing", key);
	t = json_object_get_type(v);
	switch (kind) {
	case 's': return t == json_type_string ? 0 :
		    bad(d, file, where, "is not a string", key);
	case 'S': return t == json_type_string || t == json_type_null ? 0 :
		    bad(d, file, where, "is not a string or null", key);
	case 'n': return t == json_type_int || t == json_type_double ? 0 :
		    bad(d, file, where, "is not a number", key);
	case 'i': return t == json_type_int ? 0 :
		    bad(d, file, where, "is not an integer", key);
	case 'a': return t == json_type_array ? 0 :
		    bad(d, file, where, "is not a list", key);
	default: return t == json_type_object ? 0 :
		    bad(d, file, where, "is not an object", key);
	}
}

static int
is_datetime(const char *s)
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd";

	for (size_t i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return 0;
	return s[sizeof(shape) - 1] == '\0';
}

static int
check_order(struct owi_diag *d, const char *file, json_object *o, size_t i)
{
	static const char *const strings[] = { "reference", "customer_email",
		"customer_firstname", "customer_lastname", "date_add", "state",
		"carrier", NULL };
	char where[64];
	json_object *lines, *v;

	snprintf(where, sizeof(where), "orders[%zu]", i);
	if (!json_object_is_type(o, json_type_object))
		return bad(d, file, where, "is not an object", "order");
	if (need(d, file, o, where, "id", 'i') != 0)
		return -1;
	for (size_t k = 0; strings[k] != NULL; k++)
		if (need(d, file, o, where, strings[k], 's') != 0)
			return -1;
	if (need(d, file, o, where, "tracking_number", 'S') != 0 ||
	    need(d, file, o, where, "total_paid", 'n') != 0 ||
	    need(d, file, o, where, "lines", 'a') != 0)
		return -1;
	if (!is_datetime(owi_envelope_get_string(o, "date_add")))
		return bad(d, file, where, "is not YYYY-MM-DD HH:MM:SS", "date_add");
	if (json_object_object_get_ex(o, "date_shipped", &v) &&
	    (!json_object_is_type(v, json_type_string) ||
	    !is_datetime(json_object_get_string(v))))
		return bad(d, file, where, "is not YYYY-MM-DD HH:MM:SS", "date_shipped");
	if (owi_shop_ps_state(owi_envelope_get_string(o, "state"), 0) == NULL)
		return bad(d, file, where, "is not a PrestaShop default state",
		    "state");
	json_object_object_get_ex(o, "lines", &lines);
	for (size_t j = 0; j < json_object_array_length(lines); j++) {
		json_object *l = json_object_array_get_idx(lines, j);
		char lw[96];

		snprintf(lw, sizeof(lw), "%s.lines[%zu]", where, j);
		if (need(d, file, l, lw, "product_reference", 's') != 0 ||
		    need(d, file, l, lw, "name", 's') != 0 ||
		    need(d, file, l, lw, "quantity", 'i') != 0 ||
		    need(d, file, l, lw, "unit_price", 'n') != 0)
			return -1;
	}
	return 0;
}

static int
check_export(struct owi_diag *d, const char *file, struct file_shop *f)
{
	json_object *shop, *langs;

	if (!json_object_is_type(f->root, json_type_object))
		return bad(d, file, "top level", "is not an object", "export");
	if (need(d, file, f->root, "top level", "shop", 'o') != 0 ||
	    need(d, file, f->root, "top level", "orders", 'a') != 0 ||
	    need(d, file, f->root, "top level", "products", 'a') != 0 ||
	    need(d, file, f->root, "top level", "customers", 'a') != 0)
		return -1;
	json_object_object_get_ex(f->root, "shop", &shop);
	json_object_object_get_ex(f->root, "orders", &f->orders);
	json_object_object_get_ex(f->root, "products", &f->products);
	json_object_object_get_ex(f->root, "customers", &f->customers);
	if (need(d, file, shop, "shop", "name", 's') != 0 ||
	    need(d, file, shop, "shop", "languages", 'a') != 0)
		return -1;
	json_object_object_get_ex(shop, "languages", &langs);
	if (json_object_array_length(langs) == 0)
		return bad(d, file, "shop", "is empty", "languages");
	for (size_t i = 0; i < json_object_array_length(f->orders); i++)
		if (check_order(d, file, json_object_array_get_idx(f->orders, i),
		    i) != 0)
			return -1;
	for (size_t i = 0; i < json_object_array_length(f->products); i++) {
		json_object *p = json_object_array_get_idx(f->products, i);
		char where[64];

		snprintf(where, sizeof(where), "products[%zu]", i);
		if (need(d, file, p, where, "reference", 's') != 0 ||
		    need(d, file, p, where, "name", 's') != 0 ||
		    need(d, file, p, where, "price", 'n') != 0 ||
		    need(d, file, p, where, "stock", 'i') != 0)
			return -1;
	}
	for (size_t i = 0; i < json_object_array_length(f->customers); i++) {
		json_object *c = json_object_array_get_idx(f->customers, i);
		char where[64];

		snprintf(where, sizeof(where), "customers[%zu]", i);
		if (need(d, file, c, where, "email", 's') != 0)
			return -1;
	}
	if (json_object_object_get_ex(f->root, "threads", NULL)) {
		json_object *threads;

		if (need(d, file, f->root, "top level", "threads", 'a') != 0)
			return -1;
		json_object_object_get_ex(f->root, "threads", &threads);
		for (size_t i = 0; i < json_object_array_length(threads); i++) {
			json_object *t = json_object_array_get_idx(threads, i);
			char where[64];

			snprintf(where, sizeof(where), "threads[%zu]", i);
			if (need(d, file, t, where, "email", 's') != 0 ||
			    need(d, file, t, where, "status", 's') != 0)
				return -1;
		}
	}
	return 0;
}

/* A JSON syntax error at its line and column. */
static void
syntax_error(struct owi_diag *d, const char *file, const char *text,
    size_t end, enum json_tokener_error e)
{
	long line = 1, col = 1;

	for (size_t i = 0; i < end && text[i]; i++)
		if (text[i] == '\n')
			line++, col = 1;
		else
			col++;
	owi_diag_set(d, file, line, col, "%s", json_tokener_error_desc(e));
}

int
owi_shop_file_open(struct owi_shop *s, struct owi_diag *d)
{
	const char *file = s->conf.file;
	struct file_shop *f = calloc(1, sizeof(*f));
	json_tokener *tok;
	json_object *langs;
	char *text;
	size_t len;
	FILE *fp;

	if (f == NULL)
		return -1;
	s->priv = f;
	if (file == NULL) {
		owi_diag_set(d, "", 0, 0, "the file backend needs a shop export "
		    "(-f or shop.file)");
		return -1;
	}
	if ((fp = fopen(file, "rb")) == NULL) {
		owi_diag_errno(d, file, errno, "cannot open '%s'", file);
		return -1;
	}
	if (owi_read_fd(fileno(fp), &text, &len) != 0) {
		fclose(fp);
		owi_diag_errno(d, file, errno, "cannot read '%s'", file);
		return -1;
	}
	fclose(fp);
	tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	f->root = json_tokener_parse_ex(tok, text, (int)len);
	if (f->root == NULL) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		syntax_error(d, file, text, json_tokener_get_parse_end(tok),
		    e == json_tokener_continue ? json_tokener_error_parse_eof : e);
	}
	json_tokener_free(tok);
	free(text);
	if (f->root == NULL || check_export(d, file, f) != 0)
		return -1;
	langs = owi_envelope_get(f->root, "shop.languages");
	for (size_t i = 0; i < json_object_array_length(langs) && i < 8; i++)
		snprintf(s->langs[s->n_langs++], sizeof(s->langs[0]), "%s",
		    json_object_get_string(json_object_array_get_idx(langs, i)));
	return 0;
}

static void
file_close(struct owi_shop *s)
{
	struct file_shop *f = s->priv;

	if (f != NULL)
		json_object_put(f->root);
	free(f);
}


static json_object *
state_of(struct owi_shop *s, json_object *o)
{
	const struct owi_shop_ps_state *st = owi_shop_ps_state(
	    owi_envelope_get_string(o, "state"), 0);
	const char *lang = s->langs[owi_shop_lang_index(s)];

	return owi_shop_state(s, st->id, NULL, strcmp(lang, "fr") == 0 ? st->fr :
	    st->en, st->paid, st->shipped, st->logable, -1, -1, -1);
}

/* The export's order in the normalised form of owi-shop(1). */
static json_object *
order_of(struct owi_shop *s, json_object *o)
{
	json_object *n = json_object_new_object(), *c = json_object_new_object();
	json_object *lines = json_object_new_array(), *totals, *src, *v;
	double products = 0;

	json_object_object_add(n, "id", json_object_new_int64(
	    json_object_get_int64(owi_envelope_get(o, "id"))));
	owi_json_add_string(n, "reference", owi_envelope_get_string(o, "reference"));
	json_object_object_add(n, "date", owi_shop_date(
	    owi_envelope_get_string(o, "date_add")));
	owi_json_add_string(c, "email", owi_envelope_get_string(o, "customer_email"));
	owi_json_add_string(c, "firstname", owi_envelope_get_string(o,
	    "customer_firstname"));
	owi_json_add_string(c, "lastname", owi_envelope_get_string(o,
	    "customer_lastname"));
	json_object_object_add(n, "customer", c);
	json_object_object_add(n, "state", state_of(s, o));
	if (json_object_object_get_ex(o, "date_shipped", &v))
		json_object_object_add(n, "shipped_at", owi_shop_date(
		    json_object_get_string(v)));
	json_object_object_add(n, "carrier", owi_shop_carrier(s,
	    owi_envelope_get_string(o, "carrier"),
	    owi_envelope_get_string(o, "tracking_number"), NULL));
	json_object_object_get_ex(o, "lines", &src);
	for (size_t i = 0; i < json_object_array_length(src); i++) {
		json_object *l = json_object_array_get_idx(src, i);
		json_object *nl = json_object_new_object();
		double unit = owi_shop_num(l, "unit_price");
		int qty = json_object_get_int(owi_envelope_get(l, "quantity"));

		owi_json_add_string(nl, "product_reference",
		    owi_envelope_get_string(l, "product_reference"));
		owi_json_add_string(nl, "name", owi_envelope_get_string(l, "name"));
		json_object_object_add(nl, "quantity", json_object_new_int(qty));
		json_object_object_add(nl, "unit_price", owi_shop_money(unit));
		json_object_array_add(lines, nl);
		products += unit * qty;
	}
	json_object_object_add(n, "lines", lines);
	totals = json_object_new_object();
	json_object_object_add(totals, "paid", owi_shop_money(owi_shop_num(o,
	    "total_paid")));
	json_object_object_add(totals, "products", owi_shop_money(products));
	json_object_object_add(n, "totals", totals);
	return n;
}

/* Appends the orders whose key (a string field) equals value, newest
 * first, at most max (0: all). */
static void
orders_where(struct owi_shop *s, const char *key, const char *value, int max,
    json_object *out)
{
	struct file_shop *f = s->priv;
	size_t n = json_object_array_length(f->orders);
	json_object **hit = calloc(n + 1, sizeof(*hit));
	size_t k = 0;

	if (hit == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(f->orders, i);
		const char *v = owi_envelope_get_string(o, key);

		if (v != NULL && strcasecmp(v, value) == 0)
			hit[k++] = o;
	}
	/* Newest first, as the PrestaShop backend sorts by id. */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && json_object_get_int64(owi_envelope_get(
		    hit[j], "id")) > json_object_get_int64(owi_envelope_get(
		    hit[j - 1], "id")); j--) {
			json_object *t = hit[j];

			hit[j] = hit[j - 1], hit[j - 1] = t;
		}
	for (size_t i = 0; i < k && (max == 0 || (int)i < max); i++)
		json_object_array_add(out, order_of(s, hit[i]));
	free(hit);
}

static int
file_by_reference(struct owi_shop *s, const char *ref, const char *sender,
    json_object *out)
{
	(void)sender;
	orders_where(s, "reference", ref, 0, out);
	return 0;
}

static int
file_by_id(struct owi_shop *s, long id, json_object *out)
{
	struct file_shop *f = s->priv;

	for (size_t i = 0; i < json_object_array_length(f->orders); i++) {
		json_object *o = json_object_array_get_idx(f->orders, i);

		if (json_object_get_int64(owi_envelope_get(o, "id")) == id)
			json_object_array_add(out, order_of(s, o));
	}
	return 0;
}

static int
file_by_tracking(struct owi_shop *s, const char *number, const char *sender,
    json_object *out)
{
	(void)sender;
	orders_where(s, "tracking_number", number, 0, out);
	return 0;
}

static int
file_by_email(struct owi_shop *s, const char *email, int n, json_object *out)
{
	orders_where(s, "customer_email", email, n, out);
	return 0;
}

static int
file_customer(struct owi_shop *s, const char *email, json_object **out)
{
	struct file_shop *f = s->priv;
	json_object *summary;

	*out = NULL;
	for (size_t i = 0; i < json_object_array_length(f->customers); i++) {
		json_object *c = json_object_array_get_idx(f->customers, i);
		const char *e = owi_envelope_get_string(c, "email");

		if (e == NULL || strcasecmp(e, email) != 0)
			continue;
		*out = json_object_new_object();
		owi_json_add_string(*out, "email", e);
		owi_json_add_string(*out, "firstname",
		    owi_envelope_get_string(c, "firstname"));
		owi_json_add_string(*out, "lastname",
		    owi_envelope_get_string(c, "lastname"));
		break;
	}
	if (*out == NULL)
		return 0;
	summary = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(f->orders); i++) {
		json_object *o = json_object_array_get_idx(f->orders, i);
		const char *e = owi_envelope_get_string(o, "customer_email");
		json_object *row;

		if (e == NULL || strcasecmp(e, email) != 0)
			continue;
		row = json_object_new_object();
		json_object_object_add(row, "date", owi_shop_date(
		    owi_envelope_get_string(o, "date_add")));
		json_object_object_add(row, "total", json_object_new_double(
		    owi_shop_num(o, "total_paid")));
		json_object_object_add(row, "validated", json_object_new_boolean(
		    owi_shop_ps_state(owi_envelope_get_string(o, "state"), 0)->logable));
		json_object_array_add(summary, row);
	}
	owi_shop_history(*out, summary);
	json_object_put(summary);
	if (json_object_object_get_ex(f->root, "threads", &summary)) {
		int open = 0;

		for (size_t i = 0; i < json_object_array_length(summary); i++) {
			json_object *t = json_object_array_get_idx(summary, i);
			const char *e = owi_envelope_get_string(t, "email");
			const char *st = owi_envelope_get_string(t, "status");

			open += e != NULL && strcasecmp(e, email) == 0 && st != NULL &&
			    strcmp(st, "closed") != 0;
		}
		json_object_object_add(*out, "open_threads", json_object_new_int(open));
	}
	return 0;
}

static int
file_products(struct owi_shop *s, const char *field, const char *value,
    json_object *out)
{
	struct file_shop *f = s->priv;

	for (size_t i = 0; i < json_object_array_length(f->products); i++) {
		json_object *p = json_object_array_get_idx(f->products, i), *n;
		const char *v = owi_envelope_get_string(p, field);
		int stock;

		if (v == NULL || strcasecmp(v, value) != 0)
			continue;
		stock = json_object_get_int(owi_envelope_get(p, "stock"));
		n = json_object_new_object();
		owi_json_add_string(n, "reference", owi_envelope_get_string(p,
		    "reference"));
		owi_json_add_string(n, "ean13", owi_envelope_get_string(p, "ean13"));
		owi_json_add_string(n, "name", owi_envelope_get_string(p, "name"));
		json_object_object_add(n, "price", owi_shop_money(owi_shop_num(p,
		    "price")));
		json_object_object_add(n, "stock", json_object_new_int(stock));
		json_object_object_add(n, "in_stock", json_object_new_boolean(stock > 0));
		json_object_array_add(out, n);
	}
	return 0;
}

const struct owi_shop_ops owi_shop_file_ops = {
	"file", file_by_reference, file_by_id, file_by_tracking, file_by_email,
	file_customer, file_products, file_close
};
