/* make bench: the cost of classifying one message with 200 match rules
 * loaded. The rules' literals are built from the words of a real server log,
 * so the prefilter table is as crowded as a real catalogue's; the messages
 * are the real log's, and none of them is wanted by any rule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules/ruleset.h"
#include "util/strbuf.h"

#define N_RULES 200
#define ROUNDS 200

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    const char *logpath = argc > 1 ? argv[1] : "tests/samples/postgresql-15/run1-stderr/postgresql.log";
    FILE *f = fopen(logpath, "r");
    if (!f) {
        perror(logpath);
        return 1;
    }
    /* the messages: what follows "LOG:  ", "FATAL:  " ... */
    char **msgs = NULL;
    size_t nmsg = 0, alloc = 0;
    char line[8192];
    char *words[4096];
    size_t nwords = 0;
    while (fgets(line, sizeof line, f)) {
        char *m = strstr(line, ":  ");
        if (!m)
            continue;
        m += 3;
        m[strcspn(m, "\n")] = '\0';
        if (nmsg == alloc) {
            alloc = alloc ? alloc * 2 : 256;
            msgs = realloc(msgs, alloc * sizeof *msgs);
        }
        msgs[nmsg++] = strdup(m);
        char *copy = strdup(m);
        for (char *w = strtok(copy, " :=\"(),"); w && nwords < 4096; w = strtok(NULL, " :=\"(),"))
            if (strlen(w) >= 4)
                words[nwords++] = strdup(w);
        free(copy);
    }
    fclose(f);
    if (!nmsg || nwords < 10) {
        fprintf(stderr, "bench_classify: no messages in %s\n", logpath);
        return 1;
    }
    pgm_strbuf y;
    pgm_strbuf_init(&y, 1u << 24);
    pgm_strbuf_addstr(&y, "rules:\n");
    srand(42);
    for (int i = 0; i < N_RULES; i++) {
        /* two real words and a number: shares bigrams with real text, never occurs in it */
        const char *a = words[(size_t)rand() % nwords], *b = words[(size_t)rand() % nwords];
        char lit[256];
        snprintf(lit, sizeof lit, "%s %s #%d", a, b, i);
        for (char *p = lit; *p; p++)
            if (*p == '\'' || *p == '\\')
                *p = '_';
        pgm_strbuf_addf(&y,
                        "  - id: BENCH-R-%03d\n    title: t\n    severity: low\n    message: m\n"
                        "    match: {prefilter: '%s', pattern: '^%s (?<n>\\d+)$', kind: conn.lost}\n"
                        "    tests: [{match: x}, {no_match: y}]\n",
                        i, lit, "x");
    }
    pgm_ruleset rs;
    pgm_load_errors errs = {0};
    pgm_ruleset_init(&rs);
    if (pgm_ruleset_load_buffer(&rs, y.p, y.len, "bench.yml", &errs) || pgm_ruleset_finish(&rs, &errs)) {
        fprintf(stderr, "bench_classify: %s\n", errs.n ? errs.msg[0] : "load failed");
        return 1;
    }
    size_t total_bytes = 0, matched = 0;
    for (size_t i = 0; i < nmsg; i++)
        total_bytes += strlen(msgs[i]);
    pgm_match m;
    double t0 = now();
    for (int r = 0; r < ROUNDS; r++)
        for (size_t i = 0; i < nmsg; i++)
            matched += (size_t)pgm_ruleset_classify(&rs, "pg_log", "message", msgs[i], strlen(msgs[i]), &m);
    double dt = now() - t0;
    double calls = (double)ROUNDS * (double)nmsg;
    printf("classify: %d match rules, %zu real messages (%.0f bytes on average), none wanted: "
           "%.0f ns per message, %zu matched\n",
           N_RULES, nmsg, (double)total_bytes / (double)nmsg, dt / calls * 1e9, matched);
    pgm_ruleset_free(&rs);
    pgm_strbuf_free(&y);
    for (size_t i = 0; i < nmsg; i++)
        free(msgs[i]);
    free(msgs);
    for (size_t i = 0; i < nwords; i++)
        free(words[i]);
    return matched ? 1 : 0;
}
