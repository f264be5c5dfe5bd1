/*
 * maildir.c - listing and delivery, following the maildir protocol
 * (cr.yp.to/proto/maildir.html): tmp, fsync, rename into new.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "maildir.h"

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *
join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 2);

	if (s == NULL)
		return NULL;
	memcpy(s, a, la);
	s[la] = '/';
	memcpy(s + la + 1, b, lb + 1);
	return s;
}

int
owi_maildir_is(const char *dir)
{
	char *cur = join(dir, "cur"), *new = join(dir, "new");
	int yes = (cur != NULL && is_dir(cur)) || (new != NULL && is_dir(new));

	free(cur);
	free(new);
	return yes;
}

static int
make_dir(const char *path, struct owi_diag *d)
{
	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		owi_diag_errno(d, path, errno, "cannot create '%s'", path);
		return -1;
	}
	if (!is_dir(path)) {
		owi_diag_errno(d, path, ENOTDIR, "cannot use '%s'", path);
		return -1;
	}
	return 0;
}

int
owi_maildir_create(const char *dir, struct owi_diag *d)
{
	static const char *const sub[] = { "tmp", "new", "cur" };
	int rc;

	if (make_dir(dir, d) != 0)
		return -1;
	for (size_t i = 0; i < 3; i++) {
		char *p = join(dir, sub[i]);

		if (p == NULL) {
			owi_diag_errno(d, dir, ENOMEM, "cannot create '%s'",
			    dir);
			return -1;
		}
		rc = make_dir(p, d);
		free(p);
		if (rc != 0)
			return -1;
	}
	return 0;
}

struct list {
	char **v;
	size_t n, cap;
};

static int
list_push(struct list *l, char *s)
{
	if (s == NULL)
		return -1;
	if (l->n + 2 > l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL) {
			free(s);
			return -1;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends dir's regular files, sorted, to l. */
static int
list_files(struct list *l, const char *dir, struct owi_diag *d)
{
	DIR *dp;
	struct dirent *de;
	size_t first = l->n;

	if ((dp = opendir(dir)) == NULL) {
		owi_diag_errno(d, dir, errno, "cannot open '%s'", dir);
		return -1;
	}
	while ((errno = 0, de = readdir(dp)) != NULL) {
		char *path;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		if ((path = join(dir, de->d_name)) == NULL)
			goto oom;
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		if (list_push(l, path) != 0)
			goto oom;
	}
	if (errno != 0) {
		owi_diag_errno(d, dir, errno, "cannot read '%s'", dir);
		closedir(dp);
		return -1;
	}
	closedir(dp);
	if (l->n > first)
		qsort(l->v + first, l->n - first, sizeof(*l->v), cmp_str);
	return 0;
oom:
	owi_diag_errno(d, dir, ENOMEM, "cannot list '%s'", dir);
	closedir(dp);
	return -1;
}

char **
owi_maildir_list(const char *dir, struct owi_diag *d)
{
	struct list l = { 0 };
	static const char *const sub[] = { "new", "cur" };

	/* An empty folder is an empty list, not NULL. */
	if ((l.v = calloc(1, sizeof(*l.v))) == NULL) {
		owi_diag_errno(d, dir, ENOMEM, "cannot list '%s'", dir);
		return NULL;
	}
	if (owi_maildir_is(dir)) {
		for (size_t i = 0; i < 2; i++) {
			char *p = join(dir, sub[i]);
			int rc;

			if (p == NULL || !is_dir(p)) {
				free(p);
				continue;
			}
			rc = list_files(&l, p, d);
			free(p);
			if (rc != 0)
				goto fail;
		}
	} else if (list_files(&l, dir, d) != 0)
		goto fail;
	return l.v;
fail:
	owi_paths_free(l.v);
	return NULL;
}

void
owi_paths_free(char **paths)
{
	if (paths == NULL)
		return;
	for (char **p = paths; *p != NULL; p++)
		free(*p);
	free(paths);
}

static int
fsync_dir(const char *dir)
{
	int fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static int
write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* time.usec_Ppid_counter.host: unique per delivery on this host. */
static void
unique_name(char *buf, size_t size)
{
	static unsigned long counter;
	struct timeval tv;
	char host[256];

	gettimeofday(&tv, NULL);
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	/* '/' and ':' would break the file name or the info suffix. */
	for (char *h = host; *h != '\0'; h++)
		if (*h == '/' || *h == ':')
			*h = '_';
	snprintf(buf, size, "%lld.M%ldP%ldQ%lu.%s", (long long)tv.tv_sec,
	    (long)tv.tv_usec, (long)getpid(), ++counter, host);
}

int
owi_maildir_deliver(const char *dir, const void *data, size_t len,
    char **path, struct owi_diag *d)
{
	char name[512], *tmp = NULL, *new = NULL, *newdir = NULL;
	char *tmpname = NULL;
	int fd = -1, saved;

	*path = NULL;
	unique_name(name, sizeof(name));
	if ((tmp = join(dir, "tmp")) == NULL ||
	    (newdir = join(dir, "new")) == NULL ||
	    (tmpname = join(tmp, name)) == NULL ||
	    (new = join(newdir, name)) == NULL) {
		errno = ENOMEM;
		goto fail;
	}
	fd = open(tmpname, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		goto fail;
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0)
		goto fail_unlink;
	if (close(fd) != 0) {
		fd = -1;
		goto fail_unlink;
	}
	fd = -1;
	if (rename(tmpname, new) != 0)
		goto fail_unlink;
	if (fsync_dir(newdir) != 0)
		goto fail;	/* delivered but not durable: the MTA retries */
	free(tmp);
	free(newdir);
	free(tmpname);
	*path = new;
	return 0;

fail_unlink:
	saved = errno;
	if (fd >= 0)
		close(fd);
	fd = -1;
	unlink(tmpname);
	errno = saved;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	owi_diag_errno(d, dir, saved, "cannot deliver into '%s'", dir);
	free(tmp);
	free(newdir);
	free(tmpname);
	free(new);
	return -1;
}
