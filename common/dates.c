/*
 * dates.c - find the dates of a mail's text and resolve them against the
 * mail's own date (the rules are in dates.h).
 *
 * One forward pass.  A lexer cuts the text into words (folded to
 * lower-case ASCII, accents dropped, looked up once in a sorted keyword
 * table), numbers and single punctuation marks, into a ring of the last
 * RING tokens.  At each token a few matchers look a bounded number of
 * tokens ahead and behind; nothing is ever rescanned beyond that, and
 * nothing is allocated, so time is linear in the text and
 * memory constant.  Only the guess of the text's language, needed for a
 * month-first reading, lexes the text a second time, once.
 */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"

/*
 * Tokens kept.  A matcher looks at most some 16 tokens ahead of where it
 * starts, the context at most BACK + 6 behind it: both fit.
 */
#define RING		128
#define BACK		48	/* bytes of context before a date */
#define WMAX		16	/* longest keyword, plus one */
#define HORIZON		200	/* days ahead an expected day may lie */
#define MAXCOUNT	999	/* "il y a 999 jours" at most */
#define MINYEAR		1900	/* years a text may write in full */
#define MAXYEAR		2199

enum { T_NONE, T_WORD, T_NUM, T_PUNCT, T_EOF };

/* Special words, the first token of a pattern or a part of one. */
enum {
	K_NONE, K_A, K_AFTER, K_AFTERNOON, K_AGO, K_APRES, K_AUJOURD, K_AVANT,
	K_BEFORE, K_CE, K_CET, K_D, K_DANS, K_DAY, K_DEMAIN, K_DERNIER, K_DIX,
	K_EVENING, K_HIER, K_HUI, K_IL, K_IN, K_L, K_LA, K_LAST, K_LE,
	K_MATIN, K_MIDI, K_MORNING, K_NEXT, K_NUMERO, K_OF, K_ORD, K_ORD1,
	K_PROCHAIN, K_SOIR, K_THE, K_THIS, K_TODAY, K_TOMORROW, K_TONIGHT,
	K_Y, K_YA, K_YESTERDAY
};

enum { U_NONE, U_DAY, U_WEEK, U_MONTH, U_YEAR };

enum { A_NONE, A_ORDERED, A_DELIVERED, A_SHIPPED, A_EXPECTED, A_DELIVERY };

static const char *const about_name[] = {
	"other", "ordered", "delivered", "shipped", "expected"
};

#define F_CUE		0x000001 /* introduces a date: "le", "du", "on" */
#define F_SFUT		0x000002 /* future: "sera", "will" */
#define F_WFUT		0x000004 /* future, unless after "était", "was" */
#define F_PAST		0x000008 /* past auxiliary: "ai", "was" */
#define F_DFUT		0x000010 /* future just before a date: "by" */
#define F_UNITX		0x000020 /* a unit: the number is no date */
#define F_WORK		0x000040 /* "ouvrés", "business" */
#define F_THEOK		0x000080 /* may follow "on the 3rd" */
#define F_FR		0x000100 /* frequent French word */
#define F_EN		0x000200 /* frequent English word */
#define F_WRANGE	0x000400 /* "du lundi au vendredi" */
#define F_DRANGE	0x000800 /* "du 3 au 5 novembre" */
#define F_HABIT		0x001000 /* "le lundi": every Monday */
#define F_QUAL		0x002000 /* "il y a environ 3 jours" */
#define F_ABBR		0x004000 /* abbreviation: may take a full stop */
#define F_SING		0x008000 /* singular: "la semaine dernière" */
#define F_CAPS		0x010000 /* a month only capitalised: "May" */
#define F_ACC		0x020000 /* a keyword only with its accent */
#define F_THEPREP	0x040000 /* may precede "the 3rd" */
#define F_ART		0x080000 /* "a week ago" */
#define F_NOTWD		0x100000 /* "Black Friday", "Mardi gras" */

struct kw {
	const char	*w;
	unsigned char	 code;
	unsigned char	 month;		/* 1-12, or 0 */
	unsigned char	 wd;		/* weekday + 1, or 0 */
	unsigned char	 num;		/* a number in words, or 0 */
	unsigned char	 unit;
	unsigned char	 about;
	unsigned int	 f;
};

#define E(word, ...)	{ .w = word, __VA_ARGS__ }
#define ORD		.about = A_ORDERED
#define DEL		.about = A_DELIVERED
#define SHIP		.about = A_SHIPPED
#define EXP		.about = A_EXPECTED

/* Sorted by w (strcmp), for bsearch. */
static const struct kw kws[] = {
	E("a", .code = K_A, .num = 1,
	    .f = F_WRANGE | F_DRANGE | F_QUAL | F_PAST | F_ART),
	E("achete", ORD), E("achetee", ORD), E("achetees", ORD),
	E("achetes", ORD),
	E("after", .code = K_AFTER, .f = F_CUE | F_THEPREP | F_EN),
	E("afternoon", .code = K_AFTERNOON),
	E("ago", .code = K_AGO, .f = F_EN),
	E("ai", .f = F_PAST | F_FR),
	E("an", .num = 1, .unit = U_YEAR, .f = F_SING | F_ART),
	E("and", .f = F_DRANGE | F_THEOK | F_EN),
	E("annee", .unit = U_YEAR, .f = F_SING),
	E("annees", .unit = U_YEAR),
	E("ans", .unit = U_YEAR, .f = F_UNITX),
	E("aou", .month = 8, .f = F_ABBR),
	E("aout", .month = 8),
	E("apr", .month = 4, .f = F_ABBR),
	E("apres", .code = K_APRES, .f = F_CUE),
	E("april", .month = 4),
	E("arrive", DEL, .f = F_ACC),
	E("arrived", DEL),
	E("arrivee", DEL), E("arrivees", DEL),
	E("arrivera", EXP, .f = F_SFUT), E("arriveront", EXP, .f = F_SFUT),
	E("arrives", DEL, .f = F_ACC),
	E("articles", .f = F_UNITX),
	E("as", .f = F_THEOK | F_EN),
	E("attendu", EXP, .f = F_WFUT), E("attendue", EXP, .f = F_WFUT),
	E("attendues", EXP, .f = F_WFUT), E("attendus", EXP, .f = F_WFUT),
	E("au", .f = F_CUE | F_WRANGE | F_DRANGE | F_QUAL),
	E("aug", .month = 8, .f = F_ABBR),
	E("august", .month = 8),
	E("aujourd", .code = K_AUJOURD),
	E("aujourdhui", .code = K_TODAY),
	E("avaient", .f = F_PAST), E("avait", .f = F_PAST),
	E("avant", .code = K_AVANT, .f = F_CUE | F_DFUT),
	E("avez", .f = F_PAST), E("avons", .f = F_PAST),
	E("avr", .month = 4, .f = F_ABBR),
	E("avril", .month = 4),
	E("before", .code = K_BEFORE, .f = F_CUE | F_DFUT | F_THEPREP),
	E("bien", .f = F_QUAL),
	E("black", .f = F_NOTWD),
	E("bonjour", .f = F_FR),
	E("bought", ORD),
	E("business", .f = F_WORK),
	E("by", .f = F_CUE | F_DFUT | F_THEPREP | F_THEOK),
	E("ce", .code = K_CE, .f = F_FR),
	E("cet", .code = K_CET),
	E("chaque", .f = F_HABIT),
	E("cinq", .num = 5),
	E("cl", .f = F_UNITX), E("cm", .f = F_UNITX),
	E("commande", ORD, .f = F_FR), E("commandee", ORD),
	E("commandees", ORD), E("commandes", ORD),
	E("cyber", .f = F_NOTWD),
	E("d", .code = K_D),
	E("dans", .code = K_DANS, .f = F_FR),
	E("date", .f = F_CUE), E("dated", .f = F_CUE), E("datee", .f = F_CUE),
	E("day", .code = K_DAY, .unit = U_DAY, .f = F_SING),
	E("days", .unit = U_DAY),
	E("de", .f = F_QUAL | F_FR),
	E("dec", .month = 12, .f = F_ABBR),
	E("december", .month = 12), E("decembre", .month = 12),
	E("deja", .f = F_QUAL),
	E("delivered", DEL),
	E("delivery", .about = A_DELIVERY),
	E("demain", .code = K_DEMAIN),
	E("depose", SHIP), E("deposee", SHIP),
	E("depuis", .f = F_CUE),
	E("dernier", .code = K_DERNIER), E("derniere", .code = K_DERNIER),
	E("des", .f = F_CUE | F_FR),
	E("deux", .num = 2),
	E("devaient", EXP), E("devait", EXP),
	E("devraient", EXP, .f = F_SFUT), E("devrait", EXP, .f = F_SFUT),
	E("did", .f = F_PAST),
	E("dim", .wd = 1, .f = F_ABBR),
	E("dimanche", .wd = 1),
	E("dispatched", SHIP),
	E("dix", .code = K_DIX, .num = 10),
	E("doit", .f = F_SFUT), E("doivent", .f = F_SFUT),
	E("douze", .num = 12),
	E("dropped", SHIP),
	E("du", .f = F_CUE | F_FR),
	E("due", EXP, .f = F_SFUT),
	E("e", .code = K_ORD),
	E("each", .f = F_HABIT),
	E("eight", .num = 8), E("eighteen", .num = 18),
	E("eleven", .num = 11),
	E("eme", .code = K_ORD),
	E("environ", .f = F_QUAL),
	E("envoi", SHIP),
	E("envoye", SHIP), E("envoyee", SHIP),
	E("envoyees", SHIP), E("envoyes", SHIP),
	E("er", .code = K_ORD1),
	E("est", .f = F_FR),
	E("estimated", EXP, .f = F_WFUT),
	E("estime", EXP, .f = F_WFUT), E("estimee", EXP, .f = F_WFUT),
	E("et", .f = F_DRANGE | F_FR),
	E("eta", EXP, .f = F_SFUT),
	E("etaient", .f = F_PAST), E("etait", .f = F_PAST),
	E("ete", .f = F_PAST),
	E("etoile", .f = F_UNITX), E("etoiles", .f = F_UNITX),
	E("eur", .f = F_UNITX), E("euro", .f = F_UNITX),
	E("euros", .f = F_UNITX),
	E("evening", .code = K_EVENING),
	E("every", .f = F_HABIT),
	E("expected", EXP, .f = F_WFUT),
	E("expedie", SHIP), E("expediee", SHIP), E("expediees", SHIP),
	E("expediera", SHIP, .f = F_SFUT), E("expedieront", SHIP, .f = F_SFUT),
	E("expedies", SHIP), E("expedition", SHIP),
	E("feb", .month = 2, .f = F_ABBR),
	E("february", .month = 2),
	E("fev", .month = 2, .f = F_ABBR), E("fevr", .month = 2, .f = F_ABBR),
	E("fevrier", .month = 2),
	E("fifteen", .num = 15), E("five", .num = 5),
	E("for", .f = F_EN),
	E("four", .num = 4), E("fourteen", .num = 14),
	E("fri", .wd = 6, .f = F_ABBR),
	E("friday", .wd = 6),
	E("from", .f = F_CUE | F_THEPREP | F_THEOK),
	E("gb", .f = F_UNITX), E("go", .f = F_UNITX),
	E("gras", .f = F_NOTWD),
	E("had", .f = F_PAST | F_EN), E("has", .f = F_PAST | F_EN),
	E("have", .f = F_PAST | F_EN),
	E("hello", .f = F_EN), E("hi", .f = F_EN),
	E("hier", .code = K_HIER),
	E("hui", .code = K_HUI),
	E("huit", .num = 8),
	E("i", .f = F_THEOK | F_EN),
	E("ici", .f = F_DFUT),
	E("ieme", .code = K_ORD),
	E("il", .code = K_IL, .f = F_FR),
	E("in", .code = K_IN, .f = F_THEOK),
	E("is", .f = F_EN), E("it", .f = F_THEOK | F_EN),
	E("items", .f = F_UNITX),
	E("jan", .month = 1, .f = F_ABBR),
	E("january", .month = 1),
	E("janv", .month = 1, .f = F_ABBR),
	E("janvier", .month = 1),
	E("je", .f = F_FR),
	E("jeu", .wd = 5, .f = F_ABBR),
	E("jeudi", .wd = 5),
	E("jour", .unit = U_DAY, .f = F_SING),
	E("jours", .unit = U_DAY),
	E("juil", .month = 7, .f = F_ABBR),
	E("juillet", .month = 7),
	E("juin", .month = 6),
	E("jul", .month = 7, .f = F_ABBR),
	E("july", .month = 7),
	E("jun", .month = 6, .f = F_ABBR),
	E("june", .month = 6),
	E("jusqu", .f = F_CUE | F_DFUT | F_WRANGE),
	E("kg", .f = F_UNITX),
	E("l", .code = K_L),
	E("la", .code = K_LA, .f = F_FR),
	E("last", .code = K_LAST),
	E("le", .code = K_LE, .f = F_CUE | F_HABIT | F_FR),
	E("les", .f = F_HABIT | F_FR),
	E("livraison", .about = A_DELIVERY, .f = F_FR),
	E("livre", DEL), E("livree", DEL),
	E("livrees", DEL),
	E("livrera", EXP, .f = F_SFUT), E("livreront", EXP, .f = F_SFUT),
	E("livres", DEL),
	E("lun", .wd = 2, .f = F_ABBR),
	E("lundi", .wd = 2),
	E("mai", .month = 5),
	E("mar", .month = 3, .wd = 3, .f = F_ABBR),
	E("march", .month = 3),
	E("mardi", .wd = 3),
	E("mars", .month = 3),
	E("matin", .code = K_MATIN),
	E("may", .month = 5, .f = F_CAPS),
	E("mb", .f = F_UNITX),
	E("mer", .wd = 4, .f = F_ABBR),
	E("merci", .f = F_FR),
	E("mercredi", .wd = 4),
	E("midi", .code = K_MIDI),
	E("ml", .f = F_UNITX), E("mm", .f = F_UNITX), E("mo", .f = F_UNITX),
	E("moins", .f = F_QUAL),
	E("mois", .unit = U_MONTH, .f = F_SING),
	E("mon", .wd = 2, .f = F_ABBR),
	E("monday", .wd = 2),
	E("month", .unit = U_MONTH, .f = F_SING),
	E("months", .unit = U_MONTH),
	E("morning", .code = K_MORNING),
	E("my", .f = F_EN),
	E("nd", .code = K_ORD),
	E("neuf", .num = 9),
	E("next", .code = K_NEXT),
	E("nine", .num = 9), E("nineteen", .num = 19),
	E("no", .code = K_NUMERO),
	E("nous", .f = F_FR),
	E("nov", .month = 11, .f = F_ABBR),
	E("november", .month = 11), E("novembre", .month = 11),
	E("nr", .code = K_NUMERO),
	E("num", .code = K_NUMERO), E("numero", .code = K_NUMERO),
	E("oct", .month = 10, .f = F_ABBR),
	E("october", .month = 10), E("octobre", .month = 10),
	E("of", .code = K_OF, .f = F_THEOK | F_EN),
	E("on", .f = F_CUE | F_THEPREP | F_EN),
	E("one", .num = 1),
	E("ont", .f = F_PAST),
	E("onze", .num = 11),
	E("or", .f = F_DRANGE | F_THEOK | F_EN),
	E("order", ORD, .f = F_EN), E("ordered", ORD),
	E("ou", .f = F_DRANGE | F_FR),
	E("ouvrables", .f = F_WORK), E("ouvres", .f = F_WORK),
	E("paid", ORD), E("paiement", ORD),
	E("parti", SHIP), E("partie", SHIP), E("partis", SHIP),
	E("pas", .f = F_FR),
	E("passe", .code = K_DERNIER), E("passee", .code = K_DERNIER),
	E("paye", ORD), E("payee", ORD),
	E("payment", ORD),
	E("peu", .f = F_QUAL),
	E("pieces", .f = F_UNITX),
	E("placed", ORD),
	E("planned", EXP, .f = F_WFUT),
	E("please", .f = F_THEOK | F_EN),
	E("plus", .f = F_QUAL),
	E("points", .f = F_UNITX),
	E("posted", SHIP),
	E("pour", .f = F_CUE | F_DFUT | F_FR),
	E("preleve", ORD), E("prelevee", ORD), E("prelevement", ORD),
	E("pres", .f = F_QUAL),
	E("presque", .f = F_QUAL),
	E("prevu", EXP, .f = F_WFUT), E("prevue", EXP, .f = F_WFUT),
	E("prevues", EXP, .f = F_WFUT), E("prevus", EXP, .f = F_WFUT),
	E("prochain", .code = K_PROCHAIN), E("prochaine", .code = K_PROCHAIN),
	E("programmee", EXP, .f = F_WFUT),
	E("pts", .f = F_UNITX),
	E("purchased", ORD),
	E("quasiment", .f = F_QUAL),
	E("quatorze", .num = 14), E("quatre", .num = 4),
	E("que", .f = F_FR),
	E("quinze", .num = 15),
	E("rd", .code = K_ORD),
	E("received", DEL),
	E("receptionne", DEL), E("receptionnee", DEL),
	E("recevra", EXP, .f = F_SFUT), E("recevrai", EXP, .f = F_SFUT),
	E("recevrez", EXP, .f = F_SFUT), E("recevrons", EXP, .f = F_SFUT),
	E("recevront", EXP, .f = F_SFUT),
	E("recu", DEL), E("recue", DEL), E("recues", DEL), E("recus", DEL),
	E("ref", .code = K_NUMERO), E("reference", .code = K_NUMERO),
	E("regle", ORD), E("reglee", ORD), E("reglement", ORD),
	E("renvoye", SHIP), E("renvoyee", SHIP),
	E("retourne", SHIP), E("retournee", SHIP), E("returned", SHIP),
	E("sam", .wd = 7, .f = F_ABBR),
	E("samedi", .wd = 7),
	E("sat", .wd = 7, .f = F_ABBR),
	E("saturday", .wd = 7),
	E("scheduled", EXP, .f = F_WFUT),
	E("seize", .num = 16),
	E("semaine", .unit = U_WEEK, .f = F_SING),
	E("semaines", .unit = U_WEEK),
	E("sent", SHIP),
	E("sep", .month = 9, .f = F_ABBR),
	E("sept", .month = 9, .num = 7, .f = F_ABBR),
	E("september", .month = 9), E("septembre", .month = 9),
	E("sera", .f = F_SFUT), E("serai", .f = F_SFUT),
	E("serez", .f = F_SFUT), E("serons", .f = F_SFUT),
	E("seront", .f = F_SFUT),
	E("seven", .num = 7), E("seventeen", .num = 17),
	E("shall", .f = F_SFUT),
	E("ship", SHIP), E("shipment", SHIP), E("shipped", SHIP),
	E("shipping", SHIP),
	E("should", EXP, .f = F_SFUT),
	E("since", .f = F_CUE | F_THEPREP),
	E("six", .num = 6), E("sixteen", .num = 16),
	E("soir", .code = K_SOIR),
	E("st", .code = K_ORD),
	E("star", .f = F_UNITX), E("stars", .f = F_UNITX),
	E("sun", .wd = 1, .f = F_ABBR),
	E("sunday", .wd = 1),
	E("ten", .num = 10),
	E("th", .code = K_ORD),
	E("thanks", .f = F_EN),
	E("the", .code = K_THE, .f = F_THEOK | F_EN),
	E("thirteen", .num = 13),
	E("this", .code = K_THIS, .f = F_THEOK | F_EN),
	E("three", .num = 3),
	E("through", .f = F_WRANGE), E("thru", .f = F_WRANGE),
	E("thu", .wd = 5, .f = F_ABBR), E("thur", .wd = 5, .f = F_ABBR),
	E("thurs", .wd = 5, .f = F_ABBR),
	E("thursday", .wd = 5),
	E("till", .f = F_CUE | F_DFUT | F_WRANGE | F_THEPREP),
	E("to", .f = F_WRANGE | F_DRANGE | F_EN),
	E("today", .code = K_TODAY),
	E("tomorrow", .code = K_TOMORROW),
	E("tonight", .code = K_TONIGHT),
	E("tous", .f = F_HABIT), E("toutes", .f = F_HABIT),
	E("treize", .num = 13), E("trois", .num = 3),
	E("tue", .wd = 3, .f = F_ABBR), E("tues", .wd = 3, .f = F_ABBR),
	E("tuesday", .wd = 3),
	E("twelve", .num = 12), E("twenty", .num = 20), E("two", .num = 2),
	E("un", .num = 1, .f = F_FR), E("une", .num = 1, .f = F_FR),
	E("until", .f = F_CUE | F_DFUT | F_WRANGE | F_THEPREP),
	E("va", .f = F_SFUT),
	E("ven", .wd = 6, .f = F_ABBR),
	E("vendredi", .wd = 6),
	E("vers", .f = F_CUE),
	E("vingt", .num = 20),
	E("virement", ORD),
	E("vont", .f = F_SFUT),
	E("votre", .f = F_FR), E("vous", .f = F_FR),
	E("was", .f = F_PAST | F_EN),
	E("we", .f = F_THEOK | F_EN),
	E("wed", .wd = 4, .f = F_ABBR),
	E("wednesday", .wd = 4),
	E("week", .unit = U_WEEK, .f = F_SING),
	E("weeks", .unit = U_WEEK),
	E("were", .f = F_PAST | F_EN),
	E("will", .f = F_SFUT | F_EN),
	E("with", .f = F_EN),
	E("working", .f = F_WORK),
	E("y", .code = K_Y),
	E("ya", .code = K_YA),
	E("year", .unit = U_YEAR, .f = F_SING),
	E("years", .unit = U_YEAR),
	E("yesterday", .code = K_YESTERDAY),
	E("you", .f = F_EN), E("your", .f = F_EN),
};

struct tok {
	size_t		 start, end;
	const struct kw	*kw;		/* words: keyword or NULL */
	int		 type;
	unsigned	 ch;		/* punctuation: its code point */
	int		 v;		/* numbers: value, or -1 */
	unsigned char	 nd;		/* numbers: digits, <= 255 */
	unsigned char	 lead0;		/* numbers: a leading zero */
	unsigned char	 nl;		/* newlines before, <= 3 */
	unsigned char	 cap;		/* words: capitalised */
	unsigned char	 acc;		/* words: had a non-ASCII letter */
	char		 w[WMAX];	/* words: folded, or "" */
};

struct lexer {
	const unsigned char *p;
	size_t		 len, pos;
};

struct scan {
	struct lexer	 lx;
	struct tok	 ring[RING];
	long		 n;		/* tokens lexed so far */
	int		 lang;		/* 0 unknown, 1 French, 2 English */
	long		 z0;		/* the mail's day, days since 1970 */
	int		 y0, m0, d0, w0;
};

static const struct tok none = { .type = T_NONE };

/* Dates under construction. */
enum { D_NONE, D_ABS, D_DM, D_DOM, D_WDAY, D_DAYS, D_MONTHS };
enum { M_NONE, M_LAST, M_NEXT };

struct cand {
	size_t		 start, end;
	int		 kind;
	int		 y, m, d;	/* D_ABS, D_DM (y = 0), D_DOM (d) */
	int		 wd;		/* D_WDAY */
	long		 off;		/* D_DAYS, D_MONTHS */
	int		 mod;		/* "dernier", "prochain" */
	int		 needfut;	/* only in a future context */
};

struct match {
	int		 n;
	struct cand	 c[2];
};

struct ctx {
	int		 about;
	int		 fut;
};

/* Calendar: days since 1970-01-01 of the proleptic Gregorian calendar. */

static long
days_from_civil(long y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
weekday(long z)
{
	return (int)(((z % 7) + 11) % 7);	/* 1970-01-01 was a Thursday */
}

static int
leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
mdays(long y, int m)
{
	static const int n[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && leap(y) ? 29 : n[m - 1];
}

static int
valid(long y, int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= mdays(y, m);
}

/* Without a year, 29 February may exist. */
static int
valid_dm(long y, int m, int d)
{
	return y != 0 ? valid(y, m, d) : valid(2000, m, d);
}

static long
add_months(int y, int m, int d, long k)
{
	long t = (long)y * 12 + (m - 1) + k;
	long ny = t >= 0 ? t / 12 : -((-t + 11) / 12);
	int nm = (int)(t - ny * 12) + 1;

	if (d > mdays(ny, nm))
		d = mdays(ny, nm);
	return days_from_civil(ny, nm, d);
}

/* Lexer. */

static int
kwcmp(const void *key, const void *elt)
{
	const char *a = key, *b = ((const struct kw *)elt)->w;

	if (a[0] != b[0])	/* most steps end here, without a call */
		return (unsigned char)a[0] - (unsigned char)b[0];
	return strcmp(a, b);
}

static const struct kw *
lookup(const char *w)
{
	if (w[0] == '\0')
		return NULL;
	return bsearch(w, kws, sizeof(kws) / sizeof(kws[0]), sizeof(kws[0]),
	    kwcmp);
}

/* Decodes one UTF-8 sequence; an invalid byte is U+FFFD, one byte long. */
static size_t
utf8_multi(const unsigned char *p, size_t n, unsigned *cp)
{
	unsigned c = p[0], min;
	size_t l, i;

	if (c >= 0xc2 && c <= 0xdf) {
		l = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		l = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		l = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		goto bad;
	if (l > n)
		goto bad;
	for (i = 1; i < l; i++) {
		if ((p[i] & 0xc0) != 0x80)
			goto bad;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*cp = c;
	return l;
bad:
	*cp = 0xfffd;
	return 1;
}

static inline size_t
utf8(const unsigned char *p, size_t n, unsigned *cp)
{
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	return utf8_multi(p, n, cp);
}

static int
is_space(unsigned c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0 ||
	    c == 0x1680 || (c >= 0x2000 && c <= 0x200b) || c == 0x2028 ||
	    c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000 ||
	    c == 0xfeff;
}

/* Letters of words, roughly: scripts, not symbols, marks, emoji. */
static int
is_letter(unsigned c)
{
	if (c < 0x80)
		return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
	if (c < 0xc0)
		return 0;
	if (c == 0xd7 || c == 0xf7)
		return 0;
	if (c < 0x2000)
		return 1;
	if (c >= 0x3040 && c <= 0xd7ff)
		return 1;
	if (c >= 0xf900 && c <= 0xfdff)
		return 1;
	if (c >= 0xff21 && c <= 0xff5a)
		return 1;
	return c >= 0x10000 && c < 0x1f000;
}

/* ASCII for a letter: accents dropped, "?" for what no keyword has. */
static const char *
fold(unsigned c, char buf[2])
{
	static const char *const latin1[32] = {
		"a", "a", "a", "a", "a", "a", "ae", "c",
		"e", "e", "e", "e", "i", "i", "i", "i",
		"d", "n", "o", "o", "o", "o", "o", "",
		"o", "u", "u", "u", "u", "y", "th", "ss"
	};

	if (c < 0x80) {
		buf[0] = (char)(c | 0x20);
		buf[1] = '\0';
		return buf;
	}
	if (c == 0xff)
		return "y";
	if (c >= 0xc0 && c <= 0xff)
		return latin1[c & 0x1f];
	if (c == 0x152 || c == 0x153)
		return "oe";
	if (c >= 0x300 && c <= 0x36f)
		return "";	/* combining accents of decomposed text */
	return "?";
}

static unsigned
punct_class(unsigned c)
{
	switch (c) {
	case 0x2018: case 0x2019: case 0x2032: case 0x60:
		return '\'';
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
	case 0x2212:
		return '-';
	default:
		return c;
	}
}

static void
lex(struct lexer *lx, struct tok *k)
{
	const unsigned char *p = lx->p;
	size_t i = lx->pos, n = lx->len, l, wl = 0, fl;
	unsigned c;
	const char *f;
	char buf[2];
	int nl = 0, longw = 0;

	memset(k, 0, offsetof(struct tok, w));
	k->w[0] = '\0';
	for (;;) {
		if (i >= n) {
			k->type = T_EOF;
			k->start = k->end = n;
			k->nl = (unsigned char)nl;
			lx->pos = n;
			return;
		}
		l = utf8(p + i, n - i, &c);
		if (!is_space(c))
			break;
		if (c == '\n' && nl < 3)
			nl++;
		i += l;
	}
	k->start = i;
	k->nl = (unsigned char)nl;
	if (c >= '0' && c <= '9') {
		k->type = T_NUM;
		k->lead0 = c == '0' && i + 1 < n && p[i + 1] >= '0' &&
		    p[i + 1] <= '9';
		for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
			if (k->nd < 9)
				k->v = k->v * 10 + (p[i] - '0');
			if (k->nd < 255)
				k->nd++;
		}
		if (k->nd > 9)
			k->v = -1;
	} else if (is_letter(c)) {
		k->type = T_WORD;
		k->cap = (c >= 'A' && c <= 'Z') ||
		    (c >= 0xc0 && c <= 0xde && c != 0xd7) || c == 0x152;
		while (i < n) {
			l = utf8(p + i, n - i, &c);
			if (!is_letter(c) && !(c >= 0x300 && c <= 0x36f))
				break;
			if (c >= 0x80)
				k->acc = 1;
			f = fold(c, buf);
			fl = strlen(f);
			if (!longw && wl + fl < WMAX) {
				memcpy(k->w + wl, f, fl);
				wl += fl;
			} else
				longw = 1;
			i += l;
		}
		k->w[longw ? 0 : wl] = '\0';
		k->kw = lookup(k->w);
	} else {
		k->type = T_PUNCT;
		k->ch = punct_class(c);
		i += l;
	}
	k->end = i;
	lx->pos = i;
}

/*
 * Token j, lexed on demand.  Tokens before the ring, and before the text,
 * are T_NONE; after the end, T_EOF.
 */
static const struct tok *
tk_more(struct scan *s, long j)
{
	struct tok *k;

	if (j < 0 || j < s->n - RING)
		return &none;
	while (s->n <= j) {
		k = &s->ring[(unsigned long)s->n & (RING - 1)];
		if (s->n > 0 && s->ring[(unsigned long)(s->n - 1) &
		    (RING - 1)].type == T_EOF)
			*k = s->ring[(unsigned long)(s->n - 1) & (RING - 1)];
		else
			lex(&s->lx, k);
		s->n++;
	}
	return &s->ring[(unsigned long)j & (RING - 1)];
}

static inline const struct tok *
tk(struct scan *s, long j)
{
	if (j < s->n && j >= 0 && j >= s->n - RING)
		return &s->ring[(unsigned long)j & (RING - 1)];
	return tk_more(s, j);
}

static int
adjacent(const struct tok *a, const struct tok *b)
{
	return a->type != T_NONE && a->type != T_EOF && b->type != T_NONE &&
	    b->type != T_EOF && a->end == b->start;
}

static const struct kw *
kwat(struct scan *s, long j)
{
	const struct tok *k = tk(s, j);

	return k->type == T_WORD ? k->kw : NULL;
}

static int
iscode(struct scan *s, long j, int code)
{
	const struct kw *w = kwat(s, j);

	return w != NULL && w->code == code;
}

static int
ispunct_at(struct scan *s, long j, unsigned ch)
{
	const struct tok *k = tk(s, j);

	return k->type == T_PUNCT && k->ch == ch;
}

static int
isalnum_tok(const struct tok *k)
{
	return k->type == T_WORD || k->type == T_NUM;
}

static int
is_money(unsigned ch)
{
	return ch == '%' || ch == '$' || ch == 0xa3 || ch == 0x20ac ||
	    ch == 0xb0 || ch == 0xba;	/* % $ £ € ° º */
}

/* English when its frequent words outnumber the French ones. */
static int
english(struct scan *s)
{
	struct lexer lx = s->lx;
	struct tok k;
	long fr = 0, en = 0;

	if (s->lang == 0) {
		lx.pos = 0;
		for (lex(&lx, &k); k.type != T_EOF; lex(&lx, &k)) {
			if (k.type != T_WORD || k.kw == NULL)
				continue;
			fr += (k.kw->f & F_FR) != 0;
			en += (k.kw->f & F_EN) != 0;
		}
		s->lang = en > fr ? 2 : 1;
	}
	return s->lang == 2;
}

/* Pieces of patterns. */

static int
month_at(struct scan *s, long j)
{
	const struct tok *k = tk(s, j);

	if (k->type != T_WORD || k->kw == NULL || k->kw->month == 0)
		return 0;
	if ((k->kw->f & F_CAPS) && !k->cap)
		return 0;
	return k->kw->month;
}

/* After a month or weekday abbreviation, the index past its full stop. */
static long
past_abbr(struct scan *s, long j)
{
	const struct kw *w = kwat(s, j);

	if (w != NULL && (w->f & F_ABBR) && ispunct_at(s, j + 1, '.') &&
	    adjacent(tk(s, j), tk(s, j + 1)))
		return j + 2;
	return j + 1;
}

/* An ordinal suffix glued to the number before: "1er", "3rd", "3e". */
static int
is_ord(struct scan *s, long j, int d)
{
	const struct kw *w = kwat(s, j);

	if (w == NULL || !adjacent(tk(s, j - 1), tk(s, j)))
		return 0;
	return w->code == K_ORD || (w->code == K_ORD1 && d == 1);
}

static int
day_num(const struct tok *k)
{
	return k->type == T_NUM && k->nd <= 2 && k->v >= 1 && k->v <= 31;
}

static int
year_num(const struct tok *k)
{
	return k->type == T_NUM && k->nd == 4 && k->v >= MINYEAR &&
	    k->v <= MAXYEAR;
}

/* A number that is part of something else: "v2.10", "1/2/3", "n° 12". */
static int
left_ok(struct scan *s, long i)
{
	const struct tok *k = tk(s, i), *p = tk(s, i - 1), *pp;
	long j;

	if (p->type == T_NONE)
		return 1;
	if (adjacent(p, k)) {
		if (isalnum_tok(p))
			return 0;
		if (p->ch == '/' || p->ch == '.' || p->ch == '-' ||
		    p->ch == ',') {
			pp = tk(s, i - 2);
			if (adjacent(pp, p) && isalnum_tok(pp))
				return 0;
		}
		if (p->ch == '+' || is_money(p->ch))
			return 0;
	}
	if (p->type == T_PUNCT && (p->ch == '#' || p->ch == 0xb0 ||
	    p->ch == 0xba))
		return 0;
	j = i - 1;
	if (ispunct_at(s, j, '.') || ispunct_at(s, j, ':'))
		j--;
	return !iscode(s, j, K_NUMERO);
}

static int
right_ok(struct scan *s, long j, int iso)
{
	const struct tok *k = tk(s, j), *n = tk(s, j + 1), *nn;

	if (!adjacent(k, n))
		return 1;
	if (n->type == T_NUM)
		return 0;
	nn = tk(s, j + 2);
	if (n->type == T_WORD)
		return iso && strcmp(n->w, "t") == 0 && nn->type == T_NUM &&
		    adjacent(n, nn);
	if (n->ch == '/' || n->ch == '.' || n->ch == '-' || n->ch == ',' ||
	    n->ch == ':')
		if (adjacent(n, nn) && isalnum_tok(nn))
			return 0;
	return !is_money(n->ch);
}

/* A word before a bare "03/11" that makes it a date. */
static int
cue(struct scan *s, long i)
{
	const struct tok *p;
	long j = i - 1;

	p = tk(s, j);
	if (p->type == T_PUNCT && (p->ch == ':' || p->ch == '('))
		p = tk(s, --j);
	if (p->type != T_WORD || p->kw == NULL)
		return 0;
	return (p->kw->f & (F_CUE | F_SFUT | F_WFUT)) || p->kw->about ||
	    p->kw->wd;
}

/* A unit after a number: "3/4 ans", "5/5 étoiles", "3.11 €". */
static int
unit_after(struct scan *s, long j)
{
	const struct tok *k = tk(s, j);

	if (k->type == T_PUNCT)
		return is_money(k->ch);
	return k->type == T_WORD && k->kw != NULL &&
	    ((k->kw->f & F_UNITX) || k->kw->unit);
}

/* A count: digits, or a number in words.  Returns the tokens used. */
static long
count_at(struct scan *s, long j, int art, long *v)
{
	const struct tok *k = tk(s, j);
	const struct kw *w, *w2;

	if (k->type == T_NUM) {
		if (k->v < 1 || k->v > MAXCOUNT)
			return 0;
		*v = k->v;
		return 1;
	}
	if ((w = kwat(s, j)) == NULL || w->num == 0)
		return 0;
	if ((w->f & F_ART) && !art)
		return 0;
	if (w->code == K_DIX) {
		if (ispunct_at(s, j + 1, '-') &&
		    (w2 = kwat(s, j + 2)) != NULL && w2->num >= 7 &&
		    w2->num <= 9) {
			*v = 10 + w2->num;
			return 3;
		}
		if ((w2 = kwat(s, j + 1)) != NULL && w2->num >= 7 &&
		    w2->num <= 9) {
			*v = 10 + w2->num;
			return 2;
		}
	}
	*v = w->num;
	return 1;
}

static int
unit_at(struct scan *s, long j)
{
	const struct kw *w = kwat(s, j);

	return w != NULL ? w->unit : U_NONE;
}

static void
set_offset(struct cand *c, int unit, long n)
{
	switch (unit) {
	case U_DAY:
		c->kind = D_DAYS;
		c->off = n;
		break;
	case U_WEEK:
		c->kind = D_DAYS;
		c->off = 7 * n;
		break;
	case U_MONTH:
		c->kind = D_MONTHS;
		c->off = n;
		break;
	default:
		c->kind = D_MONTHS;
		c->off = 12 * n;
		break;
	}
}

static void
span(struct scan *s, struct cand *c, long from, long to)
{
	c->start = tk(s, from)->start;
	c->end = tk(s, to)->end;
}

/* Matchers: each returns the tokens it consumed from i, 0 when none. */

/* "3 novembre [2025]", "1er mars", "3rd of November", "03-Nov-2025". */
static long
m_daymonth(struct scan *s, long j, int check_left, struct cand *c)
{
	const struct tok *k = tk(s, j), *y;
	long p = j + 1, q;
	unsigned sep = 0;
	int m;

	if (!day_num(k))
		return 0;
	if (is_ord(s, p, k->v))
		p++;
	if (iscode(s, p, K_OF) && month_at(s, p + 1))
		p++;
	else if ((ispunct_at(s, p, '-') || ispunct_at(s, p, '/')) &&
	    adjacent(tk(s, p - 1), tk(s, p)) && month_at(s, p + 1) &&
	    adjacent(tk(s, p), tk(s, p + 1)))
		sep = tk(s, p++)->ch;
	if ((m = month_at(s, p)) == 0)
		return 0;
	if (check_left && !left_ok(s, j))
		return 0;
	c->kind = D_DM;
	c->d = k->v;
	c->m = m;
	c->y = 0;
	p = past_abbr(s, p);
	if (sep) {
		y = tk(s, p + 1);
		if (ispunct_at(s, p, sep) && adjacent(tk(s, p - 1), tk(s, p)) &&
		    adjacent(tk(s, p), y) && y->type == T_NUM &&
		    (y->nd == 2 || year_num(y)) && right_ok(s, p + 1, 0)) {
			c->y = y->nd == 2 ? 2000 + y->v : y->v;
			p += 2;
		}
	} else {
		q = p;
		if (ispunct_at(s, q, ','))
			q++;
		if (year_num(tk(s, q)) && right_ok(s, q, 0) &&
		    !unit_after(s, q + 1)) {
			c->y = tk(s, q)->v;
			p = q + 1;
		}
	}
	if (c->y == 0 && iscode(s, p, K_DERNIER)) {
		c->mod = M_LAST;
		p++;
	} else if (c->y == 0 && iscode(s, p, K_PROCHAIN)) {
		c->mod = M_NEXT;
		p++;
	}
	if (c->y != 0)
		c->kind = D_ABS;
	if (!valid_dm(c->y, c->m, c->d))
		c->kind = D_NONE;
	span(s, c, j, p - 1);
	return p - j;
}

/* "November 3", "Nov. 3rd, 2025", "November the 3rd". */
static long
m_monthfirst(struct scan *s, long i, struct cand *c)
{
	const struct tok *k;
	long p, q;
	int m;

	if ((m = month_at(s, i)) == 0)
		return 0;
	p = past_abbr(s, i);
	if (iscode(s, p, K_THE))
		p++;
	k = tk(s, p);
	if (!day_num(k))
		return 0;
	if (is_ord(s, p + 1, k->v))
		p += 2;
	else if (right_ok(s, p, 0))
		p++;
	else
		return 0;
	c->kind = D_DM;
	c->m = m;
	c->d = k->v;
	c->y = 0;
	q = p;
	if (ispunct_at(s, q, ','))
		q++;
	if (year_num(tk(s, q)) && right_ok(s, q, 0) && !unit_after(s, q + 1)) {
		c->y = tk(s, q)->v;
		c->kind = D_ABS;
		p = q + 1;
	} else if (unit_after(s, p))
		return 0;	/* "en mars 2 jours", "mai 3 articles" */
	if (!valid_dm(c->y, c->m, c->d))
		c->kind = D_NONE;
	span(s, c, i, p - 1);
	return p - i;
}

/* ISO "2025-10-03" and numeric day-first "03/11[/2025]". */
static long
m_numeric(struct scan *s, long i, struct cand *c)
{
	const struct tok *a = tk(s, i), *s1 = tk(s, i + 1), *b = tk(s, i + 2);
	const struct tok *s2 = tk(s, i + 3), *y = tk(s, i + 4);
	long last = i + 2;
	unsigned sep;
	int yr = 0, d, m, ambiguous;

	if (a->type != T_NUM || s1->type != T_PUNCT || b->type != T_NUM)
		return 0;
	sep = s1->ch;
	if ((sep != '/' && sep != '.' && sep != '-') || !adjacent(a, s1) ||
	    !adjacent(s1, b))
		return 0;
	if (a->nd == 4) {
		if (!year_num(a) || b->nd > 2 || !ispunct_at(s, i + 3, sep) ||
		    !adjacent(b, s2) || y->type != T_NUM || y->nd > 2 ||
		    !adjacent(s2, y))
			return 0;
		if (left_ok(s, i) && right_ok(s, i + 4, 1) &&
		    valid(a->v, b->v, y->v)) {
			c->kind = D_ABS;
			c->y = a->v;
			c->m = b->v;
			c->d = y->v;
			span(s, c, i, i + 4);
		}
		return 5;
	}
	if (a->nd > 2 || b->nd > 2)
		return 0;
	if (ispunct_at(s, i + 3, sep) && adjacent(b, s2) &&
	    y->type == T_NUM && adjacent(s2, y)) {
		last = i + 4;
		if (y->nd == 2)
			yr = 2000 + y->v;
		else if (year_num(y))
			yr = y->v;
		else
			return 5;
	}
	if (!left_ok(s, i) || !right_ok(s, last, 0))
		return last - i + 1;
	d = a->v;
	m = b->v;
	if (yr == 0) {
		/* "24/7", "7/7" are never dates; ratings and fractions
		 * need a word before them. */
		if (sep == '/' && m == 7 && !b->lead0 && (d == 24 || d == 7))
			return 3;
		ambiguous = sep != '/' || (a->nd == 1 && b->nd == 1) ||
		    ((m == 5 || m == 10) && d <= m && !a->lead0 && !b->lead0);
		if (ambiguous && !cue(s, i))
			return 3;
		if (unit_after(s, i + 3))
			return 3;
	}
	if (valid_dm(yr, m, d)) {
		c->m = m;
		c->d = d;
	} else if (valid_dm(yr, d, m) && english(s)) {
		c->m = d;
		c->d = m;
	} else
		return last - i + 1;
	c->y = yr;
	c->kind = yr ? D_ABS : D_DM;
	span(s, c, i, last);
	return last - i + 1;
}

/* "du 3 au 5 novembre", "3-5 nov.", "entre le 3 et le 5 mars". */
static long
m_range(struct scan *s, long i, struct match *mt)
{
	const struct tok *a = tk(s, i), *cn;
	long p = i + 1, first, u;
	struct cand *c0 = &mt->c[0], *c1 = &mt->c[1];

	if (!day_num(a))
		return 0;
	if (is_ord(s, p, a->v))
		p++;
	first = p - 1;
	cn = tk(s, p);
	if (!(cn->type == T_WORD && cn->kw != NULL &&
	    (cn->kw->f & F_DRANGE)) &&
	    !(cn->type == T_PUNCT && (cn->ch == '-' || cn->ch == '&')))
		return 0;
	p++;
	if (iscode(s, p, K_LE) || iscode(s, p, K_THE))
		p++;
	if ((u = m_daymonth(s, p, 0, c1)) == 0)
		return 0;
	if (a->v >= c1->d || !left_ok(s, i))
		return 0;
	*c0 = *c1;
	c0->d = a->v;
	c0->kind = c1->y ? D_ABS : D_DM;
	if (!valid_dm(c0->y, c0->m, c0->d) || c1->kind == D_NONE)
		c0->kind = D_NONE;
	span(s, c0, i, first);
	mt->n = 2;
	return p + u - i;
}

/* "3 days ago", "a week ago", "two months ago". */
static long
m_ago(struct scan *s, long i, struct cand *c)
{
	long v, u;
	int unit;

	if ((u = count_at(s, i, 1, &v)) == 0)
		return 0;
	if ((unit = unit_at(s, i + u)) == U_NONE || !iscode(s, i + u + 1,
	    K_AGO))
		return 0;
	set_offset(c, unit, -v);
	span(s, c, i, i + u + 1);
	return u + 2;
}

/* "il y a [environ] 3 jours", "il ya deux semaines". */
static long
m_ilya(struct scan *s, long i, struct cand *c)
{
	long j = i + 1, v, u;
	int q, unit;
	const struct kw *w;

	if (!iscode(s, i, K_IL))
		return 0;
	if (iscode(s, j, K_Y) && iscode(s, j + 1, K_A))
		j += 2;
	else if (iscode(s, j, K_YA))
		j++;
	else
		return 0;
	for (q = 0; q < 3 && (w = kwat(s, j)) != NULL && (w->f & F_QUAL) &&
	    w->num == 0; q++)
		j++;
	/* "à peu près": "a" is both a qualifier and "a week". */
	for (; q < 3 && iscode(s, j, K_A); q++)
		j++;
	for (; q < 3 && (w = kwat(s, j)) != NULL && (w->f & F_QUAL) &&
	    w->code != K_A; q++)
		j++;
	if ((u = count_at(s, j, 0, &v)) == 0)
		return 0;
	if ((unit = unit_at(s, j + u)) == U_NONE)
		return 0;
	if ((w = kwat(s, j + u + 1)) != NULL && (w->f & F_WORK))
		return j + u + 2 - i;	/* business days: no calendar day */
	set_offset(c, unit, -v);
	span(s, c, i, j + u);
	return j + u + 1 - i;
}

/* "dans 3 jours"; "in 3 days" only in a future context. */
static long
m_dans(struct scan *s, long i, struct cand *c)
{
	long v, u;
	int unit, en;
	const struct kw *w;

	if (iscode(s, i, K_DANS))
		en = 0;
	else if (iscode(s, i, K_IN))
		en = 1;
	else
		return 0;
	if ((u = count_at(s, i + 1, en, &v)) == 0)
		return 0;
	if ((unit = unit_at(s, i + 1 + u)) == U_NONE)
		return 0;
	if ((w = kwat(s, i + 2 + u)) != NULL && (w->f & F_WORK))
		return u + 3;
	set_offset(c, unit, v);
	c->needfut = en;
	span(s, c, i, i + 1 + u);
	return u + 2;
}

/* "aujourd'hui", "hier", "avant-hier", "the day before yesterday"... */
static long
m_relword(struct scan *s, long i, struct cand *c)
{
	const struct kw *w = kwat(s, i);
	long u = 1;
	int hy;

	if (w == NULL)
		return 0;
	c->kind = D_DAYS;
	hy = ispunct_at(s, i + 1, '-');
	switch (w->code) {
	case K_TODAY:
	case K_TONIGHT:
		c->off = 0;
		break;
	case K_AUJOURD:
		if (ispunct_at(s, i + 1, '\'') && iscode(s, i + 2, K_HUI))
			u = 3;
		else if (iscode(s, i + 1, K_HUI))
			u = 2;
		else
			return 0;
		c->off = 0;
		break;
	case K_HIER:
	case K_YESTERDAY:
		c->off = -1;
		break;
	case K_DEMAIN:
	case K_TOMORROW:
		c->off = 1;
		break;
	case K_AVANT:
	case K_APRES:
		if (!iscode(s, i + 1 + hy, w->code == K_AVANT ? K_HIER :
		    K_DEMAIN))
			return 0;
		c->off = w->code == K_AVANT ? -2 : 2;
		u = 2 + hy;
		break;
	case K_CE:
		if (!iscode(s, i + 1, K_MATIN) && !iscode(s, i + 1, K_SOIR))
			return 0;
		c->off = 0;
		u = 2;
		break;
	case K_CET:
		hy = ispunct_at(s, i + 2, '-');
		if (!iscode(s, i + 1, K_APRES) || !iscode(s, i + 2 + hy,
		    K_MIDI))
			return 0;
		c->off = 0;
		u = 3 + hy;
		break;
	case K_THIS:
		if (!iscode(s, i + 1, K_MORNING) &&
		    !iscode(s, i + 1, K_AFTERNOON) &&
		    !iscode(s, i + 1, K_EVENING))
			return 0;
		c->off = 0;
		u = 2;
		break;
	case K_THE:
		if (!iscode(s, i + 1, K_DAY))
			return 0;
		if (iscode(s, i + 2, K_BEFORE) && iscode(s, i + 3, K_YESTERDAY))
			c->off = -2;
		else if (iscode(s, i + 2, K_AFTER) &&
		    iscode(s, i + 3, K_TOMORROW))
			c->off = 2;
		else
			return 0;
		u = 4;
		break;
	default:
		return 0;
	}
	span(s, c, i, i + u - 1);
	return u;
}

/* "la semaine dernière", "le mois prochain", "semaine passée". */
static long
m_article(struct scan *s, long i, struct cand *c)
{
	const struct kw *w;
	long j = i;
	int dir;

	if (iscode(s, j, K_LA) || iscode(s, j, K_LE))
		j++;
	w = kwat(s, j);
	if (w == NULL || !(w->f & F_SING) ||
	    (w->unit != U_WEEK && w->unit != U_MONTH))
		return 0;
	if (iscode(s, j + 1, K_DERNIER))
		dir = -1;
	else if (iscode(s, j + 1, K_PROCHAIN))
		dir = 1;
	else
		return 0;
	set_offset(c, w->unit, dir);
	span(s, c, i, j + 1);
	return j + 2 - i;
}

/* "last week", "next month", "last Tuesday", "next Monday". */
static long
m_lastnext(struct scan *s, long i, struct cand *c)
{
	const struct kw *w = kwat(s, i + 1);
	int dir;

	if (iscode(s, i, K_LAST))
		dir = -1;
	else if (iscode(s, i, K_NEXT))
		dir = 1;
	else
		return 0;
	if (w == NULL)
		return 0;
	if ((w->f & F_SING) && (w->unit == U_WEEK || w->unit == U_MONTH))
		set_offset(c, w->unit, dir);
	else if (w->wd && !(w->f & F_ABBR)) {
		c->kind = D_WDAY;
		c->wd = w->wd - 1;
		c->mod = dir < 0 ? M_LAST : M_NEXT;
	} else
		return 0;
	span(s, c, i, i + 1);
	return 2;
}

/* "on the 3rd", "by the 5th": a day of a month the text does not name. */
static long
m_the(struct scan *s, long i, struct cand *c)
{
	const struct tok *k = tk(s, i + 1), *n;
	const struct kw *w = kwat(s, i - 1);
	long p;

	if (!iscode(s, i, K_THE) || !day_num(k) || !is_ord(s, i + 2, k->v))
		return 0;
	p = i + 3;
	if (iscode(s, p, K_OF))
		p++;
	if (month_at(s, p))
		return 0;	/* "the 3rd of November": m_daymonth's */
	if (w == NULL || !(w->f & F_THEPREP))
		return 0;
	n = tk(s, i + 3);
	if (n->type == T_WORD && (n->kw == NULL || !(n->kw->f & F_THEOK)))
		return 0;	/* "on the 3rd floor" */
	if (n->type == T_NUM)
		return 0;
	c->kind = D_DOM;
	c->d = k->v;
	span(s, c, i, i + 2);
	return 3;
}

/* Weekdays: in front of a date, or alone. */
static long
m_weekday(struct scan *s, long i, struct cand *c)
{
	const struct kw *w = kwat(s, i), *x;
	long p, q, u;
	int k;

	if (w == NULL || w->wd == 0)
		return 0;
	p = past_abbr(s, i);
	q = p;
	if (ispunct_at(s, q, ','))
		q++;
	if (iscode(s, q, K_LE) || iscode(s, q, K_THE))
		q++;
	if ((u = m_daymonth(s, q, 1, c)) != 0 ||
	    (u = m_monthfirst(s, q, c)) != 0 ||
	    (q == p && (u = m_numeric(s, q, c)) != 0)) {
		c->start = tk(s, i)->start;
		return q - i + u;
	}
	if (w->f & F_ABBR)
		return 0;
	x = kwat(s, i - 1);
	if (x != NULL && (x->f & (F_HABIT | F_NOTWD)))
		return 0;	/* "le lundi", "tous les lundis" */
	if ((x = kwat(s, i + 1)) != NULL && (x->f & F_NOTWD))
		return 0;
	x = kwat(s, i - 1);
	/* Opening hours: "du lundi au vendredi", "Monday-Friday". */
	if (((x != NULL && (x->f & F_WRANGE)) || ispunct_at(s, i - 1, '-')) &&
	    (x = kwat(s, i - 2)) != NULL && x->wd)
		return 0;
	x = kwat(s, i + 1);
	if ((x != NULL && (x->f & F_WRANGE)) || ispunct_at(s, i + 1, '-')) {
		for (k = 2; k < 5; k++) {
			if ((x = kwat(s, i + k)) != NULL && x->wd)
				return 0;
			if (!ispunct_at(s, i + k, '\'') && (x == NULL ||
			    !(x->f & F_WRANGE)))
				break;
		}
	}
	memset(c, 0, sizeof(*c));
	c->kind = D_WDAY;
	c->wd = w->wd - 1;
	u = 1;
	if (iscode(s, i + 1, K_DERNIER)) {
		c->mod = M_LAST;
		u = 2;
	} else if (iscode(s, i + 1, K_PROCHAIN)) {
		c->mod = M_NEXT;
		u = 2;
	}
	span(s, c, i, i + u - 1);
	return u;
}

typedef long (*matcher)(struct scan *, long, struct cand *);

/* Most words start no pattern: "le" may ("le mois dernier"), "de" not. */
static int
can_start(const struct kw *w)
{
	switch (w->code) {
	case K_NONE:
		return w->month || w->wd || w->num ||
		    (w->unit && (w->f & F_SING));
	case K_TODAY: case K_TONIGHT: case K_AUJOURD: case K_HIER:
	case K_YESTERDAY: case K_DEMAIN: case K_TOMORROW: case K_AVANT:
	case K_APRES: case K_CE: case K_CET: case K_THIS: case K_THE:
	case K_IL: case K_DANS: case K_IN: case K_LA: case K_LE: case K_LAST:
	case K_NEXT: case K_A: case K_DIX:
		return 1;
	default:
		return 0;
	}
}

static long
m_daymonth_left(struct scan *s, long i, struct cand *c)
{
	return m_daymonth(s, i, 1, c);
}

/* Tried in this order; a matcher may consume tokens and find no date. */
static const matcher word_matchers[] = {
	m_relword, m_ilya, m_dans, m_article, m_lastnext, m_the, m_weekday,
	m_monthfirst, m_ago
};
static const matcher num_matchers[] = {
	m_ago, m_daymonth_left, m_numeric
};

static long
m_any(struct scan *s, long i, struct match *mt)
{
	const struct tok *k = tk(s, i);
	const matcher *f;
	size_t n, j;
	long u;

	if (k->type == T_NUM) {
		memset(mt, 0, sizeof(*mt));
		if ((u = m_range(s, i, mt)) != 0)
			return u;
		f = num_matchers;
		n = sizeof(num_matchers) / sizeof(num_matchers[0]);
	} else if (k->type == T_WORD && k->kw != NULL && can_start(k->kw)) {
		f = word_matchers;
		n = sizeof(word_matchers) / sizeof(word_matchers[0]);
	} else
		return 0;
	memset(mt, 0, sizeof(*mt));
	mt->n = 1;
	for (j = 0; j < n; j++) {
		if ((u = f[j](s, i, &mt->c[0])) != 0)
			return u;
		memset(&mt->c[0], 0, sizeof(mt->c[0]));
	}
	return 0;
}

/* Context and resolution. */

static int
is_past(const struct tok *k)
{
	return k->type == T_WORD && k->kw != NULL && (k->kw->f & F_PAST) &&
	    !(k->kw->code == K_A && k->acc);	/* "a", not "à" */
}

/* The clause before token i: its nearest about keyword, its tense. */
static void
context(struct scan *s, long i, struct ctx *cx)
{
	const struct tok *k, *nx;
	const struct kw *w;
	size_t start = tk(s, i)->start;
	long j;
	int marked = 0, q;

	cx->about = A_NONE;
	cx->fut = 0;
	for (j = i - 1; j >= 0 && j >= s->n - RING; j--) {
		k = tk(s, j);
		nx = tk(s, j + 1);
		if (nx->nl >= 2 || start - k->start > BACK)
			break;
		if (k->type == T_PUNCT && (k->ch == '.' || k->ch == '!' ||
		    k->ch == '?' || k->ch == ';') && !adjacent(k, nx))
			break;
		if (k->type != T_WORD || (w = k->kw) == NULL)
			continue;
		if (cx->about == A_NONE && w->about &&
		    (!(w->f & F_ACC) || k->acc))
			cx->about = w->about;
		if (marked)
			continue;
		if (w->f & F_SFUT) {
			cx->fut = 1;
			marked = 1;
		} else if (w->f & F_WFUT) {
			cx->fut = !is_past(tk(s, j - 1)) &&
			    !is_past(tk(s, j - 2));
			marked = 1;
		} else if (is_past(k))
			marked = 1;
	}
	/* "avant le", "jusqu'au", "d'ici le", "by", "until the". */
	j = i - 1;
	for (q = 0; q < 4; q++) {
		k = tk(s, j);
		if (k->type == T_PUNCT && (k->ch == '\'' || k->ch == ':' ||
		    k->ch == ','))
			j--;
		else if (iscode(s, j, K_LE) || iscode(s, j, K_LA) ||
		    iscode(s, j, K_L) || iscode(s, j, K_THE) ||
		    iscode(s, j, K_A) || (k->type == T_WORD && k->kw != NULL &&
		    strcmp(k->w, "au") == 0))
			j--;
		else
			break;
	}
	if ((w = kwat(s, j)) != NULL && (w->f & F_DFUT))
		cx->fut = 1;
}

/* The year of (m, d) nearest the mail: dir < 0 before, > 0 after. */
static int
dm_resolve(const struct scan *s, int m, int d, int dir, int strict,
    long *z)
{
	long y, zz;
	int k;

	for (k = 0; k <= 8; k++) {
		y = s->y0 + (dir < 0 ? -k : k);
		if (!valid(y, m, d))
			continue;
		zz = days_from_civil(y, m, d);
		if (dir < 0 ? zz < s->z0 || (!strict && zz == s->z0) :
		    zz > s->z0 || (!strict && zz == s->z0)) {
			*z = zz;
			return 1;
		}
	}
	return 0;
}

/* The month of day d nearest the mail, as dm_resolve. */
static int
dom_resolve(const struct scan *s, int d, int dir, int strict, long *z)
{
	long t, y, zz;
	int k, m;

	for (k = 0; k <= 24; k++) {
		t = (long)s->y0 * 12 + (s->m0 - 1) + (dir < 0 ? -k : k);
		y = t / 12;
		m = (int)(t % 12) + 1;
		if (!valid(y, m, d))
			continue;
		zz = days_from_civil(y, m, d);
		if (dir < 0 ? zz < s->z0 || (!strict && zz == s->z0) :
		    zz > s->z0 || (!strict && zz == s->z0)) {
			*z = zz;
			return 1;
		}
	}
	return 0;
}

static int
resolve_near(const struct scan *s, const struct cand *c, int fut, long *z)
{
	long zf, zp;
	int hf, hp;

	if (c->kind == D_DOM) {
		if (c->mod != M_NONE)
			return dom_resolve(s, c->d, c->mod == M_LAST ? -1 : 1,
			    1, z);
		hf = fut && dom_resolve(s, c->d, 1, 0, &zf);
		hp = dom_resolve(s, c->d, -1, 0, &zp);
	} else {
		if (c->mod != M_NONE)
			return dm_resolve(s, c->m, c->d,
			    c->mod == M_LAST ? -1 : 1, 1, z);
		hf = fut && dm_resolve(s, c->m, c->d, 1, 0, &zf);
		hp = dm_resolve(s, c->m, c->d, -1, 0, &zp);
	}
	if (hf && (zf - s->z0 <= HORIZON || !hp))
		*z = zf;
	else if (hp)
		*z = zp;
	else if (fut && c->kind == D_DM)
		return dm_resolve(s, c->m, c->d, 1, 0, z);
	else
		return 0;
	return 1;
}

static int
resolve(const struct scan *s, const struct cand *c, int fut, long *z)
{
	int delta;

	switch (c->kind) {
	case D_ABS:
		*z = days_from_civil(c->y, c->m, c->d);
		return 1;
	case D_DM:
	case D_DOM:
		return resolve_near(s, c, fut, z);
	case D_WDAY:
		if (c->mod == M_NEXT || (c->mod == M_NONE && fut)) {
			delta = (c->wd - s->w0 + 7) % 7;
			if (delta == 0 && c->mod == M_NEXT)
				delta = 7;
			*z = s->z0 + delta;
		} else {
			delta = (s->w0 - c->wd + 7) % 7;
			if (delta == 0 && c->mod == M_LAST)
				delta = 7;
			*z = s->z0 - delta;
		}
		return 1;
	case D_DAYS:
		*z = s->z0 + c->off;
		return 1;
	case D_MONTHS:
		*z = add_months(s->y0, s->m0, s->d0, c->off);
		return 1;
	default:
		return 0;
	}
}

static int
emit(const struct scan *s, const struct cand *c, const struct ctx *cx,
    struct owi_date_hit *h)
{
	long z;
	int about = cx->about;

	if (c->kind == D_NONE || (c->needfut && !cx->fut) ||
	    !resolve(s, c, cx->fut, &z))
		return 0;
	civil_from_days(z, &h->year, &h->month, &h->day);
	if (h->year < 1 || h->year > 9999)
		return 0;
	if (about == A_DELIVERY)
		about = z > s->z0 || cx->fut ? A_EXPECTED : A_DELIVERED;
	else if (about == A_DELIVERED && (z > s->z0 || cx->fut))
		about = A_EXPECTED;	/* "sera livré le 5" */
	h->start = c->start;
	h->end = c->end;
	h->about = about_name[about];
	h->relative = c->kind != D_ABS && c->kind != D_DM;
	return 1;
}

size_t
owi_find_dates(const char *text, size_t len, const struct owi_date_ref *ref,
    struct owi_date_hit *hits, size_t max)
{
	struct scan s;
	struct match mt;
	struct ctx cx;
	size_t n = 0;
	long i, u;
	int j;

	if (text == NULL || ref == NULL || hits == NULL || max == 0)
		return 0;
	if (ref->year < 1000 || ref->year > 9999 ||
	    !valid(ref->year, ref->month, ref->day))
		return 0;
	s.lx.p = (const unsigned char *)text;
	s.lx.len = len;
	s.lx.pos = 0;
	s.n = 0;
	s.lang = 0;
	s.y0 = ref->year;
	s.m0 = ref->month;
	s.d0 = ref->day;
	s.z0 = days_from_civil(s.y0, s.m0, s.d0);
	s.w0 = weekday(s.z0);
	for (i = 0; n < max; ) {
		if (tk(&s, i)->type == T_EOF)
			break;
		if ((u = m_any(&s, i, &mt)) == 0) {
			i++;
			continue;
		}
		/* The context costs up to BACK tokens: only for a date. */
		if (mt.c[0].kind == D_NONE && mt.c[1].kind == D_NONE) {
			i += u;
			continue;
		}
		context(&s, i, &cx);
		for (j = 0; j < mt.n && n < max; j++)
			n += emit(&s, &mt.c[j], &cx, &hits[n]);
		i += u;
	}
	return n;
}

int
owi_weekday(int year, int month, int day)
{
	return weekday(days_from_civil(year, month, day));
}

int
owi_days_in_month(int year, int month)
{
	return mdays(year, month);
}
