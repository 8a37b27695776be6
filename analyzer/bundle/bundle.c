#include "bundle/bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/archive_layer.h"
#include "bundle/container.h"
#include "bundle/gzip_source.h"
#include "bundle/readahead.h"
#include "bundle/rotation.h"
#include "bundle/xz_source.h"
#include "bundle/zstd_source.h"
#include "util/display.h"
#include "util/grow.h"
#include "util/strbuf.h"

typedef struct walker {
    const pgm_bundle_limits *lim;
    const pgm_bundle_visitor *v;
    pgm_bundle_stats *stats;
    bool fatal;          /* out of memory or the visitor asked to stop */
    bool total_reached;  /* max_total_bytes: nothing more is read */
    uint64_t next_progress;
    const char *disk_path; /* the regular file being walked, while at its top layer */
    uint64_t disk_size;
    int disk_fd;           /* ... and its descriptor, at the file's first byte when walked */
    pgm_unreadable *disk_unreadable; /* ... and what reading it through the descriptor could not read */
    pgm_entry_source *disk_member;   /* a member of a tar read from it, as it is walked */
    unsigned archives_open; /* archives whose members are being walked */
    uint64_t entries;       /* archive entries met in the whole run (--max-entries) */
    bool entries_reached;
    pgm_strbuf shown;       /* a path as the visitor shows it: see shown() */
} walker;

/* Names on disk are escaped as archive members' are (pgm_bundle_append_name)
 * before anyone shows them: a file named with an ESC, an OSC title sequence
 * or U+202E must not drive the terminal or reorder what a reviewer reads.
 * Escaping is idempotent, so members' names, escaped already, pass as they are. */
static const char *shown(walker *w, const char *path)
{
    pgm_strbuf_reset(&w->shown);
    if (pgm_bundle_append_name(&w->shown, path) != 0) {
        pgm_strbuf_reset(&w->shown);
        if (pgm_strbuf_addf(&w->shown, "(a path of %zu bytes)", strlen(path)) != 0)
            return "(a path)";
    }
    return w->shown.p;
}

static void problem(walker *w, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void skipped(walker *w, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Tells the visitor of a problem or of a file skipped. The reason is escaped
 * as the path is: it may quote names of the evidence (a link's target). */
static void tell(walker *w, bool is_problem, const char *path, const char *fmt, va_list ap)
{
    char raw[PGM_ERR_MAX + 64], msg[4 * sizeof raw];
    vsnprintf(raw, sizeof raw, fmt, ap);
    pgm_display_copy(msg, sizeof msg, raw);
    if (is_problem)
        w->stats->problems++;
    else
        w->stats->skipped++;
    void (*cb)(void *, const char *, const char *) = is_problem ? w->v->on_problem : w->v->on_skipped;
    if (cb)
        cb(w->v->ctx, shown(w, path), msg);
}

static void problem(walker *w, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tell(w, true, path, fmt, ap);
    va_end(ap);
}

static void skipped(walker *w, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tell(w, false, path, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------ display paths */

int pgm_bundle_append_name(pgm_strbuf *path, const char *name)
{
    return pgm_display_append(path, name);
}

const char *pgm_bundle_unsafe_name(const char *name)
{
    if (name[0] == '/' || name[0] == '\\')
        return "absolute path";
    if (((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z')) &&
        name[1] == ':')
        return "absolute path (drive letter)";
    const char *p = name;
    while (*p) {
        size_t len = strcspn(p, "/\\");
        if (len == 2 && p[0] == '.' && p[1] == '.')
            return "parent directory ('..') in the name";
        p += len;
        if (*p)
            p++;
    }
    return NULL;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* --------------------------------------------------------------- leaf files */

/* Counts what the visitor reads, enforces the run's byte budget, reports progress. */
typedef struct counted_source {
    pgm_source base;
    pgm_source *below;
    walker *w;
} counted_source;

static ptrdiff_t counted_read(pgm_source *self, void *buf, size_t cap)
{
    counted_source *c = (counted_source *)self;
    walker *w = c->w;
    const pgm_bundle_limits *lim = w->lim;
    if (lim->max_total_bytes) {
        if (w->stats->bytes >= lim->max_total_bytes) {
            w->total_reached = true;
            return pgm_source_fail(self,
                                   "the run's limit of %llu decompressed bytes is reached "
                                   "(--max-total-bytes); the rest is not read",
                                   (unsigned long long)lim->max_total_bytes);
        }
        if (cap > lim->max_total_bytes - w->stats->bytes)
            cap = (size_t)(lim->max_total_bytes - w->stats->bytes);
    }
    ptrdiff_t n = pgm_source_read(c->below, buf, cap);
    if (n < 0)
        return pgm_source_fail(self, "%s", c->below->err);
    w->stats->bytes += (uint64_t)n;
    if (w->v->on_progress && w->stats->bytes >= w->next_progress) {
        w->next_progress = w->stats->bytes + PGM_IO_CHUNK_BYTES;
        w->v->on_progress(w->v->ctx, w->stats->bytes);
    }
    return n;
}

/* Blocks of a file on disk that were read as NUL bytes (bundle/source.h). */
static void say_unreadable(walker *w, const char *path, const pgm_unreadable *u)
{
    char said[PGM_ERR_MAX];
    pgm_unreadable_describe(u, said, sizeof said);
    if (said[0])
        problem(w, path, "%s", said);
}

static void visit_leaf(walker *w, pgm_source *content, const char *path, const char *hint,
                       const unsigned char *head, size_t head_len, int64_t mtime, unsigned depth)
{
    /* inflated, or an archive's member (a layer above it, and no file on
     * disk, which can seek): read ahead while the visitor works, if it asked.
     * Never a bare pipe: a writer that keeps it open would keep the thread
     * waiting after the visitor stopped. A plain file on disk is read ahead
     * past the page cache, if the visitor asked (read_uncached). */
    pgm_readahead ahead;
    bool on_disk = depth == 0 && w->disk_path && strcmp(w->disk_path, path) == 0;
    bool uncached = w->v->read_uncached && on_disk && w->disk_fd >= 0;
    bool read_ahead = (w->v->read_ahead && depth > 0 && !content->seek) || uncached;
    if (read_ahead)
        pgm_readahead_init(&ahead, content);
    if (uncached)
        pgm_readahead_file(&ahead, w->disk_fd);
    counted_source c = {.base = {.read = counted_read}, .below = read_ahead ? &ahead.base : content, .w = w};
    pgm_file_info info = {shown(w, path), hint, head, head_len, mtime, depth, NULL, 0, NULL,
                          w->archives_open == 0};
    if (on_disk) {
        info.disk_path = w->disk_path;
        info.disk_size = w->disk_size;
        info.disk_unreadable = w->disk_unreadable;
    }
    w->stats->files++;
    int rc = w->v->on_file(w->v->ctx, &info, &c.base);
    if (read_ahead)
        pgm_readahead_close(&ahead); /* the layers below are this thread's again */
    if (uncached)
        say_unreadable(w, path, &ahead.unreadable);
    if (c.base.failed)
        problem(w, path, "%s", c.base.err);
    if (rc == PGM_FATAL)
        w->fatal = true;
}

/* ------------------------------------------------------------------ streams */

/* Whether NUL bytes for a block the disk could not read would be read as
 * they are by what reads the file: a plain log, a tar's members (a log's
 * lines around the block are kept). A compressed stream decodes them as
 * garbage: the codes a deflate block reads from zero bits copy earlier text
 * again, whole lines of it. */
static bool nul_fill_reads_true(enum pgm_container kind, const char *label)
{
    return kind == PGM_CONTAINER_NONE || (kind == PGM_CONTAINER_ARCHIVE && strcmp(label, "tar") == 0);
}

/* A file on disk whose contents a NUL-filled block would garble: a bad
 * block ends it as another read error does, and the head, when it held
 * one, is cut before it (what was counted of it read as NUL bytes is not). */
static void stop_at_bad_blocks(walker *w, pgm_source *src, ptrdiff_t *head_len)
{
    pgm_unreadable *u = w->disk_unreadable;
    u->no_fill = true;
    if (u->bytes && u->first_at < (uint64_t)*head_len) {
        char why[PGM_ERR_MAX];
        pgm_read_error_text(why, sizeof why, u->first_at, EIO);
        pgm_source_fail(src, "%s", why);
        *head_len = (ptrdiff_t)u->first_at;
        *u = (pgm_unreadable){.no_fill = true};
    }
}

/* The same for a compressed member of a tar read from disk, whose NUL
 * bytes the tar's other members keep: the member ends before the first of
 * them, and the head is cut before it when it held one. */
static void stop_member_at_bad_blocks(walker *w, ptrdiff_t *head_len)
{
    uint64_t before;
    if (pgm_entry_source_stop_at_fills(w->disk_member, w->disk_unreadable, &before) &&
        before < (uint64_t)*head_len)
        *head_len = (ptrdiff_t)before;
}

static void walk_stream(walker *w, pgm_source *src, pgm_strbuf *path, const char *hint,
                        int64_t mtime, unsigned depth);

/* Reads a decoder to its end once what it holds was walked, so that its
 * checksums are checked: a tar ends at its end blocks and would otherwise
 * never read the gzip trailer or zstd checksum behind them. */
static void check_decoder_end(walker *w, pgm_source *decoder, const char *damage,
                              const char *path, const char *label)
{
    /* a hard failure (a bomb) was reported by the layer that met it; after
     * a run's limit, what is left is not read, so not checked either */
    if (w->fatal || w->total_reached || w->entries_reached || decoder->failed)
        return;
    unsigned char *buf = malloc(PGM_IO_CHUNK_BYTES);
    if (!buf) {
        w->fatal = true;
        return;
    }
    uint64_t left = PGM_TRAILER_CHECK_BYTES;
    ptrdiff_t n;
    while ((n = pgm_source_read(decoder, buf, PGM_IO_CHUNK_BYTES)) > 0) {
        if ((uint64_t)n >= left) {
            problem(w, path, "%s: more than %llu bytes left unread after the content; its "
                    "checksum is not checked", label, (unsigned long long)PGM_TRAILER_CHECK_BYTES);
            break;
        }
        left -= (uint64_t)n;
    }
    if (n < 0)
        problem(w, path, "%s", decoder->err);
    else if (damage[0])
        problem(w, path, "%s", damage);
    free(buf);
}

/* zstd, gzip and xz through their own libraries: each hands on what it
 * decoded before damage and says why it ended (bundle/decoder.h). */
static void walk_decoded(walker *w, enum pgm_container kind, pgm_source *src, pgm_strbuf *path,
                         const char *hint, const char *label, int64_t mtime, unsigned depth)
{
    union {
        pgm_zstd_source zstd;
        pgm_gzip_source gzip;
        pgm_xz_source xz;
    } d;
    pgm_source *decoder;
    const char *damage;
    int rc;
    if (kind == PGM_CONTAINER_ZSTD) {
        rc = pgm_zstd_source_open(&d.zstd, src, w->lim->max_ratio);
        decoder = &d.zstd.base;
        damage = d.zstd.d.damage;
    } else if (kind == PGM_CONTAINER_GZIP) {
        rc = pgm_gzip_source_open(&d.gzip, src, w->lim->max_ratio);
        decoder = &d.gzip.base;
        damage = d.gzip.d.damage;
    } else {
        rc = pgm_xz_source_open(&d.xz, src, w->lim->max_ratio);
        decoder = &d.xz.base;
        damage = d.xz.d.damage;
    }
    if (rc != PGM_OK) {
        w->fatal = true;
        return;
    }
    walk_stream(w, decoder, path, hint, mtime, depth + 1);
    check_decoder_end(w, decoder, damage, path->p, label);
    if (kind == PGM_CONTAINER_ZSTD)
        pgm_zstd_source_close(&d.zstd);
    else if (kind == PGM_CONTAINER_GZIP)
        pgm_gzip_source_close(&d.gzip);
    else
        pgm_xz_source_close(&d.xz);
}

static void walk_compressed(walker *w, pgm_source *src, pgm_strbuf *path, const char *hint,
                            const char *label, int64_t mtime, unsigned depth)
{
    pgm_archive_layer l;
    char err[PGM_ERR_MAX];
    int rc = pgm_archive_layer_open(&l, src, true, w->lim->max_ratio, err);
    if (rc == PGM_FATAL) {
        w->fatal = true;
        return;
    }
    if (rc != PGM_OK) {
        /* a read below that failed is the reason, whatever the filter made of it */
        problem(w, path->p, "cannot decompress %s: %s", label, src->failed ? src->err : err);
        return;
    }
    struct archive_entry *e;
    int r = archive_read_next_header(l.a, &e);
    if (r < ARCHIVE_WARN) {
        const char *msg = pgm_archive_layer_error(&l);
        problem(w, path->p, "cannot decompress %s: %s", label, msg ? msg : "damaged");
    } else if (r != ARCHIVE_EOF) {
        pgm_entry_source es;
        pgm_entry_source_init(&es, &l);
        walk_stream(w, &es.base, path, hint, mtime, depth + 1);
        if (es.warning[0])
            problem(w, path->p, "%s: what was read may differ from what was written", es.warning);
    }
    pgm_archive_layer_close(&l);
}

/* Handles one archive member; returns false when the walk of this archive must stop. */
static bool walk_member(walker *w, pgm_archive_layer *l, struct archive_entry *e,
                        pgm_strbuf *path, unsigned depth, uint64_t *files_inside)
{
    const char *name = archive_entry_pathname(e);
    if (!name || !*name)
        name = "(unnamed entry)";
    size_t keep = path->len;
    size_t name_len = strlen(name);
    /* a name that cannot fit, escaped, is shown by its start and skipped,
     * not taken for a lack of memory */
    if (path->len + 1 + pgm_display_len(name) >= PGM_MAX_DISPLAY_PATH) {
        char start[PGM_LONG_NAME_SHOWN + 1];
        snprintf(start, sizeof start, "%s", name);
        if (pgm_strbuf_addstr(path, "!") == 0 && pgm_bundle_append_name(path, start) == 0 &&
            pgm_strbuf_addstr(path, "...") == 0)
            problem(w, path->p, "a member name of %zu bytes, longer than a path may be here (%u): "
                    "not read", name_len, PGM_MAX_DISPLAY_PATH);
        else
            problem(w, path->p, "a member name of %zu bytes: not read", name_len);
        path->len = keep;
        path->p[keep] = '\0';
        return !w->fatal && !w->total_reached;
    }
    if (pgm_strbuf_addstr(path, "!") || pgm_bundle_append_name(path, name)) {
        w->fatal = true;
        return false;
    }
    mode_t type = archive_entry_filetype(e);
    const char *unsafe = pgm_bundle_unsafe_name(name);
    if (type == AE_IFDIR) {
        /* nothing to read: its files come as their own entries */
    } else if (type == AE_IFLNK) {
        const char *to = archive_entry_symlink(e);
        skipped(w, path->p, "symbolic link to '%s' not followed", to ? to : "?");
    } else if (archive_entry_hardlink(e)) {
        skipped(w, path->p, "hard link to '%s' not followed", archive_entry_hardlink(e));
    } else if (type != AE_IFREG && type != 0) {
        skipped(w, path->p, "device or special file, not read");
    } else if (unsafe) {
        skipped(w, path->p, "unsafe member name (%s), not read", unsafe);
    } else {
        pgm_entry_source es;
        pgm_entry_source_init(&es, l);
        int64_t mtime = archive_entry_mtime_is_set(e) ? (int64_t)archive_entry_mtime(e) : INT64_MIN;
        (*files_inside)++;
        /* a tar on disk reads a block the disk cannot read as NUL bytes */
        pgm_entry_source *outer = w->disk_member;
        w->disk_member = depth == 0 && w->disk_unreadable && !w->disk_unreadable->no_fill ? &es : NULL;
        walk_stream(w, &es.base, path, base_name(name), mtime, depth + 1);
        w->disk_member = outer;
        if (es.warning[0])
            problem(w, path->p, "%s: what was read may differ from what was stored", es.warning);
    }
    path->len = keep;
    path->p[keep] = '\0';
    return !w->fatal && !w->total_reached;
}

_Static_assert(PGM_MAX_HEADER_FAILURES == 8u, "walk_archive's message names 8");

static void walk_archive(walker *w, pgm_source *src, pgm_strbuf *path, const char *label,
                         unsigned depth, uint64_t base, unsigned resumes);

/* After a tar's end marker (a block of zeros) at byte `marker` of its stream:
 * zeros to the end are its padding, but a header after them is members a
 * zeroed block hid (a crashed disk's, a bad block read as NUL bytes), which
 * libarchive stops before without a word (GNU tar says "A lone zero block"
 * and exits 0). They are read on, said; bytes that
 * are neither are said not read. The bytes libarchive was handed past the
 * marker come first, then the rest of src. */
static void walk_past_tar_end(walker *w, pgm_archive_layer *l, pgm_source *src, pgm_strbuf *path,
                              unsigned depth, uint64_t base, unsigned resumes, uint64_t marker)
{
    uint64_t end = (uint64_t)archive_filter_bytes(l->a, 0); /* past the marker's zeros */
    const unsigned char *left;
    size_t n_left = pgm_archive_layer_unread(l, end, &left);
    size_t cap = PGM_IO_CHUNK_BYTES;
    unsigned char *buf = malloc(cap + 512);
    if (!buf) {
        w->fatal = true;
        return;
    }
    /* `at`: the offset of buf[0]; data: bytes that are neither zeros nor a header */
    uint64_t at = end, data = 0, data_from = 0;
    size_t have = 0, pos = 0;
    bool found = false;
    for (;;) {
        if (have - pos < 512) {
            memmove(buf, buf + pos, have - pos);
            at += pos;
            have -= pos;
            pos = 0;
            size_t take = n_left < cap - have ? n_left : cap - have;
            if (take) { /* left is NULL where libarchive was handed nothing past the marker */
                memcpy(buf + have, left, take);
                left += take;
                n_left -= take;
                have += take;
            }
            ptrdiff_t n = have < cap ? pgm_source_read_full(src, buf + have, cap - have) : 0;
            if (n > 0)
                have += (size_t)n;
            if (have < 512) {
                /* the end (or a read that failed: said below): a last
                 * piece shorter than a block is data if it is not zeros */
                if (!pgm_container_zeros(buf, have)) {
                    data_from = data ? data_from : at;
                    data += have;
                }
                break;
            }
        }
        const unsigned char *b = buf + pos;
        bool zeros = pgm_container_zeros(b, 512);
        if (!zeros && pgm_container_tar_header(b, 512)) {
            found = true;
            break;
        }
        if (!zeros) {
            data_from = data ? data_from : at + pos;
            data += 512;
        }
        pos += 512;
    }
    /* a decoder below says its own failure once its stream is walked
     * (walk_decoded); a file's own read, nothing else would */
    if (src->failed && depth == 0)
        problem(w, path->p, "after this tar archive's end marker at byte %llu: %s", (unsigned long long)(base + marker),
                src->err);
    uint64_t header_at = at + pos;
    char of_data[160] = "";
    if (data)
        snprintf(of_data, sizeof of_data, " (%llu byte(s) from byte %llu on, with no header before them, not read)",
                 (unsigned long long)data, (unsigned long long)(base + data_from));
    if (found && resumes >= PGM_TAR_MAX_RESUMES) {
        problem(w, path->p, "more than %u blocks of zeros ended this tar archive early (PGM_TAR_MAX_RESUMES): "
                "the rest, from byte %llu, is not read", PGM_TAR_MAX_RESUMES, (unsigned long long)(base + header_at));
    } else if (found) {
        problem(w, path->p, "a block of zeros at byte %llu ended this tar archive early (its end marker: a zeroed "
                "header?); members again from byte %llu: read on%s", (unsigned long long)(base + marker),
                (unsigned long long)(base + header_at), of_data);
        pgm_head_source hs;
        pgm_head_source_init(&hs, src, buf + pos, have - pos);
        hs.base.seek = NULL; /* its head is not below's start */
        walk_archive(w, &hs.base, path, "tar", depth, base + header_at, resumes + 1);
    } else if (data) {
        problem(w, path->p, "%llu byte(s) after this tar archive's end marker at byte %llu, from byte %llu on, "
                "hold no header: not read (a member whose header was zeroed?)", (unsigned long long)data,
                (unsigned long long)(base + marker), (unsigned long long)(base + data_from));
    }
    free(buf);
}

static void walk_archive(walker *w, pgm_source *src, pgm_strbuf *path, const char *label,
                         unsigned depth, uint64_t base, unsigned resumes)
{
    pgm_archive_layer l;
    char err[PGM_ERR_MAX];
    int rc = pgm_archive_layer_open(&l, src, false, w->lim->max_ratio, err);
    l.base = base;
    if (rc == PGM_FATAL) {
        w->fatal = true;
        return;
    }
    if (rc != PGM_OK) {
        problem(w, path->p, "cannot open %s archive: %s", label, err);
        return;
    }
    uint64_t entries = 0, files_inside = 0;
    bool at_end = false; /* the format's end marker ... */
    uint64_t marker = 0;  /* ... at this byte */
    /* a run of damaged headers: said where it starts and where it ends */
    uint64_t damaged = 0, damaged_from = 0;
    unsigned stuck = 0; /* failures that did not move the reader */
    for (;;) {
        struct archive_entry *e;
        int64_t before = archive_filter_bytes(l.a, 0);
        int r = archive_read_next_header(l.a, &e);
        if (r == ARCHIVE_EOF) {
            at_end = true;
            marker = (uint64_t)before;
            break;
        }
        if (r == ARCHIVE_RETRY)
            r = ARCHIVE_FAILED;
        if (r <= ARCHIVE_FAILED && src->failed) {
            /* no damage of the archive's: a read below it failed */
            problem(w, path->p, "%s archive not read past byte %llu, after %llu entries: %s", label,
                    (unsigned long long)(base + (uint64_t)before), (unsigned long long)entries, src->err);
            damaged = 0;
            break;
        }
        if (r <= ARCHIVE_FAILED) {
            if (!damaged++) {
                const char *msg = archive_error_string(l.a);
                damaged_from = (uint64_t)before;
                problem(w, path->p, "damaged %s archive after %llu entries, at byte %llu: %s", label,
                        (unsigned long long)entries, (unsigned long long)(base + (uint64_t)before),
                        msg ? msg : "unreadable header");
            }
            stuck = archive_filter_bytes(l.a, 0) > before ? 0 : stuck + 1;
            if (r == ARCHIVE_FATAL || stuck >= PGM_MAX_HEADER_FAILURES) {
                problem(w, path->p, "%s: the rest of this %s archive is not read (no header found %s)",
                        r == ARCHIVE_FATAL ? "the damage cannot be skipped" : "the reader does not move on",
                        label, stuck >= PGM_MAX_HEADER_FAILURES ? "after 8 tries, PGM_MAX_HEADER_FAILURES" : "past it");
                damaged = 0;
                break;
            }
            continue;
        }
        if (damaged > 1)
            problem(w, path->p, "%llu damaged %s headers skipped (bytes %llu to %llu), read on from there",
                    (unsigned long long)damaged, label, (unsigned long long)(base + damaged_from),
                    (unsigned long long)(base + (uint64_t)before));
        damaged = 0;
        stuck = 0;
        if (w->lim->max_entries && w->entries >= w->lim->max_entries) {
            problem(w, path->p, "%s %llu archive entries in this run (--max-entries); the rest of "
                    "this archive is not read", w->entries_reached ? "already" : "more than",
                    (unsigned long long)w->lim->max_entries);
            w->entries_reached = true;
            break;
        }
        entries++;
        w->entries++;
        if (r == ARCHIVE_WARN) {
            const char *msg = archive_error_string(l.a);
            if (msg)
                problem(w, path->p, "%s archive: %s", label, msg);
        }
        w->archives_open++;
        bool go_on = walk_member(w, &l, e, path, depth, &files_inside);
        w->archives_open--;
        if (!go_on)
            break;
    }
    if (damaged > 1)
        problem(w, path->p, "%llu damaged %s headers from byte %llu to its end", (unsigned long long)damaged, label,
                (unsigned long long)(base + damaged_from));
    if (at_end && strcmp(label, "tar") == 0 && !w->fatal && !w->total_reached)
        walk_past_tar_end(w, &l, src, path, depth, base, resumes, marker);
    if (files_inside == 0 && entries == 0 && !w->fatal && !resumes)
        skipped(w, path->p, "empty %s archive: no files inside", label);
    pgm_archive_layer_close(&l);
}

static void walk_stream(walker *w, pgm_source *src, pgm_strbuf *path, const char *hint,
                        int64_t mtime, unsigned depth)
{
    if (w->fatal || w->total_reached)
        return;
    unsigned char *head = malloc(PGM_SNIFF_HEAD_BYTES);
    if (!head) {
        w->fatal = true;
        return;
    }
    ptrdiff_t n = pgm_source_read_full(src, head, PGM_SNIFF_HEAD_BYTES);
    if (n < 0) {
        problem(w, path->p, "%s", src->err);
        free(head);
        return;
    }
    const char *label;
    enum pgm_container kind = pgm_container_detect(head, (size_t)n, &label);
    if (depth == 0 && w->disk_unreadable && !nul_fill_reads_true(kind, label))
        stop_at_bad_blocks(w, src, &n);
    else if (w->disk_member && src == &w->disk_member->base && kind != PGM_CONTAINER_NONE &&
             !nul_fill_reads_true(kind, label))
        stop_member_at_bad_blocks(w, &n);
    pgm_head_source hs;
    pgm_head_source_init(&hs, src, head, (size_t)n);
    if (kind != PGM_CONTAINER_NONE && depth >= w->lim->max_depth) {
        problem(w, path->p, "%s nested deeper than %u layers (--max-depth); not opened", label,
                w->lim->max_depth);
    } else if (kind == PGM_CONTAINER_NONE) {
        visit_leaf(w, &hs.base, path->p, hint, head, (size_t)n, mtime, depth);
    } else {
        /* A compressed file keeps its name minus the suffix as the hint. */
        char inner[256];
        size_t hl = pgm_container_strip_suffix(hint, strlen(hint));
        snprintf(inner, sizeof inner, "%.*s", (int)(hl < sizeof inner ? hl : sizeof inner - 1), hint);
        if (kind == PGM_CONTAINER_ZSTD || kind == PGM_CONTAINER_GZIP || kind == PGM_CONTAINER_XZ)
            walk_decoded(w, kind, &hs.base, path, inner, label, mtime, depth);
        else if (kind == PGM_CONTAINER_FILTER)
            walk_compressed(w, &hs.base, path, inner, label, mtime, depth);
        else
            walk_archive(w, &hs.base, path, label, depth, 0, 0);
    }
    free(head);
}

/* -------------------------------------------------------- disk and stdin */

static void walk_file(walker *w, pgm_strbuf *path, const struct stat *st)
{
    int fd = strcmp(path->p, "-") == 0 ? STDIN_FILENO : open(path->p, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        problem(w, path->p, "cannot open: %s", strerror(errno));
        return;
    }
    pgm_fd_source fs;
    pgm_fd_source_init(&fs, fd, st && S_ISREG(st->st_mode));
    int64_t mtime = st ? (int64_t)st->st_mtime : INT64_MIN;
    bool regular = fd != STDIN_FILENO && st && S_ISREG(st->st_mode);
    w->disk_path = regular ? path->p : NULL;
    w->disk_size = regular ? (uint64_t)st->st_size : 0;
    w->disk_fd = regular ? fd : -1;
    w->disk_unreadable = &fs.unreadable;
    walk_stream(w, &fs.base, path, fd == STDIN_FILENO ? "" : base_name(path->p), mtime, 0);
    say_unreadable(w, path->p, &fs.unreadable);
    w->disk_unreadable = NULL;
    w->disk_path = NULL;
    w->disk_fd = -1;
    if (fd != STDIN_FILENO)
        close(fd);
}

/* Configuration first (*.conf, *.env, *.yaml, *.yml, *.properties), then the
 * rest, each in byte order: a directory's configuration then informs its logs
 * (a server log's log_line_prefix, an application's time zone), which
 * otherwise may sort before it ("postgresql-15-main.log" < "postgresql.conf"). */
static int conf_rank(const char *name)
{
    static const char *const suffixes[] = {".conf", ".env", ".yaml", ".yml", ".properties"};
    size_t n = strlen(name);
    for (size_t k = 0; k < sizeof suffixes / sizeof suffixes[0]; k++) {
        size_t l = strlen(suffixes[k]);
        if (n >= l && strcmp(name + n - l, suffixes[k]) == 0)
            return 0;
    }
    return 1;
}

/* The pieces of a rotated log, oldest first (bundle/rotation.h): "x.log.2.gz",
 * "x.log.1", "x.log", where byte order reads them newest first. */
static int cmp_names(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    int rx = conf_rank(x), ry = conf_rank(y);
    if (rx != ry)
        return rx - ry;
    char sx[512], sy[512];
    pgm_rotation_stream(x, sx, sizeof sx);
    pgm_rotation_stream(y, sy, sizeof sy);
    int c = strcmp(sx, sy);
    if (c)
        return c;
    pgm_rotation px, py;
    pgm_rotation_of(x, &px);
    pgm_rotation_of(y, &py);
    c = pgm_rotation_cmp(&px, &py);
    return c ? c : strcmp(x, y);
}

static void walk_dir(walker *w, pgm_strbuf *path, unsigned dir_depth)
{
    if (dir_depth >= PGM_MAX_DIR_DEPTH) {
        problem(w, path->p, "directories nested deeper than %u; not read", PGM_MAX_DIR_DEPTH);
        return;
    }
    DIR *d = opendir(path->p);
    if (!d) {
        problem(w, path->p, "cannot read directory: %s", strerror(errno));
        return;
    }
    /* Sorted, so that reports do not depend on the file system's order. */
    char **names = NULL;
    size_t n = 0, alloc = 0;
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char **nn = pgm_grow(names, &alloc, n, sizeof *names, 32);
        if (!nn)
            break;
        names = nn;
        if (!(names[n] = strdup(de->d_name)))
            break;
        n++;
    }
    if (de) {
        w->fatal = true;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_names);
    size_t keep = path->len;
    for (size_t i = 0; i < n && !w->fatal && !w->total_reached; i++) {
        if ((keep == 0 || path->p[keep - 1] != '/') && pgm_strbuf_addstr(path, "/")) {
            w->fatal = true;
            break;
        }
        if (pgm_strbuf_addstr(path, names[i])) {
            w->fatal = true;
            break;
        }
        struct stat st;
        if (lstat(path->p, &st) != 0)
            problem(w, path->p, "cannot stat: %s", strerror(errno));
        else if (S_ISDIR(st.st_mode))
            walk_dir(w, path, dir_depth + 1);
        else if (S_ISLNK(st.st_mode))
            skipped(w, path->p, "symbolic link not followed");
        else if (S_ISREG(st.st_mode))
            walk_file(w, path, &st);
        else
            problem(w, path->p, "not a regular file (a pipe, a socket, a device): not read");
        path->len = keep;
        path->p[keep] = '\0';
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static void walk_input(walker *w, const char *input)
{
    pgm_strbuf path;
    pgm_strbuf_init(&path, PGM_MAX_DISPLAY_PATH);
    if (pgm_strbuf_addstr(&path, input)) {
        problem(w, input, "path too long");
        return;
    }
    struct stat st;
    if (strcmp(input, "-") == 0)
        walk_file(w, &path, NULL);
    else if (stat(input, &st) != 0)
        problem(w, input, "cannot open: %s", strerror(errno));
    else if (S_ISDIR(st.st_mode))
        walk_dir(w, &path, 0);
    else
        walk_file(w, &path, &st);
    pgm_strbuf_free(&path);
}

static int finish(walker *w)
{
    if (w->fatal)
        return PGM_FATAL;
    return w->stats->problems ? PGM_WARN : PGM_OK;
}

int pgm_bundle_walk(const char *const *inputs, size_t n_inputs, const pgm_bundle_limits *limits,
                    const pgm_bundle_visitor *visitor, pgm_bundle_stats *stats)
{
    walker w = {.lim = limits, .v = visitor, .stats = stats, .disk_fd = -1};
    pgm_strbuf_init(&w.shown, PGM_MAX_SHOWN_PATH);
    memset(stats, 0, sizeof *stats);
    for (size_t i = 0; i < n_inputs && !w.fatal; i++) {
        if (w.total_reached) {
            problem(&w, inputs[i], "not read: the run's byte limit was reached (--max-total-bytes)");
            continue;
        }
        walk_input(&w, inputs[i]);
    }
    pgm_strbuf_free(&w.shown);
    return finish(&w);
}

int pgm_bundle_walk_source(pgm_source *src, const char *display_path,
                           const pgm_bundle_limits *limits, const pgm_bundle_visitor *visitor,
                           pgm_bundle_stats *stats)
{
    walker w = {.lim = limits, .v = visitor, .stats = stats, .disk_fd = -1};
    pgm_strbuf_init(&w.shown, PGM_MAX_SHOWN_PATH);
    memset(stats, 0, sizeof *stats);
    pgm_strbuf path;
    pgm_strbuf_init(&path, PGM_MAX_DISPLAY_PATH);
    if (pgm_strbuf_addstr(&path, display_path))
        return PGM_FATAL;
    walk_stream(&w, src, &path, base_name(display_path), INT64_MIN, 0);
    pgm_strbuf_free(&path);
    pgm_strbuf_free(&w.shown);
    return finish(&w);
}
