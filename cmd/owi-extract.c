/*
 * owi-extract - the facts in the mail: order references and numbers,
 * products, tracking numbers, phones, dates, amounts, IBANs, names.
 */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "cli.h"
#include "config.h"
#include "envelope.h"
#include "extract.h"
#include "mime.h"

struct run {
	struct owi_config cfg;
	struct owi_extractor *x;
	int pretty;
	/* --eval */
	unsigned tp[16], fp[16], fn[16];
	int bad;
};

/* The evaluation's rows: the types, and dates compared on the day alone. */
#define DATE_DAY 11

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: owi-extract [-j] [-e labels] [-r rules] [--pretty] "
	    "[file ...]\n");
}

static void
help(void)
{
	usage(stdout);
	fputs("\n"
	    "Reads envelopes and adds their \"entities\": the facts of the mail,\n"
	    "normalised, with where they were found.\n\n"
	    "  -e, --eval FILE    score against a labelled file (precision,\n"
	    "                     recall, F1 per entity type) instead\n"
	    "  -j, --json         the scores as JSON\n"
	    "  -r, --rules DIR    the rules directory (context words, carriers)\n"
	    "      --pretty       indent the JSON for people\n"
	    "      --help, --version\n\n"
	    "See owi-extract(1).\n", stdout);
}

static int
on_envelope(json_object *env, const char *file, long line, void *arg)
{
	struct run *r = arg;

	(void)file;
	(void)line;
	if (owi_envelope_get(env, "message") == NULL) {
		owi_envelope_error(env, "owi-extract", "no-message",
		    "no message to read");
		json_object_object_add(env, "entities", NULL);
	} else
		json_object_object_add(env, "entities", owi_extract(r->x, env));
	return owi_write_envelope(env, r->pretty) != 0;
}

/* "Name <addr>" or "addr" as the envelope's from. */
static json_object *
from_of(const char *s)
{
	InternetAddressList *l = s != NULL ? internet_address_list_parse(NULL, s) :
	    NULL;
	json_object *o = json_object_new_object();
	InternetAddress *ia;

	if (l != NULL && internet_address_list_length(l) > 0 &&
	    INTERNET_ADDRESS_IS_MAILBOX(ia = internet_address_list_get_address(l,
	    0))) {
		owi_json_add_string(o, "name", internet_address_get_name(ia));
		owi_json_add_string(o, "address", internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia)));
	} else {
		owi_json_add_string(o, "name", s);
		json_object_object_add(o, "address", NULL);
	}
	if (l != NULL)
		g_object_unref(l);
	return o;
}

/* The comparison key of a labelled or extracted value. */
static void
key_of(json_object *v, int day_only, char *buf, size_t size)
{
	json_object *x;
	const char *extra = NULL;

	if (json_object_is_type(v, json_type_string)) {
		snprintf(buf, size, "%s|", json_object_get_string(v));
		return;
	}
	if (!day_only && (json_object_object_get_ex(v, "carrier", &x) ||
	    json_object_object_get_ex(v, "about", &x) ||
	    json_object_object_get_ex(v, "currency", &x)))
		extra = json_object_get_string(x);
	json_object_object_get_ex(v, "value", &x);
	snprintf(buf, size, "%s|%s", json_object_get_string(x),
	    extra ? extra : "");
}

static int
in_list(json_object *list, const char *key, int day_only)
{
	char k[512];

	for (size_t i = 0; i < json_object_array_length(list); i++) {
		key_of(json_object_array_get_idx(list, i), day_only, k, sizeof(k));
		if (strcmp(k, key) == 0)
			return 1;
	}
	return 0;
}

static void
score(struct run *r, int row, json_object *gold, json_object *got,
    int day_only)
{
	char k[512];

	for (size_t i = 0; i < json_object_array_length(got); i++) {
		key_of(json_object_array_get_idx(got, i), day_only, k, sizeof(k));
		if (in_list(gold, k, day_only))
			r->tp[row]++;
		else
			r->fp[row]++;
	}
	for (size_t i = 0; i < json_object_array_length(gold); i++) {
		key_of(json_object_array_get_idx(gold, i), day_only, k, sizeof(k));
		if (!in_list(got, k, day_only))
			r->fn[row]++;
	}
}

static int
on_labelled(json_object *rec, const char *file, long line, void *arg)
{
	struct run *r = arg;
	json_object *env, *msg, *got, *gold;
	const char *subject = owi_envelope_get_string(rec, "subject");
	const char *text = owi_envelope_get_string(rec, "text");

	if (!json_object_object_get_ex(rec, "entities", &gold) ||
	    text == NULL) {
		owi_warnx("%s:%ld: no \"text\" and \"entities\": not scored",
		    file, line);
		r->bad = 1;
		return 0;
	}
	env = owi_envelope_new("labelled");
	msg = owi_message_from_text(subject, text);
	owi_json_add_string(msg, "date", owi_envelope_get_string(rec, "date"));
	json_object_object_add(msg, "from", from_of(owi_envelope_get_string(rec,
	    "from")));
	json_object_object_add(env, "message", msg);
	got = owi_extract(r->x, env);
	for (int t = 0; owi_entity_types[t] != NULL; t++) {
		json_object *g, *p;

		if (!json_object_object_get_ex(gold, owi_entity_types[t], &g) ||
		    !json_object_is_type(g, json_type_array))
			continue;
		json_object_object_get_ex(got, owi_entity_types[t], &p);
		score(r, t, g, p, 0);
		if (strcmp(owi_entity_types[t], "date") == 0)
			score(r, DATE_DAY, g, p, 1);
	}
	json_object_put(got);
	json_object_put(env);
	return 0;
}

static double
ratio(unsigned a, unsigned b)
{
	return b ? (double)a / b : 0;
}

static void
print_scores(const struct run *r, const char *file, int json)
{
	json_object *j = json_object_new_object(), *rows = json_object_new_array();
	unsigned tp = 0, fp = 0, fn = 0;

	if (!json) {
		printf("owi-extract: scores against %s\n\n", file);
		printf("%-26s %9s %7s %7s %8s\n", "entity", "precision", "recall",
		    "F1", "support");
	}
	for (int t = 0; t <= DATE_DAY; t++) {
		const char *name = t == DATE_DAY ? "date (day only)" :
		    owi_entity_types[t];
		double p = ratio(r->tp[t], r->tp[t] + r->fp[t]);
		double rc = ratio(r->tp[t], r->tp[t] + r->fn[t]);
		double f = p + rc > 0 ? 2 * p * rc / (p + rc) : 0;
		json_object *row = json_object_new_object();

		if (t != DATE_DAY)
			tp += r->tp[t], fp += r->fp[t], fn += r->fn[t];
		if (!json)
			printf("%-26s %9.3f %7.3f %7.3f %8u\n", name, p, rc, f,
			    r->tp[t] + r->fn[t]);
		owi_json_add_string(row, "entity", name);
		json_object_object_add(row, "precision", json_object_new_double(p));
		json_object_object_add(row, "recall", json_object_new_double(rc));
		json_object_object_add(row, "f1", json_object_new_double(f));
		json_object_object_add(row, "support",
		    json_object_new_int((int)(r->tp[t] + r->fn[t])));
		json_object_array_add(rows, row);
	}
	double p = ratio(tp, tp + fp), rc = ratio(tp, tp + fn);

	if (!json)
		printf("%-26s %9.3f %7.3f %7.3f %8u\n", "all types (micro)", p, rc,
		    p + rc > 0 ? 2 * p * rc / (p + rc) : 0, tp + fn);
	owi_json_add_string(j, "labels", file);
	json_object_object_add(j, "entities", rows);
	json_object_object_add(j, "micro_precision", json_object_new_double(p));
	json_object_object_add(j, "micro_recall", json_object_new_double(rc));
	if (json)
		puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
		    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "eval", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "rules", required_argument, NULL, 'r' },
		{ "pretty", no_argument, NULL, 1 },
		{ "help", no_argument, NULL, 2 },
		{ "version", no_argument, NULL, 3 },
		{ NULL, 0, NULL, 0 }
	};
	struct run r = { .pretty = 0 };
	const char *rules = OWI_RULES_DIR, *eval = NULL;
	int ch, json = 0, status;

	setlocale(LC_ALL, "");
	owi_cli_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "e:jr:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'e': eval = optarg; break;
		case 'j': json = 1; break;
		case 'r': rules = optarg; break;
		case 1: r.pretty = 1; break;
		case 2: help(); return owi_close_stdout();
		case 3: owi_print_version(); return owi_close_stdout();
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (eval != NULL && argc > 0) {
		owi_warnx("-e scores a labelled file: no other input");
		usage(stderr);
		return EX_USAGE;
	}
	if ((status = owi_load_rules(rules, &r.cfg)) != 0)
		return status;
	if ((r.x = owi_extractor_new(&r.cfg)) == NULL) {
		owi_warnx("cannot compile the patterns of %s", rules);
		owi_config_free(&r.cfg);
		return EX_CONFIG;
	}
	if (eval != NULL) {
		char *one[1] = { (char *)eval };

		owi_mime_init();
		status = owi_each_envelope(1, one, on_labelled, &r);
		if (status == 0 || status == EX_DATAERR)
			print_scores(&r, eval, json);
		owi_mime_shutdown();
		if (status == 0 && r.bad)
			status = EX_DATAERR;
	} else
		status = owi_each_envelope(argc, argv, on_envelope, &r);
	owi_extractor_free(r.x);
	owi_config_free(&r.cfg);
	if (owi_close_stdout() != 0)
		return EX_IOERR;
	return status;
}
