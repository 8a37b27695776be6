/* libFuzzer target: the log_line_prefix compiler and parser, and the entry
 * reader that groups lines. The input's first line is the prefix; every further
 * line is parsed with it and fed to the entry reader. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pglog/entries.h"
#include "pglog/prefix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
        const char *line = nl ? nl + 1 : s + size;
        uint64_t lineno = 0;
        while (line < s + size) {
            const char *e = memchr(line, '\n', (size_t)(s + size - line));
            size_t n = e ? (size_t)(e - line) : (size_t)(s + size - line);
            pgm_prefix_fields f;
            pgm_prefix_parse(p, line, n, &f);
            pgm_prefix_parse_bare(p, line, n, &f);
            pgm_entries_feed(&r, line, n, ++lineno);
            line += n + 1;
        }
        pgm_entries_finish(&r);
        pgm_entries_free(&r);
        pgm_prefix_free(p);
    }
    free(spec);
    return 0;
}
