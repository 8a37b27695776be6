#define _GNU_SOURCE /* memmem */
#include "pgbouncer/pgb_log.h"

#include <string.h>

static bool digit(char c) { return c >= '0' && c <= '9'; }

static bool starts_with(const char *s, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    return n >= l && memcmp(s, lit, l) == 0;
}

/* Log levels of libusual's logging.c, as its log_level_names print them. */
static size_t level_at(const char *s, size_t n)
{
    static const char *const levels[] = {"LOG", "WARNING", "ERROR", "FATAL", "DEBUG", "NOISE"};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        size_t l = strlen(levels[i]);
        if (n > l && memcmp(s, levels[i], l) == 0 && s[l] == ' ')
            return l;
    }
    return 0;
}

/* "C-0x5558ad0556c0: " or "S-0x...: " at s: its length, 0 when none. */
static size_t connection_tag(const char *s, size_t n)
{
    if (n < 6 || (s[0] != 'C' && s[0] != 'S') || s[1] != '-' || s[2] != '0' || s[3] != 'x')
        return 0;
    size_t i = 4;
    while (i < n && i < 24 && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
        i++;
    if (i == 4 || i + 1 >= n || s[i] != ':' || s[i + 1] != ' ')
        return 0;
    return i + 2;
}

bool pgm_pgb_is_message(const char *s, size_t n)
{
    size_t tag = connection_tag(s, n);
    if (tag) {
        /* "db/user@host:port " follows: a '/' and an '@' before the first blank */
        const char *sp = memchr(s + tag, ' ', n - tag);
        size_t word = sp ? (size_t)(sp - (s + tag)) : n - tag;
        return memchr(s + tag, '/', word) && memchr(s + tag, '@', word);
    }
    /* its process's lines that name it or that no server writes (PgBouncer's
     * main.c, stats.c) */
    return starts_with(s, n, "process up: PgBouncer ") || starts_with(s, n, "process up: pgbouncer ") ||
           (starts_with(s, n, "stats: ") && memmem(s, n, " xacts/s, ", 10)) ||
           starts_with(s, n, "got SIGHUP, re-reading config") ||
           (starts_with(s, n, "kernel file descriptor limit: ") && n > 40) ||
           (starts_with(s, n, "file descriptor limit: ") && memmem(s, n, "max_client_conn", 15));
}

/* "host pgbouncer[PID]: " after a syslog date: true with the pid and the
 * message. The identifier is the one its syslog_ident names, "pgbouncer" by
 * default; any identifier is taken when the message is PgBouncer's own. */
static bool syslog_rest(const char *s, size_t n, pgm_pgb_head *h)
{
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    for (int field = 0; field < 2; field++) {
        size_t start = i;
        while (i < n && s[i] != ' ')
            i++;
        if (i == start || i >= n)
            return false;
        /* "ident[pid]:", a pid of a digit at least */
        if (i - start >= 4 && s[i - 1] == ':' && s[i - 2] == ']') {
            size_t close = i - 2, open = close;
            while (open > start && s[open] != '[')
                open--;
            if (s[open] != '[' || open + 1 == close)
                return false;
            for (size_t d = open + 1; d < close; d++)
                if (!digit(s[d]))
                    return false;
            h->pid = (pgm_slice){s + open + 1, close - open - 1};
            i++;
            h->message = (pgm_slice){s + i, n - i};
            bool named = open - start >= 9 && memcmp(s + open - 9, "pgbouncer", 9) == 0;
            return named || pgm_pgb_is_message(s + i, n - i);
        }
        i++;
    }
    return false;
}

bool pgm_pgb_parse_head(const char *line, size_t n, int year, pgm_pgb_head *h)
{
    memset(h, 0, sizeof *h);
    h->t = PGM_TS_UNKNOWN;
    h->zone = PGM_TS_ZONE_NONE;
    pgm_ts_parse ts;
    size_t i;
    if (pgm_ts_parse_bsd(line, n, year, &h->t)) {
        h->yearless = true;
        return syslog_rest(line + 15, n - 15, h);
    }
    if (!pgm_ts_parse_at(line, n, &ts) || ts.len < 19)
        return false;
    h->t = ts.us;
    h->zone = ts.zone;
    i = ts.len;
    if (i >= n || line[i] != ' ')
        return false;
    i++;
    /* "[PID]" (1.10 on) or "PID" */
    bool bracket = i < n && line[i] == '[';
    size_t p = i + bracket;
    size_t d = p;
    while (d < n && digit(line[d]) && d - p < 10)
        d++;
    if (d == p || (bracket && (d >= n || line[d] != ']')))
        return false;
    h->pid = (pgm_slice){line + p, d - p};
    i = d + bracket;
    if (i >= n || line[i] != ' ')
        return false;
    i++;
    size_t l = level_at(line + i, n - i);
    if (!l)
        return false;
    h->level = (pgm_slice){line + i, l};
    i += l + 1;
    h->message = (pgm_slice){line + i, n - i};
    return true;
}
