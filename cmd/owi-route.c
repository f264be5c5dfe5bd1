/*
 * owi-route - the business rules of rules.d decide: answer automatically,
 * file into a folder, prepare a draft for a human; and say why.
 */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "config.h"
#include "envelope.h"
#include "rules.h"

struct run {
	struct owi_rules *rules;
	int pretty, explain;
	long now;
	unsigned long n;	/* mails read, for the progress line */
	/* --eval */
	json_object *labels;	/* file name -> label */
	unsigned mails, unlabelled, replied, replied_right, filed, folder_right,
	    should_reply;
	json_object *wrong;	/* the wrong automatic answers */
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: owi-route [-Cjx] [-e labels] [-r rules] [--pretty] "
	    "[file ...]\n");
}

static void
help(void)
{
	usage(stdout);
	fputs("\n"
	    "Reads envelopes and adds their \"route\": reply automatically, draft\n"
	    "for a human, or file, as the rules of rules.d decide, and why.\n\n"
	    "  -C, --check        check the rules directory and exit\n"
	    "  -e, --eval FILE    score the routes against labels (automation\n"
	    "                     rate, its precision, folder accuracy) instead\n"
	    "  -j, --json         the scores as JSON\n"
	    "  -r, --rules DIRS   the rules directory, or DIR:DIR... (a later\n"
	    "                     one overrides files of the same name)\n"
	    "  -x, --explain      print each decision for people, not JSON\n"
	    "      --pretty       indent the JSON for people\n"
	    "      --help, --version\n\n"
	    "See owi-route(1) and owi-rules(5).\n", stdout);
}

static void
explain(json_object *env, json_object *route)
{
	json_object *why = owi_envelope_get(route, "why");
	json_object *guards = owi_envelope_get(route, "guards");
	const char *tpl = owi_envelope_get_string(route, "template");
	const char *rule = owi_envelope_get_string(route, "rule.name");

	printf("%s\n", owi_envelope_get_string(env, "id") ?
	    owi_envelope_get_string(env, "id") : "(no id)");
	printf("  %s%s%s -> %s", owi_envelope_get_string(route, "action"),
	    tpl ? " " : "", tpl ? tpl : "", owi_envelope_get_string(route,
	    "folder"));
	if (rule != NULL)
		printf("  (rule %s, %s:%lld)", rule, owi_envelope_get_string(route,
		    "rule.file"), (long long)json_object_get_int64(
		    owi_envelope_get(route, "rule.line")));
	putchar('\n');
	for (size_t i = 0; i < json_object_array_length(why); i++)
		printf("  %s %s\n", i == 0 ? "because" : "       ",
		    json_object_get_string(json_object_array_get_idx(why, i)));
	for (size_t i = 0; i < json_object_array_length(guards); i++) {
		json_object *g = json_object_array_get_idx(guards, i);

		printf("  guard   %s: %s\n", owi_envelope_get_string(g, "id"),
		    owi_envelope_get_string(g, "why") ? owi_envelope_get_string(g,
		    "why") : "");
	}
}

static const char *
base_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int
same(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static void
score(struct run *r, json_object *env, json_object *route)
{
	const char *path = owi_envelope_get_string(env, "source.path");
	const char *action = owi_envelope_get_string(route, "action");
	json_object *label, *auto_ok;

	if (path == NULL || !json_object_object_get_ex(r->labels, base_of(path),
	    &label)) {
		r->unlabelled++;
		return;
	}
	r->mails++;
	json_object_object_get_ex(label, "auto", &auto_ok);
	if (json_object_get_boolean(auto_ok))
		r->should_reply++;
	if (same(action, "reply")) {
		r->replied++;
		const char *order = owi_envelope_get_string(label, "order");

		/* Right: the right template, about the right order if any. */
		if (json_object_get_boolean(auto_ok) &&
		    same(owi_envelope_get_string(route, "template"),
		    owi_envelope_get_string(label, "template")) &&
		    (order == NULL || same(owi_envelope_get_string(route, "order"),
		    order)))
			r->replied_right++;
		else {
			json_object *w = json_object_new_object();

			owi_json_add_string(w, "file", base_of(path));
			owi_json_add_string(w, "template", owi_envelope_get_string(route,
			    "template"));
			owi_json_add_string(w, "order", owi_envelope_get_string(route,
			    "order"));
			owi_json_add_string(w, "expected", owi_envelope_get_string(label,
			    "template"));
			owi_json_add_string(w, "note", owi_envelope_get_string(label,
			    "note"));
			json_object_array_add(r->wrong, w);
		}
	} else {
		r->filed++;
		if (same(owi_envelope_get_string(route, "folder"),
		    owi_envelope_get_string(label, "folder")))
			r->folder_right++;
	}
}

static int
on_envelope(json_object *env, const char *file, long line, void *arg)
{
	struct run *r = arg;
	json_object *route;

	(void)file;
	(void)line;
	owi_progress(++r->n, "mails");
	route = owi_route(r->rules, env, r->now);
	if (r->labels != NULL) {
		score(r, env, route);
		json_object_put(route);
		return 0;
	}
	if (r->explain) {
		explain(env, route);
		json_object_put(route);
		return ferror(stdout) != 0;
	}
	json_object_object_add(env, "route", route);
	return owi_write_envelope(env, r->pretty) != 0;
}

static int
on_label(json_object *rec, const char *file, long line, void *arg)
{
	struct run *r = arg;
	const char *name = owi_envelope_get_string(rec, "file");

	if (name == NULL || owi_envelope_get(rec, "folder") == NULL ||
	    owi_envelope_get(rec, "auto") == NULL) {
		owi_warnx("%s:%ld: a label needs \"file\", \"folder\" and \"auto\"",
		    file, line);
		return 0;
	}
	json_object_object_add(r->labels, base_of(name), json_object_get(rec));
	return 0;
}

static double
ratio(unsigned a, unsigned b)
{
	return b ? (double)a / b : 0;
}

static json_object *
scores_json(const struct run *r, const char *labels)
{
	json_object *j = json_object_new_object();

	owi_json_add_string(j, "labels", labels);
	json_object_object_add(j, "mails", json_object_new_int((int)r->mails));
	json_object_object_add(j, "answered_automatically", json_object_new_int(
	    (int)r->replied));
	json_object_object_add(j, "automation_rate", json_object_new_double(
	    ratio(r->replied, r->mails)));
	json_object_object_add(j, "answers_right", json_object_new_int(
	    (int)r->replied_right));
	json_object_object_add(j, "answer_precision", json_object_new_double(
	    ratio(r->replied_right, r->replied)));
	json_object_object_add(j, "answerable", json_object_new_int(
	    (int)r->should_reply));
	json_object_object_add(j, "answerable_answered", json_object_new_double(
	    ratio(r->replied_right, r->should_reply)));
	json_object_object_add(j, "filed", json_object_new_int((int)r->filed));
	json_object_object_add(j, "folder_accuracy", json_object_new_double(
	    ratio(r->folder_right, r->filed)));
	json_object_object_add(j, "wrong_answers", json_object_get(r->wrong));
	return j;
}

static void
print_scores(const struct run *r, const char *labels, int json)
{
	if (json) {
		json_object *j = scores_json(r, labels);

		puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
		    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
		return;
	}
	printf("owi-route: routes against %s (%u mails", labels, r->mails);
	if (r->unlabelled)
		printf(", %u without a label left out", r->unlabelled);
	printf(")\n\n");
	printf("answered automatically  %4u of %4u  %5.1f%%   of which right "
	    "%u: precision %.3f\n", r->replied, r->mails,
	    100 * ratio(r->replied, r->mails), r->replied_right,
	    ratio(r->replied_right, r->replied));
	printf("answerable (labels)     %4u          right answers cover %.1f%% "
	    "of them\n", r->should_reply, 100 * ratio(r->replied_right,
	    r->should_reply));
	printf("filed or drafted        %4u          folder right %u: accuracy "
	    "%.3f\n", r->filed, r->folder_right, ratio(r->folder_right, r->filed));
	for (size_t i = 0; i < json_object_array_length(r->wrong); i++) {
		json_object *w = json_object_array_get_idx(r->wrong, i);

		if (i == 0)
			printf("\nwrong automatic answers:\n");
		printf("  %s: %s for %s, expected %s (%s)\n",
		    owi_envelope_get_string(w, "file"),
		    owi_envelope_get_string(w, "template"),
		    owi_envelope_get_string(w, "order") ?
		    owi_envelope_get_string(w, "order") : "no order",
		    owi_envelope_get_string(w, "expected") ?
		    owi_envelope_get_string(w, "expected") : "no automatic answer",
		    owi_envelope_get_string(w, "note") ?
		    owi_envelope_get_string(w, "note") : "");
	}
}

static int
load(const char *dirs, struct owi_config *cfg, struct owi_rules **rules)
{
	struct owi_problems p;
	int status;

	if ((status = owi_load_rules(dirs, cfg)) != 0)
		return status;
	if ((*rules = owi_rules_load(dirs, cfg, &p)) == NULL) {
		for (size_t i = 0; i < p.n; i++)
			owi_warnx("%s", p.v[i]);
		if (p.n == 0)
			owi_warnx("cannot load the rules of %s", dirs);
		owi_problems_free(&p);
		owi_config_free(cfg);
		return EX_CONFIG;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, 'C' },
		{ "eval", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "rules", required_argument, NULL, 'r' },
		{ "explain", no_argument, NULL, 'x' },
		{ "pretty", no_argument, NULL, 1 },
		{ "help", no_argument, NULL, 2 },
		{ "version", no_argument, NULL, 3 },
		{ NULL, 0, NULL, 0 }
	};
	struct run r = { 0 };
	struct owi_config cfg;
	const char *dirs = OWI_RULES_DIR, *labels = NULL;
	int ch, check = 0, json = 0, status;

	setlocale(LC_ALL, "");
	owi_cli_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "Ce:jr:x", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C': check = 1; break;
		case 'e': labels = optarg; break;
		case 'j': json = 1; break;
		case 'r': dirs = optarg; break;
		case 'x': r.explain = 1; break;
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
	if (check && argc > 0) {
		owi_warnx("--check reads no input");
		usage(stderr);
		return EX_USAGE;
	}
	if ((status = load(dirs, &cfg, &r.rules)) != 0)
		return status;
	if (check) {
		owi_rules_free(r.rules);
		owi_config_free(&cfg);
		return owi_close_stdout();
	}
	if (owi_rules_timezone(r.rules) != NULL) {
		/* Business hours are the shop's, wherever owi runs. */
		setenv("TZ", owi_rules_timezone(r.rules), 1);
		tzset();
	}
	r.now = (long)time(NULL);
	if (labels != NULL) {
		char *one[1] = { (char *)labels };

		r.labels = json_object_new_object();
		r.wrong = json_object_new_array();
		status = owi_each_envelope(1, one, on_label, &r);
		if (status == 0)
			status = owi_each_envelope(argc, argv, on_envelope, &r);
		if (status == 0 || status == EX_DATAERR)
			print_scores(&r, labels, json);
		json_object_put(r.labels);
		json_object_put(r.wrong);
	} else
		status = owi_each_envelope(argc, argv, on_envelope, &r);
	owi_progress_done();
	owi_rules_free(r.rules);
	owi_config_free(&cfg);
	if (owi_close_stdout() != 0)
		return EX_IOERR;
	return status;
}
