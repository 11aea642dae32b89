"""Fingerprints that key the caches: of the code (and its data files) and of a build's inputs.

Any change to an extractor, a pattern file or a reader changes the code fingerprint, so
cached parse results and an up-to-date database can never outlive the code that made them.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Iterable

ROOT = Path(__file__).resolve().parents[2]
# What a parse result depends on, and what a database depends on besides (the site and the
# benchmarks do not change either: editing them keeps the caches).
PARSE_PARTS = ("extract", "models", "pipelines/corpus")
BUILD_PARTS = PARSE_PARTS + ("pipelines/database", "pipelines/guidelines")
_SUFFIXES = {".py", ".yaml", ".yml", ".jsonl", ".html"}


@lru_cache(maxsize=4)
def code_fingerprint(parts: tuple[str, ...] = PARSE_PARTS) -> str:
    h = hashlib.sha256()
    for part in parts:
        for f in sorted((ROOT / part).rglob("*")):
            if f.suffix in _SUFFIXES and "__pycache__" not in f.parts:
                h.update(str(f.relative_to(ROOT)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()


def inputs_fingerprint(files: Iterable[tuple[str, bytes]]) -> str:
    """Of the code and of every input file (name and SHA-256 digest of its content), in a stable order."""
    h = hashlib.sha256(code_fingerprint(BUILD_PARTS).encode())
    for name, digest in sorted(files, key=lambda x: x[0]):
        h.update(name.encode("utf-8", "surrogateescape"))
        h.update(digest)
    return h.hexdigest()
