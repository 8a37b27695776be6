/* A large plain log file read by several threads (--jobs): the file is cut
 * into parts at lines where an entry starts, each part read by its own thread
 * with its own reader, classifier and rule matching state, and the parts'
 * coverage added up. Events carry their part in their origin, so the caller
 * can put the threads' events back in file order for equal times.
 * Compressed files and archive members are read by one thread. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle/chunk_reader.h"
#include "pglog/entries.h"
#include "pipeline/scan_impl.h"
#include "pipeline/time_order.h"
#include "text/lines.h"
#include "util/cacheline.h"

/* Bytes looked at around a nominal cut for a line where an entry starts:
 * first a few, then more. */
#define SPLIT_FIRST_WINDOW (32u << 10)
#define SPLIT_WINDOW (256u << 10)
/* Chunks of one file, at most (the part bits of pgm_event_origin.order):
 * the callers hold the chunks read ahead in memory (timeline's slots,
 * analyze's chunk queue), so chunks keep their asked size up to logs of
 * 64 GiB and more (4096 made a 40 GB log's chunks 10 MB each). */
#define SPLIT_MAX_CHUNKS ((1u << PGM_ORDER_PART_BITS) - 1)
/* Lines after a cut searched for a DETAIL/HINT/... line of an earlier entry. */
#define SPLIT_LOOKAHEAD_LINES 64u
/* Bytes read per pread. */
#define PART_READ_BYTES (256u << 10)

/* A byte range of a file, read with pread. */
typedef struct range_source {
    pgm_source base;
    int fd;
    uint64_t pos, end;
    pgm_unreadable *unreadable; /* blocks read as NUL bytes (bundle/source.h) */
} range_source;

static ptrdiff_t range_read(pgm_source *self, void *buf, size_t cap)
{
    range_source *r = (range_source *)self;
    if (r->pos >= r->end)
        return 0;
    if (cap > r->end - r->pos)
        cap = (size_t)(r->end - r->pos);
    ssize_t n = pgm_pread_rescue(r->fd, buf, cap, r->pos, r->unreadable);
    if (n < 0) {
        char why[PGM_ERR_MAX];
        pgm_read_error_text(why, sizeof why, r->pos, errno);
        return pgm_source_fail(self, "%s", why);
    }
    r->pos += (uint64_t)n;
    return n;
}

/* A byte range of the file read as one: its lines are numbered from
 * first_line, which the newlines of the chunks before it give. */
typedef struct chunk {
    uint64_t start, end;
    uint64_t newlines;         /* in [start, end) */
    uint64_t first_line;
    int64_t min_ts, max_ts;    /* its records' earliest and latest times, once read */
    uint64_t min_line;         /* ... the earliest one's line */
} chunk;

/* What the threads share: the file, its chunks and which one comes next. */
typedef struct split {
    pgm_scan *s;
    pgm_input_report *in;
    const pgm_pglog_options *opt;
    int fd;
    chunk *chunks;
    size_t n_chunks;
    atomic_size_t next;        /* the next chunk a thread takes */
    bool in_turn;              /* chunks taken in turn by any thread; else thread k reads chunk k */
    pgm_chunk_reader *feed;    /* in turn: the chunks read past the page cache, when it can */
    uint64_t order_base;       /* the input's ordinal, shifted */
    atomic_uint_least64_t bytes_done; /* of the chunks read, for the progress line */
} split;

/* One thread: its rule-matching state, classifier, lane and what it read;
 * on cache lines of its own (util/cacheline.h), as it writes its lane's
 * times and counts at every record. */
typedef struct worker {
    _Alignas(PGM_CACHE_LINE) pthread_t thread;
    split *sp;
    size_t index;
    pgm_ruleset rules;         /* a fork of the scan's */
    pgm_pg_classifier classifier;
    pgm_scan_lane lane;
    pgm_pglog_coverage cov;    /* its chunks' coverage added up */
    uint64_t long_lines, bytes;
    int rc;
    char read_error[PGM_ERR_MAX]; /* the first read of the file that failed, said after the threads end */
    pgm_unreadable unreadable; /* blocks of its chunks read as NUL bytes, said after the threads end */
} worker;

/* A read of the file failed: the run fails, and says why once the threads end. */
static void read_failed(worker *w, const char *why)
{
    w->rc = PGM_FATAL;
    if (!w->read_error[0])
        snprintf(w->read_error, sizeof w->read_error, "%s", why);
}

static uint64_t count_newlines(worker *w, int fd, uint64_t start, uint64_t end)
{
    char *buf = malloc(PART_READ_BYTES);
    uint64_t n = 0;
    if (!buf) {
        w->rc = PGM_FATAL;
        return 0;
    }
    /* the blocks read as NUL bytes are counted when the chunk is read */
    pgm_unreadable uncounted = {0};
    range_source src = {{.read = range_read}, fd, start, end, &uncounted};
    ptrdiff_t got;
    while ((got = pgm_source_read(&src.base, buf, PART_READ_BYTES)) > 0)
        n += pgm_count_newlines(buf, (size_t)got);
    if (got < 0)
        read_failed(w, src.base.err);
    free(buf);
    return n;
}

/* A chunk taken: its index, and its bytes when the feed read them. */
typedef struct taken {
    size_t index;
    const char *bytes;
    size_t len;
} taken;

/* The chunk a thread reads next: in turn, or its own; false when none. */
static bool take_chunk(worker *w, size_t *own_done, taken *t)
{
    split *sp = w->sp;
    t->bytes = NULL;
    uint64_t before;
    if (sp->feed) {
        if (!pgm_chunk_reader_take(sp->feed, &t->index, &t->bytes, &t->len, &before))
            return false;
        sp->chunks[t->index].first_line = 1 + before;
        return true;
    }
    if (!sp->in_turn) {
        if (*own_done)
            return false;
        *own_done = 1;
        t->index = w->index;
        return w->index < sp->n_chunks;
    }
    t->index = atomic_fetch_add(&sp->next, 1);
    return t->index < sp->n_chunks;
}

static void give_back(split *sp, const taken *t)
{
    if (t->bytes)
        pgm_chunk_reader_give_back(sp->feed, t->index);
}

static void *count_chunks(void *arg)
{
    worker *w = arg;
    size_t own = 0;
    for (taken t; w->rc == PGM_OK && take_chunk(w, &own, &t);) {
        chunk *c = &w->sp->chunks[t.index];
        c->newlines = count_newlines(w, w->sp->fd, c->start, c->end);
    }
    return NULL;
}

static void add_coverage(pgm_pglog_coverage *sum, const pgm_pglog_coverage *c);

/* One chunk through a reader of its own (the prefix forced), into the
 * thread's lane; the caller hears of its start and end (pgm_scan.on_chunk). */
static void read_chunk(worker *w, size_t ci, const char *bytes, size_t n_bytes)
{
    split *sp = w->sp;
    pgm_scan *s = sp->s;
    const chunk *c = &sp->chunks[ci];
    w->lane.origin.order = sp->order_base + ci;
    w->lane.origin.part = (unsigned)ci;
    w->lane.part_min_ts = w->lane.part_max_ts = PGM_TS_UNKNOWN;
    if (s->on_chunk)
        s->on_chunk(s->ctx, &w->lane.origin, false);
    /* every start is followed by an end, failures too: the caller may be
     * holding later chunks until this one ends */
    pgm_pglog_reader *r;
    char err[PGM_ERR_MAX];
    if (pgm_pglog_open(&r, sp->in->format, sp->opt, pgm_scan_on_record, &w->lane, err) != PGM_OK) {
        w->rc = PGM_FATAL;
        if (s->on_chunk)
            s->on_chunk(s->ctx, &w->lane.origin, true);
        return;
    }
    range_source range = {{.read = range_read}, sp->fd, c->start, c->end, &w->unreadable};
    pgm_mem_source read_ahead;
    pgm_mem_source_init(&read_ahead, bytes, n_bytes);
    pgm_source *src = bytes ? &read_ahead.base : &range.base;
    pgm_line_reader lr;
    if (pgm_lines_init(&lr, src, s->max_line) != PGM_OK) {
        pgm_pglog_close(r);
        w->rc = PGM_FATAL;
        if (s->on_chunk)
            s->on_chunk(s->ctx, &w->lane.origin, true);
        return;
    }
    const char *line;
    size_t len;
    while (!atomic_load_explicit(&s->stop, memory_order_relaxed) && pgm_lines_next(&lr, &line, &len) > 0) {
        w->long_lines += lr.truncated;
        pgm_pglog_feed(r, line, len, c->first_line + lr.lineno - 1);
    }
    pgm_pglog_finish(r);
    sp->chunks[ci].min_ts = w->lane.part_min_ts; /* this thread's chunk alone */
    sp->chunks[ci].max_ts = w->lane.part_max_ts;
    sp->chunks[ci].min_line = w->lane.part_min_line;
    w->bytes += lr.bytes_read;
    /* the progress line: said by the first thread alone (the others say
     * nothing while they read; their warnings wait for the end) */
    uint64_t done = atomic_fetch_add(&sp->bytes_done, lr.bytes_read) + lr.bytes_read;
    if (w->index == 0 && s->on_progress)
        s->on_progress(s->term_ctx, s->progress_bytes + done);
    if (src->failed)
        read_failed(w, src->err);
    pgm_lines_free(&lr);
    add_coverage(&w->cov, pgm_pglog_get_coverage(r));
    pgm_pglog_close(r);
    if (s->on_chunk)
        s->on_chunk(s->ctx, &w->lane.origin, true);
}

/* A thread's lane sees the steps back within the chunks it read, and from
 * one of its chunks to its next; a step back from a chunk that one thread
 * read to the next chunk, that another read, is seen here: the latest time
 * of every chunk before against the earliest of each. */
static void steps_back_between_chunks(const split *sp, pgm_input_report *in)
{
    int64_t latest = PGM_TS_UNKNOWN;
    for (size_t c = 0; c < sp->n_chunks; c++) {
        const chunk *k = &sp->chunks[c];
        pgm_scan_step_back(latest, k->min_ts, k->min_line, &in->max_back_us, &in->max_back_line);
        if (k->max_ts != PGM_TS_UNKNOWN && (latest == PGM_TS_UNKNOWN || k->max_ts > latest))
            latest = k->max_ts;
    }
}

static void *read_chunks(void *arg)
{
    worker *w = arg;
    size_t own = 0;
    for (taken t; w->rc == PGM_OK && take_chunk(w, &own, &t);) {
        read_chunk(w, t.index, t.bytes, t.len);
        give_back(w->sp, &t);
    }
    return NULL;
}

/* A line at or after `nominal` where an entry starts and whose next lines
 * hold no DETAIL/HINT/... of an entry before it; 0 when none is found. */
static uint64_t cut_in(int fd, uint64_t nominal, uint64_t size, const pgm_prefix *prefix, size_t window)
{
    char *buf = malloc(window);
    if (!buf)
        return 0;
    uint64_t want = size - nominal < window ? size - nominal : window;
    ssize_t n = pread(fd, buf, (size_t)want, (off_t)nominal);
    uint64_t cut = 0;
    const char *end = n > 0 ? buf + n : buf;
    const char *line = n > 0 ? memchr(buf, '\n', (size_t)n) : NULL;
    /* candidates: the start of each line after the first newline */
    for (; line && !cut; line = memchr(line, '\n', (size_t)(end - line))) {
        line++;
        const char *le = memchr(line, '\n', (size_t)(end - line));
        if (!le)
            break;
        pgm_prefix_fields f;
        if (!prefix) { /* one record per line (jsonlog, cnpg) */
            cut = nominal + (uint64_t)(line - buf);
            break;
        }
        if (*line == '\t' || !pgm_prefix_parse(prefix, line, (size_t)(le - line), &f) || pgm_entries_is_secondary(f.severity))
            continue;
        /* later DETAIL lines must belong to processes whose entry starts here or after */
        int64_t pids[SPLIT_LOOKAHEAD_LINES];
        size_t np = 0;
        bool ok = true;
        const char *l = line;
        for (unsigned k = 0; k < SPLIT_LOOKAHEAD_LINES && ok; k++) {
            const char *e = memchr(l, '\n', (size_t)(end - l));
            if (!e)
                break;
            pgm_prefix_fields g;
            if (*l != '\t' && pgm_prefix_parse(prefix, l, (size_t)(e - l), &g)) {
                if (!pgm_entries_is_secondary(g.severity)) {
                    pids[np++] = g.pid;
                } else {
                    bool known = false;
                    for (size_t i = 0; i < np && !known; i++)
                        known = pids[i] == g.pid;
                    ok = known;
                }
            }
            l = e + 1;
        }
        if (ok)
            cut = nominal + (uint64_t)(line - buf);
    }
    free(buf);
    return cut;
}

/* A small window first: most cuts are found in the first lines after `nominal`. */
static uint64_t cut_near(int fd, uint64_t nominal, uint64_t size, const pgm_prefix *prefix)
{
    uint64_t c = cut_in(fd, nominal, size, prefix, SPLIT_FIRST_WINDOW);
    return c ? c : cut_in(fd, nominal, size, prefix, SPLIT_WINDOW);
}

/* The prefix chosen on the file's head, by a reader that reads no further. */
static int decide_on_head(int fd, const char *format, const pgm_pglog_options *opt,
                          pgm_pglog_coverage *cov, bool *reversed)
{
    pgm_pglog_reader *r;
    char err[PGM_ERR_MAX];
    if (pgm_pglog_open(&r, format, opt, NULL, NULL, err) != PGM_OK)
        return PGM_FATAL;
    /* blocks the disk cannot read are NUL bytes here as in the chunks, where they are counted */
    pgm_unreadable uncounted = {0};
    range_source src = {{.read = range_read}, fd, 0, PGM_PGLOG_HEAD_BYTES, &uncounted};
    pgm_line_reader lr;
    if (pgm_lines_init(&lr, &src.base, PGM_PGLOG_HEAD_BYTES) != PGM_OK) {
        pgm_pglog_close(r);
        return PGM_FATAL;
    }
    const char *line;
    size_t len;
    for (unsigned k = 0; k < PGM_PGLOG_HEAD_LINES && pgm_lines_next(&lr, &line, &len) > 0; k++)
        pgm_pglog_feed(r, line, len, lr.lineno);
    *reversed = pgm_pglog_decide(r);
    *cov = *pgm_pglog_get_coverage(r);
    pgm_lines_free(&lr);
    pgm_pglog_close(r);
    return PGM_OK;
}

static void add_coverage(pgm_pglog_coverage *sum, const pgm_pglog_coverage *c)
{
    sum->lines += c->lines;
    sum->records += c->records;
    sum->continuation += c->continuation;
    sum->secondary += c->secondary;
    sum->unparsed += c->unparsed;
    sum->blank += c->blank;
    if (c->nul_bytes && (!sum->nul_bytes || c->nul_first_line < sum->nul_first_line))
        sum->nul_first_line = c->nul_first_line;
    sum->nul_bytes += c->nul_bytes;
    sum->cut += c->cut;
    sum->no_time += c->no_time;
    sum->zone_guessed += c->zone_guessed;
    sum->zone_unknown += c->zone_unknown;
    sum->translated += c->translated;
    sum->odd_columns += c->odd_columns;
    sum->prefix_gave_up += c->prefix_gave_up;
    sum->yearless += c->yearless;
    sum->late_pieces += c->late_pieces;
    for (size_t i = 0; i < c->n_samples && sum->n_samples < PGM_PGLOG_SAMPLES; i++)
        sum->samples[sum->n_samples++] = c->samples[i];
    if (c->prefix_switches && (!sum->prefix_switches || c->prefix_switch_line < sum->prefix_switch_line)) {
        sum->prefix_switch_line = c->prefix_switch_line;
        memcpy(sum->prefix_switched, c->prefix_switched, sizeof sum->prefix_switched);
        sum->prefix_changed = c->prefix_changed;
    }
    sum->prefix_switches += c->prefix_switches;
    if (c->late_given_up && (!sum->late_given_up || c->late_given_up < sum->late_given_up))
        sum->late_given_up = c->late_given_up;
    sum->foreign += c->foreign;
    for (size_t i = 0; i < c->n_foreign_samples && sum->n_foreign_samples < PGM_PGLOG_SAMPLES; i++)
        sum->foreign_samples[sum->n_foreign_samples++] = c->foreign_samples[i];
}

int pgm_scan_read_split(pgm_scan *s, pgm_input_report *in, const pgm_pglog_options *opt,
                        const char *path, uint64_t size)
{
    bool prefixed = strcmp(in->format, "stderr") == 0 || strcmp(in->format, "rds") == 0;
    bool per_line = strcmp(in->format, "jsonlog") == 0 || strcmp(in->format, "cnpg") == 0;
    if (!prefixed && !per_line)
        return PGM_WARN;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return PGM_WARN;
    int rc = PGM_WARN;
    pgm_pglog_coverage head;
    memset(&head, 0, sizeof head);
    bool reversed = false;
    pgm_prefix *prefix = NULL;
    pgm_pglog_options forced = *opt;
    worker *workers = NULL;
    uint64_t *ends = NULL;     /* the chunks' ends, for the feed */
    split sp = {.s = s, .in = in, .opt = &forced, .fd = fd};
    size_t n = s->jobs > PGM_SCAN_MAX_JOBS ? PGM_SCAN_MAX_JOBS : s->jobs;
    if (prefixed) {
        char err[PGM_ERR_MAX];
        if (decide_on_head(fd, in->format, opt, &head, &reversed) != PGM_OK || reversed ||
            pgm_prefix_compile(head.prefix, &prefix, err) != PGM_OK)
            goto out;
        forced.prefix_guessed = !opt->prefix; /* the parts may still read it anew */
        forced.prefix = head.prefix;
        forced.head_decided = true;
    } else {
        /* one record a line: a newest-first export is read backwards by one thread */
        if (decide_on_head(fd, in->format, opt, &head, &reversed) != PGM_OK || reversed)
            goto out;
        forced.head_decided = true;
    }
    /* the cuts: a part per thread, or chunks of about chunk_bytes taken in turn */
    size_t want = n;
    if (s->chunk_bytes && size / s->chunk_bytes > n)
        want = size / s->chunk_bytes > SPLIT_MAX_CHUNKS ? SPLIT_MAX_CHUNKS : (size_t)(size / s->chunk_bytes);
    sp.in_turn = want > n;
    sp.chunks = calloc(want, sizeof *sp.chunks);
    workers = pgm_cacheline_alloc(n * sizeof *workers);
    if (!sp.chunks || !workers) {
        rc = PGM_FATAL;
        goto out;
    }
    uint64_t last = 0;
    for (size_t k = 1; k < want; k++) {
        uint64_t c = cut_near(fd, size / want * k, size, prefix);
        if (c > last) {
            sp.chunks[sp.n_chunks++].end = c;
            last = c;
        }
    }
    if (sp.n_chunks == 0)
        goto out;
    sp.chunks[sp.n_chunks++].end = size;
    for (size_t k = 0; k < sp.n_chunks; k++) {
        sp.chunks[k].start = k ? sp.chunks[k - 1].end : 0;
        sp.chunks[k].min_ts = sp.chunks[k].max_ts = PGM_TS_UNKNOWN; /* until it is read */
    }
    rc = PGM_OK;
    sp.order_base = (uint64_t)in->index << PGM_ORDER_PART_BITS;
    /* the parts follow each other: proven in order but for bounded steps back, across parts too */
    int64_t step = s->want_time_order && prefix && pgm_prefix_leads_with_time(prefix) ? pgm_time_order_file(path)
                                                                                       : -1;
    for (size_t k = 0; k < n; k++) {
        worker *w = &workers[k];
        *w = (worker){.sp = &sp, .index = k, .rc = PGM_OK};
        if (pgm_ruleset_fork(s->rules, &w->rules) != PGM_OK) {
            rc = PGM_FATAL;
            n = k;
            break;
        }
        pgm_pg_classifier_init(&w->classifier, &w->rules);
        pgm_scan_classifier_options(s, &w->classifier);
        w->lane = (pgm_scan_lane){.s = s, .in = in, .classifier = &w->classifier,
                                  .origin = {.lane = (unsigned)k, .order = sp.order_base + k,
                                             .in_time_order = step >= 0, .max_step_back = step,
                                             .outside_archives = true},
                                  .first_ts = PGM_TS_UNKNOWN, .last_ts = PGM_TS_UNKNOWN,
                                  .part_min_ts = PGM_TS_UNKNOWN, .part_max_ts = PGM_TS_UNKNOWN,
                                  .order_checked = true};
    }
    /* first each chunk's newlines (its first line number depends on the
     * chunks before), then the chunks themselves; a thread that cannot be
     * started is run here instead */
    void *(*const phases[])(void *) = {count_chunks, read_chunks};
    ends = sp.in_turn ? malloc(sp.n_chunks * sizeof *ends) : NULL; /* none: read as any */
    for (size_t k = 0; ends && k < sp.n_chunks; k++)
        ends[k] = sp.chunks[k].end;
    /* the chunks read past the page cache, in order: then their first lines
     * are known as they are read, and the first phase is spared */
    sp.feed = ends ? pgm_chunk_reader_open(fd, ends, sp.n_chunks, (unsigned)n) : NULL;
    for (size_t ph = sp.feed ? 1 : 0; rc == PGM_OK && ph < 2; ph++) {
        atomic_store(&sp.next, 0);
        bool started[PGM_SCAN_MAX_JOBS] = {false};
        for (size_t k = 0; k < n; k++)
            started[k] = pthread_create(&workers[k].thread, NULL, phases[ph], &workers[k]) == 0;
        for (size_t k = 0; k < n; k++) {
            if (started[k])
                pthread_join(workers[k].thread, NULL);
            else
                phases[ph](&workers[k]);
        }
        for (size_t k = 0; k < n; k++)
            if (workers[k].rc != PGM_OK)
                rc = PGM_FATAL;
        if (ph == 0)
            for (size_t k = 0, line = 1; k < sp.n_chunks; k++) {
                sp.chunks[k].first_line = line;
                line += sp.chunks[k].newlines;
            }
    }
    pgm_unreadable unreadable = {0};
    uint64_t feed_failed_at = 0;
    int feed_errno = sp.feed ? pgm_chunk_reader_close(sp.feed, &unreadable, &feed_failed_at) : 0;
    sp.feed = NULL;
    for (size_t k = 0; k < n; k++)
        pgm_unreadable_add(&unreadable, &workers[k].unreadable);
    char said[PGM_ERR_MAX];
    pgm_unreadable_describe(&unreadable, said, sizeof said);
    if (said[0]) {
        pgm_scan_warn(s, in, "%s", said);
        in->read_damaged = true;
    }
    if (feed_errno) {
        rc = PGM_FATAL;
        char why[PGM_ERR_MAX];
        pgm_read_error_text(why, sizeof why, feed_failed_at, feed_errno);
        pgm_scan_warn(s, in, "%s", why);
    }
    for (size_t k = 0; k < n; k++)
        if (workers[k].read_error[0]) {
            pgm_scan_warn(s, in, "%s", workers[k].read_error);
            break;
        }
    if (rc == PGM_OK) {
        in->is_log = true;
        /* the head's choice of prefix, and the parts' counts */
        pgm_pglog_coverage *sum = malloc(sizeof *sum); /* ~2 KB: not on the stack */
        if (sum) {
            *sum = head;
            sum->lines = sum->records = sum->continuation = sum->secondary = 0;
            sum->unparsed = sum->cut = sum->no_time = sum->zone_guessed = sum->blank = 0;
            sum->nul_bytes = sum->nul_first_line = 0;
            sum->zone_unknown = sum->translated = sum->odd_columns = sum->prefix_gave_up = 0;
            sum->n_samples = 0;
            sum->foreign = 0;
            sum->n_foreign_samples = 0;
            sum->prefix_switches = sum->prefix_switch_line = sum->late_given_up = 0;
            sum->prefix_switched[0] = 0;
            sum->prefix_changed = false;
            for (size_t k = 0; k < n; k++)
                add_coverage(sum, &workers[k].cov);
        }
        if (!sum || pgm_scan_keep_coverage(s, in, sum) != PGM_OK)
            s->out_of_memory = true;
        free(sum);
        uint64_t long_lines = 0;
        for (size_t k = 0; k < n; k++) {
            pgm_scan_lane_done(s, in, &workers[k].lane);
            in->bytes += workers[k].bytes;
            long_lines += workers[k].long_lines;
        }
        steps_back_between_chunks(&sp, in);
        /* the parts' readers were told the prefix: the head's choice says where it came from */
        in->prefix_doubtful = prefixed && (head.prefix_rival[0] || head.prefix_unfit[0] ||
                                           100.0 * (double)head.primary_parsed <
                                               PGM_PREFIX_MIN_COVERAGE * (double)head.primary_tried);
        s->split_inputs++;
        pgm_scan_log_warnings(s, in, opt, long_lines);
    }
    for (size_t k = 0; k < n; k++) {
        if (s->rules) { /* said by the scan, once the input is read */
            s->rules->limit_hits += workers[k].rules.limit_hits;
            if (!s->rules->limit_rule)
                s->rules->limit_rule = workers[k].rules.limit_rule;
        }
        pgm_pg_classifier_free(&workers[k].classifier);
        pgm_ruleset_free(&workers[k].rules);
    }
out:
    free(ends);
    free(workers);
    free(sp.chunks);
    pgm_prefix_free(prefix);
    close(fd);
    return rc;
}
