/* libFuzzer target: the configuration diff of the postmortem. The input is a
 * list of findings, one per line, their fields split by TAB: path, line,
 * key as written, the cited line's text ("-" for none), fix_set, fix_to,
 * url_param. The line edits (a value replaced in place, a URL given its
 * parameter, a setting added at the end) meet every kind of text here. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forensics/analysis_impl.h"
#include "report/remediation.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void field(const char **p, const char *end, char *out, size_t cap)
{
    const char *tab = memchr(*p, '\t', (size_t)(end - *p));
    const char *stop = tab ? tab : end;
    size_t n = (size_t)(stop - *p);
    snprintf(out, cap, "%.*s", (int)(n < cap - 1 ? n : cap - 1), *p);
    *p = tab ? tab + 1 : end;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pgm_analysis *a;
    if (pgm_analysis_open(&a) != 0)
        return 0;
    a->findings = calloc(PGM_ANALYSIS_MAX_FINDINGS, sizeof *a->findings);
    const char *s = (const char *)data, *e = s + size;
    while (a->findings && s < e && a->n_findings < PGM_ANALYSIS_MAX_FINDINGS) {
        const char *nl = memchr(s, '\n', (size_t)(e - s));
        const char *le = nl ? nl : e;
        finding_copy *f = &a->findings[a->n_findings++];
        char line[16];
        field(&s, le, f->path, sizeof f->path);
        field(&s, le, line, sizeof line);
        f->line = (unsigned)strtoul(line, NULL, 10);
        f->file_lines = f->line + 3;
        field(&s, le, f->key, sizeof f->key);
        field(&s, le, f->source, sizeof f->source);
        f->has_source = strcmp(f->source, "-") != 0;
        field(&s, le, f->fix_set, sizeof f->fix_set);
        field(&s, le, f->fix_to, sizeof f->fix_to);
        field(&s, le, f->fix_url_param, sizeof f->fix_url_param);
        s = nl ? nl + 1 : e;
    }
    pgm_strbuf out;
    pgm_strbuf_init(&out, 1u << 22);
    size_t left;
    pgm_report_config_diff(a, &out, &left);
    pgm_strbuf_free(&out);
    pgm_analysis_close(a);
    return 0;
}
