/*
 * owi-classify - why the customer writes: motives with calibrated
 * probabilities, spam, language, handover signals.
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "envelope.h"
#include "model.h"
#include "textfeat.h"

#define STAGE "owi-classify"

struct run {
	struct owi_config cfg;
	struct owi_model model;
	int have_model;
	char model_error[1024];
	const char *model_path;
	struct owi_featurizer *fz;
	int *motive_of;		/* model label -> kept (1) or not in rules.d (0) */
	int all;		/* report every motive, whatever its score */
	int pretty;
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: owi-classify [-ak] [-m model] [-r rules] [--pretty] "
	    "[file ...]\n");
}

static void
help(void)
{
	usage(stdout);
	fputs("\n"
	    "Reads envelopes and adds their \"classification\": motives with\n"
	    "calibrated probabilities, spam, language, handover signals.\n\n"
	    "  -a, --all          every motive, whatever its score\n"
	    "  -m, --model FILE   the model (owi-train's)\n"
	    "  -r, --rules DIR    the rules directory (motives, signals)\n"
	    "  -k, --keep-going   without a usable model, pass envelopes on\n"
	    "                     with an error instead of exiting 78\n"
	    "      --pretty       indent the JSON for people\n"
	    "      --help, --version\n\n"
	    "See owi-classify(1).\n", stdout);
}

/* Handover signals found in the new text or the subject, with evidence. */
static json_object *
signals_json(const struct owi_config *cfg, const char *new_text,
    const char *subject)
{
	json_object *arr = json_object_new_array();
	const char *fields[2] = { new_text, subject };
	const char *names[2] = { "new_text", "subject" };

	for (size_t i = 0; i < cfg->n_signals; i++) {
		for (int f = 0; f < 2; f++) {
			size_t start, len;
			json_object *s;
			char *ev;

			if (fields[f] == NULL || !owi_signal_match(&cfg->signals[i],
			    fields[f], &start, &len))
				continue;
			s = json_object_new_object();
			owi_json_add_string(s, "id", cfg->signals[i].id);
			ev = strndup(fields[f] + start, len);
			owi_json_add_string(s, "evidence", ev);
			free(ev);
			owi_json_add_string(s, "from", names[f]);
			json_object_array_add(arr, s);
			break;
		}
	}
	return arr;
}

struct ranked {
	int label;
	float p;
};

static int
cmp_ranked(const void *a, const void *b)
{
	float x = ((const struct ranked *)a)->p, y = ((const struct ranked *)b)->p;

	return x > y ? -1 : x < y;
}

static json_object *
classify(struct run *r, json_object *env)
{
	json_object *c = json_object_new_object(), *motives;
	const char *new_text = owi_envelope_get_string(env, "message.new_text");
	const char *subject = owi_envelope_get_string(env, "message.subject");
	const char *fwd = owi_envelope_get_string(env, "message.forwarded_text");
	const struct owi_model *m = &r->model;
	struct owi_fvec x = { 0 };
	struct ranked rk[1024];
	float margin[1024];
	uint32_t nl = m->h->n_labels;
	int spam = owi_model_label_index(m, "spam");

	owi_features_envelope(r->fz, env, &x);
	owi_model_margins(m, &x, margin);
	owi_fvec_free(&x);
	for (uint32_t l = 0; l < nl; l++) {
		rk[l].label = (int)l;
		rk[l].p = owi_model_prob(&m->labels[l], margin[l]);
	}
	qsort(rk, nl, sizeof(*rk), cmp_ranked);
	motives = json_object_new_array();
	for (uint32_t k = 0; k < nl; k++) {
		const struct owi_model_label *lab = &m->labels[rk[k].label];
		json_object *mo;

		/* Only what rules.d knows: a model never invents a motive. */
		if (!r->motive_of[rk[k].label] || (rk[k].p < lab->report &&
		    !r->all))
			continue;
		mo = json_object_new_object();
		owi_json_add_string(mo, "id", lab->id);
		json_object_object_add(mo, "score",
		    json_object_new_double((double)(int)(rk[k].p * 1e4f + 0.5f) / 1e4));
		json_object_object_add(mo, "threshold", json_object_new_double(
		    (double)(int)(lab->threshold * 1e4f + 0.5f) / 1e4));
		json_object_object_add(mo, "sure",
		    json_object_new_boolean(rk[k].p >= lab->threshold));
		json_object_array_add(motives, mo);
	}
	json_object_object_add(c, "motives", motives);
	if (spam >= 0)
		json_object_object_add(c, "spam", json_object_new_double(
		    (double)(int)(owi_model_prob(&m->labels[spam], margin[spam]) *
		    1e4f + 0.5f) / 1e4));
	else
		json_object_object_add(c, "spam", NULL);
	owi_json_add_string(c, "lang", owi_detect_lang(new_text && *new_text ?
	    new_text : fwd && *fwd ? fwd : subject));
	json_object_object_add(c, "signals", signals_json(&r->cfg, new_text,
	    subject));
	owi_json_add_string(c, "model", r->model_path);
	return c;
}

static int
on_envelope(json_object *env, const char *file, long line, void *arg)
{
	struct run *r = arg;

	(void)file;
	(void)line;
	if (!r->have_model) {
		owi_envelope_error(env, STAGE, "model-unavailable", "%s",
		    r->model_error);
		json_object_object_add(env, "classification", NULL);
	} else if (owi_envelope_get(env, "message") == NULL) {
		owi_envelope_error(env, STAGE, "no-message",
		    "no message to classify");
		json_object_object_add(env, "classification", NULL);
	} else
		json_object_object_add(env, "classification", classify(r, env));
	return owi_write_envelope(env, r->pretty) != 0;
}

/* The shop's own model when it has one, else the shipped one. */
static const char *
default_model(char *buf, size_t size)
{
	if (access(owi_user_data("model.owim", buf, size), R_OK) == 0)
		return buf;
	return OWI_DATA_DIR "/model.owim";
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "model", required_argument, NULL, 'm' },
		{ "rules", required_argument, NULL, 'r' },
		{ "pretty", no_argument, NULL, 1 },
		{ "help", no_argument, NULL, 2 },
		{ "version", no_argument, NULL, 3 },
		{ NULL, 0, NULL, 0 }
	};
	struct run r = { .pretty = 0 };
	const char *rules = OWI_RULES_DIR;
	char buf[4096];
	struct owi_diag d;
	int ch, keep_going = 0, status;

	setlocale(LC_ALL, "");
	owi_cli_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "akm:r:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a': r.all = 1; break;
		case 'k': keep_going = 1; break;
		case 'm': r.model_path = optarg; break;
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

	if ((status = owi_load_rules(rules, &r.cfg)) != 0)
		return status;
	owi_diag_clear(&d);
	if (r.model_path == NULL)
		r.model_path = default_model(buf, sizeof(buf));
	if (owi_model_load(r.model_path, &r.model, &d) != 0) {
		owi_diag_format(&d, r.model_error, sizeof(r.model_error));
		owi_warnx("%s", r.model_error);
		if (!keep_going) {
			owi_config_free(&r.cfg);
			return EX_CONFIG;
		}
	} else {
		r.have_model = 1;
		r.fz = owi_featurizer_new(r.model.h->dim_bits);
		r.motive_of = calloc(r.model.h->n_labels, sizeof(int));
		for (uint32_t l = 0; r.motive_of != NULL &&
		    l < r.model.h->n_labels; l++) {
			r.motive_of[l] = owi_config_motive(&r.cfg,
			    r.model.labels[l].id) != NULL;
			if (!r.motive_of[l])
				owi_warnx("model motive '%s' is not in %s: never reported",
				    r.model.labels[l].id, rules);
		}
	}
	status = owi_each_envelope(argc, argv, on_envelope, &r);
	free(r.motive_of);
	owi_featurizer_free(r.fz);
	if (r.have_model)
		owi_model_close(&r.model);
	owi_config_free(&r.cfg);
	if (owi_close_stdout() != 0)
		return EX_IOERR;
	return status;
}
