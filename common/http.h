/*
 * http.h - GET over libcurl for the shop backends: one connection kept
 * for a whole batch, bounded retries with a doubling backoff on timeouts,
 * failed connections and 5xx, a ceiling on requests per second, and an
 * on-disk cache of the answers that can be kept (200 and 404).
 */
#ifndef OWI_HTTP_H
#define OWI_HTTP_H

#include <stddef.h>

#include "diag.h"

struct owi_http_conf {
	double timeout;		/* seconds for a whole request */
	double connect_timeout;
	int retries;
	double backoff;		/* seconds before the first retry */
	double rate;		/* requests per second at most; 0: no limit */
	int tls_verify;
	const char *ca_file;	/* NULL: the system's */
	const char *user;	/* HTTP Basic, or NULL */
	const char *password;
	const char *cache_dir;	/* NULL: no cache */
	double cache_ttl;	/* seconds */
};

struct owi_http_reply {
	long status;
	char *body;		/* NUL-terminated, owned */
	size_t len;
	int cached;		/* came from the cache */
};

struct owi_http;

struct owi_http *owi_http_new(const struct owi_http_conf *c);
void owi_http_free(struct owi_http *h);

/*
 * GETs url.  Returns 0 with r filled whatever the status, or -1 when no
 * answer came: *code is "timeout", "unreachable" or "unavailable" (5xx
 * after the retries, r still filled) and d says why.
 */
int owi_http_get(struct owi_http *h, const char *url,
    struct owi_http_reply *r, const char **code, struct owi_diag *d);
void owi_http_reply_free(struct owi_http_reply *r);

/* s percent-encoded for a URL's query (every byte but [A-Za-z0-9-._~]),
 * malloc'd. */
char *owi_http_escape(const char *s);

#endif
