/*
 * extract.c - entity extraction: PCRE2 candidates, validated by their
 * check digits (validate.c), dates resolved against the mail's own Date
 * (dates.c), context words from rules.d, and one rule for overlaps: the
 * most specific type claims a span first.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "dates.h"
#include "envelope.h"
#include "extract.h"
#include "validate.h"

const char *const owi_entity_types[] = {
	"order_reference", "order_id", "product_reference", "ean13",
	"tracking_number", "email", "phone", "date", "amount", "iban",
	"customer_name", NULL
};

enum { P_REF9, P_REF333, P_ORDER_ID, P_HASH_ID, P_NUM_ID, P_PRODUCT,
	P_SKU, P_EAN, P_UPS, P_S10, P_COLISSIMO, P_DIGITS, P_DIGITS_SPACED,
	P_EMAIL, P_PHONE_INTL, P_PHONE_FR, P_AMOUNT_AFTER, P_AMOUNT_BEFORE,
	P_IBAN, P_CONTACT_NAME, P_DAY_ALONE, NPAT };

struct owi_extractor {
	const struct owi_config *cfg;
	pcre2_code *re[NPAT];
	pcre2_match_data *md;
};

/* Fields in the order of trust: what the customer writes now first. */
static const char *const fields[] = {
	"message.new_text", "message.subject", "message.signature",
	"message.forwarded_text", "attachments", "message.quoted_text", NULL
};

struct span {
	size_t start, end;
};

struct scan {
	struct owi_extractor *x;
	json_object *out;	/* the entities object */
	const char *field;	/* "new_text", "attachments.0.text", ... */
	const char *text;
	size_t len;
	struct span claimed[512];
	size_t n_claimed;
	struct owi_date_ref ref;
	int have_ref;
};

/* Appends a regex-escaped, case-insensitive alternation of words. */
static void
add_alternation(char *buf, size_t size, const struct owi_strings *w)
{
	size_t n = strlen(buf);

	for (size_t i = 0; i < w->n && n + 8 < size; i++) {
		if (i > 0)
			buf[n++] = '|';
		for (const char *p = w->v[i]; *p != '\0' && n + 4 < size; p++) {
			if (strchr("\\^$.|?*+()[]{}#", *p))
				buf[n++] = '\\';
			if (*p == ' ') {
				memcpy(buf + n, "\\s+", 3);
				n += 3;
				continue;
			}
			buf[n++] = *p;
		}
	}
	buf[n] = '\0';
}

static pcre2_code *
compile(const char *pat, uint32_t flags)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
	    flags | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &err, &off,
	    NULL);

	if (re != NULL)
		(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

struct owi_extractor *
owi_extractor_new(const struct owi_config *cfg)
{
	struct owi_extractor *x = calloc(1, sizeof(*x));
	char order[4096] = "(?<![\\p{L}\\p{N}])(?:";
	char product[4096] = "(?<![\\p{L}\\p{N}])(?:";
	const char *pats[NPAT] = { 0 };
	uint32_t flags[NPAT] = { 0 };

	if (x == NULL)
		return NULL;
	x->cfg = cfg;
	add_alternation(order, sizeof(order), &cfg->ent.order_words);
	strncat(order, ")\\.?\\s*(?:n\\s?[°o]\\.?|num(?:é|e)ro|number|nr\\.?|no\\.?|"
	    "#|de|:|-)?\\s*(?:n\\s?°|#|:)?\\s*#?\\s*(\\d{3,12})(?![\\p{L}\\d,.]\\d)",
	    sizeof(order) - strlen(order) - 1);
	add_alternation(product, sizeof(product), &cfg->ent.product_words);
	strncat(product, ")\\.?\\s*(?:n\\s?°\\.?|:|#|-)?\\s*"
	    "([A-Za-z0-9][A-Za-z0-9._/-]{0,24}[A-Za-z0-9])(?![\\p{L}\\p{N}])",
	    sizeof(product) - strlen(product) - 1);
	pats[P_REF9] = "(?<![\\p{L}\\p{N}@.])([A-Za-z]{9})(?![\\p{L}\\p{N}@])";
	pats[P_REF333] = "(?<![\\p{L}\\p{N}])([A-Za-z]{3})[ -]([A-Za-z]{3})[ -]"
	    "([A-Za-z]{3})(?![\\p{L}\\p{N}])";
	pats[P_ORDER_ID] = order;
	flags[P_ORDER_ID] = PCRE2_CASELESS;
	pats[P_HASH_ID] = "(?<![\\p{L}\\p{N}&])#\\s?(\\d{3,10})(?![\\p{L}\\d])";
	pats[P_NUM_ID] = "(?<![\\p{L}])(?:n\\s?°|no\\.|num(?:é|e)ro|number|nummer|"
	    "número)\\s*:?\\s*#?(\\d{3,12})(?![\\p{L}\\d])";
	flags[P_NUM_ID] = PCRE2_CASELESS;
	/* A SKU's shape: capitals and digits in dashed groups (TSH-BLU-M). */
	pats[P_SKU] = "(?<![\\p{L}\\p{N}-])([A-Z]{2,6}(?:-[A-Z0-9]{1,8}){1,3})"
	    "(?![\\p{L}\\p{N}-])";
	pats[P_DIGITS_SPACED] = "(?<![\\d.,])(\\d{2,5}(?: \\d{2,5}){1,4})(?![\\d]|[.,]\\d)";
	pats[P_PRODUCT] = product;
	flags[P_PRODUCT] = PCRE2_CASELESS;
	pats[P_EAN] = "(?<![\\d.,])(\\d(?:[ -]?\\d){11,12})(?![\\d.,]\\d|\\d)";
	pats[P_UPS] = "(?<![A-Za-z0-9])(1Z(?: ?[0-9A-Za-z]){16})(?![A-Za-z0-9])";
	pats[P_S10] = "(?<![A-Za-z0-9])([A-Za-z]{2}(?: ?\\d){9} ?[A-Za-z]{2})"
	    "(?![A-Za-z0-9])";
	pats[P_COLISSIMO] = "(?<![A-Za-z0-9])(\\d[A-Za-z](?: ?\\d){11})(?![A-Za-z0-9])";
	pats[P_DIGITS] = "(?<![\\d.,])(\\d{8,15})(?![\\d]|[.,]\\d)";
	pats[P_EMAIL] = "(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+"
	    "(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})";
	pats[P_PHONE_INTL] = "(?<![\\d+])((?:\\+|00)\\d{1,3}(?:[ .\\-]?\\(0\\))?"
	    "(?:[ .\\-]?\\d){6,12})(?!\\d)";
	pats[P_PHONE_FR] = "(?<![\\d+])(0[1-9](?:[ .\\-]?\\d{2}){4})(?!\\d)";
	pats[P_AMOUNT_AFTER] = "(?<![\\d.,])(\\d{1,3}(?:[ \\x{a0}\\x{202f}.,]\\d{3})+"
	    "|\\d+)(?:[.,](\\d{1,2}))?\\s?(€|eur(?:os?)?(?![\\p{L}])|e(?![\\p{L}\\d])|"
	    "£|\\$|usd(?![\\p{L}])|gbp(?![\\p{L}])|chf(?![\\p{L}])|francs?\\s+suisses?|"
	    "dollars?(?![\\p{L}])|livres?(?:\\s+sterling)?(?![\\p{L}]))"
	    "(?:\\s?(\\d{2})(?!\\d|[.,]\\d))?";
	flags[P_AMOUNT_AFTER] = PCRE2_CASELESS;
	pats[P_AMOUNT_BEFORE] = "(€|£|\\$|(?<![\\p{L}])(?:EUR|GBP|USD|CHF))\\s?"
	    "(\\d{1,3}(?:[ ,.]\\d{3})+|\\d+)(?:[.,](\\d{1,2}))?(?![\\d])";
	flags[P_AMOUNT_BEFORE] = PCRE2_CASELESS;
	pats[P_IBAN] = "(?<![A-Za-z0-9])([A-Za-z]{2}\\d{2}(?: ?[A-Za-z0-9]){11,30})";
	/* "le 23", "le 1er" with no month: a day of this month or the last. */
	pats[P_DAY_ALONE] = "(?<![\\p{L}\\d])(?:le|du|depuis le|avant le|au|jusqu'au)"
	    "\\s+(1er|[0-3]?\\d)(?!\\d|[/.:,h%€]\\d|\\s*(?:h\\b|€|%|eur|e\\b|ème|eme|"
	    "er\\b|ans?\\b|jours?\\b|mois\\b|semaines?\\b|articles?\\b|fois\\b|"
	    "euros?\\b|x\\b|\\p{L}+\\s+\\d))(?=\\s*(?:$|[.,;:!?)\\n]|et\\b|mais\\b|"
	    "je\\b|j'|il\\b|elle\\b|on\\b|nous\\b|vous\\b|toujours\\b|rien\\b|et\\b|"
	    "alors\\b|puis\\b|dernier\\b|prochain\\b|selon\\b|d'apr))";
	flags[P_DAY_ALONE] = PCRE2_CASELESS | PCRE2_MULTILINE;
	pats[P_CONTACT_NAME] = "(?m)^\\s*(?:nom|name|votre nom|your name|nom complet|"
	    "full name)\\s*:\\s*(\\p{L}[\\p{L}'\\- ]{1,60}?)\\s*$";
	flags[P_CONTACT_NAME] = PCRE2_CASELESS;
	for (int i = 0; i < NPAT; i++)
		if ((x->re[i] = compile(pats[i], flags[i])) == NULL) {
			owi_extractor_free(x);
			return NULL;
		}
	x->md = pcre2_match_data_create(20, NULL);
	return x;
}

void
owi_extractor_free(struct owi_extractor *x)
{
	if (x == NULL)
		return;
	for (int i = 0; i < NPAT; i++)
		if (x->re[i] != NULL)
			pcre2_code_free(x->re[i]);
	if (x->md != NULL)
		pcre2_match_data_free(x->md);
	free(x);
}

/* ---- spans: the most specific type claims its text first ---- */

static int
is_claimed(const struct scan *s, size_t start, size_t end)
{
	for (size_t i = 0; i < s->n_claimed; i++)
		if (start < s->claimed[i].end && s->claimed[i].start < end)
			return 1;
	return 0;
}

static void
claim(struct scan *s, size_t start, size_t end)
{
	if (s->n_claimed < sizeof(s->claimed) / sizeof(s->claimed[0])) {
		s->claimed[s->n_claimed].start = start;
		s->claimed[s->n_claimed].end = end;
		s->n_claimed++;
	}
}

/* ---- output ---- */

static json_object *
list_of(struct scan *s, const char *type)
{
	json_object *l;

	json_object_object_get_ex(s->out, type, &l);
	return l;
}

/* The entry of type whose normalised key equals key, or NULL. */
static int
seen(json_object *list, const char *key)
{
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *e = json_object_array_get_idx(list, i), *k;

		if (json_object_object_get_ex(e, "key", &k) &&
		    strcmp(json_object_get_string(k), key) == 0)
			return 1;
	}
	return 0;
}

/*
 * Adds a value unless the same one is already there (the first field to
 * see it wins: they are scanned in order of trust).  extra_k/extra_v: one
 * more key (carrier, about, currency), or NULL.
 */
static json_object *
emit(struct scan *s, const char *type, const char *value, size_t start,
    size_t end, double confidence, const char *extra_k, const char *extra_v)
{
	json_object *list = list_of(s, type), *e;
	char key[512], *raw;

	snprintf(key, sizeof(key), "%s|%s", value, extra_v ? extra_v : "");
	claim(s, start, end);
	if (seen(list, key))
		return NULL;
	e = json_object_new_object();
	owi_json_add_string(e, "value", value);
	if (extra_k != NULL)
		owi_json_add_string(e, extra_k, extra_v);
	raw = strndup(s->text + start, end - start);
	owi_json_add_string(e, "raw", raw);
	free(raw);
	owi_json_add_string(e, "from", s->field);
	json_object_object_add(e, "start", json_object_new_int64((int64_t)start));
	json_object_object_add(e, "end", json_object_new_int64((int64_t)end));
	json_object_object_add(e, "confidence",
	    json_object_new_double((double)(int)(confidence * 100 + 0.5) / 100));
	json_object_object_add(e, "key", json_object_new_string(key));
	json_object_array_add(list, e);
	return e;
}

/* ---- matching ---- */

typedef void (*match_fn)(struct scan *s, PCRE2_SIZE *ov, int n);

static void
each_match(struct scan *s, int pat, match_fn fn)
{
	pcre2_code *re = s->x->re[pat];
	PCRE2_SIZE off = 0;
	int rc;

	while (off <= s->len && (rc = pcre2_match(re, (PCRE2_SPTR)s->text,
	    s->len, off, 0, s->x->md, NULL)) > 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->x->md);
		PCRE2_SIZE next = ov[1] > ov[0] ? ov[1] : ov[0] + 1;

		fn(s, ov, rc);
		off = next;
	}
}

/* Copies group g without spaces, dashes and dots, upper-cased. */
static size_t
compact(const char *text, PCRE2_SIZE *ov, int g, char *out, size_t size,
    int upper)
{
	size_t n = 0;

	for (PCRE2_SIZE i = ov[2 * g]; i < ov[2 * g + 1] && n + 1 < size; i++) {
		char c = text[i];

		if (c == ' ' || c == '-' || c == '.' || c == '\t')
			continue;
		out[n++] = upper ? (char)toupper((unsigned char)c) : c;
	}
	out[n] = '\0';
	return n;
}

/* Lower-case ASCII copy of the bytes before pos (at most n), accents kept. */
static void
before(const struct scan *s, size_t pos, size_t n, char *out, size_t size)
{
	size_t from = pos > n ? pos - n : 0, k = 0;

	for (size_t i = from; i < pos && k + 1 < size; i++)
		out[k++] = (char)tolower((unsigned char)s->text[i]);
	out[k] = '\0';
}

static int
has_word(const char *hay, const struct owi_strings *w)
{
	for (size_t i = 0; i < w->n; i++) {
		char low[128];
		size_t k;

		for (k = 0; w->v[i][k] != '\0' && k + 1 < sizeof(low); k++)
			low[k] = (char)tolower((unsigned char)w->v[i][k]);
		low[k] = '\0';
		if (strstr(hay, low) != NULL)
			return 1;
	}
	return 0;
}

/* The carrier named nearest to [start, end), within 80 bytes, or NULL. */
static const char *
carrier_near(const struct scan *s, size_t start, size_t end)
{
	const struct owi_config *c = s->x->cfg;
	size_t from = start > 80 ? start - 80 : 0;
	size_t to = end + 80 < s->len ? end + 80 : s->len;
	char win[200];
	size_t k = 0, best_dist = (size_t)-1;
	const char *best = NULL;

	for (size_t i = from; i < to && k + 1 < sizeof(win); i++)
		win[k++] = (char)tolower((unsigned char)s->text[i]);
	win[k] = '\0';
	for (size_t i = 0; i < c->n_carriers; i++)
		for (size_t j = 0; j < c->carriers[i].words.n; j++) {
			const char *w = c->carriers[i].words.v[j];
			size_t wl = strlen(w);

			for (const char *p = strstr(win, w); p != NULL;
			    p = strstr(p + 1, w)) {
				size_t at = from + (size_t)(p - win), dist;

				/* A whole word: "ups" in "groups" is not UPS. */
				if ((p > win && isalpha((unsigned char)p[-1])) ||
				    isalpha((unsigned char)p[wl]))
					continue;
				dist = at + wl <= start ? start - (at + wl) :
				    at >= end ? at - end : 0;
				if (dist < best_dist) {
					best_dist = dist;
					best = c->carriers[i].id;
				}
			}
		}
	return best;
}

/* validate.c's carrier names ("mondialrelay") as rules.d's ids. */
static const char *
carrier_id(const struct scan *s, const char *name)
{
	const struct owi_config *c = s->x->cfg;

	for (size_t i = 0; i < c->n_carriers; i++) {
		const char *a = c->carriers[i].id, *b = name;

		while (*a != '\0' && *b != '\0') {
			if (*a == '_') {
				a++;
				continue;
			}
			if (*a != *b)
				break;
			a++, b++;
		}
		if (*a == '\0' && *b == '\0')
			return c->carriers[i].id;
	}
	return name;
}

static void
on_iban(struct scan *s, PCRE2_SIZE *ov, int n)
{
	char buf[64];
	size_t len;

	(void)n;
	len = compact(s->text, ov, 1, buf, sizeof(buf), 1);
	/* Greedy: the longest prefix that is a valid IBAN. */
	for (size_t l = len; l >= 15; l--) {
		char out[64];

		if (owi_valid_iban(buf, l, out, sizeof(out))) {
			/* Map the prefix back onto the text for the span. */
			size_t end = ov[2], k = 0;

			while (end < ov[3] && k < l) {
				char c = s->text[end++];

				if (c != ' ' && c != '-' && c != '.')
					k++;
			}
			if (!is_claimed(s, ov[2], end))
				emit(s, "iban", out, ov[2], end, 0.97, NULL, NULL);
			return;
		}
	}
}

static void
on_tracking(struct scan *s, PCRE2_SIZE *ov, int n)
{
	char buf[64], out[64];
	const char *carrier, *hint;

	(void)n;
	if (is_claimed(s, ov[2], ov[3]))
		return;
	compact(s->text, ov, 1, buf, sizeof(buf), 1);
	hint = carrier_near(s, ov[2], ov[3]);
	if (strncmp(buf, "1Z", 2) == 0 && owi_valid_ups(buf, strlen(buf), out,
	    sizeof(out)) == 0)
		return;
	if ((carrier = owi_tracking_carrier(buf, hint)) == NULL)
		return;
	emit(s, "tracking_number", buf, ov[2], ov[3],
	    hint != NULL ? 0.95 : 0.85, "carrier", carrier_id(s, carrier));
}

static void
on_digits(struct scan *s, PCRE2_SIZE *ov, int n)
{
	char buf[32];
	const char *hint, *carrier;

	(void)n;
	if (is_claimed(s, ov[2], ov[3]))
		return;
	/* A bare number is a tracking number only when a carrier is named. */
	if ((hint = carrier_near(s, ov[2], ov[3])) == NULL)
		return;
	if (compact(s->text, ov, 1, buf, sizeof(buf), 1) < 8)
		return;
	if ((carrier = owi_tracking_carrier(buf, hint)) != NULL)
		emit(s, "tracking_number", buf, ov[2], ov[3], 0.75, "carrier",
		    carrier_id(s, carrier));
}

static void
on_ean(struct scan *s, PCRE2_SIZE *ov, int n)
{
	char buf[32], out[32], ctx[64];
	size_t len;
	int context;

	(void)n;
	if (is_claimed(s, ov[2], ov[3]))
		return;
	len = compact(s->text, ov, 1, buf, sizeof(buf), 0);
	before(s, ov[2], 40, ctx, sizeof(ctx));
	context = strstr(ctx, "ean") || strstr(ctx, "gtin") ||
	    strstr(ctx, "upc") || strstr(ctx, "code-barre") ||
	    strstr(ctx, "code barre") || strstr(ctx, "barcode") ||
	    strstr(ctx, "code ean");
	/* A 12-digit UPC only where the text says it is a barcode. */
	if ((len == 13 || context) && owi_valid_ean13(buf, len, out, sizeof(out)))
		emit(s, "ean13", out, ov[2], ov[3], context ? 0.95 : 0.7, NULL,
		    NULL);
}

static void
on_email(struct scan *s, PCRE2_SIZE *ov, int n)
{
	char buf[256];
	size_t k = 0;

	(void)n;
	if (is_claimed(s, ov[2], ov[3]))
		return;
	for (PCRE2_SIZE i = ov[2]; i < ov[3] && k + 1 < sizeof(buf); i++)
		buf[k++] = (char)tolower((unsigned char)s->text[i]);
	buf[k] = '\0';
	emit(s, "email", buf, ov[2], ov[3], 0.97, NULL, NULL);
}

static void
on_phone(struct scan *s, PCRE2_SIZE *ov, int n)
{
	char out[32];

	(void)n;
	if (is_claimed(s, ov[2], ov[3]))
		return;
	if (owi_phone_e164(s->text + ov[2], ov[3] - ov[2], out, sizeof(out)))
		emit(s, "phone", out, ov[2], ov[3], 0.9, NULL, NULL);
}

static void
strip_zeros(const char *in, char *out, size_t size)
{
	while (*in == '0' && in[1] != '\0')
		in++;
	snprintf(out, size, "%s", in);
}

static void
on_order_id(struct scan *s, PCRE2_SIZE *ov, int n)
{
	char buf[32], out[32];

	(void)n;
	if (is_claimed(s, ov[2], ov[3]))
		return;
	compact(s->text, ov, 1, buf, sizeof(buf), 0);
	strip_zeros(buf, out, sizeof(out));
	/* "commande de 2 articles", a year: too short or a date. */
	emit(s, "order_id", out, ov[2], ov[3], 0.9, NULL, NULL);
}

static void
on_hash_id(struct scan *s, PCRE2_SIZE *ov, int n)
{
	char buf[32], out[32];

	(void)n;
	if (is_claimed(s, ov[2], ov[3]))
		return;
	compact(s->text, ov, 1, buf, sizeof(buf), 0);
	strip_zeros(buf, out, sizeof(out));
	emit(s, "order_id", out, ov[0], ov[3], 0.75, NULL, NULL);
}

/* "n° 0645123398": an order number where an order is named just before. */
static void
on_num_id(struct scan *s, PCRE2_SIZE *ov, int n)
{
	char buf[32], out[32], ctx[96];

	(void)n;
	if (is_claimed(s, ov[2], ov[3]))
		return;
	before(s, ov[0], 64, ctx, sizeof(ctx));
	if (!has_word(ctx, &s->x->cfg->ent.order_words))
		return;
	compact(s->text, ov, 1, buf, sizeof(buf), 0);
	strip_zeros(buf, out, sizeof(out));
	emit(s, "order_id", out, ov[2], ov[3], 0.8, NULL, NULL);
}

static const char *
currency_of(const char *text, size_t len)
{
	char low[32];
	size_t k;

	for (k = 0; k < len && k + 1 < sizeof(low); k++)
		low[k] = (char)tolower((unsigned char)text[k]);
	low[k] = '\0';
	if (strstr(low, "€") || strncmp(low, "eur", 3) == 0 ||
	    strcmp(low, "e") == 0)
		return "EUR";
	if (strstr(low, "£") || strncmp(low, "gbp", 3) == 0 ||
	    strncmp(low, "livre", 5) == 0)
		return "GBP";
	if (strchr(low, '$') || strncmp(low, "usd", 3) == 0 ||
	    strncmp(low, "dollar", 6) == 0)
		return "USD";
	if (strncmp(low, "chf", 3) == 0 || strncmp(low, "franc", 5) == 0)
		return "CHF";
	return NULL;
}

/* "1 249", "1.249", "1,249": the integer part without its separators. */
static void
amount_value(const char *text, PCRE2_SIZE *ov, int gi, int gd, int gd2,
    char *out, size_t size)
{
	long long whole = 0;
	int cents = 0;

	for (PCRE2_SIZE i = ov[2 * gi]; i < ov[2 * gi + 1]; i++)
		if (isdigit((unsigned char)text[i]))
			whole = whole * 10 + (text[i] - '0');
	if (ov[2 * gd] != PCRE2_UNSET) {
		cents = text[ov[2 * gd]] - '0';
		cents = ov[2 * gd + 1] - ov[2 * gd] == 2 ?
		    cents * 10 + (text[ov[2 * gd] + 1] - '0') : cents * 10;
	} else if (gd2 > 0 && ov[2 * gd2] != PCRE2_UNSET)
		cents = (text[ov[2 * gd2]] - '0') * 10 + (text[ov[2 * gd2] + 1] - '0');
	snprintf(out, size, "%lld.%02d", whole, cents);
}

static void
on_amount_after(struct scan *s, PCRE2_SIZE *ov, int n)
{
	char val[32];
	const char *cur;

	if (is_claimed(s, ov[0], ov[1]) || n < 4)
		return;
	cur = currency_of(s->text + ov[6], ov[7] - ov[6]);
	/* "15 e" is no amount: the bare e sticks to its number. */
	if (cur == NULL || (strcmp(cur, "EUR") == 0 && ov[7] - ov[6] == 1 &&
	    (s->text[ov[6]] == 'e' || s->text[ov[6]] == 'E') &&
	    ov[6] > ov[3] && ov[6] != (ov[5] != PCRE2_UNSET ? ov[5] : ov[3])))
		return;
	amount_value(s->text, ov, 1, 2, n > 4 ? 4 : 0, val, sizeof(val));
	emit(s, "amount", val, ov[0], ov[1], 0.9, "currency", cur);
}

static void
on_amount_before(struct scan *s, PCRE2_SIZE *ov, int n)
{
	char val[32];
	const char *cur;

	(void)n;
	if (is_claimed(s, ov[0], ov[1]))
		return;
	if ((cur = currency_of(s->text + ov[2], ov[3] - ov[2])) == NULL)
		return;
	amount_value(s->text, ov, 2, 3, 0, val, sizeof(val));
	emit(s, "amount", val, ov[0], ov[1], 0.9, "currency", cur);
}

/*
 * How word-like nine letters are: how many of their 8 letter pairs are
 * frequent in French or English.  Words score 5 and more; PrestaShop's
 * random references 3 or less (KHWLILZLL: 2, RTYUIOPAS: 3).
 */
static int
word_likeness(const char *w)
{
	static const char common[] =
	    " TH HE IN ER AN RE ON AT EN ND TI ES OR TE OF ED IS IT AL AR ST TO"
	    " NT NG SE HA AS OU IO LE VE CO ME DE HI RI RO IC NE EA RA CE LI CH"
	    " LL BE MA SI OM UR EL ET LA AI QU UE EM IE PA NS MM IL SS GE UN RS"
	    " NI DI TR EC US OT AV AM NC IR EU EI TA PR SO PE NA MO MI CT RT LO"
	    " AU IS OI VI CA ER AC AD AP IG GH HT FF FI RD GR SU OL ";
	int n = 0;

	for (int i = 0; i + 1 < 9 && w[i + 1] != '\0'; i++) {
		char pair[5] = { ' ', w[i], w[i + 1], ' ', '\0' };

		n += strstr(common, pair) != NULL;
	}
	return n;
}

/* An order word (or "réf", "n°") within n bytes before pos. */
static int
order_context(const struct scan *s, size_t pos, size_t n, int with_ref)
{
	char ctx[96];

	before(s, pos, n, ctx, sizeof(ctx));
	return has_word(ctx, &s->x->cfg->ent.order_words) || (with_ref &&
	    (strstr(ctx, "ref") || strstr(ctx, "réf") || strstr(ctx, "n°")));
}

/* An order word ends right before pos ("commande vbq rts mlw"). */
static int
order_word_before(const struct scan *s, size_t pos)
{
	const struct owi_strings *w = &s->x->cfg->ent.order_words;
	size_t end = pos;

	while (end > 0 && strchr(" \t:#°", s->text[end - 1]))
		end--;
	for (size_t i = 0; i < w->n; i++) {
		size_t n = strlen(w->v[i]);

		if (n <= end && strncasecmp(s->text + end - n, w->v[i], n) == 0 &&
		    (end == n || !isalpha((unsigned char)s->text[end - n - 1])))
			return 1;
	}
	return 0;
}

static int
product_context(const struct scan *s, size_t pos, size_t n)
{
	char ctx[96];

	before(s, pos, n, ctx, sizeof(ctx));
	return has_word(ctx, &s->x->cfg->ent.product_words);
}

/* The words around pos are capitals too: a shouted sentence, not a ref. */
static int
in_shouting(const struct scan *s, size_t start, size_t end)
{
	int caps_words = 0;
	size_t i = end;

	for (int side = 0; side < 2; side++) {
		size_t letters = 0, upper = 0;

		if (side == 0) {
			i = start;
			while (i > 0 && s->text[i - 1] == ' ')
				i--;
			while (i > 0 && isalpha((unsigned char)s->text[i - 1]))
				i--, letters++, upper +=
				    isupper((unsigned char)s->text[i]) != 0;
		} else {
			i = end;
			while (i < s->len && s->text[i] == ' ')
				i++;
			while (i < s->len && isalpha((unsigned char)s->text[i]))
				letters++, upper += isupper((unsigned char)s->text[i]) != 0,
				    i++;
		}
		caps_words += letters >= 2 && upper == letters;
	}
	return caps_words > 0;
}

/*
 * A nine-letter candidate.  Capitals that do not look like a word are a
 * reference; a word needs an order word just before it; lower case too;
 * a Capitalised word never is one; capitals among capitals (a shouted
 * sentence) only with an order word.
 */
static void
add_reference(struct scan *s, const char *ref, size_t start, size_t end,
    int upper, int lower, int grouped)
{
	const struct owi_entity_conf *e = &s->x->cfg->ent;
	int strong = order_context(s, start, grouped ? 32 : 24, !grouped);
	int wordy = word_likeness(ref) >= 5;
	double conf;

	if (owi_strings_has(&e->not_references, ref))
		return;
	if (grouped) {
		/* "réf BAG-CNV-RED" is a product; "commande QWE-RTY-UIO" an order. */
		if (!strong && (!upper || product_context(s, start, 24)))
			return;
		conf = strong ? 0.9 : 0.6;
	} else if (upper) {
		if (wordy && !strong)
			return;
		conf = strong ? 0.95 : in_shouting(s, start, end) ? 0.3 : 0.8;
	} else if (lower) {
		if (!strong || wordy)
			return;
		conf = 0.75;
	} else
		return;
	if (conf >= 0.5)
		emit(s, "order_reference", ref, start, end, conf, NULL, NULL);
}

static void
on_ref9(struct scan *s, PCRE2_SIZE *ov, int n)
{
	char ref[16];
	int upper = 1, lower = 1;

	(void)n;
	if (is_claimed(s, ov[2], ov[3]))
		return;
	/* Part of a longer code ("GIFTCARDS-2025"): not a reference. */
	if ((ov[2] > 0 && s->text[ov[2] - 1] == '-') ||
	    (ov[3] < s->len && s->text[ov[3]] == '-'))
		return;
	for (int i = 0; i < 9; i++) {
		char c = s->text[ov[2] + (size_t)i];

		upper &= isupper((unsigned char)c) != 0;
		lower &= islower((unsigned char)c) != 0;
		ref[i] = (char)toupper((unsigned char)c);
	}
	ref[9] = '\0';
	add_reference(s, ref, ov[2], ov[3], upper, lower, 0);
}

static void
on_ref333(struct scan *s, PCRE2_SIZE *ov, int n)
{
	char ref[16];
	int upper = 1, lower = 1, k = 0;

	(void)n;
	if (is_claimed(s, ov[2], ov[7]))
		return;
	/* One separator throughout: "but the mug" has spaces, so do refs... */
	if (s->text[ov[3]] != s->text[ov[5]])
		return;
	for (int g = 1; g <= 3; g++)
		for (PCRE2_SIZE i = ov[2 * g]; i < ov[2 * g + 1]; i++) {
			upper &= isupper((unsigned char)s->text[i]) != 0;
			lower &= islower((unsigned char)s->text[i]) != 0;
			ref[k++] = (char)toupper((unsigned char)s->text[i]);
		}
	ref[k] = '\0';
	/* ...but three lower-case words need an order word right before. */
	if (lower && s->text[ov[3]] == ' ' && !order_word_before(s, ov[2]))
		return;
	add_reference(s, ref, ov[2], ov[7], upper, lower, 1);
}

static void
on_product(struct scan *s, PCRE2_SIZE *ov, int n)
{
	char buf[64];
	size_t k = 0;
	int digit = 0, dash = 0, letters = 0;

	(void)n;
	if (is_claimed(s, ov[2], ov[3]))
		return;
	for (PCRE2_SIZE i = ov[2]; i < ov[3] && k + 1 < sizeof(buf); i++) {
		char c = s->text[i];

		digit |= isdigit((unsigned char)c) != 0;
		dash |= c == '-' || c == '_' || c == '/' || c == '.';
		letters += isalpha((unsigned char)c) != 0;
		buf[k++] = (char)toupper((unsigned char)c);
	}
	buf[k] = '\0';
	/* A word ("réf commande") is no SKU; a SKU has a digit or a dash. */
	if (!digit && !dash)
		return;
	/* Nine letters in groups near an order word: an order reference. */
	if (!digit && letters == 9 && order_context(s, ov[2], 32, 0))
		return;
	if (!digit && letters == (int)k)
		return;
	emit(s, "product_reference", buf, ov[2], ov[3], 0.85, NULL, NULL);
}

/*
 * A SKU without a context word: dashed groups of capitals and digits,
 * with a digit or three groups ("LAM-0087", "TSH-BLU-M"), not three
 * groups of three letters (an order reference written in groups).
 */
static void
on_sku(struct scan *s, PCRE2_SIZE *ov, int n)
{
	char buf[64];
	size_t k = 0, groups = 1;
	int digit = 0;

	(void)n;
	if (is_claimed(s, ov[2], ov[3]) || ov[3] - ov[2] < 6)
		return;
	for (PCRE2_SIZE i = ov[2]; i < ov[3] && k + 1 < sizeof(buf); i++) {
		digit |= isdigit((unsigned char)s->text[i]) != 0;
		groups += s->text[i] == '-';
		buf[k++] = s->text[i];
	}
	buf[k] = '\0';
	if (!digit && groups < 3)
		return;
	/* QWE-RTY-UIO after "commande": an order reference, not a SKU. */
	if (!digit && k == 11 && buf[3] == '-' && buf[7] == '-' &&
	    order_context(s, ov[2], 32, 0))
		return;
	emit(s, "product_reference", buf, ov[2], ov[3], 0.7, NULL, NULL);
}

static void
shop_products(struct scan *s)
{
	const struct owi_entity_conf *e = &s->x->cfg->ent;

	for (size_t p = 0; p < e->product_patterns.n; p++) {
		pcre2_code *re = e->product_compiled[p];
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(re,
		    NULL);
		PCRE2_SIZE off = 0;

		while (md != NULL && off <= s->len && pcre2_match(re,
		    (PCRE2_SPTR)s->text, s->len, off, 0, md, NULL) > 0) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			char buf[64];
			size_t k = 0;

			for (PCRE2_SIZE i = ov[0]; i < ov[1] && k + 1 < sizeof(buf);
			    i++)
				buf[k++] = (char)toupper((unsigned char)s->text[i]);
			buf[k] = '\0';
			if (!is_claimed(s, ov[0], ov[1]))
				emit(s, "product_reference", buf, ov[0], ov[1], 0.9,
				    NULL, NULL);
			off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		}
		if (md != NULL)
			pcre2_match_data_free(md);
	}
}

/* The weekday a date expression starts with ("vendredi 10 janvier"). */
static int
named_weekday(const char *p, size_t n)
{
	static const char *const names[][7] = {
		{ "dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi",
		    "samedi" },
		{ "sunday", "monday", "tuesday", "wednesday", "thursday",
		    "friday", "saturday" },
	};

	for (int l = 0; l < 2; l++)
		for (int w = 0; w < 7; w++) {
			size_t k = strlen(names[l][w]);

			if (n > k && strncasecmp(p, names[l][w], k) == 0)
				return w;
		}
	return -1;
}

/* A year written in the expression: then the customer's word stands. */
static int
has_year(const char *p, size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		run = isdigit((unsigned char)p[i]) ? run + 1 : 0;
		if (run == 4)
			return 1;
	}
	return 0;
}

static void
find_dates(struct scan *s)
{
	struct owi_date_hit hits[64];
	size_t n;

	if (!s->have_ref)
		return;
	n = owi_find_dates(s->text, s->len, &s->ref, hits, 64);
	for (size_t i = 0; i < n; i++) {
		char v[16];

		if (is_claimed(s, hits[i].start, hits[i].end))
			continue;
		/*
		 * "vendredi 10 janvier" without a year: the weekday says which
		 * year, when the one chosen from the tense disagrees with it.
		 */
		int wd = named_weekday(s->text + hits[i].start,
		    hits[i].end - hits[i].start);

		if (wd >= 0 && !has_year(s->text + hits[i].start,
		    hits[i].end - hits[i].start) && owi_weekday(hits[i].year,
		    hits[i].month, hits[i].day) != wd) {
			for (int dy = 1; dy >= -1; dy -= 2)
				if (owi_weekday(hits[i].year + dy, hits[i].month,
				    hits[i].day) == wd) {
					hits[i].year += dy;
					break;
				}
		}
		snprintf(v, sizeof(v), "%04d-%02d-%02d", hits[i].year,
		    hits[i].month, hits[i].day);
		emit(s, "date", v, hits[i].start, hits[i].end,
		    hits[i].relative ? 0.8 : 0.9, "about", hits[i].about);
	}
}

/* What a bare day is about, from the words just before it. */
static const char *
day_about(const struct scan *s, size_t pos)
{
	static const struct {
		const char *word, *about;
	} cues[] = {
		{ "command", "ordered" }, { "pay", "ordered" }, { "réglé", "ordered" },
		{ "livr", "delivered" }, { "reçu", "delivered" }, { "recu", "delivered" },
		{ "expédi", "shipped" }, { "envoy", "shipped" }, { "renvoy", "shipped" },
		{ "prévu", "expected" }, { "annonc", "expected" }, { "attendu", "expected" },
		{ "avant le", "expected" }, { "jusqu", "expected" },
	};
	char ctx[96];
	const char *best = "other";
	size_t best_at = 0;

	before(s, pos, 48, ctx, sizeof(ctx));
	for (size_t i = 0; i < sizeof(cues) / sizeof(cues[0]); i++) {
		const char *p = strstr(ctx, cues[i].word);

		/* The cue nearest to the day, i.e. the last in the window. */
		for (; p != NULL; p = strstr(p + 1, cues[i].word))
			if ((size_t)(p - ctx) + 1 > best_at) {
				best_at = (size_t)(p - ctx) + 1;
				best = cues[i].about;
			}
	}
	return best;
}

/* "le 23": the 23rd of the mail's month if not after its day, else of the
 * month before (when it is expected: the nearest 23rd). */
static void
on_day_alone(struct scan *s, PCRE2_SIZE *ov, int n)
{
	int day = atoi(s->text + ov[2]), y = s->ref.year, m = s->ref.month;
	const char *about;
	char v[16];

	(void)n;
	if (!s->have_ref || is_claimed(s, ov[2], ov[3]) || day < 1 || day > 31)
		return;
	about = day_about(s, ov[0]);
	if (strcmp(about, "expected") == 0) {
		/* Expected, maybe already missed: the nearest such day. */
		if (day - s->ref.day > 15 && --m < 1)
			m = 12, y--;
		else if (s->ref.day - day > 15 && ++m > 12)
			m = 1, y++;
	} else if (day > s->ref.day && --m < 1)
		m = 12, y--;
	if (day > owi_days_in_month(y, m))
		return;
	snprintf(v, sizeof(v), "%04d-%02d-%02d", y, m, day);
	emit(s, "date", v, ov[2], ov[3], 0.6, "about", about);
}

static void
scan_field(struct scan *s)
{
	s->n_claimed = 0;
	/* Most specific first: each claims its text from the others. */
	each_match(s, P_EMAIL, on_email);
	each_match(s, P_IBAN, on_iban);
	each_match(s, P_UPS, on_tracking);
	each_match(s, P_S10, on_tracking);
	each_match(s, P_COLISSIMO, on_tracking);
	each_match(s, P_ORDER_ID, on_order_id);
	each_match(s, P_HASH_ID, on_hash_id);
	each_match(s, P_NUM_ID, on_num_id);
	each_match(s, P_DIGITS, on_digits);
	each_match(s, P_DIGITS_SPACED, on_digits);
	each_match(s, P_EAN, on_ean);
	each_match(s, P_PHONE_INTL, on_phone);
	each_match(s, P_PHONE_FR, on_phone);
	each_match(s, P_AMOUNT_BEFORE, on_amount_before);
	each_match(s, P_AMOUNT_AFTER, on_amount_after);
	find_dates(s);
	each_match(s, P_DAY_ALONE, on_day_alone);
	shop_products(s);
	each_match(s, P_PRODUCT, on_product);
	each_match(s, P_SKU, on_sku);
	each_match(s, P_REF333, on_ref333);
	each_match(s, P_REF9, on_ref9);
}

/* ---- the customer's name ---- */

static int
is_name_word(const char *w, size_t n)
{
	int letters = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];

		if (c >= 0x80 || isalpha(c))
			letters++;
		else if (c != '-' && c != '\'' && c != '.')
			return 0;
	}
	return letters >= 1;
}

/* "JEAN DUPONT", "jean dupont" -> "Jean Dupont"; "Smith, John" too. */
static int
name_form(const char *in, char *out, size_t size)
{
	char tmp[128];
	const char *comma = strchr(in, ',');
	size_t k = 0, words = 0;
	int all_upper = 1, all_lower = 1, start = 1;

	if (comma != NULL && strchr(comma + 1, ',') == NULL)
		snprintf(tmp, sizeof(tmp), "%s %.*s", comma + 1 +
		    strspn(comma + 1, " "), (int)(comma - in), in);
	else
		snprintf(tmp, sizeof(tmp), "%s", in);
	for (const char *p = tmp; *p != '\0'; ) {
		size_t n;

		while (*p == ' ' || *p == '"' || *p == '\t')
			p++;
		n = strcspn(p, " \t\"");
		if (n == 0)
			break;
		if (!is_name_word(p, n) || words >= 4)
			return 0;
		for (size_t i = 0; i < n; i++) {
			all_upper &= !islower((unsigned char)p[i]);
			all_lower &= !isupper((unsigned char)p[i]);
		}
		if (k > 0 && k + 1 < size)
			out[k++] = ' ';
		for (size_t i = 0; i < n && k + 1 < size; i++)
			out[k++] = p[i];
		words++;
		p += n;
	}
	out[k] = '\0';
	if (words == 0)
		return 0;
	/* Case as people write names, when it was all one case. */
	if (all_upper || all_lower)
		for (char *p = out; *p != '\0'; p++) {
			unsigned char c = (unsigned char)*p;

			if (c < 0x80)
				*p = (char)(start ? toupper(c) : tolower(c));
			start = c == ' ' || c == '-' || c == '\'';
		}
	return (int)words;
}

/* Whether s, in lower case (ASCII), holds one of words. */
static int
contains_any(const char *s, const char *const *words)
{
	char low[128];
	size_t k;

	for (k = 0; s[k] != '\0' && k + 1 < sizeof(low); k++)
		low[k] = (char)tolower((unsigned char)s[k]);
	low[k] = '\0';
	for (int i = 0; words[i] != NULL; i++)
		if (strstr(low, words[i]) != NULL)
			return 1;
	return 0;
}

static int
is_shop_name(const char *name)
{
	static const char *const words[] = {
		"service", "support", "contact", "team", "équipe", "equipe",
		"boutique", "shop", "store", "noreply", "no-reply", "info",
		"orders", "commandes", "sarl", "sas", "ltd", "inc", "gmbh",
		"mail", "admin", "client", "customer", "ventes", "sales",
		"notification", "newsletter", "form", "formulaire", NULL
	};
	return contains_any(name, words);
}

/* "Colissimo", "UPS France": a carrier writes, not a customer. */
static int
is_carrier_name(const struct owi_extractor *x, const char *name)
{
	for (size_t i = 0; i < x->cfg->n_carriers; i++) {
		const struct owi_carrier *c = &x->cfg->carriers[i];

		if (c->name != NULL && strcasestr(name, c->name) != NULL)
			return 1;
		for (size_t j = 0; j < c->words.n; j++)
			if (strcasestr(name, c->words.v[j]) != NULL &&
			    strlen(c->words.v[j]) >= 3)
				return 1;
	}
	return 0;
}

/* A closing or device line of a signature, not a name. */
static int
is_closing(const char *line)
{
	static const char *const words[] = {
		"cordialement", "salutations", "regards", "merci", "thanks",
		"thank", "bien à vous", "bien a vous", "envoy", "sent from",
		"best", "cheers", "bonne", "grüß", "gruss", "saludos", "saluti",
		"--", "sincèrement", "sincerely", "yours", "bonjour", "bonsoir",
		"hello", "madame", "monsieur", "salut", "coucou", "dear",
		"hola", "hallo", "ciao", "buongiorno", NULL
	};
	return contains_any(line, words);
}

/* The first line of text that looks like a person's name. */
static int
name_in_lines(const char *text, char *out, size_t size, size_t *start,
    size_t *end, int last_only)
{
	const char *p = text, *best = NULL;
	size_t best_len = 0;

	while (p != NULL && *p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		char line[128], form[128];

		if (n > 0 && n < 48) {
			snprintf(line, sizeof(line), "%.*s", (int)n, p);
			if (!is_closing(line) && !is_shop_name(line) &&
			    name_form(line, form, sizeof(form)) > 0 &&
			    (isupper((unsigned char)line[0]) ||
			    (unsigned char)line[0] >= 0x80)) {
				best = p;
				best_len = n;
				if (!last_only)
					break;
			} else if (last_only)
				best = NULL;
		} else if (last_only && n > 0)
			best = NULL;
		p = nl != NULL ? nl + 1 : NULL;
	}
	if (best == NULL)
		return 0;
	snprintf(out, size, "%.*s", (int)best_len, best);
	name_form(out, out, size);
	*start = (size_t)(best - text);
	*end = *start + best_len;
	return 1;
}

static int
shares_word(const char *a, const char *b)
{
	char x[128];

	snprintf(x, sizeof(x), "%s", a);
	for (char *w = strtok(x, " "); w != NULL; w = strtok(NULL, " "))
		if (strlen(w) >= 2 && strcasestr(b, w) != NULL)
			return 1;
	return 0;
}

static void
customer_name(struct owi_extractor *x, json_object *env, json_object *out)
{
	const char *from = owi_envelope_get_string(env, "message.from.name");
	const char *sig = owi_envelope_get_string(env, "message.signature");
	const char *new_text = owi_envelope_get_string(env, "message.new_text");
	char fname[128] = "", sname[128] = "", buf[128];
	const char *sfield = "signature";
	size_t ss = 0, se = 0;
	struct scan s = { .x = x, .out = out };
	int have_from = 0, have_sig = 0;

	if (from != NULL && !is_shop_name(from) && !is_carrier_name(x, from) &&
	    strchr(from, '@') == NULL && name_form(from, fname, sizeof(fname)) > 0)
		have_from = 1;
	if (sig != NULL && name_in_lines(sig, sname, sizeof(sname), &ss, &se, 0))
		have_sig = 1;
	else if (new_text != NULL) {
		PCRE2_SIZE *ov;

		/* A contact form's "Nom : Jeanne Martin". */
		if (pcre2_match(x->re[P_CONTACT_NAME], (PCRE2_SPTR)new_text,
		    strlen(new_text), 0, 0, x->md, NULL) > 2) {
			ov = pcre2_get_ovector_pointer(x->md);
			snprintf(buf, sizeof(buf), "%.*s", (int)(ov[3] - ov[2]),
			    new_text + ov[2]);
			if (name_form(buf, sname, sizeof(sname)) > 0)
				have_sig = 1, ss = ov[2], se = ov[3],
				    sfield = "new_text";
		} else if (strchr(new_text, '\n') != NULL &&
		    name_in_lines(new_text, sname, sizeof(sname), &ss, &se, 1) &&
		    ss > 0)
			/* The last line, below what the customer wrote. */
			have_sig = 1, sfield = "new_text";
	}
	if (!have_from && !have_sig)
		return;
	if (have_from && have_sig && shares_word(fname, sname)) {
		/* One person: the fuller of the two forms. */
		if (strlen(sname) > strlen(fname))
			have_from = 0;
		else
			have_sig = 0;
	}
	if (have_from) {
		s.field = "from";
		s.text = from;
		s.len = strlen(from);
		emit(&s, "customer_name", fname, 0, s.len, have_sig ? 0.7 : 0.85,
		    NULL, NULL);
	}
	if (have_sig && !have_from) {
		s.field = sfield;
		s.text = strcmp(sfield, "signature") == 0 ? sig : new_text;
		s.len = strlen(s.text);
		emit(&s, "customer_name", sname, ss, se, 0.75, NULL, NULL);
	}
}

/* The mail's local calendar day, from its ISO 8601 date. */
static int
date_ref(json_object *env, struct owi_date_ref *ref)
{
	const char *d = owi_envelope_get_string(env, "message.date");
	int y, m, day;

	if (d == NULL || sscanf(d, "%4d-%2d-%2d", &y, &m, &day) != 3)
		return 0;
	ref->year = y;
	ref->month = m;
	ref->day = day;
	ref->wday = 0;		/* dates.c computes it */
	return 1;
}

static void
scan_text(struct scan *s, const char *field, const char *text)
{
	if (text == NULL || *text == '\0')
		return;
	s->field = field;
	s->text = text;
	s->len = strlen(text);
	scan_field(s);
}

static int
field_rank(json_object *e)
{
	const char *f = owi_envelope_get_string(e, "from");

	for (int i = 0; f != NULL && fields[i] != NULL; i++)
		if (strncmp(f, fields[i] + (strncmp(fields[i], "message.", 8) ?
		    0 : 8), strlen(fields[i]) - (strncmp(fields[i], "message.",
		    8) ? 0 : 8)) == 0)
			return i;
	return 99;
}

static int
cmp_place(const void *a, const void *b)
{
	json_object *x = *(json_object *const *)a, *y = *(json_object *const *)b;
	int rx = field_rank(x), ry = field_rank(y);
	int64_t sx = json_object_get_int64(owi_envelope_get(x, "start"));
	int64_t sy = json_object_get_int64(owi_envelope_get(y, "start"));

	if (rx != ry)
		return rx - ry;
	return sx < sy ? -1 : sx > sy;
}

/* Values in the order of trust of their field, then of the text. */
static void
sort_by_place(json_object *list)
{
	json_object_array_sort(list, cmp_place);
}

json_object *
owi_extract(struct owi_extractor *x, json_object *env)
{
	json_object *out = json_object_new_object();
	struct scan *s = calloc(1, sizeof(*s));

	for (int i = 0; owi_entity_types[i] != NULL; i++)
		json_object_object_add(out, owi_entity_types[i],
		    json_object_new_array());
	if (s == NULL)
		return out;
	s->x = x;
	s->out = out;
	s->have_ref = date_ref(env, &s->ref);
	for (int f = 0; fields[f] != NULL; f++) {
		if (strcmp(fields[f], "attachments") == 0) {
			json_object *atts = owi_envelope_get(env,
			    "message.attachments");

			for (size_t i = 0; json_object_is_type(atts,
			    json_type_array) && i < json_object_array_length(atts) &&
			    i < 20; i++) {
				char name[48];

				snprintf(name, sizeof(name), "attachments.%zu.text", i);
				scan_text(s, name, owi_envelope_get_string(
				    json_object_array_get_idx(atts, i), "text"));
			}
			continue;
		}
		scan_text(s, fields[f] + 8, owi_envelope_get_string(env,
		    fields[f]));
	}
	customer_name(x, env, out);
	for (int i = 0; owi_entity_types[i] != NULL; i++)
		sort_by_place(list_of(s, owi_entity_types[i]));
	/* The dedup keys are internal. */
	for (int i = 0; owi_entity_types[i] != NULL; i++) {
		json_object *l = list_of(s, owi_entity_types[i]);

		for (size_t k = 0; k < json_object_array_length(l); k++)
			json_object_object_del(json_object_array_get_idx(l, k),
			    "key");
	}
	free(s);
	return out;
}
