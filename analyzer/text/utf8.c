#include "text/utf8.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

bool pgm_utf8_all_ascii(const char *s, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= n; i += 16)
        if (_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + i))))
            return false;
#else
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, sizeof w);
        if (w & 0x8080808080808080ull)
            return false;
    }
#endif
    for (; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

size_t pgm_utf8_sequence_len(const unsigned char *p, size_t n)
{
    if (n == 0)
        return 0;
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

/* True when the 8 bytes hold only ASCII: the common case, checked a word at a time. */
static int ascii8(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return (w & 0x8080808080808080ULL) == 0;
}

/* Validates p[0..n) and returns how many trailing bytes form a sequence that
 * may still be completed by the next chunk. */
static size_t scan(pgm_utf8_state *st, const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (i + 8 <= n && ascii8(p + i)) {
            i += 8;
            continue;
        }
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t len = pgm_utf8_sequence_len(p + i, n - i);
        if (len) {
            i += len;
            continue;
        }
        /* Could the bytes left be the start of a sequence cut by the chunk end? */
        size_t left = n - i;
        if (left < 4) {
            unsigned char tmp[4] = {0x80, 0x80, 0x80, 0x80};
            memcpy(tmp, p + i, left);
            if (pgm_utf8_sequence_len(tmp, 4))
                return left;
        }
        st->invalid++;
        i++;
    }
    return 0;
}

void pgm_utf8_feed(pgm_utf8_state *st, const unsigned char *p, size_t n)
{
    while (st->npending > 0 && n > 0) {
        /* Finish the straddling sequence with bytes from this chunk. */
        unsigned char tmp[8];
        size_t take = n < 4 ? n : 4;
        memcpy(tmp, st->pending, st->npending);
        memcpy(tmp + st->npending, p, take);
        size_t have = st->npending + take;
        size_t len = pgm_utf8_sequence_len(tmp, have);
        if (len) {
            size_t used = len - st->npending;
            st->npending = 0;
            p += used;
            n -= used;
            break;
        }
        if (have < 4 && n == take) {
            unsigned char probe[4] = {0x80, 0x80, 0x80, 0x80};
            memcpy(probe, tmp, have);
            if (pgm_utf8_sequence_len(probe, 4)) { /* still incomplete */
                memcpy(st->pending, tmp, have);
                st->npending = have;
                return;
            }
        }
        /* The pending lead byte is bad; drop it and retry with the rest. */
        st->invalid++;
        memmove(st->pending, st->pending + 1, --st->npending);
    }
    size_t keep = scan(st, p, n);
    memcpy(st->pending, p + n - keep, keep);
    st->npending = keep;
}

void pgm_utf8_finish(pgm_utf8_state *st)
{
    st->invalid += st->npending;
    st->npending = 0;
}
