/*
 * owi-parse - turn mail into owi envelopes (JSON Lines).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "envelope.h"
#include "maildir.h"
#include "mailsrc.h"
#include "mime.h"
#include "text.h"

struct run {
	struct owi_parse_opts opts;
	int pretty;
	unsigned long mails;
	int write_failed;
	int unreadable;
	const char *stored;	/* --maildir: where stdin's mail was stored */
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: owi-parse [-o] [-D depth] [-l langs] [-m maildir] "
	    "[-P parts] [-t seconds]\n"
	    "                 [-T bytes] [-X bytes] [--pretty] "
	    "[file | dir | -] ...\n");
}

static void
help(void)
{
	usage(stdout);
	fputs("\n"
	    "Reads mail (files, Maildirs, directories, mbox files, or standard\n"
	    "input) and writes one owi envelope per mail on standard output.\n\n"
	    "  -o, --ocr               read the text of images with tesseract\n"
	    "  -l, --ocr-langs LANGS   tesseract languages (fra+eng)\n"
	    "  -m, --maildir DIR       store the mail from stdin in DIR first\n"
	    "  -D, --max-depth N       MIME nesting kept (100)\n"
	    "  -P, --max-parts N       MIME parts read per mail (10000)\n"
	    "  -T, --max-text BYTES    text kept per body or attachment (1M)\n"
	    "  -X, --max-extract BYTES largest attachment read for text (32M)\n"
	    "  -t, --timeout SECONDS   limit per pdftotext or tesseract run (30)\n"
	    "      --pretty            indent the JSON for people\n"
	    "      --help              show this help\n"
	    "      --version           show the version\n\n"
	    "See owi-parse(1) and owi(7).\n", stdout);
}

/* A size with an optional K, M or G suffix. */
static int
parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *s == '-')
		return -1;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	if (*end != '\0' || v == 0)
		return -1;
	*out = (size_t)v;
	return 0;
}

static int
parse_int(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v <= 0 || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

static json_object *
source_json(const struct owi_mail *m, const char *path, const char *sha)
{
	json_object *src = json_object_new_object();
	char *p = path != NULL ? owi_utf8_repair(path, strlen(path)) : NULL;

	owi_json_add_string(src, "path", p);
	free(p);
	if (m->offset >= 0)
		json_object_object_add(src, "offset",
		    json_object_new_int64(m->offset));
	json_object_object_add(src, "size", json_object_new_int64(
	    (int64_t)m->len));
	owi_json_add_string(src, "sha256", sha);
	return src;
}

static int
on_mail(const struct owi_mail *m, void *arg)
{
	struct run *r = arg;
	char sha[65], id[80];
	json_object *env, *msg;
	const char *mid;

	owi_sha256_hex(m->data, m->len, sha);
	snprintf(id, sizeof(id), "sha256:%s", sha);
	env = owi_envelope_new(id);
	json_object_object_add(env, "source", source_json(m,
	    r->stored != NULL ? r->stored : m->path, sha));
	msg = owi_mime_message(m->data, m->len, &r->opts, env);
	if (msg == NULL) {
		json_object_object_add(env, "message", NULL);
		owi_envelope_error(env, "owi-parse", "not-a-mail",
		    "no mail could be read from %zu bytes", m->len);
	} else {
		mid = owi_envelope_get_string(msg, "message_id");
		if (mid != NULL && *mid != '\0')
			owi_json_add_string(env, "id", mid);
		json_object_object_add(env, "message", msg);
	}
	if (owi_write_envelope(env, r->pretty) != 0)
		r->write_failed = 1;
	json_object_put(env);
	owi_progress(++r->mails, "mails");
	return r->write_failed;
}

static void
on_skip(const struct owi_diag *d, void *arg)
{
	struct run *r = arg;
	char msg[1024];

	owi_diag_format(d, msg, sizeof(msg));
	owi_warnx("%s", msg);
	r->unreadable = 1;
}

static int
read_input(struct run *r, const char *input)
{
	struct owi_diag d;
	int rc;

	owi_diag_clear(&d);
	rc = owi_mailsrc_read(input, on_mail, on_skip, r, &d);
	if (rc < 0)
		on_skip(&d, r);
	return rc > 0 ? -1 : 0;	/* > 0: a write failed, stop */
}

/* --maildir: the mail is safe on disk before anything can go wrong. */
static int
store_stdin(struct run *r, const char *dir, char **path)
{
	struct owi_diag d;
	char *data, msg[1024];
	size_t len;
	struct owi_mail m;

	owi_diag_clear(&d);
	if (owi_read_fd(0, &data, &len) != 0) {
		owi_warn("cannot read standard input");
		return EX_TEMPFAIL;
	}
	if (owi_maildir_create(dir, &d) != 0 ||
	    owi_maildir_deliver(dir, data, len, path, &d) != 0) {
		owi_diag_format(&d, msg, sizeof(msg));
		owi_warnx("%s", msg);
		free(data);
		return EX_TEMPFAIL;
	}
	r->stored = *path;
	m.data = data;
	m.len = len;
	m.path = *path;
	m.offset = -1;
	on_mail(&m, r);
	free(data);
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "ocr", no_argument, NULL, 'o' },
		{ "ocr-langs", required_argument, NULL, 'l' },
		{ "maildir", required_argument, NULL, 'm' },
		{ "max-depth", required_argument, NULL, 'D' },
		{ "max-parts", required_argument, NULL, 'P' },
		{ "max-text", required_argument, NULL, 'T' },
		{ "max-extract", required_argument, NULL, 'X' },
		{ "timeout", required_argument, NULL, 't' },
		{ "pretty", no_argument, NULL, 1 },
		{ "help", no_argument, NULL, 2 },
		{ "version", no_argument, NULL, 3 },
		{ NULL, 0, NULL, 0 }
	};
	struct run r = { .pretty = 0 };
	const char *maildir = NULL;
	char *stored = NULL;
	int ch, secs, status = 0;

	setlocale(LC_ALL, "");
	owi_cli_init(argv[0]);
	owi_parse_opts_default(&r.opts);
	while ((ch = getopt_long(argc, argv, "ol:m:D:P:T:X:t:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'o':
			r.opts.ocr = 1;
			break;
		case 'l':
			r.opts.ocr_langs = optarg;
			break;
		case 'm':
			maildir = optarg;
			break;
		case 'D':
			if (parse_int(optarg, &r.opts.max_depth) != 0)
				goto bad_value;
			break;
		case 'P':
			if (parse_int(optarg, &r.opts.max_parts) != 0)
				goto bad_value;
			break;
		case 'T':
			if (parse_size(optarg, &r.opts.max_text) != 0)
				goto bad_value;
			break;
		case 'X':
			if (parse_size(optarg, &r.opts.max_extract) != 0)
				goto bad_value;
			break;
		case 't':
			if (parse_int(optarg, &secs) != 0 || secs > INT_MAX / 1000)
				goto bad_value;
			r.opts.timeout_ms = secs * 1000;
			break;
		case 1:
			r.pretty = 1;
			break;
		case 2:
			help();
			return owi_close_stdout();
		case 3:
			owi_print_version();
			return owi_close_stdout();
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (maildir != NULL && (argc > 1 || (argc == 1 &&
	    strcmp(argv[0], "-") != 0))) {
		owi_warnx("--maildir stores standard input: no file arguments");
		usage(stderr);
		return EX_USAGE;
	}

	owi_mime_init();
	if (maildir != NULL)
		status = store_stdin(&r, maildir, &stored);
	else if (argc == 0)
		read_input(&r, "-");
	for (int i = 0; i < argc && maildir == NULL; i++)
		if (read_input(&r, argv[i]) != 0)
			break;
	owi_mime_shutdown();
	free(stored);

	if (owi_close_stdout() != 0 || r.write_failed)
		return EX_IOERR;
	if (status == 0 && r.unreadable)
		status = EX_NOINPUT;
	return status;

bad_value:
	owi_warnx("invalid value '%s' for -%c", optarg, ch);
	usage(stderr);
	return EX_USAGE;
}
