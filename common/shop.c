/*
 * shop.c - the lookup strategy of owi-shop(1), backend-neutral: which
 * identifiers are asked for, in which order, whether the order found
 * belongs to the sender, and the pieces of the normalised "shop" key that
 * every backend builds the same way.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "envelope.h"
#include "shop.h"

/* The spec's §8: the 13 states of a fresh PrestaShop install. */
static const struct owi_shop_ps_state ps_states[] = {
	{ 1, "Awaiting check payment", "En attente du paiement par chèque", 0, 0, 0 },
	{ 2, "Payment accepted", "Paiement accepté", 1, 0, 1 },
	{ 3, "Processing in progress", "En cours de préparation", 1, 0, 1 },
	{ 4, "Shipped", "Expédié", 1, 1, 1 },
	{ 5, "Delivered", "Livré", 1, 1, 1 },
	{ 6, "Canceled", "Annulé", 0, 0, 0 },
	{ 7, "Refunded", "Remboursé", 0, 0, 0 },
	{ 8, "Payment error", "Erreur de paiement", 0, 0, 0 },
	{ 9, "On backorder (paid)", "En attente de réapprovisionnement (payé)", 1, 0, 0 },
	{ 10, "Awaiting bank wire payment", "En attente de virement bancaire", 0, 0, 0 },
	{ 11, "Remote payment accepted", "Paiement à distance accepté", 1, 0, 1 },
	{ 12, "On backorder (not paid)", "En attente de réapprovisionnement (non payé)", 0, 0, 0 },
	{ 13, "Awaiting Cash On Delivery validation", "En attente de paiement à la livraison", 0, 0, 0 },
};

void
owi_shop_conf_init(struct owi_shop_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->backend = "file";
	c->language = "fr";
	c->recent_orders = 3;
	c->vat_rate = 20;
	c->delivered[0] = 5, c->n_delivered = 1;
	c->canceled[0] = 6, c->n_canceled = 1;
	c->refunded[0] = 7, c->n_refunded = 1;
	c->http.timeout = 10;
	c->http.connect_timeout = 5;
	c->http.retries = 2;
	c->http.backoff = 0.5;
	c->http.rate = 10;
	c->http.tls_verify = 1;
	c->http.cache_ttl = 300;
}

const struct owi_shop_ps_state *
owi_shop_ps_state(const char *name, int id)
{
	for (size_t i = 0; i < sizeof(ps_states) / sizeof(ps_states[0]); i++)
		if (ps_states[i].id == id || (name != NULL &&
		    (strcmp(name, ps_states[i].en) == 0 ||
		    strcmp(name, ps_states[i].fr) == 0)))
			return &ps_states[i];
	return NULL;
}

struct owi_shop *
owi_shop_open(const struct owi_shop_conf *c, const struct owi_config *rules,
    struct owi_diag *d)
{
	struct owi_shop *s = calloc(1, sizeof(*s));
	int rc;

	if (s == NULL) {
		owi_diag_set(d, "", 0, 0, "out of memory");
		return NULL;
	}
	s->conf = *c;
	s->rules = rules;
	if (strcmp(c->backend, "file") == 0) {
		s->ops = &owi_shop_file_ops;
		rc = owi_shop_file_open(s, d);
	} else if (strcmp(c->backend, "prestashop") == 0) {
		s->ops = &owi_shop_prestashop_ops;
		rc = owi_shop_prestashop_open(s, d);
	} else if (strcmp(c->backend, "woocommerce") == 0) {
		s->ops = &owi_shop_woocommerce_ops;
		rc = owi_shop_woocommerce_open(s, d);
	} else {
		owi_diag_set(d, "", 0, 0, "unknown backend '%s' (prestashop, "
		    "woocommerce or file)", c->backend);
		free(s);
		return NULL;
	}
	if (rc != 0) {
		owi_shop_close(s);
		return NULL;
	}
	return s;
}

void
owi_shop_close(struct owi_shop *s)
{
	if (s == NULL)
		return;
	if (s->ops->close != NULL)
		s->ops->close(s);
	owi_http_free(s->http);
	free(s);
}

int
owi_shop_fail(struct owi_shop *s, const char *code, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->fail_code = code;
	owi_diag_set(s->fail_diag, "", 0, 0, "%s", msg);
	return -1;
}

const char *
owi_shop_str(json_object *o, const char *key)
{
	json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    json_object_is_type(v, json_type_null))
		return NULL;
	return json_object_get_string(v);
}

double
owi_shop_num(json_object *o, const char *key)
{
	const char *v = owi_shop_str(o, key);

	return v ? strtod(v, NULL) : 0;
}

/* The first error message of a PrestaShop or WooCommerce error body. */
static const char *
error_message(json_object *j)
{
	json_object *e, *m;

	if (json_object_object_get_ex(j, "errors", &e) &&
	    json_object_is_type(e, json_type_array) &&
	    json_object_array_length(e) > 0 &&
	    json_object_object_get_ex(json_object_array_get_idx(e, 0), "message",
	    &m))
		return json_object_get_string(m);
	if (json_object_object_get_ex(j, "message", &m) &&
	    json_object_is_type(m, json_type_string))
		return json_object_get_string(m);
	return NULL;
}

static json_object *
parse_body(const struct owi_http_reply *r)
{
	json_tokener *tok = json_tokener_new();
	json_object *j;

	if (tok == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	j = json_tokener_parse_ex(tok, r->body, (int)r->len);
	if (j != NULL && json_tokener_get_parse_end(tok) != r->len) {
		/* Trailing text after the JSON: not what the API sends. */
		size_t i = json_tokener_get_parse_end(tok);

		while (i < r->len && isspace((unsigned char)r->body[i]))
			i++;
		if (i < r->len) {
			json_object_put(j);
			j = NULL;
		}
	}
	json_tokener_free(tok);
	return j;
}

int
owi_shop_get_json(struct owi_shop *s, const char *url, int allow_404,
    json_object **out)
{
	struct owi_http_reply r;
	struct owi_diag d;
	const char *code = NULL, *msg;
	json_object *j;
	int rc;

	*out = NULL;
	owi_diag_clear(&d);
	rc = owi_http_get(s->http, url, &r, &code, &d);
	if (rc != 0 && r.body == NULL) {
		owi_http_reply_free(&r);
		/* The URL without its query, which may hold a customer's data. */
		return owi_shop_fail(s, code, "%.*s: %s", (int)strcspn(url, "?"),
		    url, d.msg);
	}
	j = parse_body(&r);
	msg = j ? error_message(j) : NULL;
	if (rc != 0)
		rc = owi_shop_fail(s, code, "HTTP status %ld%s%s", r.status,
		    msg ? ": " : "", msg ? msg : "");
	else if (r.status == 401 || r.status == 403)
		rc = owi_shop_fail(s, "auth", "HTTP status %ld%s%s", r.status,
		    msg ? ": " : "", msg ? msg : "");
	else if (r.status == 404 && allow_404)
		rc = 0;
	else if (r.status != 200)
		rc = owi_shop_fail(s, "http", "HTTP status %ld%s%s", r.status,
		    msg ? ": " : "", msg ? msg : "");
	else if (j == NULL)
		rc = owi_shop_fail(s, "bad-answer", "the answer is not JSON");
	else {
		*out = j;
		j = NULL;
	}
	json_object_put(j);
	owi_http_reply_free(&r);
	return rc;
}

static int
in_ids(const long *v, size_t n, long id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == id)
			return 1;
	return 0;
}

json_object *
owi_shop_state(const struct owi_shop *s, long id, const char *id_str,
    const char *name, int paid, int shipped, int logable, int delivered,
    int canceled, int refunded)
{
	const struct owi_shop_conf *c = &s->conf;
	json_object *o = json_object_new_object();

	if (delivered < 0)
		delivered = in_ids(c->delivered, c->n_delivered, id);
	if (canceled < 0)
		canceled = in_ids(c->canceled, c->n_canceled, id);
	if (refunded < 0)
		refunded = in_ids(c->refunded, c->n_refunded, id);
	json_object_object_add(o, "id", id_str ? json_object_new_string(id_str) :
	    json_object_new_int64(id));
	owi_json_add_string(o, "name", name);
	json_object_object_add(o, "paid", json_object_new_boolean(paid));
	json_object_object_add(o, "shipped", json_object_new_boolean(shipped));
	json_object_object_add(o, "delivered", json_object_new_boolean(delivered));
	json_object_object_add(o, "canceled", json_object_new_boolean(canceled));
	json_object_object_add(o, "refunded", json_object_new_boolean(refunded));
	json_object_object_add(o, "validated", json_object_new_boolean(logable));
	return o;
}

/* Is word in name, as a whole word, ASCII case folded? */
static int
names_word(const char *name, const char *word)
{
	size_t n = strlen(word);

	if (n == 0)
		return 0;
	for (const char *p = name; *p; p++)
		if (strncasecmp(p, word, n) == 0 &&
		    (p == name || !isalnum((unsigned char)p[-1])) &&
		    !isalnum((unsigned char)p[n]))
			return 1;
	return 0;
}

static const struct owi_carrier *
rules_carrier(const struct owi_config *rules, const char *name)
{
	if (rules == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < rules->n_carriers; i++)
		if (strcasecmp(rules->carriers[i].name, name) == 0 ||
		    strcasecmp(rules->carriers[i].id, name) == 0)
			return &rules->carriers[i];
	for (size_t i = 0; i < rules->n_carriers; i++)
		for (size_t j = 0; j < rules->carriers[i].words.n; j++)
			if (names_word(name, rules->carriers[i].words.v[j]))
				return &rules->carriers[i];
	return NULL;
}

/* pattern with every mark replaced by the escaped number. */
static json_object *
tracking_url(const char *pattern, const char *mark, const char *number)
{
	char *esc = owi_http_escape(number), *out;
	size_t ml = strlen(mark), n = 0, cap;
	json_object *o;

	if (esc == NULL)
		return NULL;
	cap = strlen(pattern) + 1;
	for (const char *p = pattern; (p = strstr(p, mark)) != NULL; p += ml)
		cap += strlen(esc);
	if ((out = malloc(cap)) == NULL) {
		free(esc);
		return NULL;
	}
	for (const char *p = pattern; *p;)
		if (strncmp(p, mark, ml) == 0) {
			n += (size_t)sprintf(out + n, "%s", esc);
			p += ml;
		} else
			out[n++] = *p++;
	out[n] = '\0';
	o = json_object_new_string(out);
	free(out);
	free(esc);
	return o;
}

json_object *
owi_shop_carrier(const struct owi_shop *s, const char *name,
    const char *tracking, const char *shop_url)
{
	const struct owi_carrier *rc = rules_carrier(s->rules, name);
	json_object *o = json_object_new_object(), *url = NULL;

	if (tracking != NULL && *tracking == '\0')
		tracking = NULL;
	owi_json_add_string(o, "id", rc ? rc->id : NULL);
	owi_json_add_string(o, "name", name);
	owi_json_add_string(o, "tracking_number", tracking);
	if (tracking != NULL && shop_url != NULL && *shop_url != '\0')
		url = tracking_url(shop_url, "@", tracking);
	else if (tracking != NULL && rc != NULL && rc->url != NULL)
		url = tracking_url(rc->url, "{tracking}", tracking);
	json_object_object_add(o, "tracking_url", url);
	return o;
}

json_object *
owi_shop_money(double x)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.2f", x);
	return json_object_new_double_s(strtod(buf, NULL), buf);
}

json_object *
owi_shop_date(const char *s)
{
	char buf[20];

	if (s == NULL || strlen(s) < 19 || strncmp(s, "0000", 4) == 0 ||
	    s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') ||
	    s[13] != ':' || s[16] != ':')
		return NULL;
	memcpy(buf, s, 19);
	buf[10] = 'T';
	buf[19] = '\0';
	return json_object_new_string(buf);
}

void
owi_shop_history(json_object *customer, json_object *summary)
{
	const char *first = NULL, *last = NULL;
	double spent = 0;
	size_t n = json_object_array_length(summary);

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(summary, i), *v;
		const char *d = owi_envelope_get_string(o, "date");

		if (d != NULL && (first == NULL || strcmp(d, first) < 0))
			first = d;
		if (d != NULL && (last == NULL || strcmp(d, last) > 0))
			last = d;
		if (json_object_object_get_ex(o, "validated", &v) &&
		    json_object_get_boolean(v) &&
		    json_object_object_get_ex(o, "total", &v))
			spent += json_object_get_double(v);
	}
	json_object_object_add(customer, "orders", json_object_new_int((int)n));
	owi_json_add_string(customer, "first_order", first);
	owi_json_add_string(customer, "last_order", last);
	json_object_object_add(customer, "total_spent", owi_shop_money(spent));
}

int
owi_shop_lang_index(const struct owi_shop *s)
{
	for (size_t i = 0; s->lang != NULL && i < s->n_langs; i++)
		if (strcmp(s->langs[i], s->lang) == 0)
			return (int)i;
	for (size_t i = 0; s->conf.language != NULL && i < s->n_langs; i++)
		if (strcmp(s->langs[i], s->conf.language) == 0)
			return (int)i;
	return 0;
}

/* ---- the lookup ---------------------------------------------------- */

/* May this value be sent?  PrestaShop's filter grammar has no escape, so
 * a value with its operators is never sent (owi-shop(1)). */
static int
safe_value(const char *v, size_t digits)
{
	size_t n = strlen(v);

	if (n == 0 || n > 254)
		return 0;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (digits && !isdigit(*p))
			return 0;
		if (*p < 0x20 || *p == 0x7f || strchr("[]|%,!<>", *p) != NULL)
			return 0;
	}
	return !digits || n <= digits;
}

static void
add_not_found(json_object *list, const char *type, const char *value,
    int refused)
{
	json_object *o = json_object_new_object();

	owi_json_add_string(o, "type", type);
	owi_json_add_string(o, "value", value);
	if (refused)
		json_object_object_add(o, "refused", json_object_new_boolean(1));
	json_object_array_add(list, o);
}

static int
has_order(json_object *orders, long id)
{
	for (size_t i = 0; i < json_object_array_length(orders); i++) {
		json_object *v;

		if (json_object_object_get_ex(json_object_array_get_idx(orders, i),
		    "id", &v) && json_object_get_int64(v) == id)
			return 1;
	}
	return 0;
}

/* Does an order already found answer this identifier? */
static int
answered(json_object *orders, const char *type, const char *value)
{
	for (size_t i = 0; i < json_object_array_length(orders); i++) {
		json_object *o = json_object_array_get_idx(orders, i);
		const char *v = NULL;
		char id[32];

		if (strcmp(type, "order_reference") == 0)
			v = owi_envelope_get_string(o, "reference");
		else if (strcmp(type, "tracking_number") == 0)
			v = owi_envelope_get_string(o, "carrier.tracking_number");
		else {
			json_object *x = owi_envelope_get(o, "id");

			snprintf(id, sizeof(id), "%lld",
			    (long long)json_object_get_int64(x));
			v = id;
		}
		if (v != NULL && strcasecmp(v, value) == 0)
			return 1;
	}
	return 0;
}

static void
take_orders(json_object *orders, json_object *found, const char *by,
    const char *value, const char *sender)
{
	for (size_t i = 0; i < json_object_array_length(found); i++) {
		json_object *o = json_object_array_get_idx(found, i);
		const char *email = owi_envelope_get_string(o, "customer.email");
		json_object *id = owi_envelope_get(o, "id");

		if (has_order(orders, json_object_get_int64(id)))
			continue;
		owi_json_add_string(o, "matched_by", by);
		owi_json_add_string(o, "matched_value", value);
		json_object_object_add(o, "belongs_to_sender",
		    json_object_new_boolean(sender != NULL && email != NULL &&
		    strcasecmp(email, sender) == 0));
		json_object_array_add(orders, json_object_get(o));
	}
}

/* The values of one entity type, as strings. */
static size_t
entity_values(json_object *env, const char *type, const char **v, size_t max)
{
	json_object *list, *x;
	char path[64];
	size_t n = 0;

	snprintf(path, sizeof(path), "entities.%s", type);
	if ((list = owi_envelope_get(env, path)) == NULL ||
	    !json_object_is_type(list, json_type_array))
		return 0;
	for (size_t i = 0; i < json_object_array_length(list) && n < max; i++) {
		x = json_object_array_get_idx(list, i);
		if (json_object_is_type(x, json_type_object))
			json_object_object_get_ex(x, "value", &x);
		if (json_object_is_type(x, json_type_string))
			v[n++] = json_object_get_string(x);
	}
	return n;
}

static int
find_orders(struct owi_shop *s, json_object *env, const char *sender,
    json_object *orders, json_object *not_found)
{
	static const char *const types[] = { "order_reference", "order_id",
		"tracking_number" };

	for (size_t t = 0; t < 3; t++) {
		const char *v[16];
		size_t n = entity_values(env, types[t], v, 16);

		for (size_t i = 0; i < n; i++) {
			json_object *found;
			int rc;

			if (!safe_value(v[i], t == 1 ? 10 : 0)) {
				add_not_found(not_found, types[t], v[i], 1);
				continue;
			}
			if (answered(orders, types[t], v[i]))
				continue;
			found = json_object_new_array();
			rc = t == 0 ? s->ops->by_reference(s, v[i], sender, found) :
			    t == 1 ? s->ops->by_id(s, atol(v[i]), found) :
			    s->ops->by_tracking(s, v[i], sender, found);
			if (rc == 0 && json_object_array_length(found) == 0)
				add_not_found(not_found, types[t], v[i], 0);
			if (rc == 0)
				take_orders(orders, found, types[t], v[i], sender);
			json_object_put(found);
			if (rc != 0)
				return -1;
		}
	}
	if (json_object_array_length(orders) == 0 && sender != NULL &&
	    s->conf.recent_orders > 0) {
		json_object *found = json_object_new_array();
		int rc = s->ops->by_email(s, sender, s->conf.recent_orders, found);

		if (rc == 0)
			take_orders(orders, found, "sender", sender, sender);
		json_object_put(found);
		return rc;
	}
	return 0;
}

static int
find_products(struct owi_shop *s, json_object *env, json_object *products,
    json_object *not_found)
{
	static const char *const types[] = { "product_reference", "ean13" };
	static const char *const fields[] = { "reference", "ean13" };

	for (size_t t = 0; t < 2; t++) {
		const char *v[16];
		size_t n = entity_values(env, types[t], v, 16);

		for (size_t i = 0; i < n; i++) {
			json_object *found;
			int rc, dup = 0;

			if (!safe_value(v[i], t == 1 ? 14 : 0)) {
				add_not_found(not_found, types[t], v[i], 1);
				continue;
			}
			for (size_t j = 0; j < json_object_array_length(products); j++) {
				const char *x = owi_envelope_get_string(
				    json_object_array_get_idx(products, j), fields[t]);

				dup |= x != NULL && strcasecmp(x, v[i]) == 0;
			}
			if (dup)
				continue;
			found = json_object_new_array();
			if ((rc = s->ops->products(s, fields[t], v[i], found)) != 0) {
				json_object_put(found);
				if (rc > 0)
					continue;	/* the backend cannot */
				return -1;
			}
			if (json_object_array_length(found) == 0)
				add_not_found(not_found, types[t], v[i], 0);
			for (size_t j = 0; j < json_object_array_length(found); j++) {
				json_object *p = json_object_array_get_idx(found, j);

				owi_json_add_string(p, "matched_by", types[t]);
				owi_json_add_string(p, "matched_value", v[i]);
				json_object_array_add(products, json_object_get(p));
			}
			json_object_put(found);
		}
	}
	return 0;
}

/* The sender's address in lower case, or NULL when there is none that
 * may be sent. */
static char *
sender_of(json_object *env, json_object *not_found)
{
	const char *a = owi_envelope_get_string(env, "message.from.address");
	char *s;

	if (a == NULL || strchr(a, '@') == NULL)
		return NULL;
	if (!safe_value(a, 0) || strchr(a, ' ') != NULL) {
		add_not_found(not_found, "email", a, 1);
		return NULL;
	}
	if ((s = strdup(a)) != NULL)
		for (char *p = s; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	return s;
}

json_object *
owi_shop_lookup(struct owi_shop *s, json_object *env, const char **code,
    struct owi_diag *d)
{
	json_object *shop = json_object_new_object();
	json_object *orders = json_object_new_array();
	json_object *products = json_object_new_array();
	json_object *not_found = json_object_new_array();
	json_object *customer = NULL;
	char *sender = sender_of(env, not_found);
	int rc;

	*code = NULL;
	s->fail_code = NULL;
	s->fail_diag = d;
	s->lang = owi_envelope_get_string(env, "classification.lang");
	rc = find_orders(s, env, sender, orders, not_found);
	if (rc == 0 && sender != NULL)
		rc = s->ops->customer(s, sender, &customer);
	if (rc == 0)
		rc = find_products(s, env, products, not_found);
	owi_json_add_string(shop, "backend", s->ops->name);
	if (rc != 0) {
		*code = s->fail_code ? s->fail_code : "bad-answer";
		json_object_object_add(shop, "failed", json_object_new_boolean(1));
		json_object_put(orders);
		json_object_put(products);
		json_object_put(not_found);
		json_object_put(customer);
	} else {
		owi_json_add_string(shop, "lang", s->n_langs ?
		    s->langs[owi_shop_lang_index(s)] : NULL);
		json_object_object_add(shop, "orders", orders);
		json_object_object_add(shop, "customer", customer);
		json_object_object_add(shop, "products", products);
		json_object_object_add(shop, "not_found", not_found);
	}
	free(sender);
	return shop;
}
