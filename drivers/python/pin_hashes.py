"""Rewrites requirements files with the sha256 of every file PyPI has for each pinned release
(what `pip-compile --generate-hashes` writes), so `pip install --require-hashes` accepts any of
them. Maintenance tool: run it after changing a pin, e.g.

    python3 drivers/python/pin_hashes.py drivers/python/requirements-*.txt

Lines other than `name==version` requirements (comments, options) are kept as they are.
"""
from __future__ import annotations

import re
import sys
import urllib.request

INDEX = "https://pypi.org/simple"
REQ = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(;[^\\]*?)?\s*\\?$")


def hashes(name: str, version: str) -> list[str]:
    norm = re.sub(r"[-_.]+", "-", name).lower()
    with urllib.request.urlopen(f"{INDEX}/{norm}/", timeout=60) as r:
        html = r.read().decode()
    out = []
    for fname, digest in re.findall(r'href="[^"]*/([^/"#]+)#sha256=([0-9a-f]{64})"', html):
        if fname.endswith(".whl"):
            fname_name, fname_version = fname.split("-")[:2]
        else:  # sdist: name-version.tar.gz / .zip (names may contain dashes, versions do not)
            base = re.sub(r"\.(tar\.gz|zip|tar\.bz2)$", "", fname)
            fname_name, _, fname_version = base.rpartition("-")
        if re.sub(r"[-_.]+", "-", fname_name).lower() == norm and fname_version == version:
            out.append(digest)
    if not out:
        raise SystemExit(f"no files for {name}=={version} on PyPI")
    return sorted(set(out))


def rewrite(path: str) -> None:
    lines = open(path).read().splitlines()
    out: list[str] = []
    for line in lines:
        if line.lstrip().startswith("--hash="):
            continue  # regenerated below
        m = REQ.match(line)
        if not m:
            out.append(line)
            continue
        name, version, marker = m.groups()
        digests = hashes(name, version)
        out.append(f"{name}=={version}{' ' + marker.strip() if marker else ''} \\")
        cont = " \\"
        out.extend(f"    --hash=sha256:{d}{cont if i < len(digests) - 1 else ''}" for i, d in enumerate(digests))
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    print(f"{path}: {sum(1 for l in out if REQ.match(l))} requirements pinned with hashes")


if __name__ == "__main__":
    for p in sys.argv[1:]:
        rewrite(p)
