/*
 * shop-woocommerce.c - the WooCommerce REST API v3 backend (the spec's
 * §12).  WooCommerce has no order reference and cannot search by
 * tracking number, so both are matched among the sender's own orders;
 * tracking comes from the Shipment Tracking extension's order meta.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "envelope.h"
#include "shop.h"

struct wc {
	char *base;		/* ".../wp-json/wc/v3/" */
	char *user;		/* ck_... */
	char *password;		/* cs_... */
};

/* Core statuses with their names (the shop's fr and en labels) and flags:
 * paid, shipped, canceled, refunded, validated. */
static const struct {
	const char *id, *fr, *en;
	int paid, shipped, canceled, refunded, validated;
} statuses[] = {
	{ "pending", "En attente de paiement", "Pending payment", 0, 0, 0, 0, 0 },
	{ "processing", "En cours", "Processing", 1, 0, 0, 0, 1 },
	{ "on-hold", "En attente", "On hold", 0, 0, 0, 0, 0 },
	{ "completed", "Terminée", "Completed", 1, 1, 0, 0, 1 },
	{ "cancelled", "Annulée", "Cancelled", 0, 0, 1, 0, 0 },
	{ "refunded", "Remboursée", "Refunded", 0, 0, 0, 1, 0 },
	{ "failed", "Échouée", "Failed", 0, 0, 0, 0, 0 },
};

int
owi_shop_woocommerce_open(struct owi_shop *s, struct owi_diag *d)
{
	struct wc *w = calloc(1, sizeof(*w));
	const char *colon;
	size_t n;

	if (w == NULL)
		return -1;
	s->priv = w;
	if (s->conf.url == NULL || s->conf.key == NULL) {
		owi_diag_set(d, "", 0, 0, "the woocommerce backend needs %s",
		    s->conf.url == NULL ? "a URL (-u or shop.url)" :
		    "a key (OWI_SHOP_KEY, -k or shop.key_file)");
		return -1;
	}
	if ((colon = strchr(s->conf.key, ':')) == NULL) {
		owi_diag_set(d, "", 0, 0, "a WooCommerce key is "
		    "'consumer_key:consumer_secret'");
		return -1;
	}
	n = strlen(s->conf.url);
	w->base = malloc(n + 2);
	w->user = strndup(s->conf.key, (size_t)(colon - s->conf.key));
	w->password = strdup(colon + 1);
	if (w->base == NULL || w->user == NULL || w->password == NULL)
		return -1;
	snprintf(w->base, n + 2, "%s%s", s->conf.url,
	    n > 0 && s->conf.url[n - 1] == '/' ? "" : "/");
	snprintf(s->langs[0], sizeof(s->langs[0]), "fr");
	snprintf(s->langs[1], sizeof(s->langs[1]), "en");
	s->n_langs = 2;
	s->conf.http.user = w->user;
	s->conf.http.password = w->password;
	if ((s->http = owi_http_new(&s->conf.http)) == NULL) {
		owi_diag_set(d, "", 0, 0, "cannot start libcurl");
		return -1;
	}
	return 0;
}

static void
wc_close(struct owi_shop *s)
{
	struct wc *w = s->priv;

	if (w == NULL)
		return;
	free(w->base);
	free(w->user);
	free(w->password);
	free(w);
}



static int
wc_get(struct owi_shop *s, const char *path, int allow_404, json_object **out)
{
	struct wc *w = s->priv;
	char url[4096];

	snprintf(url, sizeof(url), "%s%s", w->base, path);
	return owi_shop_get_json(s, url, allow_404, out);
}

static json_object *
state_of(struct owi_shop *s, const char *status)
{
	int fr = strcmp(s->langs[owi_shop_lang_index(s)], "fr") == 0;

	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (status != NULL && strcmp(statuses[i].id, status) == 0)
			return owi_shop_state(s, 0, status, fr ? statuses[i].fr :
			    statuses[i].en, statuses[i].paid, statuses[i].shipped,
			    statuses[i].validated, 0, statuses[i].canceled,
			    statuses[i].refunded);
	/* A plugin's status: named, and no flag owi could trust. */
	return owi_shop_state(s, 0, status ? status : "", status, 0, 0, 0, 0, 0, 0);
}

/* The first Shipment Tracking item of the order, or NULL. */
static json_object *
tracking_item(json_object *o)
{
	json_object *meta = owi_envelope_get(o, "meta_data");

	for (size_t i = 0; meta != NULL && i < json_object_array_length(meta); i++) {
		json_object *m = json_object_array_get_idx(meta, i), *v;
		const char *k = owi_shop_str(m, "key");

		if (k != NULL && strcmp(k, "_wc_shipment_tracking_items") == 0 &&
		    json_object_object_get_ex(m, "value", &v) &&
		    json_object_is_type(v, json_type_array) &&
		    json_object_array_length(v) > 0)
			return json_object_array_get_idx(v, 0);
	}
	return NULL;
}

/* The provider slug as a carrier name the rules directory knows. */
static const char *
provider_name(const struct owi_shop *s, const char *slug, char *buf, size_t size)
{
	snprintf(buf, size, "%s", slug);
	for (char *p = buf; *p; p++)
		if (*p == '-')
			*p = '_';
	for (size_t i = 0; s->rules != NULL && i < s->rules->n_carriers; i++)
		if (strcmp(s->rules->carriers[i].id, buf) == 0)
			return s->rules->carriers[i].name;
	for (char *p = buf; *p; p++)
		if (*p == '_')
			*p = ' ';
	return buf;
}

static json_object *
carrier_of(struct owi_shop *s, json_object *o, json_object *n)
{
	json_object *t = tracking_item(o), *lines;
	const char *name = NULL, *link = NULL, *provider;
	char buf[128];

	if (t != NULL) {
		const char *shipped = owi_shop_str(t, "date_shipped");

		provider = owi_shop_str(t, "tracking_provider");
		name = provider && *provider ? provider_name(s, provider, buf,
		    sizeof(buf)) : owi_shop_str(t, "custom_tracking_provider");
		link = owi_shop_str(t, "custom_tracking_link");
		if (shipped != NULL && *shipped != '\0') {
			time_t when = (time_t)atoll(shipped);
			struct tm tm;
			char d[32];

			/* A Unix time: shown in local time, as the shop's dates. */
			localtime_r(&when, &tm);
			strftime(d, sizeof(d), "%Y-%m-%d %H:%M:%S", &tm);
			json_object_object_add(n, "shipped_at", owi_shop_date(d));
		}
	}
	if (name == NULL && (lines = owi_envelope_get(o, "shipping_lines")) != NULL &&
	    json_object_array_length(lines) > 0)
		name = owi_shop_str(json_object_array_get_idx(lines, 0), "method_title");
	if (link != NULL && *link == '\0')
		link = NULL;
	if (link != NULL) {
		json_object *c = owi_shop_carrier(s, name,
		    owi_shop_str(t, "tracking_number"), NULL);

		json_object_object_add(c, "tracking_url", json_object_new_string(link));
		return c;
	}
	return owi_shop_carrier(s, name, owi_shop_str(t, "tracking_number"), NULL);
}

static json_object *
order_of(struct owi_shop *s, json_object *o)
{
	json_object *n = json_object_new_object(), *c = json_object_new_object();
	json_object *items = owi_envelope_get(o, "line_items"), *totals, *carrier;
	json_object *lines = json_object_new_array(), *billing;
	double products = 0;

	billing = owi_envelope_get(o, "billing");
	json_object_object_add(n, "id", json_object_new_int64(
	    json_object_get_int64(owi_envelope_get(o, "id"))));
	owi_json_add_string(n, "reference", owi_shop_str(o, "number"));
	json_object_object_add(n, "date", owi_shop_date(owi_shop_str(o, "date_created")));
	owi_json_add_string(c, "email", owi_shop_str(billing, "email"));
	owi_json_add_string(c, "firstname", owi_shop_str(billing, "first_name"));
	owi_json_add_string(c, "lastname", owi_shop_str(billing, "last_name"));
	json_object_object_add(n, "customer", c);
	json_object_object_add(n, "state", state_of(s, owi_shop_str(o, "status")));
	carrier = carrier_of(s, o, n);
	json_object_object_add(n, "carrier", carrier);
	for (size_t i = 0; items != NULL && i < json_object_array_length(items); i++) {
		json_object *it = json_object_array_get_idx(items, i);
		json_object *l = json_object_new_object();
		int qty = json_object_get_int(owi_envelope_get(it, "quantity"));
		double total = owi_shop_num(it, "total") + owi_shop_num(it, "total_tax");

		owi_json_add_string(l, "product_reference", owi_shop_str(it, "sku"));
		owi_json_add_string(l, "name", owi_shop_str(it, "name"));
		json_object_object_add(l, "quantity", json_object_new_int(qty));
		json_object_object_add(l, "unit_price", owi_shop_money(qty ?
		    total / qty : 0));
		json_object_array_add(lines, l);
		products += total;
	}
	json_object_object_add(n, "lines", lines);
	totals = json_object_new_object();
	json_object_object_add(totals, "paid", owi_shop_money(owi_shop_num(o, "total")));
	json_object_object_add(totals, "products", owi_shop_money(products));
	json_object_object_add(n, "totals", totals);
	return n;
}

/* The sender's orders, newest first: a search, then an exact address. */
static int
orders_of(struct owi_shop *s, const char *email, json_object **mine)
{
	char path[1024], *e = owi_http_escape(email);
	json_object *l;

	*mine = NULL;
	if (e == NULL)
		return owi_shop_fail(s, "bad-answer", "out of memory");
	snprintf(path, sizeof(path), "orders?search=%s&per_page=100", e);
	free(e);
	if (wc_get(s, path, 0, &l) != 0)
		return -1;
	if (!json_object_is_type(l, json_type_array)) {
		json_object_put(l);
		return owi_shop_fail(s, "bad-answer", "GET orders: not a list");
	}
	*mine = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(l); i++) {
		json_object *o = json_object_array_get_idx(l, i);
		const char *b = owi_envelope_get_string(o, "billing.email");

		if (b != NULL && strcasecmp(b, email) == 0)
			json_object_array_add(*mine, json_object_get(o));
	}
	json_object_put(l);
	return 0;
}

/* What an order answers to: its number, or its tracking number. */
static const char *
number_of(json_object *o)
{
	return owi_shop_str(o, "number");
}

static const char *
tracking_of(json_object *o)
{
	return owi_shop_str(tracking_item(o), "tracking_number");
}

/* The sender's orders whose key(order) is value: WooCommerce can search
 * neither a custom order number nor a tracking number. */
static int
mine_where(struct owi_shop *s, const char *sender,
    const char *(*key)(json_object *), const char *value, json_object *out)
{
	json_object *mine;

	if (sender == NULL)
		return 0;
	if (orders_of(s, sender, &mine) != 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(mine); i++) {
		json_object *o = json_object_array_get_idx(mine, i);
		const char *k = key(o);

		if (k != NULL && strcasecmp(k, value) == 0)
			json_object_array_add(out, order_of(s, o));
	}
	json_object_put(mine);
	return 0;
}

static int
wc_by_reference(struct owi_shop *s, const char *ref, const char *sender,
    json_object *out)
{
	return mine_where(s, sender, number_of, ref, out);
}

static int
wc_by_id(struct owi_shop *s, long id, json_object *out)
{
	char path[64];
	json_object *o;

	snprintf(path, sizeof(path), "orders/%ld", id);
	if (wc_get(s, path, 1, &o) != 0)
		return -1;
	if (o != NULL && json_object_is_type(o, json_type_object))
		json_object_array_add(out, order_of(s, o));
	json_object_put(o);
	return 0;
}

static int
wc_by_tracking(struct owi_shop *s, const char *number, const char *sender,
    json_object *out)
{
	return mine_where(s, sender, tracking_of, number, out);
}

static int
wc_by_email(struct owi_shop *s, const char *email, int n, json_object *out)
{
	json_object *mine;

	if (orders_of(s, email, &mine) != 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(mine) && (int)i < n; i++)
		json_object_array_add(out, order_of(s, json_object_array_get_idx(mine,
		    i)));
	json_object_put(mine);
	return 0;
}

static int
wc_customer(struct owi_shop *s, const char *email, json_object **out)
{
	char path[1024], *e = owi_http_escape(email);
	json_object *l, *c, *mine, *summary;

	*out = NULL;
	if (e == NULL)
		return owi_shop_fail(s, "bad-answer", "out of memory");
	snprintf(path, sizeof(path), "customers?email=%s", e);
	free(e);
	if (wc_get(s, path, 0, &l) != 0)
		return -1;
	if (!json_object_is_type(l, json_type_array) ||
	    json_object_array_length(l) == 0) {
		json_object_put(l);
		return 0;
	}
	c = json_object_array_get_idx(l, 0);
	if (orders_of(s, email, &mine) != 0) {
		json_object_put(l);
		return -1;
	}
	*out = json_object_new_object();
	owi_json_add_string(*out, "email", owi_shop_str(c, "email"));
	owi_json_add_string(*out, "firstname", owi_shop_str(c, "first_name"));
	owi_json_add_string(*out, "lastname", owi_shop_str(c, "last_name"));
	summary = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(mine); i++) {
		json_object *o = json_object_array_get_idx(mine, i);
		json_object *row = json_object_new_object();
		const char *st = owi_shop_str(o, "status");

		json_object_object_add(row, "date", owi_shop_date(owi_shop_str(o,
		    "date_created")));
		json_object_object_add(row, "total", json_object_new_double(owi_shop_num(o,
		    "total")));
		json_object_object_add(row, "validated", json_object_new_boolean(
		    st != NULL && (strcmp(st, "processing") == 0 ||
		    strcmp(st, "completed") == 0)));
		json_object_array_add(summary, row);
	}
	owi_shop_history(*out, summary);
	json_object_put(summary);
	json_object_put(mine);
	json_object_put(l);
	return 0;
}

static int
wc_products(struct owi_shop *s, const char *field, const char *value,
    json_object *out)
{
	char path[1024], *e;
	json_object *l;

	if (strcmp(field, "reference") != 0)
		return 1;	/* no EAN in WooCommerce's core */
	if ((e = owi_http_escape(value)) == NULL)
		return owi_shop_fail(s, "bad-answer", "out of memory");
	snprintf(path, sizeof(path), "products?sku=%s", e);
	free(e);
	if (wc_get(s, path, 0, &l) != 0)
		return -1;
	for (size_t i = 0; json_object_is_type(l, json_type_array) &&
	    i < json_object_array_length(l); i++) {
		json_object *p = json_object_array_get_idx(l, i), *n, *q;
		int stock = 0;

		n = json_object_new_object();
		owi_json_add_string(n, "reference", owi_shop_str(p, "sku"));
		json_object_object_add(n, "ean13", NULL);
		owi_json_add_string(n, "name", owi_shop_str(p, "name"));
		json_object_object_add(n, "price", owi_shop_money(owi_shop_num(p,
		    "price")));
		if (json_object_object_get_ex(p, "stock_quantity", &q) &&
		    !json_object_is_type(q, json_type_null))
			stock = json_object_get_int(q);
		json_object_object_add(n, "stock", json_object_new_int(stock));
		json_object_object_add(n, "in_stock", json_object_new_boolean(
		    stock > 0 || (owi_shop_str(p, "stock_status") != NULL &&
		    strcmp(owi_shop_str(p, "stock_status"), "instock") == 0 &&
		    json_object_is_type(q, json_type_null))));
		json_object_array_add(out, n);
	}
	json_object_put(l);
	return 0;
}

const struct owi_shop_ops owi_shop_woocommerce_ops = {
	"woocommerce", wc_by_reference, wc_by_id, wc_by_tracking, wc_by_email,
	wc_customer, wc_products, wc_close
};
