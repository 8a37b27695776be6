#include "timeline/sorter.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/directio.h"
#include "util/grow.h"
#include "util/strbuf.h"

/* Bytes read from a run file at once while merging. */
#define RUN_READ_BLOCK (1u << 20)

/* A record as it sits in memory and in run files: this header, then the
 * bytes. Records that came in order are written out as one block. */
typedef struct rec_head {
    int64_t t;
    uint64_t order;   /* the caller's tie-break (input, chunk) before arrival */
    uint64_t seq;
    uint64_t len;
} rec_head;

typedef struct rec_ref {
    int64_t t;
    uint64_t order, seq;
    size_t off; /* of the header in `data` */
} rec_ref;

typedef struct run {
    int fd;
    int64_t last_t;       /* key of its last record, while it is being written */
    uint64_t last_order, last_seq;
    /* merge cursor */
    unsigned char *block; /* RUN_READ_BLOCK bytes read ahead */
    size_t pos, end;
    bool eof;
    rec_head head;        /* current record */
    const unsigned char *data;
    unsigned char *big;   /* a record that straddles blocks is copied here */
    size_t big_alloc;
} run;

struct pgm_sorter {
    size_t mem;
    char tmpdir[512];
    pgm_strbuf data;      /* headers and records */
    rec_ref *refs;
    size_t n, alloc;
    bool sorted;          /* the held records came in order */
    uint64_t seq;
    run *runs;
    size_t n_runs, runs_alloc;
    size_t runs_written;
    char err[PGM_ERR_MAX];
};

int pgm_sorter_open(pgm_sorter **out, size_t mem, const char *tmpdir, char err[PGM_ERR_MAX])
{
    pgm_sorter *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, PGM_ERR_MAX, "out of memory");
        return PGM_FATAL;
    }
    s->mem = mem ? mem : PGM_SORT_MEM;
    if (!tmpdir || !*tmpdir)
        tmpdir = getenv("TMPDIR");
    snprintf(s->tmpdir, sizeof s->tmpdir, "%s", tmpdir && *tmpdir ? tmpdir : "/tmp");
    pgm_strbuf_init(&s->data, SIZE_MAX);
    s->sorted = true;
    *out = s;
    return PGM_OK;
}

const char *pgm_sorter_error(const pgm_sorter *s) { return s->err; }
size_t pgm_sorter_runs(const pgm_sorter *s) { return s->runs_written; }

static int fail(pgm_sorter *s, const char *what)
{
    if (!s->err[0])
        snprintf(s->err, sizeof s->err, "%s: %s", what, errno ? strerror(errno) : "out of memory");
    return PGM_FATAL;
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static int new_run(pgm_sorter *s)
{
    char path[600];
    snprintf(path, sizeof path, "%s/pgmortem-sort-XXXXXX", s->tmpdir);
    int fd = mkstemp(path);
    if (fd < 0)
        return fail(s, "creating a temporary file for sorting");
    unlink(path);
    run *nr = pgm_grow(s->runs, &s->runs_alloc, s->n_runs, sizeof *nr, 16);
    if (!nr) {
        close(fd);
        return fail(s, "keeping a sorted run");
    }
    s->runs = nr;
    memset(&s->runs[s->n_runs], 0, sizeof s->runs[0]);
    s->runs[s->n_runs].fd = fd;
    s->n_runs++;
    s->runs_written++;
    return PGM_OK;
}

static int cmp_ref(const void *a, const void *b)
{
    const rec_ref *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static bool key_before(int64_t t1, uint64_t o1, uint64_t s1, int64_t t2, uint64_t o2, uint64_t s2)
{
    return t1 != t2 ? t1 < t2 : o1 != o2 ? o1 < o2 : s1 < s2;
}

static rec_head head_at(const pgm_sorter *s, const rec_ref *r)
{
    rec_head h;
    memcpy(&h, s->data.p + r->off, sizeof h);
    return h;
}

/* ------------------------------------------------------------------ merging */

static void run_close(run *r)
{
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    free(r->block);
    free(r->big);
    r->block = r->big = NULL;
}

/* Refills the block keeping its unread tail, put where the bytes read after
 * it land on a PGM_READ_ALIGN boundary (util/directio.h: the kernel's copy
 * into memory off one is slower); -1 on a read error. */
static int refill(run *r)
{
    size_t keep = r->end - r->pos, at = (PGM_READ_ALIGN - keep % PGM_READ_ALIGN) % PGM_READ_ALIGN;
    memmove(r->block + at, r->block + r->pos, keep);
    r->pos = at;
    r->end = at + keep;
    while (!r->eof && r->end < at + RUN_READ_BLOCK) {
        ssize_t got = read(r->fd, r->block + r->end, at + RUN_READ_BLOCK - r->end);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            r->eof = true;
        r->end += (size_t)got;
    }
    return 0;
}

/* The run's next record: 1, 0 at the end, -1 on an error. */
static int run_next(run *r)
{
    if (r->end - r->pos < sizeof r->head && (refill(r) || r->end - r->pos < sizeof r->head))
        return r->end == r->pos && r->eof ? 0 : -1;
    memcpy(&r->head, r->block + r->pos, sizeof r->head);
    r->pos += sizeof r->head;
    size_t len = (size_t)r->head.len;
    if (len > PGM_SORT_MAX_RECORD)
        return -1;
    if (r->end - r->pos < len && refill(r))
        return -1;
    if (r->end - r->pos >= len) {
        r->data = r->block + r->pos;
        r->pos += len;
        return 1;
    }
    /* longer than a block: gather it */
    if (len > r->big_alloc) {
        unsigned char *nb = realloc(r->big, len);
        if (!nb)
            return -1;
        r->big = nb;
        r->big_alloc = len;
    }
    size_t have = 0;
    while (have < len) {
        size_t take = r->end - r->pos < len - have ? r->end - r->pos : len - have;
        memcpy(r->big + have, r->block + r->pos, take);
        have += take;
        r->pos += take;
        if (have < len && (refill(r) || r->end == r->pos))
            return -1;
    }
    r->data = r->big;
    return 1;
}

static bool run_before(const run *a, const run *b)
{
    return key_before(a->head.t, a->head.order, a->head.seq, b->head.t, b->head.order, b->head.seq);
}

static void sift_down(run **heap, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && run_before(heap[l], heap[m]))
            m = l;
        if (r < n && run_before(heap[r], heap[m]))
            m = r;
        if (m == i)
            return;
        run *tmp = heap[i];
        heap[i] = heap[m];
        heap[m] = tmp;
        i = m;
    }
}

typedef int (*merge_out)(void *ctx, const rec_head *h, const void *data);

/* Merges runs[from, to) into `out`; the runs are closed. */
static int merge(pgm_sorter *s, size_t from, size_t to, merge_out out, void *ctx)
{
    size_t n = to - from, k = 0;
    run **heap = calloc(n ? n : 1, sizeof *heap);
    int rc = heap ? PGM_OK : fail(s, "merging sorted runs");
    for (size_t i = from; i < to && rc == PGM_OK; i++) {
        run *r = &s->runs[i];
        r->block = pgm_read_alloc(RUN_READ_BLOCK + PGM_READ_ALIGN);
        if (!r->block || lseek(r->fd, 0, SEEK_SET) != 0) {
            rc = fail(s, "reading a sorted run");
            break;
        }
        int got = run_next(r);
        if (got < 0)
            rc = fail(s, "reading a sorted run");
        else if (got > 0)
            heap[k++] = r;
    }
    for (size_t i = k / 2; rc == PGM_OK && i-- > 0;)
        sift_down(heap, k, i);
    while (rc == PGM_OK && k) {
        run *top = heap[0];
        rc = out(ctx, &top->head, top->data);
        if (rc != PGM_OK)
            break;
        int got = run_next(top);
        if (got < 0) {
            rc = fail(s, "reading a sorted run");
            break;
        }
        if (got == 0)
            heap[0] = heap[--k];
        sift_down(heap, k, 0);
    }
    free(heap);
    for (size_t i = from; i < to; i++)
        run_close(&s->runs[i]);
    return rc;
}

/* Writes merged records to a run through a block buffer. */
typedef struct block_writer {
    int fd;
    unsigned char *buf;
    size_t len;
    run *r;
} block_writer;

static int bw_flush(block_writer *w)
{
    int rc = write_all(w->fd, w->buf, w->len);
    w->len = 0;
    return rc;
}

static int to_block(void *ctx, const rec_head *h, const void *data)
{
    block_writer *w = ctx;
    size_t need = sizeof *h + (size_t)h->len;
    if (w->len + need > RUN_READ_BLOCK && w->len && bw_flush(w))
        return PGM_FATAL;
    if (need > RUN_READ_BLOCK)
        return write_all(w->fd, h, sizeof *h) || write_all(w->fd, data, (size_t)h->len) ? PGM_FATAL : PGM_OK;
    memcpy(w->buf + w->len, h, sizeof *h);
    memcpy(w->buf + w->len + sizeof *h, data, (size_t)h->len);
    w->len += need;
    w->r->last_t = h->t;
    w->r->last_order = h->order;
    w->r->last_seq = h->seq;
    return PGM_OK;
}

/* Too many runs for one merge: the oldest half becomes one run. */
static int compact_runs(pgm_sorter *s)
{
    size_t half = s->n_runs / 2;
    if (new_run(s) != PGM_OK)
        return PGM_FATAL;
    run merged = s->runs[s->n_runs - 1];
    s->n_runs--;
    block_writer w = {merged.fd, malloc(RUN_READ_BLOCK), 0, &merged};
    int rc = w.buf ? merge(s, 0, half, to_block, &w) : fail(s, "merging sorted runs");
    if (rc == PGM_OK && bw_flush(&w))
        rc = fail(s, "writing a sorted run");
    free(w.buf);
    if (rc != PGM_OK) {
        close(merged.fd);
        return rc;
    }
    memmove(s->runs + 1, s->runs + half, (s->n_runs - half) * sizeof *s->runs);
    s->n_runs -= half - 1;
    s->runs[0] = merged;
    return PGM_OK;
}

/* The held records go to disk. Records that came in order, and follow the
 * last run's last record, extend that run: an input in time order makes a
 * single run however long it is, written in large blocks. */
static int spill(pgm_sorter *s)
{
    if (!s->n)
        return PGM_OK;
    if (!s->sorted) {
        qsort(s->refs, s->n, sizeof *s->refs, cmp_ref);
    }
    bool in_place = true;
    for (size_t i = 0; i < s->n && in_place; i++)
        in_place = s->refs[i].seq == s->refs[0].seq + i;
    bool extend = false;
    if (s->n_runs) {
        run *last = &s->runs[s->n_runs - 1];
        extend = !key_before(s->refs[0].t, s->refs[0].order, s->refs[0].seq, last->last_t,
                             last->last_order, last->last_seq);
    }
    if (!extend) {
        if (s->n_runs + 1 >= PGM_SORT_MAX_RUNS && compact_runs(s) != PGM_OK)
            return PGM_FATAL;
        if (new_run(s) != PGM_OK)
            return PGM_FATAL;
    }
    run *r = &s->runs[s->n_runs - 1];
    if (in_place) {
        if (write_all(r->fd, s->data.p, s->data.len))
            return fail(s, "writing a sorted run");
    } else {
        block_writer w = {r->fd, malloc(RUN_READ_BLOCK), 0, r};
        if (!w.buf)
            return fail(s, "sorting");
        int rc = PGM_OK;
        for (size_t i = 0; i < s->n && rc == PGM_OK; i++) {
            rec_head h = head_at(s, &s->refs[i]);
            rc = to_block(&w, &h, s->data.p + s->refs[i].off + sizeof h);
        }
        if (rc == PGM_OK && bw_flush(&w))
            rc = PGM_FATAL;
        free(w.buf);
        if (rc != PGM_OK)
            return fail(s, "writing a sorted run");
    }
    r->last_t = s->refs[s->n - 1].t; /* refs are in key order now */
    r->last_order = s->refs[s->n - 1].order;
    r->last_seq = s->refs[s->n - 1].seq;
    pgm_strbuf_reset(&s->data);
    s->n = 0;
    s->sorted = true;
    return PGM_OK;
}

int pgm_sorter_add(pgm_sorter *s, int64_t t, const void *data, size_t len)
{
    return pgm_sorter_add_ordered(s, t, 0, data, len);
}

/* Holds a record; spills the held ones first when they would pass the
 * memory given, if `may_spill`. */
static int add_record(pgm_sorter *s, int64_t t, uint64_t order, const void *data, size_t len, bool may_spill)
{
    if (len > PGM_SORT_MAX_RECORD) {
        snprintf(s->err, sizeof s->err, "a record of %zu bytes is over the sort limit", len);
        return PGM_FATAL;
    }
    if (may_spill && s->n && s->data.len + sizeof(rec_head) + len + (s->n + 1) * sizeof *s->refs > s->mem &&
        spill(s) != PGM_OK)
        return PGM_FATAL;
    rec_ref *nr = pgm_grow(s->refs, &s->alloc, s->n, sizeof *nr, 1024);
    if (!nr)
        return fail(s, "sorting");
    s->refs = nr;
    rec_head h = {t, order, s->seq, len};
    size_t off = s->data.len;
    if (pgm_strbuf_add(&s->data, &h, sizeof h) || pgm_strbuf_add(&s->data, data, len)) {
        s->data.len = off;
        return fail(s, "sorting");
    }
    if (s->n && key_before(t, order, s->seq, s->refs[s->n - 1].t, s->refs[s->n - 1].order,
                           s->refs[s->n - 1].seq))
        s->sorted = false;
    s->refs[s->n++] = (rec_ref){t, order, s->seq++, off};
    return PGM_OK;
}

int pgm_sorter_add_ordered(pgm_sorter *s, int64_t t, uint64_t order, const void *data, size_t len)
{
    return add_record(s, t, order, data, len, true);
}

typedef struct emit_ctx {
    pgm_sorter_emit emit;
    void *ctx;
} emit_ctx;

static int to_emit(void *ctx, const rec_head *h, const void *data)
{
    emit_ctx *e = ctx;
    return e->emit(e->ctx, h->t, data, (size_t)h->len);
}

int pgm_sorter_finish(pgm_sorter *s, pgm_sorter_emit emit, void *ctx)
{
    if (s->n_runs == 0) {
        /* everything fitted in memory */
        if (!s->sorted)
            qsort(s->refs, s->n, sizeof *s->refs, cmp_ref);
        for (size_t i = 0; i < s->n; i++) {
            rec_head h = head_at(s, &s->refs[i]);
            int rc = emit(ctx, h.t, s->data.p + s->refs[i].off + sizeof h, (size_t)h.len);
            if (rc != PGM_OK)
                return rc;
        }
        return PGM_OK;
    }
    return pgm_sorter_finish_many(&s, 1, emit, ctx);
}

int pgm_sorter_finish_many(pgm_sorter **ss, size_t n, pgm_sorter_emit emit, void *ctx)
{
    if (n == 0)
        return PGM_OK;
    /* nothing on disk: the others' records join the first sorter's in memory
     * (together they fit what the sorters were given) */
    size_t on_disk = 0;
    for (size_t i = 0; i < n; i++)
        on_disk += ss[i]->n_runs;
    if (on_disk == 0) {
        for (size_t i = 1; i < n; i++) {
            for (size_t k = 0; k < ss[i]->n; k++) {
                rec_head h = head_at(ss[i], &ss[i]->refs[k]);
                if (add_record(ss[0], h.t, h.order, ss[i]->data.p + ss[i]->refs[k].off + sizeof h,
                               (size_t)h.len, false) != PGM_OK) {
                    snprintf(ss[0]->err, sizeof ss[0]->err, "out of memory while sorting");
                    return PGM_FATAL;
                }
            }
            pgm_strbuf_reset(&ss[i]->data);
            ss[i]->n = 0;
        }
        return pgm_sorter_finish(ss[0], emit, ctx);
    }
    /* every sorter's records to its runs, then all runs into the first sorter */
    pgm_sorter *s = ss[0];
    for (size_t i = 0; i < n; i++) {
        if (spill(ss[i]) != PGM_OK) {
            if (i)
                snprintf(s->err, sizeof s->err, "%s", ss[i]->err);
            return PGM_FATAL;
        }
        if (i == 0)
            continue;
        for (size_t k = 0; k < ss[i]->n_runs; k++) {
            run *nr = pgm_grow(s->runs, &s->runs_alloc, s->n_runs, sizeof *nr, 16);
            if (!nr)
                return fail(s, "merging sorted runs");
            s->runs = nr;
            s->runs[s->n_runs++] = ss[i]->runs[k];
        }
        ss[i]->n_runs = 0;
    }
    while (s->n_runs > PGM_SORT_MAX_RUNS)
        if (compact_runs(s) != PGM_OK)
            return PGM_FATAL;
    emit_ctx e = {emit, ctx};
    size_t nr = s->n_runs;
    s->n_runs = 0;
    return merge(s, 0, nr, to_emit, &e);
}

void pgm_sorter_close(pgm_sorter *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_runs; i++)
        run_close(&s->runs[i]);
    free(s->runs);
    free(s->refs);
    pgm_strbuf_free(&s->data);
    free(s);
}
