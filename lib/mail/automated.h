/*
 * automated.h - is this mail from a machine (bounce, auto-reply, list)?
 *
 * maildesk never answers automated mail (RFC 3834 section 2), so a support
 * desk cannot be drawn into mail loops or backscatter.  The signals, checked
 * in this order, all case-insensitive:
 *
 *   MAIL FROM <> (or "")                    "null sender"
 *   multipart/report, delivery-status, MDN  "delivery report (multipart/report)"
 *   Return-Path: <> in the message (an
 *     earlier hop's bounce, forwarded)      "null Return-Path"
 *   Auto-Submitted: anything but "no",      "auto-submitted: auto-replied",
 *     even an empty value (RFC 3834 5.)     "auto-submitted: auto-generated",
 *                                           "auto-submitted: auto-notified",
 *                                           "auto-submitted" (other values)
 *   X-Autoreply (not "no" or "false")       "x-autoreply"
 *   X-Autorespond (not "no" or "false")     "x-autorespond"
 *   Precedence: bulk, junk, list or         "precedence: bulk" / "junk" /
 *     auto_reply                            "list" / "auto_reply"
 *   List-Id or List-Unsubscribe present     "list mail (List-Id)"
 *   envelope sender local part
 *     mailer-daemon, postmaster             "mailer-daemon sender"
 *     bounce, bounces, bounce-*, bounces-*,
 *       bounce+*, ...                       "bounce sender"
 *     noreply, no-reply, no_reply,
 *       donotreply, do-not-reply, ...       "no-reply sender"
 *   the same for the From: address (the
 *   confirmation goes there)                "mailer-daemon From:",
 *                                           "bounce From:", "no-reply From:"
 *
 * Only "delivery report ..." contains "report" (tracker_reply.c looks for it).
 * mime.h: m->has_auto_submitted tells an empty header from a missing one.
 * The strings are static: safe to keep and to use from any thread.
 */
#ifndef MD_AUTOMATED_H
#define MD_AUTOMATED_H

#include "mime.h"

/*
 * mail_from: envelope sender as given at MAIL FROM (with or without <>).
 * m may be NULL (only the envelope is judged).  NULL if not automated.
 */
const char *md_automated_reason(const char *mail_from, const struct md_mime *m);

#endif
