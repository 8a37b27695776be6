/* Graded return codes shared by every module (after libarchive's ARCHIVE_*):
 * a module reports how bad things are and the caller decides whether to go on.
 * Nothing below the CLI exits the process. */
#ifndef PGM_RC_H
#define PGM_RC_H

enum pgm_rc {
    PGM_OK = 0,
    PGM_WARN = -20,   /* partial success: something was skipped, the rest is good */
    PGM_FAILED = -25, /* this item is lost, the run goes on */
    PGM_FATAL = -30   /* nothing more can be done (out of memory) */
};

/* Room for one error or warning message, path excluded. */
#define PGM_ERR_MAX 256

#endif
