"""Which files make the corpus: folders walked, links and odd names handled, manifests set
apart (``manifest.py`` reads them).

Nothing here parses.  What cannot be taken as given is recorded, never silently dropped:
a symbolic link (on the command line or found by walking) is not followed unless asked,
a folder that cannot be listed is named (the documents published from it are kept, see
``database/build.py``), a second file of one name is refused, and a name that is not UTF-8
gets a readable id.
"""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from models.document import IngestError
from pipelines.corpus import manifest, workers

SUFFIXES = {".txt", ".md", ".markdown", ".pdf", ".text", ".xml"}
MAX_MB = {"text": 20, "pdf": 200}  # a UN document's text is under 2 MB; far larger is not one document
# Parse cost per core, linear in the size (cosp bench: text pipeline, pdf pipeline; bench --hostile: 10 MB).
SECONDS_PER_MB = {"text": 1.1, "pdf": 0.5}
LINK_HINT = "copy the file into the corpus folder, or build with --follow-links"


@dataclass
class Walk:
    """The files found, and the folders and files that could not be looked at (their
    published documents are kept, not removed, since nobody removed them)."""

    files: list[Path] = field(default_factory=list)
    unreachable: list[Path] = field(default_factory=list)


def file_id(path: Path | str) -> str:
    """A document's id: its file name, as text.  A name that is not UTF-8 (a Latin-1 ``résumé``
    made on another system) reaches Python with escaped bytes that no database or terminal
    takes; it is read as Windows-1252 instead (a superset of Latin-1)."""
    return readable(os.path.basename(str(path)))


def readable(text: str) -> str:
    """A path or name with its undecodable bytes (``surrogateescape``) read as Windows-1252."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("cp1252", errors="replace")


def kind_of(path: Path) -> str:
    return "pdf" if path.suffix.lower() == ".pdf" else "text"


def limit_bytes(path: Path) -> int:
    return int(MAX_MB[kind_of(path)] * 1024 * 1024)


def limits_from_env() -> None:
    if os.environ.get("COSP_MAX_MB"):
        MAX_MB["text"] = MAX_MB["pdf"] = workers.env_number("COSP_MAX_MB", 50, "megabytes")


def _link_skipped(path: Path, skipped: Optional[list[IngestError]], where: str) -> None:
    if skipped is not None:
        target = os.path.realpath(path)
        skipped.append(IngestError(readable(str(path)), "read",
                                   f"a symbolic link to {readable(target)}{where}: not followed", LINK_HINT,
                                   severity="warning"))


def walk(paths: Iterable[str | Path], skipped: Optional[list[IngestError]] = None, follow_links: bool = False) -> Walk:
    """Files under the given paths (folders walked in sorted order), manifests left out.

    A symbolic link is followed only with ``follow_links``, except a file link inside a
    walked folder that points within it: a link named on the command line is not taken as
    given (``cosp build corpus/*`` expands to the links in the folder), nor is a link to a
    folder.  Folders that cannot be listed go to ``unreachable`` and are recorded."""
    out = Walk()
    for p in map(Path, paths):
        if p.is_symlink() and not follow_links:
            _link_skipped(p, skipped, ", named among the inputs")
            continue
        if not p.is_dir():
            out.files.append(p)
            continue
        root = os.path.realpath(p)

        def unlistable(err: OSError) -> None:
            folder = Path(err.filename or p)
            out.unreachable.append(folder)
            if skipped is not None:
                skipped.append(IngestError(readable(str(folder)), "read", f"cannot list the folder: {err.strerror}",
                                           "check its permissions; the documents already published from it are kept"))

        seen = {root}
        for folder, dirs, names in os.walk(p, onerror=unlistable, followlinks=follow_links):
            keep = []
            for d in sorted(dirs):
                inner = os.path.join(folder, d)
                if not follow_links and os.path.islink(inner):
                    _link_skipped(Path(inner), skipped, ", a folder")
                elif os.path.realpath(inner) not in seen:  # followed links may loop
                    seen.add(os.path.realpath(inner))
                    keep.append(d)
            dirs[:] = keep
            for name in sorted(names):
                f = Path(folder, name)
                if f.suffix.lower() not in SUFFIXES or name in manifest.NAMES:
                    continue
                if f.is_symlink() and not follow_links:
                    target = os.path.realpath(f)
                    if os.path.commonpath([root, target]) != root:
                        _link_skipped(f, skipped, f", outside {readable(str(p))}")
                        continue
                    if not os.path.isfile(target):
                        continue
                out.files.append(f)
    return out


def collect(paths: Iterable[str | Path], skipped: Optional[list[IngestError]] = None,
            follow_links: bool = False) -> list[Path]:
    return walk(paths, skipped, follow_links).files


def plan(paths: Iterable[str | Path], errors: list[IngestError], follow_links: bool = False,
         found: Optional[Walk] = None) -> list[Path]:
    """The files to read, one per document name (a document's id is its file name): a second
    file of the same name is refused and recorded, never merged.  ``found``: a walk already made."""
    limits_from_env()
    found = found if found is not None else walk(paths, errors, follow_links)
    names: dict[str, Path] = {}
    todo: list[Path] = []
    for path in found.files:
        name = file_id(path)
        if name in names and os.path.realpath(names[name]) == os.path.realpath(path):
            continue  # the same file, named twice
        if name in names:
            errors.append(IngestError(
                readable(str(path)), "read", f"another file named {name} is read from {readable(str(names[name].parent))}: "
                "documents are known by their file name", "rename one of the two files and build again"))
            continue
        if name != path.name:
            errors.append(IngestError(readable(str(path)), "read", f"the file name is not UTF-8: the document is listed "
                                      f"as {name}", "rename the file with UTF-8 characters", severity="warning"))
        names[name] = path
        todo.append(path)
    return todo


def digest(path: Path) -> bytes:
    """The SHA-256 of a file's content, read in blocks, after checking what it is: a device,
    pipe or folder is never opened (a FIFO would block, /dev/zero never end), and a file over
    the size limit is not read at all (its size and time stand for it: it is refused anyway)."""
    try:
        info = os.stat(path)
    except OSError:
        return hashlib.sha256(b"unreadable").digest()
    if not stat.S_ISREG(info.st_mode):
        return hashlib.sha256(b"not a regular file").digest()
    if info.st_size > limit_bytes(path):
        return hashlib.sha256(f"over the limit {info.st_size} {info.st_mtime_ns}".encode()).digest()
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return hashlib.sha256(b"unreadable").digest()
    return h.digest()


def input_digests(todo: list[Path]) -> list[tuple[str, bytes]]:
    """Name and SHA-256 of every input and manifest, one block in memory at a time."""
    out = [(os.path.realpath(f), digest(f)) for f in todo]
    for folder in sorted({f.parent for f in todo}):
        out += [(str(folder / name), digest(folder / name)) for name in manifest.NAMES if (folder / name).exists()]
    return out


def under(path: str, folders: Iterable[Path]) -> bool:
    """Whether ``path`` lies in one of ``folders`` (or is one of them)."""
    real = os.path.realpath(path)
    return any(os.path.commonpath([real, os.path.realpath(f)]) == os.path.realpath(f) for f in folders)


def reachable(path: str) -> bool:
    """Whether a file's absence can be trusted: its folder can be listed.  A file whose folder
    cannot be read, or that exists but cannot be looked at, was not removed by anyone."""
    folder = os.path.dirname(path) or "."
    try:
        os.listdir(folder)
    except FileNotFoundError:
        return True  # the folder itself is gone: removed
    except OSError:
        return False
    try:
        os.stat(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True
