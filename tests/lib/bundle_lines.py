"""The raw lines of a recorded bundle's members, read with Python's own
readers (tar, zip) and the zstd tool, never with pgmortem: what the tests
compare pgmortem's citations and quotes with."""
import functools
import io
import subprocess
import tarfile
import zipfile


@functools.lru_cache(maxsize=64)
def member_lines(outer, member):
    if outer.endswith(".zip"):
        data = zipfile.ZipFile(outer).read(member)
    elif outer.endswith(".tar.zst"):
        raw = subprocess.run(["zstd", "-q", "-dc", outer], capture_output=True, check=True).stdout
        data = tarfile.open(fileobj=io.BytesIO(raw)).extractfile(member).read()
    else:
        data = tarfile.open(outer).extractfile(member).read()
    return tuple(data.decode("utf-8", "replace").splitlines())


def cited_line(path, line):
    """The line `line` (from 1) of the bundle member a citation's path names
    ("bundle.tar.zst!dir/file", a journal's stream "…#unit" read as its file);
    "" when the file has no such line."""
    outer, _, member = path.partition("!")
    lines = member_lines(outer, member.split("#")[0])
    return lines[line - 1] if 0 < line <= len(lines) else ""
