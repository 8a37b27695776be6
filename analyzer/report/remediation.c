#include "report/remediation.h"

#include "forensics/analysis_impl.h"

/* A string literal for SQL a reader will paste: quotes doubled, so a user
 * name from a log cannot end the literal. */
static void sql_literal(pgm_strbuf *b, const char *s)
{
    pgm_strbuf_add(b, "'", 1);
    for (; s && *s; s++) {
        if (*s == '\'')
            pgm_strbuf_add(b, "'", 1);
        pgm_strbuf_add(b, s, 1);
    }
    pgm_strbuf_add(b, "'", 1);
}

static void where(pgm_strbuf *b, const char *user, const char *db, const char *client)
{
    pgm_strbuf_addstr(b, " WHERE usename = ");
    sql_literal(b, user);
    pgm_strbuf_addstr(b, " AND datname = ");
    sql_literal(b, db);
    if (client && *client) {
        pgm_strbuf_addstr(b, " AND client_addr = ");
        sql_literal(b, client);
    }
    pgm_strbuf_addstr(b, "\n   AND state = 'idle' AND state_change < now() - interval '5 minutes'");
}

bool pgm_report_leak_sql(const pgm_analysis *a, pgm_strbuf *list, pgm_strbuf *end)
{
    const char *user = NULL, *db = NULL, *client = NULL;
    if (a->n_groups && a->groups[0].growing)
        user = a->groups[0].user, db = a->groups[0].db, client = a->groups[0].client;
    else if (a->top_sessions > 0)
        user = a->top_user, db = a->top_db, client = a->top_client;
    if (a->hyp[0].kind != PGM_VERDICT_LEAK || !user || !*user)
        return false;
    pgm_strbuf_addstr(list, "SELECT pid, usename, datname, application_name, client_addr, backend_start, state, "
                            "state_change\n  FROM pg_stat_activity\n");
    where(list, user, db, client);
    pgm_strbuf_addstr(list, "\n ORDER BY backend_start;");
    pgm_strbuf_addstr(end, "SELECT pg_terminate_backend(pid)\n  FROM pg_stat_activity\n");
    where(end, user, db, client);
    pgm_strbuf_addstr(end, ";");
    return true;
}
