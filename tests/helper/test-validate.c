/*
 * test-validate - run the validate.h functions over lines on stdin.
 *
 * Each line is "KIND VALUE", KIND one of ean13 ups s10 iban luhn phone,
 * VALUE the rest of the line (blanks included); or "carrier VALUE HINT",
 * HINT the rest of the line, "-" for none. Prints "ok NORMALISED" (for
 * luhn just "ok", for carrier "ok CARRIER") or "no", one line per line.
 * KIND may end in ":SIZE" to give the function an out of SIZE bytes, ":0"
 * to pass NULL; the output is then "ok" and what out holds, or "no" and
 * what out holds ("no" alone when it is empty).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "validate.h"

#define OUTMAX	64

static const char *progname = "test-validate";

static const struct kind {
	const char	*name;
	int		(*fn)(const char *, size_t, char *, size_t);
} kinds[] = {
	{ "ean13", owi_valid_ean13 },
	{ "ups", owi_valid_ups },
	{ "s10", owi_valid_s10 },
	{ "iban", owi_valid_iban },
	{ "phone", owi_phone_e164 },
};

/* Prints the answer for one line; returns -1 when the line is malformed. */
static int
run(char *line, size_t len)
{
	char out[OUTMAX + 1], *sp, *colon, *value, *hint, *end;
	const char *carrier;
	size_t i, size = OUTMAX, vlen;
	long l;
	int ok, sized = 0;

	if ((sp = memchr(line, ' ', len)) == NULL)
		return -1;
	*sp = '\0';
	value = sp + 1;
	vlen = len - (size_t)(value - line);
	if ((colon = strchr(line, ':')) != NULL) {
		*colon = '\0';
		l = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || *end != '\0' || l < 0 || l > OUTMAX)
			return -1;
		size = (size_t)l;
		sized = 1;
	}
	if (strcmp(line, "carrier") == 0) {
		if ((sp = memchr(value, ' ', vlen)) == NULL || sized)
			return -1;
		*sp = '\0';
		hint = sp + 1;
		carrier = owi_tracking_carrier(value,
		    strcmp(hint, "-") == 0 ? NULL : hint);
		if (carrier != NULL)
			printf("ok %s\n", carrier);
		else
			printf("no\n");
		return 0;
	}
	if (strcmp(line, "luhn") == 0) {
		if (sized)
			return -1;
		printf("%s\n", owi_valid_luhn(value, vlen) ? "ok" : "no");
		return 0;
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(line, kinds[i].name) == 0)
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0]))
		return -1;
	/* A canary after the given size shows any write past it. */
	memset(out, '#', sizeof(out));
	ok = kinds[i].fn(value, vlen, size == 0 ? NULL : out, size);
	if (size < sizeof(out) && out[size] != '#')
		printf("overflow\n");
	else if (size == 0)
		printf("%s\n", ok ? "ok" : "no");
	else if (!sized)
		printf(ok ? "ok %s\n" : "no\n", out);
	else if (out[0] == '\0')
		printf("%s\n", ok ? "ok" : "no");
	else
		printf("%s %s\n", ok ? "ok" : "no", out);
	return 0;
}

int
main(int argc, char *argv[])
{
	char *line = NULL;
	size_t cap = 0, len;
	ssize_t n;
	unsigned long lineno = 0;
	int status = 0;

	if (argc > 1) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", progname,
		    argv[1]);
		fprintf(stderr, "usage: %s < lines\n", progname);
		return EX_USAGE;
	}
	while ((n = getline(&line, &cap, stdin)) != -1) {
		lineno++;
		len = (size_t)n;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (run(line, len) == -1) {
			fprintf(stderr, "%s: stdin:%lu: malformed line\n",
			    progname, lineno);
			status = EX_DATAERR;
			break;
		}
	}
	if (status == 0 && ferror(stdin)) {
		fprintf(stderr, "%s: cannot read 'stdin'\n", progname);
		status = EX_IOERR;
	}
	free(line);
	if (fflush(stdout) == EOF || ferror(stdout) || fclose(stdout) == EOF) {
		fprintf(stderr, "%s: cannot write 'stdout'\n", progname);
		status = EX_IOERR;
	}
	return status;
}
