/*
 * http.c - libcurl's easy interface, one handle per batch so that the
 * connection is reused, and a cache of files named by the SHA-256 of the
 * user and URL, fresh while their mtime is younger than the TTL.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "http.h"
#include "text.h"

/* A body larger than this is not what a shop's API answers. */
#define MAX_BODY (32u << 20)

struct owi_http {
	struct owi_http_conf c;
	CURL *curl;
	struct timespec last;	/* when the last request left */
	unsigned long sent;	/* requests that left, for the pace */
	char *userpwd;
};

struct buf {
	char *p;
	size_t len, cap;
	int too_big;
};

static size_t
on_data(char *data, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;
	size_t len = size * n;

	if (b->len + len + 1 > MAX_BODY) {
		b->too_big = 1;
		return 0;
	}
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 8192;
		char *p;

		while (cap < b->len + len + 1)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL)
			return 0;
		b->p = p, b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return len;
}

struct owi_http *
owi_http_new(const struct owi_http_conf *c)
{
	struct owi_http *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	h->c = *c;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
	    (h->curl = curl_easy_init()) == NULL) {
		free(h);
		return NULL;
	}
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->curl, CURLOPT_USERAGENT, "owi-shop/" OWI_VERSION);
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, (long)(c->timeout * 1000));
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)(c->connect_timeout * 1000));
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYPEER, c->tls_verify ? 1L : 0L);
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYHOST, c->tls_verify ? 2L : 0L);
	if (c->ca_file != NULL)
		curl_easy_setopt(h->curl, CURLOPT_CAINFO, c->ca_file);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, on_data);
	if (c->user != NULL) {
		curl_easy_setopt(h->curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h->curl, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(h->curl, CURLOPT_PASSWORD,
		    c->password ? c->password : "");
	}
	return h;
}

void
owi_http_free(struct owi_http *h)
{
	if (h == NULL)
		return;
	curl_easy_cleanup(h->curl);
	curl_global_cleanup();
	free(h);
}

void
owi_http_reply_free(struct owi_http_reply *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

char *
owi_http_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = malloc(strlen(s) * 3 + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
			*o++ = (char)*p;
		else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

/* ---- the cache ---------------------------------------------------- */

static void
cache_path(const struct owi_http *h, const char *url, char *path, size_t size)
{
	char hex[65];
	char *key;
	size_t n;

	n = strlen(url) + (h->c.user ? strlen(h->c.user) : 0) + 2;
	if ((key = malloc(n)) == NULL) {
		*path = '\0';
		return;
	}
	/* The user is part of the key: another key may see other data. */
	snprintf(key, n, "%s\n%s", h->c.user ? h->c.user : "", url);
	owi_sha256_hex(key, strlen(key), hex);
	free(key);
	snprintf(path, size, "%s/%.2s/%s", h->c.cache_dir, hex, hex + 2);
}

static int
cache_get(struct owi_http *h, const char *url, struct owi_http_reply *r)
{
	char path[4096];
	struct stat st;
	struct buf b = { 0 };
	char chunk[8192];
	long status;
	size_t n;
	FILE *fp;

	if (h->c.cache_dir == NULL || h->c.cache_ttl <= 0)
		return 0;
	cache_path(h, url, path, sizeof(path));
	if (*path == '\0' || stat(path, &st) != 0 ||
	    difftime(time(NULL), st.st_mtime) >= h->c.cache_ttl ||
	    (fp = fopen(path, "rb")) == NULL)
		return 0;
	if (fscanf(fp, "%ld\n", &status) != 1) {
		fclose(fp);
		return 0;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (on_data(chunk, 1, n, &b) != n)
			break;
	if (ferror(fp) || b.too_big) {
		fclose(fp);
		free(b.p);
		return 0;
	}
	fclose(fp);
	r->status = status;
	r->body = b.p ? b.p : strdup("");
	r->len = b.len;
	r->cached = 1;
	return r->body != NULL;
}

static int
mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(path, 0700) != 0 && errno != EEXIST) {
				*p = '/';
				return -1;
			}
			*p = '/';
		}
	return mkdir(path, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

/* A failure to write the cache costs only speed: it is not an error. */
static void
cache_put(struct owi_http *h, const char *url, const struct owi_http_reply *r)
{
	char path[4096], tmp[4200], *slash;
	FILE *fp;
	int fd;

	if (h->c.cache_dir == NULL || h->c.cache_ttl <= 0 ||
	    (r->status != 200 && r->status != 404))
		return;
	cache_path(h, url, path, sizeof(path));
	if (*path == '\0' || (slash = strrchr(path, '/')) == NULL)
		return;
	*slash = '\0';
	if (mkdirs(path) != 0)
		return;
	*slash = '/';
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0)
		return;
	if ((fp = fdopen(fd, "wb")) == NULL) {
		close(fd);
		unlink(tmp);
		return;
	}
	fprintf(fp, "%ld\n", r->status);
	fwrite(r->body, 1, r->len, fp);
	if (fclose(fp) != 0 || rename(tmp, path) != 0)
		unlink(tmp);
}

/* ---- the network ---------------------------------------------------- */

static void
sleep_for(double seconds)
{
	struct timespec ts;

	if (seconds <= 0)
		return;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Waits until a request may leave without passing the rate. */
static void
pace(struct owi_http *h)
{
	struct timespec now;

	if (h->c.rate > 0 && h->sent > 0) {
		double since;

		clock_gettime(CLOCK_MONOTONIC, &now);
		since = (double)(now.tv_sec - h->last.tv_sec) +
		    (double)(now.tv_nsec - h->last.tv_nsec) / 1e9;
		sleep_for(1.0 / h->c.rate - since);
	}
	clock_gettime(CLOCK_MONOTONIC, &h->last);
}

/* One try: 0 with an answer, or -1 with *code. */
static int
try_once(struct owi_http *h, const char *url, struct owi_http_reply *r,
    const char **code, struct owi_diag *d)
{
	struct buf b = { 0 };
	CURLcode rc;

	pace(h);
	h->sent++;
	curl_easy_setopt(h->curl, CURLOPT_URL, url);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &b);
	rc = curl_easy_perform(h->curl);
	if (rc != CURLE_OK) {
		free(b.p);
		if (b.too_big) {
			*code = "bad-answer";
			owi_diag_set(d, "", 0, 0, "the answer is larger than %u MiB",
			    MAX_BODY >> 20);
			return -1;
		}
		*code = rc == CURLE_OPERATION_TIMEDOUT ? "timeout" : "unreachable";
		owi_diag_set(d, "", 0, 0, "%s", curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &r->status);
	r->body = b.p ? b.p : strdup("");
	r->len = b.len;
	r->cached = 0;
	if (r->body == NULL) {
		*code = "bad-answer";
		owi_diag_set(d, "", 0, 0, "out of memory");
		return -1;
	}
	return 0;
}

int
owi_http_get(struct owi_http *h, const char *url, struct owi_http_reply *r,
    const char **code, struct owi_diag *d)
{
	double wait = h->c.backoff;

	memset(r, 0, sizeof(*r));
	if (cache_get(h, url, r))
		return 0;
	for (int attempt = 0;; attempt++) {
		int rc = try_once(h, url, r, code, d);

		if (rc == 0 && r->status < 500) {
			cache_put(h, url, r);
			return 0;
		}
		if (rc == 0) {
			*code = "unavailable";
			owi_diag_set(d, "", 0, 0, "HTTP status %ld", r->status);
		} else if (strcmp(*code, "bad-answer") == 0)
			return -1;
		if (attempt >= h->c.retries)
			return -1;
		owi_http_reply_free(r);
		sleep_for(wait);
		wait *= 2;
	}
}
