/*
 * mime.c - GMime's tree to owi's "message": headers, addresses, the best
 * text body split into new text, quotes and signature, attachments with
 * their text, and every defect as a stable code.
 */
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "attach.h"
#include "automated.h"
#include "envelope.h"
#include "html.h"
#include "mime.h"
#include "quote.h"
#include "text.h"

#define STAGE "owi-parse"

/* GMime's parser warnings, by their enum value, as owi's stable codes. */
static const struct {
	GMimeParserWarning w;
	const char *code;
	const char *what;
} gmime_codes[] = {
	{ GMIME_WARN_DUPLICATED_HEADER, "duplicated-header", "header repeated" },
	{ GMIME_WARN_DUPLICATED_PARAMETER, "duplicated-parameter", "parameter repeated" },
	{ GMIME_WARN_UNENCODED_8BIT_HEADER, "unencoded-8bit-header", "8-bit bytes in header" },
	{ GMIME_WARN_INVALID_CONTENT_TYPE, "invalid-content-type", "invalid Content-Type, read as application/octet-stream" },
	{ GMIME_WARN_INVALID_RFC2047_HEADER_VALUE, "invalid-rfc2047", "invalid encoded word in header" },
	{ GMIME_WARN_MALFORMED_MULTIPART, "malformed-multipart", "multipart without parts" },
	{ GMIME_WARN_TRUNCATED_MESSAGE, "truncated-message", "message truncated" },
	{ GMIME_WARN_MALFORMED_MESSAGE, "malformed-message", "message malformed" },
	{ GMIME_CRIT_INVALID_HEADER_NAME, "invalid-header-name", "invalid header name" },
	{ GMIME_CRIT_CONFLICTING_HEADER, "conflicting-header", "conflicting header" },
	{ GMIME_CRIT_CONFLICTING_PARAMETER, "conflicting-parameter", "conflicting parameter" },
	{ GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY, "multipart-without-boundary", "multipart without boundary" },
	{ GMIME_WARN_INVALID_PARAMETER, "invalid-parameter", "invalid header parameter" },
	{ GMIME_WARN_INVALID_ADDRESS_LIST, "invalid-address-list", "invalid address list" },
	{ GMIME_CRIT_NESTING_OVERFLOW, "nesting-overflow", "MIME nesting too deep for the parser" },
	{ GMIME_WARN_PART_WITHOUT_CONTENT, "part-without-content", "part headers ended by a boundary" },
	{ GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT, "part-without-headers", "part without headers or content" },
};
#define NCODES (sizeof(gmime_codes) / sizeof(gmime_codes[0]))

struct ctx {
	const struct owi_parse_opts *o;
	json_object *env;
	int parts;
	int messages;
	int too_many;		/* max_parts reached: stop walking */
	int too_deep;		/* reported once */
	/* Parser warnings: the first of each kind with its place, and a count. */
	unsigned count[NCODES];
	gint64 first_offset[NCODES];
	char first_item[NCODES][80];
};

struct body {
	GString *text;		/* the pieces, each tidied, blank line between */
	const char *from;	/* "plain", "html" or "tnef": the first piece's */
};

void
owi_parse_opts_default(struct owi_parse_opts *o)
{
	o->max_depth = 100;
	o->max_parts = 10000;
	o->max_messages = 10;
	o->max_text = 1 << 20;
	o->max_extract = 32 << 20;
	o->ocr = 0;
	o->ocr_langs = "fra+eng";
	o->timeout_ms = 30000;
}

void
owi_mime_init(void)
{
	g_mime_init();
}

void
owi_mime_shutdown(void)
{
	g_mime_shutdown();
}

static void
on_warning(gint64 offset, GMimeParserWarning w, const gchar *item,
    gpointer data)
{
	struct ctx *c = data;

	for (size_t i = 0; i < NCODES; i++) {
		if (gmime_codes[i].w != w)
			continue;
		if (c->count[i]++ == 0) {
			c->first_offset[i] = offset;
			snprintf(c->first_item[i], sizeof(c->first_item[i]),
			    "%s", item != NULL ? item : "");
		}
		return;
	}
}

static void
report_warnings(struct ctx *c)
{
	for (size_t i = 0; i < NCODES; i++) {
		char *item, where[32];

		if (c->count[i] == 0)
			continue;
		/* The item is mail data: it may be any bytes. */
		item = owi_utf8_repair(c->first_item[i],
		    strlen(c->first_item[i]));
		where[0] = '\0';
		if (c->first_offset[i] >= 0)
			snprintf(where, sizeof(where), " at byte %lld",
			    (long long)c->first_offset[i]);
		owi_envelope_error(c->env, STAGE, gmime_codes[i].code,
		    "%s%s%s%s%s%s", gmime_codes[i].what,
		    item != NULL && *item ? " '" : "", item ? item : "",
		    item != NULL && *item ? "'" : "", where,
		    c->count[i] > 1 ? " (and more)" : "");
		free(item);
	}
}

/*
 * A JSON string of s[0..len) as valid UTF-8: most header text is ASCII
 * and goes in as it is; the rest is repaired (a copy less per string).
 */
static json_object *
utf8_string(const char *s, size_t len)
{
	json_object *j;
	char *clean;
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80 || s[i] == '\0')
			break;
	if (i == len)
		return json_object_new_string_len(s, (int)len);
	clean = owi_utf8_repair(s, len);
	j = json_object_new_string(clean != NULL ? clean : "");
	free(clean);
	return j;
}

/* Adds a header-ish string as valid UTF-8, or null. */
static void
add_utf8(json_object *obj, const char *key, const char *s)
{
	json_object_object_add(obj, key, s != NULL ? utf8_string(s, strlen(s)) :
	    NULL);
}

static int
is_addr_char(char c)
{
	return c != '\0' && !strchr(" \t\r\n<>,;\"()", c);
}

/*
 * "develop!nextmime@ebony@sblab.att.com": GMime stops at the second '@'
 * and gives an address that exists nowhere.  The whole token as written
 * is kept instead (malloc'd), as other readers do; NULL when fine.
 */
static char *
whole_address(const char *addr, const char *raw)
{
	size_t n = strlen(addr);
	const char *p, *e;

	if (raw == NULL || n == 0)
		return NULL;
	for (p = strstr(raw, addr); p != NULL; p = strstr(p + 1, addr)) {
		if (p[n] != '@')
			continue;
		for (e = p + n; is_addr_char(*e); e++)
			;
		return g_strndup(p, (size_t)(e - p));
	}
	return NULL;
}

static json_object *
mailbox_json(InternetAddress *ia, const char *raw)
{
	json_object *o = json_object_new_object();
	const char *name = internet_address_get_name(ia);
	const char *addr = internet_address_mailbox_get_addr(
	    INTERNET_ADDRESS_MAILBOX(ia));
	char *whole = addr != NULL ? whole_address(addr, raw) : NULL;

	add_utf8(o, "name", name != NULL && *name != '\0' ? name : NULL);
	if (whole != NULL)
		addr = whole;
	add_utf8(o, "address", addr != NULL && *addr != '\0' ? addr : NULL);
	g_free(whole);
	return o;
}

/* Mailboxes of a list, group members flattened (groups have no address). */
static void
add_mailboxes(json_object *arr, InternetAddressList *list, const char *raw,
    int depth)
{
	int n = list != NULL ? internet_address_list_length(list) : 0;

	for (int i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			if (depth < 4)
				add_mailboxes(arr, internet_address_group_get_members(
				    INTERNET_ADDRESS_GROUP(ia)), raw, depth + 1);
		} else
			json_object_array_add(arr, mailbox_json(ia, raw));
	}
}

/* The mailboxes of header `name`, with its raw text for repairs. */
static json_object *
addresses_json(GMimeMessage *msg, GMimeAddressType type, const char *name)
{
	json_object *arr = json_object_new_array();

	add_mailboxes(arr, g_mime_message_get_addresses(msg, type),
	    g_mime_object_get_header(GMIME_OBJECT(msg), name), 0);
	return arr;
}

static json_object *
first_mailbox(GMimeMessage *msg)
{
	json_object *arr = addresses_json(msg, GMIME_ADDRESS_TYPE_FROM, "From");
	json_object *first = NULL;

	if (json_object_array_length(arr) > 0)
		first = json_object_get(json_object_array_get_idx(arr, 0));
	json_object_put(arr);
	return first;
}

/*
 * The first From mailbox.  When GMime finds none ("Big Bug bb@bug.com",
 * "jeanne at example.fr"), a word with an '@' is the address and the rest
 * the name; with no such word the text is the name, the address null.
 */
static json_object *
from_json(GMimeMessage *msg)
{
	json_object *from = first_mailbox(msg);
	const char *raw;
	char *text, *at, *b, *e;

	if (from != NULL)
		return from;
	raw = g_mime_object_get_header(GMIME_OBJECT(msg), "From");
	if (raw == NULL)
		return NULL;
	text = g_mime_utils_header_decode_text(NULL, raw);
	from = json_object_new_object();
	if (text != NULL && (at = strchr(text, '@')) != NULL &&
	    at > text && is_addr_char(at[-1]) && is_addr_char(at[1])) {
		for (b = at; b > text && is_addr_char(b[-1]); b--)
			;
		for (e = at; is_addr_char(*e); e++)
			;
		char *addr = g_strndup(b, (size_t)(e - b));

		memmove(b, e, strlen(e) + 1);
		g_strstrip(text);
		add_utf8(from, "name", *text != '\0' ? text : NULL);
		add_utf8(from, "address", addr);
		g_free(addr);
	} else {
		add_utf8(from, "name", text != NULL ? g_strstrip(text) : NULL);
		json_object_object_add(from, "address", NULL);
	}
	g_free(text);
	return from;
}

/* The first Subject header, decoded by owi's RFC 2047 decoder. */
static void
add_subject(json_object *m, GMimeMessage *msg)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	GMimeHeader *h = g_mime_header_list_get_header(hl, "Subject");
	const char *raw = h != NULL ? g_mime_header_get_raw_value(h) : NULL;
	char *s;

	if (raw == NULL) {
		json_object_object_add(m, "subject", NULL);
		return;
	}
	s = owi_rfc2047_decode(raw);
	owi_json_add_string(m, "subject", s != NULL ? g_strstrip(s) : "");
	free(s);
}

static int
needs_decoding(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p >= 0x80 || *p == '\r' || *p == '\n' ||
		    (*p == '=' && p[1] == '?'))
			return 1;
	return 0;
}

static json_object *
header_pair(GMimeHeader *h)
{
	json_object *pair = json_object_new_array();
	const char *name = g_mime_header_get_name(h);
	const char *value = g_mime_header_get_raw_value(h);
	char *own = NULL;
	size_t len;

	/*
	 * The raw value, unfolded and decoded by owi: GMime's lazy decoding
	 * costs a sixth of the parse, and loses base64 words after a padded
	 * one.  Plain ASCII on one line needs nothing.
	 */
	if (value != NULL && needs_decoding(value))
		value = own = owi_rfc2047_decode(value);

	if (name == NULL)
		name = "";
	if (value == NULL)
		value = "";
	json_object_array_add(pair, utf8_string(name, strlen(name)));
	/* Folding whitespace around the value is not part of it. */
	while (*value == ' ' || *value == '\t')
		value++;
	len = strlen(value);
	while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t' ||
	    value[len - 1] == '\r' || value[len - 1] == '\n'))
		len--;
	json_object_array_add(pair, utf8_string(value, len));
	free(own);
	return pair;
}

/*
 * Every header of the mail, in the order written.  GMime keeps the
 * Content-* headers with the top part, the others with the message: the
 * two lists are merged back by their offsets.
 */
static json_object *
headers_json(GMimeMessage *msg)
{
	GMimeHeaderList *hm = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	GMimeObject *part = g_mime_message_get_mime_part(msg);
	GMimeHeaderList *hp = part != NULL ?
	    g_mime_object_get_header_list(part) : NULL;
	int nm = g_mime_header_list_get_count(hm);
	int np = hp != NULL ? g_mime_header_list_get_count(hp) : 0;
	int i = 0, j = 0;
	json_object *arr = json_object_new_array();

	while (i < nm || j < np) {
		GMimeHeader *a = i < nm ? g_mime_header_list_get_header_at(hm, i) :
		    NULL;
		GMimeHeader *b = j < np ? g_mime_header_list_get_header_at(hp, j) :
		    NULL;

		if (b == NULL || (a != NULL && g_mime_header_get_offset(a) <=
		    g_mime_header_get_offset(b))) {
			json_object_array_add(arr, header_pair(a));
			i++;
		} else {
			json_object_array_add(arr, header_pair(b));
			j++;
		}
	}
	return arr;
}

/*
 * "Thu, 22 Aug 0102 12:07:35": a Y2K bug (1900 + 102 printed with %04d)
 * that old mailers and spam tools still write.  Returns the date or NULL.
 */
static GDateTime *
y2k_date(const char *raw)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", raw);
	for (char *p = buf; *p != '\0'; p++) {
		if (p[0] == ' ' && p[1] == '0' && p[2] == '1' &&
		    g_ascii_isdigit(p[3]) && g_ascii_isdigit(p[4]) &&
		    p[5] == ' ') {
			p[1] = '2';
			p[2] = '0';
			return g_mime_utils_header_decode_date(buf);
		}
	}
	return NULL;
}

static void
add_iso_date(json_object *m, GDateTime *dt)
{
	char *iso = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S%:z");

	owi_json_add_string(m, "date", iso);
	g_free(iso);
}

static void
add_date(json_object *m, GMimeMessage *msg, struct ctx *c)
{
	GDateTime *dt = g_mime_message_get_date(msg);
	const char *raw = g_mime_object_get_header(GMIME_OBJECT(msg), "Date");

	if (dt != NULL) {
		add_iso_date(m, dt);
		return;
	}
	if (raw != NULL && (dt = y2k_date(raw)) != NULL) {
		/* Kept with the raw header, since it is a guess. */
		add_iso_date(m, dt);
		g_date_time_unref(dt);
		add_utf8(m, "date_raw", raw);
		if (c != NULL)
			owi_envelope_error(c->env, STAGE, "invalid-date",
			    "year 01xx in the Date header read as 20xx");
		return;
	}
	json_object_object_add(m, "date", NULL);
	if (raw != NULL) {
		add_utf8(m, "date_raw", raw);
		if (c != NULL)
			owi_envelope_error(c->env, STAGE, "invalid-date",
			    "Date header not understood");
	}
}

/* Appends s to arr as valid UTF-8. */
static void
array_add_utf8(json_object *arr, const char *s)
{
	json_object_array_add(arr, utf8_string(s, strlen(s)));
}

static json_object *
references_json(GMimeMessage *msg)
{
	const char *v = g_mime_object_get_header(GMIME_OBJECT(msg),
	    "References");
	json_object *arr = json_object_new_array();
	GMimeReferences *refs;

	if (v == NULL)
		return arr;
	refs = g_mime_references_parse(NULL, v);
	for (int i = 0; refs != NULL && i < g_mime_references_length(refs);
	    i++)
		array_add_utf8(arr, g_mime_references_get_message_id(refs, i));
	if (refs != NULL)
		g_mime_references_free(refs);
	return arr;
}

static char *
in_reply_to(GMimeMessage *msg)
{
	const char *v = g_mime_object_get_header(GMIME_OBJECT(msg),
	    "In-Reply-To");

	return v != NULL ? g_mime_utils_decode_message_id(v) : NULL;
}

/*
 * The decoded content of a part.  Small enough parts are kept in memory
 * (*bytes, g_free'd by the caller); larger ones only go through the
 * checksum.  size and sha256 are always set.
 */
static GByteArray *
part_content(GMimePart *part, size_t keep_max, size_t *size, char sha[65])
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *sink, *filtered;
	GMimeFilter *ck;
	GByteArray *bytes;
	gint64 enc_len;
	gchar *hex;

	*size = 0;
	if (w == NULL) {
		owi_sha256_hex("", 0, sha);
		return g_byte_array_new();
	}
	enc_len = g_mime_stream_length(g_mime_data_wrapper_get_stream(w));
	/* The encoded length bounds the decoded one (base64 and QP shrink). */
	if (enc_len >= 0 && (guint64)enc_len <= keep_max) {
		sink = g_mime_stream_mem_new();
		g_mime_data_wrapper_write_to_stream(w, sink);
		/* The array is ours once the stream no longer owns it. */
		g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(sink), FALSE);
		bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(sink));
		g_object_unref(sink);
		*size = bytes->len;
		owi_sha256_hex(bytes->data, bytes->len, sha);
		return bytes;
	}
	/* Too large to keep: only its size and hash, through a filter. */
	sink = g_mime_stream_null_new();
	filtered = g_mime_stream_filter_new(sink);
	ck = g_mime_filter_checksum_new(G_CHECKSUM_SHA256);
	g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), ck);
	g_mime_data_wrapper_write_to_stream(w, filtered);
	g_mime_stream_flush(filtered);
	hex = g_mime_filter_checksum_get_string(GMIME_FILTER_CHECKSUM(ck));
	snprintf(sha, 65, "%s", hex != NULL ? hex : "");
	g_free(hex);
	*size = GMIME_STREAM_NULL(sink)->written;
	g_object_unref(ck);
	g_object_unref(filtered);
	g_object_unref(sink);
	return NULL;
}

/* Cuts text to at most max bytes on a character boundary. */
static void
cap_text(char *s, size_t max, struct ctx *c, const char *what)
{
	size_t n = strlen(s);

	if (n <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	s[max] = '\0';
	owi_envelope_error(c->env, STAGE, "text-truncated",
	    "%s text cut at %zu of %zu bytes", what, max, n);
}

static void
charset_note(struct ctx *c, enum owi_charset_how how, const char *charset,
    const char *what)
{
	if (how == OWI_CS_UNKNOWN)
		owi_envelope_error(c->env, STAGE, "unknown-charset",
		    "%s: unknown charset '%.40s', read as UTF-8 or windows-1252",
		    what, charset);
	else if (how == OWI_CS_REPAIRED)
		owi_envelope_error(c->env, STAGE, "invalid-bytes",
		    "%s: bytes invalid in '%.40s' replaced by U+FFFD", what,
		    charset != NULL ? charset : "utf-8");
}

/* The text of a text/<any> part as tidy UTF-8 (malloc'd), or NULL. */
static char *
part_text(GMimePart *part, GByteArray *bytes, struct ctx *c, const char *what)
{
	GMimeObject *obj = GMIME_OBJECT(part);
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *charset = g_mime_content_type_get_parameter(ct, "charset");
	const char *format = g_mime_content_type_get_parameter(ct, "format");
	const char *delsp = g_mime_content_type_get_parameter(ct, "delsp");
	enum owi_charset_how how;
	char *u, *t;

	u = owi_text_to_utf8((const char *)bytes->data, bytes->len, charset,
	    &how);
	if (u == NULL)
		return NULL;
	charset_note(c, how, charset, what);
	if (g_mime_content_type_is_type(ct, "text", "html")) {
		t = owi_html_to_text(u, strlen(u));
		free(u);
		u = t;
	} else if (format != NULL && strcasecmp(format, "flowed") == 0) {
		t = owi_flowed_decode(u, strlen(u),
		    delsp != NULL && strcasecmp(delsp, "yes") == 0);
		free(u);
		u = t;
	}
	if (u == NULL)
		return NULL;
	t = owi_text_tidy(u, strlen(u));
	free(u);
	if (t != NULL)
		cap_text(t, c->o->max_text, c, what);
	return t;
}

static int
has_filename(GMimeObject *obj)
{
	return GMIME_IS_PART(obj) &&
	    g_mime_part_get_filename(GMIME_PART(obj)) != NULL;
}

static int
is_body_text(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *disp = g_mime_object_get_disposition(obj);

	if (!GMIME_IS_PART(obj) || has_filename(obj))
		return 0;
	if (disp != NULL && strcasecmp(disp, "attachment") == 0)
		return 0;
	return g_mime_content_type_is_type(ct, "text", "plain") ||
	    g_mime_content_type_is_type(ct, "text", "html");
}

/* How good a body an alternative is: plain over HTML over anything. */
static int
alternative_score(GMimeObject *obj, int depth)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	int best = 0;

	if (is_body_text(obj))
		return g_mime_content_type_is_type(ct, "text", "plain") ? 3 : 2;
	if (GMIME_IS_MULTIPART(obj) && depth < 4) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);

		for (int i = 0; i < n; i++) {
			int s = alternative_score(
			    g_mime_multipart_get_part(mp, i), depth + 1);

			if (s > best)
				best = s;
		}
	}
	return best;
}

static void walk(GMimeObject *obj, struct ctx *c, int depth, struct body *b,
    json_object *atts, int body_mode);
static json_object *message_json(GMimeMessage *msg, struct ctx *c,
    int depth);

static void
body_add(struct body *b, const char *text, const char *from)
{
	if (text == NULL || *text == '\0')
		return;
	if (b->text->len > 0)
		g_string_append(b->text, "\n\n");
	g_string_append(b->text, text);
	if (b->from == NULL)
		b->from = from;
}

static const char *
type_string(GMimeContentType *ct, char *buf, size_t size)
{
	const char *t = g_mime_content_type_get_media_type(ct);
	const char *s = g_mime_content_type_get_media_subtype(ct);

	snprintf(buf, size, "%s/%s", t ? t : "application",
	    s ? s : "octet-stream");
	for (char *p = buf; *p != '\0'; p++)
		*p = (char)g_ascii_tolower(*p);
	return buf;
}

static int
is_generic_type(const char *type)
{
	return strcmp(type, "application/octet-stream") == 0 ||
	    strcmp(type, "application/unknown") == 0 ||
	    strcmp(type, "application/binary") == 0 ||
	    strcmp(type, "application/x-download") == 0 ||
	    strcmp(type, "application/force-download") == 0;
}

static json_object *
attachment_new(const char *filename, const char *type, const char *declared,
    const char *disposition, size_t size, const char *sha)
{
	json_object *a = json_object_new_object();

	add_utf8(a, "filename", filename);
	owi_json_add_string(a, "content_type", type);
	if (declared != NULL && strcmp(declared, type) != 0)
		owi_json_add_string(a, "declared_type", declared);
	owi_json_add_string(a, "disposition", disposition);
	json_object_object_add(a, "size", json_object_new_int64((int64_t)size));
	owi_json_add_string(a, "sha256", sha);
	json_object_object_add(a, "text", NULL);
	json_object_object_add(a, "text_from", NULL);
	return a;
}

static void
set_text(json_object *a, char *text, const char *from)
{
	if (text == NULL)
		return;
	json_object_object_add(a, "text", json_object_new_string(text));
	owi_json_add_string(a, "text_from", from);
	free(text);
}

static void
extract_note(struct ctx *c, enum owi_exec_status st, const char *tool,
    const char *name)
{
	static const char *const codes[] = {
		[OWI_EXEC_FAILED] = "extract-failed",
		[OWI_EXEC_TIMEOUT] = "extract-timeout",
		[OWI_EXEC_NOTFOUND] = "extract-unavailable",
		[OWI_EXEC_ERROR] = "extract-failed",
	};
	static const char *const what[] = {
		[OWI_EXEC_FAILED] = "failed",
		[OWI_EXEC_TIMEOUT] = "timed out",
		[OWI_EXEC_NOTFOUND] = "is not installed",
		[OWI_EXEC_ERROR] = "could not run",
	};

	if (st == OWI_EXEC_OK)
		return;
	owi_envelope_error(c->env, STAGE, codes[st], "%s %s on '%.100s'", tool,
	    what[st], name != NULL ? name : "attachment");
}

struct tnef_walk {
	struct ctx *c;
	json_object *list;
};

static void extract_text(json_object *a, const char *type, const char *name,
    const GByteArray *bytes, GMimePart *part, struct ctx *c);

static void
on_tnef_file(const char *name, const void *data, size_t len, void *arg)
{
	struct tnef_walk *tw = arg;
	const char *type = owi_sniff_type(data, len);
	char sha[65];
	json_object *a;
	GByteArray bytes = { (guint8 *)data, (guint)len };

	owi_sha256_hex(data, len, sha);
	a = attachment_new(name, type ? type : "application/octet-stream",
	    NULL, "attachment", len, sha);
	extract_text(a, type ? type : "", name, &bytes, NULL, tw->c);
	json_object_array_add(tw->list, a);
}

/* The machine-readable parts of reports: plain text in practice. */
static int
is_report_type(const char *type)
{
	return strcmp(type, "message/delivery-status") == 0 ||
	    strcmp(type, "message/disposition-notification") == 0 ||
	    strcmp(type, "message/feedback-report") == 0;
}

/* Text of an attachment, by what it really is. */
static void
extract_text(json_object *a, const char *type, const char *name,
    const GByteArray *bytes, GMimePart *part, struct ctx *c)
{
	enum owi_exec_status st;
	char *text = NULL;
	const struct owi_parse_opts *o = c->o;

	if (bytes == NULL)
		return;
	if (part != NULL && (strncmp(type, "text/", 5) == 0 ||
	    is_report_type(type))) {
		set_text(a, part_text(part, (GByteArray *)bytes, c,
		    name ? name : "attachment"), "text");
	} else if (strcmp(type, "application/pdf") == 0) {
		st = owi_pdf_text(bytes->data, bytes->len, o->timeout_ms,
		    o->max_text, &text);
		extract_note(c, st, "pdftotext", name);
		if (text != NULL) {
			char *t = owi_text_tidy(text, strlen(text));

			free(text);
			set_text(a, t, "pdf");
		}
	} else if (strncmp(type, "image/", 6) == 0 && o->ocr) {
		st = owi_ocr_text(bytes->data, bytes->len, o->ocr_langs,
		    o->timeout_ms, o->max_text, &text);
		extract_note(c, st, "tesseract", name);
		if (text != NULL) {
			char *t = owi_text_tidy(text, strlen(text));

			free(text);
			set_text(a, t, "ocr");
		}
	} else if (strcmp(type, "application/ms-tnef") == 0) {
		struct tnef_walk tw = { c, json_object_new_array() };
		char *body;
		int html;

		st = owi_tnef_read(bytes->data, bytes->len, o->timeout_ms,
		    on_tnef_file, &tw, &body, &html);
		if (st == OWI_EXEC_FAILED)
			owi_envelope_error(c->env, STAGE, "invalid-tnef",
			    "'%.100s' is not a TNEF stream",
			    name ? name : "winmail.dat");
		else
			extract_note(c, st, "tnef", name);
		if (body != NULL && html) {
			text = owi_html_to_text(body, strlen(body));
			free(body);
			body = text;
		}
		if (body != NULL) {
			text = owi_text_tidy(body, strlen(body));
			free(body);
			set_text(a, text, "tnef");
		}
		json_object_object_add(a, "attachments", tw.list);
	}
}

static void
add_part_attachment(GMimePart *part, struct ctx *c, json_object *atts)
{
	GMimeObject *obj = GMIME_OBJECT(part);
	char declared[128];
	const char *type, *sniffed, *name;
	size_t size;
	char sha[65];
	GByteArray *bytes;
	json_object *a;

	type_string(g_mime_object_get_content_type(obj), declared,
	    sizeof(declared));
	name = g_mime_part_get_filename(part);
	bytes = part_content(part, c->o->max_extract, &size, sha);
	type = declared;
	sniffed = bytes != NULL ? owi_sniff_type(bytes->data, bytes->len) :
	    NULL;
	/* The bytes win over a generic label, and over a wrong binary one. */
	if (sniffed != NULL && strcmp(sniffed, declared) != 0 &&
	    (is_generic_type(declared) || strncmp(declared, "text/", 5) != 0))
		type = sniffed;
	if (name != NULL && is_generic_type(type) &&
	    strcasecmp(name, "winmail.dat") == 0)
		type = "application/ms-tnef";
	a = attachment_new(name, type, declared,
	    g_mime_object_get_disposition(obj), size, sha);
	if (bytes == NULL)
		owi_envelope_error(c->env, STAGE, "attachment-too-large",
		    "'%.100s': %zu bytes, text not extracted (limit %zu)",
		    name ? name : type, size, c->o->max_extract);
	extract_text(a, type, name, bytes, part, c);
	if (bytes != NULL)
		g_byte_array_unref(bytes);
	json_object_array_add(atts, a);
}

static void
add_message_attachment(GMimeMessagePart *mp, struct ctx *c, int depth,
    json_object *atts)
{
	GMimeMessage *inner = g_mime_message_part_get_message(mp);
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *raw;
	char type[128], sha[65];
	json_object *a;
	const char *name = g_mime_object_get_content_disposition_parameter(
	    GMIME_OBJECT(mp), "filename");

	if (name == NULL)
		name = g_mime_object_get_content_type_parameter(GMIME_OBJECT(mp),
		    "name");
	/* size and sha256 of the attached mail as it would be saved. */
	if (inner != NULL)
		g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, mem);
	raw = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	owi_sha256_hex(raw->data, raw->len, sha);
	a = attachment_new(name, type_string(g_mime_object_get_content_type(
	    GMIME_OBJECT(mp)), type, sizeof(type)), NULL,
	    g_mime_object_get_disposition(GMIME_OBJECT(mp)), raw->len, sha);
	g_object_unref(mem);
	if (inner != NULL && c->messages < c->o->max_messages) {
		c->messages++;
		json_object_object_add(a, "message",
		    message_json(inner, c, depth + 1));
	} else if (inner != NULL)
		owi_envelope_error(c->env, STAGE, "too-many-messages",
		    "more than %d attached messages: the rest not parsed",
		    c->o->max_messages);
	json_object_array_add(atts, a);
}

/*
 * "Content-Type: text; charset=us-ascii" has no subtype: GMime reads it
 * as application/octet-stream and drops its parameters.  RFC 2045 5.2
 * says text is text/plain; and a type without "/" keeps its name="".
 */
static void
repair_content_type(GMimeObject *obj)
{
	const char *raw = g_mime_object_get_header(obj, "Content-Type");
	const char *semi;
	size_t tlen;
	GMimeParamList *params;
	GMimeContentType *ct;

	if (raw == NULL)
		return;
	while (*raw == ' ' || *raw == '\t')
		raw++;
	semi = strchr(raw, ';');
	tlen = semi != NULL ? (size_t)(semi - raw) : strlen(raw);
	while (tlen > 0 && (raw[tlen - 1] == ' ' || raw[tlen - 1] == '\t'))
		tlen--;
	if (memchr(raw, '/', tlen) != NULL)
		return;
	/* A new, valid type, so that GMime keeps it when it reserialises. */
	if (tlen == 4 && g_ascii_strncasecmp(raw, "text", 4) == 0)
		ct = g_mime_content_type_new("text", "plain");
	else
		ct = g_mime_content_type_new("application", "octet-stream");
	if (semi != NULL && (params = g_mime_param_list_parse(NULL,
	    semi + 1)) != NULL) {
		for (int i = 0; i < g_mime_param_list_length(params); i++) {
			GMimeParam *p = g_mime_param_list_get_parameter_at(params,
			    i);

			g_mime_content_type_set_parameter(ct,
			    g_mime_param_get_name(p), g_mime_param_get_value(p));
		}
		g_object_unref(params);
	}
	g_mime_object_set_content_type(obj, ct);
	g_object_unref(ct);
}

static void
walk(GMimeObject *obj, struct ctx *c, int depth, struct body *b,
    json_object *atts, int body_mode)
{
	GMimeContentType *ct;

	if (obj == NULL || c->too_many)
		return;
	if (++c->parts > c->o->max_parts) {
		c->too_many = 1;
		owi_envelope_error(c->env, STAGE, "too-many-parts",
		    "more than %d MIME parts: the rest ignored",
		    c->o->max_parts);
		return;
	}
	if (depth > c->o->max_depth) {
		if (!c->too_deep)
			owi_envelope_error(c->env, STAGE, "too-deep",
			    "MIME nesting deeper than %d: deeper parts ignored",
			    c->o->max_depth);
		c->too_deep = 1;
		return;
	}
	ct = g_mime_object_get_content_type(obj);
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp), best = -1, score = 0;

		if (body_mode && g_mime_content_type_is_type(ct, "multipart",
		    "alternative")) {
			for (int i = 0; i < n; i++) {
				int s = alternative_score(
				    g_mime_multipart_get_part(mp, i), 0);

				if (s > score)
					score = s, best = i;
			}
		}
		for (int i = 0; i < n; i++)
			walk(g_mime_multipart_get_part(mp, i), c, depth + 1, b,
			    atts, body_mode && (best < 0 || i == best));
		return;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		add_message_attachment(GMIME_MESSAGE_PART(obj), c, depth, atts);
		return;
	}
	if (!GMIME_IS_PART(obj))
		return;		/* message/partial and the like: nothing to read */
	repair_content_type(obj);
	ct = g_mime_object_get_content_type(obj);	/* it may have changed */
	if (is_body_text(obj)) {
		if (body_mode) {
			size_t size;
			char sha[65];
			GByteArray *bytes = part_content(GMIME_PART(obj),
			    c->o->max_extract, &size, sha);
			char *t;

			if (bytes == NULL) {
				owi_envelope_error(c->env, STAGE,
				    "text-truncated",
				    "body part of %zu bytes not read", size);
				return;
			}
			t = part_text(GMIME_PART(obj), bytes, c, "body");
			body_add(b, t, g_mime_content_type_is_type(ct, "text",
			    "html") ? "html" : "plain");
			free(t);
			g_byte_array_unref(bytes);
		}
		return;
	}
	add_part_attachment(GMIME_PART(obj), c, atts);
}

/* Outlook may send its body only inside winmail.dat. */
static void
tnef_body(struct body *b, json_object *atts)
{
	size_t n = json_object_array_length(atts);

	for (size_t i = 0; i < n && b->text->len == 0; i++) {
		json_object *a = json_object_array_get_idx(atts, i);
		const char *from = owi_envelope_get_string(a, "text_from");

		if (from != NULL && strcmp(from, "tnef") == 0)
			body_add(b, owi_envelope_get_string(a, "text"), "tnef");
	}
}

static void
add_split(json_object *m, const char *text)
{
	struct owi_split s;

	if (owi_split_text(text, strlen(text), &s) != 0) {
		owi_json_add_string(m, "new_text", text);
		owi_json_add_string(m, "quoted_text", "");
		owi_json_add_string(m, "forwarded_text", "");
		owi_json_add_string(m, "signature", "");
		return;
	}
	owi_json_add_string(m, "new_text", s.new_text);
	owi_json_add_string(m, "quoted_text", s.quoted_text);
	owi_json_add_string(m, "forwarded_text", s.forwarded_text);
	owi_json_add_string(m, "signature", s.signature);
	owi_split_free(&s);
}

static json_object *
message_json(GMimeMessage *msg, struct ctx *c, int depth)
{
	json_object *m = json_object_new_object(), *atts, *refs;
	struct body b = { g_string_new(NULL), NULL };
	char *irt;

	add_utf8(m, "message_id", g_mime_message_get_message_id(msg));
	irt = in_reply_to(msg);
	add_utf8(m, "in_reply_to", irt);
	g_free(irt);
	refs = references_json(msg);
	json_object_object_add(m, "references", refs);
	add_date(m, msg, depth == 0 ? c : NULL);
	json_object_object_add(m, "from", from_json(msg));
	json_object_object_add(m, "to",
	    addresses_json(msg, GMIME_ADDRESS_TYPE_TO, "To"));
	json_object_object_add(m, "cc",
	    addresses_json(msg, GMIME_ADDRESS_TYPE_CC, "Cc"));
	json_object_object_add(m, "reply_to",
	    addresses_json(msg, GMIME_ADDRESS_TYPE_REPLY_TO, "Reply-To"));
	add_subject(m, msg);
	json_object_object_add(m, "headers", headers_json(msg));

	atts = json_object_new_array();
	walk(g_mime_message_get_mime_part(msg), c, depth, &b, atts, 1);
	if (b.text->len == 0)
		tnef_body(&b, atts);
	owi_json_add_string(m, "text", b.text->str);
	owi_json_add_string(m, "text_from", b.from);
	add_split(m, b.text->str);
	json_object_object_add(m, "attachments", atts);
	json_object_object_add(m, "automated", owi_automated(msg));
	g_string_free(b.text, TRUE);
	return m;
}

static int
is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!g_ascii_isspace(s[i]))
			return 0;
	return 1;
}

/* GMime's message from len bytes, behind an empty header block when asked. */
static GMimeMessage *
parse_message(const char *data, size_t len, GMimeParserOptions *po,
    int no_headers)
{
	GMimeStream *stream, *cat, *nl;
	GMimeParser *parser;
	GMimeMessage *msg;

	stream = g_mime_stream_mem_new_with_buffer(data, len);
	if (no_headers) {
		cat = g_mime_stream_cat_new();
		nl = g_mime_stream_mem_new_with_buffer("\n", 1);
		g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat), nl);
		g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat), stream);
		g_object_unref(nl);
		g_object_unref(stream);
		stream = cat;
	}
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);	/* the parser holds it now */
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, po);
	g_object_unref(parser);
	return msg;
}

json_object *
owi_mime_message(const char *data, size_t len, const struct owi_parse_opts *o,
    json_object *env)
{
	struct ctx c;
	GMimeParserOptions *po;
	GMimeMessage *msg;
	json_object *m;
	static const char *fallback[] = { "utf-8", "windows-1252", NULL };

	memset(&c, 0, sizeof(c));
	c.o = o;
	c.env = env;
	po = g_mime_parser_options_new();
	g_mime_parser_options_set_warning_callback(po, on_warning, &c);
	g_mime_parser_options_set_fallback_charsets(po, fallback);
	g_mime_parser_options_set_allow_addresses_without_domain(po, TRUE);
	g_mime_parser_options_set_address_compliance_mode(po,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(po,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_rfc2047_compliance_mode(po,
	    GMIME_RFC_COMPLIANCE_LOOSE);

	msg = parse_message(data, len, po, 0);
	if (msg == NULL && len > 0 && !is_blank(data, len)) {
		/* Text without a header block is a body, as it is for python. */
		memset(c.count, 0, sizeof(c.count));
		msg = parse_message(data, len, po, 1);
		if (msg != NULL)
			owi_envelope_error(env, STAGE, "no-headers",
			    "no header block: the whole input read as the body");
	}
	if (msg == NULL) {
		report_warnings(&c);
		g_mime_parser_options_free(po);
		return NULL;
	}
	m = message_json(msg, &c, 0);
	report_warnings(&c);
	g_object_unref(msg);
	g_mime_parser_options_free(po);
	return m;
}

json_object *
owi_message_from_text(const char *subject, const char *text)
{
	json_object *m = json_object_new_object();
	char *t = owi_text_tidy(text, strlen(text));

	add_utf8(m, "subject", subject);
	add_utf8(m, "text", t != NULL ? t : "");
	owi_json_add_string(m, "text_from", "plain");
	add_split(m, t != NULL ? t : "");
	json_object_object_add(m, "attachments", json_object_new_array());
	free(t);
	return m;
}
