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
