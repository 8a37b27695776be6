/* libFuzzer target: the postgresql.conf reader. The input is the main file;
 * an include of "inc.conf" gets the input again (recursion and depth limits),
 * any other include is missing. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/pgconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct input {
    const uint8_t *data;
    size_t size;
} input;

static int open_file(void *ctx, const char *path, char **out, size_t *len)
{
    const input *in = ctx;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strcmp(base, "postgresql.conf") != 0 && strcmp(base, "inc.conf") != 0)
        return 1;
    *out = malloc(in->size + 1);
    if (!*out)
        return -1;
    memcpy(*out, in->data, in->size);
    *len = in->size;
    return 0;
}

static int list_dir(void *ctx, const char *dir, char ***names, size_t *n)
{
    (void)ctx;
    (void)dir;
    *names = malloc(2 * sizeof **names);
    if (!*names)
        return -1;
    (*names)[0] = strdup("inc.conf");
    (*names)[1] = strdup(".hidden.conf");
    *n = 2;
    if (!(*names)[0] || !(*names)[1]) {
        free((*names)[0]);
        free((*names)[1]);
        free(*names);
        return -1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input in = {data, size};
    pgm_conf_files files = {open_file, list_dir, &in};
    pgm_conf c;
    pgm_conf_init(&c);
    pgm_conf_load(&c, "data/postgresql.conf", "data/postgresql.auto.conf", &files);
    (void)pgm_conf_get(&c, "work_mem");
    pgm_conf_free(&c);
    return 0;
}
