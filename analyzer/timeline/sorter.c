#include "timeline/sorter.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/strbuf.h"

/* stdio buffer of each run file while it is written or merged. */
#define RUN_IO_BUFFER (256u << 10)

typedef struct rec_ref {
    int64_t t;
    uint64_t seq;
    size_t off, len;
} rec_ref;

typedef struct run {
    FILE *f;
    /* merge cursor */
    int64_t t;
    uint64_t seq;
    unsigned char *buf;
    size_t len, alloc;
} run;

struct pgm_sorter {
    size_t mem;
    char tmpdir[512];
    pgm_strbuf data;
    rec_ref *refs;
    size_t n, alloc;
    bool sorted;        /* the held records came in order */
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
    snprintf(s->err, sizeof s->err, "%s: %s", what, strerror(errno));
    return PGM_FATAL;
}

static FILE *new_run_file(pgm_sorter *s)
{
    char path[600];
    snprintf(path, sizeof path, "%s/pgmortem-sort-XXXXXX", s->tmpdir);
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    unlink(path);
    FILE *f = fdopen(fd, "w+b");
    if (!f) {
        close(fd);
        return NULL;
    }
    setvbuf(f, NULL, _IOFBF, RUN_IO_BUFFER);
    return f;
}

static int cmp_ref(const void *a, const void *b)
{
    const rec_ref *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int write_record(FILE *f, int64_t t, uint64_t seq, const void *data, size_t len)
{
    uint32_t l = (uint32_t)len;
    if (fwrite(&t, sizeof t, 1, f) != 1 || fwrite(&seq, sizeof seq, 1, f) != 1 ||
        fwrite(&l, sizeof l, 1, f) != 1 || (len && fwrite(data, 1, len, f) != len))
        return -1;
    return 0;
}

static int add_run(pgm_sorter *s, FILE *f)
{
    if (s->n_runs == s->runs_alloc) {
        size_t na = s->runs_alloc ? 2 * s->runs_alloc : 16;
        run *nr = realloc(s->runs, na * sizeof *nr);
        if (!nr)
            return -1;
        s->runs = nr;
        s->runs_alloc = na;
    }
    memset(&s->runs[s->n_runs], 0, sizeof s->runs[0]);
    s->runs[s->n_runs++].f = f;
    s->runs_written++;
    return 0;
}

static void sort_held(pgm_sorter *s)
{
    if (!s->sorted)
        qsort(s->refs, s->n, sizeof *s->refs, cmp_ref);
    s->sorted = true;
}

/* ------------------------------------------------------------------ merging */

/* Reads a run's next record into its cursor: 1, 0 at the end, -1 on error. */
static int run_next(run *r)
{
    uint32_t l;
    if (fread(&r->t, sizeof r->t, 1, r->f) != 1)
        return feof(r->f) ? 0 : -1;
    if (fread(&r->seq, sizeof r->seq, 1, r->f) != 1 || fread(&l, sizeof l, 1, r->f) != 1)
        return -1;
    if (l > r->alloc) {
        unsigned char *nb = realloc(r->buf, l);
        if (!nb)
            return -1;
        r->buf = nb;
        r->alloc = l;
    }
    r->len = l;
    return l && fread(r->buf, 1, l, r->f) != l ? -1 : 1;
}

static bool run_before(const run *a, const run *b)
{
    return a->t != b->t ? a->t < b->t : a->seq < b->seq;
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

typedef int (*merge_out)(void *ctx, int64_t t, uint64_t seq, const void *data, size_t len);

/* Merges runs[from, to) into `out`; the runs are closed. */
static int merge(pgm_sorter *s, size_t from, size_t to, merge_out out, void *ctx)
{
    size_t n = to - from, k = 0;
    run **heap = calloc(n ? n : 1, sizeof *heap);
    int rc = PGM_OK;
    if (!heap) {
        rc = fail(s, "merging sorted runs");
        goto done;
    }
    for (size_t i = from; i < to; i++) {
        if (fflush(s->runs[i].f) != 0 || fseek(s->runs[i].f, 0, SEEK_SET) != 0) {
            rc = fail(s, "rewinding a sorted run");
            goto done;
        }
        int r = run_next(&s->runs[i]);
        if (r < 0) {
            rc = fail(s, "reading a sorted run");
            goto done;
        }
        if (r > 0)
            heap[k++] = &s->runs[i];
    }
    for (size_t i = k / 2; i-- > 0;)
        sift_down(heap, k, i);
    while (k) {
        run *top = heap[0];
        rc = out(ctx, top->t, top->seq, top->buf, top->len);
        if (rc != PGM_OK)
            goto done;
        int r = run_next(top);
        if (r < 0) {
            rc = fail(s, "reading a sorted run");
            goto done;
        }
        if (r == 0)
            heap[0] = heap[--k];
        sift_down(heap, k, 0);
    }
done:
    free(heap);
    for (size_t i = from; i < to; i++) {
        fclose(s->runs[i].f);
        free(s->runs[i].buf);
        s->runs[i].f = NULL;
        s->runs[i].buf = NULL;
    }
    return rc;
}

static int to_file(void *ctx, int64_t t, uint64_t seq, const void *data, size_t len)
{
    return write_record(ctx, t, seq, data, len) ? PGM_FATAL : PGM_OK;
}

/* Too many runs for one merge: the oldest ones become one. */
static int compact_runs(pgm_sorter *s)
{
    FILE *f = new_run_file(s);
    if (!f)
        return fail(s, "creating a temporary file for sorting");
    size_t half = s->n_runs / 2;
    int rc = merge(s, 0, half, to_file, f);
    if (rc != PGM_OK) {
        fclose(f);
        return rc == PGM_FATAL && !s->err[0] ? fail(s, "writing a sorted run") : rc;
    }
    memmove(s->runs + 1, s->runs + half, (s->n_runs - half) * sizeof *s->runs);
    s->n_runs -= half - 1;
    memset(&s->runs[0], 0, sizeof s->runs[0]);
    s->runs[0].f = f;
    return PGM_OK;
}

/* The held records become a run on disk. */
static int spill(pgm_sorter *s)
{
    if (s->n_runs + 1 >= PGM_SORT_MAX_RUNS) {
        int rc = compact_runs(s);
        if (rc != PGM_OK)
            return rc;
    }
    sort_held(s);
    FILE *f = new_run_file(s);
    if (!f)
        return fail(s, "creating a temporary file for sorting");
    for (size_t i = 0; i < s->n; i++)
        if (write_record(f, s->refs[i].t, s->refs[i].seq, s->data.p + s->refs[i].off, s->refs[i].len)) {
            fclose(f);
            return fail(s, "writing a sorted run");
        }
    if (add_run(s, f)) {
        fclose(f);
        return fail(s, "keeping a sorted run");
    }
    pgm_strbuf_reset(&s->data);
    s->n = 0;
    return PGM_OK;
}

int pgm_sorter_add(pgm_sorter *s, int64_t t, const void *data, size_t len)
{
    if (len > PGM_SORT_MAX_RECORD) {
        snprintf(s->err, sizeof s->err, "a record of %zu bytes is over the sort limit", len);
        return PGM_FATAL;
    }
    if (s->data.len + len + (s->n + 1) * sizeof *s->refs > s->mem && s->n) {
        int rc = spill(s);
        if (rc != PGM_OK)
            return rc;
    }
    if (s->n == s->alloc) {
        size_t na = s->alloc ? 2 * s->alloc : 1024;
        rec_ref *nr = realloc(s->refs, na * sizeof *nr);
        if (!nr)
            return fail(s, "sorting");
        s->refs = nr;
        s->alloc = na;
    }
    size_t off = s->data.len;
    if (pgm_strbuf_add(&s->data, data, len))
        return fail(s, "sorting");
    if (s->n && t < s->refs[s->n - 1].t)
        s->sorted = false;
    s->refs[s->n++] = (rec_ref){t, s->seq++, off, len};
    return PGM_OK;
}

typedef struct emit_ctx {
    pgm_sorter_emit emit;
    void *ctx;
} emit_ctx;

static int to_emit(void *ctx, int64_t t, uint64_t seq, const void *data, size_t len)
{
    (void)seq;
    emit_ctx *e = ctx;
    return e->emit(e->ctx, t, data, len);
}

int pgm_sorter_finish(pgm_sorter *s, pgm_sorter_emit emit, void *ctx)
{
    if (s->n_runs == 0) {
        /* everything fitted in memory */
        sort_held(s);
        for (size_t i = 0; i < s->n; i++) {
            int rc = emit(ctx, s->refs[i].t, s->data.p + s->refs[i].off, s->refs[i].len);
            if (rc != PGM_OK)
                return rc;
        }
        return PGM_OK;
    }
    if (s->n) {
        int rc = spill(s);
        if (rc != PGM_OK)
            return rc;
    }
    emit_ctx e = {emit, ctx};
    size_t n = s->n_runs;
    s->n_runs = 0;
    return merge(s, 0, n, to_emit, &e);
}

void pgm_sorter_close(pgm_sorter *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_runs; i++) {
        if (s->runs[i].f)
            fclose(s->runs[i].f);
        free(s->runs[i].buf);
    }
    free(s->runs);
    free(s->refs);
    pgm_strbuf_free(&s->data);
    free(s);
}
