/*
 * model.c - load (mmap) and write the classifier's model file.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"

_Static_assert(sizeof(struct owi_model_header) == 128, "header layout");
_Static_assert(sizeof(struct owi_model_label) == 128, "label layout");

static uint32_t
fnv1a(const void *p, size_t n, uint32_t h)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 16777619u;
	}
	return h;
}

static uint32_t
checksum(const struct owi_model_header *h, const struct owi_model_label *l)
{
	struct owi_model_header copy = *h;

	copy.checksum = 0;
	return fnv1a(l, h->n_labels * sizeof(*l),
	    fnv1a(&copy, sizeof(copy), 2166136261u));
}

static uint64_t
expected_size(const struct owi_model_header *h)
{
	return sizeof(*h) + (uint64_t)h->n_labels * sizeof(struct owi_model_label) +
	    ((((uint64_t)1 << h->dim_bits)) * h->n_labels + h->n_labels) *
	    sizeof(float);
}

int
owi_model_load(const char *path, struct owi_model *m, struct owi_diag *d)
{
	int fd;
	struct stat st;
	const struct owi_model_header *h;

	memset(m, 0, sizeof(*m));
	if ((fd = open(path, O_RDONLY)) < 0) {
		owi_diag_errno(d, path, errno, "cannot open model '%s'", path);
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		owi_diag_errno(d, path, errno, "cannot read model '%s'", path);
		close(fd);
		return -1;
	}
	if ((size_t)st.st_size < sizeof(*h)) {
		close(fd);
		owi_diag_set(d, path, 0, 0, "'%s' is not an owi model (%lld bytes)",
		    path, (long long)st.st_size);
		return -1;
	}
	m->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (m->map == MAP_FAILED) {
		m->map = NULL;
		owi_diag_errno(d, path, errno, "cannot map model '%s'", path);
		return -1;
	}
	m->size = (size_t)st.st_size;
	h = m->map;
	if (memcmp(h->magic, OWI_MODEL_MAGIC, 8) != 0) {
		owi_diag_set(d, path, 0, 0, "'%s' is not an owi model", path);
		goto fail;
	}
	if (h->version != OWI_MODEL_VERSION ||
	    h->features_version != OWI_FEATURES_VERSION) {
		owi_diag_set(d, path, 0, 0,
		    "model '%s' is version %u/%u, this owi reads %d/%d: train it again",
		    path, h->version, h->features_version, OWI_MODEL_VERSION,
		    OWI_FEATURES_VERSION);
		goto fail;
	}
	if (h->dim_bits < 8 || h->dim_bits > 28 || h->n_labels == 0 ||
	    h->n_labels > 1024 || h->file_size != expected_size(h)) {
		owi_diag_set(d, path, 0, 0, "model '%s' is damaged (bad header)",
		    path);
		goto fail;
	}
	if (m->size != h->file_size) {
		owi_diag_set(d, path, 0, 0,
		    "model '%s' is truncated (%zu of %llu bytes)", path, m->size,
		    (unsigned long long)h->file_size);
		goto fail;
	}
	m->h = h;
	m->labels = (const void *)(h + 1);
	if (checksum(h, m->labels) != h->checksum) {
		owi_diag_set(d, path, 0, 0, "model '%s' is damaged (checksum)",
		    path);
		goto fail;
	}
	m->w = (const float *)(m->labels + h->n_labels);
	m->bias = m->w + ((size_t)1 << h->dim_bits) * h->n_labels;
	return 0;
fail:
	owi_model_close(m);
	return -1;
}

void
owi_model_close(struct owi_model *m)
{
	if (m->map != NULL)
		munmap(m->map, m->size);
	memset(m, 0, sizeof(*m));
}

void
owi_model_margins(const struct owi_model *m, const struct owi_fvec *x,
    float *margin)
{
	uint32_t nl = m->h->n_labels;

	for (uint32_t l = 0; l < nl; l++)
		margin[l] = m->bias[l];
	for (size_t i = 0; i < x->n; i++) {
		const float *w = m->w + (size_t)x->id[i] * nl;

		for (uint32_t l = 0; l < nl; l++)
			margin[l] += w[l] * x->val[i];
	}
}

float
owi_model_prob(const struct owi_model_label *l, float margin)
{
	return 1.0f / (1.0f + expf(-(l->platt_a * margin + l->platt_b)));
}

int
owi_model_label_index(const struct owi_model *m, const char *id)
{
	for (uint32_t l = 0; l < m->h->n_labels; l++)
		if (strcmp(m->labels[l].id, id) == 0)
			return (int)l;
	return -1;
}

static int
write_all(FILE *fp, const void *p, size_t n)
{
	return fwrite(p, 1, n, fp) == n ? 0 : -1;
}

int
owi_model_write(const char *path, const struct owi_model_header *hin,
    const struct owi_model_label *labels, const float *w, const float *bias,
    struct owi_diag *d)
{
	struct owi_model_header h = *hin;
	size_t nw = ((size_t)1 << h.dim_bits) * h.n_labels;
	char *tmp;
	FILE *fp;
	int rc;

	memcpy(h.magic, OWI_MODEL_MAGIC, 8);
	h.version = OWI_MODEL_VERSION;
	h.features_version = OWI_FEATURES_VERSION;
	h.file_size = expected_size(&h);
	h.checksum = checksum(&h, labels);
	if ((tmp = malloc(strlen(path) + 8)) == NULL) {
		owi_diag_errno(d, path, ENOMEM, "cannot write '%s'", path);
		return -1;
	}
	snprintf(tmp, strlen(path) + 8, "%s.tmpXX", path);
	if ((fp = fopen(tmp, "wb")) == NULL) {
		owi_diag_errno(d, path, errno, "cannot write '%s'", path);
		free(tmp);
		return -1;
	}
	rc = write_all(fp, &h, sizeof(h));
	rc |= write_all(fp, labels, h.n_labels * sizeof(*labels));
	rc |= write_all(fp, w, nw * sizeof(*w));
	rc |= write_all(fp, bias, h.n_labels * sizeof(*bias));
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		rc = -1;
	if (fclose(fp) != 0)
		rc = -1;
	if (rc != 0 || rename(tmp, path) != 0) {
		owi_diag_errno(d, path, errno ? errno : EIO, "cannot write '%s'",
		    path);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}
