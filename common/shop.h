/*
 * shop.h - what the shop knows of a mail's orders, products and sender
 * (owi-shop(1)): one lookup strategy over three backends, PrestaShop's
 * Webservice, WooCommerce's REST API and a shop-export file, and one
 * normalised "shop" key whatever the backend.
 */
#ifndef OWI_SHOP_H
#define OWI_SHOP_H

#include <json-c/json.h>

#include "config.h"
#include "diag.h"
#include "http.h"

#define OWI_SHOP_MAX_STATES 16

struct owi_shop_conf {
	const char *backend;	/* "file", "prestashop", "woocommerce" */
	const char *url;	/* the API's base URL */
	const char *file;	/* the shop export */
	const char *key;	/* the API key (woocommerce: "ck:cs") */
	const char *language;	/* state names when the mail's is not the shop's */
	int recent_orders;	/* the sender's orders when the mail names none */
	double vat_rate;	/* percent, added to PrestaShop product prices */
	long delivered[OWI_SHOP_MAX_STATES], canceled[OWI_SHOP_MAX_STATES],
	    refunded[OWI_SHOP_MAX_STATES];
	size_t n_delivered, n_canceled, n_refunded;
	struct owi_http_conf http;
};

/* Sets the defaults of owi-shop(1). */
void owi_shop_conf_init(struct owi_shop_conf *c);

struct owi_shop;

/* Opens the backend (the file backend reads its export).  Returns NULL
 * with d on a configuration error. */
struct owi_shop *owi_shop_open(const struct owi_shop_conf *c,
    const struct owi_config *rules, struct owi_diag *d);
void owi_shop_close(struct owi_shop *s);

/*
 * The "shop" key for env (owned by the caller).  When the shop failed,
 * the key says "failed": true, *code names the failure (owi-shop(1)) and
 * d says why; otherwise *code is NULL.
 */
json_object *owi_shop_lookup(struct owi_shop *s, json_object *env,
    const char **code, struct owi_diag *d);

/* ---- for the backends (shop-*.c) ---------------------------------- */

struct owi_shop_ops {
	const char *name;
	/*
	 * Each appends normalised orders to out (without matched_by and
	 * belongs_to_sender) and returns 0, or -1 after owi_shop_fail.
	 * sender is the mail's From address, lower case, or NULL.
	 */
	int (*by_reference)(struct owi_shop *, const char *ref,
	    const char *sender, json_object *out);
	int (*by_id)(struct owi_shop *, long id, json_object *out);
	int (*by_tracking)(struct owi_shop *, const char *number,
	    const char *sender, json_object *out);
	/* The n most recent orders of the customer with this address. */
	int (*by_email)(struct owi_shop *, const char *email, int n,
	    json_object *out);
	/* The customer with history, or *out NULL when the shop has none. */
	int (*customer)(struct owi_shop *, const char *email, json_object **out);
	/* field: "reference" or "ean13".  Appends normalised products. */
	int (*products)(struct owi_shop *, const char *field, const char *value,
	    json_object *out);
	void (*close)(struct owi_shop *);
};

struct owi_shop {
	const struct owi_shop_ops *ops;
	struct owi_shop_conf conf;
	const struct owi_config *rules;
	struct owi_http *http;		/* NULL for the file backend */
	char langs[8][8];		/* the shop's languages, ISO 639-1 */
	size_t n_langs;
	const char *lang;		/* for this mail */
	const char *fail_code;
	struct owi_diag *fail_diag;
	void *priv;
};

/* Records why a backend call failed; returns -1. */
int owi_shop_fail(struct owi_shop *s, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A field of an API object as the string it is (the APIs send numbers
 * and flags as strings), or NULL when absent or null; o may be NULL. */
const char *owi_shop_str(json_object *o, const char *key);
/* The same field as a number, 0 when absent. */
double owi_shop_num(json_object *o, const char *key);

/* GETs url and parses its JSON into *out (owned); a status other than 200
 * (and 404 when allow_404, *out NULL then) fails with the right code. */
int owi_shop_get_json(struct owi_shop *s, const char *url, int allow_404,
    json_object **out);

/* PrestaShop's default states (the spec's §8): flags by English or French
 * name or id.  Returns the id, or 0. */
struct owi_shop_ps_state {
	int id;
	const char *en, *fr;
	int paid, shipped, logable;
};
const struct owi_shop_ps_state *owi_shop_ps_state(const char *name, int id);

/* A state object: id (a number, or a string when id_str), name, flags;
 * delivered, canceled and refunded from the configured PrestaShop ids
 * when flag is -1. */
json_object *owi_shop_state(const struct owi_shop *s, long id,
    const char *id_str, const char *name, int paid, int shipped, int logable,
    int delivered, int canceled, int refunded);

/* The carrier object; shop_url is the shop's own pattern with '@' for the
 * number, or NULL to use the rules directory's. */
json_object *owi_shop_carrier(const struct owi_shop *s, const char *name,
    const char *tracking, const char *shop_url);

/* A money amount as a JSON number with two decimals. */
json_object *owi_shop_money(double x);
/* "YYYY-MM-DD HH:MM:SS" (or ISO) as "YYYY-MM-DDTHH:MM:SS"; NULL for the
 * zero date or garbage. */
json_object *owi_shop_date(const char *s);

/* Adds orders' totals to a customer object: orders, first_order,
 * last_order, total_spent (validated orders).  summary: [{date, total,
 * validated}]. */
void owi_shop_history(json_object *customer, json_object *summary);

/* The language index wanted for s->lang in a list of ISO codes. */
int owi_shop_lang_index(const struct owi_shop *s);

extern const struct owi_shop_ops owi_shop_file_ops;
extern const struct owi_shop_ops owi_shop_prestashop_ops;
extern const struct owi_shop_ops owi_shop_woocommerce_ops;

int owi_shop_file_open(struct owi_shop *s, struct owi_diag *d);
int owi_shop_prestashop_open(struct owi_shop *s, struct owi_diag *d);
int owi_shop_woocommerce_open(struct owi_shop *s, struct owi_diag *d);

#endif
