/* PgBouncer's configuration as facts for the check rules: its [pgbouncer]
 * settings as "pgbouncer.<name>" (PgBouncer's defaults where pgbouncer.ini
 * leaves one unset, said as such), the server connections its pools may open
 * ("pgbouncer.server_connections": each database's pool_size plus
 * reserve_pool_size, per user that connects through it, at most its
 * max_db_connections), and which of the applications' pools reach the
 * server through it (a pool whose JDBC URL names PgBouncer's port, or a
 * host named for it). Facts: PgBouncer's docs, "Configuration". */
#ifndef PGM_BOUNCER_H
#define PGM_BOUNCER_H

#include <stdbool.h>
#include <stddef.h>

#include "pgbouncer/pgb_ini.h"
#include "rules/facts.h"

/* Names kept from auth_files (userlist.txt), at most. */
#define PGM_BOUNCER_MAX_USERS 256u

typedef struct pgm_bouncer {
    pgm_pgb_ini ini;       /* the first pgbouncer.ini given; later ones are said and not used */
    char *path;
    bool set;
    size_t more;           /* further pgbouncer.ini files, not used */
    /* the users its auth_file names (never their passwords or hashes) */
    char *users[PGM_BOUNCER_MAX_USERS];
    size_t n_users, users_over;
} pgm_bouncer;

void pgm_bouncer_init(pgm_bouncer *b);
void pgm_bouncer_free(pgm_bouncer *b);
/* Takes the file's settings (`ini` is left empty). 0, or -1 on memory. */
int pgm_bouncer_add(pgm_bouncer *b, pgm_pgb_ini *ini, const char *path);
/* The user names of an auth_file's text ("name" "password or hash" lines):
 * the names only. 0, or -1 on memory. */
int pgm_bouncer_add_userlist(pgm_bouncer *b, const char *text, size_t n);
/* Whether a pool with this JDBC URL reaches the server through PgBouncer. */
bool pgm_bouncer_fronts(const pgm_bouncer *b, const char *jdbc_url);
/* The scalar facts, `users` being how many users connect through it (at
 * least 1; 0: the auth_file's users but its admin and stats users, else 1).
 * 0, or -1 on memory. */
int pgm_bouncer_facts(const pgm_bouncer *b, size_t users, pgm_facts *out);

#endif
