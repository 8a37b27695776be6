#!/bin/sh
# Recreates the small hostile archives committed beside this script. The big
# ones (a 100 MB line, a 256 MiB zip bomb) are made by the tests at run time
# in a temporary directory, never committed. Needs python3, zip, zstd, gzip.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# tar with ../ and absolute names, a symlink, a hard link, a device, one good file
python3 - "$tmp" <<'PY'
import io, sys, tarfile
out = "evil-names.tar"
with tarfile.open(out, "w") as t:
    def add(name, data=b"x\n", **kw):
        ti = tarfile.TarInfo(name)
        for k, v in kw.items():
            setattr(ti, k, v)
        ti.size = len(data) if ti.type == tarfile.REGTYPE else 0
        t.addfile(ti, io.BytesIO(data) if ti.type == tarfile.REGTYPE else None)
    add("../../etc/cron.d/evil", b"* * * * * root sh\n")
    add("/etc/passwd", b"root:x:0:0\n")
    add("logs/link-to-passwd", type=tarfile.SYMTYPE, linkname="/etc/passwd")
    add("logs/hard", type=tarfile.LNKTYPE, linkname="logs/ok.log")
    add("dev/sda", type=tarfile.BLKTYPE, devmajor=8, devminor=0)
    add("logs/esc\x1b[31mred.log", b"name with an escape sequence\n")
    add("logs/ok.log", b"2026-11-27 00:17:27.443 UTC [16404] LOG:  database system is ready to accept connections\n")
PY

# an archive nested beyond the default depth (8): 10 layers of tar.gz
printf '2026-11-27 00:17:27.443 UTC [1] LOG:  deep\n' > "$tmp/deep.log"
f=deep.log
for i in 1 2 3 4 5; do
    (cd "$tmp" && tar cf "layer$i.tar" "$f" && gzip -n -9 "layer$i.tar" && f="layer$i.tar.gz" && echo "$f" > name)
    f=$(cat "$tmp/name")
done
cp "$tmp/$f" nested-10-layers.tar.gz

# truncated zstd and gzip streams of a real log
# (several real logs, over 128 KiB: several zstd blocks, so the part before the cut decodes)
cat ../samples/postgresql-15/run1-stderr/postgresql.log ../samples/postgresql-15/run3-csvjson/log/*.log ../samples/postgresql-15/run3-csvjson/log/*.json > "$tmp/pg.log"
zstd -q -1 -c "$tmp/pg.log" > "$tmp/pg.log.zst"
head -c $(( $(wc -c < "$tmp/pg.log.zst") * 3 / 4 )) "$tmp/pg.log.zst" > truncated.log.zst
gzip -n -9 -c "$tmp/pg.log" > "$tmp/pg.log.gz"
head -c $(( $(wc -c < "$tmp/pg.log.gz") * 3 / 4 )) "$tmp/pg.log.gz" > truncated.log.gz

# a zip whose second entry is corrupt (deflate data overwritten), first and third fine
python3 - <<'PY'
import zipfile
data = open("../samples/postgresql-15/run1-stderr/postgresql.log", "rb").read()
with zipfile.ZipFile("corrupt-entry.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("a.log", data[:4000])
    z.writestr("b.log", data[4000:20000])
    z.writestr("c.log", data[20000:24000])
raw = bytearray(open("corrupt-entry.zip", "rb").read())
i = raw.find(b"b.log", 40) + len(b"b.log") + 100
raw[i:i + 200] = bytes(range(200))
open("corrupt-entry.zip", "wb").write(bytes(raw))
PY

# NUL bytes and invalid UTF-8 inside a real log line
{
    head -n 3 ../samples/postgresql-15/run1-stderr/postgresql.log
    printf '2026-11-27 00:17:28.000 UTC [16405] LOG:  junk \000\000\000 after crash\n'
    printf '2026-11-27 00:17:28.001 UTC [16405] LOG:  latin1 caf\351 and overlong \300\257\n'
} > nul-and-bad-utf8.log

# empty archives
tar cf empty.tar -T /dev/null
python3 -c 'import zipfile; zipfile.ZipFile("empty.zip", "w").close()'
