/*
 * validate.c - check digits and shapes of the identifiers customers quote.
 *
 * Every validator first squeezes its input: the letters and digits are
 * copied, upper case, into a small buffer and the separators between them
 * dropped, so that the checks below only ever see a short clean string.
 * Written from the public specifications: GS1 General Specifications
 * (EAN/UPC check digit), UPU S10, ISO 13616 and ISO 7064 MOD 97-10 (IBAN),
 * the UPS 1Z check digit, ITU-T E.164 and the national numbering plans.
 */

#include <stddef.h>
#include <string.h>

#include "validate.h"

/* Kinds of separator a caller accepts between two characters. */
#define SEP_SPACE	0x01	/* space, tab, no-break and thin spaces */
#define SEP_DASH	0x02	/* '-' and the Unicode hyphens and dashes */
#define SEP_DOT		0x04	/* '.' */
#define SEP_SLASH	0x08	/* '/' */

/* Longer than any identifier here; longer inputs are refused early. */
#define SQUEEZE_MAX	40

static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

static int
isupp(int c)
{
	return c >= 'A' && c <= 'Z';
}

static int
toupp(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static int
isaln(int c)
{
	return isdig(c) || isupp(toupp(c));
}

/*
 * The length in bytes of the separator at p (n bytes left) if its kind is
 * in flags, else 0; *kind is set to that kind. The UTF-8 forms are those
 * that word processors and phones put in place of a typed space or dash.
 */
static size_t
sepwidth(const unsigned char *p, size_t n, unsigned flags, unsigned *kind)
{
	unsigned k = 0;
	size_t w = 0;

	if (p[0] == ' ' || p[0] == '\t') {
		k = SEP_SPACE;
		w = 1;
	} else if (p[0] == '-') {
		k = SEP_DASH;
		w = 1;
	} else if (p[0] == '.') {
		k = SEP_DOT;
		w = 1;
	} else if (p[0] == '/') {
		k = SEP_SLASH;
		w = 1;
	} else if (n >= 2 && p[0] == 0xc2 && p[1] == 0xa0) {
		k = SEP_SPACE;		/* U+00A0 no-break space */
		w = 2;
	} else if (n >= 3 && p[0] == 0xe2 && p[1] == 0x80) {
		if (p[2] == 0x89 || p[2] == 0xaf)
			k = SEP_SPACE;	/* U+2009 thin, U+202F narrow nbsp */
		else if (p[2] >= 0x90 && p[2] <= 0x93)
			k = SEP_DASH;	/* U+2010 to U+2013 */
		w = 3;
	} else if (n >= 3 && p[0] == 0xe2 && p[1] == 0x88 && p[2] == 0x92) {
		k = SEP_DASH;		/* U+2212 minus sign */
		w = 3;
	}
	if (k == 0 || (k & flags) == 0)
		return 0;
	*kind = k;
	return w;
}

/*
 * Copies the letters and digits of s into buf (upper case, NUL-terminated)
 * and returns their count. Blanks are dropped anywhere, the other
 * separators in flags only between two characters. Returns -1 on any
 * other byte, a dash, dot or slash at either end, or more than
 * SQUEEZE_MAX characters.
 */
static int
squeeze(const char *s, size_t len, unsigned flags, char buf[SQUEEZE_MAX + 1])
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, w;
	unsigned kind, last = 0;
	int n = 0;

	if (s == NULL)
		return -1;
	while (i < len) {
		if (isaln(p[i])) {
			if (n == SQUEEZE_MAX)
				return -1;
			buf[n++] = (char)toupp(p[i++]);
			last = 0;
			continue;
		}
		if ((w = sepwidth(p + i, len - i, flags | SEP_SPACE,
		    &kind)) == 0)
			return -1;
		/* Blanks may surround the whole; the others only separate. */
		if (kind != SEP_SPACE) {
			if (n == 0)
				return -1;
			last = kind;
		}
		i += w;
	}
	if (last != 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/*
 * Writes the n bytes at src and a NUL into out. Returns 1, or 0 (and ""
 * in out) when size is too small. A NULL out only validates.
 */
static int
put(char *out, size_t size, const char *src, size_t n)
{
	if (out == NULL)
		return 1;
	if (n >= size) {
		if (size > 0)
			out[0] = '\0';
		return 0;
	}
	memcpy(out, src, n);
	out[n] = '\0';
	return 1;
}

static int
fail(char *out, size_t size)
{
	if (out != NULL && size > 0)
		out[0] = '\0';
	return 0;
}

static int
alldigits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdig((unsigned char)s[i]))
			return 0;
	return 1;
}

static int
allupper(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isupp((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * ISO 3166-1 alpha-2, the 249 officially assigned codes, sorted. Both S10
 * and IBAN name the country this way.
 */
static const char iso3166[] =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH "
    "BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL "
    "CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET "
    "FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU "
    "GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE "
    "KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC "
    "MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC "
    "NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT "
    "PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR "
    "SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA "
    "UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

static int
iso_country(const char *cc)
{
	size_t i;

	for (i = 0; i + 2 <= sizeof(iso3166) - 1; i += 3)
		if (iso3166[i] == cc[0] && iso3166[i + 1] == cc[1])
			return 1;
	return 0;
}

/* GS1: weights 3 and 1 from the right of the data digits, mod 10. */
static int
gs1_check(const char *d, size_t n)
{
	size_t i;
	int sum = 0;

	for (i = 0; i < n; i++)
		sum += (d[n - 1 - i] - '0') * (i % 2 == 0 ? 3 : 1);
	return (10 - sum % 10) % 10;
}

int
owi_valid_ean13(const char *s, size_t len, char *out, size_t size)
{
	char buf[SQUEEZE_MAX + 1], ean[14];
	int n;

	n = squeeze(s, len, SEP_SPACE | SEP_DASH, buf);
	if ((n != 12 && n != 13) || !alldigits(buf, (size_t)n))
		return fail(out, size);
	/* UPC-A is the EAN-13 whose first digit is 0. */
	ean[0] = '0';
	memcpy(ean + 13 - n, buf, (size_t)n);
	ean[13] = '\0';
	if (strspn(ean, "0") >= 13 || ean[12] - '0' != gs1_check(ean, 12))
		return fail(out, size);
	return put(out, size, ean, 13);
}

/*
 * The UPS 1Z check digit over the 15 characters between "1Z" and it:
 * letters count as (letter - 'A' + 2) mod 10, so A is 2, H 9, I 0, J 1;
 * the 2nd, 4th, ... characters are doubled, plain sum, 10 - sum mod 10.
 */
static int
ups_check(const char *d)
{
	int i, v, sum = 0;

	for (i = 0; i < 15; i++) {
		v = isdig((unsigned char)d[i]) ? d[i] - '0' :
		    (d[i] - 'A' + 2) % 10;
		sum += i % 2 == 1 ? 2 * v : v;
	}
	return (10 - sum % 10) % 10;
}

static int
ups_ok(const char *b, size_t n)
{
	return n == 18 && b[0] == '1' && b[1] == 'Z' &&
	    isdig((unsigned char)b[17]) && b[17] - '0' == ups_check(b + 2);
}

int
owi_valid_ups(const char *s, size_t len, char *out, size_t size)
{
	char buf[SQUEEZE_MAX + 1];
	int n;

	n = squeeze(s, len, SEP_SPACE | SEP_DASH, buf);
	if (n < 0 || !ups_ok(buf, (size_t)n))
		return fail(out, size);
	return put(out, size, buf, (size_t)n);
}

/*
 * UPU S10 check digit of the 8 serial digits: weights 8 6 4 2 3 5 9 7,
 * 11 - sum mod 11, where 10 becomes 0 and 11 becomes 5.
 */
static int
s10_check(const char *d)
{
	static const int w[8] = { 8, 6, 4, 2, 3, 5, 9, 7 };
	int i, c, sum = 0;

	for (i = 0; i < 8; i++)
		sum += (d[i] - '0') * w[i];
	c = 11 - sum % 11;
	return c == 10 ? 0 : c == 11 ? 5 : c;
}

/* 2 letters, 9 digits, 2 letters: the S10 shape, check digit aside. */
static int
s10_shape(const char *b, size_t n)
{
	return n == 13 && allupper(b, 2) && alldigits(b + 2, 9) &&
	    allupper(b + 11, 2);
}

static int
s10_ok(const char *b, size_t n)
{
	return s10_shape(b, n) && b[10] - '0' == s10_check(b + 2) &&
	    iso_country(b + 11);
}

int
owi_valid_s10(const char *s, size_t len, char *out, size_t size)
{
	char buf[SQUEEZE_MAX + 1];
	int n;

	n = squeeze(s, len, SEP_SPACE | SEP_DASH, buf);
	if (n < 0 || !s10_ok(buf, (size_t)n))
		return fail(out, size);
	return put(out, size, buf, (size_t)n);
}

/*
 * IBAN lengths and BBAN character classes from the SWIFT IBAN registry
 * for the SEPA countries, those admitted since 2024 (AL MD ME MK RS)
 * included, as runs "<count><class>": n digit, a upper-case letter, c
 * either. XK is Kosovo's code in the registry, outside ISO 3166, so it
 * must be listed to be accepted at all.
 */
static const struct iban_country {
	char		 cc[3];
	const char	*bban;
} iban_countries[] = {
	{ "AD", "8n12c" },	{ "AL", "8n16c" },	{ "AT", "16n" },
	{ "BE", "12n" },	{ "BG", "4a6n8c" },	{ "CH", "5n12c" },
	{ "CY", "8n16c" },	{ "CZ", "20n" },	{ "DE", "18n" },
	{ "DK", "14n" },	{ "EE", "16n" },	{ "ES", "20n" },
	{ "FI", "14n" },	{ "FR", "10n11c2n" },	{ "GB", "4a14n" },
	{ "GI", "4a15c" },	{ "GR", "7n16c" },	{ "HR", "17n" },
	{ "HU", "24n" },	{ "IE", "4a14n" },	{ "IS", "22n" },
	{ "IT", "1a10n12c" },	{ "LI", "5n12c" },	{ "LT", "16n" },
	{ "LU", "3n13c" },	{ "LV", "4a13c" },	{ "MC", "10n11c2n" },
	{ "MD", "20c" },	{ "ME", "18n" },	{ "MK", "3n10c2n" },
	{ "MT", "4a5n18c" },	{ "NL", "4a10n" },	{ "NO", "11n" },
	{ "PL", "24n" },	{ "PT", "21n" },	{ "RO", "4a16c" },
	{ "RS", "18n" },	{ "SE", "20n" },	{ "SI", "15n" },
	{ "SK", "20n" },	{ "SM", "1a10n12c" },	{ "VA", "18n" },
	{ "XK", "16n" },
};

/* Whether the n characters at b match the run pattern p exactly. */
static int
bban_matches(const char *p, const char *b, size_t n)
{
	size_t i = 0, count;
	int c;

	while (*p != '\0') {
		for (count = 0; isdig((unsigned char)*p); p++)
			count = count * 10 + (size_t)(*p - '0');
		for (; count > 0; count--, i++) {
			if (i == n)
				return 0;
			c = (unsigned char)b[i];
			if ((*p == 'n' && !isdig(c)) ||
			    (*p == 'a' && !isupp(c)))
				return 0;
		}
		p++;
	}
	return i == n;
}

/* ISO 7064 MOD 97-10 of the IBAN read from its fifth character on. */
static int
iban_mod97(const char *b, size_t n)
{
	size_t i, k;
	int r = 0, c;

	for (i = 0; i < n; i++) {
		k = (i + 4) % n;
		c = (unsigned char)b[k];
		if (isdig(c))
			r = (r * 10 + (c - '0')) % 97;
		else
			r = (r * 100 + (c - 'A' + 10)) % 97;
	}
	return r;
}

int
owi_valid_iban(const char *s, size_t len, char *out, size_t size)
{
	char buf[SQUEEZE_MAX + 1];
	const struct iban_country *ic = NULL;
	size_t i, n;
	int k, check;

	if ((k = squeeze(s, len, SEP_SPACE | SEP_DASH, buf)) < 15 || k > 34)
		return fail(out, size);
	n = (size_t)k;
	if (!allupper(buf, 2) || !alldigits(buf + 2, 2))
		return fail(out, size);
	/*
	 * Check digits are 98 - (mod 97), 02 to 98; 00, 01 and 99 would pass
	 * the mod 97 test wherever 97, 98 and 02 do.
	 */
	check = (buf[2] - '0') * 10 + (buf[3] - '0');
	if (check < 2 || check > 98)
		return fail(out, size);
	for (i = 0; i < sizeof(iban_countries) / sizeof(iban_countries[0]);
	    i++)
		if (memcmp(iban_countries[i].cc, buf, 2) == 0) {
			ic = &iban_countries[i];
			break;
		}
	if (ic != NULL) {
		if (!bban_matches(ic->bban, buf + 4, n - 4))
			return fail(out, size);
	} else if (!iso_country(buf))
		return fail(out, size);
	if (iban_mod97(buf, n) != 1)
		return fail(out, size);
	return put(out, size, buf, n);
}

int
owi_valid_luhn(const char *digits, size_t len)
{
	char buf[SQUEEZE_MAX + 1];
	int n, i, d, sum = 0;

	n = squeeze(digits, len, SEP_SPACE | SEP_DASH, buf);
	if (n < 12 || n > 19 || !alldigits(buf, (size_t)n))
		return 0;
	/* Every second digit from the right is doubled, 10-18 less 9. */
	for (i = 0; i < n; i++) {
		d = buf[n - 1 - i] - '0';
		if (i % 2 == 1 && (d *= 2) > 9)
			d -= 9;
		sum += d;
	}
	return sum % 10 == 0;
}

/*
 * Phone numbers. A country: its code, the length range of the national
 * significant number (without trunk prefix), and its trunk rule.
 */
enum trunk {
	TRUNK_NONE,	/* no trunk prefix: a leading 0 is an error */
	TRUNK_ZERO,	/* national 0 that the international form drops */
	TRUNK_KEEP,	/* Italy: the 0 is part of the number */
	TRUNK_NANP	/* North America: [2-9]XX [2-9]XX XXXX */
};

static const struct phone_country {
	const char	*cc;
	int		 min, max;
	enum trunk	 trunk;
} phone_countries[] = {
	{ "33",	 9,  9, TRUNK_ZERO },	/* France */
	{ "32",	 8,  9, TRUNK_ZERO },	/* Belgium: fixed 8, mobile 9 */
	{ "41",	 9,  9, TRUNK_ZERO },	/* Switzerland */
	{ "352", 4, 11, TRUNK_NONE },	/* Luxembourg: open numbering */
	{ "49",	 5, 13, TRUNK_ZERO },	/* Germany: open numbering */
	{ "34",	 9,  9, TRUNK_NONE },	/* Spain */
	{ "39",	 6, 11, TRUNK_KEEP },	/* Italy: fixed 6-11, mobile 9-10 */
	{ "44",	 9, 10, TRUNK_ZERO },	/* United Kingdom */
	{ "31",	 9,  9, TRUNK_ZERO },	/* Netherlands */
	{ "351", 9,  9, TRUNK_NONE },	/* Portugal */
	{ "1",	10, 10, TRUNK_NANP },	/* United States, Canada */
	{ "377", 8,  9, TRUNK_ZERO },	/* Monaco: fixed 8, mobile 8-9 */
	{ "262", 9,  9, TRUNK_ZERO },	/* Réunion, Mayotte */
	{ "590", 9,  9, TRUNK_ZERO },	/* Guadeloupe, St-Martin, St-Barth */
	{ "594", 9,  9, TRUNK_ZERO },	/* French Guiana */
	{ "596", 9,  9, TRUNK_ZERO },	/* Martinique */
};

/*
 * The overseas departments are in the French national plan (0692 ...)
 * but have their own country codes: the first three digits of the
 * national number tell which (ARCEP plan; fixed and mobile ranges; the
 * shared 0976 VoIP range stays +33).
 */
static const struct {
	char	prefix[4];
	char	cc[4];
} overseas[] = {
	{ "262", "262" }, { "263", "262" }, { "692", "262" }, { "693", "262" },
	{ "269", "262" }, { "639", "262" },
	{ "590", "590" }, { "690", "590" }, { "691", "590" },
	{ "594", "594" }, { "694", "594" },
	{ "596", "596" }, { "696", "596" }, { "697", "596" },
};

#define PHONE_MAX	20	/* digits kept while scanning */
#define NOZERO		((size_t)-1)	/* no "(0)" seen */

/*
 * Writes +CC NSN into out, the French national numbers given their
 * overseas code where they have one.
 */
static int
phone_put(const char *cc, const char *nsn, size_t n, char *out, size_t size)
{
	char e164[1 + 15 + 1];
	size_t i, ccn;

	/*
	 * 06 39 98 is not Mayotte: ARCEP keeps it, with 01 99 00 and the
	 * like, for films and books, in the metropolitan plan.
	 */
	if (strcmp(cc, "33") == 0 && n >= 5 && memcmp(nsn, "63998", 5) != 0)
		for (i = 0; i < sizeof(overseas) / sizeof(overseas[0]); i++)
			if (memcmp(nsn, overseas[i].prefix, 3) == 0) {
				cc = overseas[i].cc;
				break;
			}
	ccn = strlen(cc);
	/* E.164's limit; the table's lengths keep within it already. */
	if (ccn + n > 15)
		return fail(out, size);
	e164[0] = '+';
	memcpy(e164 + 1, cc, ccn);
	memcpy(e164 + 1 + ccn, nsn, n);
	return put(out, size, e164, 1 + ccn + n);
}

int
owi_phone_e164(const char *s, size_t len, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	const struct phone_country *pc = NULL;
	char d[PHONE_MAX + 2], nsn[PHONE_MAX + 2];
	size_t i = 0, n = 0, w, k, ccn, nn, start, group = 0;
	size_t zero_at = NOZERO;
	unsigned kind;
	int plus = 0, inparen = 0, prev = 0;

	if (s == NULL)
		return fail(out, size);
	while (i < len && (w = sepwidth(p + i, len - i, SEP_SPACE, &kind)) > 0)
		i += w;
	/* "+33", "(+33)": the plus comes first or right after a '('. */
	if (i < len && p[i] == '+') {
		plus = 1;
		i++;
	} else if (i + 1 < len && p[i] == '(' && p[i + 1] == '+') {
		plus = inparen = 1;
		i += 2;
	}
	/* prev is the last token but blanks: 'd'igit, '(', ')', '-' or 0. */
	for (; i < len; i++) {
		if (isdig(p[i])) {
			if (n == PHONE_MAX)
				return fail(out, size);
			d[n++] = (char)p[i];
			prev = 'd';
		} else if (p[i] == '(') {
			if (inparen)
				return fail(out, size);
			inparen = 1;
			group = n;
			prev = '(';
		} else if (p[i] == ')') {
			if (!inparen || n == group || prev != 'd')
				return fail(out, size);
			inparen = 0;
			/* "(0)": the trunk 0 written for national callers. */
			if (n == group + 1 && d[group] == '0') {
				if (zero_at != NOZERO)
					return fail(out, size);
				zero_at = group;
				n--;
			}
			prev = ')';
		} else if ((w = sepwidth(p + i, len - i,
		    SEP_SPACE | SEP_DASH | SEP_DOT | SEP_SLASH, &kind)) > 0) {
			if (kind != SEP_SPACE) {
				if (prev != 'd' && prev != ')')
					return fail(out, size);
				prev = '-';
			}
			i += w - 1;
		} else
			return fail(out, size);
	}
	if (inparen || (prev != 'd' && prev != ')') || n == 0)
		return fail(out, size);
	d[n] = '\0';

	if (!plus && n >= 2 && d[0] == '0' && d[1] == '0') {
		/* "00" is the international prefix from France. */
		if (zero_at != NOZERO && zero_at < 2)
			return fail(out, size);
		memmove(d, d + 2, n - 1);
		n -= 2;
		if (zero_at != NOZERO)
			zero_at -= 2;
		plus = 1;
	}
	if (!plus) {
		/* A national "(0)6 12 ..." keeps its 0. */
		if (zero_at != NOZERO) {
			memmove(d + zero_at + 1, d + zero_at, n - zero_at + 1);
			d[zero_at] = '0';
			n++;
		}
		if (n != 10 || d[0] != '0' || d[1] == '0')
			return fail(out, size);
		return phone_put("33", d + 1, 9, out, size);
	}

	/* Country codes are prefix-free, so the first match is the one. */
	for (k = 0; k < sizeof(phone_countries) / sizeof(phone_countries[0]);
	    k++) {
		ccn = strlen(phone_countries[k].cc);
		if (n > ccn && memcmp(d, phone_countries[k].cc, ccn) == 0) {
			pc = &phone_countries[k];
			break;
		}
	}
	if (pc == NULL)
		return fail(out, size);
	ccn = strlen(pc->cc);
	start = ccn;
	nn = 0;
	if (zero_at != NOZERO) {
		/* "(0)" belongs right after the country code. */
		if (zero_at != ccn)
			return fail(out, size);
		if (pc->trunk == TRUNK_KEEP)
			nsn[nn++] = '0';
		else if (pc->trunk != TRUNK_ZERO)
			return fail(out, size);
	} else if (pc->trunk == TRUNK_ZERO && d[start] == '0')
		start++;	/* "+33 06 ...": a trunk 0 typed anyway */
	memcpy(nsn + nn, d + start, n - start);
	nn += n - start;
	nsn[nn] = '\0';
	if ((int)nn < pc->min || (int)nn > pc->max)
		return fail(out, size);
	if (pc->trunk != TRUNK_KEEP && nsn[0] == '0')
		return fail(out, size);
	if (pc->trunk == TRUNK_NANP && (nsn[0] < '2' || nsn[3] < '2'))
		return fail(out, size);
	return phone_put(pc->cc, nsn, nn, out, size);
}

/*
 * Carrier names a hint may use, after lower-casing and dropping blanks,
 * dashes, dots and underscores ("Mondial Relay" is "mondialrelay").
 */
static const struct {
	const char	*name;
	const char	*carrier;
} hint_names[] = {
	{ "ups", "ups" },
	{ "laposte", "laposte" },
	{ "colissimo", "colissimo" },
	{ "chronopost", "chronopost" },
	{ "dhl", "dhl" }, { "dhlexpress", "dhl" }, { "dhlparcel", "dhl" },
	{ "dhlpaket", "dhl" },
	{ "dpd", "dpd" }, { "dpdfrance", "dpd" },
	{ "gls", "gls" },
	{ "mondial", "mondialrelay" }, { "mondialrelay", "mondialrelay" },
	{ "fedex", "fedex" },
};

static const char *
hint_carrier(const char *hint)
{
	char h[24];
	size_t i, n = 0;
	int c;

	if (hint == NULL)
		return NULL;
	for (i = 0; hint[i] != '\0'; i++) {
		c = (unsigned char)hint[i];
		if (c == ' ' || c == '-' || c == '.' || c == '_')
			continue;
		if (n == sizeof(h) - 1)
			return NULL;
		h[n++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	h[n] = '\0';
	for (i = 0; i < sizeof(hint_names) / sizeof(hint_names[0]); i++)
		if (strcmp(h, hint_names[i].name) == 0)
			return hint_names[i].carrier;
	return NULL;
}

static int
is(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

const char *
owi_tracking_carrier(const char *normalised, const char *hint)
{
	char b[SQUEEZE_MAX + 1];
	const char *h;
	size_t n;

	if (normalised == NULL)
		return NULL;
	for (n = 0; normalised[n] != '\0'; n++) {
		if (n == SQUEEZE_MAX || !isaln((unsigned char)normalised[n]))
			return NULL;
		b[n] = (char)toupp((unsigned char)normalised[n]);
	}
	b[n] = '\0';
	h = hint_carrier(hint);

	/* UPS: "1Z" and 16 characters with a valid check digit. */
	if (ups_ok(b, n))
		return "ups";
	/*
	 * DHL Paket: "JJD" and 18 digits (longer forms of up to 21 digits
	 * are seen too); DHL eCommerce: "JVGL" and 8 to 20 digits.
	 */
	if (n >= 21 && n <= 24 && memcmp(b, "JJD", 3) == 0 &&
	    alldigits(b + 3, n - 3))
		return "dhl";
	if (n >= 12 && n <= 24 && memcmp(b, "JVGL", 4) == 0 &&
	    alldigits(b + 4, n - 4))
		return "dhl";
	/*
	 * S10 with a valid check digit: La Poste handles them in France,
	 * unless the text names Colissimo or Chronopost. Chronopost's own
	 * S10 numbers are "X?...FR", and it runs EMS ("E?...FR") for La
	 * Poste, so those are Chronopost without a hint.
	 */
	if (s10_ok(b, n)) {
		if (is(h, "colissimo") || is(h, "chronopost"))
			return h;
		if (memcmp(b + 11, "FR", 2) == 0 &&
		    (b[0] == 'X' || b[0] == 'E'))
			return "chronopost";
		return "laposte";
	}
	/* Chronopost named in the text: 2 letters, 9 digits, "FR". */
	if (is(h, "chronopost") && s10_shape(b, n) &&
	    memcmp(b + 11, "FR", 2) == 0)
		return "chronopost";
	/*
	 * Colissimo domestic: 13 characters, 2 letters or digits (the
	 * product: "6A", "8L", "CB") then 11 digits. 13 digits alone look
	 * like an EAN-13, so they need the hint.
	 */
	if (n == 13 && isaln((unsigned char)b[0]) &&
	    isaln((unsigned char)b[1]) && alldigits(b + 2, 11)) {
		if (!alldigits(b, 2) || is(h, "colissimo") || is(h, "laposte"))
			return "colissimo";
		return NULL;
	}
	/* The rest are plain digit runs that only the hint attributes. */
	if (h == NULL || !alldigits(b, n))
		return NULL;
	if (is(h, "dhl") && n == 10)
		return "dhl";		/* DHL Express waybill */
	if (is(h, "dpd") && n == 14)
		return "dpd";		/* DPD parcel number */
	if (is(h, "gls") && (n == 11 || n == 12))
		return "gls";
	if (is(h, "mondialrelay") && (n == 8 || n == 10))
		return "mondialrelay";
	if (is(h, "fedex") && (n == 12 || n == 15))
		return "fedex";
	return NULL;
}
