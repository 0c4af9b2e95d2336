/*
 * mkissue.c - test helper: files one request through the real tracker.
 *
 *   mkissue CONFIG PROJECT FROM SUBJECT TEXT [RAW-MESSAGE-FILE]
 *
 * Builds the inbox record the milter would write for a new request and
 * hands it to md_tracker_ingest(), so the web tests see issues exactly as
 * the worker creates them (no hand-written rows or keys).  Prints the new
 * issue number.  With a message file, its attachments are stored too.
 * MKISSUE_FLAGS sets the record's flags ("spam" makes the "spam?" label),
 * MKISSUE_RCPT the desk address or alias it was sent to (triage rules).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "mime.h"
#include "record.h"
#include "store.h"
#include "tracker.h"

static int
slurp(const char *path, md_buf *b)
{
	char chunk[8192];
	FILE *fp;
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		if (md_buf_append(b, chunk, n) < 0)
			break;
	fclose(fp);
	return 0;
}

int
main(int argc, char **argv)
{
	struct md_config cfg;
	struct md_record rec;
	struct md_ingest res;
	struct md_store st;
	md_buf raw = MD_BUF_INIT;
	char err[512];

	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: mkissue CONFIG PROJECT FROM SUBJECT TEXT [RAWFILE]\n");
		return 2;
	}
	md_config_defaults(&cfg);
	if (md_config_load(&cfg, argv[1], err, sizeof err) < 0) {
		fprintf(stderr, "mkissue: %s\n", err);
		return 1;
	}
	md_mime_init();
	if (argc == 7 ? slurp(argv[6], &raw) < 0 :
	    md_buf_printf(&raw, "From: %s\r\nSubject: %s\r\n\r\n%s\r\n", argv[3], argv[4],
	    argv[5]) < 0) {
		fprintf(stderr, "mkissue: cannot read %s\n", argv[6]);
		return 1;
	}
	md_record_init(&rec);
	md_record_set(&rec, MD_F_V, MD_RECORD_VERSION);
	md_record_set(&rec, MD_F_KIND, "new");
	md_record_set(&rec, MD_F_PROJECT, argv[2]);
	md_record_set(&rec, MD_F_MAIL_FROM, argv[3]);
	md_record_set(&rec, MD_F_FROM_ADDR, argv[3]);
	md_record_setf(&rec, MD_F_FROM, "<%s>", argv[3]);
	md_record_set(&rec, MD_F_SUBJECT, argv[4]);
	md_record_set(&rec, MD_F_TEXT, argv[5]);
	md_record_setf(&rec, MD_F_MESSAGE_ID, "%ld.%d@mkissue.test", (long)time(NULL),
	    (int)getpid());
	md_record_set(&rec, MD_F_SPF, "pass");
	md_record_set(&rec, MD_F_SCORE, "0.5");
	if (getenv("MKISSUE_FLAGS") != NULL)
		md_record_set(&rec, MD_F_FLAGS, getenv("MKISSUE_FLAGS"));
	if (getenv("MKISSUE_RCPT") != NULL)
		md_record_set(&rec, MD_F_RCPT, getenv("MKISSUE_RCPT"));
	md_record_set(&rec, MD_F_ATTACHMENTS, argc == 7 ? "1" : "0");
	md_record_setn(&rec, MD_F_RAW, raw.data, raw.len);
	if (md_store_open(&st, &cfg, 1, err, sizeof err) < 0 ||
	    md_tracker_ingest(&st, &cfg, NULL, &rec, &res, err, sizeof err) < 0) {
		fprintf(stderr, "mkissue: %s\n", err);
		return 1;
	}
	printf("%ld\n", res.iid);
	md_store_close(&st);
	md_record_free(&rec);
	md_buf_free(&raw);
	md_config_free(&cfg);
	return 0;
}
