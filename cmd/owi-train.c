/*
 * owi-train - learn the motive classifier from mail that humans labelled
 * or sorted, and measure it on held-out data.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>

#include "cli.h"
#include "config.h"
#include "envelope.h"
#include "learn.h"
#include "maildir.h"
#include "mailsrc.h"
#include "mime.h"
#include "textfeat.h"

struct labels {
	char *id[OWI_LEARN_MAX_LABELS];
	size_t n;
};

struct run {
	struct owi_config cfg;
	int any_labels;		/* labels from the data, not rules.d (bench) */
	struct labels lab;
	struct owi_featurizer *fz;
	struct owi_example *ex;
	size_t n, cap;
	const char *file;	/* the input being read, for messages */
	long line;
	int bad;
	unsigned long skipped_own;
	struct owi_parse_opts popts;
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: owi-train [-ej] [-b bits] [-E epochs] [-f folds] "
	    "[-M maildir] [-o model]\n"
	    "                 [-p precision] [-r rules] [-s seed] [-t test] "
	    "[--any-labels] [file ...]\n");
}

static void
help(void)
{
	usage(stdout);
	fputs("\n"
	    "Learns owi-classify's model from labelled mail: JSON Lines of\n"
	    "envelopes with \"labels\", or of {\"labels\", \"subject\", \"text\"},\n"
	    "or a Maildir whose folders humans sorted (-M).\n\n"
	    "  -o, --output FILE     where the model goes\n"
	    "  -e, --eval            k-fold evaluation on held-out data, no model\n"
	    "  -t, --test FILE       train on the input, evaluate on FILE\n"
	    "  -j, --json            the evaluation as JSON\n"
	    "  -M, --maildir DIR     learn from the folders of DIR\n"
	    "  -r, --rules DIR       the rules directory (motives, folders)\n"
	    "  -p, --precision P     target precision of decisions (0.95)\n"
	    "  -f, --folds K         folds for calibration and evaluation (5)\n"
	    "  -b, --bits N          2^N hashed features (18)\n"
	    "  -E, --epochs N        passes over the data (12)\n"
	    "  -s, --seed N          the seed of every shuffle (1)\n"
	    "      --any-labels      labels need not be motives of rules.d\n"
	    "      --help, --version\n\n"
	    "See owi-train(1).\n", stdout);
}

static int
label_index(struct run *r, const char *id)
{
	for (size_t i = 0; i < r->lab.n; i++)
		if (strcmp(r->lab.id[i], id) == 0)
			return (int)i;
	if (!r->any_labels && owi_config_motive(&r->cfg, id) == NULL)
		return -1;
	if (r->lab.n == OWI_LEARN_MAX_LABELS)
		return -2;
	r->lab.id[r->lab.n] = strdup(id);
	return (int)r->lab.n++;
}

static void
where_warn(struct run *r, const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	if (r->line > 0)
		owi_warnx("%s:%ld: %s", r->file, r->line, msg);
	else
		owi_warnx("%s: %s", r->file, msg);
	r->bad = 1;
}

/* Adds an example from an envelope and its label ids. */
static void
add_example(struct run *r, json_object *env, json_object *labels)
{
	struct owi_example e = { .gold = 0, .first = -1 };
	size_t nl = json_object_array_length(labels);

	for (size_t i = 0; i < nl; i++) {
		const char *id = json_object_get_string(
		    json_object_array_get_idx(labels, i));
		int l = id != NULL ? label_index(r, id) : -1;

		if (l == -1) {
			where_warn(r, "unknown motive '%s' (not in rules.d)",
			    id ? id : "");
			return;
		}
		if (l == -2) {
			where_warn(r, "more than %s labels", "64");
			return;
		}
		e.gold |= (uint64_t)1 << l;
		if (e.first < 0)
			e.first = l;
	}
	if (e.first < 0) {
		where_warn(r, "no label%s", "");
		return;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1024;
		struct owi_example *nx = realloc(r->ex, cap * sizeof(*nx));

		if (nx == NULL) {
			where_warn(r, "out of memory%s", "");
			return;
		}
		r->ex = nx;
		r->cap = cap;
	}
	owi_features_envelope(r->fz, env, &e.x);
	r->ex[r->n++] = e;
}

/* "labels": [...] or "label": "..." of a line, as an array (owned). */
static json_object *
line_labels(json_object *obj)
{
	json_object *v, *arr;

	if (json_object_object_get_ex(obj, "labels", &v) &&
	    json_object_is_type(v, json_type_array))
		return json_object_get(v);
	if (json_object_object_get_ex(obj, "label", &v) &&
	    json_object_is_type(v, json_type_string)) {
		arr = json_object_new_array();
		json_object_array_add(arr, json_object_get(v));
		return arr;
	}
	return NULL;
}

static int
on_record(json_object *obj, const char *file, long line, void *arg)
{
	struct run *r = arg;
	json_object *labels = line_labels(obj), *env;

	r->file = file;
	r->line = line;
	if (labels == NULL) {
		/* owi's own decisions are no lesson: only human labels teach. */
		where_warn(r, "no \"labels\": not learned%s", "");
		return 0;
	}
	if (owi_envelope_get(obj, "message") != NULL) {
		add_example(r, obj, labels);
	} else {
		const char *subject = owi_envelope_get_string(obj, "subject");
		const char *text = owi_envelope_get_string(obj, "text");

		env = owi_envelope_new("record");
		json_object_object_add(env, "message", owi_message_from_text(
		    subject, text != NULL ? text : ""));
		add_example(r, env, labels);
		json_object_put(env);
	}
	json_object_put(labels);
	return 0;
}

static int
read_jsonl(struct run *r, int argc, char *argv[])
{
	int st = 0;

	for (int i = 0; i < argc || (argc == 0 && i == 0); i++) {
		char *one[1] = { argc ? argv[i] : "-" };

		st = owi_each_envelope(1, one, on_record, r);
		if (st != 0 && st != EX_DATAERR)
			return st;
		if (st == EX_DATAERR)
			r->bad = 1;
	}
	return 0;
}

struct folder_ctx {
	struct run *r;
	const char *motive;
	const char *folder;
};

/* The folder owi itself filed a mail into, from its header, or NULL. */
static const char *
owi_filed_folder(json_object *env)
{
	json_object *h = owi_envelope_get(env, "message.headers");

	for (size_t i = 0; json_object_is_type(h, json_type_array) &&
	    i < json_object_array_length(h); i++) {
		json_object *pair = json_object_array_get_idx(h, i);
		const char *name = json_object_get_string(
		    json_object_array_get_idx(pair, 0));

		if (name != NULL && strcasecmp(name, "X-Owi-Folder") == 0)
			return json_object_get_string(
			    json_object_array_get_idx(pair, 1));
	}
	return NULL;
}

static int
on_sorted_mail(const struct owi_mail *m, void *arg)
{
	struct folder_ctx *fc = arg;
	json_object *env = owi_envelope_new("mail"), *msg, *labels;
	const char *filed;

	msg = owi_mime_message(m->data, m->len, &fc->r->popts, env);
	if (msg == NULL) {
		json_object_put(env);
		return 0;
	}
	json_object_object_add(env, "message", msg);
	/* Still where owi put it: nobody reviewed it, nothing to learn. */
	filed = owi_filed_folder(env);
	if (filed != NULL && strcmp(filed, fc->folder) == 0) {
		fc->r->skipped_own++;
		json_object_put(env);
		return 0;
	}
	labels = json_object_new_array();
	json_object_array_add(labels, json_object_new_string(fc->motive));
	fc->r->file = m->path;
	fc->r->line = 0;
	add_example(fc->r, env, labels);
	json_object_put(labels);
	json_object_put(env);
	return 0;
}

/* Each Maildir++ folder of root whose name maps to a motive. */
static int
read_maildir(struct run *r, const char *root)
{
	struct dirent **names;
	int n = scandir(root, &names, NULL, alphasort);

	if (n < 0) {
		owi_warn("cannot open '%s'", root);
		return EX_NOINPUT;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		const char *folder = name[0] == '.' ? name + 1 : name;
		const struct owi_motive *mo;
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", root, name);
		if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
		    owi_maildir_is(path) &&
		    (mo = owi_config_motive_by_folder(&r->cfg, folder)) != NULL) {
			struct folder_ctx fc = { r, mo->id, folder };
			struct owi_diag d;

			owi_diag_clear(&d);
			if (owi_mailsrc_read(path, on_sorted_mail, NULL, &fc,
			    &d) < 0) {
				char msg[1024];

				owi_diag_format(&d, msg, sizeof(msg));
				owi_warnx("%s", msg);
			}
		}
		free(names[i]);
	}
	free(names);
	return 0;
}

static double
ratio(unsigned a, unsigned b)
{
	return b ? (double)a / b : 0;
}

static void
print_eval_text(const struct owi_eval *ev, const struct labels *lab,
    const struct owi_learn_opts *o, const char *how)
{
	unsigned tp = 0, fp = 0, fn = 0;
	double mp = 0, mr = 0, mf = 0;

	printf("owi-train: %s, %zu mails, %zu motives, target precision %.2f\n\n",
	    how, ev->n, ev->nl, o->target_precision);
	printf("%-22s %9s %7s %7s %8s\n", "motive", "precision", "recall", "F1",
	    "support");
	for (size_t l = 0; l < ev->nl; l++) {
		double p = ratio(ev->tp[l], ev->tp[l] + ev->fp[l]);
		double rc = ratio(ev->tp[l], ev->tp[l] + ev->fn[l]);
		double f = p + rc > 0 ? 2 * p * rc / (p + rc) : 0;

		printf("%-22s %9.3f %7.3f %7.3f %8u\n", lab->id[l], p, rc, f,
		    ev->support[l]);
		tp += ev->tp[l], fp += ev->fp[l], fn += ev->fn[l];
		mp += p, mr += rc, mf += f;
	}
	double p = ratio(tp, tp + fp), rc = ratio(tp, tp + fn);

	printf("%-22s %9.3f %7.3f %7.3f %8u\n", "micro average", p, rc,
	    p + rc > 0 ? 2 * p * rc / (p + rc) : 0, tp + fn);
	printf("%-22s %9.3f %7.3f %7.3f\n\n", "macro average", mp / ev->nl,
	    mr / ev->nl, mf / ev->nl);
	printf("top-1 accuracy:                  %.3f\n",
	    ratio(ev->top1_right, (unsigned)ev->n));
	printf("decided alone (model thresholds): %.1f%% of mails, precision %.3f\n",
	    100 * ratio(ev->decided, (unsigned)ev->n),
	    ratio(ev->decided_right, ev->decided));
	printf("coverage at precision %.2f:       %.1f%% (one threshold, %.3f, "
	    "chosen on this data)\n\n", o->target_precision,
	    100 * ev->best_coverage, ev->best_threshold);
	printf("confusion: rows are the main label, columns the top prediction\n");
	printf("%-22s", "");
	for (size_t l = 0; l < ev->nl; l++)
		printf(" %6.6s", lab->id[l]);
	printf("\n");
	for (size_t g = 0; g < ev->nl; g++) {
		printf("%-22s", lab->id[g]);
		for (size_t l = 0; l < ev->nl; l++)
			printf(" %6u", ev->confusion[g][l]);
		printf("\n");
	}
}

static void
print_eval_json(const struct owi_eval *ev, const struct labels *lab,
    const struct owi_learn_opts *o, const char *how)
{
	json_object *j = json_object_new_object(), *per = json_object_new_array();
	json_object *conf = json_object_new_object();

	owi_json_add_string(j, "evaluation", how);
	json_object_object_add(j, "mails", json_object_new_int((int)ev->n));
	json_object_object_add(j, "target_precision",
	    json_object_new_double(o->target_precision));
	for (size_t l = 0; l < ev->nl; l++) {
		json_object *m = json_object_new_object(), *row;
		double p = ratio(ev->tp[l], ev->tp[l] + ev->fp[l]);
		double rc = ratio(ev->tp[l], ev->tp[l] + ev->fn[l]);

		owi_json_add_string(m, "motive", lab->id[l]);
		json_object_object_add(m, "precision", json_object_new_double(p));
		json_object_object_add(m, "recall", json_object_new_double(rc));
		json_object_object_add(m, "f1", json_object_new_double(
		    p + rc > 0 ? 2 * p * rc / (p + rc) : 0));
		json_object_object_add(m, "support",
		    json_object_new_int((int)ev->support[l]));
		json_object_array_add(per, m);
		row = json_object_new_object();
		for (size_t k = 0; k < ev->nl; k++)
			json_object_object_add(row, lab->id[k],
			    json_object_new_int((int)ev->confusion[l][k]));
		json_object_object_add(conf, lab->id[l], row);
	}
	json_object_object_add(j, "motives", per);
	json_object_object_add(j, "top1_accuracy",
	    json_object_new_double(ratio(ev->top1_right, (unsigned)ev->n)));
	json_object_object_add(j, "decided_share", json_object_new_double(
	    ratio(ev->decided, (unsigned)ev->n)));
	json_object_object_add(j, "decided_precision", json_object_new_double(
	    ratio(ev->decided_right, ev->decided)));
	json_object_object_add(j, "coverage_at_precision",
	    json_object_new_double(ev->best_coverage));
	json_object_object_add(j, "confusion", conf);
	puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
}

/* --test: train on r, evaluate on the examples of t. */
static int
train_test(struct run *r, struct run *t, const struct owi_learn_opts *o,
    struct owi_eval *ev)
{
	struct owi_learned m;
	float p[OWI_LEARN_MAX_LABELS];
	const char *const *ids = (const char *const *)r->lab.id;

	if (owi_learn(r->ex, r->n, r->lab.n, ids, o, &m) != 0)
		return -1;
	memset(ev, 0, sizeof(*ev));
	ev->nl = r->lab.n;
	ev->n = t->n;
	for (size_t i = 0; i < t->n; i++) {
		size_t top = 0;

		owi_learned_probs(&m, &t->ex[i].x, p);
		for (size_t l = 1; l < r->lab.n; l++)
			if (p[l] > p[top])
				top = l;
		for (size_t l = 0; l < r->lab.n; l++) {
			int gold = (t->ex[i].gold >> l) & 1;
			int pred = p[l] >= m.labels[l].report ||
			    (l == top && p[top] < m.labels[top].report);

			ev->support[l] += gold;
			ev->tp[l] += gold && pred;
			ev->fp[l] += !gold && pred;
			ev->fn[l] += gold && !pred;
		}
		ev->confusion[t->ex[i].first][top]++;
		ev->top1_right += (t->ex[i].gold >> top) & 1;
		if (p[top] >= m.labels[top].threshold) {
			ev->decided++;
			ev->decided_right += (t->ex[i].gold >> top) & 1;
		}
	}
	ev->best_coverage = ratio(ev->decided, (unsigned)ev->n);
	ev->best_threshold = 0;
	owi_learned_free(&m);
	return 0;
}

static void
run_free(struct run *r)
{
	for (size_t i = 0; i < r->n; i++)
		owi_fvec_free(&r->ex[i].x);
	free(r->ex);
	r->ex = NULL;
	r->n = r->cap = 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "eval", no_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "bits", required_argument, NULL, 'b' },
		{ "epochs", required_argument, NULL, 'E' },
		{ "folds", required_argument, NULL, 'f' },
		{ "maildir", required_argument, NULL, 'M' },
		{ "output", required_argument, NULL, 'o' },
		{ "precision", required_argument, NULL, 'p' },
		{ "rules", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "test", required_argument, NULL, 't' },
		{ "any-labels", no_argument, NULL, 1 },
		{ "help", no_argument, NULL, 2 },
		{ "version", no_argument, NULL, 3 },
		{ NULL, 0, NULL, 0 }
	};
	struct run r = { .any_labels = 0 };
	struct owi_learn_opts o;
	const char *rules = OWI_RULES_DIR, *out = NULL, *maildir = NULL;
	const char *test = NULL;
	int ch, eval = 0, json = 0, status = 0;
	char buf[4096], *end;
	struct owi_diag d;
	long v;
	double pv;

	setlocale(LC_ALL, "");
	owi_cli_init(argv[0]);
	owi_learn_defaults(&o);
	owi_parse_opts_default(&r.popts);
	while ((ch = getopt_long(argc, argv, "ejb:E:f:M:o:p:r:s:t:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'e': eval = 1; break;
		case 'j': json = 1; break;
		case 'M': maildir = optarg; break;
		case 'o': out = optarg; break;
		case 'r': rules = optarg; break;
		case 't': test = optarg; break;
		case 'b': case 'E': case 'f': case 's':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 0 ||
			    (ch == 'b' && (v < 8 || v > 24)) ||
			    (ch == 'f' && v < 2) || (ch == 'E' && v < 1))
				goto bad_value;
			if (ch == 'b') o.dim_bits = (unsigned)v;
			if (ch == 'E') o.epochs = (int)v;
			if (ch == 'f') o.folds = (int)v;
			if (ch == 's') o.seed = (uint32_t)v;
			break;
		case 'p':
			pv = strtod(optarg, &end);
			if (*end || end == optarg || pv <= 0 || pv >= 1)
				goto bad_value;
			o.target_precision = (float)pv;
			break;
		case 1: r.any_labels = 1; break;
		case 2: help(); return owi_close_stdout();
		case 3: owi_print_version(); return owi_close_stdout();
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (eval && test != NULL) {
		owi_warnx("-e and -t are two ways to evaluate: choose one");
		return EX_USAGE;
	}
	if ((status = owi_load_rules(rules, &r.cfg)) != 0)
		return status;
	owi_diag_clear(&d);
	r.fz = owi_featurizer_new(o.dim_bits);
	owi_mime_init();
	if (maildir != NULL)
		status = read_maildir(&r, maildir);
	if (status == 0 && (argc > 0 || maildir == NULL))
		status = read_jsonl(&r, argc, argv);
	if (status == 0 && r.n == 0) {
		owi_warnx("no labelled mail to learn from");
		status = EX_DATAERR;
	}
	if (status == 0 && (eval || test != NULL)) {
		struct owi_eval *ev = calloc(1, sizeof(*ev));
		struct run t = r;
		char how[512];

		if (test != NULL) {
			char *one[1] = { (char *)test };

			t.ex = NULL, t.n = t.cap = 0;
			read_jsonl(&t, 1, one);
			r.lab = t.lab;	/* test labels may add to the list */
			snprintf(how, sizeof(how), "trained on the input, tested on %s",
			    test);
		} else
			snprintf(how, sizeof(how), "%d-fold evaluation on held-out folds",
			    o.folds);
		if (ev == NULL || (test != NULL ? train_test(&r, &t, &o, ev) :
		    owi_evaluate(r.ex, r.n, r.lab.n,
		    (const char *const *)r.lab.id, &o, ev)) != 0) {
			owi_warnx("out of memory");
			status = EX_OSERR;
		} else if (json)
			print_eval_json(ev, &r.lab, &o, how);
		else
			print_eval_text(ev, &r.lab, &o, how);
		if (test != NULL) {
			r.bad |= t.bad;
			run_free(&t);
		}
		free(ev);
	} else if (status == 0) {
		struct owi_learned m;

		if (out == NULL) {
			char *dir;

			/* The shop's data directory may not exist yet. */
			out = owi_user_data("model.owim", buf, sizeof(buf));
			dir = g_path_get_dirname(out);
			g_mkdir_with_parents(dir, 0700);
			g_free(dir);
		}
		if (owi_learn(r.ex, r.n, r.lab.n, (const char *const *)r.lab.id,
		    &o, &m) != 0) {
			owi_warnx("out of memory");
			status = EX_OSERR;
		} else if (owi_model_write(out, &m.h, m.labels, m.w, m.bias,
		    &d) != 0) {
			owi_diag_format(&d, buf, sizeof(buf));
			owi_warnx("%s", buf);
			status = EX_CANTCREAT;
		}
		owi_learned_free(&m);
	}
	owi_mime_shutdown();
	run_free(&r);
	for (size_t i = 0; i < r.lab.n; i++)
		free(r.lab.id[i]);
	owi_featurizer_free(r.fz);
	owi_config_free(&r.cfg);
	if (owi_close_stdout() != 0)
		return EX_IOERR;
	if (status == 0 && r.bad)
		status = EX_DATAERR;
	return status;

bad_value:
	owi_warnx("invalid value '%s' for -%c", optarg, ch);
	usage(stderr);
	return EX_USAGE;
}
