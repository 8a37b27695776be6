/* pgmortem timeline: the server logs' events, normalized and in time order,
 * as JSON Lines or CSV (CONTRACTS.md). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog/event_kinds.h"
#include "cli/cli.h"
#include "cli/read_options.h"
#include "pglog/reader.h"
#include "pipeline/scan.h"
#include "rules/ruleset.h"
#include "text/timestamp.h"
#include "timeline/render.h"
#include "text/tzfile.h"
#include "timeline/reorder.h"
#include "timeline/sink.h"
#include "timeline/sorter.h"

/* Event kinds --kinds may list. */
#define PGM_MAX_KIND_FILTERS 64
/* Warnings an optimistic run keeps until it is known to stand; more are counted. */
#define PGM_TIMELINE_HELD_WARNINGS 256
/* A log split between threads and streamed: its chunks' size, and how many
 * chunks each thread may read ahead of the one written next. A chunk's
 * events (2.5 times its bytes on a statement log) are sorted and merged on
 * their way out: with 1 MiB two threads ran 7% faster than with 2 (make
 * bench), their batches nearer the cache. */
#define PGM_STREAM_CHUNK_BYTES (1u << 20)
#define PGM_STREAM_AHEAD_PER_THREAD 2u
#define PGM_STREAM_MAX_SLOTS (PGM_STREAM_AHEAD_PER_THREAD * PGM_SCAN_MAX_JOBS)
/* A chunk's lines, at most (a chunk's events take a few times its bytes). */
#define PGM_STREAM_SLOT_MAX (64u * PGM_STREAM_CHUNK_BYTES)

/* How a lane's events reach the output, chosen at its first event. */
enum lane_mode {
    LANE_UNDECIDED,
    LANE_STREAMED,   /* lane 0 of a log read whole or in parts: straight to the output */
    LANE_CHUNKED,    /* a log read in chunks by several threads: chunk slots written in order */
    LANE_SORTED
};

/* A chunk's JSON Lines, kept until the chunks before it are written. */
typedef struct chunk_slot {
    pgm_reorder_batch *batch;
    bool in_use, done;
} chunk_slot;

struct timeline_run;

/* One thread's way into the ordering: its own sorter and line buffer. A lane
 * of a single plain log writes to the output as it reads instead, through a
 * buffer that puts its small steps back in order (timeline/reorder.h), when
 * a pass proved how far the log steps back, or, when the output can be taken
 * back, until an event comes too late for the buffer (then the whole
 * timeline is made again, sorted): lane 0 only, so that the other lanes'
 * sorted events follow it. */
typedef struct lane {
    struct timeline_run *run;
    pgm_sorter *sorter;
    pgm_strbuf line;
    enum lane_mode mode;
    pgm_reorder *reorder;    /* streamed: the events put in order on the way ... */
    pgm_reorder_batch *batch; /* ... from the last ones read */
    chunk_slot *cur;         /* chunked: the slot of the chunk being read */
    uint64_t kept;           /* events past --kinds, --since and --until */
    bool failed;
} lane;

typedef struct timeline_run {
    enum pgm_timeline_format format;
    char *kinds[PGM_MAX_KIND_FILTERS];
    size_t n_kinds;
    bool wanted[PGM_EV_COUNT]; /* by kind number: --kinds, worked out once */
    int64_t since, until;
    lane lanes[PGM_SCAN_MAX_JOBS];
    unsigned jobs;
    bool failed;
    bool may_stream;         /* one file operand: its log's events may skip the sorter */
    bool optimistic;         /* ... without a proof of order: the output can be taken back */
    bool restart;            /* an event came out of order: make the timeline again, sorted */
    bool restarted;          /* ... and it was */
    char restart_at[PGM_ERR_MAX]; /* where: path:line of the event */
    pgm_reorder_stats order_stats; /* of the events written as read (--coverage) */
    bool reordered;          /* ... there were */
    int64_t last_written;    /* the time of the last event written, streamed or merged */
    const char *why;         /* of a failure the sorters do not know */
    pgm_sink *out;
    pgm_term *term;          /* stderr's warnings and progress */
    /* several threads streaming one log in chunks (pgm_scan.chunk_bytes):
     * the chunks' lines wait in slots, written in chunk order */
    pthread_mutex_t mu;
    pthread_cond_t turn;
    chunk_slot slots[PGM_STREAM_MAX_SLOTS];
    size_t n_slots;          /* in use: chunks read ahead of the one written next */
    size_t next_part;        /* the chunk written next */
    bool writing;            /* a thread is writing chunks (t->mu let go) */
    pgm_reorder *reorder;    /* the chunks' events put in order on the way */
    pgm_strbuf out_line;     /* ... gathered for large writes */
    bool chunks_failed;      /* the output failed while chunks were written */
    bool chunked;            /* some chunk was written so */
    pgm_scan *scan;          /* the run's, to stop it when it must start over */
    /* warnings of an optimistic run, printed once it is known to stand */
    struct held_warning {
        char *path, *msg;
    } held[PGM_TIMELINE_HELD_WARNINGS];
    size_t n_held;
    uint64_t held_dropped;
} timeline_run;

/* A split syslog message is handed on by the reader once it is this late,
 * so that its events still find their place in the reorder buffer. */
_Static_assert(PGM_SYSLOG_HOLD_US < PGM_REORDER_MIN_WINDOW_US, "a held syslog message must fit the least window");

/* "conn.refused" and "conn.refused.*" take every kind below it. */
static bool kind_wanted(const timeline_run *t, const char *kind)
{
    if (!t->n_kinds)
        return true;
    size_t kl = strlen(kind);
    for (size_t i = 0; i < t->n_kinds; i++) {
        const char *f = t->kinds[i];
        size_t fl = strlen(f);
        if (fl && f[fl - 1] == '*')
            fl--;
        if (fl && f[fl - 1] == '.')
            fl--;
        if (kl >= fl && memcmp(kind, f, fl) == 0 && (kl == fl || kind[fl] == '.'))
            return true;
    }
    return false;
}

/* Streamed lines are written once this many have gathered, and a batch of
 * the reorder buffer holds this many: 256 KiB ran one thread 4% faster than
 * 1 MiB (make bench; a batch sorted and merged in the cache), and 64 of
 * them (PGM_REORDER_MAX_RUNS) are its 16 MiB (PGM_REORDER_MEM). */
#define PGM_STREAM_FLUSH_BYTES (256u << 10)

/* A write's outcome, PGM_OK or PGM_FATAL. Once the output failed (a full
 * disk) nothing more can be written: the rest of the input is not read
 * either, where a 2 GiB log was read to its end to say so. The sink says
 * why at close. */
static int written(timeline_run *t, int rc)
{
    if (rc == PGM_OK)
        return PGM_OK;
    if (t->scan)
        atomic_store(&t->scan->stop, true);
    return PGM_FATAL;
}

static int flush_streamed(timeline_run *t, lane *l)
{
    int rc = l->line.len ? pgm_sink_write(t->out, l->line.p, l->line.len) : PGM_OK;
    pgm_strbuf_reset(&l->line);
    return written(t, rc);
}

/* Whether this input's events are written as they are read: a plain log
 * proven, or, when the output can be taken back, anything the one file
 * operand holds, an archive's members too (read in order of their names:
 * a rotated log's pieces follow each other; members of other times start
 * the timeline over, sorted, at their first event too late). */
static bool streams(const timeline_run *t, const pgm_event_origin *o)
{
    return t->may_stream && ((o->outside_archives && o->in_time_order) || t->optimistic);
}

/* An event too late for the buffer where events are written as read
 * (`where`: its path:line): start over, or, when the order was proven, say
 * the proof was wrong. With t->mu held when chunks are written by several
 * threads. */
static void out_of_order(timeline_run *t, const char *where)
{
    if (t->optimistic) {
        t->restart = true; /* what is written is taken back; the timeline is made sorted */
        atomic_store(&t->scan->stop, true); /* the rest is not worth reading this time */
        snprintf(t->restart_at, sizeof t->restart_at, "%s", where);
    } else {
        /* the proof of order is wrong: what is written cannot be taken back */
        t->why = "an event came out of time order in a log proven in order (an internal error: please report it)";
    }
}

/* The reorder buffer's records out to `b`, written in large writes. A span
 * of records the sink takes as it lies (into its own buffer, or one write
 * of its own: most of a timeline's bytes come in spans of 64 to 512 KiB)
 * is not copied into `b` first: that copy was 6% of a timeline's time into
 * a pipe or /dev/null. */
static int gather(timeline_run *t, pgm_strbuf *b, const void *data, size_t len)
{
    if (pgm_sink_takes_whole(t->out, len)) {
        int rc = b->len ? pgm_sink_write(t->out, b->p, b->len) : PGM_OK;
        pgm_strbuf_reset(b);
        if (rc == PGM_OK)
            rc = pgm_sink_write(t->out, data, len);
        return written(t, rc);
    }
    if (pgm_strbuf_add(b, data, len) != 0)
        return PGM_FATAL;
    if (b->len < PGM_STREAM_FLUSH_BYTES)
        return PGM_OK;
    int rc = pgm_sink_write(t->out, b->p, b->len);
    pgm_strbuf_reset(b);
    return written(t, rc);
}

static int emit_chunked(void *ctx, int64_t ts, const void *data, size_t len)
{
    (void)ts;
    timeline_run *t = ctx;
    return gather(t, &t->out_line, data, len);
}

static int emit_streamed(void *ctx, int64_t ts, const void *data, size_t len)
{
    (void)ts;
    lane *l = ctx;
    return gather(l->run, &l->line, data, len);
}

/* A buffer that puts events in order on the way: with the window a pass
 * proved, or one that grows with the steps back seen. */
static pgm_reorder *open_reorder(timeline_run *t, const pgm_event_origin *o)
{
    pgm_reorder *r = NULL;
    char err[PGM_ERR_MAX];
    if (pgm_reorder_open(&r, o->in_time_order ? o->max_step_back : -1, PGM_REORDER_MEM, PGM_SORT_MEM / 2, err) !=
        PGM_OK)
        t->why = "out of memory";
    else
        pgm_reorder_emit_spans(r); /* emit_streamed and emit_chunked only gather bytes */
    return r;
}

/* A batch of events into a reorder buffer: false when the run cannot go on
 * (an event too late: starting over; or a failure). */
static bool pushed(timeline_run *t, pgm_reorder *r, int rc)
{
    if (rc == PGM_REORDER_LATE)
        out_of_order(t, pgm_reorder_late(r));
    else if (rc != PGM_OK && !t->why)
        t->why = pgm_reorder_error(r);
    return rc == PGM_OK;
}

static bool push_batch(timeline_run *t, pgm_reorder *r, pgm_reorder_batch **b, pgm_sorter_emit emit, void *ctx)
{
    return pushed(t, r, pgm_reorder_push(r, b, emit, ctx));
}

/* Writes the chunks that are done, in chunk order, from the one written
 * next, through the reorder buffer. t->mu held, and let go while a chunk is
 * written: one thread writes at a time (t->writing) and also writes the
 * chunks the others end meanwhile, while they go on reading (they had waited
 * for the lock as long as a chunk took to write: a second of the bench log's
 * 3 GiB into a file). The reorder buffer, the gathered lines and the output
 * are the writer's alone; a slot being written is not reused before
 * next_part passes it. */
static void write_done_chunks(timeline_run *t)
{
    if (t->writing)
        return;
    t->writing = true;
    for (;;) {
        chunk_slot *c = &t->slots[t->next_part % t->n_slots];
        if (!c->in_use || !c->done)
            break;
        if (!t->restart && !t->chunks_failed) {
            pthread_mutex_unlock(&t->mu);
            int rc = pgm_reorder_push(t->reorder, &c->batch, emit_chunked, t);
            pthread_mutex_lock(&t->mu);
            if (!pushed(t, t->reorder, rc))
                t->chunks_failed = !t->restart || !t->optimistic;
            t->chunked = true;
        }
        c->in_use = false;
        t->next_part++;
        pthread_cond_broadcast(&t->turn);
    }
    t->writing = false;
}

/* pgm_scan.on_chunk: a slot for the chunk a thread starts (waiting while it
 * is too far ahead of the one written next), and the chunks written in order
 * as they end. */
static void on_chunk(void *ctx, const pgm_event_origin *o, bool done)
{
    timeline_run *t = ctx;
    lane *l = &t->lanes[o->lane];
    if (done && l->cur)
        pgm_reorder_batch_seal(l->cur->batch); /* each thread sorts its own chunk */
    pthread_mutex_lock(&t->mu);
    if (!done) {
        l->cur = NULL;
        if (streams(t, o)) {
            l->mode = LANE_CHUNKED;
            if (!t->reorder && !(t->reorder = open_reorder(t, o)))
                t->chunks_failed = true;
            while (!t->restart && !t->chunks_failed && o->part >= t->next_part + t->n_slots)
                pthread_cond_wait(&t->turn, &t->mu);
            chunk_slot *c = &t->slots[o->part % t->n_slots];
            if (!t->restart && !t->chunks_failed) {
                pgm_reorder_batch_reset(c->batch);
                c->done = false;
                c->in_use = true;
                l->cur = c;
            }
        }
    } else if (l->cur) {
        l->cur->done = true;
        l->cur = NULL;
        write_done_chunks(t);
        pthread_cond_broadcast(&t->turn);
    }
    pthread_mutex_unlock(&t->mu);
}

/* An event rendered into a batch of the reorder buffer. */
static bool batch_event(timeline_run *t, pgm_reorder_batch *b, const pgm_event_origin *o, const pgm_event *e)
{
    size_t off = b->text.len;
    return pgm_render_event(&b->text, e, t->format) == 0 &&
           pgm_reorder_batch_mark(b, e->t, o->order, off, e->path, e->line) == PGM_OK;
}

/* An event of a chunk, into its slot. */
static void chunk_event(timeline_run *t, lane *l, const pgm_event_origin *o, const pgm_event *e)
{
    chunk_slot *c = l->cur;
    if (!c)
        return; /* starting over, or the output failed */
    l->failed = !batch_event(t, c->batch, o, e);
}

static void on_event(void *ctx, const pgm_event_origin *o, const pgm_event *e)
{
    timeline_run *t = ctx;
    lane *l = &t->lanes[o->lane];
    bool wanted = e->kind_id > PGM_EV_NONE && e->kind_id < PGM_EV_COUNT ? t->wanted[e->kind_id]
                                                                         : kind_wanted(t, e->kind);
    if (l->failed || !wanted)
        return;
    if ((t->since != PGM_TS_UNKNOWN || t->until != PGM_TS_UNKNOWN) && e->t == PGM_TS_UNKNOWN)
        return;
    if ((t->since != PGM_TS_UNKNOWN && e->t < t->since) ||
        (t->until != PGM_TS_UNKNOWN && e->t > t->until))
        return;
    l->kept++;
    if (l->mode == LANE_CHUNKED) {
        chunk_event(t, l, o, e);
        return;
    }
    if (l->mode == LANE_UNDECIDED) {
        l->mode = o->lane == 0 && streams(t, o) ? LANE_STREAMED : LANE_SORTED;
        if (l->mode == LANE_STREAMED && !(l->reorder = open_reorder(t, o))) {
            l->failed = true;
            return;
        }
    }
    if (l->mode == LANE_SORTED) {
        pgm_strbuf_reset(&l->line);
        l->failed = pgm_render_event(&l->line, e, t->format) != 0 ||
                    pgm_sorter_add_ordered(l->sorter, e->t, o->order, l->line.p, l->line.len) != PGM_OK;
        return;
    }
    /* streamed events gather in a batch that goes through the reorder buffer */
    l->failed = !batch_event(t, l->batch, o, e) ||
                (l->batch->text.len >= PGM_STREAM_FLUSH_BYTES &&
                 !push_batch(t, l->reorder, &l->batch, emit_streamed, l));
}

static int write_line(void *ctx, int64_t ts, const void *data, size_t len)
{
    timeline_run *t = ctx;
    if (ts < t->last_written) {
        /* what was streamed ends after what is merged begins: cannot happen while
         * only unsplit inputs stream through lane 0 alone, kept as the check */
        out_of_order(t, "an event sorted apart from the ones written as read");
        return PGM_FATAL;
    }
    t->last_written = ts;
    return written(t, pgm_sink_write(t->out, data, len));
}

static bool split_kinds(timeline_run *t, const char *v)
{
    while (*v) {
        const char *comma = strchr(v, ',');
        size_t n = comma ? (size_t)(comma - v) : strlen(v);
        if (n) {
            if (t->n_kinds == PGM_MAX_KIND_FILTERS) {
                pgm_usage_error("timeline", "at most %d kinds", PGM_MAX_KIND_FILTERS);
                return false;
            }
            t->kinds[t->n_kinds] = strndup(v, n);
            if (!t->kinds[t->n_kinds])
                return false;
            t->n_kinds++;
        }
        v += n + (comma != NULL);
    }
    return true;
}

/* The envelope an input's lines came in, counted apart from them: its own
 * lines, and those not of its form. Nothing for a file as it is. */
static void print_envelope(const pgm_input_report *in)
{
    if (in->envelope != PGM_ENVELOPE_NONE)
        fprintf(stderr, " in a %s envelope (%llu %s of it, %llu lines not of its form)",
                pgm_envelope_name(in->envelope), (unsigned long long)in->wrapper_lines,
                in->per_source ? "entries" : "lines", (unsigned long long)in->wrapper_foreign);
}

/* One line per server log: what was read, and how well. */
static void print_coverage(const pgm_scan *s)
{
    for (size_t i = 0; i < s->n_inputs; i++) {
        const pgm_input_report *in = pgm_scan_input(s, i);
        const pgm_input_coverage *c = &in->cov;
        if (in->is_activity) {
            fprintf(stderr, "pgmortem: %s: pg_stat_activity (%s)", in->path, in->format);
            print_envelope(in);
            fprintf(stderr, "; %llu lines: %llu snapshots, %llu lines not understood\n",
                    (unsigned long long)c->lines, (unsigned long long)c->records,
                    (unsigned long long)c->unparsed);
            continue;
        }
        if (in->is_app_log) {
            fprintf(stderr, "pgmortem: %s: application log (%s)", in->path, in->format);
            print_envelope(in);
            fprintf(stderr,
                    "; %llu lines: %llu entries, %llu trace "
                    "lines, %llu not understood; %llu events, %llu entries of the application's own\n",
                    (unsigned long long)c->lines, (unsigned long long)c->records,
                    (unsigned long long)c->continuation, (unsigned long long)c->unparsed,
                    (unsigned long long)in->events, (unsigned long long)in->unknown);
            continue;
        }
        if (in->is_pooler_log && in->kind == PGM_KIND_PGBOUNCER_SHOW) {
            fprintf(stderr, "pgmortem: %s: PgBouncer SHOW results (%s); %llu lines: %llu rows, %llu not understood; "
                            "%llu events\n", in->path, in->format, (unsigned long long)c->lines,
                    (unsigned long long)c->records, (unsigned long long)c->unparsed, (unsigned long long)in->events);
            continue;
        }
        if (in->is_pooler_log) {
            fprintf(stderr, "pgmortem: %s: PgBouncer log (%s)", in->path, in->format);
            print_envelope(in);
            fprintf(stderr, "; %llu lines: %llu records, %llu not PgBouncer's; %llu events, %llu messages of "
                            "unknown kind\n",
                    (unsigned long long)c->lines, (unsigned long long)c->records,
                    (unsigned long long)c->unparsed, (unsigned long long)in->events,
                    (unsigned long long)in->unknown);
            continue;
        }
        if (in->is_system_log) {
            fprintf(stderr, "pgmortem: %s: %s (%s)", in->path, pgm_kind_name(in->kind), in->format);
            print_envelope(in);
            fprintf(stderr, "; %llu lines, %llu records; %llu events, %llu messages of unknown kind\n",
                    (unsigned long long)c->lines, (unsigned long long)c->records,
                    (unsigned long long)in->events, (unsigned long long)in->unknown);
            continue;
        }
        if (!in->is_log)
            continue;
        fprintf(stderr, "pgmortem: %s: %s", in->path, in->format);
        print_envelope(in);
        if (c->prefix[0] || c->prefix_origin[0]) {
            fprintf(stderr, ", log_line_prefix '%s' (%s; %llu of the first %llu lines parsed", c->prefix,
                    c->prefix_origin, (unsigned long long)c->primary_parsed, (unsigned long long)c->primary_tried);
            if (c->rare->prefix_rival[0])
                fprintf(stderr, "; '%s' reads them as well", c->rare->prefix_rival);
            if (c->rare->prefix_switches)
                fprintf(stderr, "; from line %llu: '%s'%s", (unsigned long long)c->rare->prefix_switch_line,
                        c->rare->prefix_switched, c->rare->prefix_changed ? ", a changed prefix" : "");
            fprintf(stderr, ")");
        }
        fprintf(stderr,
                "; %llu lines: %llu messages, %llu secondary and %llu continuation lines, "
                "%llu not understood",
                (unsigned long long)c->lines, (unsigned long long)c->records,
                (unsigned long long)c->secondary, (unsigned long long)c->continuation,
                (unsigned long long)c->unparsed);
        if (c->rare->foreign)
            fprintf(stderr, ", %llu no server output", (unsigned long long)c->rare->foreign);
        if (c->rare->blank)
            fprintf(stderr, ", %llu empty", (unsigned long long)c->rare->blank);
        fprintf(stderr, "; %llu events, %llu messages of unknown kind\n", (unsigned long long)in->events,
                (unsigned long long)in->unknown);
        for (size_t k = 0; k < in->n_shapes && k < 5; k++)
            fprintf(stderr, "pgmortem:   unknown: %llu x '%s...' (first at line %llu)\n",
                    (unsigned long long)in->shapes[k].count, in->shapes[k].words,
                    (unsigned long long)in->shapes[k].first_line);
    }
}

/* What a reorder buffer did, for --coverage. */
static void note_reorder(timeline_run *t, const pgm_reorder *r)
{
    pgm_reorder_stats st = pgm_reorder_get_stats(r);
    pgm_reorder_stats *o = &t->order_stats;
    if (!t->reordered)
        *o = st;
    o->max_step_back = st.max_step_back > o->max_step_back ? st.max_step_back : o->max_step_back;
    o->window = st.window > o->window ? st.window : o->window;
    o->peak_bytes = st.peak_bytes > o->peak_bytes ? st.peak_bytes : o->peak_bytes;
    o->spilled = o->spilled || st.spilled;
    if (t->reordered)
        o->narrowed += st.narrowed;
    o->spill_runs = st.spill_runs > o->spill_runs ? st.spill_runs : o->spill_runs;
    t->reordered = true;
}

/* A span of microseconds as seconds; INT64_MAX (a step back to an event
 * without a time, which counts as infinitely far) as `infinite`. */
static const char *span_said(char buf[48], int64_t us, const char *infinite)
{
    if (us == INT64_MAX)
        return infinite;
    snprintf(buf, 48, "%.3f s", (double)us / 1e6);
    return buf;
}

/* How the events were put in time order (--coverage): what made a large
 * timeline slow or fast. */
static void print_order(const timeline_run *t, pgm_sorter *const *sorters)
{
    bool streamed = false;
    size_t runs = 0;
    for (unsigned l = 0; l < t->jobs; l++) {
        streamed = streamed || t->lanes[l].mode == LANE_STREAMED || t->lanes[l].mode == LANE_CHUNKED;
        runs += pgm_sorter_runs(sorters[l]);
    }
    if (t->restarted)
        fprintf(stderr, "pgmortem: order: an event came too late to be put in order at %s: the timeline was made "
                        "again, sorted\n", t->restart_at);
    const char *how = t->optimistic ? "each checked to come no earlier than the ones written"
                                    : "after a pass proved how far the log steps back in time";
    if (t->chunked)
        fprintf(stderr, "pgmortem: order: events written as they were read by %u threads, chunk by chunk in the "
                        "log's order, %s\n", t->jobs, how);
    else if (streamed)
        fprintf(stderr, "pgmortem: order: events written as they were read, %s\n", how);
    if (t->reordered) {
        const pgm_reorder_stats *o = &t->order_stats;
        char step[48], window[48];
        fprintf(stderr, "pgmortem: order: largest step back %s, put in order through a buffer of %s "
                        "(%s), %.1f MiB held at most\n",
                span_said(step, o->max_step_back, "to an event without a time (those go first)"),
                span_said(window, o->window, "every event"),
                t->optimistic ? "grown with the steps back seen" : "the step back proven", (double)o->peak_bytes / 1048576.0);
        if (o->narrowed)
            fprintf(stderr, "pgmortem: order: past %u MiB held, the oldest went out early %llu time(s), the buffer "
                            "narrowed to the largest step back seen\n",
                    PGM_REORDER_MEM >> 20, (unsigned long long)o->narrowed);
        if (o->spilled)
            fprintf(stderr, "pgmortem: order: past %u MiB held, the rest was sorted (through %zu temporary file(s))\n",
                    PGM_REORDER_MEM >> 20, o->spill_runs);
    }
    if (runs)
        fprintf(stderr, "pgmortem: order: events sorted through %zu temporary file(s)\n", runs);
    else if (!streamed)
        fprintf(stderr, "pgmortem: order: events sorted in memory\n");
}

static void hold_warning(void *ctx, const char *path, const char *msg)
{
    timeline_run *t = ctx;
    struct held_warning *w = t->n_held < PGM_TIMELINE_HELD_WARNINGS ? &t->held[t->n_held] : NULL;
    if (w && (w->path = strdup(path)) != NULL && (w->msg = strdup(msg)) != NULL) {
        t->n_held++;
        return;
    }
    if (w)
        free(w->path);
    t->held_dropped++;
}

/* Progress goes on as usual while warnings are held: the scan's callbacks
 * share one context, the timeline's then. */
static void progress_through(void *ctx, uint64_t bytes)
{
    timeline_run *t = ctx;
    pgm_term_progress(t->term, bytes);
}

static void drop_held_warnings(timeline_run *t)
{
    for (size_t i = 0; i < t->n_held; i++) {
        free(t->held[i].path);
        free(t->held[i].msg);
    }
    t->n_held = 0;
    t->held_dropped = 0;
}

/* What a run of the scan needs besides the timeline's own state. */
typedef struct run_options {
    pgm_common_opts *c;
    pgm_ruleset *rs;
    const pgm_pglog_options *logopt;
    bool keep_secrets;
    const pgm_zone *app_tz;
    int64_t app_day;
    pgm_term *term;
    bool coverage;
} run_options;

/* One pass over the inputs into the output: the exit code. A run stopped by
 * an event out of order leaves t->restart set and prints nothing more. */
static int run_timeline(timeline_run *t, const run_options *ro)
{
    char err[PGM_ERR_MAX] = "";
    pgm_sorter *sorters[PGM_SCAN_MAX_JOBS];
    bool ready = true;
    t->failed = false;
    t->why = NULL;
    t->last_written = PGM_TS_UNKNOWN;
    t->n_slots = PGM_STREAM_AHEAD_PER_THREAD * t->jobs;
    t->next_part = 0;
    t->writing = false;
    t->chunks_failed = t->chunked = t->reordered = false;
    t->reorder = NULL;
    pgm_strbuf_init(&t->out_line, PGM_SORT_MAX_RECORD + PGM_STREAM_FLUSH_BYTES);
    for (size_t i = 0; i < t->n_slots; i++) {
        t->slots[i] = (chunk_slot){.batch = pgm_reorder_batch_new(PGM_STREAM_SLOT_MAX)};
        ready = ready && t->slots[i].batch;
    }
    for (unsigned l = 0; l < t->jobs; l++) {
        lane *ln = &t->lanes[l];
        *ln = (lane){.run = t, .mode = LANE_UNDECIDED,
                     .batch = pgm_reorder_batch_new(PGM_SORT_MAX_RECORD + PGM_STREAM_FLUSH_BYTES)};
        pgm_strbuf_init(&ln->line, PGM_SORT_MAX_RECORD + PGM_STREAM_FLUSH_BYTES);
        /* the threads share the memory budget */
        ready = ready && ln->batch && pgm_sorter_open(&ln->sorter, PGM_SORT_MEM / t->jobs, NULL, err) == PGM_OK;
        sorters[l] = ln->sorter;
    }
    if (!ready && !err[0])
        snprintf(err, sizeof err, "out of memory");
    int rc = PGM_EXIT_INPUT;
    if (!ready) {
        fprintf(stderr, "pgmortem: %s\n", err);
    } else {
        pgm_scan s;
        pgm_scan_init(&s, ro->rs);
        s.log = *ro->logopt;
        s.jobs = t->jobs;
        s.keep_secrets = ro->keep_secrets;
        s.app_tz = *ro->app_tz;
        s.app_day = ro->app_day;
        s.on_event = on_event;
        s.on_warning = t->optimistic ? hold_warning : pgm_term_warning;
        s.on_progress = t->optimistic ? progress_through : pgm_term_progress;
        s.ctx = t;
        t->scan = &s;
        s.term_ctx = t->optimistic ? (void *)t : (void *)ro->term;
        /* a proof of order only where the output cannot be taken back */
        s.want_time_order = t->may_stream && !t->optimistic;
        s.borrow_values = true; /* each event is rendered in its callback */
        if (t->jobs > 1 && t->may_stream) {
            /* the threads read chunks in turn and their lines are written in order */
            s.chunk_bytes = PGM_STREAM_CHUNK_BYTES;
            s.on_chunk = on_chunk;
        }
        if (t->format == PGM_TIMELINE_CSV)
            pgm_sink_write(t->out, pgm_timeline_csv_header, strlen(pgm_timeline_csv_header));
        int r = pgm_scan_run(&s, ro->c->inputs, ro->c->n_inputs, &ro->c->lim);
        pgm_term_clear(ro->term);
        if (t->chunks_failed && !t->restart) {
            t->failed = true;
            if (!t->why)
                t->why = "the output could not be written";
        }
        if (t->reorder && !t->restart && !t->failed) {
            /* the chunks' events still held */
            t->failed = pgm_reorder_finish(t->reorder, emit_chunked, t) != PGM_OK ||
                        (t->out_line.len && pgm_sink_write(t->out, t->out_line.p, t->out_line.len) != PGM_OK);
            t->last_written = pgm_reorder_last_out(t->reorder);
            note_reorder(t, t->reorder);
        }
        for (unsigned l = 0; l < t->jobs && !t->restart; l++) {
            lane *ln = &t->lanes[l];
            if (ln->mode == LANE_STREAMED && !ln->failed) {
                ln->failed = !push_batch(t, ln->reorder, &ln->batch, emit_streamed, ln) ||
                             pgm_reorder_finish(ln->reorder, emit_streamed, ln) != PGM_OK ||
                             flush_streamed(t, ln) != PGM_OK;
                if (pgm_reorder_last_out(ln->reorder) > t->last_written)
                    t->last_written = pgm_reorder_last_out(ln->reorder);
                note_reorder(t, ln->reorder);
            }
            t->failed = t->failed || ln->failed;
        }
        if (!t->restart && !t->failed && pgm_sorter_finish_many(sorters, t->jobs, write_line, t) != PGM_OK)
            t->failed = true;
        if (!t->restart) {
            /* the run stands: its warnings are printed now */
            for (size_t i = 0; i < t->n_held; i++)
                pgm_term_warning(ro->term, t->held[i].path, t->held[i].msg);
            if (t->held_dropped)
                fprintf(stderr, "pgmortem: %llu more warning(s)\n", (unsigned long long)t->held_dropped);
            drop_held_warnings(t);
            if (ro->coverage && !ro->c->quiet) {
                print_coverage(&s);
                print_order(t, sorters);
            }
            /* an empty timeline is no timeline of a quiet night: it is said */
            if (!t->failed && r != PGM_FATAL && s.events == 0) {
                uint64_t unknown = 0; /* messages read, of no kind the rules know */
                for (size_t i = 0; i < s.n_inputs; i++)
                    unknown += pgm_scan_input(&s, i)->unknown;
                if (!s.stats.files)
                    fputs("pgmortem: warning: no file could be read from the input: the timeline is empty\n", stderr);
                else if (unknown)
                    fprintf(stderr, "pgmortem: warning: no event in the %llu file(s) read: their %llu message(s) "
                            "are of no kind pgmortem knows (--coverage lists them)\n",
                            (unsigned long long)s.stats.files, (unsigned long long)unknown);
                else
                    fprintf(stderr, "pgmortem: warning: no event in the %llu file(s) read: no line of a log "
                            "pgmortem reads (`pgmortem inventory` shows what each file is)\n",
                            (unsigned long long)s.stats.files);
                r = PGM_WARN;
            }
            uint64_t kept = 0;
            for (unsigned l = 0; l < t->jobs; l++)
                kept += t->lanes[l].kept;
            /* the filters' answer, not a fault: said, the exit code left */
            if (!t->failed && s.events && !kept && !ro->c->quiet)
                fprintf(stderr, "pgmortem: note: none of the %llu event(s) read is of the --kinds asked or within "
                        "--since/--until: the timeline is empty\n", (unsigned long long)s.events);
            if (t->failed) {
                const char *why = t->why ? t->why : "out of memory or output error";
                for (unsigned l = 0; l < t->jobs; l++)
                    if (pgm_sorter_error(sorters[l])[0])
                        why = pgm_sorter_error(sorters[l]);
                fprintf(stderr, "pgmortem: the timeline is incomplete: %s\n", why);
            }
        }
        rc = t->failed || r == PGM_FATAL ? PGM_EXIT_INPUT : r == PGM_OK ? PGM_EXIT_OK : PGM_EXIT_INPUT;
        pgm_scan_free(&s);
        t->scan = NULL;
    }
    for (unsigned l = 0; l < t->jobs; l++) {
        pgm_sorter_close(t->lanes[l].sorter);
        pgm_strbuf_free(&t->lanes[l].line);
        pgm_reorder_close(t->lanes[l].reorder);
        pgm_reorder_batch_delete(t->lanes[l].batch);
        t->lanes[l] = (lane){0};
    }
    for (size_t i = 0; i < t->n_slots; i++)
        pgm_reorder_batch_delete(t->slots[i].batch);
    pgm_reorder_close(t->reorder);
    t->reorder = NULL;
    pgm_strbuf_free(&t->out_line);
    return rc;
}

int pgm_cmd_timeline(int argc, char **argv, int first)
{
    pgm_args a;
    pgm_args_init(&a, argc, argv, first, "timeline");
    pgm_common_opts c;
    timeline_run t = {.format = PGM_TIMELINE_JSONL, .since = PGM_TS_UNKNOWN, .until = PGM_TS_UNKNOWN,
                      .mu = PTHREAD_MUTEX_INITIALIZER, .turn = PTHREAD_COND_INITIALIZER};
    pgm_read_opts ro_opts;
    pgm_read_opts_init(&ro_opts);
    bool coverage = false, keep_secrets = false;
    const char *output = NULL;
    int rc = PGM_EXIT_USAGE;
    if (!pgm_common_init(&c, argc))
        return PGM_EXIT_INPUT;
    const char *opt, *operand, *v;
    int k;
    while ((k = pgm_args_next(&a, &opt, &operand)) != 0) {
        int shared = pgm_common_option(&a, k, opt, operand, &c);
        if (shared < 0)
            goto out;
        if (shared == 2) {
            rc = PGM_EXIT_OK;
            goto out;
        }
        if (shared)
            continue;
        int reading = pgm_read_option(&a, opt, &ro_opts);
        if (reading < 0)
            goto out;
        if (reading)
            continue;
        if (strcmp(opt, "--coverage") == 0) {
            coverage = true;
        } else if (strcmp(opt, "--no-redact") == 0) {
            keep_secrets = true;
        } else if (strcmp(opt, "-f") == 0 || strcmp(opt, "--format") == 0) {
            if (!(v = pgm_args_value(&a)))
                goto out;
            if (strcmp(v, "jsonl") == 0)
                t.format = PGM_TIMELINE_JSONL;
            else if (strcmp(v, "csv") == 0)
                t.format = PGM_TIMELINE_CSV;
            else {
                pgm_usage_error("timeline", "unknown format '%s' (jsonl or csv)", v);
                goto out;
            }
        } else if (strcmp(opt, "-o") == 0 || strcmp(opt, "--output") == 0) {
            if (!(output = pgm_args_value(&a)))
                goto out;
        } else if (strcmp(opt, "--kinds") == 0) {
            if (!(v = pgm_args_value(&a)) || !split_kinds(&t, v))
                goto out;
        } else {
            pgm_usage_error("timeline", "unknown option '%s'", opt);
            goto out;
        }
    }
    if (c.n_inputs == 0) {
        pgm_usage_error("timeline", "no input given (a directory, a file, or - for stdin)");
        goto out;
    }
    if (!pgm_read_opts_check(&ro_opts, "timeline"))
        goto out;
    for (unsigned id = PGM_EV_NONE + 1; id < PGM_EV_COUNT; id++)
        t.wanted[id] = kind_wanted(&t, pgm_event_kind_name((enum pgm_event_kind)id));
    t.since = ro_opts.since;
    t.jobs = pgm_read_opts_jobs(&ro_opts);
    t.until = ro_opts.until;

    pgm_ruleset rs;
    if (!pgm_load_rules(&c.rules, &rs)) {
        pgm_ruleset_free(&rs);
        rc = PGM_EXIT_RULES;
        goto out;
    }
    char err[PGM_ERR_MAX] = "";
    /* -o events.jsonl.zst: compressed as it is written */
    if (pgm_sink_open(&t.out, output ? output : "-", output && pgm_sink_wants_zstd(output), err) != PGM_OK) {
        fprintf(stderr, "pgmortem: %s\n", err);
        pgm_ruleset_free(&rs);
        rc = PGM_EXIT_INPUT;
        goto out;
    }
    /* One file (not a directory or stdin) may be streamed when its log is no
     * archive member: after a pass that proves a plain file in order, or,
     * when the output can be taken back, at once, starting over sorted if an
     * event comes out of order. */
    struct stat st;
    t.may_stream = c.n_inputs == 1 && strcmp(c.inputs[0], "-") != 0 && stat(c.inputs[0], &st) == 0 &&
                   S_ISREG(st.st_mode);
    t.optimistic = t.may_stream && pgm_sink_rewindable(t.out);

    pgm_term term;
    pgm_term_init(&term, c.quiet);
    t.term = &term;
    run_options ro = {&c, &rs, &ro_opts.log, keep_secrets, &ro_opts.app_tz, ro_opts.app_day, &term, coverage};
    rc = run_timeline(&t, &ro);
    if (t.restart) {
        /* an optimistic run met an event out of order: its output and its
         * warnings are dropped, and the timeline is made again, sorted */
        drop_held_warnings(&t);
        t.restart = t.optimistic = t.may_stream = false;
        t.restarted = true;
        if (pgm_sink_rewind(t.out) != PGM_OK) {
            fprintf(stderr, "pgmortem: the timeline is incomplete: its output could not be written again\n");
            rc = PGM_EXIT_INPUT;
        } else {
            rc = run_timeline(&t, &ro);
        }
    }
    char werr[PGM_ERR_MAX] = "";
    if (pgm_sink_close(t.out, werr) != PGM_OK) {
        fprintf(stderr, "pgmortem: %s\n", werr);
        rc = PGM_EXIT_INPUT;
    }
    t.out = NULL;
    pgm_ruleset_free(&rs);
out:
    pthread_mutex_destroy(&t.mu);
    pthread_cond_destroy(&t.turn);
    pgm_read_opts_free(&ro_opts);
    for (size_t i = 0; i < t.n_kinds; i++)
        free(t.kinds[i]);
    pgm_common_free(&c);
    return rc;
}
