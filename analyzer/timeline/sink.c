#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include "timeline/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "util/directwrite.h"
#include "util/outfile.h"
#include "util/writebehind.h"

/* Bytes of plain output gathered before they are written (or compressed). */
#define PGM_SINK_BUFFER (1u << 20)
/* The pipe size asked for when the output is a pipe. */
#define PGM_SINK_PIPE_BYTES (1u << 20)
/* Plain writes this large go to the file as they are: through stdio's
 * buffer, every byte of a timeline was copied once more (glibc's fwrite
 * fills the buffer before it writes past it), a tenth of the time of a
 * timeline into a file. */
#define PGM_SINK_DIRECT_BYTES (64u << 10)

struct pgm_sink {
    pgm_outfile file;
    FILE *f;
    bool is_stdout;
    bool rewindable;      /* a regular file from `start` on, or /dev/null */
    bool regular;
    off_t start;
    pgm_writebehind behind; /* a regular file's pages, written behind */
    size_t unchecked;       /* bytes given since the file's end was last asked */
    pgm_direct *direct;     /* past PGM_WRITEBEHIND_START, a file of the sink's
                               own written directly (util/directwrite.h) */
    bool may_direct;        /* a file of its own (not stdout's, whose open file
                               others may share), plain, not yet tried */
    size_t written;         /* plain bytes given */
    ZSTD_CCtx *cctx;
    char *out;            /* compressed bytes, ZSTD_CStreamOutSize() */
    size_t out_cap;
    char err[PGM_ERR_MAX];
    char path[512];
};

bool pgm_sink_wants_zstd(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && strcmp(path + n - 4, ".zst") == 0;
}

static int fail(pgm_sink *s, const char *what)
{
    if (!s->err[0])
        snprintf(s->err, sizeof s->err, "%.160s: %.80s", s->path, what);
    return PGM_FAILED;
}

int pgm_sink_open(pgm_sink **out, const char *path, bool zstd, char err[PGM_ERR_MAX])
{
    *out = NULL;
    pgm_sink *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, PGM_ERR_MAX, "out of memory");
        return PGM_FAILED;
    }
    snprintf(s->path, sizeof s->path, "%s", path);
    s->is_stdout = strcmp(path, "-") == 0;
    if (pgm_outfile_open(&s->file, path, err) != PGM_OK) {
        free(s);
        return PGM_FAILED;
    }
    s->f = s->file.f;
    if (!s->is_stdout)
        setvbuf(s->f, NULL, _IOFBF, PGM_SINK_BUFFER);
    struct stat st, null_st;
    int fd = fileno(s->f), flags = fd >= 0 ? fcntl(fd, F_GETFL) : -1;
#ifdef F_SETPIPE_SZ
    /* into a pipe (| jq, | gzip): a larger pipe means fewer switches between
     * writer and reader; best effort, the system may cap it */
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
        (void)fcntl(fd, F_SETPIPE_SZ, (int)PGM_SINK_PIPE_BYTES);
#endif
    /* what can be taken back: a file from where this sink began (not one
     * appended to, where others may write too), or what is thrown away */
    if (fd >= 0 && fstat(fd, &st) == 0) {
        s->regular = S_ISREG(st.st_mode) && flags >= 0 && !(flags & O_APPEND);
        s->start = s->regular ? lseek(fd, 0, SEEK_CUR) : -1;
        s->regular = s->regular && s->start >= 0;
        s->rewindable = s->regular || (S_ISCHR(st.st_mode) && stat("/dev/null", &null_st) == 0 &&
                                       st.st_rdev == null_st.st_rdev);
    }
    pgm_writebehind_init(&s->behind, s->regular ? fd : -1, s->regular ? s->start : 0);
    s->may_direct = s->regular && !zstd && s->file.tmp != NULL;
    if (zstd) {
        s->out_cap = ZSTD_CStreamOutSize();
        s->cctx = ZSTD_createCCtx();
        s->out = malloc(s->out_cap);
        if (!s->cctx || !s->out ||
            ZSTD_isError(ZSTD_CCtx_setParameter(s->cctx, ZSTD_c_compressionLevel, PGM_SINK_ZSTD_LEVEL)) ||
            ZSTD_isError(ZSTD_CCtx_setParameter(s->cctx, ZSTD_c_checksumFlag, 1))) {
            snprintf(err, PGM_ERR_MAX, "%.160s: cannot set up zstd", path);
            fail(s, "cannot set up zstd"); /* so that close leaves nothing in place */
            pgm_sink_close(s, NULL);
            return PGM_FAILED;
        }
    }
    *out = s;
    return PGM_OK;
}

/* Feeds zstd; with ZSTD_e_end, until the frame is complete. */
static int compress(pgm_sink *s, const void *data, size_t len, ZSTD_EndDirective mode)
{
    ZSTD_inBuffer in = {data, len, 0};
    for (;;) {
        ZSTD_outBuffer o = {s->out, s->out_cap, 0};
        size_t left = ZSTD_compressStream2(s->cctx, &o, &in, mode);
        if (ZSTD_isError(left))
            return fail(s, ZSTD_getErrorName(left));
        if (o.pos && fwrite(s->out, 1, o.pos, s->f) != o.pos)
            return fail(s, strerror(errno));
        if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size)
            return PGM_OK;
    }
}

/* A large block straight to the file, after what stdio holds. */
static int write_unbuffered(pgm_sink *s, const char *data, size_t len)
{
    if (fflush(s->f) != 0)
        return fail(s, strerror(errno));
    int fd = fileno(s->f);
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return fail(s, n < 0 ? strerror(errno) : "nothing could be written");
        data += n;
        len -= (size_t)n;
    }
    return PGM_OK;
}

/* A regular file's end, every so often, for writing it behind. */
static int behind(pgm_sink *s, size_t len)
{
    s->unchecked += len;
    if (!s->regular || s->unchecked < PGM_WRITEBEHIND_STEP)
        return PGM_OK;
    s->unchecked = 0;
    off_t end = lseek(fileno(s->f), 0, SEEK_CUR);
    if (end >= 0 && !pgm_writebehind_advance(&s->behind, end))
        return fail(s, strerror(s->behind.err));
    return PGM_OK;
}

/* Ends direct writing; the first error of the disk's fails the sink. */
static int end_direct(pgm_sink *s)
{
    if (!s->direct)
        return PGM_OK;
    int e = pgm_direct_finish(s->direct);
    s->direct = NULL;
    return e ? fail(s, strerror(e)) : PGM_OK;
}

/* Once a file of the sink's own is past PGM_WRITEBEHIND_START, its bytes from
 * the next aligned offset on are written directly; those before it, plainly.
 * Returns how many of data's len bytes were written here (plainly). */
static size_t start_direct(pgm_sink *s, const char *data, size_t len)
{
    if (!s->may_direct || s->written < PGM_WRITEBEHIND_START || fflush(s->f) != 0)
        return 0;
    int fd = fileno(s->f);
    off_t end = lseek(fd, 0, SEEK_CUR);
    if (end < 0) {
        s->may_direct = false;
        return 0;
    }
    size_t pad = (size_t)(pgm_direct_aligned_from(fd, end) - end);
    if (pad > len)
        return 0; /* the next write may reach the aligned offset */
    if (pad && write_unbuffered(s, data, pad) != PGM_OK)
        return 0; /* failed: the sink says so */
    s->may_direct = false;
    s->direct = pgm_direct_start(fd, end + (off_t)pad); /* NULL: as before */
    return pad;
}

int pgm_sink_write(pgm_sink *s, const void *data, size_t len)
{
    if (s->err[0])
        return PGM_FAILED;
    size_t plain = s->may_direct ? start_direct(s, data, len) : 0;
    if (s->direct) {
        if (pgm_direct_write(s->direct, (const char *)data + plain, len - plain))
            return PGM_OK;
        end_direct(s);
        return fail(s, "could not be written"); /* end_direct said why, if the disk did */
    }
    if (s->err[0])
        return PGM_FAILED;
    s->written += len;
    data = (const char *)data + plain;
    len -= plain;
    int rc;
    if (s->cctx)
        rc = compress(s, data, len, ZSTD_e_continue);
    else if (len >= PGM_SINK_DIRECT_BYTES && fileno(s->f) >= 0)
        rc = write_unbuffered(s, data, len);
    else
        rc = fwrite(data, 1, len, s->f) == len ? PGM_OK : fail(s, strerror(errno));
    return rc == PGM_OK ? behind(s, len) : rc;
}

bool pgm_sink_gathers(const pgm_sink *s)
{
    return s->direct != NULL;
}

bool pgm_sink_takes_whole(const pgm_sink *s, size_t len)
{
    return pgm_sink_gathers(s) || len >= PGM_SINK_DIRECT_BYTES;
}

bool pgm_sink_rewindable(const pgm_sink *s)
{
    return s->rewindable;
}

int pgm_sink_rewind(pgm_sink *s)
{
    if (!s->rewindable || s->err[0] || end_direct(s) != PGM_OK)
        return PGM_FAILED;
    s->written = 0;
    s->may_direct = s->regular && !s->cctx && s->file.tmp != NULL;
    if (fflush(s->f) != 0)
        return fail(s, strerror(errno));
    if (s->regular && (ftruncate(fileno(s->f), s->start) != 0 || fseeko(s->f, s->start, SEEK_SET) != 0))
        return fail(s, strerror(errno));
    if (s->regular)
        pgm_writebehind_rewind(&s->behind);
    if (s->cctx && ZSTD_isError(ZSTD_CCtx_reset(s->cctx, ZSTD_reset_session_only)))
        return fail(s, "cannot restart zstd");
    return PGM_OK;
}

int pgm_sink_close(pgm_sink *s, char err[PGM_ERR_MAX])
{
    if (!s)
        return PGM_OK;
    if (s->cctx && !s->err[0])
        compress(s, "", 0, ZSTD_e_end);
    end_direct(s);
    if (fflush(s->f) != 0)
        fail(s, strerror(errno));
    char cerr[PGM_ERR_MAX];
    if (s->err[0])
        pgm_outfile_abort(&s->file); /* no piece of a stream is left in place */
    else if (pgm_outfile_commit(&s->file, cerr) != PGM_OK)
        snprintf(s->err, sizeof s->err, "%s", cerr);
    int rc = s->err[0] ? PGM_FAILED : PGM_OK;
    if (rc != PGM_OK && err)
        snprintf(err, PGM_ERR_MAX, "%s", s->err);
    ZSTD_freeCCtx(s->cctx);
    free(s->out);
    free(s);
    return rc;
}
