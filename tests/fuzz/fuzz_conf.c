/* fuzz_conf.c - libFuzzer: the config parser on arbitrary file contents. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct md_config cfg;
	char err[512];
	FILE *fp;

	/* In memory (tmpfs) when there is one: a file on disk per input made
	 * the kernel's open and write most of the harness's time. */
	if (path[0] == '\0')
		snprintf(path, sizeof path, "%s/fuzz_conf.%ld",
		    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", (long)getpid());
	fp = fopen(path, "wb");
	if (fp == NULL)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	md_config_defaults(&cfg);
	if (md_config_load(&cfg, path, err, sizeof err) < 0 &&
	    strncmp(err, path, strlen(path)) != 0)
		abort();	/* every error names the file */
	md_config_free(&cfg);
	return 0;
}
