#!/usr/bin/env python3
"""Damaged evidence, built at test time from the recorded incident bundles.

Each case damages a bundle the way disks, transfers and crashes do (cut at
several offsets per format, a flipped byte, a block of NUL bytes, CR line
ends, a member name too long to show, more entries than --max-entries, a
disk whose reads start failing with EIO) and asserts the exit code, the warning, and that every event the undamaged part
holds is still found: the events of the damaged bundle are compared with
those pgmortem finds in the same bytes recovered by the format's own tool
(gzip -dc, zstd -dc, xz -dc, then tar), read cleanly from a directory.
Then the outputs: a full disk (/dev/full, and a small tmpfs where one can be
mounted), SIGINT while a report is being written, two runs writing the same
file: the target is whole or left as it was, and no temporary file stays.

    tests/cli/damaged.py BIN [FAIL_READ_SHIM]
"""
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile

BIN = os.path.abspath(sys.argv[1])
FAIL_READ = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
INCIDENTS = os.path.abspath("fixtures/incidents")
WORK = tempfile.mkdtemp(prefix="pgm-damaged-")
failures = []
checks = 0


def run(args, env_extra=None, **kw):
    env = dict(os.environ, SOURCE_DATE_EPOCH="0", **(env_extra or {}))
    return subprocess.run([BIN] + args, capture_output=True, env=env, **kw)


def check(ok, what):
    global checks
    checks += 1
    if not ok:
        failures.append(what)
        print("FAIL damaged: " + what)


def events(path, extra=(), env_extra=None):
    """The timeline of `path` as a set of (file, line, kind, time), the file
    named from the bundle's own directory on, so a bundle and the directory
    its bytes were extracted to compare."""
    out = os.path.join(WORK, "events.jsonl")
    if os.path.exists(out):
        os.unlink(out)
    r = run(["timeline", "-o", out] + list(extra) + [path], env_extra=env_extra)
    found = set()
    if os.path.exists(out):
        with open(out, encoding="utf-8") as f:
            for line in f:
                e = json.loads(line)
                p = e.get("path") or ""
                for root in ("01-leak-hikari/", "03-capacity/", "02-idle-in-transaction/", "bundle/"):
                    if root in p:
                        p = p[p.index(root):]
                        break
                else:
                    p = os.path.basename(p.split("!")[-1])
                found.add((p, e.get("line"), e.get("kind"), e.get("t")))
    return r, found


def tool_recovers(fmt, data):
    """What the format's own tool decodes of `data`, errors ignored."""
    cmd = {"gz": ["gzip", "-dc"], "zst": ["zstd", "-dcq"], "xz": ["xz", "-dc"]}[fmt]
    return subprocess.run(cmd, input=data, capture_output=True).stdout


def extract_tolerant(tar_bytes, dest):
    """GNU tar extracts a cut archive's whole members and its last one's
    first part, as a user would get them."""
    os.makedirs(dest)
    subprocess.run(["tar", "-xf", "-", "-C", dest], input=tar_bytes, capture_output=True)
    return dest


def write(name, data):
    p = os.path.join(WORK, name)
    with open(p, "wb") as f:
        f.write(data)
    return p


def compress(fmt, data):
    cmd = {"gz": ["gzip", "-c"], "zst": ["zstd", "-cq"], "xz": ["xz", "-c"]}[fmt]
    return subprocess.run(cmd, input=data, capture_output=True, check=True).stdout


def said(r, *words):
    err = r.stderr.decode("utf-8", "replace")
    return any(w in err for w in words)


# ------------------------------------------------------------ truncations
bundle_tars = {
    "01": subprocess.run(["zstd", "-dcq", os.path.join(INCIDENTS, "01-leak-hikari.tar.zst")],
                         capture_output=True, check=True).stdout,
    "03": subprocess.run(["gzip", "-dc", os.path.join(INCIDENTS, "03-capacity.tar.gz")],
                         capture_output=True, check=True).stdout,
}
for name, tar_bytes in bundle_tars.items():
    whole_dir = extract_tolerant(tar_bytes, os.path.join(WORK, "whole-" + name))
    _, whole = events(whole_dir)
    for fmt in ("gz", "zst", "xz"):
        packed = compress(fmt, tar_bytes)
        for cut in (len(packed) * 3 // 10, len(packed) * 6 // 10, len(packed) * 9 // 10,
                    len(packed) - 4):
            data = packed[:cut]
            path = write("cut-%s-%d.tar.%s" % (name, cut, fmt), data)
            r, got = events(path)
            label = "%s.tar.%s cut at %d of %d" % (name, fmt, cut, len(packed))
            check(r.returncode == 2, "%s: exit %d, not 2" % (label, r.returncode))
            check(said(r, "truncated", "Truncated", "cut"), "%s: no warning of the cut" % label)
            ref_dir = extract_tolerant(tool_recovers(fmt, data),
                                       os.path.join(WORK, "ref-%s-%s-%d" % (name, fmt, cut)))
            _, want = events(ref_dir)
            lost = want - got
            check(not lost, "%s: %d event(s) the recovered bytes hold are not found, e.g. %s"
                  % (label, len(lost), sorted(lost)[:2]))
            # more than the tool recovers is fine (zstd(1) and xz(1) hold
            # back their last block on an error), as long as it is real
            invented = got - want - whole
            check(not invented, "%s: %d event(s) that are not in the bundle, e.g. %s"
                  % (label, len(invented), sorted(invented)[:2]))

# ---------------------------------------------------------- flipped bytes
for fmt in ("gz", "zst", "xz"):
    packed = bytearray(compress(fmt, bundle_tars["01"]))
    packed[len(packed) // 2] ^= 0x10
    path = write("flip.tar." + fmt, bytes(packed))
    r, _ = events(path)
    check(r.returncode == 2, "01.tar.%s with a flipped byte: exit %d, not 2" % (fmt, r.returncode))
    check(said(r, "check", "checksum", "corrupt", "Corrupt", "damaged", "Damaged", "invalid"),
          "01.tar.%s with a flipped byte: no warning" % fmt)

# zip: a member's data damaged; the other members read as they are
zip_path = os.path.join(INCIDENTS, "02-idle-in-transaction.zip")
raw = bytearray(open(zip_path, "rb").read())
z = zipfile.ZipFile(zip_path)
victim = next(i for i in z.infolist() if i.filename.endswith(".log"))
name_len = int.from_bytes(raw[victim.header_offset + 26:victim.header_offset + 28], "little")
extra_len = int.from_bytes(raw[victim.header_offset + 28:victim.header_offset + 30], "little")
raw[victim.header_offset + 30 + name_len + extra_len + victim.compress_size // 2] ^= 0x04
r, got = events(write("flip.zip", bytes(raw)))
_, clean = events(zip_path)
check(r.returncode == 2, "02.zip with a damaged member: exit %d, not 2" % r.returncode)
check(said(r, "CRC", "damaged", "failed"), "02.zip with a damaged member: no warning")
others = {e for e in clean if not e[0].endswith(os.path.basename(victim.filename))}
check(others <= got, "02.zip with a damaged member: %d event(s) of the other members lost"
      % len(others - got))
# cut: the members wholly before the cut are read
cut = len(raw) // 2
r, got = events(write("cut.zip", open(zip_path, "rb").read()[:cut]))
whole = {os.path.basename(i.filename) for i in z.infolist()
         if i.header_offset + 30 + len(i.filename) + i.compress_size + 64 < cut}
want = {e for e in clean if os.path.basename(e[0]) in whole}
check(r.returncode == 2, "02.zip cut in half: exit %d, not 2" % r.returncode)
check(want <= got, "02.zip cut in half: %d event(s) of whole members lost" % len(want - got))

# tar: a member's header overwritten (a bad block of a disk); as tar(1)
# does, the reader skips block by block to the next header and every later
# member is read
tar_raw = bytearray(bundle_tars["01"])
tar_members = tarfile.open(fileobj=io.BytesIO(bundle_tars["01"])).getmembers()
tar_files = [m for m in tar_members if m.isfile()]
tar_victim = tar_files[len(tar_files) // 2]
tar_raw[tar_victim.offset:tar_victim.offset + 512] = b"x" * 512
r, got = events(write("bad-header.tar", bytes(tar_raw)))
_, clean = events(write("clean-01.tar", bundle_tars["01"]))
check(r.returncode == 2, "01.tar with a damaged header: exit %d, not 2" % r.returncode)
check(said(r, "damaged tar headers skipped"), "01.tar with a damaged header: the skip is not said")
tar_others = {e for e in clean if e[0] != tar_victim.name}
check(tar_others <= got, "01.tar with a damaged header: %d event(s) of the other members lost, e.g. %s"
      % (len(tar_others - got), sorted(tar_others - got)[:2]))

# ------------------------------------------- NUL blocks and CR line ends
log_bytes = tarfile.open(fileobj=io.BytesIO(bundle_tars["01"])).extractfile(
    "01-leak-hikari/db/postgresql-15-main.log").read()
os.makedirs(os.path.join(WORK, "clean"), exist_ok=True)
clean_log = os.path.join(WORK, "clean", "postgresql.log")
open(clean_log, "wb").write(log_bytes)
_, clean = events(clean_log)
lines = log_bytes.split(b"\n")
at = len(b"\n".join(lines[: len(lines) // 2])) + 1  # a line's start, half way
os.makedirs(os.path.join(WORK, "nul"), exist_ok=True)
nul_log = os.path.join(WORK, "nul", "postgresql.log")
open(nul_log, "wb").write(log_bytes[:at] + b"\0" * 8192 + log_bytes[at:])
r, got = events(nul_log)
check(r.returncode == 2, "a log with 8 KiB of NUL bytes: exit %d, not 2" % r.returncode)
check(said(r, "NUL"), "a log with 8 KiB of NUL bytes: no warning")
check(got == clean, "a log with 8 KiB of NUL bytes: events differ from the clean log's (%d lost, %d extra)"
      % (len(clean - got), len(got - clean)))
os.makedirs(os.path.join(WORK, "cr"), exist_ok=True)
cr_log = os.path.join(WORK, "cr", "postgresql.log")
open(cr_log, "wb").write(log_bytes.replace(b"\n", b"\r"))
r, got = events(cr_log)
check(got == clean, "a log with CR line ends: events differ from the clean log's (%d lost, %d extra)"
      % (len(clean - got), len(got - clean)))

# ------------------------------------------------ a disk that cannot read a block
# A bad sector: every read of the log that touches its block fails with EIO
# (tests/lib/fail_read.c, preloaded); reads around it succeed. The block is
# read as NUL bytes and the log read on past it, by one thread (the
# read-ahead) and by two (the chunk reader, which reads whole blocks around
# each chunk, and the threads' own reads): said, exit 2, and every event
# kept but those of the lines the block held. Lines after it are numbered
# short by the newlines it held, which no reader can know.
if FAIL_READ:
    eio_dir = os.path.join(WORK, "eio")
    os.makedirs(eio_dir)
    big_log = os.path.join(eio_dir, "postgresql.log")
    # large enough for two threads to split it (PGM_SCAN_SPLIT_MIN_BYTES)
    subprocess.run([sys.executable, "tests/bench/make-big-log.py", clean_log, big_log, "40"],
                   check=True, stdout=subprocess.DEVNULL)
    big = open(big_log, "rb").read()

    def bad_block(path, at, length=4096, errno_name="EIO"):
        """The environment of a run whose disk cannot read [at, at + length) of
        the file at path (its other files, the timeline's temporary ones, read well)."""
        return {"LD_PRELOAD": FAIL_READ, "PGM_TEST_EIO_AT": str(at), "PGM_TEST_EIO_BYTES": str(length),
                "PGM_TEST_READ_ERRNO": errno_name, "PGM_TEST_EIO_FILE": path,
                "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"}

    whole = {}
    # at 0, in the head every reader reads (the sniffing, the choice of
    # prefix, the first chunk); 8 KiB across the sniffed head's end (60 KiB:
    # the sniffing reads half of it, the threads all of it); at 1 MiB, one
    # thread reads the block before its read-ahead starts
    # (PGM_READAHEAD_AFTER); at 30 MiB, the read-ahead
    for bad_at, length, jobs in ((0, 4096, "1"), (0, 4096, "2"), (61440, 8192, "1"), (61440, 8192, "2"),
                                 (1 << 20, 4096, "1"), (1 << 20, 4096, "2"),
                                 (30 << 20, 4096, "1"), (30 << 20, 4096, "2")):
        held = big.count(b"\n", bad_at, bad_at + length)
        first_held = big.count(b"\n", 0, bad_at) + 1           # the line the block starts in
        last_held = first_held + held                            # ... and the one it ends in
        preload = bad_block(big_log, bad_at, length)
        what = "timeline --jobs %s of a log with %d bytes the disk cannot read at byte %d" % (jobs, length, bad_at)
        if jobs not in whole:
            whole[jobs] = events(big_log, ["--jobs", jobs])[1]
        r, got = events(big_log, ["--jobs", jobs], preload)
        check(r.returncode == 2, "%s: exit %d, not 2" % (what, r.returncode))
        check(said(r, "%d bytes the disk could not read (Input/output error), from byte %d on, "
                      "were read as NUL bytes" % (length, bad_at)), "%s: not said: %r" % (what, r.stderr[-400:]))
        check(r.stderr.count(b"the disk could not read") == 1, "%s: said %d times" %
              (what, r.stderr.count(b"the disk could not read")))
        # what the lines around the block held is kept; after it, a line is
        # numbered short by the newlines the block held
        want = {e for e in whole[jobs] if e[1] < first_held} | \
               {(e[0], e[1] - held, e[2], e[3]) for e in whole[jobs] if e[1] > last_held}
        check(want <= got, "%s: %d event(s) outside the block lost, e.g. %s"
              % (what, len(want - got), sorted(want - got)[:2]))
        check(len(got) < len(whole[jobs]), "%s: as many events as the whole log (%d)" % (what, len(got)))
        check(len(whole[jobs]) - len(got) <= held + 1, "%s: %d events lost for a block of %d lines"
              % (what, len(whole[jobs]) - len(got), held + 1))
    # more than PGM_UNREADABLE_MAX_BYTES the disk cannot read: the reading
    # stops there, said; what came before is kept
    bad_at = 30 << 20
    before = big.count(b"\n", 0, bad_at) + 1
    preload = bad_block(big_log, bad_at, 2 << 20)
    for jobs in ("1", "2"):
        what = "timeline --jobs %s of a log with 2 MiB the disk cannot read" % jobs
        r, got = events(big_log, ["--jobs", jobs], preload)
        check(r.returncode == 2, "%s: exit %d, not 2" % (what, r.returncode))
        check(said(r, "then more than the 1 MiB a reader reads so"), "%s: the limit not said: %r"
              % (what, r.stderr[-400:]))
        check(said(r, "read error at byte %d: Input/output error; the file was not read whole"
                      % (bad_at + (1 << 20))), "%s: the stop not said: %r" % (what, r.stderr[-400:]))
        # every line before the bad blocks is kept, by two threads too (the
        # chunk the reading stopped in is parsed up to there)
        lost = {e for e in whole[jobs] if e[1] < before} - got
        check(not lost, "%s: %d event(s) before the bad blocks lost, e.g. %s"
              % (what, len(lost), sorted(lost)[:2]))
    # a read that fails otherwise (ESTALE: the file gone from an NFS
    # server), from a byte to the end: the reading stops at the block it
    # fails in, said with its byte, and every line before it is kept, by one
    # thread and by two (the chunk it fails in parsed up to there). At 0
    # nothing is read; at 60 KiB, the sniffed head's bytes before it are
    # kept. On tmpfs, where a direct read is refused, the threads read their
    # chunks themselves.
    dirs = [eio_dir]
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        shm_dir = tempfile.mkdtemp(prefix="pgm-damaged-", dir="/dev/shm")
        shutil.copyfile(big_log, os.path.join(shm_dir, "postgresql.log"))
        dirs.append(shm_dir)
    for where in dirs:
        log = os.path.join(where, "postgresql.log")
        for bad_at in (0, 61440, 1 << 20, 30 << 20):
            before = big.count(b"\n", 0, bad_at)  # whole lines before the failing block
            preload = bad_block(log, bad_at, len(big), "ESTALE")
            seen = {}
            for jobs in ("1", "2"):
                what = "timeline --jobs %s of %s failing with ESTALE from byte %d" % (jobs, log, bad_at)
                r, got = events(log, ["--jobs", jobs], preload)
                seen[jobs] = got
                check(r.returncode == 2, "%s: exit %d, not 2" % (what, r.returncode))
                check(said(r, "read error at byte %d: Stale file handle; the file was not read whole" % bad_at),
                      "%s: not said with its byte: %r" % (what, r.stderr[-400:]))
                lost = {e for e in whole[jobs] if e[1] <= before} - got
                check(not lost, "%s: %d event(s) before it lost, e.g. %s" % (what, len(lost), sorted(lost)[:2]))
                check(not {e for e in got if e[1] > before + 1}, "%s: events past it" % what)
            check(seen["1"] == seen["2"], "%s failing with ESTALE from byte %d: one thread and two differ"
                  " (%d against %d events)" % (log, bad_at, len(seen["1"]), len(seen["2"])))
    if len(dirs) > 1:
        shutil.rmtree(dirs[1])
    # a bad block in a compressed file: NUL bytes would decode as garbage
    # (the codes a deflate block reads from zero bits copy earlier text
    # again), so there it ends the stream as another read error does: said
    # with its byte, nothing said read as NUL bytes, and every message
    # decoded before it as the whole file has it (the last one may be cut)
    gz_log = os.path.join(eio_dir, "postgresql.log.gz")
    open(gz_log, "wb").write(compress("gz", big))
    bz2_log = os.path.join(eio_dir, "postgresql.log.bz2")
    open(bz2_log, "wb").write(subprocess.run(["bzip2", "-c"], input=big, capture_output=True, check=True).stdout)

    def messages(path, env_extra=None):
        out = os.path.join(WORK, "messages.jsonl")
        if os.path.exists(out):
            os.unlink(out)
        r = run(["timeline", "-o", out, path], env_extra=env_extra)
        found = {}
        if os.path.exists(out):
            for line in open(out, encoding="utf-8"):
                e = json.loads(line)
                found[(e["line"], e["kind"], e["path"])] = e.get("msg") or ""
        return r, found
    # bzip2 through libarchive's filter, which calls a read that failed
    # below it "truncated bzip2 input": the read's own error is said
    for packed, bad_at in ((gz_log, 32768), (gz_log, 1 << 20), (bz2_log, 1 << 19)):
        _, whole_gz = messages(packed)
        what = "timeline of %s with a block the disk cannot read at byte %d" % (os.path.basename(packed), bad_at)
        r, got = messages(packed, bad_block(packed, bad_at))
        check(r.returncode == 2, "%s: exit %d, not 2" % (what, r.returncode))
        check(said(r, "read error at byte %d: Input/output error; the file was not read whole" % bad_at),
              "%s: not said with its byte: %r" % (what, r.stderr[-400:]))
        check(not said(r, "were read as NUL bytes"), "%s: NUL bytes decoded: %r" % (what, r.stderr[-400:]))
        last = max(got) if got else None
        wrong = [k for k in got if k not in whole_gz or
                 (got[k] != whole_gz[k] and not (k == last and whole_gz[k].startswith(got[k])))]
        check(got and not wrong, "%s: %d event(s) of %d not as in the whole file, e.g. %r" %
              (what, len(wrong), len(got), [(k, got[k][-120:]) for k in wrong[:1]]))
    # a read that fails at a tar member's header is no damage of the archive:
    # the archive is said read up to there, with the read's own error
    three = os.path.join(eio_dir, "three")
    os.makedirs(three)
    for name in ("a.log", "b.log", "c.log"):
        shutil.copyfile(clean_log, os.path.join(three, name))
    three_tar = os.path.join(eio_dir, "three.tar")
    subprocess.run(["tar", "cf", three_tar, "-C", three, "a.log", "b.log", "c.log"], check=True)
    with tarfile.open(three_tar) as t:
        b_header = t.getmember("b.log").offset
    # the failing block is the one the header lies in (reads are of whole blocks)
    stale_at = b_header - b_header % 4096
    r = run(["inventory", three_tar], env_extra=bad_block(three_tar, stale_at, 1 << 30, "ESTALE"))
    what = "inventory of a tar failing with ESTALE from b.log's header on"
    check(r.returncode == 2, "%s: exit %d, not 2" % (what, r.returncode))
    check(said(r, "tar archive not read past byte %d, after 1 entries: read error at byte %d: Stale file handle"
               % (stale_at, stale_at)), "%s: not said as the read's error: %r" % (what, r.stderr[-400:]))
    check(not said(r, "damaged tar archive"), "%s: said to be damaged: %r" % (what, r.stderr[-400:]))
    # a plain tar on disk keeps NUL bytes for its plain members (their lines
    # around the block are kept), but a compressed member would decode them
    # as garbage: it ends before the block as at a read error, said with the
    # block's byte in the file, whether the block lies in the head read to
    # tell its kind (32 KiB) or after (1 MiB); the plain member after it is
    # read whole
    tar_dir = os.path.join(eio_dir, "tar")
    os.makedirs(tar_dir)
    open(os.path.join(tar_dir, "a.log.gz"), "wb").write(compress("gz", big))
    shutil.copyfile(clean_log, os.path.join(tar_dir, "b.log"))
    mixed_tar = os.path.join(eio_dir, "mixed.tar")
    subprocess.run(["tar", "cf", mixed_tar, "-C", tar_dir, "a.log.gz", "b.log"], check=True)
    _, whole_tar = messages(mixed_tar)
    plain_member = {k for k in whole_tar if k[2].endswith("!b.log")}
    for bad_at in (32768, 1 << 20):
        what = "timeline of a tar with a .gz member the disk cannot read at byte %d" % bad_at
        r, got = messages(mixed_tar, bad_block(mixed_tar, bad_at))
        check(r.returncode == 2, "%s: exit %d, not 2" % (what, r.returncode))
        check(said(r, "!a.log.gz: read error at byte %d: Input/output error; the file was not read whole" % bad_at),
              "%s: not said with its byte: %r" % (what, r.stderr[-400:]))
        member = sorted(k for k in got if k[2].endswith("!a.log.gz"))
        last = member[-1] if member else None
        wrong = [k for k in member if k not in whole_tar or
                 (got[k] != whole_tar[k] and not (k == last and whole_tar[k].startswith(got[k])))]
        check(member and not wrong, "%s: %d event(s) of %d not as in the whole file, e.g. %r" %
              (what, len(wrong), len(member), [(k, got[k][-120:]) for k in wrong[:1]]))
        check(plain_member and plain_member <= set(got), "%s: %d event(s) of the plain member after it lost"
              % (what, len(plain_member - set(got))))
    # the report shows the disk's warning beside the others, up to four an
    # input (PGM_INPUT_WARNINGS_KEPT), and counts the rest
    lines = log_bytes.split(b"\n")
    mid = len(lines) // 2
    many = os.path.join(eio_dir, "many.log")
    open(many, "wb").write(b"\n".join(lines[:mid] + [b"\0" * 8192 + lines[mid], b"x" * (2 << 20),
                                                     b"hello from a shell"] + lines[mid + 1:]))
    preload = bad_block(many, 1 << 20)
    report = os.path.join(eio_dir, "many.json")
    r = run(["analyze", "-f", "json", "-o", report, many], env_extra=preload)
    said_warnings = [l for l in r.stderr.decode("utf-8", "replace").splitlines() if ": warning: " in l]
    shown = json.load(open(report))["inputs"][0]["warnings"] if os.path.exists(report) else []
    check(r.returncode == 2 and len(said_warnings) == 5, "analyze of a log with five kinds of damage: exit %d, "
          "%d warnings said" % (r.returncode, len(said_warnings)))
    # the terminal shortens quoted lines: their first words compared
    said_texts = [l.split(many + ": ", 1)[-1][:60] for l in said_warnings]
    check(len(shown) == 5 and [w[:60] for w in shown[:4]] == said_texts[:4] and
          shown[4] == "and 1 more warning(s), said on stderr (unless --quiet)" and
          any("the disk could not read" in w for w in said_warnings),
          "analyze of a log with five kinds of damage: the report shows %r, stderr says %r" % (shown, said_texts))
else:
    print("damaged: skipped the disk that cannot read a block (no tests/lib/fail_read.c shim given)")

# ------------------------------------------------------ a tar header zeroed
# A block of zeros where a member's header was (a crashed disk's, a bad
# block read as NUL bytes) reads as the tar's end marker: libarchive stops
# there without a word, GNU tar with "A lone zero block" and exit 0, the
# members after it unlisted. pgmortem reads them on,
# said with the bytes, and the zeroed member's data is said not read; in a
# .tar.zst too (read as a stream, no seeking back). Bytes that are not
# zeros after the end marker, with no header, are said not read.
parts = log_bytes.split(b"\n")
third = len(parts) // 3
pieces = {"a.log": b"\n".join(parts[:third]) + b"\n", "b.log": b"\n".join(parts[third:2 * third]) + b"\n",
          "c.log": b"\n".join(parts[2 * third:])}


def tar_of(named):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        for name, data in named:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


three = tar_of(sorted(pieces.items()))
offsets = {m.name: m.offset for m in tarfile.open(fileobj=io.BytesIO(three)).getmembers()}
r, whole_three = events(write("three.tar", three))
check(r.returncode == 0 and {e[0] for e in whole_three} == set(pieces), "three logs in a tar: exit %d, %r"
      % (r.returncode, {e[0] for e in whole_three}))
zeroed = bytearray(three)
zeroed[offsets["b.log"]:offsets["b.log"] + 512] = bytes(512)
for name, data in (("zeroed.tar", bytes(zeroed)), ("zeroed.tar.zst", compress("zst", bytes(zeroed)))):
    what = "a tar with b.log's header zeroed (%s)" % name
    r, got = events(write(name, data))
    check(r.returncode == 2, "%s: exit %d, not 2" % (what, r.returncode))
    check(said(r, "a block of zeros at byte %d ended this tar archive early (its end marker: a zeroed header?); "
                  "members again from byte %d: read on (%d byte(s) from byte %d on, with no header before them, "
                  "not read)" % (offsets["b.log"], offsets["c.log"], offsets["c.log"] - offsets["b.log"] - 512,
                                 offsets["b.log"] + 512)), "%s: not said: %r" % (what, r.stderr[-400:]))
    check(got == {e for e in whole_three if e[0] != "b.log"}, "%s: events differ from a.log's and c.log's "
          "(%d lost, %d extra)" % (what, len({e for e in whole_three if e[0] != "b.log"} - got),
                                   len(got - {e for e in whole_three if e[0] != "b.log"})))
# data after the end marker that no header leads: said, the members read
tail = three + b"x" * 4096
r, got = events(write("tail.tar", tail))
check(r.returncode == 2 and said(r, "4096 byte(s) after this tar archive's end marker at byte %d, from byte %d on, "
                                    "hold no header: not read" % (offsets["c.log"] + 512 + (len(pieces["c.log"]) + 511)
                                                                  // 512 * 512, len(three))),
      "a tar with 4 KiB of data after its end: exit %d, %r" % (r.returncode, r.stderr[-300:]))
check(got == whole_three, "a tar with 4 KiB of data after its end: the members' events differ")
# more zeroed headers than PGM_TAR_MAX_RESUMES: the limit said, what came before read
small = [("m%03d.log" % k, b"x\n") for k in range(132)]
many_zeroed = bytearray(tar_of(small))
small_offsets = [m.offset for m in tarfile.open(fileobj=io.BytesIO(bytes(many_zeroed))).getmembers()]
for k in range(1, 132, 2):
    many_zeroed[small_offsets[k]:small_offsets[k] + 512] = bytes(512)
r = run(["inventory", write("zeroed-many.tar", bytes(many_zeroed))])
check(r.returncode == 2 and said(r, "more than 64 blocks of zeros ended this tar archive early (PGM_TAR_MAX_RESUMES): "
                                    "the rest, from byte %d, is not read" % small_offsets[130])
      and r.stdout.count(b"zeroed-many.tar!m") == 65,
      "66 zeroed headers in a tar: exit %d, %d members listed, %r" % (r.returncode,
                                                                      r.stdout.count(b"zeroed-many.tar!m"),
                                                                      r.stderr[-300:]))

# ------------------------------------- a huge member name, many entries
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
    for member in ("x" * 9000 + ".log", "postgresql.log"):
        ti = tarfile.TarInfo(member)
        ti.size = len(log_bytes)
        t.addfile(ti, io.BytesIO(log_bytes))
r, got = events(write("longname.tar", buf.getvalue()))
check(r.returncode == 2, "a 9,000-byte member name: exit %d, not 2" % r.returncode)
check(said(r, "member name of 9004 bytes"), "a 9,000-byte member name: no warning")
check({e for e in got if e[0] == "postgresql.log"} == clean,
      "a 9,000-byte member name: the next member's events differ from the clean log's")

many = os.path.join(WORK, "many.tar")
subprocess.run([sys.executable, "tests/bench/make-many-files.py", many, clean_log, "2000"], check=True)
r = run(["inventory", "--max-entries", "5000", many])
check(r.returncode == 2 and said(r, "5000 archive entries in this run (--max-entries)"),
      "6,003 entries in nested archives over --max-entries 5000: exit %d, or no warning" % r.returncode)
r = run(["inventory", many])
check(r.returncode == 0, "6,003 entries under the default --max-entries: exit %d" % r.returncode)
# the analysis' own caps speak too: 6,000 server logs are more than it
# tells apart and more inputs than its report lists
r = run(["analyze", many])
check(r.returncode == 2 and said(r, "at most 16 server logs told apart")
      and said(r, "at most 4096 inputs listed in the report (a limit of this build): 1904 input(s)"),
      "6,000 server logs through analyze: exit %d, or its caps not said" % r.returncode)

# ------------------------------------------------------------- outputs
bundle = os.path.join(INCIDENTS, "01-leak-hikari.tar.zst")


def leftovers(d):
    return [n for n in os.listdir(d) if ".pgmortem-" in n]


r = run(["analyze", "-q", "-f", "html", "-o", "/dev/full", bundle])
check(r.returncode == 2 and said(r, "/dev/full"), "analyze -o /dev/full: exit %d" % r.returncode)
r = run(["lint", "-o", "/dev/full", bundle])
check(r.returncode != 0 and said(r, "/dev/full"), "lint -o /dev/full: exit %d" % r.returncode)
with open("/dev/full", "wb") as full:
    r = subprocess.run([BIN, "inventory", bundle], stdout=full, stderr=subprocess.PIPE)
check(r.returncode == 2, "inventory >/dev/full: exit %d" % r.returncode)

small = os.path.join(WORK, "small")
os.makedirs(small)
mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48k", "tmpfs", small],
                         capture_output=True).returncode == 0
if mounted:
    try:
        target = os.path.join(small, "report.html")
        open(target, "w").write("the previous report\n")
        r = run(["analyze", "-q", "-o", target, bundle])
        check(r.returncode == 2 and said(r, "left as it was"),
              "analyze -o on a full disk: exit %d, or no word" % r.returncode)
        check(open(target).read() == "the previous report\n",
              "analyze -o on a full disk: the previous report was not left as it was")
        check(not leftovers(small), "analyze -o on a full disk: left %s" % leftovers(small))
        r = run(["timeline", "-o", os.path.join(small, "events.jsonl"), bundle])
        check(r.returncode == 2, "timeline -o on a full disk: exit %d" % r.returncode)
        check(not os.path.exists(os.path.join(small, "events.jsonl")) and not leftovers(small),
              "timeline -o on a full disk: a piece of the output was left")
    finally:
        subprocess.run(["umount", small])
    # a timeline past the 64 MiB from which a file is written directly (util/directwrite.h),
    # on a disk that fills after 96 MiB: said, nothing left, and the rest of the log not read
    big_log = os.path.join(WORK, "big.log")
    subprocess.run([sys.executable, "tests/bench/make-big-log.py",
                    "tests/samples/postgresql-15/run1-stderr/postgresql.log", big_log, "48"],
                   check=True, capture_output=True)
    big_lines = sum(1 for _ in open(big_log, "rb"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", small],
                             capture_output=True).returncode == 0
    if mounted:
        try:
            events = os.path.join(small, "events.jsonl")
            r = run(["timeline", "--coverage", "--jobs", "1", "-o", events, big_log])
            err = r.stderr.decode()
            check(r.returncode == 2 and "No space left" in err,
                  "timeline -o larger than a 96 MiB disk: exit %d, or no word: %s" % (r.returncode, err[-300:]))
            check(not os.path.exists(events) and not leftovers(small),
                  "timeline -o larger than a 96 MiB disk: a piece of the output was left")
            m = [l for l in err.split("\n") if " lines: " in l]
            lines_read = int(m[0].split(" lines: ")[0].split()[-1]) if m else big_lines
            check(lines_read < big_lines,
                  "timeline -o on a full disk read on: %d of %d lines" % (lines_read, big_lines))
        finally:
            subprocess.run(["umount", small])
    os.remove(big_log)
else:
    print("damaged: no tmpfs could be mounted (not root?): the full-disk case runs on /dev/full only")

# SIGINT while the timeline is being written: its input comes through a
# pipe, held open half way, so the signal lands mid-run
out_dir = os.path.join(WORK, "sigint")
os.makedirs(out_dir)
target = os.path.join(out_dir, "events.jsonl")
open(target, "w").write("previous\n")
big = log_bytes * 200
p = subprocess.Popen([BIN, "timeline", "-", "-o", target], stdin=subprocess.PIPE,
                     stderr=subprocess.PIPE, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
p.stdin.write(big[: len(big) // 2])
p.stdin.flush()
for _ in range(100):
    if leftovers(out_dir):
        break
    time.sleep(0.05)
check(bool(leftovers(out_dir)), "timeline -o: no temporary file beside the target while writing")
p.send_signal(signal.SIGINT)
try:
    p.stdin.close()
except BrokenPipeError:
    pass
p.wait(timeout=60)
check(p.returncode == -signal.SIGINT, "SIGINT: the run ended with %d, not by the signal" % p.returncode)
check(open(target).read() == "previous\n", "SIGINT: the target was not left as it was")
check(not leftovers(out_dir), "SIGINT: left %s" % leftovers(out_dir))

# damaged envelopes: a line inside a journal export that is no field is lost
# (said, exit 2); a foreign line in a CRI file is read as it is (said, exit 0);
# a CRI file cut inside a line's pieces keeps the pieces it holds
journal = os.path.abspath("tests/samples/journal/01-postgres.export.zst")
export = subprocess.run(["zstd", "-dcq", journal], capture_output=True, check=True).stdout.split(b"\n")
at = export.index(next(l for l in export if l.startswith(b"MESSAGE=") and b"remaining connection slots" in l))
bad = export[:at] + [b"\x00\x00 garbage from a crashed disk"] + export[at:]
p = write("journal.export", b"\n".join(bad))
r = run(["timeline", "--kinds", "conn.refused", p])
check(r.returncode == 2, "a journal export with a line that is no field: exit %d, not 2" % r.returncode)
check(said(r, "1 line(s) not in the journal-export form, first at line %d: left out" % (at + 1)),
      "a journal export with a line that is no field: not said")
check(r.stdout.count(b"conn.refused") == 13, "a journal export with a damaged line: refusals lost")
cri = (b"2026-11-27T02:21:50.570000000Z stderr P 2026-11-27 02:21:50.570 UTC [31826] orders@shop FATAL:  "
       b"remaining connection slots are reserved for non-rep\n"
       b"rpc error: code = Unknown desc = a foreign line\n"
       b"2026-11-27T02:21:50.570000000Z stderr F lication superuser connections\n"
       b"2026-11-27T02:21:50.580000000Z stderr P 2026-11-27 02:21:50.580 UTC [31827] orders@shop FATAL:  "
       b"remaining connection slots are reserved for non-replication superuser connections")
p = write("0.log", cri)
r = run(["timeline", p])
check(r.returncode == 0, "a CRI file with a foreign line: exit %d, not 0" % r.returncode)
check(said(r, "1 line(s) not in the cri form, first at line 2: read as they are"),
      "a CRI file with a foreign line: not said")
lines = [json.loads(l) for l in r.stdout.decode().splitlines()]
check(len(lines) == 2 and lines[0]["kind"] == "conn.refused.reserved_slots" and lines[0]["line"] == 1,
      "a CRI line in two pieces around a foreign line: not joined at line 1: %r" % lines[:1])
check(len(lines) == 2 and lines[1]["line"] == 4, "a CRI file cut inside a line: its last piece lost")

# two runs writing the same file: it is one of the two reports, whole
two = os.path.join(WORK, "two")
os.makedirs(two)
inputs = [bundle, os.path.join(INCIDENTS, "03-capacity.tar.gz")]
alone = []
for i, inp in enumerate(inputs):
    o = os.path.join(two, "alone-%d.json" % i)
    run(["analyze", "-q", "-o", o, inp])
    alone.append(open(o, "rb").read())
env = dict(os.environ, SOURCE_DATE_EPOCH="0")
for attempt in range(5):
    target = os.path.join(two, "same.json")
    procs = [subprocess.Popen([BIN, "analyze", "-q", "-o", target, inp], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for inp in inputs]
    for p in procs:
        p.wait()
    data = open(target, "rb").read()
    check(data in alone, "two runs writing one file: it is neither run's report whole")
    check(not leftovers(two), "two runs writing one file: left %s" % leftovers(two))

shutil.rmtree(WORK, ignore_errors=True)
if failures:
    print("damaged: %d of %d checks failed" % (len(failures), checks))
    sys.exit(1)
print("damaged: %d checks passed (cuts of .tar.gz/.zst/.xz at 4 offsets each, flipped bytes, "
      "a damaged and a cut zip, NUL blocks, CR line ends, blocks the disk cannot read, a huge name, --max-entries, the analysis' caps, "
      "full disk, SIGINT, two writers, damaged envelopes)" % checks)
