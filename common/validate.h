/*
 * validate.h - check and normalise the identifiers found in customer mail:
 * barcodes, tracking numbers, IBANs, card-like numbers, phone numbers.
 *
 * Pure functions over byte strings (UTF-8 text, not NUL-terminated, len
 * bytes); nothing is allocated, nothing is printed. Blanks around the whole
 * are ignored; the separators customers type between characters (spaces,
 * no-break and thin spaces, dashes, for phones also dots, slashes and
 * parentheses) are dropped. Any other byte makes the input invalid.
 *
 * The owi_valid_* and owi_phone_e164 functions return 1 when s is valid and
 * write its normalised form, NUL-terminated, into out; they return 0 when
 * it is not. out may be NULL to validate only. An out of size bytes too
 * small for the normalised form counts as invalid: out is then set to ""
 * (when size > 0). The OWI_*_SIZE constants are always enough.
 */
#ifndef OWI_VALIDATE_H
#define OWI_VALIDATE_H

#include <stddef.h>

#define OWI_EAN13_SIZE	14	/* 13 digits */
#define OWI_UPS_SIZE	19	/* "1Z" and 16 characters */
#define OWI_S10_SIZE	14	/* 13 characters */
#define OWI_IBAN_SIZE	35	/* at most 34 characters */
#define OWI_PHONE_SIZE	17	/* "+" and at most 15 digits */

/*
 * EAN-13, or UPC-A (12 digits, written as EAN-13 with a leading 0). GS1
 * check digit (weights 1 and 3 from the left, mod 10). All zeros is
 * refused: it passes the check but is never a real product.
 */
int	owi_valid_ean13(const char *s, size_t len, char *out, size_t size);

/*
 * UPS "1Z": 1Z, 6 characters of shipper account, 2 of service, 7 of
 * package, 1 check digit; letters in either case; out in upper case.
 */
int	owi_valid_ups(const char *s, size_t len, char *out, size_t size);

/*
 * UPU S10: 2 letters (service), 8 digits (serial), 1 check digit, 2 letters
 * (an ISO 3166-1 country code). "rr 123 456 785 fr" -> "RR123456785FR".
 */
int	owi_valid_s10(const char *s, size_t len, char *out, size_t size);

/*
 * ISO 13616 IBAN: country, 2 check digits (02 to 98), BBAN; mod 97 == 1
 * (ISO 7064 MOD 97-10). SEPA countries have their registry length and
 * BBAN character classes; other ISO 3166 countries 15 to 34 characters.
 * out in upper case without separators.
 */
int	owi_valid_iban(const char *s, size_t len, char *out, size_t size);

/*
 * Card-number-like: 12 to 19 digits (the ISO/IEC 7812 lengths in use),
 * spaces or dashes between them, that pass the Luhn check. Extraction uses
 * it to refuse such strings as order references.
 */
int	owi_valid_luhn(const char *digits, size_t len);

/*
 * A phone number to E.164 ("+33612345678"). Accepted: French national
 * numbers (10 digits, 0 then 1-9: "06 12 34 56 78", "06.12.34.56.78"), and
 * "+CC" or "00CC" numbers for FR 33, BE 32, CH 41, LU 352, DE 49, ES 34,
 * IT 39, GB 44, NL 31, PT 351, US/CA 1, MC 377 and the French overseas
 * 262 590 594 596, each with its length rule; "(0)" after the country
 * code, or a typed trunk 0, is dropped where the country has one. Numbers
 * of the French overseas departments are given their own country code,
 * also when written in the French national form or with +33.
 */
int	owi_phone_e164(const char *s, size_t len, char *out, size_t size);

/*
 * The carrier of a tracking number, from its shape and check digit, or
 * NULL when the shape alone says nothing sure. normalised holds letters
 * and digits only (either case); hint, or NULL, is a carrier name seen
 * near the number ("dhl", "mondial relay") that decides between shapes
 * several carriers use. A sure shape wins over a contradicting hint.
 * Returns one of "ups", "laposte", "colissimo", "chronopost", "dhl",
 * "dpd", "gls", "mondialrelay", "fedex" (static strings), or NULL.
 */
const char *owi_tracking_carrier(const char *normalised, const char *hint);

#endif /* OWI_VALIDATE_H */
