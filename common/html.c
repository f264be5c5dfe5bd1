/*
 * html.c: HTML mail bodies to readable plain text.
 *
 * One pass.  A tokenizer close to the HTML5 one (data, tag, comment and raw
 * text states) feeds a cut-down tree builder that keeps only what changes
 * the text: a stack of open elements where each entry links to the previous
 * entry with the same tag and to the nearest "special" entry below it, so
 * that finding the element an end tag closes, or whether an open p must be
 * closed, costs O(1) and every entry is popped once.
 *
 * Text goes to a line writer that is lazy: spaces, line breaks, quote
 * prefixes, list markers and cell separators are only recorded, and written
 * when the next visible character arrives.  That is what drops leading and
 * trailing blank lines, caps blank lines at one, and lets the prefix of a
 * line depend on where its first character sits.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

#define DEPTH_MAX	4096	/* open elements tracked */
#define QUOTE_MAX	32	/* "> " written per line, at most */
#define LIST_MAX	16	/* list levels indented, at most */
#define NAME_MAX_LEN	32	/* longest entity name looked at */
#define LEGACY_MAX	6	/* longest entity accepted without ';' */
#define NONE		SIZE_MAX
#define SP8		"        "

/* Tag properties. */
#define F_FMT		0x001	/* formatting: misnested end tags allowed */
#define F_SPECIAL	0x002	/* HTML5 "special": ends an end-tag search */
#define F_STRONG	0x004	/* special but not address, div, p */
#define F_CLOSEP	0x008	/* start tag closes an open p */
#define F_BOUND		0x010	/* scope boundary */
#define F_VOID		0x020
#define F_HEADOK	0x040	/* allowed in head */
#define F_BREAKOUT	0x080	/* start tag ends svg content */
#define F_IGNORE	0x100	/* no effect: html, body, tbody... */
#define F_DROP		0x200	/* content never shown */

enum raw {
	RAW_NONE,
	RAW_DROP,		/* raw text, not shown: script, style... */
	RC_DROP,		/* escapable raw text, not shown: title */
	RC_PRE,			/* escapable raw text, shown: textarea */
	RAW_PRE,		/* raw text, shown: xmp */
	RAW_PLAIN		/* the rest of the input, shown: plaintext */
};

struct tagdef {
	const char	*name;
	uint16_t	 flags;
	uint8_t		 brk;		/* 1 ends a line, 2 a paragraph */
	uint8_t		 raw;
};

enum {
	T_A,
	T_ABBR,
	T_ADDRESS,
	T_APPLET,
	T_AREA,
	T_ARTICLE,
	T_ASIDE,
	T_B,
	T_BASE,
	T_BASEFONT,
	T_BDI,
	T_BDO,
	T_BGSOUND,
	T_BIG,
	T_BLOCKQUOTE,
	T_BODY,
	T_BR,
	T_BUTTON,
	T_CAPTION,
	T_CENTER,
	T_CITE,
	T_CODE,
	T_COL,
	T_COLGROUP,
	T_DD,
	T_DEL,
	T_DETAILS,
	T_DFN,
	T_DIALOG,
	T_DIR,
	T_DIV,
	T_DL,
	T_DT,
	T_EM,
	T_EMBED,
	T_FIELDSET,
	T_FIGCAPTION,
	T_FIGURE,
	T_FONT,
	T_FOOTER,
	T_FORM,
	T_FRAME,
	T_FRAMESET,
	T_H1,
	T_H2,
	T_H3,
	T_H4,
	T_H5,
	T_H6,
	T_HEAD,
	T_HEADER,
	T_HGROUP,
	T_HR,
	T_HTML,
	T_I,
	T_IFRAME,
	T_IMG,
	T_INPUT,
	T_INS,
	T_KBD,
	T_KEYGEN,
	T_LABEL,
	T_LEGEND,
	T_LI,
	T_LINK,
	T_LISTING,
	T_MAIN,
	T_MARK,
	T_MARQUEE,
	T_MENU,
	T_META,
	T_NAV,
	T_NOBR,
	T_NOEMBED,
	T_NOFRAMES,
	T_NOSCRIPT,
	T_OBJECT,
	T_OL,
	T_OPTION,
	T_P,
	T_PARAM,
	T_PLAINTEXT,
	T_PRE,
	T_Q,
	T_RUBY,
	T_S,
	T_SAMP,
	T_SCRIPT,
	T_SEARCH,
	T_SECTION,
	T_SELECT,
	T_SMALL,
	T_SOURCE,
	T_SPAN,
	T_STRIKE,
	T_STRONG,
	T_STYLE,
	T_SUB,
	T_SUMMARY,
	T_SUP,
	T_SVG,
	T_TABLE,
	T_TBODY,
	T_TD,
	T_TEMPLATE,
	T_TEXTAREA,
	T_TFOOT,
	T_TH,
	T_THEAD,
	T_TITLE,
	T_TR,
	T_TRACK,
	T_TT,
	T_U,
	T_UL,
	T_VAR,
	T_WBR,
	T_XMP,
	NTAG,
	T_UNKNOWN = NTAG,
	T_DEAD,				/* misnested formatting entry */
	NID
};

/* Sorted by name for bsearch; in the order of the enum above. */
static const struct tagdef tags[NTAG] = {
	{ "a", F_FMT, 0, RAW_NONE },
	{ "abbr", 0, 0, RAW_NONE },
	{ "address", F_SPECIAL | F_CLOSEP, 1, RAW_NONE },
	{ "applet", F_SPECIAL | F_BOUND | F_STRONG, 0, RAW_NONE },
	{ "area", F_SPECIAL | F_VOID | F_STRONG, 0, RAW_NONE },
	{ "article", F_SPECIAL | F_CLOSEP | F_STRONG, 1, RAW_NONE },
	{ "aside", F_SPECIAL | F_CLOSEP | F_STRONG, 1, RAW_NONE },
	{ "b", F_FMT | F_BREAKOUT, 0, RAW_NONE },
	{ "base", F_SPECIAL | F_VOID | F_HEADOK | F_STRONG, 0, RAW_NONE },
	{ "basefont", F_SPECIAL | F_VOID | F_HEADOK | F_STRONG, 0, RAW_NONE },
	{ "bdi", 0, 0, RAW_NONE },
	{ "bdo", 0, 0, RAW_NONE },
	{ "bgsound", F_SPECIAL | F_VOID | F_HEADOK | F_STRONG, 0, RAW_NONE },
	{ "big", F_FMT | F_BREAKOUT, 0, RAW_NONE },
	{ "blockquote", F_SPECIAL | F_CLOSEP | F_BREAKOUT |
	    F_STRONG, 2, RAW_NONE },
	{ "body", F_SPECIAL | F_IGNORE | F_BREAKOUT | F_STRONG, 0, RAW_NONE },
	{ "br", F_SPECIAL | F_VOID | F_BREAKOUT | F_STRONG, 0, RAW_NONE },
	{ "button", F_SPECIAL | F_STRONG, 0, RAW_NONE },
	{ "caption", F_SPECIAL | F_BOUND | F_STRONG, 1, RAW_NONE },
	{ "center", F_SPECIAL | F_CLOSEP | F_BREAKOUT | F_STRONG, 1, RAW_NONE },
	{ "cite", 0, 0, RAW_NONE },
	{ "code", F_FMT | F_BREAKOUT, 0, RAW_NONE },
	{ "col", F_SPECIAL | F_VOID | F_STRONG, 0, RAW_NONE },
	{ "colgroup", F_SPECIAL | F_IGNORE | F_STRONG, 0, RAW_NONE },
	{ "dd", F_SPECIAL | F_CLOSEP | F_BREAKOUT | F_STRONG, 1, RAW_NONE },
	{ "del", 0, 0, RAW_NONE },
	{ "details", F_SPECIAL | F_CLOSEP | F_STRONG, 1, RAW_NONE },
	{ "dfn", 0, 0, RAW_NONE },
	{ "dialog", F_SPECIAL | F_CLOSEP | F_STRONG, 1, RAW_NONE },
	{ "dir", F_SPECIAL | F_CLOSEP | F_STRONG, 0, RAW_NONE },
	{ "div", F_SPECIAL | F_CLOSEP | F_BREAKOUT, 1, RAW_NONE },
	{ "dl", F_SPECIAL | F_CLOSEP | F_BREAKOUT | F_STRONG, 2, RAW_NONE },
	{ "dt", F_SPECIAL | F_CLOSEP | F_BREAKOUT | F_STRONG, 1, RAW_NONE },
	{ "em", F_FMT | F_BREAKOUT, 0, RAW_NONE },
	{ "embed", F_SPECIAL | F_VOID | F_BREAKOUT | F_STRONG, 0, RAW_NONE },
	{ "fieldset", F_SPECIAL | F_CLOSEP | F_STRONG, 1, RAW_NONE },
	{ "figcaption", F_SPECIAL | F_CLOSEP | F_STRONG, 1, RAW_NONE },
	{ "figure", F_SPECIAL | F_CLOSEP | F_STRONG, 2, RAW_NONE },
	{ "font", F_FMT, 0, RAW_NONE },
	{ "footer", F_SPECIAL | F_CLOSEP | F_STRONG, 1, RAW_NONE },
	{ "form", F_SPECIAL | F_CLOSEP | F_STRONG, 1, RAW_NONE },
	{ "frame", F_SPECIAL | F_VOID | F_STRONG, 0, RAW_NONE },
	{ "frameset", F_SPECIAL | F_IGNORE | F_STRONG, 0, RAW_NONE },
	{ "h1", F_SPECIAL | F_CLOSEP | F_BREAKOUT | F_STRONG, 2, RAW_NONE },
	{ "h2", F_SPECIAL | F_CLOSEP | F_BREAKOUT | F_STRONG, 2, RAW_NONE },
	{ "h3", F_SPECIAL | F_CLOSEP | F_BREAKOUT | F_STRONG, 2, RAW_NONE },
	{ "h4", F_SPECIAL | F_CLOSEP | F_BREAKOUT | F_STRONG, 2, RAW_NONE },
	{ "h5", F_SPECIAL | F_CLOSEP | F_BREAKOUT | F_STRONG, 2, RAW_NONE },
	{ "h6", F_SPECIAL | F_CLOSEP | F_BREAKOUT | F_STRONG, 2, RAW_NONE },
	{ "head", F_SPECIAL | F_BREAKOUT | F_DROP | F_STRONG, 0, RAW_NONE },
	{ "header", F_SPECIAL | F_CLOSEP | F_STRONG, 1, RAW_NONE },
	{ "hgroup", F_SPECIAL | F_CLOSEP | F_STRONG, 1, RAW_NONE },
	{ "hr", F_SPECIAL | F_CLOSEP | F_VOID | F_BREAKOUT |
	    F_STRONG, 2, RAW_NONE },
	{ "html", F_SPECIAL | F_IGNORE | F_STRONG, 0, RAW_NONE },
	{ "i", F_FMT | F_BREAKOUT, 0, RAW_NONE },
	{ "iframe", F_SPECIAL | F_STRONG, 0, RAW_DROP },
	{ "img", F_SPECIAL | F_VOID | F_BREAKOUT | F_STRONG, 0, RAW_NONE },
	{ "input", F_SPECIAL | F_VOID | F_STRONG, 0, RAW_NONE },
	{ "ins", 0, 0, RAW_NONE },
	{ "kbd", 0, 0, RAW_NONE },
	{ "keygen", F_SPECIAL | F_VOID | F_STRONG, 0, RAW_NONE },
	{ "label", 0, 0, RAW_NONE },
	{ "legend", 0, 1, RAW_NONE },
	{ "li", F_SPECIAL | F_CLOSEP | F_BREAKOUT | F_STRONG, 1, RAW_NONE },
	{ "link", F_SPECIAL | F_VOID | F_HEADOK | F_STRONG, 0, RAW_NONE },
	{ "listing", F_SPECIAL | F_CLOSEP | F_BREAKOUT |
	    F_STRONG, 2, RAW_NONE },
	{ "main", F_SPECIAL | F_CLOSEP | F_STRONG, 1, RAW_NONE },
	{ "mark", 0, 0, RAW_NONE },
	{ "marquee", F_SPECIAL | F_BOUND | F_STRONG, 0, RAW_NONE },
	{ "menu", F_SPECIAL | F_CLOSEP | F_BREAKOUT | F_STRONG, 0, RAW_NONE },
	{ "meta", F_SPECIAL | F_VOID | F_HEADOK | F_BREAKOUT |
	    F_STRONG, 0, RAW_NONE },
	{ "nav", F_SPECIAL | F_CLOSEP | F_STRONG, 1, RAW_NONE },
	{ "nobr", F_FMT | F_BREAKOUT, 0, RAW_NONE },
	{ "noembed", F_SPECIAL | F_STRONG, 0, RAW_DROP },
	{ "noframes", F_SPECIAL | F_HEADOK | F_STRONG, 0, RAW_DROP },
	{ "noscript", F_SPECIAL | F_HEADOK | F_STRONG, 0, RAW_DROP },
	{ "object", F_SPECIAL | F_BOUND | F_DROP | F_STRONG, 0, RAW_NONE },
	{ "ol", F_SPECIAL | F_CLOSEP | F_BREAKOUT | F_STRONG, 0, RAW_NONE },
	{ "option", 0, 1, RAW_NONE },
	{ "p", F_SPECIAL | F_CLOSEP | F_BREAKOUT, 2, RAW_NONE },
	{ "param", F_SPECIAL | F_VOID | F_STRONG, 0, RAW_NONE },
	{ "plaintext", F_SPECIAL | F_CLOSEP | F_STRONG, 0, RAW_PLAIN },
	{ "pre", F_SPECIAL | F_CLOSEP | F_BREAKOUT | F_STRONG, 2, RAW_NONE },
	{ "q", 0, 0, RAW_NONE },
	{ "ruby", F_BREAKOUT, 0, RAW_NONE },
	{ "s", F_FMT | F_BREAKOUT, 0, RAW_NONE },
	{ "samp", 0, 0, RAW_NONE },
	{ "script", F_SPECIAL | F_HEADOK | F_STRONG, 0, RAW_DROP },
	{ "search", F_SPECIAL | F_CLOSEP | F_STRONG, 1, RAW_NONE },
	{ "section", F_SPECIAL | F_CLOSEP | F_STRONG, 1, RAW_NONE },
	{ "select", F_SPECIAL | F_STRONG, 0, RAW_NONE },
	{ "small", F_FMT | F_BREAKOUT, 0, RAW_NONE },
	{ "source", F_SPECIAL | F_VOID | F_STRONG, 0, RAW_NONE },
	{ "span", F_BREAKOUT, 0, RAW_NONE },
	{ "strike", F_FMT | F_BREAKOUT, 0, RAW_NONE },
	{ "strong", F_FMT | F_BREAKOUT, 0, RAW_NONE },
	{ "style", F_SPECIAL | F_HEADOK | F_STRONG, 0, RAW_DROP },
	{ "sub", F_BREAKOUT, 0, RAW_NONE },
	{ "summary", F_SPECIAL | F_CLOSEP | F_STRONG, 1, RAW_NONE },
	{ "sup", F_BREAKOUT, 0, RAW_NONE },
	{ "svg", F_DROP, 0, RAW_NONE },
	{ "table", F_SPECIAL | F_CLOSEP | F_BOUND | F_BREAKOUT |
	    F_STRONG, 1, RAW_NONE },
	{ "tbody", F_SPECIAL | F_IGNORE | F_STRONG, 0, RAW_NONE },
	{ "td", F_SPECIAL | F_BOUND | F_STRONG, 0, RAW_NONE },
	{ "template", F_SPECIAL | F_BOUND | F_DROP | F_HEADOK |
	    F_STRONG, 0, RAW_NONE },
	{ "textarea", F_SPECIAL | F_STRONG, 1, RC_PRE },
	{ "tfoot", F_SPECIAL | F_IGNORE | F_STRONG, 0, RAW_NONE },
	{ "th", F_SPECIAL | F_BOUND | F_STRONG, 0, RAW_NONE },
	{ "thead", F_SPECIAL | F_IGNORE | F_STRONG, 0, RAW_NONE },
	{ "title", F_SPECIAL | F_HEADOK | F_STRONG, 0, RC_DROP },
	{ "tr", F_SPECIAL | F_STRONG, 1, RAW_NONE },
	{ "track", F_SPECIAL | F_VOID | F_STRONG, 0, RAW_NONE },
	{ "tt", F_FMT | F_BREAKOUT, 0, RAW_NONE },
	{ "u", F_FMT | F_BREAKOUT, 0, RAW_NONE },
	{ "ul", F_SPECIAL | F_CLOSEP | F_BREAKOUT | F_STRONG, 0, RAW_NONE },
	{ "var", F_BREAKOUT, 0, RAW_NONE },
	{ "wbr", F_SPECIAL | F_VOID | F_STRONG, 0, RAW_NONE },
	{ "xmp", F_SPECIAL | F_CLOSEP | F_STRONG, 2, RAW_PRE },
};

struct entity {
	const char	*name;
	uint32_t	 cp;
	int		 legacy;	/* also valid without ';' */
};

/* HTML 4 plus common HTML5 names, sorted by strcmp. */
static const struct entity entities[] = {
	{ "AElig", 0x00C6, 1 },
	{ "AMP", 0x0026, 1 },
	{ "Aacute", 0x00C1, 1 },
	{ "Acirc", 0x00C2, 1 },
	{ "Agrave", 0x00C0, 1 },
	{ "Alpha", 0x0391, 0 },
	{ "Aogon", 0x0104, 0 },
	{ "Aring", 0x00C5, 1 },
	{ "Atilde", 0x00C3, 1 },
	{ "Auml", 0x00C4, 1 },
	{ "Beta", 0x0392, 0 },
	{ "COPY", 0x00A9, 1 },
	{ "Ccaron", 0x010C, 0 },
	{ "Ccedil", 0x00C7, 1 },
	{ "Chi", 0x03A7, 0 },
	{ "CloseCurlyDoubleQuote", 0x201D, 0 },
	{ "CloseCurlyQuote", 0x2019, 0 },
	{ "Dagger", 0x2021, 0 },
	{ "Dcaron", 0x010E, 0 },
	{ "Delta", 0x0394, 0 },
	{ "ETH", 0x00D0, 1 },
	{ "Eacute", 0x00C9, 1 },
	{ "Ecaron", 0x011A, 0 },
	{ "Ecirc", 0x00CA, 1 },
	{ "Egrave", 0x00C8, 1 },
	{ "Eogon", 0x0118, 0 },
	{ "Epsilon", 0x0395, 0 },
	{ "Eta", 0x0397, 0 },
	{ "Euml", 0x00CB, 1 },
	{ "Euro", 0x20AC, 0 },
	{ "GT", 0x003E, 1 },
	{ "Gamma", 0x0393, 0 },
	{ "Gbreve", 0x011E, 0 },
	{ "Hat", 0x005E, 0 },
	{ "Iacute", 0x00CD, 1 },
	{ "Icirc", 0x00CE, 1 },
	{ "Idot", 0x0130, 0 },
	{ "Igrave", 0x00CC, 1 },
	{ "Iota", 0x0399, 0 },
	{ "Iuml", 0x00CF, 1 },
	{ "Kappa", 0x039A, 0 },
	{ "LT", 0x003C, 1 },
	{ "Lambda", 0x039B, 0 },
	{ "Lstrok", 0x0141, 0 },
	{ "MediumSpace", 0x205F, 0 },
	{ "Mu", 0x039C, 0 },
	{ "Nacute", 0x0143, 0 },
	{ "Ncaron", 0x0147, 0 },
	{ "NewLine", 0x000A, 0 },
	{ "NoBreak", 0x2060, 0 },
	{ "NonBreakingSpace", 0x00A0, 0 },
	{ "Ntilde", 0x00D1, 1 },
	{ "Nu", 0x039D, 0 },
	{ "OElig", 0x0152, 0 },
	{ "Oacute", 0x00D3, 1 },
	{ "Ocirc", 0x00D4, 1 },
	{ "Odblac", 0x0150, 0 },
	{ "Ograve", 0x00D2, 1 },
	{ "Omega", 0x03A9, 0 },
	{ "Omicron", 0x039F, 0 },
	{ "OpenCurlyDoubleQuote", 0x201C, 0 },
	{ "OpenCurlyQuote", 0x2018, 0 },
	{ "Oslash", 0x00D8, 1 },
	{ "Otilde", 0x00D5, 1 },
	{ "Ouml", 0x00D6, 1 },
	{ "Phi", 0x03A6, 0 },
	{ "Pi", 0x03A0, 0 },
	{ "Prime", 0x2033, 0 },
	{ "Psi", 0x03A8, 0 },
	{ "QUOT", 0x0022, 1 },
	{ "REG", 0x00AE, 1 },
	{ "Rcaron", 0x0158, 0 },
	{ "Rho", 0x03A1, 0 },
	{ "Sacute", 0x015A, 0 },
	{ "Scaron", 0x0160, 0 },
	{ "Scedil", 0x015E, 0 },
	{ "Sigma", 0x03A3, 0 },
	{ "THORN", 0x00DE, 1 },
	{ "TRADE", 0x2122, 0 },
	{ "Tab", 0x0009, 0 },
	{ "Tau", 0x03A4, 0 },
	{ "Tcaron", 0x0164, 0 },
	{ "Theta", 0x0398, 0 },
	{ "Uacute", 0x00DA, 1 },
	{ "Ucirc", 0x00DB, 1 },
	{ "Udblac", 0x0170, 0 },
	{ "Ugrave", 0x00D9, 1 },
	{ "Upsilon", 0x03A5, 0 },
	{ "Uring", 0x016E, 0 },
	{ "Uuml", 0x00DC, 1 },
	{ "Xi", 0x039E, 0 },
	{ "Yacute", 0x00DD, 1 },
	{ "Yuml", 0x0178, 0 },
	{ "Zacute", 0x0179, 0 },
	{ "Zcaron", 0x017D, 0 },
	{ "Zdot", 0x017B, 0 },
	{ "ZeroWidthSpace", 0x200B, 0 },
	{ "Zeta", 0x0396, 0 },
	{ "aacute", 0x00E1, 1 },
	{ "acirc", 0x00E2, 1 },
	{ "acute", 0x00B4, 1 },
	{ "aelig", 0x00E6, 1 },
	{ "agrave", 0x00E0, 1 },
	{ "alefsym", 0x2135, 0 },
	{ "alpha", 0x03B1, 0 },
	{ "amp", 0x0026, 1 },
	{ "and", 0x2227, 0 },
	{ "ang", 0x2220, 0 },
	{ "angst", 0x00C5, 0 },
	{ "aogon", 0x0105, 0 },
	{ "apos", 0x0027, 0 },
	{ "aring", 0x00E5, 1 },
	{ "ast", 0x002A, 0 },
	{ "asymp", 0x2248, 0 },
	{ "atilde", 0x00E3, 1 },
	{ "auml", 0x00E4, 1 },
	{ "bdquo", 0x201E, 0 },
	{ "beta", 0x03B2, 0 },
	{ "blacksquare", 0x25AA, 0 },
	{ "brvbar", 0x00A6, 1 },
	{ "bsol", 0x005C, 0 },
	{ "bull", 0x2022, 0 },
	{ "bullet", 0x2022, 0 },
	{ "cap", 0x2229, 0 },
	{ "ccaron", 0x010D, 0 },
	{ "ccedil", 0x00E7, 1 },
	{ "cedil", 0x00B8, 1 },
	{ "cent", 0x00A2, 1 },
	{ "centerdot", 0x00B7, 0 },
	{ "check", 0x2713, 0 },
	{ "checkmark", 0x2713, 0 },
	{ "chi", 0x03C7, 0 },
	{ "cir", 0x25CB, 0 },
	{ "circ", 0x02C6, 0 },
	{ "clubs", 0x2663, 0 },
	{ "colon", 0x003A, 0 },
	{ "comma", 0x002C, 0 },
	{ "commat", 0x0040, 0 },
	{ "cong", 0x2245, 0 },
	{ "copy", 0x00A9, 1 },
	{ "copysr", 0x2117, 0 },
	{ "crarr", 0x21B5, 0 },
	{ "cross", 0x2717, 0 },
	{ "cup", 0x222A, 0 },
	{ "curren", 0x00A4, 1 },
	{ "dArr", 0x21D3, 0 },
	{ "dagger", 0x2020, 0 },
	{ "darr", 0x2193, 0 },
	{ "dash", 0x2010, 0 },
	{ "dcaron", 0x010F, 0 },
	{ "deg", 0x00B0, 1 },
	{ "delta", 0x03B4, 0 },
	{ "diams", 0x2666, 0 },
	{ "divide", 0x00F7, 1 },
	{ "dollar", 0x0024, 0 },
	{ "dtri", 0x25BF, 0 },
	{ "dtrif", 0x25BE, 0 },
	{ "eacute", 0x00E9, 1 },
	{ "ecaron", 0x011B, 0 },
	{ "ecirc", 0x00EA, 1 },
	{ "egrave", 0x00E8, 1 },
	{ "empty", 0x2205, 0 },
	{ "emsp", 0x2003, 0 },
	{ "emsp13", 0x2004, 0 },
	{ "emsp14", 0x2005, 0 },
	{ "ensp", 0x2002, 0 },
	{ "eogon", 0x0119, 0 },
	{ "epsilon", 0x03B5, 0 },
	{ "equals", 0x003D, 0 },
	{ "equiv", 0x2261, 0 },
	{ "eta", 0x03B7, 0 },
	{ "eth", 0x00F0, 1 },
	{ "euml", 0x00EB, 1 },
	{ "euro", 0x20AC, 0 },
	{ "excl", 0x0021, 0 },
	{ "exist", 0x2203, 0 },
	{ "female", 0x2640, 0 },
	{ "flat", 0x266D, 0 },
	{ "fnof", 0x0192, 0 },
	{ "forall", 0x2200, 0 },
	{ "frac12", 0x00BD, 1 },
	{ "frac14", 0x00BC, 1 },
	{ "frac34", 0x00BE, 1 },
	{ "frasl", 0x2044, 0 },
	{ "gamma", 0x03B3, 0 },
	{ "gbreve", 0x011F, 0 },
	{ "ge", 0x2265, 0 },
	{ "grave", 0x0060, 0 },
	{ "gt", 0x003E, 1 },
	{ "hArr", 0x21D4, 0 },
	{ "hairsp", 0x200A, 0 },
	{ "half", 0x00BD, 0 },
	{ "harr", 0x2194, 0 },
	{ "hearts", 0x2665, 0 },
	{ "hellip", 0x2026, 0 },
	{ "horbar", 0x2015, 0 },
	{ "hyphen", 0x2010, 0 },
	{ "iacute", 0x00ED, 1 },
	{ "icirc", 0x00EE, 1 },
	{ "iexcl", 0x00A1, 1 },
	{ "igrave", 0x00EC, 1 },
	{ "image", 0x2111, 0 },
	{ "imath", 0x0131, 0 },
	{ "incare", 0x2105, 0 },
	{ "infin", 0x221E, 0 },
	{ "int", 0x222B, 0 },
	{ "iota", 0x03B9, 0 },
	{ "iquest", 0x00BF, 1 },
	{ "isin", 0x2208, 0 },
	{ "iuml", 0x00EF, 1 },
	{ "kappa", 0x03BA, 0 },
	{ "lArr", 0x21D0, 0 },
	{ "lambda", 0x03BB, 0 },
	{ "lang", 0x27E8, 0 },
	{ "laquo", 0x00AB, 1 },
	{ "larr", 0x2190, 0 },
	{ "lceil", 0x2308, 0 },
	{ "lcub", 0x007B, 0 },
	{ "ldquo", 0x201C, 0 },
	{ "ldquor", 0x201E, 0 },
	{ "le", 0x2264, 0 },
	{ "lfloor", 0x230A, 0 },
	{ "lowast", 0x2217, 0 },
	{ "lowbar", 0x005F, 0 },
	{ "loz", 0x25CA, 0 },
	{ "lpar", 0x0028, 0 },
	{ "lrm", 0x200E, 0 },
	{ "lsaquo", 0x2039, 0 },
	{ "lsqb", 0x005B, 0 },
	{ "lsquo", 0x2018, 0 },
	{ "lsquor", 0x201A, 0 },
	{ "lstrok", 0x0142, 0 },
	{ "lt", 0x003C, 1 },
	{ "ltri", 0x25C3, 0 },
	{ "ltrif", 0x25C2, 0 },
	{ "macr", 0x00AF, 1 },
	{ "male", 0x2642, 0 },
	{ "malt", 0x2720, 0 },
	{ "marker", 0x25AE, 0 },
	{ "mdash", 0x2014, 0 },
	{ "micro", 0x00B5, 1 },
	{ "middot", 0x00B7, 1 },
	{ "minus", 0x2212, 0 },
	{ "mldr", 0x2026, 0 },
	{ "mu", 0x03BC, 0 },
	{ "nabla", 0x2207, 0 },
	{ "nacute", 0x0144, 0 },
	{ "natural", 0x266E, 0 },
	{ "nbsp", 0x00A0, 1 },
	{ "ncaron", 0x0148, 0 },
	{ "ndash", 0x2013, 0 },
	{ "ne", 0x2260, 0 },
	{ "ni", 0x220B, 0 },
	{ "nldr", 0x2025, 0 },
	{ "not", 0x00AC, 1 },
	{ "notin", 0x2209, 0 },
	{ "nsub", 0x2284, 0 },
	{ "ntilde", 0x00F1, 1 },
	{ "nu", 0x03BD, 0 },
	{ "num", 0x0023, 0 },
	{ "numero", 0x2116, 0 },
	{ "numsp", 0x2007, 0 },
	{ "oacute", 0x00F3, 1 },
	{ "ocirc", 0x00F4, 1 },
	{ "odblac", 0x0151, 0 },
	{ "oelig", 0x0153, 0 },
	{ "ograve", 0x00F2, 1 },
	{ "ohm", 0x03A9, 0 },
	{ "oline", 0x203E, 0 },
	{ "omega", 0x03C9, 0 },
	{ "omicron", 0x03BF, 0 },
	{ "oplus", 0x2295, 0 },
	{ "or", 0x2228, 0 },
	{ "ordf", 0x00AA, 1 },
	{ "ordm", 0x00BA, 1 },
	{ "oslash", 0x00F8, 1 },
	{ "otilde", 0x00F5, 1 },
	{ "otimes", 0x2297, 0 },
	{ "ouml", 0x00F6, 1 },
	{ "para", 0x00B6, 1 },
	{ "part", 0x2202, 0 },
	{ "percnt", 0x0025, 0 },
	{ "period", 0x002E, 0 },
	{ "permil", 0x2030, 0 },
	{ "perp", 0x22A5, 0 },
	{ "phi", 0x03C6, 0 },
	{ "phone", 0x260E, 0 },
	{ "pi", 0x03C0, 0 },
	{ "piv", 0x03D6, 0 },
	{ "plus", 0x002B, 0 },
	{ "plusmn", 0x00B1, 1 },
	{ "pound", 0x00A3, 1 },
	{ "prime", 0x2032, 0 },
	{ "prod", 0x220F, 0 },
	{ "prop", 0x221D, 0 },
	{ "psi", 0x03C8, 0 },
	{ "puncsp", 0x2008, 0 },
	{ "quest", 0x003F, 0 },
	{ "quot", 0x0022, 1 },
	{ "rArr", 0x21D2, 0 },
	{ "radic", 0x221A, 0 },
	{ "rang", 0x27E9, 0 },
	{ "raquo", 0x00BB, 1 },
	{ "rarr", 0x2192, 0 },
	{ "rcaron", 0x0159, 0 },
	{ "rceil", 0x2309, 0 },
	{ "rcub", 0x007D, 0 },
	{ "rdquo", 0x201D, 0 },
	{ "rdquor", 0x201D, 0 },
	{ "real", 0x211C, 0 },
	{ "rect", 0x25AD, 0 },
	{ "reg", 0x00AE, 1 },
	{ "rfloor", 0x230B, 0 },
	{ "rho", 0x03C1, 0 },
	{ "rlm", 0x200F, 0 },
	{ "rpar", 0x0029, 0 },
	{ "rsaquo", 0x203A, 0 },
	{ "rsqb", 0x005D, 0 },
	{ "rsquo", 0x2019, 0 },
	{ "rsquor", 0x2019, 0 },
	{ "rtri", 0x25B9, 0 },
	{ "rtrif", 0x25B8, 0 },
	{ "sacute", 0x015B, 0 },
	{ "sbquo", 0x201A, 0 },
	{ "scaron", 0x0161, 0 },
	{ "scedil", 0x015F, 0 },
	{ "sdot", 0x22C5, 0 },
	{ "sect", 0x00A7, 1 },
	{ "semi", 0x003B, 0 },
	{ "sext", 0x2736, 0 },
	{ "sharp", 0x266F, 0 },
	{ "shy", 0x00AD, 1 },
	{ "sigma", 0x03C3, 0 },
	{ "sigmaf", 0x03C2, 0 },
	{ "sim", 0x223C, 0 },
	{ "smile", 0x2323, 0 },
	{ "sol", 0x002F, 0 },
	{ "spades", 0x2660, 0 },
	{ "squ", 0x25A1, 0 },
	{ "square", 0x25A1, 0 },
	{ "star", 0x2606, 0 },
	{ "starf", 0x2605, 0 },
	{ "sub", 0x2282, 0 },
	{ "sube", 0x2286, 0 },
	{ "sum", 0x2211, 0 },
	{ "sup", 0x2283, 0 },
	{ "sup1", 0x00B9, 1 },
	{ "sup2", 0x00B2, 1 },
	{ "sup3", 0x00B3, 1 },
	{ "supe", 0x2287, 0 },
	{ "szlig", 0x00DF, 1 },
	{ "tau", 0x03C4, 0 },
	{ "tcaron", 0x0165, 0 },
	{ "there4", 0x2234, 0 },
	{ "theta", 0x03B8, 0 },
	{ "thetasym", 0x03D1, 0 },
	{ "thinsp", 0x2009, 0 },
	{ "thorn", 0x00FE, 1 },
	{ "tilde", 0x02DC, 0 },
	{ "times", 0x00D7, 1 },
	{ "trade", 0x2122, 0 },
	{ "trianglerighteq", 0x22B5, 0 },
	{ "uArr", 0x21D1, 0 },
	{ "uacute", 0x00FA, 1 },
	{ "uarr", 0x2191, 0 },
	{ "ucirc", 0x00FB, 1 },
	{ "udblac", 0x0171, 0 },
	{ "ugrave", 0x00F9, 1 },
	{ "uml", 0x00A8, 1 },
	{ "upsih", 0x03D2, 0 },
	{ "upsilon", 0x03C5, 0 },
	{ "uring", 0x016F, 0 },
	{ "utri", 0x25B5, 0 },
	{ "utrif", 0x25B4, 0 },
	{ "uuml", 0x00FC, 1 },
	{ "verbar", 0x007C, 0 },
	{ "vert", 0x007C, 0 },
	{ "weierp", 0x2118, 0 },
	{ "xi", 0x03BE, 0 },
	{ "yacute", 0x00FD, 1 },
	{ "yen", 0x00A5, 1 },
	{ "yuml", 0x00FF, 1 },
	{ "zacute", 0x017A, 0 },
	{ "zcaron", 0x017E, 0 },
	{ "zdot", 0x017C, 0 },
	{ "zeta", 0x03B6, 0 },
	{ "zwj", 0x200D, 0 },
	{ "zwnj", 0x200C, 0 },
};

/* HTML5 reads numeric references to C1 controls as windows-1252. */
static const uint16_t cp1252[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178
};

struct buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

/* An open element; indexes are 1-based, 0 is none. */
struct ent {
	uint32_t	 prev;		/* previous entry with the same id */
	uint32_t	 special;	/* nearest special entry at or below */
	uint32_t	 strong;	/* nearest F_STRONG entry at or below */
	uint32_t	 aux;		/* ol counter, table rows, name hash */
	uint8_t		 id;
	uint8_t		 flags;
};

#define E_HIDDEN	0x01
#define E_BRK1		0x02
#define E_BRK2		0x04
#define E_INCELL	0x08	/* a table inside a table cell */

enum { A_ALT, A_CLASS, A_HIDDEN, A_HREF, A_START, A_STYLE, A_VALUE, NATTR };

static const char *const attrnames[NATTR] = {
	"alt", "class", "hidden", "href", "start", "style", "value"
};

struct attr {
	const char	*v;
	size_t		 n;
	int		 set;
};

struct tok {
	const struct tagdef *def;	/* NULL for an unknown tag */
	int		 id;
	uint32_t	 hash;		/* of the lowercased name */
	int		 end;
	int		 selfclose;
	struct attr	 a[NATTR];
};

struct conv {
	struct buf	 out;
	struct buf	 prews;		/* pre spaces starting a line */
	struct buf	 href;		/* URL of the open link */
	struct buf	 tmp;		/* a decoded attribute */
	struct ent	*stk;
	size_t		 nstk;
	size_t		 capstk;
	uint32_t	 top[NID];	/* topmost entry of each id */
	uint32_t	 lost[NID];	/* elements opened past DEPTH_MAX */
	size_t		 nlost;
	unsigned	 hidden;	/* hidden entries open */
	unsigned	 pre;
	unsigned	 quote;
	unsigned	 list;
	int		 nl;		/* newlines owed before the next text */
	int		 sp;		/* a space is owed */
	int		 sep;		/* a cell separator is owed */
	int		 bol;		/* nothing written on this line yet */
	int		 any;		/* anything written at all */
	int		 oom;
	size_t		 line;		/* where the current line starts */
	unsigned	 last_quote;	/* quote depth of the last line */
	int		 mk;		/* owed list marker: 0, '-' or '#' */
	long long	 mk_num;
	unsigned	 mk_level;
	int		 link;		/* a link is open */
	size_t		 link_start;	/* where its text starts in out */
	int		 nbsp;		/* only &nbsp; on this line so far */
	int		 skip_lf;	/* the newline after <pre> is markup */
	int		 raw;		/* raw text state to enter */
	const struct tagdef *rawdef;
	int		 raw_hide;
	const char	*noquote[2];	/* no '"' (0) or '\'' (1) from here */
};

static void	pop_to(struct conv *, uint32_t);

static int
is_ws(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\f' ||
	    ch == '\r';
}

static int
is_alpha(int ch)
{
	ch |= 0x20;
	return ch >= 'a' && ch <= 'z';
}

static int
is_alnum(int ch)
{
	return is_alpha(ch) || (ch >= '0' && ch <= '9');
}

static int
lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch;
}

static int
ci_eq(const char *a, const char *b, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

static int
ci_prefix(const char *s, size_t n, const char *pfx)
{
	size_t	 k = strlen(pfx);

	return n >= k && ci_eq(s, pfx, k);
}

static uint32_t
max2(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* Buffers.  After an allocation failure every write is a no-op. */

static int
reserve(struct conv *c, struct buf *b, size_t n)
{
	size_t	 cap;
	char	*p;

	if (c->oom)
		return -1;
	/* Always keep room for the final NUL. */
	if (b->cap - b->len > n)
		return 0;
	if (n >= SIZE_MAX / 4 - b->len) {
		c->oom = 1;
		return -1;
	}
	cap = b->cap ? b->cap : 256;
	while (cap - b->len <= n)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL) {
		c->oom = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

static void
put(struct conv *c, struct buf *b, const char *s, size_t n)
{
	if (n == 0 || reserve(c, b, n) == -1)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void
put1(struct conv *c, struct buf *b, int ch)
{
	if (reserve(c, b, 1) == -1)
		return;
	b->p[b->len++] = (char)ch;
}

/* UTF-8. */

/*
 * Decodes the sequence at p.  Returns its length, or minus the length of
 * its maximal invalid prefix (which becomes one U+FFFD, as in WHATWG).
 */
static int
u8dec(const unsigned char *p, const unsigned char *e, uint32_t *cp)
{
	unsigned	 b = p[0], lo = 0x80, hi = 0xBF;
	int		 need, i;
	uint32_t	 v;

	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b < 0xC2 || b > 0xF4)
		return -1;
	if (b < 0xE0) {
		need = 1;
		v = b & 0x1F;
	} else if (b < 0xF0) {
		need = 2;
		v = b & 0x0F;
		if (b == 0xE0)
			lo = 0xA0;
		else if (b == 0xED)
			hi = 0x9F;	/* no surrogates */
	} else {
		need = 3;
		v = b & 0x07;
		if (b == 0xF0)
			lo = 0x90;
		else if (b == 0xF4)
			hi = 0x8F;
	}
	for (i = 1; i <= need; i++) {
		if (p + i >= e || p[i] < lo || p[i] > hi)
			return -i;
		v = v << 6 | (p[i] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = v;
	return need + 1;
}

static size_t
u8enc(uint32_t cp, char *s)
{
	if (cp < 0x80) {
		s[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		s[0] = (char)(0xC0 | cp >> 6);
		s[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		s[0] = (char)(0xE0 | cp >> 12);
		s[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		s[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	s[0] = (char)(0xF0 | cp >> 18);
	s[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	s[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	s[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* C1 as windows-1252, other controls but whitespace as U+FFFD. */
static uint32_t
fixcp(uint32_t cp)
{
	if (cp >= 0x80 && cp < 0xA0)
		return cp1252[cp - 0x80] ? cp1252[cp - 0x80] : 0xFFFD;
	if ((cp < 0x20 && !is_ws((int)cp)) || cp == 0x7F)
		return 0xFFFD;
	return cp;
}

static int
cp_space(uint32_t cp)
{
	return cp == 0xA0 || (cp < 0x80 && is_ws((int)cp));
}

/* Invisible characters that only get in the way of later stages. */
static int
cp_dropped(uint32_t cp)
{
	return cp == 0xAD || cp == 0x34F || cp == 0x200B || cp == 0x200C ||
	    cp == 0x2060 || cp == 0xFEFF;
}

/* Character references. */

static int
namecmp(const char *a, size_t an, const char *b)
{
	size_t	 i;

	for (i = 0; i < an && b[i] != '\0'; i++)
		if (a[i] != b[i])
			return (unsigned char)a[i] - (unsigned char)b[i];
	if (i < an)
		return 1;
	return b[i] != '\0' ? -1 : 0;
}

static const struct entity *
lookup_entity(const char *s, size_t n)
{
	size_t	 lo = 0, hi = sizeof entities / sizeof entities[0], mid;
	int	 r;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		r = namecmp(s, n, entities[mid].name);
		if (r == 0)
			return &entities[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int
digit(int ch, int base)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20;
	if (base == 16 && ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/*
 * Decodes the reference at s, which is '&'.  Returns the bytes it takes,
 * or 0 when it is no reference and the '&' is text.  In attribute values a
 * name without ';' followed by a letter, digit or '=' is left alone, so
 * that URLs like "?a=1&copy=2" survive.
 */
static size_t
charref(const char *s, const char *e, int inattr, uint32_t *cp)
{
	const struct entity	*en;
	const char		*p = s + 1, *ns;
	uint32_t		 v = 0;
	int			 base = 10, d, big = 0;
	size_t			 nl, k;

	if (p < e && *p == '#') {
		p++;
		if (p < e && (*p | 0x20) == 'x') {
			base = 16;
			p++;
		}
		for (ns = p; p < e && (d = digit(*p, base)) >= 0; p++) {
			if (!big && (v = v * (uint32_t)base + (uint32_t)d) >
			    0x10FFFF)
				big = 1;
		}
		if (p == ns)
			return 0;
		if (p < e && *p == ';')
			p++;
		if (big || v == 0 || (v >= 0xD800 && v <= 0xDFFF))
			v = 0xFFFD;
		*cp = fixcp(v);
		return (size_t)(p - s);
	}
	ns = p;
	while (p < e && p - ns < NAME_MAX_LEN && is_alnum(*p))
		p++;
	if ((nl = (size_t)(p - ns)) == 0)
		return 0;
	if (p < e && *p == ';' && (en = lookup_entity(ns, nl)) != NULL) {
		*cp = en->cp;
		return nl + 2;
	}
	for (k = nl < LEGACY_MAX ? nl : LEGACY_MAX; k >= 2; k--) {
		if ((en = lookup_entity(ns, k)) == NULL || !en->legacy)
			continue;
		if (inattr && ns + k < e && (is_alnum(ns[k]) || ns[k] == '='))
			return 0;
		*cp = en->cp;
		return k + 1;
	}
	return 0;
}

/* The line writer. */

static void
end_line(struct conv *c)
{
	while (c->out.len > c->line && (c->out.p[c->out.len - 1] == ' ' ||
	    c->out.p[c->out.len - 1] == '\t'))
		c->out.len--;
	put1(c, &c->out, '\n');
	c->line = c->out.len;
}

static void
put_quote(struct conv *c, unsigned depth)
{
	unsigned	 i;

	for (i = 0; i < depth && i < QUOTE_MAX; i++)
		put(c, &c->out, "> ", 2);
}

static void
indent(struct conv *c, unsigned level)
{
	static const char	 spaces[] = SP8 SP8 SP8 SP8;

	if (level > LIST_MAX)
		level = LIST_MAX;
	put(c, &c->out, spaces, 2 * (size_t)level);
}

/* Pays what is owed before visible text: newlines, prefix, space. */
static void
begin_text(struct conv *c)
{
	char	 num[32];
	int	 n;

	if (c->nl > 0) {
		if (c->any) {
			end_line(c);
			if (c->nl > 1) {
				put_quote(c, c->last_quote < c->quote ?
				    c->last_quote : c->quote);
				end_line(c);
			}
			c->bol = 1;
		}
		c->nl = 0;
	}
	if (c->bol) {
		put_quote(c, c->quote);
		c->last_quote = c->quote;
		if (c->mk != 0) {
			indent(c, c->mk_level - 1);
			if (c->mk == '-')
				put(c, &c->out, "- ", 2);
			else if ((n = snprintf(num, sizeof num, "%lld. ",
			    c->mk_num)) > 0)
				put(c, &c->out, num, (size_t)n);
			c->mk = 0;
		} else
			indent(c, c->list);
		put(c, &c->out, c->prews.p, c->prews.len);
		c->bol = 0;
	} else if (c->sep)
		put(c, &c->out, " | ", 3);
	else if (c->sp)
		put1(c, &c->out, ' ');
	c->sp = c->sep = 0;
	c->prews.len = 0;
	c->any = 1;
	c->nbsp = 0;
	if (c->link && c->link_start == NONE)
		c->link_start = c->out.len;
}

static void
chunk(struct conv *c, const char *s, size_t n)
{
	begin_text(c);
	put(c, &c->out, s, n);
}

/* A boundary: n is 1 to end the line, 2 for a blank line. */
static void
soft_break(struct conv *c, int n)
{
	if (c->hidden || !c->any || n == 0)
		return;
	c->nbsp = 0;
	if (c->nl < n)
		c->nl = n;
	c->prews.len = 0;
}

/* <br>, or a newline in pre: one more line, blank if need be. */
static void
hard_break(struct conv *c)
{
	if (c->hidden || !c->any)
		return;
	c->nbsp = 0;
	if (c->nl < 2)
		c->nl++;
	c->prews.len = 0;
}

/*
 * The end or start of a block.  A line holding only &nbsp; is not empty
 * to a browser: that is how Outlook and Gmail write blank lines.  Table
 * rows do not come here, or every spacer cell would be a blank line.
 */
static void
block_break(struct conv *c, int n)
{
	if (n == 0)
		return;
	if (c->nbsp)
		hard_break(c);
	soft_break(c, n);
}

static void
put_cp(struct conv *c, uint32_t cp, int pre)
{
	char	 u[4];

	if (cp_space(cp)) {
		if (!pre) {
			c->sp = 1;
			if (cp == 0xA0 && (c->nl || c->bol))
				c->nbsp = 1;
		} else if (cp == '\n')
			hard_break(c);
		else if (c->nl || c->bol)
			put1(c, &c->prews, cp == '\t' ? '\t' : ' ');
		else
			put1(c, &c->out, cp == '\t' ? '\t' : ' ');
	} else if (!cp_dropped(cp))
		chunk(c, u, u8enc(cp, u));
}

/* Characters that go to the output as they are. */
static int
cp_plain(uint32_t cp)
{
	return cp > 0xA0 && !cp_dropped(cp);
}

#define TX_ENT	1	/* decode character references */
#define TX_PRE	2	/* keep whitespace */

static void
text(struct conv *c, const char *s, const char *e, int mode)
{
	const unsigned char	*p = (const unsigned char *)s, *run;
	const unsigned char	*end = (const unsigned char *)e;
	uint32_t		 cp;
	int			 n, pre;
	size_t			 k;

	if (c->top[T_HEAD] != 0) {
		/* Text other than whitespace starts the body. */
		for (; s < e && is_ws(*s); s++)
			;
		if (s < e)
			pop_to(c, c->top[T_HEAD]);
	}
	if (c->hidden || p == end)
		return;
	pre = (mode & TX_PRE) || c->pre > 0;
	while (p < end) {
		for (run = p; p < end; p += n) {
			if (*p > 0x20 && *p < 0x7F) {
				if (*p == '&' && (mode & TX_ENT))
					break;
				n = 1;
				continue;
			}
			if (*p < 0x80 || (n = u8dec(p, end, &cp)) < 0 ||
			    !cp_plain(cp))
				break;
		}
		if (p > run)
			chunk(c, (const char *)run, (size_t)(p - run));
		if (p == end)
			break;
		if (*p == '&') {
			k = charref((const char *)p, e, 0, &cp);
			if (k == 0) {
				chunk(c, "&", 1);
				k = 1;
			} else
				put_cp(c, cp, pre);
			p += k;
			continue;
		}
		if (*p < 0x80) {
			cp = *p++;
			/* CRLF and lone CR are newlines. */
			if (cp == '\r') {
				cp = '\n';
				if (p < end && *p == '\n')
					p++;
			}
		} else if ((n = u8dec(p, end, &cp)) < 0) {
			cp = 0xFFFD;
			p += -n;
		} else
			p += n;
		put_cp(c, fixcp(cp), pre);
	}
}

/*
 * Decodes an attribute value into b.  With collapse, whitespace runs become
 * one space and invisible characters go, as for alt text; without, tabs and
 * newlines go and the ends are trimmed, as browsers do with URLs.
 */
static void
decode_attr(struct conv *c, struct buf *b, const char *s, size_t n,
    int collapse)
{
	const unsigned char	*p = (const unsigned char *)s;
	const unsigned char	*e = p + n;
	uint32_t		 cp;
	size_t			 k, i;
	int			 d, sp = 0;
	char			 u[4];

	b->len = 0;
	while (p < e) {
		if (*p == '&' && (k = charref((const char *)p,
		    (const char *)e, 1, &cp)) > 0)
			p += k;
		else if ((d = u8dec(p, e, &cp)) < 0) {
			cp = 0xFFFD;
			p += -d;
		} else
			p += d;
		cp = fixcp(cp);
		if (collapse) {
			if (cp_space(cp)) {
				sp = 1;
				continue;
			}
			if (cp_dropped(cp))
				continue;
			if (sp && b->len > 0)
				put1(c, b, ' ');
			sp = 0;
		} else if (cp == '\t' || cp == '\n' || cp == '\r')
			continue;
		put(c, b, u, u8enc(cp, u));
	}
	if (!collapse && !c->oom) {
		while (b->len > 0 && (unsigned char)b->p[b->len - 1] <= ' ')
			b->len--;
		for (i = 0; i < b->len && (unsigned char)b->p[i] <= ' '; i++)
			;
		if (i > 0) {
			memmove(b->p, b->p + i, b->len - i);
			b->len -= i;
		}
	}
}

/* Links. */

static int
url_eq(const char *a, size_t an, const char *b, size_t bn)
{
	if (an > 0 && a[an - 1] == '/')
		an--;
	if (bn > 0 && b[bn - 1] == '/')
		bn--;
	return an == bn && ci_eq(a, b, an);
}

/* Whether the text of a link already says where it goes. */
static int
same_link(const char *t, size_t tn, const char *u, size_t un)
{
	static const char *const schemes[] = {
		"mailto:", "tel:", "https://", "http://"
	};
	size_t	 i, k;

	if (url_eq(t, tn, u, un))
		return 1;
	for (i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
		if (!ci_prefix(u, un, schemes[i]))
			continue;
		k = strlen(schemes[i]);
		u += k;
		un -= k;
		/* mailto:a@b?subject=... shows as a@b */
		for (k = 0; i == 0 && k < un; k++)
			if (u[k] == '?')
				un = k;
		return url_eq(t, tn, u, un);
	}
	return 0;
}

static void
close_link(struct conv *c)
{
	const char	*s;
	size_t		 n;

	if (!c->link)
		return;
	c->link = 0;
	if (c->link_start == NONE || c->link_start >= c->out.len)
		return;
	s = c->out.p + c->link_start;
	n = c->out.len - c->link_start;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || same_link(s, n, c->href.p, c->href.len))
		return;
	put(c, &c->out, " <", 2);
	put(c, &c->out, c->href.p, c->href.len);
	put1(c, &c->out, '>');
}

static void
open_link(struct conv *c, const struct tok *t)
{
	const struct attr	*a = &t->a[A_HREF];

	if (c->hidden || !a->set)
		return;
	decode_attr(c, &c->href, a->v, a->n, 0);
	if (c->href.len == 0 || c->href.p[0] == '#' ||
	    ci_prefix(c->href.p, c->href.len, "javascript:") ||
	    ci_prefix(c->href.p, c->href.len, "vbscript:") ||
	    ci_prefix(c->href.p, c->href.len, "data:"))
		return;
	c->link = 1;
	c->link_start = NONE;
}

/* The stack of open elements. */

static uint32_t
top_special(const struct conv *c)
{
	return c->nstk ? c->stk[c->nstk - 1].special : 0;
}

static uint32_t
top_strong(const struct conv *c)
{
	return c->nstk ? c->stk[c->nstk - 1].strong : 0;
}

/* The topmost scope boundary: what end tags may not close past. */
static uint32_t
scope(const struct conv *c)
{
	return max2(max2(max2(c->top[T_TABLE], c->top[T_TD]),
	    max2(c->top[T_TH], c->top[T_CAPTION])),
	    max2(max2(c->top[T_OBJECT], c->top[T_TEMPLATE]),
	    max2(c->top[T_APPLET], c->top[T_MARQUEE])));
}

static uint32_t
list_top(const struct conv *c)
{
	return max2(max2(c->top[T_UL], c->top[T_OL]),
	    max2(c->top[T_MENU], c->top[T_DIR]));
}

static int
is_list(int id)
{
	return id == T_UL || id == T_OL || id == T_MENU || id == T_DIR;
}

static int
is_heading(int id)
{
	return id >= T_H1 && id <= T_H6;
}

static uint32_t
heading_top(const struct conv *c)
{
	uint32_t	 x = 0;
	int		 id;

	for (id = T_H1; id <= T_H6; id++)
		x = max2(x, c->top[id]);
	return x;
}

/* Returns 0 when the element is not kept: past DEPTH_MAX, or no memory. */
static int
push(struct conv *c, int id, int flags, uint32_t aux)
{
	struct ent	*e, *p;
	size_t		 cap;
	uint32_t	 idx;

	if (c->nstk == DEPTH_MAX) {
		c->lost[id]++;
		c->nlost++;
		return 0;
	}
	if (c->nstk == c->capstk) {
		cap = c->capstk ? 2 * c->capstk : 64;
		if ((p = realloc(c->stk, cap * sizeof *p)) == NULL) {
			c->oom = 1;
			return 0;
		}
		c->stk = p;
		c->capstk = cap;
	}
	e = &c->stk[c->nstk++];
	idx = (uint32_t)c->nstk;
	e->id = (uint8_t)id;
	e->flags = (uint8_t)flags;
	e->aux = aux;
	e->prev = c->top[id];
	c->top[id] = idx;
	e->special = idx > 1 ? e[-1].special : 0;
	e->strong = idx > 1 ? e[-1].strong : 0;
	if (id < NTAG && (tags[id].flags & F_SPECIAL))
		e->special = idx;
	if (id < NTAG && (tags[id].flags & F_STRONG))
		e->strong = idx;
	return 1;
}

static void
end_effects(struct conv *c, const struct ent *e)
{
	if (e->flags & E_HIDDEN) {
		c->hidden--;
		return;
	}
	switch (e->id) {
	case T_BLOCKQUOTE:
		c->quote--;
		break;
	case T_UL:
	case T_OL:
	case T_MENU:
	case T_DIR:
		c->list--;
		break;
	case T_PRE:
	case T_LISTING:
		c->pre--;
		break;
	case T_LI:
		c->mk = 0;
		break;
	case T_TR:
		c->sep = 0;
		break;
	case T_A:
		close_link(c);
		break;
	}
	if (e->id == T_TABLE || e->id == T_CAPTION)
		soft_break(c, e->flags & E_BRK1 ? 1 : 0);
	else if (e->flags & E_BRK2)
		block_break(c, 2);
	else if (e->flags & E_BRK1)
		block_break(c, 1);
}

/* Pops entries down to and including entry x. */
static void
pop_to(struct conv *c, uint32_t x)
{
	struct ent	*e;

	if (x == 0)
		return;
	while (c->nstk >= x) {
		e = &c->stk[--c->nstk];
		if (e->id != T_DEAD)
			c->top[e->id] = e->prev;
		end_effects(c, e);
	}
	/* Elements past DEPTH_MAX sat above everything popped. */
	if (c->nlost) {
		memset(c->lost, 0, sizeof c->lost);
		c->nlost = 0;
	}
}

/*
 * A formatting element closed while a block opened inside it is still
 * open: it ends there and the block stays, roughly what the HTML5 adoption
 * agency does.  x is the topmost entry of its id.
 */
static void
kill(struct conv *c, uint32_t x)
{
	struct ent	*e = &c->stk[x - 1];

	c->top[e->id] = e->prev;
	end_effects(c, e);
	e->id = T_DEAD;
	e->flags = 0;
}

static void
end_fmt(struct conv *c, int id)
{
	uint32_t	 x = c->top[id];

	if (x == 0) {
		if (id == T_A)
			close_link(c);
		return;
	}
	if (x <= scope(c))
		return;
	if (x > top_special(c))
		pop_to(c, x);
	else
		kill(c, x);
}

static void
close_p(struct conv *c)
{
	uint32_t	 x = c->top[T_P];

	if (x != 0 && x > max2(scope(c), c->top[T_BUTTON]))
		pop_to(c, x);
}

static void
leave_svg(struct conv *c)
{
	uint32_t	 x = c->top[T_SVG];

	while (c->stk[x - 1].prev != 0)
		x = c->stk[x - 1].prev;
	pop_to(c, x);
}

/* Tags. */

static const struct tagdef *
lookup_tag(const char *name)
{
	size_t	 lo = 0, hi = NTAG, mid;
	int	 r;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		r = strcmp(name, tags[mid].name);
		if (r == 0)
			return &tags[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static void
set_attr(struct tok *t, const char *an, const char *ane, const char *v,
    size_t n)
{
	size_t	 len = (size_t)(ane - an);
	int	 i;

	for (i = 0; i < NATTR; i++) {
		if (len != strlen(attrnames[i]) ||
		    !ci_eq(an, attrnames[i], len))
			continue;
		/* The first of duplicate attributes wins. */
		if (!t->a[i].set) {
			t->a[i].v = v != NULL ? v : "";
			t->a[i].n = n;
			t->a[i].set = 1;
		}
		return;
	}
}

static int
css_word(const char *v, const char *ve, const char *w)
{
	size_t	 k = strlen(w);

	return (size_t)(ve - v) >= k && ci_eq(v, w, k) &&
	    (v + k == ve || is_ws(v[k]) || v[k] == '!');
}

/* Whether a style attribute says display:none or visibility:hidden. */
static int
style_hides(const char *s, size_t n)
{
	const char	*p = s, *e = s + n, *k, *ke, *v;

	while (p < e) {
		while (p < e && (is_ws(*p) || *p == ';'))
			p++;
		for (k = p; p < e && *p != ':' && *p != ';'; p++)
			;
		for (ke = p; ke > k && is_ws(ke[-1]); ke--)
			;
		if (p == e || *p == ';')
			continue;
		for (v = ++p; p < e && *p != ';'; p++)
			;
		while (v < p && is_ws(*v))
			v++;
		if (ke - k == 7 && ci_eq(k, "display", 7) &&
		    css_word(v, p, "none"))
			return 1;
		if (ke - k == 10 && ci_eq(k, "visibility", 10) &&
		    css_word(v, p, "hidden"))
			return 1;
	}
	return 0;
}

static int
tok_hidden(const struct tok *t)
{
	return t->a[A_HIDDEN].set || (t->a[A_STYLE].set &&
	    style_hides(t->a[A_STYLE].v, t->a[A_STYLE].n));
}

/* Outlook's class=MsoNormal, MsoListParagraph, MsoPlainText... */
static int
tok_mso(const struct tok *t)
{
	const struct attr	*a = &t->a[A_CLASS];
	size_t			 i;

	for (i = 0; a->set && i + 3 <= a->n; i++)
		if (ci_eq(a->v + i, "mso", 3))
			return 1;
	return 0;
}

static long
attr_num(const struct tok *t, int i, long def)
{
	const char	*p, *e;
	long		 v = 0;
	int		 neg = 0;

	if (!t->a[i].set)
		return def;
	p = t->a[i].v;
	e = p + t->a[i].n;
	while (p < e && is_ws(*p))
		p++;
	if (p < e && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	if (p == e || *p < '0' || *p > '9')
		return def;
	for (; p < e && *p >= '0' && *p <= '9'; p++)
		if (v < 1000000000)
			v = v * 10 + (*p - '0');
	return neg ? -v : v;
}

static void
set_marker(struct conv *c, const struct tok *t)
{
	struct ent	*e;
	uint32_t	 x;
	long long	 v;

	if (c->hidden)
		return;
	c->mk_level = c->list == 0 ? 1 : c->list > LIST_MAX ? LIST_MAX :
	    c->list;
	x = list_top(c);
	if (x == 0 || c->stk[x - 1].id != T_OL) {
		c->mk = '-';
		return;
	}
	e = &c->stk[x - 1];
	if (t->a[A_VALUE].set)
		e->aux = (uint32_t)attr_num(t, A_VALUE, 1);
	else
		e->aux++;
	/* aux holds a signed counter. */
	v = e->aux;
	if (v > INT32_MAX)
		v -= 4294967296LL;
	c->mk = '#';
	c->mk_num = v;
}

static void
void_tag(struct conv *c, const struct tok *t, int hide)
{
	const struct attr	*a = &t->a[A_ALT];

	if (hide || c->hidden)
		return;
	switch (t->id) {
	case T_BR:
		hard_break(c);
		break;
	case T_HR:
		block_break(c, 2);
		break;
	case T_IMG:
		if (!a->set)
			break;
		decode_attr(c, &c->tmp, a->v, a->n, 1);
		if (c->tmp.len == 0 || c->oom)
			break;
		begin_text(c);
		put1(c, &c->out, '[');
		put(c, &c->out, c->tmp.p, c->tmp.len);
		put1(c, &c->out, ']');
		break;
	}
}

static int
in_cell(const struct conv *c)
{
	return max2(c->top[T_TD], c->top[T_TH]) > c->top[T_TABLE];
}

/* Rows break lines before them, but the first of a nested table. */
static int
row_break(struct conv *c)
{
	struct ent	*e;
	uint32_t	 x = c->top[T_TABLE];

	if (x == 0)
		return 1;
	e = &c->stk[x - 1];
	if (e->aux++ == 0 && (e->flags & E_INCELL))
		return 0;
	return 1;
}

static void
open_elem(struct conv *c, const struct tok *t, int hide)
{
	const struct tagdef	*d = t->def;
	uint32_t		 aux = 0;
	int			 id = t->id, fl = 0, brk = d->brk;

	if (hide || (d->flags & F_DROP)) {
		if (push(c, id, E_HIDDEN, 0))
			c->hidden++;
		return;
	}
	if (id == T_P) {
		/* Outlook's paragraphs have no margins. */
		if (tok_mso(t))
			brk = 1;
	} else if (is_list(id)) {
		/* Only outermost lists have margins. */
		brk = c->list ? 1 : 2;
		if (id == T_OL)
			aux = (uint32_t)(attr_num(t, A_START, 1) - 1);
	} else if (id == T_TABLE && in_cell(c)) {
		/*
		 * Shops and newsletters nest a table in every cell: such a
		 * table only breaks lines between its own rows.
		 */
		fl |= E_INCELL;
		brk = 0;
	} else if (id == T_TR)
		brk = row_break(c);
	if (id != T_TR)
		fl |= brk == 2 ? E_BRK2 : brk == 1 ? E_BRK1 : 0;
	if (id == T_TABLE || id == T_TR || id == T_CAPTION)
		soft_break(c, brk);
	else
		block_break(c, brk);
	if (!push(c, id, fl, aux))
		return;
	switch (id) {
	case T_BLOCKQUOTE:
		c->quote++;
		break;
	case T_UL:
	case T_OL:
	case T_MENU:
	case T_DIR:
		c->list++;
		break;
	case T_PRE:
	case T_LISTING:
		c->pre++;
		c->skip_lf = 1;
		break;
	case T_LI:
		set_marker(c, t);
		break;
	case T_TD:
	case T_TH:
		if (!c->hidden)
			c->sep = 1;
		break;
	case T_TR:
		c->sep = 0;
		break;
	case T_A:
		open_link(c, t);
		break;
	}
}

static void
start_tag(struct conv *c, const struct tok *t)
{
	const struct tagdef	*d = t->def;
	uint32_t		 x;
	int			 hide;

	if (c->top[T_SVG] != 0) {
		/* Foreign content: nest blindly, honour "/>". */
		if (d == NULL || !(d->flags & F_BREAKOUT)) {
			if (!t->selfclose)
				push(c, t->id == T_SVG ? T_SVG : T_UNKNOWN, 0,
				    t->hash);
			return;
		}
		leave_svg(c);
	}
	if (c->top[T_HEAD] != 0 && (d == NULL || !(d->flags & F_HEADOK))) {
		if (t->id == T_HEAD)
			return;
		pop_to(c, c->top[T_HEAD]);
	}
	hide = tok_hidden(t);
	if (d == NULL) {
		if (push(c, T_UNKNOWN, hide ? E_HIDDEN : 0, t->hash) && hide)
			c->hidden++;
		return;
	}
	/* <svg/> is complete; HTML elements ignore "/>". */
	if ((d->flags & F_IGNORE) || (t->id == T_SVG && t->selfclose))
		return;
	if (d->flags & F_CLOSEP)
		close_p(c);
	switch (t->id) {
	case T_LI:
		if ((x = c->top[T_LI]) != 0 && x == top_strong(c))
			pop_to(c, x);
		break;
	case T_DD:
	case T_DT:
		x = max2(c->top[T_DD], c->top[T_DT]);
		if (x != 0 && x == top_strong(c))
			pop_to(c, x);
		break;
	case T_TR:
		if ((x = c->top[T_TR]) <= c->top[T_TABLE])
			x = max2(c->top[T_TD], c->top[T_TH]);
		if (x > c->top[T_TABLE])
			pop_to(c, x);
		break;
	case T_TD:
	case T_TH:
		if ((x = max2(c->top[T_TD], c->top[T_TH])) > c->top[T_TABLE])
			pop_to(c, x);
		break;
	case T_A:
		/* An a inside an a closes the first. */
		end_fmt(c, T_A);
		close_link(c);
		break;
	default:
		if (is_heading(t->id) && c->nstk != 0 &&
		    is_heading(c->stk[c->nstk - 1].id))
			pop_to(c, (uint32_t)c->nstk);
		break;
	}
	if (d->flags & F_VOID) {
		void_tag(c, t, hide);
		return;
	}
	if (d->raw != RAW_NONE) {
		c->raw = d->raw;
		c->rawdef = d;
		c->raw_hide = hide;
		return;
	}
	open_elem(c, t, hide);
}

static void
end_tag(struct conv *c, const struct tok *t)
{
	const struct tagdef	*d = t->def;
	uint32_t		 x;
	int			 id = t->id;

	if (c->top[T_SVG] != 0) {
		if (id == T_SVG)
			pop_to(c, c->top[T_SVG]);
		else if ((x = c->top[T_UNKNOWN]) > c->top[T_SVG] &&
		    c->stk[x - 1].aux == t->hash)
			pop_to(c, x);
		return;
	}
	if (d == NULL) {
		if (c->lost[T_UNKNOWN] != 0) {
			c->lost[T_UNKNOWN]--;
			c->nlost--;
		} else if ((x = c->top[T_UNKNOWN]) != 0 &&
		    x > top_special(c) && c->stk[x - 1].aux == t->hash)
			pop_to(c, x);
		return;
	}
	/* As browsers do, </br> is <br>. */
	if (id == T_BR) {
		hard_break(c);
		return;
	}
	if (c->lost[id] != 0) {
		c->lost[id]--;
		c->nlost--;
		block_break(c, d->brk);
		if (id == T_A)
			close_link(c);
		return;
	}
	switch (id) {
	case T_HEAD:
	case T_BODY:
	case T_HTML:
		pop_to(c, c->top[T_HEAD]);
		return;
	case T_P:
		x = c->top[T_P];
		if (x != 0 && x > max2(scope(c), c->top[T_BUTTON]))
			pop_to(c, x);
		else
			block_break(c, 2);	/* a stray </p> is <p></p> */
		return;
	case T_LI:
		x = c->top[T_LI];
		if (x != 0 && x > max2(scope(c), list_top(c)))
			pop_to(c, x);
		return;
	case T_TD:
	case T_TH:
	case T_TR:
	case T_CAPTION:
		x = c->top[id];
		if (x != 0 && x > max2(c->top[T_TABLE], c->top[T_TEMPLATE]))
			pop_to(c, x);
		return;
	case T_TABLE:
		x = c->top[T_TABLE];
		if (x != 0 && x > c->top[T_TEMPLATE])
			pop_to(c, x);
		return;
	case T_APPLET:
	case T_MARQUEE:
	case T_OBJECT:
	case T_TEMPLATE:
		pop_to(c, c->top[id]);
		return;
	}
	if (is_heading(id)) {
		/* Any heading closes any other. */
		if ((x = heading_top(c)) != 0 && x > scope(c))
			pop_to(c, x);
		return;
	}
	if (d->flags & F_IGNORE)
		return;
	if (d->flags & F_FMT) {
		end_fmt(c, id);
		return;
	}
	if ((x = c->top[id]) == 0)
		return;
	if (d->flags & F_SPECIAL) {
		if (x > scope(c))
			pop_to(c, x);
	} else if (x > top_special(c))
		pop_to(c, x);
}

/* The tokenizer. */

/*
 * Reads the tag at p: '<' and a letter, or "</" and a letter.  Returns the
 * byte after it, or NULL when the input ends inside it: HTML drops such a
 * tag.
 */
static const char *
lex_tag(struct conv *c, const char *p, const char *e, struct tok *t)
{
	char		 name[16];
	const char	*q, *an, *ane, *v, *r;
	uint32_t	 h = 2166136261u;
	size_t		 nl = 0;
	int		 ch, qi;

	memset(t, 0, sizeof *t);
	t->end = p[1] == '/';
	for (q = p + 1 + t->end; q < e && !is_ws(*q) && *q != '/' &&
	    *q != '>'; q++, nl++) {
		ch = lower((unsigned char)*q);
		h = (h ^ (uint32_t)ch) * 16777619u;
		if (nl < sizeof name - 1)
			name[nl] = (char)ch;
	}
	if (q == e)
		return NULL;
	t->hash = h;
	if (nl < sizeof name && memchr(p, '\0', (size_t)(q - p)) == NULL) {
		name[nl] = '\0';
		t->def = lookup_tag(name);
	}
	t->id = t->def != NULL ? (int)(t->def - tags) : T_UNKNOWN;
	for (;;) {
		while (q < e && (is_ws(*q) || *q == '/')) {
			if (*q == '/' && q + 1 < e && q[1] == '>')
				t->selfclose = 1;
			q++;
		}
		if (q == e)
			return NULL;
		if (*q == '>')
			return q + 1;
		/* A name may start with any character, even '='. */
		for (an = q++; q < e && !is_ws(*q) && *q != '/' && *q != '>' &&
		    *q != '='; q++)
			;
		for (ane = q; q < e && is_ws(*q); q++)
			;
		if (q == e)
			return NULL;
		if (*q != '=') {
			set_attr(t, an, ane, NULL, 0);
			continue;
		}
		for (q++; q < e && is_ws(*q); q++)
			;
		if (q == e)
			return NULL;
		if (*q == '"' || *q == '\'') {
			qi = *q == '\'';
			v = q + 1;
			r = NULL;
			if (c->noquote[qi] == NULL || v < c->noquote[qi])
				r = memchr(v, *q, (size_t)(e - v));
			if (r == NULL) {
				/*
				 * The quote never closes: end the tag at the
				 * next '>' rather than lose the rest, and
				 * remember, so as to stay linear.
				 */
				if (c->noquote[qi] == NULL)
					c->noquote[qi] = v;
				if ((r = memchr(v, '>', (size_t)(e - v))) ==
				    NULL)
					return NULL;
				set_attr(t, an, ane, v, (size_t)(r - v));
				return r + 1;
			}
			set_attr(t, an, ane, v, (size_t)(r - v));
			q = r + 1;
		} else if (*q != '>') {
			for (v = q; q < e && !is_ws(*q) && *q != '>'; q++)
				;
			set_attr(t, an, ane, v, (size_t)(q - v));
		} else
			set_attr(t, an, ane, NULL, 0);
	}
}

static const char *
skip_to(const char *p, const char *e, int ch)
{
	const char	*q = memchr(p, ch, (size_t)(e - p));

	return q != NULL ? q + 1 : e;
}

/* p follows "<!--". */
static const char *
skip_comment(const char *p, const char *e)
{
	const char	*q;

	if (p < e && *p == '>')
		return p + 1;
	if (e - p >= 2 && p[0] == '-' && p[1] == '>')
		return p + 2;
	for (; (q = memchr(p, '-', (size_t)(e - p))) != NULL; p = q + 1) {
		if (e - q >= 3 && q[1] == '-' && q[2] == '>')
			return q + 3;
		if (e - q >= 4 && q[1] == '-' && q[2] == '!' && q[3] == '>')
			return q + 4;
	}
	return e;
}

/* p follows "<![CDATA[". */
static const char *
skip_cdata(const char *p, const char *e)
{
	const char	*q;

	for (; (q = memchr(p, ']', (size_t)(e - p))) != NULL; p = q + 1)
		if (e - q >= 3 && q[1] == ']' && q[2] == '>')
			return q + 3;
	return e;
}

/* Markup at p, which is '<'.  Returns where to go on. */
static const char *
markup(struct conv *c, const char *p, const char *e)
{
	struct tok	 t;
	const char	*q;
	ptrdiff_t	 n = e - p;

	if ((n >= 2 && is_alpha(p[1])) ||
	    (n >= 3 && p[1] == '/' && is_alpha(p[2]))) {
		if ((q = lex_tag(c, p, e, &t)) == NULL)
			return e;
		if (t.end)
			end_tag(c, &t);
		else
			start_tag(c, &t);
		return q;
	}
	if (n >= 4 && p[1] == '!' && p[2] == '-' && p[3] == '-')
		return skip_comment(p + 4, e);
	if (n >= 9 && memcmp(p + 1, "![CDATA[", 8) == 0)
		return skip_cdata(p + 9, e);
	/* Doctype, <!...>, <?...?>, </ not followed by a letter. */
	if (n >= 2 && (p[1] == '!' || p[1] == '?'))
		return skip_to(p + 2, e, '>');
	if (n >= 3 && p[1] == '/')
		return skip_to(p + 2, e, '>');
	/* A '<' that starts nothing is text. */
	text(c, p, p + 1, TX_ENT);
	return p + 1;
}

/* The content of script, style, textarea...: p follows the start tag. */
static const char *
raw_text(struct conv *c, const char *p, const char *e)
{
	const struct tagdef	*d = c->rawdef;
	const char		*q, *r = p;
	size_t			 k = strlen(d->name);
	int			 kind = c->raw, brk;

	c->raw = RAW_NONE;
	if (kind == RAW_PLAIN)
		q = e;
	else {
		/* Up to "</name" followed by whitespace, '/' or '>'. */
		for (; (q = memchr(r, '<', (size_t)(e - r))) != NULL;
		    r = q + 1) {
			if ((size_t)(e - q) < k + 2 || q[1] != '/' ||
			    !ci_eq(q + 2, d->name, k))
				continue;
			if (q + 2 + k == e || is_ws(q[2 + k]) ||
			    q[2 + k] == '/' || q[2 + k] == '>')
				break;
		}
		if (q == NULL)
			q = e;
	}
	if (c->raw_hide || c->hidden || kind == RAW_DROP || kind == RC_DROP)
		return q;
	brk = d->brk ? d->brk : 2;
	block_break(c, brk);
	if (kind == RC_PRE && p < q && *p == '\n')
		p++;
	else if (kind == RC_PRE && p < q && *p == '\r')
		p += q - p >= 2 && p[1] == '\n' ? 2 : 1;
	text(c, p, q, TX_PRE | (kind == RC_PRE ? TX_ENT : 0));
	block_break(c, brk);
	return q;
}

static void
conv_free(struct conv *c)
{
	free(c->prews.p);
	free(c->href.p);
	free(c->tmp.p);
	free(c->stk);
}

char *
owi_html_to_text(const char *html, size_t len)
{
	struct conv	 c;
	const char	*p, *e, *q;
	int		 lf;

	memset(&c, 0, sizeof c);
	c.bol = 1;
	c.link_start = NONE;
	if (html == NULL) {
		html = "";
		len = 0;
	}
	p = html;
	e = html + len;
	reserve(&c, &c.out, len / 4 + 64);
	while (p < e && !c.oom) {
		if (c.raw != RAW_NONE) {
			p = raw_text(&c, p, e);
			continue;
		}
		lf = c.skip_lf;
		c.skip_lf = 0;
		if (*p == '<') {
			p = markup(&c, p, e);
			continue;
		}
		if ((q = memchr(p, '<', (size_t)(e - p))) == NULL)
			q = e;
		if (lf && *p == '\r')
			p += q - p >= 2 && p[1] == '\n' ? 2 : 1;
		else if (lf && *p == '\n')
			p++;
		text(&c, p, q, TX_ENT);
		p = q;
	}
	close_link(&c);
	while (c.out.len > c.line && (c.out.p[c.out.len - 1] == ' ' ||
	    c.out.p[c.out.len - 1] == '\t'))
		c.out.len--;
	if (c.out.len > 0)
		put1(&c, &c.out, '\n');
	conv_free(&c);
	if (reserve(&c, &c.out, 1) == -1) {
		free(c.out.p);
		return NULL;
	}
	c.out.p[c.out.len] = '\0';
	return c.out.p;
}
