/*
 * text.c - charsets to UTF-8 with the fallbacks real mail needs.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>
#include <openssl/evp.h>
#include <gmime/gmime.h>

#include "text.h"

struct buf {
	char *p;
	size_t n, cap;
	int oom;
};

static void
buf_grow(struct buf *b, size_t more)
{
	char *np;
	size_t cap;

	if (b->oom || b->n + more + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap < b->n + more + 1)
		cap *= 2;
	if ((np = realloc(b->p, cap)) == NULL) {
		b->oom = 1;
		return;
	}
	b->p = np;
	b->cap = cap;
}

static void
buf_add(struct buf *b, const char *s, size_t len)
{
	buf_grow(b, len);
	if (b->oom)
		return;
	if (len > 0)
		memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
}

static char *
buf_done(struct buf *b)
{
	buf_grow(b, 0);
	if (b->oom) {
		free(b->p);
		return NULL;
	}
	if (b->p == NULL && (b->p = calloc(1, 1)) == NULL)
		return NULL;
	b->p[b->n] = '\0';
	return b->p;
}

/* Length of the valid UTF-8 sequence at s, or 0 when invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t left)
{
	unsigned c = s[0];
	size_t n;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (left < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 ||
	    cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

int
owi_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_seq(p + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

char *
owi_utf8_repair(const char *s, size_t len)
{
	const unsigned char *p;
	struct buf b = { 0 };
	size_t i = 0, start = 0, n;

	if (s == NULL)		/* nothing there: an empty string */
		s = "", len = 0;
	p = (const unsigned char *)s;

	buf_grow(&b, len);
	while (i < len) {
		if (p[i] != 0 && p[i] < 0x80) {
			i++;
			continue;
		}
		n = p[i] == 0 ? 0 : utf8_seq(p + i, len - i);
		if (n > 0) {
			i += n;
			continue;
		}
		buf_add(&b, s + start, i - start);
		if (p[i] != 0)
			buf_add(&b, "\xEF\xBF\xBD", 3);
		start = ++i;
	}
	buf_add(&b, s + start, i - start);
	return buf_done(&b);
}

/* windows-1252's 0x80-0x9F; the rest of the high half is Latin-1. */
static const unsigned short cp1252_high[32] = {
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178
};

static void
add_codepoint(struct buf *b, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80)
		u[0] = (char)cp, n = 1;
	else if (cp < 0x800)
		u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F)),
		    n = 2;
	else
		u[0] = (char)(0xE0 | cp >> 12),
		    u[1] = (char)(0x80 | (cp >> 6 & 0x3F)),
		    u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
	buf_add(b, u, n);
}

static char *
cp1252_to_utf8(const char *s, size_t len)
{
	struct buf b = { 0 };
	size_t start = 0;

	buf_grow(&b, len + len / 2);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c != 0 && c < 0x80)
			continue;
		buf_add(&b, s + start, i - start);
		start = i + 1;
		if (c == 0)
			continue;
		add_codepoint(&b, c < 0xA0 ? cp1252_high[c - 0x80] : c);
	}
	buf_add(&b, s + start, len - start);
	return buf_done(&b);
}

static int
has_8bit(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 1;
	return 0;
}

/* Charsets that mail clients write when they mean "whatever I had". */
static int
is_weak_charset(const char *cs)
{
	static const char *const weak[] = {
		"us-ascii", "ascii", "iso-8859-1", "iso8859-1", "latin1",
		"windows-1252", "cp1252", "iso-8859-15", NULL
	};

	for (int i = 0; weak[i] != NULL; i++)
		if (strcasecmp(cs, weak[i]) == 0)
			return 1;
	return 0;
}

static int
is_utf8_name(const char *cs)
{
	return strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0;
}

/* Converts with iconv, replacing what cannot be converted by U+FFFD. */
static char *
iconv_to_utf8(iconv_t cd, const char *s, size_t len, int *repaired)
{
	struct buf b = { 0 };
	char *in = (char *)s;
	size_t inleft = len;

	buf_grow(&b, len * 2 + 16);
	while (!b.oom) {
		char *out;
		size_t outleft, r;

		buf_grow(&b, inleft * 2 + 16);
		if (b.oom)
			break;
		out = b.p + b.n;
		outleft = b.cap - b.n - 1;
		r = iconv(cd, &in, &inleft, &out, &outleft);
		b.n = (size_t)(out - b.p);
		b.p[b.n] = '\0';
		if (r != (size_t)-1) {
			if (inleft == 0)
				break;
			continue;
		}
		if (errno == E2BIG) {
			buf_grow(&b, b.cap);
			continue;
		}
		/* EILSEQ or EINVAL (truncated at the end): skip a byte. */
		*repaired = 1;
		buf_add(&b, "\xEF\xBF\xBD", 3);
		in++;
		inleft--;
		if (inleft == 0)
			break;
	}
	/* Flush a stateful encoding's shift state. */
	if (!b.oom) {
		char *out;
		size_t outleft;

		buf_grow(&b, 16);
		if (!b.oom) {
			out = b.p + b.n;
			outleft = b.cap - b.n - 1;
			iconv(cd, NULL, NULL, &out, &outleft);
			b.n = (size_t)(out - b.p);
			b.p[b.n] = '\0';
		}
	}
	return buf_done(&b);
}

/* What to do with 8-bit text nobody declared correctly. */
static char *
guess(const char *s, size_t len, enum owi_charset_how *how,
    enum owi_charset_how utf8_how)
{
	if (owi_utf8_valid(s, len)) {
		*how = utf8_how;
		return owi_utf8_repair(s, len);	/* drops NULs */
	}
	*how = OWI_CS_CP1252_GUESS;
	return cp1252_to_utf8(s, len);
}

char *
owi_text_to_utf8(const char *s, size_t len, const char *charset,
    enum owi_charset_how *how)
{
	enum owi_charset_how dummy;
	iconv_t cd;
	char *out, *clean;
	int repaired = 0;

	if (how == NULL)
		how = &dummy;
	*how = OWI_CS_DECLARED;
	if (!has_8bit(s, len) && (charset == NULL || *charset == '\0' ||
	    is_weak_charset(charset) || is_utf8_name(charset)))
		return owi_utf8_repair(s, len);
	if (charset == NULL || *charset == '\0')
		return guess(s, len, how, OWI_CS_UTF8_GUESS);
	if (is_weak_charset(charset)) {
		/* A lie seen every day: UTF-8 labelled Latin-1 or ASCII. */
		if (owi_utf8_valid(s, len) && strcasecmp(charset, "us-ascii") != 0 &&
		    strcasecmp(charset, "ascii") != 0) {
			*how = OWI_CS_UTF8_GUESS;
			return owi_utf8_repair(s, len);
		}
		if (strcasecmp(charset, "us-ascii") == 0 ||
		    strcasecmp(charset, "ascii") == 0)
			return guess(s, len, how, OWI_CS_UTF8_GUESS);
		/* Latin-1 as windows-1252, as every browser does. */
		if (strncasecmp(charset, "iso-8859-15", 11) != 0)
			return cp1252_to_utf8(s, len);
	}
	if (is_utf8_name(charset)) {
		if (owi_utf8_valid(s, len))
			return owi_utf8_repair(s, len);
		/* Mostly UTF-8 with a few bad bytes, or not UTF-8 at all? */
		size_t good = 0, bad = 0, i = 0, n;
		const unsigned char *p = (const unsigned char *)s;

		while (i < len) {
			if (p[i] < 0x80) {
				i++;
				continue;
			}
			n = utf8_seq(p + i, len - i);
			if (n > 0)
				good++, i += n;
			else
				bad++, i++;
		}
		if (good > bad) {
			*how = OWI_CS_REPAIRED;
			return owi_utf8_repair(s, len);
		}
		*how = OWI_CS_CP1252_GUESS;
		return cp1252_to_utf8(s, len);
	}
	cd = g_mime_iconv_open("UTF-8", charset);
	if (cd == (iconv_t)-1) {
		out = guess(s, len, how, OWI_CS_UTF8_GUESS);
		if (*how == OWI_CS_UTF8_GUESS || *how == OWI_CS_CP1252_GUESS)
			*how = OWI_CS_UNKNOWN;
		return out;
	}
	out = iconv_to_utf8(cd, s, len, &repaired);
	g_mime_iconv_close(cd);
	if (out == NULL)
		return NULL;
	if (repaired)
		*how = OWI_CS_REPAIRED;
	/* iconv's output is UTF-8, but a converter may pass NULs through. */
	clean = owi_utf8_repair(out, strlen(out));
	free(out);
	return clean;
}

char *
owi_flowed_decode(const char *s, size_t len, int delsp)
{
	struct buf b = { 0 };
	const char *p = s, *end = s + len;
	int joining = 0;

	buf_grow(&b, len);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl != NULL ? nl : end;
		size_t n;
		int quote = 0;
		const char *q = p;

		if (e > p && e[-1] == '\r')
			e--;
		while (q < e && *q == '>')
			q++, quote++;
		/* Space stuffing (RFC 3676 4.4), after the quote marks. */
		if (q < e && *q == ' ')
			q++;
		n = (size_t)(e - q);
		/* A soft break joins this line to the next; "-- " is not one. */
		int soft = n > 0 && q[n - 1] == ' ' &&
		    !(n == 3 && memcmp(q, "-- ", 3) == 0);

		if (!joining && quote > 0) {
			for (int i = 0; i < quote; i++)
				buf_add(&b, ">", 1);
			buf_add(&b, " ", 1);
		}
		if (soft && delsp)
			n--;
		buf_add(&b, q, n);
		joining = soft;
		if (!soft)
			buf_add(&b, "\n", 1);
		p = nl != NULL ? nl + 1 : end;
	}
	return buf_done(&b);
}

char *
owi_text_tidy(const char *s, size_t len)
{
	struct buf b = { 0 };
	const char *p = s, *end = s + len;
	size_t blank_run = 0;
	int started = 0;

	buf_grow(&b, len);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl != NULL ? nl : end;

		while (e > p && (e[-1] == '\r' || e[-1] == ' ' ||
		    e[-1] == '\t'))
			e--;
		if (e == p) {
			blank_run++;
		} else {
			if (started)
				for (size_t i = 0; i < blank_run + 1; i++)
					buf_add(&b, "\n", 1);
			buf_add(&b, p, (size_t)(e - p));
			started = 1;
			blank_run = 0;
		}
		p = nl != NULL ? nl + 1 : end;
	}
	return buf_done(&b);
}

/* OpenSSL's SHA-256 uses the CPU's SHA instructions: GLib's is 5x slower. */
void
owi_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	static const char digits[] = "0123456789abcdef";

	if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
		n = 0;
	for (unsigned int i = 0; i < 32; i++) {
		hex[2 * i] = i < n ? digits[md[i] >> 4] : '0';
		hex[2 * i + 1] = i < n ? digits[md[i] & 15] : '0';
	}
	hex[64] = '\0';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* The bytes of one encoded word's text, appended to b. */
static void
decode_word(struct buf *b, char enc, const char *s, size_t n)
{
	if (enc == 'Q' || enc == 'q') {
		for (size_t i = 0; i < n; i++) {
			int h, l;

			if (s[i] == '_')
				buf_add(b, " ", 1);
			else if (s[i] == '=' && i + 2 < n &&
			    (h = hexval(s[i + 1])) >= 0 &&
			    (l = hexval(s[i + 2])) >= 0) {
				char c = (char)(h << 4 | l);

				buf_add(b, &c, 1);
				i += 2;
			} else
				buf_add(b, s + i, 1);
		}
		return;
	}
	/* Base64, each word on its own: padding ends a word, not the run. */
	unsigned acc = 0;
	int bits = 0;

	for (size_t i = 0; i < n; i++) {
		int v = b64val((unsigned char)s[i]);

		if (v < 0)
			continue;
		acc = acc << 6 | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			char c = (char)(acc >> (bits - 8));

			bits -= 8;
			buf_add(b, &c, 1);
		}
	}
}

/* Appends the pending run of same-charset words, converted, to out. */
static void
flush_run(struct buf *out, struct buf *run, char *charset)
{
	char *u;

	if (run->n == 0)
		return;
	u = owi_text_to_utf8(run->p, run->n, charset, NULL);
	if (u != NULL)
		buf_add(out, u, strlen(u));
	free(u);
	run->n = 0;
}

/*
 * RFC 2047 decoding of an unstructured header (Subject).  Adjacent
 * encoded words in one charset are joined as bytes before conversion, so
 * that a character split over two words survives; each base64 word is
 * decoded on its own (GMime 3.2 joins their text and stops at the first
 * padding).  Text outside encoded words is read as UTF-8, else
 * windows-1252.
 */
char *
owi_rfc2047_decode(const char *raw)
{
	struct buf out = { 0 }, run = { 0 }, plain = { 0 };
	char charset[64] = "";
	const char *p = raw;

	while (*p != '\0') {
		const char *q, *cs_end, *enc, *text, *end;

		if (p[0] == '=' && p[1] == '?' &&
		    (cs_end = strchr(p + 2, '?')) != NULL &&
		    (cs_end[1] == 'B' || cs_end[1] == 'b' || cs_end[1] == 'Q' ||
		    cs_end[1] == 'q') && cs_end[2] == '?' &&
		    (end = strstr(cs_end + 3, "?=")) != NULL &&
		    memchr(p, ' ', (size_t)(end - p)) == NULL &&
		    (size_t)(cs_end - p - 2) < sizeof(charset)) {
			char cs[64];
			size_t cl = (size_t)(cs_end - p - 2);

			memcpy(cs, p + 2, cl);
			cs[cl] = '\0';
			cs[strcspn(cs, "*")] = '\0';	/* RFC 2231 language */
			/* Blanks between two encoded words are not text. */
			if (plain.n > 0) {
				int blank = 1;

				for (size_t i = 0; i < plain.n; i++)
					if (!strchr(" \t\r\n", plain.p[i]))
						blank = 0;
				if (!blank || run.n == 0) {
					flush_run(&out, &run, charset);
					flush_run(&out, &plain, NULL);
				}
				plain.n = 0;
			}
			if (strcasecmp(cs, charset) != 0) {
				flush_run(&out, &run, charset);
				snprintf(charset, sizeof(charset), "%s", cs);
			}
			enc = cs_end + 1;
			text = cs_end + 3;
			decode_word(&run, *enc, text, (size_t)(end - text));
			p = end + 2;
			continue;
		}
		/* Unfold: a line break (its indent stays as the space). */
		if (*p == '\r' || *p == '\n') {
			p++;
			continue;
		}
		q = p + 1;
		while (*q != '\0' && *q != '\r' && *q != '\n' &&
		    !(q[0] == '=' && q[1] == '?'))
			q++;
		buf_add(&plain, p, (size_t)(q - p));
		p = q;
	}
	flush_run(&out, &run, charset);
	flush_run(&out, &plain, NULL);
	free(run.p);
	free(plain.p);
	return buf_done(&out);
}
