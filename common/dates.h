/*
 * dates.h - the calendar days a customer's mail mentions, in French and
 * English ("le 3 novembre", "03/11/2025", "hier", "il y a deux
 * semaines", "last Tuesday"), each resolved against the mail's own date
 * and labelled with what happened on it.
 *
 * Nothing here reads the clock: every relative expression is resolved
 * against ref, the mail's local calendar day.  Words are compared
 * case-insensitively with their accents dropped ("fevrier" is
 * "février"), with one exception: the English month "May" must be
 * capitalised, lower-case "may" is the verb.
 *
 * What is a date
 *   2025-10-03, 2025/10/03          year, month, day
 *   3/11/2025 03.11.25 3-11-2025    day first; two-digit years are 20xx
 *   03/11                           day first, without a year (below)
 *   11/25, 11/25/2025               month first, only when the text is
 *                                   English (more English than French
 *                                   function words in the whole text)
 *                                   and the day-first reading is
 *                                   impossible
 *   3 novembre [2025], 1er mars, 3 nov., 3rd of November, 03-Nov-2025
 *   November 3[rd][, 2025], Nov. 3
 *   du 3 au 5 novembre, 3-5 nov.    two dates, 3 and 5 November
 *   lundi 3 novembre, Mon, 3 Nov 2025 (the weekday is not checked)
 *   lundi, mardi dernier, lundi prochain, last/next Tuesday, on Monday
 *   on/by/since/until the 3rd       a day of the current or a nearby month
 *   aujourd'hui, hier, avant-hier, demain, après-demain, ce matin,
 *   ce soir, cet après-midi, today, tonight, this morning, yesterday,
 *   tomorrow, the day before yesterday, the day after tomorrow
 *   il y a N jours/semaines/mois/ans, N days/weeks/months/years ago,
 *   dans N jours (and "in N days" in a future context), with N in
 *   digits (up to 999) or in words up to twenty ("une", "dix-sept",
 *   "a week ago"); "huit jours" and "quinze jours" are taken literally
 *   la semaine dernière/prochaine, last/next week: the same weekday
 *   seven days before/after; le mois dernier/prochain, last/next month:
 *   the same day of the month before/after (clamped to its last day)
 *
 * What is not: durations without "il y a"/"ago" ("pendant 3 jours", "for
 * 2 weeks"), business days ("dans 3 jours ouvrés"), a year alone, times,
 * impossible days (31/02, 29/02/2025), numbers glued to letters or to
 * other numbers by "/", "." or "-" (phone numbers, versions, IP
 * addresses, "7j/7", "1042/2025"), numbers after "n°", "#", "ref".  A
 * day and month without a year written with "." or "-", or looking like a
 * rating, a fraction or an idiom ("5/5", "8/10", "1/2", "24/7"), is a
 * date only after a word that introduces one: "le 5/5", "du 1/2",
 * "livré 3.11", "on 10/10".  Nor is one followed by a unit ("3/4 ans",
 * "5/5 étoiles", "3.11 €").  A weekday alone is not a date when it is
 * habitual or part of a range ("le lundi", "tous les lundis", "du lundi
 * au vendredi", "Monday to Friday") or a name ("Black Friday", "Cyber
 * Monday", "Mardi gras"); weekday abbreviations ("lun.", "Tue") count
 * only in front of a date.
 *
 * Context is the clause before the date: at most 48 bytes back, not
 * across a sentence end (". ", "! ", "? ", "; ") nor a blank line.
 *
 * Future context: the nearest of these words in the context decides.
 * Future: sera, seront, devrait, doit, arrivera, recevrez, will, should,
 * shall, due, ETA...; also "prévu", "attendu", "estimé", "expected",
 * "scheduled", unless a past auxiliary stands just before them ("était
 * prévue", "was expected").  Past: ai, a (not "à"), avons, ont, été,
 * était, avait, was, were, had, has, have, did.  Nothing: no future.
 * Just before the date, "avant", "jusqu'au", "d'ici", "pour", "by",
 * "until", "till", "before" (an article may stand between) make it
 * future whatever the context says.
 *
 * Resolution
 *   - A day and month without a year is the most recent such day on or
 *     before the mail's day.  In a future context it is the next such day
 *     on or after it, unless that is more than 200 days ahead: then the
 *     most recent one (a complaint about an expected day that passed,
 *     "livraison prévue le 3 novembre" in a mail of 20 November).
 *     "dernier"/"prochain" right after ("le 3 janvier prochain") mean
 *     strictly before/after the mail's day.  29 February goes back (or
 *     forward) to the nearest leap year.  Across the new year: in a mail
 *     of 2 January "le 28 décembre" is the previous year's; in a mail of
 *     28 December "livraison prévue le 3 janvier" the next year's.
 *   - "the 3rd" is the 3rd of the mail's month or of the month before
 *     (the next one in a future context), skipping months too short.
 *   - A weekday alone is the most recent such weekday, the mail's day
 *     included ("mardi" in a mail of a Tuesday is that day); in a future
 *     context the next one, the mail's day included.  "dernier", "passé",
 *     "last" mean strictly before, "prochain", "next" strictly after.
 *   - ref->wday is not trusted: the weekday is computed from the date.
 *
 * about: the class of the nearest keyword in the context.
 *   ordered   commande, commandé, payé, paiement, acheté, order(ed),
 *             placed, paid, payment, purchased, bought
 *   delivered livré, reçu, arrivé (with its accent), réceptionné,
 *             delivered, received, arrived
 *   shipped   expédié, expédition, envoyé, envoi, parti, shipped, ship,
 *             shipping, dispatched, sent, shipment, posted
 *   expected  prévu, attendu, devrait, devait, estimé, arrivera,
 *             recevrez, expected, estimated, scheduled, due, should, ETA
 *   other     none of these
 * "livraison" and "delivery" are "delivered" for a day on or before the
 * mail's day, "expected" after it or in a future context; so is a
 * "delivered" day ("sera livré le 5" is "expected").
 *
 * relative is 1 when the day itself comes from the mail's date (words
 * like "hier", offsets, weekdays alone, "the 3rd"), 0 when the text
 * names the day and month, even without a year.
 *
 * Known gaps: a French day alone ("le 3", "mardi 4") is not a date; a
 * future meant only by the present tense ("je pars le 15 novembre") is
 * resolved into the past; an English text's "11/05/2025" is 11 May; a
 * comma does not end the context, so in "commandé le 3 novembre, rien
 * depuis le 5 novembre" both days are "ordered".
 */
#ifndef OWI_DATES_H
#define OWI_DATES_H

#include <stddef.h>

/* The mail's local calendar day. */
struct owi_date_ref {
	int	 year, month, day;
	int	 wday;			/* 0 = Sunday; recomputed, see above */
};

struct owi_date_hit {
	size_t	 start, end;		/* byte offsets of the expression */
	int	 year, month, day;	/* the resolved calendar day */
	const char *about;		/* "ordered", "delivered", "shipped",
					 * "expected" or "other" (static) */
	int	 relative;		/* from a relative expression */
};

/*
 * Finds the dates in text (len bytes of UTF-8; invalid bytes and NULs
 * are tolerated), resolved against ref.  Fills at most max hits, in text
 * order and not overlapping, and returns how many.  Returns 0 when ref
 * is not a valid day of the years 1000 to 9999.  Time is linear in len,
 * memory constant; nothing is allocated, and calls may run in parallel.
 */
size_t	owi_find_dates(const char *text, size_t len,
	    const struct owi_date_ref *ref, struct owi_date_hit *hits,
	    size_t max);

/* The weekday of a Gregorian day (0 = Sunday), and a month's length. */
int	owi_weekday(int year, int month, int day);
int	owi_days_in_month(int year, int month);

#endif /* OWI_DATES_H */
