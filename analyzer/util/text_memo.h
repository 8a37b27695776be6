/* Something worked out once per text, remembered by the text's address: for
 * texts that live as long as the memo's owner and come back millions of
 * times, such as event kinds and capture names (the rules' own strings) or
 * literals. A direct-mapped table: a miss, or two texts sharing a slot, only
 * means working it out again. Not for texts whose memory is reused. */
#ifndef PGM_TEXT_MEMO_H
#define PGM_TEXT_MEMO_H

#include <stddef.h>
#include <stdint.h>

#define PGM_TEXT_MEMO_SLOTS 64u

typedef struct pgm_text_memo {
    const char *text[PGM_TEXT_MEMO_SLOTS];  /* NULL: empty */
    int value[PGM_TEXT_MEMO_SLOTS];
} pgm_text_memo;

/* The value remembered for `text`, else work_out(ctx, text), remembered. */
static inline int pgm_text_memo_of(pgm_text_memo *m, const char *text, int (*work_out)(void *ctx, const char *text),
                                   void *ctx)
{
    if (!text)
        return work_out(ctx, text);
    size_t h = (size_t)(((uint64_t)(uintptr_t)text * UINT64_C(0x9E3779B97F4A7C15)) >> 40) % PGM_TEXT_MEMO_SLOTS;
    if (m->text[h] != text) {
        m->text[h] = text;
        m->value[h] = work_out(ctx, text);
    }
    return m->value[h];
}

#endif
