/*
 * quote.c - split a mail body into new text, quoted history, forwarded
 * messages and signature.
 *
 * The body is cut into lines once; blank lines are not stored, each stored
 * line remembers how many blank lines preceded it. Every line then gets one
 * class by a single forward pass, and a bounded backward look at the end of
 * the new text finds a closing formula. All patterns are anchored, run on
 * one line (or at most three joined lines) of bounded length, and under a
 * PCRE2 match limit, so the work per line is bounded and the whole is linear.
 */

#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "quote.h"

enum cls {
	C_NEW,
	C_QUOTED,
	C_FWD,
	C_SIG,
	C_NCLS
};

/* Header keys of an Outlook-style block, as capture group numbers. */
enum hkey {
	H_NONE,
	H_FROM,
	H_SENT,
	H_DATE,
	H_TO,
	H_CC,
	H_SUBJ,
	H_OTHER
};

/* Bounds that keep every match cheap; longer lines never match. */
#define MAXLINE		400	/* one line of an attribution */
#define MAXSHORT	200	/* separators, device lines, closings */
#define HDRPREFIX	80	/* bytes of a line a header key is sought in */
#define WRAPLINES	3	/* lines an attribution may be wrapped over */
#define HDRLINES	12	/* lines a header block may span */
#define SIGSPAN		10	/* lines a closing may move to the signature */
#define SIGAFTER	4	/* short lines allowed after a closing */
#define SIGSHORT	72	/* bytes of a "short" line after a closing */
#define MATCHLIMIT	200000

struct line {
	size_t	 off;		/* offset in the input */
	size_t	 len;		/* length, right-trimmed */
	size_t	 gap;		/* blank lines before this one */
	unsigned char cls;
};

struct pats {
	pcre2_code	*attr;
	pcre2_code	*orange;
	pcre2_code	*sep;
	pcre2_code	*fwd;
	pcre2_code	*hdr;
	pcre2_code	*device;
	pcre2_code	*closing;
	pcre2_code	*greeting;
};

struct ctx {
	const char	*text;
	struct line	*l;
	size_t		 n;
	const struct pats *re;
	pcre2_match_data *md;
	pcre2_match_context *mc;
};

/*
 * Compiling the patterns costs some 200us, far more than splitting a mail,
 * so it is done once; compiled patterns are read-only and may be shared by
 * threads. The lock makes the first use safe, and a failed compilation
 * (out of memory) is retried on the next call.
 */
static pthread_mutex_t	 pats_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pats	*pats;

/* Whitespace as mail clients write it: French puts a no-break space before
 * the colon, Outlook and Apple Mail a narrow one. */
#define WS	"[\\s\\x{a0}\\x{202f}]"

/* Attributions need a digit (the date) so that "Le vendeur a écrit :" in
 * the customer's own prose does not cut the mail. German and Dutch put the
 * verb before the name; the atomic group keeps that branch linear. */
static const char re_attr[] =
    "^" WS "*(?:"
    "le" WS "(?=\\D{0,80}\\d).{0,300}" WS "a" WS "+[ée]crit"
    "|on" WS "(?=\\D{0,80}\\d).{0,300}" WS "wrote"
    "|el" WS "(?=\\D{0,80}\\d).{0,300}" WS "escribi[óo]"
    "|il" WS "(?=\\D{0,80}\\d).{0,300}" WS "ha" WS "+scritto"
    "|am" WS "(?=\\D{0,80}\\d)(?>.{0,300}?" WS "schrieb" WS ").{0,300}"
    "|op" WS "(?=\\D{0,80}\\d)(?>.{0,300}?" WS "schreef" WS ").{0,300}"
    ")" WS "*:" WS "*$";

/* Orange webmail: "Message du 06/10/25 10:12" above its header block. */
static const char re_orange[] =
    "^" WS "*message" WS "+du" WS "+\\d{1,2}/\\d{1,2}/\\d{2,4}" WS
    "+\\d{1,2}[:h]\\d{2}" WS "*$";

static const char re_sep[] =
    "^" WS "*-{2,}" WS "*(?:original" WS "+message"
    "|message" WS "+original|mail" WS "+original"
    "|message" WS "+d['’]origine"
    "|urspr(?:ü|ue|u)ngliche" WS "+nachricht"
    "|mensaje" WS "+original|messaggio" WS "+originale"
    "|oorspronkelijk" WS "+bericht|mensagem" WS "+original"
    ")" WS "*-{2,}" WS "*$";

static const char re_fwd[] =
    "^" WS "*(?:-{2,}" WS "*(?:forwarded" WS "+message"
    "|message" WS "+transf[ée]r[ée]|mail" WS "+transf[ée]r[ée]"
    "|courriel" WS "+transf[ée]r[ée]"
    "|weitergeleitete" WS "+nachricht|mensaje" WS "+reenviado"
    "|messaggio" WS "+inoltrato|doorgestuurd" WS "+bericht"
    "|mensagem" WS "+encaminhada"
    ")" WS "*-*"
    "|begin" WS "+forwarded" WS "+message"
    "|d[ée]but" WS "+du" WS "+message" WS "+r[ée]exp[ée]di[ée]"
    "|anfang" WS "+der" WS "+weitergeleiteten" WS "+nachricht"
    "|(?:inicio|comienzo)" WS "+del" WS "+mensaje" WS "+reenviado"
    "|inizio" WS "+messaggio" WS "+inoltrato"
    "|begin" WS "+doorgestuurd" WS "+bericht"
    ")" WS "*:?" WS "*$";

/* One group per enum hkey; "*" and "**" are bold from HTML conversion. */
static const char re_hdr[] =
    "^[ \\t]*\\*{0,2}[ \\t]*(?:"
    "(from|de|von|da|van)"
    "|(sent|envoy[ée]|gesendet|enviado(?:" WS "+el)?|inviato|verzonden)"
    "|(date|datum|fecha|data)"
    "|(to|à|a|an|para|aan|pour)"
    "|(cc|cci|bcc|cco|kopie|copie" WS "+à|copia)"
    "|(subject|objet|sujet|betreff|asunto|oggetto|onderwerp)"
    "|(reply-to|r[ée]pondre" WS "+à|antwort" WS "+an|responder" WS "+a"
    "|rispondi" WS "+a|importance|wichtigkeit|priorit[ée])"
    ")" WS "*\\*{0,2}" WS "*:";

static const char re_device[] =
    "^" WS "*(?:"
    "envoy[ée]e?" WS "+(?:de|depuis|[àa]" WS "+partir" WS "+de)" WS
    "+(?:mon|ma|l['’]|un|une)?" WS "*(?:appli(?:cation)?" WS "+)?"
    "(?:iphone|ipad|ipod|appareil|smartphone|mobile|t[ée]l[ée]phone"
    "|portable|tablette|galaxy|samsung|android|huawei|xiaomi|outlook|yahoo)"
    "|sent" WS "+(?:from|with|via|using)" WS "+(?:my" WS "+)?"
    "(?:iphone|ipad|galaxy|samsung|android|huawei|xiaomi|blackberry"
    "|mobile|smartphone|phone|outlook|mail|yahoo|aol|proton|gmail)"
    "|(?:get|obtenir|obtener|holen" WS "+sie" WS "+sich|scarica)" WS
    "+outlook" WS "+(?:for|pour|für|para|per)" WS "+(?:ios|android)"
    "|von" WS "+meinem" WS "+(?:\\S+" WS "+){1,4}gesendet"
    "|gesendet" WS "+(?:von|mit)" WS "+(?:meinem" WS "+)?"
    "(?:iphone|ipad|samsung|galaxy|android|smartphone|handy|outlook)"
    "|enviado" WS "+(?:desde|de)" WS "+(?:mi" WS "+)?"
    "(?:iphone|ipad|samsung|galaxy|android|smartphone|m[óo]vil"
    "|tel[ée]fono|celular|outlook|yahoo|huawei|xiaomi)"
    "|inviato" WS "+da" WS "+(?:(?:il" WS "+)?mio" WS "+)?"
    "(?:iphone|ipad|samsung|galaxy|android|smartphone|cellulare"
    "|telefono|outlook|yahoo|huawei|xiaomi|libero)"
    "|verzonden" WS "+(?:vanaf|met|via)" WS "+(?:mijn" WS "+)?"
    "(?:iphone|ipad|samsung|galaxy|android|smartphone|outlook)"
    ")(?![\\p{L}\\d]).{0,60}$";

/* A name as signed after a closing: up to four capitalised words. */
#define NAMEWORD "\\p{Lu}[\\p{L}\\p{M}'’.-]{0,30}"
#define NAME	NAMEWORD "(?: " NAMEWORD "){0,3}[.!]?"

/* A closing alone on its line. Greetings may carry a name ("Cordialement,
 * Jeanne Martin"); thanks may not, since "Merci de me rembourser" is a
 * request, and "Best price anywhere" is not a closing. */
static const char re_closing[] =
    "^" WS "*(?:(?:"
    "(?:(?:bien|tr[èée]s)" WS "+)?cordialement"
    "|bien" WS "+[àa]" WS "+(?:vous|toi)"
    "|(?:(?:mes" WS "+)?(?:sinc[èe]res|meilleures|cordiales"
    "|bien" WS "+sinc[èe]res)" WS "+)?salutations"
    "(?:" WS "+(?:distingu[ée]es|cordiales|respectueuses))?"
    "|cdlt|cdt|bav|bàv"
    "|bonne" WS "+(?:journ[ée]e|soir[ée]e|fin" WS "+de" WS "+journ[ée]e"
    "|semaine)|belle" WS "+journ[ée]e"
    "|(?:best|kind|warm|warmest|kindest|many)" WS "+regards|regards"
    "|best(?:" WS "+wishes)?|cheers|sincerely"
    "|yours" WS "+(?:sincerely|truly|faithfully)"
    "|mit" WS "+freundlichen" WS "+gr(?:ü|ue|u)(?:ß|ss)en"
    "|(?:freundliche|viele|beste|liebe|herzliche)" WS
    "+gr(?:ü|ue|u)(?:ß|ss)e|mfg|gru(?:ß|ss)"
    "|(?:un" WS "+)?saludos?(?:" WS "+cordiales)?|atentamente|cordialmente"
    "|(?:cordiali|distinti)" WS "+saluti|saluti|un" WS "+saluto"
    "|met" WS "+vriendelijke" WS "+groet(?:en)?|groeten"
    ")(?:[\\s,.!;:-]*|[\\s,]+(?-i:" NAME "))"
    "|(?:"
    "merci(?:" WS "+(?:beaucoup|bien|encore|infiniment))?"
    "(?:" WS "+(?:d['’]avance|par" WS "+avance|[àa]" WS "+vous"
    "|(?:pour|de)" WS "+votre" WS
    "+(?:aide|retour|r[ée]ponse|compr[ée]hension|attention)))?"
    "|thanks?(?:" WS "+you)?(?:" WS "+(?:in" WS "+advance|again"
    "|very" WS "+much|a" WS "+lot|so" WS "+much))?|many" WS "+thanks|thx"
    "|danke(?:" WS "+sch(?:ö|oe)n)?(?:" WS "+im" WS "+voraus)?"
    "|vielen" WS "+dank(?:" WS "+im" WS "+voraus)?"
    "|(?:muchas" WS "+)?gracias(?:" WS "+(?:de" WS "+antemano|por" WS
    "+adelantado))?"
    "|grazie(?:" WS "+(?:mille|in" WS "+anticipo))?|bedankt"
    ")[\\s,.!;:)]*)$";

/* A greeting alone on its line is not what the sender has to say. */
static const char re_greeting[] =
    "^" WS "*(?:bonjour|bonsoir|salut|coucou|madame|monsieur"
    "|mesdames|messieurs|cher|ch[èe]re|chers|ch[èe]res"
    "|hello|hi|hey|dear|good" WS "+(?:morning|afternoon|evening)"
    "|hallo|guten" WS "+(?:tag|morgen|abend)|liebe|lieber"
    "|sehr" WS "+geehrte[rs]?|hola|buenos" WS "+d[íi]as"
    "|buenas" WS "+(?:tardes|noches)|estimad[oa]s?"
    "|buongiorno|buonasera|salve|ciao|gentile|egregio"
    "|goedemorgen|goedemiddag|beste"
    ")(?:[\\s,]+[\\p{L}\\p{M}'’.-]{1,30}){0,3}[\\s,.!:;]*$";

static int
isws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static const char *
ltext(const struct ctx *c, size_t i)
{
	return c->text + c->l[i].off;
}

/* Offset of the first byte that is not a space or a tab. */
static size_t
lskip(const struct ctx *c, size_t i)
{
	const char *p = ltext(c, i);
	size_t k;

	for (k = 0; k < c->l[i].len && (p[k] == ' ' || p[k] == '\t'); k++)
		;
	return k;
}

/*
 * Whether line i may start with a marker whose lowercase first letter is in
 * set. A cheap filter in front of the patterns; a no-break space in front
 * is left to them.
 */
static int
lead(const struct ctx *c, size_t i, const char *set)
{
	size_t k = lskip(c, i);
	unsigned char ch;

	if (k >= c->l[i].len)
		return 0;
	ch = (unsigned char)ltext(c, i)[k];
	if (ch == 0xc2 || ch == 0xe2)
		return 1;
	if (ch >= 'A' && ch <= 'Z')
		ch += 'a' - 'A';
	return ch != '\0' && strchr(set, ch) != NULL;
}

static int
compile(pcre2_code **re, const char *pat)
{
	int err;
	PCRE2_SIZE erroff;

	*re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_CASELESS |
	    PCRE2_ANCHORED | PCRE2_DOLLAR_ENDONLY, &err, &erroff, NULL);
	/* Machine code where PCRE2 can: every line of every mail meets these. */
	if (*re != NULL)
		(void)pcre2_jit_compile(*re, PCRE2_JIT_COMPLETE);
	return *re == NULL ? -1 : 0;
}

static void
pats_free(struct pats *p)
{
	pcre2_code_free(p->attr);
	pcre2_code_free(p->orange);
	pcre2_code_free(p->sep);
	pcre2_code_free(p->fwd);
	pcre2_code_free(p->hdr);
	pcre2_code_free(p->device);
	pcre2_code_free(p->closing);
	pcre2_code_free(p->greeting);
	free(p);
}

static const struct pats *
pats_get(void)
{
	struct pats *p;

	if (pthread_mutex_lock(&pats_lock) != 0)
		return NULL;
	if (pats == NULL && (p = calloc(1, sizeof(*p))) != NULL) {
		if (compile(&p->attr, re_attr) == -1 ||
		    compile(&p->orange, re_orange) == -1 ||
		    compile(&p->sep, re_sep) == -1 ||
		    compile(&p->fwd, re_fwd) == -1 ||
		    compile(&p->hdr, re_hdr) == -1 ||
		    compile(&p->device, re_device) == -1 ||
		    compile(&p->closing, re_closing) == -1 ||
		    compile(&p->greeting, re_greeting) == -1)
			pats_free(p);
		else
			pats = p;
	}
	p = pats;
	pthread_mutex_unlock(&pats_lock);
	return p;
}

static void
ctx_fini(struct ctx *c)
{
	pcre2_match_data_free(c->md);
	pcre2_match_context_free(c->mc);
	free(c->l);
}

static int
ctx_init(struct ctx *c)
{
	if ((c->re = pats_get()) == NULL ||
	    (c->md = pcre2_match_data_create(H_OTHER + 1, NULL)) == NULL ||
	    (c->mc = pcre2_match_context_create(NULL)) == NULL)
		return -1;
	pcre2_set_match_limit(c->mc, MATCHLIMIT);
	pcre2_set_depth_limit(c->mc, MATCHLIMIT);
	return 0;
}

/* A failed match, a hit limit and bad UTF-8 all read as "no". */
static int
match(struct ctx *c, const pcre2_code *re, const char *s, size_t len)
{
	return pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, c->md, c->mc) >= 0;
}

static int
lmatch(struct ctx *c, const pcre2_code *re, size_t i, size_t max)
{
	if (c->l[i].len > max)
		return 0;
	return match(c, re, ltext(c, i), c->l[i].len);
}

static int
split_lines(struct ctx *c, const char *text, size_t len)
{
	size_t cap = 64, pos = 0, gap = 0, end, tl;
	const char *nl;

	if ((c->l = malloc(cap * sizeof(*c->l))) == NULL)
		return -1;
	c->text = text;
	c->n = 0;
	while (pos < len) {
		nl = memchr(text + pos, '\n', len - pos);
		end = nl != NULL ? (size_t)(nl - text) : len;
		for (tl = end - pos; tl > 0 && isws(text[pos + tl - 1]); tl--)
			;
		if (tl == 0)
			gap++;
		else {
			if (c->n == cap) {
				struct line *nv;

				cap *= 2;
				if ((nv = realloc(c->l, cap * sizeof(*nv))) ==
				    NULL)
					return -1;
				c->l = nv;
			}
			c->l[c->n].off = pos;
			c->l[c->n].len = tl;
			c->l[c->n].gap = gap;
			c->l[c->n].cls = C_NEW;
			c->n++;
			gap = 0;
		}
		pos = end + 1;
	}
	return 0;
}

/* ">From " at the start of a line is mbox escaping, not a quote. */
static int
is_quoted(const struct ctx *c, size_t i)
{
	size_t k = lskip(c, i), n = c->l[i].len;
	const char *t = ltext(c, i);

	if (k >= n || t[k] != '>')
		return 0;
	while (k < n && t[k] == '>')
		k++;
	return !(lskip(c, i) == 0 && n - k >= 5 && memcmp(t + k, "From ", 5) == 0);
}

/* "-- " or "--", trailing blanks already trimmed. */
static int
is_sigdash(const struct ctx *c, size_t i)
{
	return c->l[i].len == 2 && memcmp(ltext(c, i), "--", 2) == 0;
}

static int
is_underscores(const struct ctx *c, size_t i)
{
	const char *p = ltext(c, i);
	size_t k = lskip(c, i), nu = 0;

	for (; k < c->l[i].len; k++, nu++)
		if (p[k] != '_')
			return 0;
	return nu >= 10;
}

/* Number of lines (1..WRAPLINES) of the attribution starting at line i. */
static size_t
attribution(struct ctx *c, size_t i)
{
	char buf[WRAPLINES * (MAXLINE + 1)];
	const char *p;
	size_t k, j, m, blen = 0, len;
	char a, b;

	k = lskip(c, i);
	p = ltext(c, i) + k;
	len = c->l[i].len - k;
	/* Yahoo and Apple Mail may indent with no-break spaces. */
	for (;;) {
		if (len >= 2 && memcmp(p, "\xc2\xa0", 2) == 0)
			m = 2;
		else if (len >= 3 && memcmp(p, "\xe2\x80\xaf", 3) == 0)
			m = 3;
		else
			break;
		p += m;
		len -= m;
	}
	if (len < 4 || (p[2] != ' ' && p[2] != '\t'))
		return 0;
	a = p[0] | 0x20;
	b = p[1] | 0x20;
	if (!((a == 'l' && b == 'e') || (a == 'o' && b == 'n') ||
	    (a == 'a' && b == 'm') || (a == 'e' && b == 'l') ||
	    (a == 'i' && b == 'l') || (a == 'o' && b == 'p')))
		return 0;
	for (j = 0; j < WRAPLINES && i + j < c->n; j++) {
		if (j > 0 && (c->l[i + j].gap > 0 || is_quoted(c, i + j)))
			break;
		m = lskip(c, i + j);
		p = ltext(c, i + j) + m;
		len = c->l[i + j].len - m;
		if (len > MAXLINE)
			break;
		if (j > 0)
			buf[blen++] = ' ';
		memcpy(buf + blen, p, len);
		blen += len;
		/* Every attribution ends with a colon: test only then. */
		if (buf[blen - 1] == ':' && match(c, c->re->attr, buf, blen))
			return j + 1;
	}
	return 0;
}

static enum hkey
hdr_key(struct ctx *c, size_t i)
{
	PCRE2_SIZE *ov;
	size_t len = c->l[i].len;
	int g;

	if (len > HDRPREFIX)
		len = HDRPREFIX;
	if (!match(c, c->re->hdr, ltext(c, i), len))
		return H_NONE;
	ov = pcre2_get_ovector_pointer(c->md);
	for (g = H_FROM; g <= H_OTHER; g++)
		if (ov[2 * g] != PCRE2_UNSET)
			return (enum hkey)g;
	return H_NONE;
}

/*
 * Number of lines of the header block starting at line i, or 0. A block is
 * From first, then a Sent or Date and a To or Subject, one key a line,
 * at most one blank line between two keys: a lone "From: me" is prose.
 */
static size_t
header_block(struct ctx *c, size_t i)
{
	size_t j;
	int seen = 0;
	enum hkey h;

	if (!lead(c, i, "*dfv") || hdr_key(c, i) != H_FROM)
		return 0;
	for (j = i + 1; j < c->n && j - i < HDRLINES; j++) {
		if (c->l[j].gap > 1)
			break;
		h = hdr_key(c, j);
		if (h == H_NONE || h == H_FROM)
			break;
		seen |= 1 << h;
	}
	if ((seen & (1 << H_SENT | 1 << H_DATE)) &&
	    (seen & (1 << H_TO | 1 << H_SUBJ)))
		return j - i;
	return 0;
}

/*
 * Number of lines of a reply marker at line i, or 0. *inl says whether
 * ">" quoting may follow, and so unquoted lines after it can be new text
 * (inline and bottom replies); header blocks are followed by an unquoted
 * original, so after them everything is history.
 */
static size_t
reply_marker(struct ctx *c, size_t i, int *inl)
{
	size_t k;

	*inl = 1;
	if ((k = attribution(c, i)) > 0)
		return k;
	if (lead(c, i, "m") && lmatch(c, c->re->orange, i, MAXSHORT))
		return 1;
	*inl = 0;
	if (lead(c, i, "-") && lmatch(c, c->re->sep, i, MAXSHORT))
		return 1;
	if (is_underscores(c, i) && i + 1 < c->n && c->l[i + 1].gap <= 2 &&
	    header_block(c, i + 1) > 0)
		return 1;
	return header_block(c, i);
}

static void
mark(struct ctx *c, size_t from, size_t to, enum cls k)
{
	for (; from < to; from++)
		c->l[from].cls = k;
}

static void
classify(struct ctx *c)
{
	size_t i = 0, k;
	int insig = 0, inl;

	while (i < c->n) {
		if (is_quoted(c, i)) {
			c->l[i++].cls = C_QUOTED;
			insig = 0;
			continue;
		}
		if (lead(c, i, "-abcdi") &&
		    lmatch(c, c->re->fwd, i, MAXSHORT)) {
			/* The forward is kept whole, its own quotes too. */
			mark(c, i, c->n, C_FWD);
			return;
		}
		if ((k = reply_marker(c, i, &inl)) > 0) {
			if (inl && i + k < c->n && is_quoted(c, i + k)) {
				mark(c, i, i + k, C_QUOTED);
				i += k;
				insig = 0;
				continue;
			}
			mark(c, i, c->n, C_QUOTED);
			return;
		}
		if (is_sigdash(c, i))
			insig = 1;
		if (insig || (lead(c, i, "eghiosv") &&
		    lmatch(c, c->re->device, i, MAXSHORT)))
			c->l[i].cls = C_SIG;
		else
			c->l[i].cls = C_NEW;
		i++;
	}
}

/* Lines from f to e, blank ones included. */
static size_t
span(const struct ctx *c, size_t f, size_t e)
{
	size_t s = e - f + 1, j;

	for (j = f + 1; j <= e; j++)
		s += c->l[j].gap;
	return s;
}

/* A line that may follow a closing: a name, a phone number, an address. */
static int
is_sigline(const struct ctx *c, size_t i)
{
	const char *p = ltext(c, i) + lskip(c, i);
	size_t len = c->l[i].len - lskip(c, i);

	/* A question, or a line that introduces what follows, is content. */
	if (c->l[i].len > SIGSHORT || memchr(p, '?', len) != NULL ||
	    p[len - 1] == ':')
		return 0;
	/* A postscript is content. */
	if (len >= 2 && (p[0] | 0x20) == 'p' &&
	    (p[1] == '.' || p[1] == '-' || (p[1] | 0x20) == 's'))
		return 0;
	if (len >= 2 && (p[0] | 0x20) == 'n' &&
	    (p[1] == '.' || (p[1] | 0x20) == 'b'))
		return 0;
	return 1;
}

/*
 * Moves a closing formula at the end of the new text, and the few short
 * lines after it, to the signature. Conservative: only the last closing
 * is considered, and only when the sender wrote more than a greeting
 * before it, so that "Bonjour,\n\nMerci !\nJeanne" keeps its thanks.
 */
static void
closing(struct ctx *c)
{
	size_t e = 0, s, f, j, content = c->n;
	int found = 0;

	for (j = 0; j < c->n; j++)
		if (c->l[j].cls == C_NEW) {
			if (content == c->n &&
			    !lmatch(c, c->re->greeting, j, MAXSHORT))
				content = j;
			e = j;
			found = 1;
		}
	if (!found)
		return;
	for (s = e; s > 0 && c->l[s - 1].cls == C_NEW; s--)
		;
	for (f = e + 1; f > s; f--) {
		if (span(c, f - 1, e) > SIGSPAN)
			return;
		if (lmatch(c, c->re->closing, f - 1, MAXSHORT))
			break;
	}
	if (f == s)
		return;
	f--;
	if (content >= f || e - f > SIGAFTER)
		return;
	for (j = f + 1; j <= e; j++)
		if (!is_sigline(c, j))
			return;
	/* "Merci d'avance,\nCordialement," is one closing. */
	while (f > s && f - 1 > content && span(c, f - 1, e) <= SIGSPAN &&
	    lmatch(c, c->re->closing, f - 1, MAXSHORT))
		f--;
	mark(c, f, e + 1, C_SIG);
}

/*
 * Writes the fields into out (or only sizes them when out is NULL). A blank
 * line belongs to the class of the line above it, so it shows only between
 * two lines of one field and leading or trailing ones vanish.
 */
static void
emit(const struct ctx *c, char *out[C_NCLS], size_t size[C_NCLS])
{
	size_t pend[C_NCLS] = { 0 }, i, g;
	int k;

	for (k = 0; k < C_NCLS; k++)
		size[k] = 0;
	for (i = 0; i < c->n; i++) {
		k = c->l[i].cls;
		if (i > 0)
			pend[c->l[i - 1].cls] += c->l[i].gap;
		if (size[k] > 0) {
			for (g = 0; g <= pend[k]; g++) {
				if (out != NULL)
					out[k][size[k]] = '\n';
				size[k]++;
			}
		}
		pend[k] = 0;
		if (out != NULL)
			memcpy(out[k] + size[k], ltext(c, i), c->l[i].len);
		size[k] += c->l[i].len;
	}
	if (out != NULL)
		for (k = 0; k < C_NCLS; k++)
			out[k][size[k]] = '\0';
}

int
owi_split_text(const char *text, size_t len, struct owi_split *out)
{
	struct ctx c;
	char *f[C_NCLS] = { NULL };
	size_t size[C_NCLS];
	int k, rc = -1;

	memset(&c, 0, sizeof(c));
	memset(out, 0, sizeof(*out));
	if (text == NULL)
		len = 0;
	if (ctx_init(&c) == -1 || split_lines(&c, text, len) == -1)
		goto done;
	classify(&c);
	closing(&c);
	emit(&c, NULL, size);
	for (k = 0; k < C_NCLS; k++)
		if ((f[k] = malloc(size[k] + 1)) == NULL)
			goto done;
	emit(&c, f, size);
	out->new_text = f[C_NEW];
	out->quoted_text = f[C_QUOTED];
	out->forwarded_text = f[C_FWD];
	out->signature = f[C_SIG];
	rc = 0;
done:
	if (rc == -1)
		for (k = 0; k < C_NCLS; k++)
			free(f[k]);
	ctx_fini(&c);
	return rc;
}

void
owi_split_free(struct owi_split *s)
{
	if (s == NULL)
		return;
	free(s->new_text);
	free(s->quoted_text);
	free(s->forwarded_text);
	free(s->signature);
	s->new_text = s->quoted_text = s->forwarded_text = s->signature = NULL;
}
