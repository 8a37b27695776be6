#define _GNU_SOURCE /* mkostemp */
#include "util/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary names open now, for the signal handler: a slot is filled
 * before the file is created and emptied after it is renamed or removed. */
static char temp_names[PGM_OUTFILE_MAX_OPEN][PATH_MAX];
static volatile sig_atomic_t temp_used[PGM_OUTFILE_MAX_OPEN];

static int take_slot(const char *tmp)
{
    for (int i = 0; i < PGM_OUTFILE_MAX_OPEN; i++) {
        if (!temp_used[i]) {
            snprintf(temp_names[i], sizeof temp_names[i], "%s", tmp);
            temp_used[i] = 1;
            return i;
        }
    }
    return -1;
}

static void free_slot(int slot)
{
    if (slot >= 0)
        temp_used[slot] = 0;
}

static void on_signal(int sig)
{
    for (int i = 0; i < PGM_OUTFILE_MAX_OPEN; i++)
        if (temp_used[i])
            unlink(temp_names[i]); /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

void pgm_outfile_install_signal_cleanup(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa, old;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        /* a signal ignored by whoever started us (nohup) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

static void clear(pgm_outfile *o)
{
    free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
    o->f = NULL;
    o->slot = -1;
}

int pgm_outfile_open(pgm_outfile *o, const char *path, char err[PGM_ERR_MAX])
{
    memset(o, 0, sizeof *o);
    o->slot = -1;
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        return PGM_OK;
    }
    o->path = strdup(path);
    if (!o->path) {
        snprintf(err, PGM_ERR_MAX, "out of memory");
        return PGM_FAILED;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(err, PGM_ERR_MAX, "%.200s: is a directory", path);
            clear(o);
            return PGM_FAILED;
        }
        /* a device or a FIFO: there is nothing to rename into place */
        o->f = fopen(path, "wb");
        if (!o->f) {
            snprintf(err, PGM_ERR_MAX, "%.200s: %s", path, strerror(errno));
            clear(o);
            return PGM_FAILED;
        }
        return PGM_OK;
    }
    /* beside the target, so the rename stays on one file system */
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    size_t need = strlen(path) + sizeof ".pgmortem-XXXXXX" + 2;
    o->tmp = malloc(need);
    if (!o->tmp) {
        snprintf(err, PGM_ERR_MAX, "out of memory");
        clear(o);
        return PGM_FAILED;
    }
    snprintf(o->tmp, need, "%.*s.%s.pgmortem-XXXXXX", (int)dir_len, path, path + dir_len);
    if (strlen(o->tmp) >= PATH_MAX) {
        snprintf(err, PGM_ERR_MAX, "%.200s: path too long", path);
        clear(o);
        return PGM_FAILED;
    }
    /* the slot first, so that a signal between mkstemp and here finds it */
    sigset_t all, old;
    sigfillset(&all);
    /* blocked in this thread; a signal another thread takes in these few
     * instructions would miss this one file */
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int fd = -1;
    o->slot = take_slot(o->tmp);
    if (o->slot >= 0) {
        fd = mkostemp(o->tmp, O_CLOEXEC);
        if (fd >= 0)
            snprintf(temp_names[o->slot], sizeof temp_names[o->slot], "%s", o->tmp);
        else
            free_slot(o->slot);
    }
    int saved = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (o->slot < 0) {
        snprintf(err, PGM_ERR_MAX, "%.200s: more than %d outputs open at once", path,
                 PGM_OUTFILE_MAX_OPEN);
        clear(o);
        return PGM_FAILED;
    }
    if (fd < 0) {
        snprintf(err, PGM_ERR_MAX, "%.200s: %s", path, strerror(saved));
        o->slot = -1;
        clear(o);
        return PGM_FAILED;
    }
    /* mkstemp makes 0600; a report gets what fopen would give it */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        snprintf(err, PGM_ERR_MAX, "%.200s: %s", path, strerror(errno));
        close(fd);
        unlink(o->tmp);
        free_slot(o->slot);
        clear(o);
        return PGM_FAILED;
    }
    return PGM_OK;
}

int pgm_outfile_commit(pgm_outfile *o, char err[PGM_ERR_MAX])
{
    if (!o->f)
        return PGM_FAILED;
    int rc = PGM_OK;
    if (o->f == stdout) {
        if (fflush(stdout) != 0 || ferror(stdout)) {
            snprintf(err, PGM_ERR_MAX, "standard output could not be written whole");
            rc = PGM_FAILED;
        }
        o->f = NULL;
        return rc;
    }
    bool bad = ferror(o->f) != 0;
    const char *why = NULL;
    if (fclose(o->f) != 0)
        why = strerror(errno);
    else if (bad)
        why = "could not be written whole";
    o->f = NULL;
    if (!why && o->tmp && rename(o->tmp, o->path) != 0)
        why = strerror(errno);
    if (why) {
        snprintf(err, PGM_ERR_MAX, "%.160s: %.50s%s", o->path, why,
                 o->tmp ? " (the file is left as it was)" : "");
        rc = PGM_FAILED;
    }
    if (o->tmp) {
        if (rc != PGM_OK)
            unlink(o->tmp);
        free_slot(o->slot);
    }
    clear(o);
    return rc;
}

void pgm_outfile_abort(pgm_outfile *o)
{
    if (o->f && o->f != stdout)
        fclose(o->f);
    if (o->tmp) {
        unlink(o->tmp);
        free_slot(o->slot);
    }
    clear(o);
}
