/* Output files that are whole or absent: written under a temporary name
 * beside the target and renamed into place once every byte is out, so a
 * full disk, a signal or a second run writing the same path never leaves a
 * piece of a report where a reader expects one (the way rsync and git write
 * their files). stdout, and targets that are not regular files (/dev/null, a
 * FIFO, a terminal), are written directly. */
#ifndef PGM_OUTFILE_H
#define PGM_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

#include "util/rc.h"

/* Outputs open at once in one run (analyze's formats, its events, the
 * alert files); one more is refused with a message. */
#define PGM_OUTFILE_MAX_OPEN 16

typedef struct pgm_outfile {
    FILE *f;
    char *path;    /* the target */
    char *tmp;     /* the temporary name; NULL when written directly */
    int slot;      /* in the table the signal handler clears; -1 if none */
} pgm_outfile;

/* Opens `path` ("-": stdout). PGM_OK, or PGM_FAILED with the reason in err. */
int pgm_outfile_open(pgm_outfile *o, const char *path, char err[PGM_ERR_MAX]);
/* Flushes, closes and renames into place. PGM_OK, or PGM_FAILED with the
 * reason in err; then the temporary file is removed and the target is left
 * as it was. */
int pgm_outfile_commit(pgm_outfile *o, char err[PGM_ERR_MAX]);
/* Closes and removes what was written (the target is left as it was). */
void pgm_outfile_abort(pgm_outfile *o);

/* For the CLI, once: SIGINT, SIGTERM, SIGHUP and SIGPIPE remove the
 * temporary files open at that moment, then end the process as the signal
 * would have. */
void pgm_outfile_install_signal_cleanup(void);

#endif
