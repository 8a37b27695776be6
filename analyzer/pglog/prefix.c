#include "pglog/prefix.h"

#include "util/bytes.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum item_kind { IT_LIT, IT_ESC, IT_Q };

typedef struct item {
    enum item_kind kind;
    char esc;            /* escape letter */
    int width;           /* padding width, 0 for none */
    bool left;           /* %-N: value first, spaces after */
    size_t lit, litlen;  /* literal: offset into lits */
    /* a literal of up to 8 bytes as the word they make, and the word's
     * bytes that are its: compared at once where the line has 8 bytes on */
    uint64_t word, word_mask;
} item;

/* Fields an escape sets, as offsets into pgm_prefix_fields: what a parse
 * into a reused result must clear. */
#define MAX_SET_FIELDS 24

struct pgm_prefix {
    char *spec;
    char *lits;
    item items[PGM_PREFIX_MAX_ITEMS];
    size_t n;
    size_t sets[MAX_SET_FIELDS];  /* slices the escapes may set */
    size_t n_sets;
    bool time_first;              /* items[0] is the line's time (%m, %t), the only one */
    bool memo_ok;                 /* pgm_prefix_memo_applies */
};

/* The slices escape e sets (at most three), as offsets. */
static size_t slices_of(char e, size_t out[3])
{
    switch (e) {
    case 'u': out[0] = offsetof(pgm_prefix_fields, user); return 1;
    case 'd': out[0] = offsetof(pgm_prefix_fields, db); return 1;
    case 'a': out[0] = offsetof(pgm_prefix_fields, app); return 1;
    case 'h': out[0] = offsetof(pgm_prefix_fields, host); return 1;
    case 'b': out[0] = offsetof(pgm_prefix_fields, backend_type); return 1;
    case 'i': out[0] = offsetof(pgm_prefix_fields, command_tag); return 1;
    case 'c': out[0] = offsetof(pgm_prefix_fields, session_id); return 1;
    case 'l': out[0] = offsetof(pgm_prefix_fields, line_num); return 1;
    case 'v': out[0] = offsetof(pgm_prefix_fields, vxid); return 1;
    case 'x': out[0] = offsetof(pgm_prefix_fields, xid); return 1;
    case 'e': out[0] = offsetof(pgm_prefix_fields, sqlstate); return 1;
    case 'Q': out[0] = offsetof(pgm_prefix_fields, query_id); return 1;
    case 'P': out[0] = offsetof(pgm_prefix_fields, leader_pid); return 1;
    case 'p': out[0] = offsetof(pgm_prefix_fields, pid_text); return 1;
    case 'r':
        out[0] = offsetof(pgm_prefix_fields, remote);
        out[1] = offsetof(pgm_prefix_fields, host);
        out[2] = offsetof(pgm_prefix_fields, port);
        return 3;
    default: return 0;
    }
}

/* Records the slices item it sets, once each. */
static void note_sets(pgm_prefix *p, char e)
{
    size_t offs[3];
    size_t k = slices_of(e, offs);
    for (size_t i = 0; i < k; i++) {
        bool seen = false;
        for (size_t j = 0; j < p->n_sets && !seen; j++)
            seen = p->sets[j] == offs[i];
        if (!seen && p->n_sets < MAX_SET_FIELDS)
            p->sets[p->n_sets++] = offs[i];
    }
}

/* Escapes whose values are free text: where they end is found by trying. */
static bool free_text(char e)
{
    return e == 'u' || e == 'd' || e == 'a' || e == 'r' || e == 'h' || e == 'b' || e == 'i';
}

static bool known_escape(char e)
{
    return strchr("audrhbpPtmnscilexvQq", e) != NULL;
}

/* Appends a literal character: extends the last literal or starts one.
 * False when the prefix already has its maximum number of items. */
static bool add_literal(pgm_prefix *p, size_t *nl, char c)
{
    item *last = p->n ? &p->items[p->n - 1] : NULL;
    if (last && last->kind == IT_LIT && last->lit + last->litlen == *nl) {
        last->litlen++;
    } else {
        if (p->n == PGM_PREFIX_MAX_ITEMS)
            return false;
        p->items[p->n++] = (item){.kind = IT_LIT, .lit = *nl, .litlen = 1};
    }
    p->lits[(*nl)++] = c;
    return true;
}

int pgm_prefix_compile(const char *spec, pgm_prefix **out, char err[PGM_ERR_MAX])
{
    pgm_prefix *p = calloc(1, sizeof *p);
    size_t sl = strlen(spec);
    if (!p || !(p->spec = strdup(spec)) || !(p->lits = malloc(sl + 1))) {
        if (p)
            free(p->spec);
        free(p);
        snprintf(err, PGM_ERR_MAX, "out of memory");
        return PGM_FATAL;
    }
    size_t nl = 0;
    for (size_t i = 0; i < sl;) {
        char c = spec[i];
        if (c != '%' || i + 1 >= sl) {
            if (c == '%')
                break; /* a trailing lone % ends the prefix */
            if (!add_literal(p, &nl, c))
                goto too_long;
            i++;
            continue;
        }
        size_t j = i + 1;
        bool left = false;
        int width = 0;
        if (spec[j] == '%') {
            /* "%%" is a literal percent sign */
            if (!add_literal(p, &nl, '%'))
                goto too_long;
            i = j + 1;
            continue;
        }
        if (spec[j] == '-') {
            left = true;
            j++;
        }
        while (j < sl && spec[j] >= '0' && spec[j] <= '9' && width < 10000)
            width = width * 10 + (spec[j++] - '0');
        if (j >= sl)
            break;
        char e = spec[j];
        i = j + 1;
        if (!known_escape(e))
            continue; /* the server prints nothing for it */
        if (p->n == PGM_PREFIX_MAX_ITEMS)
            goto too_long;
        p->items[p->n++] = (item){.kind = e == 'q' ? IT_Q : IT_ESC, .esc = e, .width = width, .left = left};
        note_sets(p, e);
    }
    p->lits[nl] = '\0';
    size_t times = 0;
    for (size_t k = 0; k < p->n; k++)
        times += p->items[k].kind == IT_ESC && strchr("mtns", p->items[k].esc) != NULL;
    p->time_first = times == 1 && pgm_prefix_leads_with_time(p); /* and no %s */
    p->memo_ok = times == 0 || p->time_first;
    for (size_t k = 0; k < p->n; k++) {
        item *it = &p->items[k];
        if (it->kind != IT_LIT || it->litlen > 8)
            continue;
        static const unsigned char all[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
        memcpy(&it->word, p->lits + it->lit, it->litlen);
        memcpy(&it->word_mask, all, it->litlen);
    }
    *out = p;
    return PGM_OK;
too_long:
    snprintf(err, PGM_ERR_MAX, "log_line_prefix has more than %d parts", PGM_PREFIX_MAX_ITEMS);
    pgm_prefix_free(p);
    return PGM_FAILED;
}

void pgm_prefix_free(pgm_prefix *p)
{
    if (!p)
        return;
    free(p->spec);
    free(p->lits);
    free(p);
}

const char *pgm_prefix_spec(const pgm_prefix *p)
{
    return p->spec;
}

bool pgm_prefix_leads_with_time(const pgm_prefix *p)
{
    if (p->n == 0 || p->items[0].kind != IT_ESC || p->items[0].width != 0 ||
        (p->items[0].esc != 'm' && p->items[0].esc != 't'))
        return false;
    for (size_t i = 1; i < p->n; i++)
        if (p->items[i].kind == IT_ESC && strchr("mtn", p->items[i].esc))
            return false; /* a second time: which one the entry takes is not the line's start */
    return true;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

/* 1 for the ASCII bytes of a severity word: capitals and digits (any byte
 * of a UTF-8 character is one too: the servers' translations). A table:
 * this runs twice a line where %q ends the prefix. */
static const unsigned char severity_ascii[128] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
    ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
    ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
};

/* pgm_prefix_severity_at, saying how many bytes of s it read (*read) and
 * whether where s ends decided it (*ends): what a memo must know of it. */
static inline size_t severity_read(const char *s, size_t n, size_t *read, bool *ends)
{
    size_t i = 0;
    size_t most = n < 25 ? n : 25; /* a word of up to 24 bytes, and the byte after it */
    while (i < most && ((unsigned char)s[i] >= 0x80 || severity_ascii[(unsigned char)s[i]]))
        i++;
    *read = i < most ? i + 1 : i;
    *ends = i == n;
    if (i < 2 || i > 24 || (!(s[0] >= 'A' && s[0] <= 'Z') && (unsigned char)s[0] < 0x80))
        return 0;
    if (i + 2 > n) {
        *ends = true;
        return 0;
    }
    *read = i + 2;
    if (s[i] != ':' || s[i + 1] != ' ')
        return 0;
    if (i + 2 == n)
        *ends = true;
    else if (*read = i + 3, s[i + 2] == ' ')
        return i; /* elog.c writes two spaces */
    /* One space, as log shippers that squeeze blanks leave it: only for
     * the English words, which no other text that ends a prefix is. */
    return pgm_prefix_english_severity(s, i) ? i : 0;
}

size_t pgm_prefix_severity_at(const char *s, size_t n)
{
    size_t read;
    bool ends;
    return severity_read(s, n, &read, &ends);
}

static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_word_byte(char c)
{
    return is_upper(c) || (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || (unsigned char)c >= 0x80;
}

bool pgm_prefix_is_sqlstate(const char *q)
{
    bool letter = false, digit = false;
    for (size_t k = 0; k < 5; k++) {
        if (!is_digit(q[k]) && !is_upper(q[k]))
            return false;
        letter |= is_upper(q[k]);
        digit |= is_digit(q[k]);
    }
    /* every class has a digit (errcodes.txt: 42P01, P0001, XX000), which no
     * capital word has ("FEHLER"); a pid never starts with 0, a class of
     * digits only may (00000, 08006; 53300 reads as a pid) */
    return digit && (letter || q[0] == '0');
}

bool pgm_prefix_sqlstate_before(const char *s, size_t i)
{
    return i >= 5 && (i == 5 || !is_word_byte(s[i - 6])) && pgm_prefix_is_sqlstate(s + i - 5);
}

bool pgm_prefix_english_severity(const char *s, size_t n)
{
    static const char *const words[] = {"LOG",     "ERROR",  "FATAL",  "PANIC",  "WARNING", "NOTICE",
                                        "INFO",    "DEBUG",  "DEBUG1", "DEBUG2", "DEBUG3",  "DEBUG4",
                                        "DEBUG5",  "DETAIL", "HINT",   "CONTEXT", "STATEMENT", "QUERY",
                                        "LOCATION", "BACKTRACE"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
            return true;
    return false;
}

typedef struct matcher {
    const pgm_prefix *p;
    const char *s;
    size_t n;
    unsigned steps;
    bool gave_up; /* at PGM_PREFIX_MAX_STEPS or PGM_PREFIX_MAX_VALUE */
    bool bare;    /* no severity follows the prefix: the message does */
    pgm_prefix_fields *f;
    /* For a memo: every byte the match read lies before `seen` (the line's
     * time aside, see pgm_prefix_parse_memo), unless `bound`: where the
     * line ends decided something, or a read was not followed. */
    size_t seen;
    bool bound;
} matcher;

static inline void saw(matcher *m, size_t end)
{
    if (end > m->seen)
        m->seen = end;
}

/* The severity word at pos (pgm_prefix_severity_at), its reads noted. */
static size_t severity_seen(matcher *m, size_t pos)
{
    size_t read;
    bool ends;
    size_t sev = severity_read(m->s + pos, m->n - pos, &read, &ends);
    saw(m, pos + read);
    m->bound |= ends;
    return sev;
}

/* Spaces before a right-aligned value, from pos: where the value starts. */
static size_t skip_pad(matcher *m, size_t pos)
{
    while (pos < m->n && m->s[pos] == ' ')
        pos++;
    if (pos < m->n)
        saw(m, pos + 1);
    else
        m->bound = true;
    return pos;
}

static bool match_from(matcher *m, size_t i, size_t pos);

/* Stores an escape's value in the fields. */
static void store(matcher *m, char e, const char *v, size_t len)
{
    pgm_prefix_fields *f = m->f;
    pgm_slice s = {v, len};
    switch (e) {
    case 'u': f->user = s; break;
    case 'd': f->db = s; break;
    case 'a': f->app = s; break;
    case 'h': f->host = s; break;
    case 'b': f->backend_type = s; break;
    case 'i': f->command_tag = s; break;
    case 'c': f->session_id = s; break;
    case 'l': f->line_num = s; break;
    case 'v': f->vxid = s; break;
    case 'x': f->xid = s; break;
    case 'e': f->sqlstate = s; break;
    case 'Q': f->query_id = s; break;
    case 'P': f->leader_pid = s; break;
    case 'r': {
        /* host(port), or [local] */
        f->remote = s;
        const char *open = len && v[len - 1] == ')' ? memchr(v, '(', len) : NULL;
        if (open) {
            f->host = (pgm_slice){v, (size_t)(open - v)};
            f->port = (pgm_slice){open + 1, len - (size_t)(open - v) - 2};
        } else {
            f->host = s;
        }
        break;
    }
    default: break;
    }
}

/* Scans a structured value at pos; returns its length or -1. */
static long scan_value(matcher *m, const item *it, size_t pos)
{
    const char *s = m->s + pos;
    size_t n = m->n - pos, k = 0;
    pgm_ts_parse ts;
    switch (it->esc) {
    case 'm':
    case 't':
    case 's':
        if (!pgm_ts_parse_at(s, n, &ts))
            return -1;
        if (it->esc == 's') {
            m->f->session_start_us = ts.us;
        } else {
            m->f->t_us = ts.us;
            m->f->zone = ts.zone;
            memcpy(m->f->zone_name, ts.zone_name, sizeof ts.zone_name);
        }
        return (long)ts.len;
    case 'n': {
        int64_t secs = 0;
        while (k < n && is_digit(s[k]) && k < 12)
            secs = secs * 10 + (s[k++] - '0');
        if (k == 0 || k + 4 > n || s[k] != '.' || !is_digit(s[k + 1]) || !is_digit(s[k + 2]) ||
            !is_digit(s[k + 3]))
            return -1;
        m->f->t_us = secs * 1000000 + ((s[k + 1] - '0') * 100 + (s[k + 2] - '0') * 10 + (s[k + 3] - '0')) * 1000;
        m->f->zone = PGM_TS_ZONE_KNOWN;
        return (long)(k + 4);
    }
    case 'p':
    case 'l':
    case 'x':
    case 'Q':
    case 'P':
        if (k < n && s[k] == '-' && (it->esc == 'Q'))
            k++;
        while (k < n && is_digit(s[k]) && k < 24)
            k++;
        if (k == 0 && it->esc != 'P')
            return -1;
        if (it->esc == 'p') {
            if (k > 10) /* pids are 32-bit; a longer run of digits is not one */
                return -1;
            int64_t pid = 0;
            for (size_t q = 0; q < k; q++)
                pid = pid * 10 + (s[q] - '0');
            m->f->pid = pid;
            m->f->pid_text = (pgm_slice){s, k};
        }
        store(m, it->esc, s, k);
        return (long)k;
    case 'e':
        for (k = 0; k < 5 && k < n; k++)
            if (!is_digit(s[k]) && !(s[k] >= 'A' && s[k] <= 'Z'))
                return -1;
        if (k < 5)
            return -1;
        store(m, 'e', s, 5);
        return 5;
    case 'c':
        while (k < n && is_hex(s[k]))
            k++;
        if (k == 0 || k >= n || s[k] != '.')
            return -1;
        k++;
        while (k < n && is_hex(s[k]))
            k++;
        store(m, 'c', s, k);
        return (long)k;
    case 'v':
        while (k < n && is_digit(s[k]))
            k++;
        if (k > 0) {
            if (k >= n || s[k] != '/')
                return -1;
            k++;
            while (k < n && is_digit(s[k]))
                k++;
        }
        store(m, 'v', s, k);
        return (long)k;
    }
    return -1;
}

/* scan_value, its reads noted: the byte after the value ends it, and a
 * value that did not scan may have been refused for any of its bytes. The
 * line's time leading the prefix is not noted: a memo reads it anew. */
static long scan_value_seen(matcher *m, const item *it, size_t i, size_t pos)
{
    long len = scan_value(m, it, pos);
    if (i == 0 && m->p->time_first)
        return len;
    if (len < 0 || pos + (size_t)len >= m->n)
        m->bound = true;
    else
        saw(m, pos + (size_t)len + 1);
    return len;
}

/* Spaces of padding after a left-aligned value of `len` in a field of `width`. */
static size_t pad_after(matcher *m, const item *it, size_t pos, size_t len)
{
    size_t pad = 0;
    while (len + pad < (size_t)it->width && pos + pad < m->n && m->s[pos + pad] == ' ')
        pad++;
    if (len + pad >= (size_t)it->width)
        saw(m, pos + pad);
    else if (pos + pad < m->n)
        saw(m, pos + pad + 1);
    else
        m->bound = true;
    return pad;
}

static bool match_end(matcher *m, size_t pos)
{
    if (m->bare) {
        if (pos >= m->n)
            return false;
        m->f->severity = (pgm_slice){NULL, 0};
        m->f->message = (pgm_slice){m->s + pos, m->n - pos};
        return true;
    }
    size_t sev = severity_seen(m, pos);
    if (!sev)
        return false;
    /* the byte after "WORD: " was read with the word (or the line ended) */
    size_t at = pos + sev + 2; /* after "WORD: " */
    if (at < m->n && m->s[at] == ' ')
        at++;
    m->f->severity = (pgm_slice){m->s + pos, sev};
    m->f->message = (pgm_slice){m->s + at, m->n - at};
    return true;
}

static bool match_free_text(matcher *m, size_t i, size_t pos)
{
    const item *it = &m->p->items[i];
    size_t start = pos;
    if (it->width && !it->left)
        start = skip_pad(m, start);
    /* The item that must follow the value decides where it may end. */
    size_t next = i + 1;
    while (next < m->p->n && m->p->items[next].kind == IT_Q)
        next++;
    const item *nx = next < m->p->n ? &m->p->items[next] : NULL;
    size_t limit = m->n - start < PGM_PREFIX_MAX_VALUE ? m->n : start + PGM_PREFIX_MAX_VALUE;
    for (size_t end = start; end <= limit; end++) {
        if (++m->steps > PGM_PREFIX_MAX_STEPS) {
            m->gave_up = true;
            return false;
        }
        if (nx && nx->kind == IT_LIT) {
            const char *lit = m->p->lits + nx->lit;
            const char *hit = end < m->n ? memchr(m->s + end, lit[0], limit - end) : NULL;
            if (!hit)
                break;
            end = (size_t)(hit - m->s);
            saw(m, end + 1);
        } else if (!nx && m->bare) {
            return false; /* a value last in the prefix: nothing tells where it ends */
        } else if (!nx && !severity_seen(m, end)) {
            continue;
        }
        size_t vlen = end - start;
        /* a left-aligned value's padding is not part of it */
        size_t vshown = vlen;
        if (it->width && it->left) {
            saw(m, end);
            while (vshown && m->s[start + vshown - 1] == ' ')
                vshown--;
        }
        if (it->esc == 'r')
            saw(m, start + vshown); /* host(port) is told apart by its bytes */
        store(m, it->esc, m->s + start, vshown);
        if (match_from(m, i + 1, end))
            return true;
    }
    m->gave_up |= limit < m->n; /* the value may have gone on past its reach */
    m->bound = true;              /* no end left to try: the line's end decided */
    return false;
}

/* %q ended the prefix at item i: the items after it printed nothing, and
 * what a way tried before stored of them (a free-text value before %q ended
 * elsewhere, and the session's part was read on) is not this line's. */
static void clear_after(matcher *m, size_t i)
{
    pgm_prefix_fields *f = m->f;
    for (size_t k = i + 1; k < m->p->n; k++) {
        const item *it = &m->p->items[k];
        if (it->kind != IT_ESC)
            continue;
        size_t offs[3], n = slices_of(it->esc, offs);
        for (size_t j = 0; j < n; j++)
            memset((char *)f + offs[j], 0, sizeof(pgm_slice));
        if (it->esc == 'p')
            f->pid = -1;
        else if (it->esc == 's')
            f->session_start_us = PGM_TS_UNKNOWN;
        else if (strchr("mtn", it->esc)) {
            f->t_us = PGM_TS_UNKNOWN;
            f->zone = PGM_TS_ZONE_KNOWN;
            memset(f->zone_name, 0, sizeof f->zone_name);
        }
    }
}

static bool match_from(matcher *m, size_t i, size_t pos)
{
    const pgm_prefix *p = m->p;
    for (; i < p->n; i++) {
        const item *it = &p->items[i];
        if (it->kind == IT_LIT) {
            if (pos + it->litlen > m->n) {
                m->bound = true;
                return false;
            }
            saw(m, pos + it->litlen);
            if (it->word_mask && pos + 8 <= m->n) {
                if ((pgm_load8(m->s + pos) & it->word_mask) != it->word)
                    return false;
            } else if (!pgm_same_bytes(m->s + pos, p->lits + it->lit, it->litlen)) {
                return false;
            }
            pos += it->litlen;
            continue;
        }
        if (it->kind == IT_Q) {
            if (m->bare) {
                /* no severity to tell where the prefix ends: the session's
                 * part first, which a message may not stand in for */
                pgm_prefix_fields before = *m->f;
                m->f->session = true;
                if (match_from(m, i + 1, pos))
                    return true;
                *m->f = before;
                m->f->session = false;
                return match_end(m, pos);
            }
            /* No session: the rest of the prefix is not printed. */
            if (match_end(m, pos)) {
                m->f->session = false;
                clear_after(m, i);
                return true;
            }
            m->f->session = true;
            continue;
        }
        if (free_text(it->esc))
            return match_free_text(m, i, pos);
        size_t start = pos;
        if (it->width && !it->left)
            start = skip_pad(m, start);
        long len = scan_value_seen(m, it, i, start);
        if (len < 0)
            return false;
        pos = start + (size_t)len;
        if (it->width && it->left)
            pos += pad_after(m, it, pos, (size_t)len);
    }
    return match_end(m, pos);
}

/* %c is hex(start time) "." hex(pid): prefixes without %p (Azure's
 * '%t-%c-') still name the process. -1 when it is not that shape. */
int64_t pgm_prefix_pid_of_session_id(pgm_slice c)
{
    const char *dot = c.n ? memchr(c.p, '.', c.n) : NULL;
    if (!dot)
        return -1;
    size_t i = (size_t)(dot - c.p) + 1;
    if (i == c.n || c.n - i > 8)
        return -1;
    int64_t pid = 0;
    for (; i < c.n; i++) {
        char ch = c.p[i];
        int d = is_digit(ch) ? ch - '0' : is_hex(ch) ? ch - 'a' + 10 : -1;
        if (d < 0)
            return -1;
        pid = pid * 16 + d;
    }
    return pid;
}

bool pgm_prefix_parse(const pgm_prefix *p, const char *line, size_t n, pgm_prefix_fields *out)
{
    memset(out, 0, sizeof *out);
    return pgm_prefix_parse_into(p, line, n, out);
}

static bool parse(const pgm_prefix *p, const char *line, size_t n, bool bare, pgm_prefix_fields *out);

bool pgm_prefix_parse_into(const pgm_prefix *p, const char *line, size_t n, pgm_prefix_fields *out)
{
    return parse(p, line, n, false, out);
}

bool pgm_prefix_parse_bare(const pgm_prefix *p, const char *line, size_t n, pgm_prefix_fields *out)
{
    memset(out, 0, sizeof *out);
    return parse(p, line, n, true, out);
}

/* parse() with the matcher it used, for what it read. */
static bool parse_with(const pgm_prefix *p, const char *line, size_t n, bool bare, pgm_prefix_fields *out,
                       matcher *m)
{
    for (size_t i = 0; i < p->n_sets; i++)
        memset((char *)out + p->sets[i], 0, sizeof(pgm_slice));
    out->severity = out->message = (pgm_slice){NULL, 0};
    out->zone = PGM_TS_ZONE_KNOWN;
    memset(out->zone_name, 0, sizeof out->zone_name);
    out->t_us = PGM_TS_UNKNOWN;
    out->session_start_us = PGM_TS_UNKNOWN;
    out->pid = -1;
    out->session = true;
    *m = (matcher){.p = p, .s = line, .n = n, .bare = bare, .f = out};
    bool matched = match_from(m, 0, 0);
    out->gave_up = !matched && m->gave_up;
    if (!matched)
        return false;
    if (out->pid < 0)
        out->pid = pgm_prefix_pid_of_session_id(out->session_id);
    return true;
}

static bool parse(const pgm_prefix *p, const char *line, size_t n, bool bare, pgm_prefix_fields *out)
{
    matcher m;
    return parse_with(p, line, n, bare, out, &m);
}

/* ------------------------------------------------------------------ memo */

#define MEMO_NONE UINT16_MAX /* a slice's offset: the slice was NULL */
/* Slots a line may be in: the lines of one process with other severities
 * (LOG, DETAIL) start alike, and take one slot each. */
#define MEMO_WAYS 4u
#define MEMO_SETS (PGM_PREFIX_MEMO_SLOTS / MEMO_WAYS)

typedef struct memo_slot {
    uint16_t start, end;         /* the line's bytes [start, end) held in `bytes`; end 0: empty */
    uint16_t severity_off, severity_len, message_off;
    bool session;
    int64_t pid;
    uint16_t off[MAX_SET_FIELDS], len[MAX_SET_FIELDS]; /* the prefix's slices, in sets order */
    char bytes[PGM_PREFIX_MEMO_BYTES];
} memo_slot;

struct pgm_prefix_memo {
    const pgm_prefix *p;         /* the slots are of this prefix's parses (pgm_prefix_memo_new) */
    uint64_t hits, lookups;
    bool off;                    /* it did not help (PGM_PREFIX_MEMO_TRIAL) */
    unsigned char next[MEMO_SETS]; /* the way of each set a new parse takes */
    memo_slot slot[MEMO_SETS][MEMO_WAYS];
};

_Static_assert(MEMO_SETS && (MEMO_SETS & (MEMO_SETS - 1)) == 0, "sets are a power of two");
/* every offset kept is before `end`, and the line's time before `start` is
 * shorter than this: a longer one is not kept */
#define MEMO_MAX_START 256u
_Static_assert(MEMO_MAX_START + PGM_PREFIX_MEMO_BYTES < MEMO_NONE, "offsets fit");

bool pgm_prefix_memo_applies(const pgm_prefix *p) { return p->memo_ok; }

pgm_prefix_memo *pgm_prefix_memo_new(const pgm_prefix *p)
{
    pgm_prefix_memo *m = calloc(1, sizeof *m);
    if (m)
        m->p = p;
    return m;
}

void pgm_prefix_memo_free(pgm_prefix_memo *m) { free(m); }

void pgm_prefix_memo_counts(const pgm_prefix_memo *m, uint64_t *hits, uint64_t *lookups)
{
    *hits = m ? m->hits : 0;
    *lookups = m ? m->lookups : 0;
}

/* The set of the 8 bytes after the time (Fibonacci hashing): the pid's
 * digits are among them in the prefixes that repeat. */
static size_t set_of(const char *key)
{
    uint64_t k;
    memcpy(&k, key, sizeof k);
    return (size_t)((k * 0x9E3779B97F4A7C15u) >> (64 - __builtin_ctz(MEMO_SETS)));
}

/* Keeps the parse of `line` the matcher m made, when every byte it read
 * after the time fits in a slot and the line's end decided nothing. */
static void memo_keep(memo_slot *s, const pgm_prefix *p, const matcher *m, size_t start, const char *line,
                      const pgm_prefix_fields *out)
{
    if (m->bound || m->seen > m->n || m->seen <= start || m->seen - start > PGM_PREFIX_MEMO_BYTES ||
        start >= MEMO_MAX_START)
        return;
    for (size_t j = 0; j < p->n_sets; j++) {
        const pgm_slice *v = (const pgm_slice *)(const void *)((const char *)out + p->sets[j]);
        s->off[j] = v->p ? (uint16_t)(v->p - line) : MEMO_NONE;
        s->len[j] = (uint16_t)v->n;
    }
    s->severity_off = (uint16_t)(out->severity.p - line);
    s->severity_len = (uint16_t)out->severity.n;
    s->message_off = (uint16_t)(out->message.p - line);
    s->pid = out->pid;
    s->session = out->session;
    s->start = (uint16_t)start;
    s->end = (uint16_t)m->seen;
    memcpy(s->bytes, line + start, m->seen - start);
}

/* The parse the slot holds, as the matcher would make it of this line. */
static void memo_give(const memo_slot *s, const pgm_prefix *p, const char *line, size_t n,
                      const pgm_ts_parse *ts, pgm_prefix_fields *out)
{
    for (size_t j = 0; j < p->n_sets; j++) {
        pgm_slice *v = (pgm_slice *)(void *)((char *)out + p->sets[j]);
        *v = s->off[j] == MEMO_NONE ? (pgm_slice){NULL, 0} : (pgm_slice){line + s->off[j], s->len[j]};
    }
    out->severity = (pgm_slice){line + s->severity_off, s->severity_len};
    out->message = (pgm_slice){line + s->message_off, n - s->message_off};
    if (ts) { /* as scan_value sets them */
        out->t_us = ts->us;
        out->zone = ts->zone;
        memcpy(out->zone_name, ts->zone_name, sizeof out->zone_name);
    } else {
        out->t_us = PGM_TS_UNKNOWN;
        out->zone = PGM_TS_ZONE_KNOWN;
        memset(out->zone_name, 0, sizeof out->zone_name);
    }
    out->session_start_us = PGM_TS_UNKNOWN;
    out->pid = s->pid;
    out->session = s->session;
    out->gave_up = false;
}

bool pgm_prefix_parse_memo(const pgm_prefix *p, pgm_prefix_memo *memo, const char *line, size_t n,
                           pgm_prefix_fields *out)
{
    if (!memo || memo->off || memo->p != p || !p->memo_ok)
        return parse(p, line, n, false, out);
    /* The time is read as the matcher reads it, first; the memo holds what
     * comes after it. */
    pgm_ts_parse ts;
    size_t start = 0;
    if (p->time_first) {
        if (!pgm_ts_parse_at(line, n, &ts))
            return parse(p, line, n, false, out); /* no time: the matcher fails as it will */
        start = ts.len;
    }
    if (n - start < 8)
        return parse(p, line, n, false, out);
    size_t set = set_of(line + start);
    memo->lookups++;
    for (size_t w = 0; w < MEMO_WAYS; w++) {
        const memo_slot *s = &memo->slot[set][w];
        if (s->end && s->start == start && n >= s->end && pgm_same_bytes(line + start, s->bytes, s->end - start)) {
            memo->hits++;
            memo_give(s, p, line, n, p->time_first ? &ts : NULL, out);
            return true;
        }
    }
    if (memo->lookups == PGM_PREFIX_MEMO_TRIAL && memo->hits * PGM_PREFIX_MEMO_MIN_SHARE < memo->lookups)
        memo->off = true;
    matcher m;
    bool matched = parse_with(p, line, n, false, out, &m);
    if (matched) {
        memo_keep(&memo->slot[set][memo->next[set]], p, &m, start, line, out);
        memo->next[set] = (unsigned char)((memo->next[set] + 1) % MEMO_WAYS);
    }
    return matched;
}
