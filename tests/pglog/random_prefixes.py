#!/usr/bin/env python3
"""Random log_line_prefix values, seeded: every escape of PostgreSQL 15 and
the separators people put between them, bare or behind a label (user=%u,
pid="%p"), %q somewhere before the session escapes or not at all, padding
(%-10u) now and then.

    random_prefixes.py SEED COUNT

One prefix a line. What nobody can tell apart from the lines is left out:
two escapes with no separator (`%u%d`), padding next to a space separator
(`%n %-12d %i`: which spaces pad?), %P bare (empty outside parallel
workers, it leaves only two separators side by side), %s as the only
time (a process's start and the line's time print alike), %l and %x both
bare (two counters), and free-text values (names, %b, %i: `client backend`,
`idle in transaction`) bare between bare spaces, where a value's own
spaces and the separators are one and the same.
"""
import random
import sys

SESSION = ["u", "d", "a", "r", "h", "i"]
OTHER = ["p", "c", "l", "e", "v", "x", "Q", "b", "s", "P"]
TIMES = ["m", "t", "n"]
LABELS = {"u": ["user", "usr"], "d": ["db", "database"], "a": ["app", "application_name"],
          "r": ["remote", "connection_source"], "h": ["host", "client"], "p": ["pid"],
          "c": ["session", "session_id"], "l": ["line"], "x": ["xid", "tid"], "v": ["vxid"],
          "e": ["sqlstate", "code"], "Q": ["query_id"], "b": ["backend_type"], "s": ["proc_start_time"],
          "i": ["command_tag"], "P": ["leader_pid"]}
SEPARATORS = [" ", ",", "|", " - ", "][", "] [", ":", ";", " / "]


def one(rng):
    # a time first most of the time, as every platform does
    items = []
    timed = rng.random() < 0.85
    if timed:
        items.append(rng.choice(TIMES))
    others = rng.sample([e for e in OTHER if timed or e != "s"], rng.randint(1, 3))
    if "p" not in others and rng.random() < 0.8:
        others.insert(0, "p")
    session = rng.sample(SESSION, rng.randint(0, 4))
    items += others
    labelled = rng.random() < 0.5
    spec = ""
    sep = rng.choice(SEPARATORS)
    if not labelled and "l" in items and "x" in items:
        items.remove("x")
    free = [e for e in items + session if e in ("u", "d", "a", "i", "b", "h", "r")]
    if not labelled and " " in sep and sep not in ("] [",) and len(free) >= 2:
        sep = rng.choice([",", "|", ";", "][", ":"])
    bracket = sep in ("][", "] [")
    spaced = " " in sep and not bracket
    q_at = len(items) if session and rng.random() < 0.6 else None
    items += session
    for k, e in enumerate(items):
        if k == q_at:
            spec += "%q"
        text = "%" + e
        # a free-text value behind a label or bare; '@' between user and database
        if labelled and e in LABELS and e not in TIMES:
            text = rng.choice(LABELS[e]) + "=" + text
        elif e == "P" and not bracket:
            text = "leader=" + text
        elif e in ("u", "d", "a", "i", "b") and not spaced and rng.random() < 0.15:
            text = "%-12" + e  # padded
        spec += ("[" + text + "]") if bracket else text
        if k + 1 < len(items):
            if e == "u" and items[k + 1] == "d" and not labelled and not bracket:
                spec += "@"
            elif not bracket:
                spec += sep
    spec += rng.choice([" ", ": ", " ", ":"])
    return spec


def main():
    rng = random.Random(int(sys.argv[1]))
    for _ in range(int(sys.argv[2])):
        print(one(rng))


if __name__ == "__main__":
    main()
