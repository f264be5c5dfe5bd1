/*
 * owi-shop - ask the shop what really happened to the order: orders,
 * carrier and tracking, lines, stock and the sender's history, from
 * PrestaShop, WooCommerce or a shop-export file.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "envelope.h"
#include "settings.h"
#include "shop.h"

struct run {
	struct owi_shop *shop;
	int pretty;
	unsigned long n, failed;
};

/* The keys of the configuration's shop section (owi-shop(1)). */
static const char *const shop_keys[] = {
	"backend", "url", "file", "key_file", "language", "timeout",
	"connect_timeout", "retries", "backoff", "rate", "cache_ttl",
	"cache_dir", "tls_verify", "ca_file", "vat_rate", "recent_orders",
	"delivered_states", "canceled_states", "refunded_states", "tempfail",
	"timezone", NULL
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: owi-shop [-nt] [-b backend] [-c config] [-f export] "
	    "[-k keyfile] [-r rules] [-u url] [--pretty] [file ...]\n");
}

static void
help(void)
{
	usage(stdout);
	fputs("\n"
	    "Reads envelopes and adds their \"shop\": the orders, products and\n"
	    "customer that the mail's entities and sender name, as the shop\n"
	    "knows them.\n\n"
	    "  -b, --backend NAME   prestashop, woocommerce or file\n"
	    "  -c, --config FILE    the configuration (default: $OWI_CONFIG,\n"
	    "                       ~/.config/owi/config.yaml, /etc/owi/config.yaml)\n"
	    "  -f, --file FILE      the shop export of the file backend\n"
	    "  -k, --key-file FILE  the API key, readable by its owner only\n"
	    "                       (else $OWI_SHOP_KEY)\n"
	    "  -n, --no-cache       neither read nor write the cache\n"
	    "  -r, --rules DIR      the rules directory (carriers)\n"
	    "  -t, --tempfail       exit 75 when a lookup failed\n"
	    "  -u, --url URL        the API's base URL\n"
	    "      --pretty         indent the JSON for people\n"
	    "      --help, --version\n\n"
	    "See owi-shop(1).\n", stdout);
}

static int
config_error(const struct owi_diag *d)
{
	char msg[1024];

	owi_diag_format(d, msg, sizeof(msg));
	owi_warnx("%s", msg);
	return EX_CONFIG;
}

/* The shop section of the settings into c; paths stay in s's memory. */
static int
read_settings(const struct owi_settings *st, struct owi_shop_conf *c,
    const char **key_file, int *tempfail, struct owi_diag *d)
{
	double retries = c->http.retries, recent = c->recent_orders;

	if (owi_settings_check(st, "shop", shop_keys, d) != 0 ||
	    owi_settings_string(st, "shop.backend", &c->backend, d) != 0 ||
	    owi_settings_string(st, "shop.url", &c->url, d) != 0 ||
	    owi_settings_string(st, "shop.file", &c->file, d) != 0 ||
	    owi_settings_string(st, "shop.key_file", key_file, d) != 0 ||
	    owi_settings_string(st, "shop.language", &c->language, d) != 0 ||
	    owi_settings_number(st, "shop.timeout", 0.1, 600, &c->http.timeout,
	    d) != 0 ||
	    owi_settings_number(st, "shop.connect_timeout", 0.1, 600,
	    &c->http.connect_timeout, d) != 0 ||
	    owi_settings_number(st, "shop.retries", 0, 10, &retries, d) != 0 ||
	    owi_settings_number(st, "shop.backoff", 0, 60, &c->http.backoff, d) != 0 ||
	    owi_settings_number(st, "shop.rate", 0, 1000, &c->http.rate, d) != 0 ||
	    owi_settings_number(st, "shop.cache_ttl", 0, 86400 * 30,
	    &c->http.cache_ttl, d) != 0 ||
	    owi_settings_string(st, "shop.cache_dir", &c->http.cache_dir, d) != 0 ||
	    owi_settings_bool(st, "shop.tls_verify", &c->http.tls_verify, d) != 0 ||
	    owi_settings_string(st, "shop.ca_file", &c->http.ca_file, d) != 0 ||
	    owi_settings_number(st, "shop.vat_rate", 0, 100, &c->vat_rate, d) != 0 ||
	    owi_settings_number(st, "shop.recent_orders", 0, 50, &recent, d) != 0 ||
	    owi_settings_ints(st, "shop.delivered_states", c->delivered,
	    OWI_SHOP_MAX_STATES, &c->n_delivered, d) != 0 ||
	    owi_settings_ints(st, "shop.canceled_states", c->canceled,
	    OWI_SHOP_MAX_STATES, &c->n_canceled, d) != 0 ||
	    owi_settings_ints(st, "shop.refunded_states", c->refunded,
	    OWI_SHOP_MAX_STATES, &c->n_refunded, d) != 0 ||
	    owi_settings_bool(st, "shop.tempfail", tempfail, d) != 0)
		return -1;
	c->http.retries = (int)retries;
	c->recent_orders = (int)recent;
	return 0;
}

/* A path of the configuration, relative to its directory. */
static const char *
beside(const char *config, const char *path, char *buf, size_t size)
{
	char dir[4096];

	if (path == NULL || config == NULL || *path == '/')
		return path;
	snprintf(dir, sizeof(dir), "%s", config);
	snprintf(buf, size, "%s/%s", dirname(dir), path);
	return buf;
}

/* The key's first line, from a file that only its owner can read. */
static int
read_key(const char *file, char *key, size_t size)
{
	struct stat st;
	FILE *fp = fopen(file, "r");
	size_t n;

	if (fp == NULL) {
		owi_warn("cannot open key file '%s'", file);
		return EX_CONFIG;
	}
	if (fstat(fileno(fp), &st) != 0 || (st.st_mode & 077) != 0) {
		owi_warnx("key file '%s' is readable by others (mode %04o): "
		    "chmod 600 it", file, (unsigned)(st.st_mode & 07777));
		fclose(fp);
		return EX_CONFIG;
	}
	if (fgets(key, (int)size, fp) == NULL)
		*key = '\0';
	fclose(fp);
	n = strcspn(key, "\r\n");
	key[n] = '\0';
	if (n == 0) {
		owi_warnx("key file '%s' is empty", file);
		return EX_CONFIG;
	}
	return 0;
}

static int
on_envelope(json_object *env, const char *file, long line, void *arg)
{
	struct run *r = arg;
	struct owi_diag d;
	const char *code;

	(void)file;
	(void)line;
	owi_progress(++r->n, "mails");
	if (owi_envelope_get(env, "message") == NULL) {
		owi_envelope_error(env, "owi-shop", "no-message",
		    "no message to look up");
		json_object_object_add(env, "shop", NULL);
	} else {
		owi_diag_clear(&d);
		json_object_object_add(env, "shop", owi_shop_lookup(r->shop, env,
		    &code, &d));
		if (code != NULL) {
			owi_envelope_error(env, "owi-shop", code, "%s", d.msg);
			r->failed++;
		}
	}
	return owi_write_envelope(env, r->pretty) != 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "config", required_argument, NULL, 'c' },
		{ "file", required_argument, NULL, 'f' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "no-cache", no_argument, NULL, 'n' },
		{ "rules", required_argument, NULL, 'r' },
		{ "tempfail", no_argument, NULL, 't' },
		{ "url", required_argument, NULL, 'u' },
		{ "pretty", no_argument, NULL, 1 },
		{ "help", no_argument, NULL, 2 },
		{ "version", no_argument, NULL, 3 },
		{ NULL, 0, NULL, 0 }
	};
	struct run r = { 0 };
	struct owi_shop_conf c;
	struct owi_config rules;
	struct owi_settings *st;
	struct owi_diag d;
	const char *rules_dir = OWI_RULES_DIR, *config = NULL, *key_file = NULL;
	const char *o_backend = NULL, *o_file = NULL, *o_key = NULL, *o_url = NULL;
	const char *env_key, *tz = NULL;
	char cbuf[4096], fbuf[4096], kbuf[4096], cache[4096], key[512];
	int ch, no_cache = 0, tempfail = 0, status;

	setlocale(LC_ALL, "");
	owi_cli_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "b:c:f:k:nr:tu:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'b': o_backend = optarg; break;
		case 'c': config = optarg; break;
		case 'f': o_file = optarg; break;
		case 'k': o_key = optarg; break;
		case 'n': no_cache = 1; break;
		case 'r': rules_dir = optarg; break;
		case 't': tempfail = 1; break;
		case 'u': o_url = optarg; break;
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

	if (config == NULL && owi_config_file(cbuf, sizeof(cbuf), &config) != 0)
		return EX_CONFIG;
	owi_diag_clear(&d);
	if ((st = owi_settings_load(config, &d)) == NULL)
		return config_error(&d);
	owi_shop_conf_init(&c);
	if (read_settings(st, &c, &key_file, &tempfail, &d) != 0) {
		owi_settings_free(st);
		return config_error(&d);
	}
	/* The shop's dates have no zone; times owi converts are shown in
	 * the shop's. */
	if (owi_settings_string(st, "shop.timezone", &tz, &d) != 0) {
		owi_settings_free(st);
		return config_error(&d);
	}
	if (tz != NULL) {
		setenv("TZ", tz, 1);
		tzset();
	}
	c.file = beside(config, c.file, fbuf, sizeof(fbuf));
	key_file = beside(config, key_file, kbuf, sizeof(kbuf));
	if (o_backend != NULL)
		c.backend = o_backend;
	if (o_file != NULL)
		c.file = o_file, c.backend = o_backend ? o_backend : "file";
	if (o_url != NULL)
		c.url = o_url;
	if (o_key != NULL)
		key_file = o_key;
	if ((env_key = getenv("OWI_SHOP_KEY")) != NULL && *env_key != '\0' &&
	    o_key == NULL)
		c.key = env_key;
	else if (key_file != NULL && strcmp(c.backend, "file") != 0) {
		if ((status = read_key(key_file, key, sizeof(key))) != 0) {
			owi_settings_free(st);
			return status;
		}
		c.key = key;
	}
	if (no_cache)
		c.http.cache_dir = NULL;
	else if (c.http.cache_dir == NULL)
		c.http.cache_dir = owi_user_cache("shop", cache, sizeof(cache));
	if ((status = owi_load_rules(rules_dir, &rules)) != 0) {
		owi_settings_free(st);
		return status;
	}
	if ((r.shop = owi_shop_open(&c, &rules, &d)) == NULL) {
		status = config_error(&d);
		owi_config_free(&rules);
		owi_settings_free(st);
		return status;
	}
	status = owi_each_envelope(argc, argv, on_envelope, &r);
	owi_progress_done();
	owi_shop_close(r.shop);
	owi_config_free(&rules);
	owi_settings_free(st);
	if (owi_close_stdout() != 0)
		return EX_IOERR;
	if (status == 0 && tempfail && r.failed > 0)
		status = EX_TEMPFAIL;
	return status;
}
