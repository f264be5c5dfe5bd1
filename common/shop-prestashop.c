/*
 * shop-prestashop.c - the PrestaShop Webservice backend, following the
 * recipes of shared/specs/prestashop-webservice.md §10.  Lists are always
 * asked with a display parameter, so that every answer has the list
 * shape and no falsy field vanishes (§3.1, §3.3); values are read as the
 * strings they are (§3.2); language fields may be a string or a list
 * (§3.4); an empty answer is [] (§3.1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "shop.h"

struct ps {
	char *base;		/* ".../api/" */
	int meta;		/* languages and states read */
	long lang_ids[8];	/* s->langs[i] is language lang_ids[i] */
	json_object *states;	/* id -> order_state */
	json_object *carriers;	/* id -> carrier */
	json_object *customers;	/* id -> customer */
	json_object *emails;	/* address -> its customer rows */
};

int
owi_shop_prestashop_open(struct owi_shop *s, struct owi_diag *d)
{
	struct ps *p = calloc(1, sizeof(*p));
	size_t n;

	if (p == NULL)
		return -1;
	s->priv = p;
	if (s->conf.url == NULL || s->conf.key == NULL) {
		owi_diag_set(d, "", 0, 0, "the prestashop backend needs %s",
		    s->conf.url == NULL ? "a URL (-u or shop.url)" :
		    "a key (OWI_SHOP_KEY, -k or shop.key_file)");
		return -1;
	}
	n = strlen(s->conf.url);
	if ((p->base = malloc(n + 2)) == NULL)
		return -1;
	snprintf(p->base, n + 2, "%s%s", s->conf.url,
	    n > 0 && s->conf.url[n - 1] == '/' ? "" : "/");
	p->states = json_object_new_object();
	p->carriers = json_object_new_object();
	p->customers = json_object_new_object();
	p->emails = json_object_new_object();
	s->conf.http.user = s->conf.key;
	s->conf.http.password = "";
	if ((s->http = owi_http_new(&s->conf.http)) == NULL) {
		owi_diag_set(d, "", 0, 0, "cannot start libcurl");
		return -1;
	}
	return 0;
}

static void
ps_close(struct owi_shop *s)
{
	struct ps *p = s->priv;

	if (p == NULL)
		return;
	json_object_put(p->states);
	json_object_put(p->carriers);
	json_object_put(p->customers);
	json_object_put(p->emails);
	free(p->base);
	free(p);
}

/*
 * GET resource?query&output_format=JSON, the list of objects in *list
 * (owned, possibly empty).  Any other shape is a bad answer.
 */
static int
ps_list(struct owi_shop *s, const char *resource, const char *query,
    json_object **list)
{
	struct ps *p = s->priv;
	char url[4096];
	json_object *j, *l;

	snprintf(url, sizeof(url), "%s%s?%s&output_format=JSON", p->base,
	    resource, query);
	*list = NULL;
	if (owi_shop_get_json(s, url, 0, &j) != 0)
		return -1;
	if (json_object_is_type(j, json_type_array) &&
	    json_object_array_length(j) == 0) {
		*list = j;	/* §3.1: no match is [] */
		return 0;
	}
	if (!json_object_is_type(j, json_type_object) ||
	    !json_object_object_get_ex(j, resource, &l) ||
	    !json_object_is_type(l, json_type_array)) {
		json_object_put(j);
		return owi_shop_fail(s, "bad-answer", "GET %s: no \"%s\" list in "
		    "the answer", resource, resource);
	}
	*list = json_object_get(l);
	json_object_put(j);
	return 0;
}


static int
flag(json_object *o, const char *key)
{
	const char *v = owi_shop_str(o, key);

	return v != NULL && strcmp(v, "1") == 0;
}


/* A language field in the language of this mail (§3.4). */
static const char *
lang_value(struct owi_shop *s, json_object *v)
{
	struct ps *p = s->priv;
	char id[24];

	if (v == NULL || json_object_is_type(v, json_type_string))
		return v ? json_object_get_string(v) : NULL;
	if (!json_object_is_type(v, json_type_array))
		return NULL;
	snprintf(id, sizeof(id), "%ld", p->lang_ids[owi_shop_lang_index(s)]);
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		json_object *x = json_object_array_get_idx(v, i);
		const char *xi = owi_shop_str(x, "id"), *xv = owi_shop_str(x, "value");

		if (xi != NULL && strcmp(xi, id) == 0 && xv != NULL)
			return xv;
	}
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		const char *xv = owi_shop_str(json_object_array_get_idx(v, i), "value");

		if (xv != NULL)
			return xv;
	}
	return NULL;
}

/* The shop's active languages and its order states, once per run. */
static int
ps_meta(struct owi_shop *s)
{
	struct ps *p = s->priv;
	json_object *l;

	if (p->meta)
		return 0;
	if (ps_list(s, "languages", "filter%5Bactive%5D=%5B1%5D&"
	    "display=%5Bid,iso_code%5D&sort=%5Bid_ASC%5D", &l) != 0)
		return -1;
	s->n_langs = 0;
	for (size_t i = 0; i < json_object_array_length(l) && s->n_langs < 8; i++) {
		json_object *x = json_object_array_get_idx(l, i);
		const char *iso = owi_shop_str(x, "iso_code");

		if (iso == NULL)
			continue;
		p->lang_ids[s->n_langs] = (long)owi_shop_num(x, "id");
		snprintf(s->langs[s->n_langs++], sizeof(s->langs[0]), "%s", iso);
	}
	json_object_put(l);
	if (ps_list(s, "order_states", "display=full", &l) != 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(l); i++) {
		json_object *x = json_object_array_get_idx(l, i);
		const char *id = owi_shop_str(x, "id");

		if (id != NULL)
			json_object_object_add(p->states, id, json_object_get(x));
	}
	json_object_put(l);
	p->meta = 1;
	return 0;
}

/* One object by id from a memo, asked once: resource?filter[id]=[id]. */
static int
ps_memo(struct owi_shop *s, json_object *memo, const char *resource,
    const char *display, const char *id, json_object **out)
{
	char q[512];
	json_object *l;

	*out = NULL;
	if (id == NULL || strcmp(id, "0") == 0 || *id == '\0')
		return 0;
	if (json_object_object_get_ex(memo, id, out))
		return 0;
	snprintf(q, sizeof(q), "filter%%5Bid%%5D=%%5B%s%%5D&display=%s", id,
	    display);
	if (ps_list(s, resource, q, &l) != 0)
		return -1;
	if (json_object_array_length(l) > 0)
		json_object_object_add(memo, id, json_object_get(
		    json_object_array_get_idx(l, 0)));
	json_object_put(l);
	json_object_object_get_ex(memo, id, out);
	return 0;
}

static json_object *
state_of(struct owi_shop *s, json_object *st, const char *id)
{
	if (st == NULL)
		return owi_shop_state(s, atol(id ? id : "0"), NULL, NULL, 0, 0, 0,
		    -1, -1, -1);
	return owi_shop_state(s, atol(id), NULL, lang_value(s,
	    owi_envelope_get(st, "name")), flag(st, "paid"), flag(st, "shipped"),
	    flag(st, "logable"), -1, -1, -1);
}

/* When the order first entered a shipped state (§6 order_histories). */
static int
shipped_at(struct owi_shop *s, const char *id, json_object *order)
{
	struct ps *p = s->priv;
	char q[256];
	json_object *l;

	snprintf(q, sizeof(q), "filter%%5Bid_order%%5D=%%5B%s%%5D&display=full&"
	    "sort=%%5Bid_ASC%%5D", id);
	if (ps_list(s, "order_histories", q, &l) != 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(l); i++) {
		json_object *h = json_object_array_get_idx(l, i), *st;
		const char *sid = owi_shop_str(h, "id_order_state");

		if (sid != NULL && json_object_object_get_ex(p->states, sid, &st) &&
		    flag(st, "shipped")) {
			json_object_object_add(order, "shipped_at",
			    owi_shop_date(owi_shop_str(h, "date_add")));
			break;
		}
	}
	json_object_put(l);
	return 0;
}

static json_object *
lines_of(json_object *o)
{
	json_object *rows = owi_envelope_get(o, "associations.order_rows");
	json_object *lines = json_object_new_array();

	for (size_t i = 0; rows != NULL && i < json_object_array_length(rows); i++) {
		json_object *r = json_object_array_get_idx(rows, i);
		json_object *l = json_object_new_object();

		owi_json_add_string(l, "product_reference", owi_shop_str(r,
		    "product_reference"));
		owi_json_add_string(l, "name", owi_shop_str(r, "product_name"));
		json_object_object_add(l, "quantity", json_object_new_int(
		    (int)owi_shop_num(r, "product_quantity")));
		json_object_object_add(l, "unit_price", owi_shop_money(owi_shop_num(r,
		    "unit_price_tax_incl")));
		json_object_array_add(lines, l);
	}
	return lines;
}

/* A display=full order in the normalised form of owi-shop(1). */
static int
order_of(struct owi_shop *s, json_object *o, json_object *out)
{
	struct ps *p = s->priv;
	json_object *n = json_object_new_object(), *c = json_object_new_object();
	json_object *cust, *carrier, *st = NULL, *totals;
	const char *id = owi_shop_str(o, "id"), *sid = owi_shop_str(o, "current_state");

	if (id == NULL) {
		json_object_put(n);
		json_object_put(c);
		return owi_shop_fail(s, "bad-answer", "an order without id");
	}
	if (ps_memo(s, p->customers, "customers", "%5Bid,email,firstname,"
	    "lastname%5D", owi_shop_str(o, "id_customer"), &cust) != 0 ||
	    ps_memo(s, p->carriers, "carriers", "full", owi_shop_str(o, "id_carrier"),
	    &carrier) != 0) {
		json_object_put(n);
		json_object_put(c);
		return -1;
	}
	if (sid != NULL)
		json_object_object_get_ex(p->states, sid, &st);
	json_object_object_add(n, "id", json_object_new_int64(atol(id)));
	owi_json_add_string(n, "reference", owi_shop_str(o, "reference"));
	json_object_object_add(n, "date", owi_shop_date(owi_shop_str(o, "date_add")));
	owi_json_add_string(c, "email", owi_shop_str(cust, "email"));
	owi_json_add_string(c, "firstname", owi_shop_str(cust, "firstname"));
	owi_json_add_string(c, "lastname", owi_shop_str(cust, "lastname"));
	json_object_object_add(n, "customer", c);
	json_object_object_add(n, "state", state_of(s, st, sid));
	if (shipped_at(s, id, n) != 0) {
		json_object_put(n);
		return -1;
	}
	json_object_object_add(n, "carrier", owi_shop_carrier(s,
	    owi_shop_str(carrier, "name"), owi_shop_str(o, "shipping_number"),
	    owi_shop_str(carrier, "url")));
	json_object_object_add(n, "lines", lines_of(o));
	totals = json_object_new_object();
	json_object_object_add(totals, "paid", owi_shop_money(owi_shop_num(o,
	    "total_paid")));
	json_object_object_add(totals, "products", owi_shop_money(owi_shop_num(o,
	    "total_products_wt")));
	json_object_object_add(n, "totals", totals);
	json_object_array_add(out, n);
	return 0;
}

/* The orders of a query, normalised, appended to out. */
static int
orders_where(struct owi_shop *s, const char *query, json_object *out)
{
	json_object *l;
	int rc = 0;

	if (ps_meta(s) != 0 || ps_list(s, "orders", query, &l) != 0)
		return -1;
	for (size_t i = 0; rc == 0 && i < json_object_array_length(l); i++)
		rc = order_of(s, json_object_array_get_idx(l, i), out);
	json_object_put(l);
	return rc;
}

static int
ps_by_reference(struct owi_shop *s, const char *ref, const char *sender,
    json_object *out)
{
	char q[512], *e = owi_http_escape(ref);

	(void)sender;
	if (e == NULL)
		return owi_shop_fail(s, "bad-answer", "out of memory");
	snprintf(q, sizeof(q), "filter%%5Breference%%5D=%%5B%s%%5D&display=full&"
	    "sort=%%5Bid_DESC%%5D", e);
	free(e);
	return orders_where(s, q, out);
}

static int
ps_by_id(struct owi_shop *s, long id, json_object *out)
{
	char q[256];

	snprintf(q, sizeof(q), "filter%%5Bid%%5D=%%5B%ld%%5D&display=full", id);
	return orders_where(s, q, out);
}

/* "[a|b|c]" of the field in a list, for an OR filter; NULL when empty. */
static char *
ids_filter(json_object *l, const char *field)
{
	size_t n = json_object_array_length(l), len = 0;
	char *buf = malloc(n * 24 + 16);

	if (buf == NULL || n == 0) {
		free(buf);
		return NULL;
	}
	len += (size_t)sprintf(buf, "%%5B");
	for (size_t i = 0; i < n; i++) {
		const char *v = owi_shop_str(json_object_array_get_idx(l, i), field);

		len += (size_t)sprintf(buf + len, "%s%ld", i ? "%7C" : "",
		    v ? atol(v) : 0L);
	}
	sprintf(buf + len, "%%5D");
	return buf;
}

static int
ps_by_tracking(struct owi_shop *s, const char *number, const char *sender,
    json_object *out)
{
	char q[512], *e = owi_http_escape(number), *ids;
	json_object *l;
	int rc = 0;

	(void)sender;
	if (e == NULL)
		return owi_shop_fail(s, "bad-answer", "out of memory");
	snprintf(q, sizeof(q), "filter%%5Btracking_number%%5D=%%5B%s%%5D&"
	    "display=%%5Bid_order%%5D", e);
	free(e);
	if (ps_list(s, "order_carriers", q, &l) != 0)
		return -1;
	if ((ids = ids_filter(l, "id_order")) != NULL) {
		snprintf(q, sizeof(q), "filter%%5Bid%%5D=%s&display=full&"
		    "sort=%%5Bid_DESC%%5D", ids);
		rc = orders_where(s, q, out);
	}
	free(ids);
	json_object_put(l);
	return rc;
}

/* The customer rows with this address (guests have their own, §6),
 * asked once per run; *l is a new reference. */
static int
customers_of(struct owi_shop *s, const char *email, json_object **l)
{
	struct ps *p = s->priv;
	char q[1024], *e;

	if (json_object_object_get_ex(p->emails, email, l)) {
		json_object_get(*l);
		return 0;
	}
	if ((e = owi_http_escape(email)) == NULL)
		return owi_shop_fail(s, "bad-answer", "out of memory");
	snprintf(q, sizeof(q), "filter%%5Bemail%%5D=%%5B%s%%5D&display=%%5Bid,"
	    "email,firstname,lastname,is_guest%%5D&sort=%%5Bid_ASC%%5D", e);
	free(e);
	if (ps_list(s, "customers", q, l) != 0)
		return -1;
	json_object_object_add(p->emails, email, json_object_get(*l));
	return 0;
}

static int
ps_by_email(struct owi_shop *s, const char *email, int n, json_object *out)
{
	char q[1024], *ids;
	json_object *l;
	int rc = 0;

	if (customers_of(s, email, &l) != 0)
		return -1;
	if ((ids = ids_filter(l, "id")) != NULL) {
		snprintf(q, sizeof(q), "filter%%5Bid_customer%%5D=%s&display=full&"
		    "sort=%%5Bid_DESC%%5D&limit=%d", ids, n);
		rc = orders_where(s, q, out);
	}
	free(ids);
	json_object_put(l);
	return rc;
}

/*
 * The customer's customer-service threads not closed (§6
 * customer_threads).  A key without the grant gets a 401 code 26 on this
 * call only (§10): then the shop simply has no threads to tell.
 */
static int
ps_open_threads(struct owi_shop *s, const char *email, json_object *customer)
{
	char q[1024], *e = owi_http_escape(email);
	json_object *l;
	int open = 0;

	if (e == NULL)
		return owi_shop_fail(s, "bad-answer", "out of memory");
	snprintf(q, sizeof(q), "filter%%5Bemail%%5D=%%5B%s%%5D&display=%%5Bid,"
	    "status%%5D", e);
	free(e);
	if (ps_list(s, "customer_threads", q, &l) != 0) {
		if (s->fail_code != NULL && strcmp(s->fail_code, "auth") == 0) {
			s->fail_code = NULL;
			return 0;
		}
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(l); i++) {
		const char *st = owi_shop_str(json_object_array_get_idx(l, i), "status");

		open += st != NULL && strcmp(st, "closed") != 0;
	}
	json_object_put(l);
	json_object_object_add(customer, "open_threads", json_object_new_int(open));
	return 0;
}

static int
ps_customer(struct owi_shop *s, const char *email, json_object **out)
{
	struct ps *p = s->priv;
	json_object *l, *orders, *summary, *first = NULL;
	char q[1024], *ids;

	*out = NULL;
	if (ps_meta(s) != 0 || customers_of(s, email, &l) != 0)
		return -1;
	if ((ids = ids_filter(l, "id")) == NULL) {
		json_object_put(l);
		return 0;
	}
	/* The registered account names the customer rather than a guest row. */
	for (size_t i = 0; i < json_object_array_length(l); i++)
		if (first == NULL || !flag(json_object_array_get_idx(l, i),
		    "is_guest"))
			first = json_object_array_get_idx(l, i);
	snprintf(q, sizeof(q), "filter%%5Bid_customer%%5D=%s&display=%%5Bid,"
	    "current_state,total_paid,date_add%%5D", ids);
	free(ids);
	if (ps_list(s, "orders", q, &orders) != 0) {
		json_object_put(l);
		return -1;
	}
	*out = json_object_new_object();
	owi_json_add_string(*out, "email", owi_shop_str(first, "email"));
	owi_json_add_string(*out, "firstname", owi_shop_str(first, "firstname"));
	owi_json_add_string(*out, "lastname", owi_shop_str(first, "lastname"));
	summary = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(orders); i++) {
		json_object *o = json_object_array_get_idx(orders, i), *st = NULL;
		json_object *row = json_object_new_object();
		const char *sid = owi_shop_str(o, "current_state");

		if (sid != NULL)
			json_object_object_get_ex(p->states, sid, &st);
		json_object_object_add(row, "date", owi_shop_date(owi_shop_str(o,
		    "date_add")));
		json_object_object_add(row, "total", json_object_new_double(owi_shop_num(o,
		    "total_paid")));
		json_object_object_add(row, "validated", json_object_new_boolean(
		    st != NULL && flag(st, "logable")));
		json_object_array_add(summary, row);
	}
	owi_shop_history(*out, summary);
	json_object_put(summary);
	json_object_put(orders);
	json_object_put(l);
	return ps_open_threads(s, email, *out);
}

static int
ps_stock(struct owi_shop *s, long id, int *stock)
{
	char q[256];
	json_object *l;

	snprintf(q, sizeof(q), "filter%%5Bid_product%%5D=%%5B%ld%%5D&"
	    "filter%%5Bid_product_attribute%%5D=%%5B0%%5D&display=%%5Bquantity%%5D",
	    id);
	if (ps_list(s, "stock_availables", q, &l) != 0)
		return -1;
	*stock = json_object_array_length(l) > 0 ? (int)owi_shop_num(
	    json_object_array_get_idx(l, 0), "quantity") : 0;
	json_object_put(l);
	return 0;
}

static int
ps_products(struct owi_shop *s, const char *field, const char *value,
    json_object *out)
{
	char q[512], *e = owi_http_escape(value);
	json_object *l;
	int rc = 0;

	if (e == NULL)
		return owi_shop_fail(s, "bad-answer", "out of memory");
	snprintf(q, sizeof(q), "filter%%5B%s%%5D=%%5B%s%%5D&display=%%5Bid,"
	    "reference,ean13,name,price%%5D", field, e);
	free(e);
	if (ps_meta(s) != 0 || ps_list(s, "products", q, &l) != 0)
		return -1;
	for (size_t i = 0; rc == 0 && i < json_object_array_length(l); i++) {
		json_object *p = json_object_array_get_idx(l, i), *n;
		const char *ean = owi_shop_str(p, "ean13");
		int stock;

		if ((rc = ps_stock(s, (long)owi_shop_num(p, "id"), &stock)) != 0)
			break;
		n = json_object_new_object();
		owi_json_add_string(n, "reference", owi_shop_str(p, "reference"));
		owi_json_add_string(n, "ean13", ean && *ean ? ean : NULL);
		owi_json_add_string(n, "name", lang_value(s, owi_envelope_get(p,
		    "name")));
		/* §6: the base price is without tax. */
		json_object_object_add(n, "price", owi_shop_money(owi_shop_num(p, "price") *
		    (1 + s->conf.vat_rate / 100)));
		json_object_object_add(n, "stock", json_object_new_int(stock));
		json_object_object_add(n, "in_stock", json_object_new_boolean(stock > 0));
		json_object_array_add(out, n);
	}
	json_object_put(l);
	return rc;
}

const struct owi_shop_ops owi_shop_prestashop_ops = {
	"prestashop", ps_by_reference, ps_by_id, ps_by_tracking, ps_by_email,
	ps_customer, ps_products, ps_close
};
