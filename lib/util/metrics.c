/*
 * metrics.c - the counter registry and its text exposition (metrics.h).
 *
 * Series live in one fixed array.  Readers (every update and the scrape)
 * look at the entries below an atomic count without a lock: an entry is
 * written completely before the count that makes it visible is raised
 * (release/acquire), and afterwards only its atomic values change.  Only
 * the creation of a series or a family takes the mutex.
 */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

#define NAME_MAX_LEN	80
#define HELP_MAX_LEN	240

struct family {
	char			 name[NAME_MAX_LEN];
	char			 help[HELP_MAX_LEN];
	enum md_metric_type	 type;
	double			 bounds[MD_METRICS_MAX_BUCKETS];
	size_t			 nbounds;
	md_gauge_fn		 fn;
	void			*arg;
};

struct series {
	size_t				 family;
	char				 labels[MD_METRICS_LABELS_MAX];
	_Atomic unsigned long long	 count;		/* counter; histogram count */
	_Atomic double			 value;		/* gauge; histogram sum */
	_Atomic unsigned long long	 buckets[MD_METRICS_MAX_BUCKETS];	/* not cumulative */
};

struct md_metrics {
	pthread_mutex_t			 lock;
	struct family			 families[MD_METRICS_MAX_FAMILIES];
	_Atomic size_t			 nfamilies;
	struct series			 series[MD_METRICS_MAX_SERIES];
	_Atomic size_t			 nseries;
	_Atomic unsigned long long	 dropped;	/* series that did not fit */
};

struct md_metrics *
md_metrics_new(void)
{
	struct md_metrics *m = calloc(1, sizeof *m);

	if (m == NULL)
		return NULL;
	pthread_mutex_init(&m->lock, NULL);
	atomic_init(&m->nfamilies, 0);
	atomic_init(&m->nseries, 0);
	atomic_init(&m->dropped, 0);
	return m;
}

void
md_metrics_free(struct md_metrics *m)
{
	if (m == NULL)
		return;
	pthread_mutex_destroy(&m->lock);
	free(m);
}

static struct md_metrics *global;
static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void
global_init(void)
{
	global = md_metrics_new();
}

struct md_metrics *
md_metrics_global(void)
{
	pthread_once(&global_once, global_init);
	return global;
}

static int
name_valid(const char *s, int colon)
{
	size_t i;

	if (s == NULL || *s == '\0' || strlen(s) >= NAME_MAX_LEN)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		    (colon && c == ':') || (i > 0 && c >= '0' && c <= '9')))
			return 0;
	}
	return 1;
}

/* The family named name, or -1; lock-free. */
static long
family_find(struct md_metrics *m, const char *name)
{
	size_t i, n = atomic_load_explicit(&m->nfamilies, memory_order_acquire);

	for (i = 0; i < n; i++)
		if (strcmp(m->families[i].name, name) == 0)
			return (long)i;
	return -1;
}

static int
declare(struct md_metrics *m, const char *name, enum md_metric_type type,
    const char *help, const double *bounds, size_t nbounds, md_gauge_fn fn, void *arg)
{
	struct family *f;
	long i;
	size_t n, k;
	int rc = 0;

	if (m == NULL || !name_valid(name, 1) || nbounds > MD_METRICS_MAX_BUCKETS ||
	    (type == MD_METRIC_HISTOGRAM) != (nbounds > 0))
		return -1;
	for (k = 1; k < nbounds; k++)
		if (!(bounds[k] > bounds[k - 1]))
			return -1;
	pthread_mutex_lock(&m->lock);
	if ((i = family_find(m, name)) >= 0) {
		rc = m->families[i].type == type ? 0 : -1;
	} else if ((n = atomic_load(&m->nfamilies)) == MD_METRICS_MAX_FAMILIES) {
		rc = -1;
	} else {
		f = &m->families[n];
		memset(f, 0, sizeof *f);
		snprintf(f->name, sizeof f->name, "%s", name);
		snprintf(f->help, sizeof f->help, "%s", help ? help : "");
		f->type = type;
		for (k = 0; k < nbounds; k++)
			f->bounds[k] = bounds[k];
		f->nbounds = nbounds;
		f->fn = fn;
		f->arg = arg;
		atomic_store_explicit(&m->nfamilies, n + 1, memory_order_release);
	}
	pthread_mutex_unlock(&m->lock);
	return rc;
}

int
md_metrics_declare(struct md_metrics *m, const char *name, enum md_metric_type type,
    const char *help, const double *bounds, size_t nbounds)
{
	return declare(m, name, type, help, bounds, nbounds, NULL, NULL);
}

int
md_metrics_gauge_fn(struct md_metrics *m, const char *name, const char *help,
    md_gauge_fn fn, void *arg)
{
	if (fn == NULL)
		return -1;
	return declare(m, name, MD_METRIC_GAUGE, help, NULL, 0, fn, arg);
}

/*
 * Formats name="value" pairs into buf (escaped as the format wants).
 * -1 when a label name is invalid or the text does not fit.
 */
static int
format_labels(char *buf, size_t len, va_list ap)
{
	const char *k, *v;
	size_t o = 0;

	buf[0] = '\0';
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		if (!name_valid(k, 0) || v == NULL)
			return -1;
		if (o + strlen(k) + 4 >= len)
			return -1;
		o += (size_t)snprintf(buf + o, len - o, "%s%s=\"", o > 0 ? "," : "", k);
		for (; *v != '\0'; v++) {
			const char *esc = *v == '\\' ? "\\\\" : *v == '"' ? "\\\"" :
			    *v == '\n' ? "\\n" : NULL;
			size_t n = esc ? 2 : 1;

			if (o + n + 2 >= len)
				return -1;
			if (esc != NULL)
				memcpy(buf + o, esc, 2);
			else
				buf[o] = *v;
			o += n;
		}
		buf[o++] = '"';
		buf[o] = '\0';
	}
	return 0;
}

/* The series of family fam with labels, made if new; NULL when full. */
static struct series *
series_get(struct md_metrics *m, size_t fam, const char *labels)
{
	struct series *s = NULL;
	size_t i, n = atomic_load_explicit(&m->nseries, memory_order_acquire);

	for (i = 0; i < n; i++)
		if (m->series[i].family == fam && strcmp(m->series[i].labels, labels) == 0)
			return &m->series[i];
	pthread_mutex_lock(&m->lock);
	/* Someone may have made it since we looked. */
	n = atomic_load(&m->nseries);
	for (i = 0; i < n && s == NULL; i++)
		if (m->series[i].family == fam && strcmp(m->series[i].labels, labels) == 0)
			s = &m->series[i];
	if (s == NULL && n < MD_METRICS_MAX_SERIES) {
		s = &m->series[n];
		s->family = fam;
		snprintf(s->labels, sizeof s->labels, "%s", labels);
		atomic_init(&s->count, 0);
		atomic_init(&s->value, 0.0);
		for (i = 0; i < MD_METRICS_MAX_BUCKETS; i++)
			atomic_init(&s->buckets[i], 0);
		atomic_store_explicit(&m->nseries, n + 1, memory_order_release);
	} else if (s == NULL) {
		atomic_fetch_add(&m->dropped, 1);
	}
	pthread_mutex_unlock(&m->lock);
	return s;
}

/* The series an update of family name with the caller's labels goes to. */
static struct series *
lookup(struct md_metrics *m, const char *name, enum md_metric_type type, va_list ap)
{
	char labels[MD_METRICS_LABELS_MAX];
	long fam;

	if (m == NULL || (fam = family_find(m, name)) < 0 ||
	    m->families[fam].type != type || m->families[fam].fn != NULL)
		return NULL;
	if (format_labels(labels, sizeof labels, ap) < 0) {
		atomic_fetch_add(&m->dropped, 1);
		return NULL;
	}
	return series_get(m, (size_t)fam, labels);
}

void
md_metrics_add(struct md_metrics *m, const char *name, unsigned long long n, ...)
{
	struct series *s;
	va_list ap;

	va_start(ap, n);
	s = lookup(m, name, MD_METRIC_COUNTER, ap);
	va_end(ap);
	if (s != NULL)
		atomic_fetch_add_explicit(&s->count, n, memory_order_relaxed);
}

void
md_metrics_set(struct md_metrics *m, const char *name, double v, ...)
{
	struct series *s;
	va_list ap;

	va_start(ap, v);
	s = lookup(m, name, MD_METRIC_GAUGE, ap);
	va_end(ap);
	if (s != NULL)
		atomic_store_explicit(&s->value, v, memory_order_relaxed);
}

void
md_metrics_observe(struct md_metrics *m, const char *name, double v, ...)
{
	struct series *s;
	const struct family *f;
	double old;
	size_t b;
	va_list ap;

	va_start(ap, v);
	s = lookup(m, name, MD_METRIC_HISTOGRAM, ap);
	va_end(ap);
	if (s == NULL || isnan(v))
		return;
	f = &m->families[s->family];
	for (b = 0; b < f->nbounds && v > f->bounds[b]; b++)
		;
	if (b < f->nbounds)
		atomic_fetch_add_explicit(&s->buckets[b], 1, memory_order_relaxed);
	/* No atomic add for doubles: compare and swap until it sticks. */
	old = atomic_load_explicit(&s->value, memory_order_relaxed);
	while (!atomic_compare_exchange_weak(&s->value, &old, old + v))
		;
	atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
}

double
md_metrics_value(struct md_metrics *m, const char *name, const char *labels)
{
	size_t i, n;
	long fam;

	if (m == NULL || (fam = family_find(m, name)) < 0)
		return -1;
	n = atomic_load_explicit(&m->nseries, memory_order_acquire);
	for (i = 0; i < n; i++) {
		const struct series *s = &m->series[i];

		if (s->family != (size_t)fam || strcmp(s->labels, labels ? labels : "") != 0)
			continue;
		return m->families[fam].type == MD_METRIC_GAUGE ?
		    atomic_load(&s->value) : (double)atomic_load(&s->count);
	}
	return -1;
}

/* A float as the format writes it: NaN, +Inf, -Inf or a number. */
static int
put_double(md_buf *out, double v)
{
	if (isnan(v))
		return md_buf_puts(out, "NaN");
	if (isinf(v))
		return md_buf_puts(out, v > 0 ? "+Inf" : "-Inf");
	return md_buf_printf(out, "%.10g", v);
}

static int
put_help(md_buf *out, const struct family *f, const char *type)
{
	const char *p;

	if (md_buf_printf(out, "# HELP %s ", f->name) < 0)
		return -1;
	for (p = f->help; *p != '\0'; p++)
		if ((*p == '\\' ? md_buf_puts(out, "\\\\") : *p == '\n' ?
		    md_buf_puts(out, "\\n") : md_buf_putc(out, *p)) < 0)
			return -1;
	return md_buf_printf(out, "\n# TYPE %s %s\n", f->name, type);
}

/* name{labels[,extra]} or name{extra} or name */
static int
put_name(md_buf *out, const char *name, const char *suffix, const char *labels,
    const char *extra)
{
	int any = *labels != '\0' || extra != NULL;

	return md_buf_printf(out, "%s%s%s%s%s%s%s ", name, suffix, any ? "{" : "",
	    labels, *labels != '\0' && extra != NULL ? "," : "", extra ? extra : "",
	    any ? "}" : "");
}

static int
put_histogram(md_buf *out, const struct family *f, const struct series *s)
{
	unsigned long long cum = 0, count = atomic_load(&s->count);
	char le[48];
	size_t b;

	for (b = 0; b < f->nbounds; b++) {
		cum += atomic_load(&s->buckets[b]);
		snprintf(le, sizeof le, "le=\"%.10g\"", f->bounds[b]);
		if (put_name(out, f->name, "_bucket", s->labels, le) < 0 ||
		    md_buf_printf(out, "%llu\n", cum) < 0)
			return -1;
	}
	/* Read once: count may have moved on since the buckets were read. */
	if (count < cum)
		count = cum;
	if (put_name(out, f->name, "_bucket", s->labels, "le=\"+Inf\"") < 0 ||
	    md_buf_printf(out, "%llu\n", count) < 0 ||
	    put_name(out, f->name, "_sum", s->labels, NULL) < 0 ||
	    put_double(out, atomic_load(&s->value)) < 0 || md_buf_putc(out, '\n') < 0 ||
	    put_name(out, f->name, "_count", s->labels, NULL) < 0 ||
	    md_buf_printf(out, "%llu\n", count) < 0)
		return -1;
	return 0;
}

static int
put_family(md_buf *out, struct md_metrics *m, size_t fam, size_t nseries)
{
	static const char *const types[] = { "counter", "gauge", "histogram" };
	const struct family *f = &m->families[fam];
	size_t i;
	double v;

	if (put_help(out, f, types[f->type]) < 0)
		return -1;
	if (f->fn != NULL) {
		if (f->fn(f->arg, &v) == 0 && (put_name(out, f->name, "", "", NULL) < 0 ||
		    put_double(out, v) < 0 || md_buf_putc(out, '\n') < 0))
			return -1;
		return 0;
	}
	for (i = 0; i < nseries; i++) {
		const struct series *s = &m->series[i];
		int rc;

		if (s->family != fam)
			continue;
		if (f->type == MD_METRIC_HISTOGRAM)
			rc = put_histogram(out, f, s);
		else if (f->type == MD_METRIC_GAUGE)
			rc = put_name(out, f->name, "", s->labels, NULL) < 0 ||
			    put_double(out, atomic_load(&s->value)) < 0 ||
			    md_buf_putc(out, '\n') < 0 ? -1 : 0;
		else
			rc = put_name(out, f->name, "", s->labels, NULL) < 0 ||
			    md_buf_printf(out, "%llu\n", atomic_load(&s->count)) < 0 ? -1 : 0;
		if (rc < 0)
			return -1;
	}
	return 0;
}

int
md_metrics_format(struct md_metrics *m, md_buf *out)
{
	size_t nf, ns, i;

	if (m == NULL)
		return -1;
	nf = atomic_load_explicit(&m->nfamilies, memory_order_acquire);
	ns = atomic_load_explicit(&m->nseries, memory_order_acquire);
	for (i = 0; i < nf; i++)
		if (put_family(out, m, i, ns) < 0)
			return -1;
	if (md_buf_printf(out, "# HELP maildesk_metrics_series_dropped_total Updates "
	    "lost because the registry's %d series were taken.\n"
	    "# TYPE maildesk_metrics_series_dropped_total counter\n"
	    "maildesk_metrics_series_dropped_total %llu\n", MD_METRICS_MAX_SERIES,
	    atomic_load(&m->dropped)) < 0)
		return -1;
	return 0;
}
