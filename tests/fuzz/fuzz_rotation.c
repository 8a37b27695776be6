/* libFuzzer target: a path's rotation marks (bundle/rotation.h). The stream
 * is the path's start and a tail of its name, never longer than the path;
 * a piece is never older than itself; "follows" implies "older"; the
 * siblings' key is the path's folder, a space and an extension, and fits
 * whatever room it is given. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/rotation.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512], stream[512];
    size_t n = size < sizeof path - 1 ? size : sizeof path - 1;
    memcpy(path, data, n);
    path[n] = '\0';
    pgm_rotation r;
    pgm_rotation_of(path, &r);
    if (r.stream_len > strlen(path) || pgm_rotation_cmp(&r, &r) != 0 || pgm_rotation_follows(&r, &r))
        abort();
    pgm_rotation_stream(path, stream, sizeof stream);
    if (strncmp(stream, path, r.stream_len) != 0 || strlen(stream) > strlen(path))
        abort();
    char key[600], small[8];
    pgm_rotation_siblings(path, key, sizeof key);
    size_t folder = strlen(path);
    while (folder && path[folder - 1] != '/' && path[folder - 1] != '!')
        folder--;
    if (strncmp(key, path, folder) != 0 || key[folder] != ' ' || (key[folder + 1] && key[folder + 1] != '.'))
        abort();
    pgm_rotation_siblings(path, small, sizeof small);
    if (strlen(small) >= sizeof small || strncmp(small, key, sizeof small - 1) != 0)
        abort();
    /* two paths: the first half and the whole */
    pgm_rotation h;
    path[n / 2] = '\0';
    pgm_rotation_of(path, &h);
    if (pgm_rotation_follows(&h, &r) && pgm_rotation_cmp(&h, &r) >= 0)
        abort();
    return 0;
}
