#include "util/fmt.h"

#include <stdarg.h>
#include <stdio.h>

void pgm_fmt(char *out, size_t cap, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    vsnprintf(out, cap, f, ap);
    va_end(ap);
}

size_t pgm_fmt_at(char *out, size_t cap, size_t len, const char *f, ...)
{
    if (!cap || len >= cap - 1)
        return cap ? cap - 1 : 0;
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(out + len, cap - len, f, ap);
    va_end(ap);
    if (n < 0)
        return len;
    return (size_t)n >= cap - len ? cap - 1 : len + (size_t)n;
}
