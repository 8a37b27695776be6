/* A helper thread that takes no signal: the CLI's handlers (SIGINT, SIGTERM)
 * keep running on the thread that installed them, which removes the temporary
 * output; a thread that only waits for a disk has nothing to do with them. */
#ifndef PGM_QUIET_THREAD_H
#define PGM_QUIET_THREAD_H

#include <pthread.h>
#include <signal.h>

/* pthread_create's result. */
static inline int pgm_quiet_thread_create(pthread_t *t, void *(*fn)(void *), void *arg)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(t, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

#endif
