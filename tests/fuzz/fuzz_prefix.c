/* libFuzzer target: the log_line_prefix compiler and parser, its memo, and
 * the entry reader that groups lines. The input's first line is the prefix;
 * every further line is parsed with it and fed to the entry reader, and
 * parsed through a memo, as it is and cut short by a byte: the memo's
 * result must be the matcher's, field by field (a trap when not). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pglog/entries.h"
#include "pglog/prefix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_slice(pgm_slice a, pgm_slice b) { return a.p == b.p && a.n == b.n; }

static void memo_parses(const pgm_prefix *p, pgm_prefix_memo *memo, const char *line, size_t n)
{
    pgm_prefix_fields a, b;
    bool ra = pgm_prefix_parse(p, line, n, &a);
    memset(&b, 0, sizeof b);
    bool rb = pgm_prefix_parse_memo(p, memo, line, n, &b);
    if (ra != rb || a.gave_up != b.gave_up)
        __builtin_trap();
    if (!ra)
        return;
    const pgm_slice *sa[] = {&a.pid_text, &a.user, &a.db, &a.app, &a.remote, &a.host, &a.port, &a.session_id,
                             &a.line_num, &a.vxid, &a.xid, &a.sqlstate, &a.backend_type, &a.command_tag,
                             &a.query_id, &a.leader_pid, &a.severity, &a.message};
    const pgm_slice *sb[] = {&b.pid_text, &b.user, &b.db, &b.app, &b.remote, &b.host, &b.port, &b.session_id,
                             &b.line_num, &b.vxid, &b.xid, &b.sqlstate, &b.backend_type, &b.command_tag,
                             &b.query_id, &b.leader_pid, &b.severity, &b.message};
    for (size_t i = 0; i < sizeof sa / sizeof sa[0]; i++)
        if (!same_slice(*sa[i], *sb[i]))
            __builtin_trap();
    if (a.t_us != b.t_us || a.zone != b.zone || memcmp(a.zone_name, b.zone_name, sizeof a.zone_name) != 0 ||
        a.session_start_us != b.session_start_us || a.pid != b.pid || a.session != b.session)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *nl = memchr(s, '\n', size);
    size_t speclen = nl ? (size_t)(nl - s) : size;
    char *spec = malloc(speclen + 1);
    if (!spec)
        return 0;
    memcpy(spec, s, speclen);
    spec[speclen] = '\0';
    pgm_prefix *p;
    char err[PGM_ERR_MAX];
    if (pgm_prefix_compile(spec, &p, err) == PGM_OK) {
        pgm_entry_reader r;
        pgm_entries_init(&r, p, NULL, NULL);
        pgm_prefix_memo *memo = pgm_prefix_memo_new(p);
        const char *line = nl ? nl + 1 : s + size;
        uint64_t lineno = 0;
        while (line < s + size) {
            const char *e = memchr(line, '\n', (size_t)(s + size - line));
            size_t n = e ? (size_t)(e - line) : (size_t)(s + size - line);
            pgm_prefix_fields f;
            pgm_prefix_parse(p, line, n, &f);
            pgm_prefix_parse_bare(p, line, n, &f);
            memo_parses(p, memo, line, n);
            memo_parses(p, memo, line, n);
            if (n)
                memo_parses(p, memo, line, n - 1);
            pgm_entries_feed(&r, line, n, ++lineno);
            line += n + 1;
        }
        pgm_prefix_memo_free(memo);
        pgm_entries_finish(&r);
        pgm_entries_free(&r);
        pgm_prefix_free(p);
    }
    free(spec);
    return 0;
}
