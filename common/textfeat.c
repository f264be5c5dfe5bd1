/*
 * textfeat.c - normalised words, pairs and character n-grams, hashed.
 *
 * Customers write "commande", "commandé", "COMMANDE", "jai commander",
 * "cmd": case and accents go (utf8proc), SMS spelling is expanded from a
 * small table, words are stemmed (Snowball), and the character n-grams of
 * each word carry what typos leave of it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "envelope.h"
#include "textfeat.h"

#define MAX_TOKENS 2000		/* per field: enough to classify, bounded */
#define LANG_TOKENS 300		/* words enough to tell the language */
#define FOLD_MAX (32 * 1024)	/* bytes of a field read */
#define MAX_TOKEN 64
#define ATTACH_TEXT_MAX 4000	/* bytes of each attachment's text used */

enum { LANG_FR, LANG_EN, LANG_ES, LANG_DE, LANG_IT, NLANG };

static const char *const lang_code[NLANG] = { "fr", "en", "es", "de", "it" };
static const char *const lang_stemmer[NLANG] = {
	"french", "english", "spanish", "german", "italian"
};

/* Frequent words of each language, accents removed, for detection. */
static const char *const stopwords[NLANG] = {
	" le la les de des du et est une un pour pas que qui je vous mon ma mes"
	" ne ce dans sur avec au aux il elle nous votre bonjour merci commande"
	" recu ai suis mais ou plus toujours colis madame monsieur cordialement ",
	" the and is are to of my you your have has not it this that with for"
	" was i we please order hello thanks received hi can would me been"
	" still item regards dear ",
	" el los las del y es que una por para no mi mis con hola gracias"
	" pedido he recibido mi todavia saludos favor ",
	" der die das und ist ich sie nicht mit ein eine mein meine bitte danke"
	" bestellung hallo zu den habe noch wurde paket gruss grusse ",
	" il lo gli di che una per non mio mia con ciao grazie ordine sono ho"
	" ancora pacco saluti cordiali buongiorno ",
};

/* SMS spelling and frequent shortcuts, after accents and case are gone. */
struct sms_entry {
	const char *from, *to;
};

static const struct sms_entry sms[] = {
	{ "jai", "j ai" }, { "jpeux", "je peux" }, { "jsuis", "je suis" },
	{ "chui", "je suis" }, { "jveux", "je veux" }, { "jvoudrais", "je voudrais" },
	{ "tjr", "toujours" }, { "tjrs", "toujours" }, { "toujour", "toujours" },
	{ "svp", "s il vous plait" }, { "stp", "s il te plait" },
	{ "svpl", "s il vous plait" }, { "pk", "pourquoi" }, { "pq", "pourquoi" },
	{ "pkoi", "pourquoi" }, { "pourkoi", "pourquoi" }, { "bcp", "beaucoup" },
	{ "cmd", "commande" }, { "cde", "commande" }, { "cmde", "commande" },
	{ "comande", "commande" }, { "commende", "commande" }, { "qd", "quand" },
	{ "kan", "quand" }, { "qand", "quand" }, { "rdv", "rendez vous" },
	{ "dsl", "desole" }, { "pr", "pour" }, { "ds", "dans" }, { "ke", "que" },
	{ "koi", "quoi" }, { "slt", "salut" }, { "bjr", "bonjour" },
	{ "bsr", "bonsoir" }, { "mrc", "merci" }, { "mci", "merci" },
	{ "jsp", "je sais pas" }, { "vs", "vous" }, { "ns", "nous" },
	{ "tt", "tout" }, { "tte", "toute" }, { "avc", "avec" }, { "ac", "avec" },
	{ "pcq", "parce que" }, { "pck", "parce que" }, { "paske", "parce que" },
	{ "rembourssement", "remboursement" }, { "remboursemment", "remboursement" },
	{ "colie", "colis" }, { "coli", "colis" }, { "recu", "recu" },
	{ "resu", "recu" }, { "recut", "recu" }, { "livrer", "livre" },
	{ "pls", "please" }, { "plz", "please" }, { "thx", "thanks" },
	{ "thnx", "thanks" }, { "ty", "thank you" }, { "u", "you" },
	{ "ur", "your" }, { "dont", "don t" }, { "cant", "can t" },
	{ "wont", "won t" }, { "didnt", "didn t" }, { "doesnt", "doesn t" },
	{ "im", "i m" }, { "ive", "i ve" }, { "havent", "haven t" },
	{ "isnt", "isn t" }, { "wasnt", "wasn t" }, { "recieved", "received" },
	{ "recived", "received" }, { "adress", "address" }, { "adresse", "adresse" },
};

struct owi_featurizer {
	unsigned bits;
	uint32_t mask;
	struct sb_stemmer *stem[NLANG];
};

struct tok {
	char s[MAX_TOKEN + 1];
	size_t len;
};

struct owi_featurizer *
owi_featurizer_new(unsigned dim_bits)
{
	struct owi_featurizer *fz = calloc(1, sizeof(*fz));

	if (fz == NULL)
		return NULL;
	fz->bits = dim_bits;
	fz->mask = dim_bits >= 32 ? 0xffffffffu : (1u << dim_bits) - 1;
	return fz;
}

void
owi_featurizer_free(struct owi_featurizer *fz)
{
	if (fz == NULL)
		return;
	for (int i = 0; i < NLANG; i++)
		if (fz->stem[i] != NULL)
			sb_stemmer_delete(fz->stem[i]);
	free(fz);
}

void
owi_fvec_free(struct owi_fvec *v)
{
	free(v->id);
	free(v->val);
	memset(v, 0, sizeof(*v));
}

static uint32_t
fnv1a(const char *s, size_t n, uint32_t h)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static void
fvec_add(struct owi_fvec *v, uint32_t id, float val)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 512;
		uint32_t *ni = realloc(v->id, cap * sizeof(*ni));
		float *nv;

		if (ni == NULL)
			return;
		v->id = ni;
		if ((nv = realloc(v->val, cap * sizeof(*nv))) == NULL)
			return;
		v->val = nv;
		v->cap = cap;
	}
	v->id[v->n] = id;
	v->val[v->n] = val;
	v->n++;
}

/* A feature: namespace, kind and text hashed into the model's space. */
static void
feature(struct owi_featurizer *fz, struct owi_fvec *v, const char *ns,
    const char *a, size_t alen, const char *b, size_t blen, float val)
{
	uint32_t h = fnv1a(ns, strlen(ns), 2166136261u);

	h = fnv1a(a, alen, h);
	if (b != NULL) {
		h = fnv1a(" ", 1, h);
		h = fnv1a(b, blen, h);
	}
	fvec_add(v, h & fz->mask, val);
}

/*
 * Case and accents away: "Commandé" -> "commande".  Only the first
 * FOLD_MAX bytes: what a customer writes fits, and a 5 MB spam costs no
 * more than a long mail.  malloc'd.
 */
static char *
fold(const char *text)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t n;
	size_t len = strlen(text);

	if (len > FOLD_MAX) {
		len = FOLD_MAX;
		while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
			len--;
	}
	n = utf8proc_map((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len,
	    &out, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
	    UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
	if (n < 0)
		return strdup("");
	return (char *)out;
}

static int
is_word_char(utf8proc_int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);

	return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
	    (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

/* Splits folded text into words; returns how many (at most max). */
static size_t
tokenise(const char *s, struct tok *t, size_t max)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t n = 0, len = strlen(s);
	struct tok cur = { .len = 0 };

	for (size_t i = 0; i <= len && n < max;) {
		utf8proc_int32_t cp = -1;
		utf8proc_ssize_t k = i < len ? utf8proc_iterate(p + i,
		    (utf8proc_ssize_t)(len - i), &cp) : 1;

		if (k <= 0)
			k = 1, cp = -1;
		if (i < len && cp >= 0 && is_word_char(cp)) {
			if (cur.len + (size_t)k <= MAX_TOKEN) {
				memcpy(cur.s + cur.len, p + i, (size_t)k);
				cur.len += (size_t)k;
			}
		} else if (cur.len > 0) {
			cur.s[cur.len] = '\0';
			t[n++] = cur;
			cur.len = 0;
		}
		i += (size_t)k;
	}
	return n;
}

struct stopword {
	char w[16];
	unsigned langs;		/* bit l: a frequent word of language l */
};

static int
cmp_stopword(const void *a, const void *b)
{
	return strcmp(((const struct stopword *)a)->w,
	    ((const struct stopword *)b)->w);
}

/* The languages a word is frequent in, from a table sorted once. */
static unsigned
word_langs(const char *w, size_t len)
{
	static struct stopword table[512];
	static size_t n;
	static int ready;
	struct stopword key, *hit;

	if (!ready) {
		for (int l = 0; l < NLANG; l++) {
			const char *p = stopwords[l];

			while (*p != '\0') {
				size_t k = strcspn(p, " ");

				if (k > 0 && k < sizeof(table[0].w) &&
				    n < sizeof(table) / sizeof(table[0])) {
					memcpy(table[n].w, p, k);
					table[n].w[k] = '\0';
					table[n].langs = 1u << l;
					n++;
				}
				p += k;
				p += *p == ' ';
			}
		}
		qsort(table, n, sizeof(table[0]), cmp_stopword);
		/* A word of several languages: one entry, all its bits. */
		size_t m = 0;

		for (size_t i = 0; i < n; i++) {
			if (m > 0 && strcmp(table[m - 1].w, table[i].w) == 0)
				table[m - 1].langs |= table[i].langs;
			else
				table[m++] = table[i];
		}
		n = m;
		ready = 1;
	}
	if (len == 0 || len >= sizeof(key.w))
		return 0;
	memcpy(key.w, w, len);
	key.w[len] = '\0';
	hit = bsearch(&key, table, n, sizeof(table[0]), cmp_stopword);
	return hit != NULL ? hit->langs : 0;
}

static int
detect(const struct tok *t, size_t n)
{
	int score[NLANG] = { 0 }, best = -1, top = 0;

	for (size_t i = 0; i < n && i < LANG_TOKENS; i++) {
		unsigned langs = word_langs(t[i].s, t[i].len);

		for (int l = 0; langs != 0 && l < NLANG; l++)
			score[l] += (langs >> l) & 1;
	}
	for (int l = 0; l < NLANG; l++)
		if (score[l] > top)
			top = score[l], best = l;
	return best;
}

const char *
owi_detect_lang(const char *text)
{
	char *f = fold(text != NULL ? text : "");
	struct tok *t = malloc(MAX_TOKENS * sizeof(*t));
	int l = -1;

	if (f != NULL && t != NULL)
		l = detect(t, tokenise(f, t, MAX_TOKENS));
	free(t);
	free(f);
	return l >= 0 ? lang_code[l] : "und";
}

/* A PrestaShop reference (9 letters, few vowels) says "a reference". */
static int
is_reference(const char *w, size_t len)
{
	int vowels = 0;

	if (len != 9)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (w[i] < 'a' || w[i] > 'z')
			return 0;
		vowels += strchr("aeiouy", w[i]) != NULL;
	}
	return vowels <= 2;
}

/* The word as the model sees it: a shape for numbers, else its stem. */
static size_t
word_form(struct owi_featurizer *fz, int lang, const char *w, size_t len,
    char *out, size_t size)
{
	size_t digits = 0;
	const sb_symbol *st;
	int n;

	for (size_t i = 0; i < len; i++)
		digits += w[i] >= '0' && w[i] <= '9';
	if (digits == len)
		return (size_t)snprintf(out, size, "#%zu", len < 7 ? len : 7);
	if (digits > 0)
		return (size_t)snprintf(out, size, "#x%zu", len < 10 ? len : 10);
	if (is_reference(w, len))
		return (size_t)snprintf(out, size, "#ref");
	if (lang < 0 || len < 3) {
		snprintf(out, size, "%.*s", (int)len, w);
		return len < size ? len : size - 1;
	}
	if (fz->stem[lang] == NULL)
		fz->stem[lang] = sb_stemmer_new(lang_stemmer[lang], "UTF_8");
	if (fz->stem[lang] == NULL ||
	    (st = sb_stemmer_stem(fz->stem[lang], (const sb_symbol *)w,
	    (int)len)) == NULL) {
		snprintf(out, size, "%.*s", (int)len, w);
		return len < size ? len : size - 1;
	}
	n = sb_stemmer_length(fz->stem[lang]);
	snprintf(out, size, "%.*s", n, (const char *)st);
	return (size_t)n < size ? (size_t)n : size - 1;
}

static int
cmp_sms(const void *a, const void *b)
{
	return strcmp(((const struct sms_entry *)a)->from,
	    ((const struct sms_entry *)b)->from);
}

/* The expansion of an SMS word, or NULL: a sorted copy, searched. */
static const char *
sms_lookup(const char *w)
{
	static struct sms_entry sorted[sizeof(sms) / sizeof(sms[0])];
	static int ready;
	struct sms_entry key = { w, NULL }, *hit;

	if (!ready) {
		memcpy(sorted, sms, sizeof(sms));
		qsort(sorted, sizeof(sms) / sizeof(sms[0]), sizeof(sms[0]),
		    cmp_sms);
		ready = 1;
	}
	hit = bsearch(&key, sorted, sizeof(sms) / sizeof(sms[0]),
	    sizeof(sms[0]), cmp_sms);
	return hit != NULL ? hit->to : NULL;
}

/* Expands SMS spelling in place: t grows, at most max. */
static size_t
expand_sms(struct tok *t, size_t n, size_t max)
{
	struct tok *tmp = malloc(max * sizeof(*tmp));
	size_t m = 0;

	if (tmp == NULL)
		return n;
	for (size_t i = 0; i < n && m < max; i++) {
		const char *to = sms_lookup(t[i].s);

		if (to == NULL) {
			tmp[m++] = t[i];
			continue;
		}
		while (*to != '\0' && m < max) {
			size_t l = strcspn(to, " ");

			memcpy(tmp[m].s, to, l);
			tmp[m].s[l] = '\0';
			tmp[m].len = l;
			m++;
			to += l;
			to += *to == ' ';
		}
	}
	memcpy(t, tmp, m * sizeof(*t));
	free(tmp);
	return m;
}

struct field_opts {
	const char *ns;		/* namespace of word and pair features */
	int pairs;		/* word pairs too */
	int grams;		/* character n-grams too */
	float weight;
};

static void
char_grams(struct owi_featurizer *fz, struct owi_fvec *v, const char *w,
    size_t len, float weight)
{
	char buf[MAX_TOKEN + 3];

	/* Only letters: shapes and numbers have no useful n-grams. */
	if (len < 3 || len > MAX_TOKEN || (w[0] >= '0' && w[0] <= '9'))
		return;
	buf[0] = '<';
	memcpy(buf + 1, w, len);
	buf[len + 1] = '>';
	for (size_t g = 3; g <= 5; g++)
		for (size_t i = 0; i + g <= len + 2; i++)
			feature(fz, v, "g", buf + i, g, NULL, 0, weight);
}

static void
text_features(struct owi_featurizer *fz, struct owi_fvec *v, const char *text,
    int lang, const struct field_opts *o)
{
	char *f;
	struct tok *t;
	size_t n;
	char prev[MAX_TOKEN + 8], cur[MAX_TOKEN + 8];
	size_t plen = 0;

	if (text == NULL || *text == '\0')
		return;
	if ((f = fold(text)) == NULL)
		return;
	if ((t = malloc(MAX_TOKENS * sizeof(*t))) == NULL) {
		free(f);
		return;
	}
	n = expand_sms(t, tokenise(f, t, MAX_TOKENS), MAX_TOKENS);
	for (size_t i = 0; i < n; i++) {
		size_t clen = word_form(fz, lang, t[i].s, t[i].len, cur,
		    sizeof(cur));

		feature(fz, v, o->ns, cur, clen, NULL, 0, o->weight);
		if (o->pairs && i > 0)
			feature(fz, v, o->ns, prev, plen, cur, clen, o->weight);
		if (o->grams)
			char_grams(fz, v, t[i].s, t[i].len, 0.5f * o->weight);
		memcpy(prev, cur, clen + 1);
		plen = clen;
	}
	free(t);
	free(f);
}

static const char *
bucket(size_t n, const size_t *limits, const char *const *names, size_t k)
{
	for (size_t i = 0; i < k; i++)
		if (n < limits[i])
			return names[i];
	return names[k];
}

static size_t
count_str(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = s; p != NULL && (p = strstr(p, needle)) != NULL;
	    p += strlen(needle))
		n++;
	return n;
}

static void
flag(struct owi_featurizer *fz, struct owi_fvec *v, const char *name)
{
	feature(fz, v, "x", name, strlen(name), NULL, 0, 1.0f);
}

static const char *
domain(const char *addr)
{
	const char *at = addr != NULL ? strrchr(addr, '@') : NULL;

	return at != NULL ? at + 1 : NULL;
}

/* Signals of how the mail is made, which spam and machines betray. */
static void
structure_features(struct owi_featurizer *fz, struct owi_fvec *v,
    json_object *env, const char *new_text)
{
	static const size_t len_lim[] = { 1, 40, 200, 1000 };
	static const char *const len_name[] = { "len0", "len40", "len200",
	    "len1k", "lenmore" };
	static const size_t link_lim[] = { 1, 2, 4 };
	static const char *const link_name[] = { "links0", "links1",
	    "links2", "links4" };
	const char *text = owi_envelope_get_string(env, "message.text");
	const char *from = owi_envelope_get_string(env, "message.from.address");
	const char *reply = owi_envelope_get_string(env,
	    "message.reply_to.0.address");
	const char *tf = owi_envelope_get_string(env, "message.text_from");
	json_object *atts = owi_envelope_get(env, "message.attachments");
	json_object *autom = owi_envelope_get(env, "message.automated.is");
	size_t letters = 0, caps = 0;
	char name[64];

	flag(fz, v, bucket(new_text ? strlen(new_text) : 0, len_lim, len_name, 4));
	flag(fz, v, bucket(text ? count_str(text, "http") : 0, link_lim,
	    link_name, 3));
	if (tf != NULL && strcmp(tf, "html") == 0)
		flag(fz, v, "html");
	if (json_object_get_boolean(autom))
		flag(fz, v, "automated");
	if (from != NULL && reply != NULL && domain(from) != NULL &&
	    domain(reply) != NULL && strcasecmp(domain(from), domain(reply)) != 0)
		flag(fz, v, "replyto-elsewhere");
	if (owi_envelope_get_string(env, "message.quoted_text") != NULL &&
	    *owi_envelope_get_string(env, "message.quoted_text") != '\0')
		flag(fz, v, "reply");
	for (size_t i = 0; json_object_is_type(atts, json_type_array) &&
	    i < json_object_array_length(atts) && i < 20; i++) {
		const char *ct = owi_envelope_get_string(
		    json_object_array_get_idx(atts, i), "content_type");

		if (ct != NULL) {
			snprintf(name, sizeof(name), "att:%.*s",
			    (int)strcspn(ct, "/"), ct);
			flag(fz, v, name);
		}
	}
	for (const char *p = new_text; p != NULL && *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
			letters++, caps += *p >= 'A' && *p <= 'Z';
	}
	if (letters >= 15 && caps * 10 > letters * 6)
		flag(fz, v, "shouting");
	if (new_text != NULL && strstr(new_text, "!!") != NULL)
		flag(fz, v, "exclamations");
}

/*
 * Sort by id (radix, 4 passes of 8 bits: qsort was a fifth of the time),
 * merge duplicates keeping the largest value (presence, not counts), and
 * L2-normalise so that long mails do not outweigh short ones.
 */
static void
finish(struct owi_fvec *v)
{
	uint32_t *id2;
	float *val2;
	size_t m = 0;
	double norm = 0;

	if (v->n == 0)
		return;
	id2 = malloc(v->n * sizeof(*id2));
	val2 = malloc(v->n * sizeof(*val2));
	if (id2 == NULL || val2 == NULL) {
		free(id2);
		free(val2);
		return;
	}
	for (int shift = 0; shift < 32; shift += 8) {
		size_t count[257] = { 0 };

		for (size_t i = 0; i < v->n; i++)
			count[((v->id[i] >> shift) & 0xff) + 1]++;
		for (int k = 0; k < 256; k++)
			count[k + 1] += count[k];
		for (size_t i = 0; i < v->n; i++) {
			size_t at = count[(v->id[i] >> shift) & 0xff]++;

			id2[at] = v->id[i];
			val2[at] = v->val[i];
		}
		memcpy(v->id, id2, v->n * sizeof(*id2));
		memcpy(v->val, val2, v->n * sizeof(*val2));
	}
	free(id2);
	free(val2);
	for (size_t i = 0; i < v->n; i++) {
		if (m > 0 && v->id[m - 1] == v->id[i]) {
			if (v->val[i] > v->val[m - 1])
				v->val[m - 1] = v->val[i];
			continue;
		}
		v->id[m] = v->id[i];
		v->val[m] = v->val[i];
		m++;
	}
	v->n = m;
	for (size_t i = 0; i < m; i++)
		norm += (double)v->val[i] * v->val[i];
	if (norm > 0) {
		float k = (float)(1.0 / sqrt(norm));

		for (size_t i = 0; i < m; i++)
			v->val[i] *= k;
	}
}

void
owi_features_envelope(struct owi_featurizer *fz, json_object *env,
    struct owi_fvec *v)
{
	const char *new_text = owi_envelope_get_string(env, "message.new_text");
	const char *subject = owi_envelope_get_string(env, "message.subject");
	const char *fwd = owi_envelope_get_string(env,
	    "message.forwarded_text");
	json_object *atts = owi_envelope_get(env, "message.attachments");
	const struct field_opts body = { "b", 1, 1, 1.0f };
	const struct field_opts subj = { "s", 1, 0, 1.0f };
	const struct field_opts shared = { "b", 0, 1, 0.7f };
	const struct field_opts fwdo = { "f", 0, 0, 0.5f };
	const struct field_opts att = { "a", 0, 0, 0.5f };
	struct tok *t;
	int lang = -1;
	char *f;

	v->n = 0;
	/* The stemmer follows the language of what the customer wrote. */
	if ((f = fold(new_text && *new_text ? new_text : subject ? subject :
	    "")) != NULL && (t = malloc(MAX_TOKENS * sizeof(*t))) != NULL) {
		lang = detect(t, tokenise(f, t, MAX_TOKENS));
		free(t);
	}
	free(f);

	if ((new_text == NULL || *new_text == '\0') && fwd != NULL && *fwd != '\0')
		text_features(fz, v, fwd, lang, &body);
	else if (new_text == NULL || *new_text == '\0') {
		/*
		 * All of it taken for history: the split went wrong (a letter
		 * that starts "De : ... Objet :"), and the mail is still to be
		 * read.  A real reply always has some new text.
		 */
		const char *q = owi_envelope_get_string(env,
		    "message.quoted_text");

		text_features(fz, v, q, lang, &body);
	} else {
		text_features(fz, v, new_text, lang, &body);
		text_features(fz, v, fwd, lang, &fwdo);
	}
	text_features(fz, v, subject, lang, &subj);
	text_features(fz, v, subject, lang, &shared);
	for (size_t i = 0; json_object_is_type(atts, json_type_array) &&
	    i < json_object_array_length(atts) && i < 10; i++) {
		json_object *a = json_object_array_get_idx(atts, i);
		const char *at = owi_envelope_get_string(a, "text");
		const char *fn = owi_envelope_get_string(a, "filename");
		char buf[ATTACH_TEXT_MAX + 1];

		if (at != NULL) {
			snprintf(buf, sizeof(buf), "%s", at);
			text_features(fz, v, buf, lang, &att);
		}
		text_features(fz, v, fn, lang, &att);
	}
	structure_features(fz, v, env, new_text);
	finish(v);
}
