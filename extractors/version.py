"""The version of the code and data that turn a brochure into rows: a hash of their files.

Plain Python. A brochure's published rows stand as long as its bytes and this version are
unchanged (pipelines.versions); any edit of an extractor, a reader, a vocabulary YAML or a
table model makes every brochure stale, so that no published row was made by code that is no
longer there. Comments and formatting count too: a hash cannot tell them from logic, and a
needless re-extraction is cheaper than a stale row.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

#: the packages whose files decide what a brochure publishes: readers and extractors (with
#: their YAML) and the table models that validate the rows
_PACKAGES = ("extractors", "schemas")
_ROOT = Path(__file__).resolve().parents[1]
#: hex digits kept of the digest (64 bits: two versions of the code do not collide)
_DIGEST_HEX = 16


def tree_files(root: Path, packages: tuple[str, ...] = _PACKAGES) -> list[Path]:
    """Given a root folder and package folders under it, return their source and data files, sorted."""
    return sorted(
        p
        for package in packages
        for p in (root / package).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in {".pyc", ".pyo"}
    )


def files_to_version(root: Path, files: list[Path]) -> str:
    """Given a root folder and files under it, return a hash of their relative names and bytes."""
    digest = hashlib.sha256()
    for path in files:
        name = path.relative_to(root).as_posix().encode()
        data = path.read_bytes()
        # lengths first, so that no two different trees give the same stream of bytes
        digest.update(f"{len(name)}:{len(data)}:".encode())
        digest.update(name)
        digest.update(data)
    return digest.hexdigest()[:_DIGEST_HEX]


@functools.cache
def extractor_version() -> str:
    """Given nothing, return the version of the installed extractors, readers, vocabularies and models."""
    return files_to_version(_ROOT, tree_files(_ROOT))
