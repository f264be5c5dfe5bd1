/*
 * fuzz-rules - libFuzzer entry point for the rules loader: any bytes as a
 * rules.d file load, or fail with a diagnostic, never a crash or a leak.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static char dir[64];
	char path[128];
	struct owi_config c;
	struct owi_diag d;
	FILE *fp;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/owi-fuzz-rules.XXXXXX");
		if (mkdtemp(dir) == NULL)
			return 0;
	}
	snprintf(path, sizeof(path), "%s/00-fuzz.yaml", dir);
	if ((fp = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, len, fp);
	fclose(fp);
	if (owi_config_load(dir, &c, &d) == 0)
		owi_config_free(&c);
	return 0;
}
