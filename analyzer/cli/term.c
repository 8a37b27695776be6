/* stderr while a command runs: warnings as they happen, and a progress line
 * on a terminal for runs that take a while. */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/display.h"

/* Progress appears only on a terminal and only after this long. */
#define PROGRESS_FIRST_NS 1000000000LL
#define PROGRESS_EVERY_NS 500000000LL

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void pgm_term_init(pgm_term *t, bool quiet)
{
    t->quiet = quiet;
    t->progress = !quiet && isatty(STDERR_FILENO);
    t->started_ns = t->last_ns = now_ns();
    t->progress_shown = false;
}

void pgm_term_clear(pgm_term *t)
{
    if (t->progress_shown) {
        fputs("\r\033[K", stderr);
        t->progress_shown = false;
    }
}

void pgm_term_note(void *ctx, const char *path, const char *msg, bool problem)
{
    pgm_term *t = ctx;
    if (t->quiet)
        return;
    pgm_term_clear(t);
    /* a name or a quoted line of the evidence must not drive the terminal */
    pgm_strbuf shown;
    pgm_strbuf_init(&shown, SIZE_MAX);
    if (pgm_display_append(&shown, path) == 0 && pgm_strbuf_addstr(&shown, ": ") == 0 &&
        pgm_display_append(&shown, msg) == 0)
        fprintf(stderr, "pgmortem: %s: %s\n", problem ? "warning" : "note", shown.p);
    else
        fprintf(stderr, "pgmortem: %s: (a message that could not be shown: out of memory)\n",
                problem ? "warning" : "note");
    pgm_strbuf_free(&shown);
}

void pgm_term_warning(void *ctx, const char *path, const char *msg)
{
    pgm_term_note(ctx, path, msg, true);
}

void pgm_term_progress(void *ctx, uint64_t bytes)
{
    pgm_term *t = ctx;
    if (!t->progress)
        return;
    int64_t now = now_ns();
    if (now - t->started_ns < PROGRESS_FIRST_NS || now - t->last_ns < PROGRESS_EVERY_NS)
        return;
    t->last_ns = now;
    double secs = (double)(now - t->started_ns) / 1e9;
    fprintf(stderr, "\r\033[Kpgmortem: read %.1f MiB (%.0f MiB/s)", (double)bytes / 1048576.0,
            (double)bytes / 1048576.0 / secs);
    t->progress_shown = true;
}
