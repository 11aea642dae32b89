"""The parse cache's format: JSON, with each record tagged by its class.

A cache entry is data, never code: loading one can only build the plain record classes of
``models/`` (an allow-list), so whoever can write the cache folder cannot run code as the
builder (a pickle could).  A damaged, foreign or outdated entry fails to load and the file is
simply parsed again.
"""
from __future__ import annotations

import dataclasses
import functools
import importlib
import json
from typing import Any

from models.document import ParsedDocument

_MODULES = ("models.document", "models.resolutions", "models.references", "models.mandates", "models.entities",
            "models.guidelines", "models.source", "models.corpus")
FORMAT = 2  # 2: dicts with keys that are not strings keep them (a guideline's titles by number)


def _encode(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = {f.name: _encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        return {"__type__": f"{type(obj).__module__}.{type(obj).__name__}", **fields}
    if isinstance(obj, (list, tuple)):
        return [_encode(x) for x in obj]
    if isinstance(obj, dict):
        if all(isinstance(k, str) for k in obj):
            return {k: _encode(v) for k, v in obj.items()}
        # JSON keys are strings: {1: ...} would come back as {"1": ...}, and a summary read back
        # from the database would no longer match the same summary made fresh.
        return {"__items__": [[_encode(k), _encode(v)] for k, v in obj.items()]}
    return obj


@functools.lru_cache(maxsize=None)
def _record_class(tag: str) -> tuple[type, frozenset]:
    cls = _class(tag)
    return cls, frozenset(f.name for f in dataclasses.fields(cls))


def _hook(obj: dict) -> Any:
    """``json.loads``'s object hook: the decoder calls it on every JSON object, innermost first,
    in C, so a record tree is rebuilt in one pass (2,000 corpus summaries in a fraction of the
    time a Python walk over the parsed JSON took)."""
    tag = obj.get("__type__")
    if tag is not None:
        cls, names = _record_class(tag)
        record = cls(**{k: v for k, v in obj.items() if k in names})
        if isinstance(getattr(record, "segments", None), list):  # (start, end) pairs are tuples
            record.segments = [tuple(s) for s in record.segments]
        return record
    if len(obj) == 1 and "__items__" in obj:
        return {k: v for k, v in obj["__items__"]}
    return obj


def _class(tag: str) -> type:
    module, _, name = tag.rpartition(".")
    if module not in _MODULES:
        raise ValueError(f"cache entry names a class outside models/: {tag}")
    cls = getattr(importlib.import_module(module), name, None)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise ValueError(f"cache entry names no record class: {tag}")
    return cls


def _wrap(key: str, obj: Any) -> bytes:
    return json.dumps({"format": FORMAT, key: _encode(obj)}, ensure_ascii=False).encode("utf-8")


def _unwrap(data: bytes, key: str) -> Any:
    """The decoded payload under ``key``; ValueError when the entry is not one of this format."""
    try:
        wrapped = json.loads(data.decode("utf-8"), object_hook=_hook)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a cache entry: {exc}") from exc
    except TypeError as exc:  # a record's fields no longer match the class: an entry of another format
        raise ValueError(f"cache entry of another format: {exc}") from exc
    if not isinstance(wrapped, dict) or wrapped.get("format") != FORMAT or key not in wrapped:
        raise ValueError("cache entry of another format")
    return wrapped[key]


def dumps(doc: ParsedDocument) -> bytes:
    return _wrap("document", doc)


def loads(data: bytes) -> ParsedDocument:
    """The cached document; ValueError when the entry is not one (then parse the file again)."""
    doc = _unwrap(data, "document")
    if not isinstance(doc, ParsedDocument):
        raise ValueError("cache entry holds no parsed document")
    return doc


def dump_records(obj: Any) -> bytes:
    """Any nesting of lists, dicts and ``models/`` records (an alignment's links and title changes)."""
    return _wrap("records", obj)


def load_records(data: bytes) -> Any:
    return _unwrap(data, "records")


def write_atomic(path, data: bytes) -> None:
    """Put an entry in place whole (a temp file, then one rename); a cache that cannot be
    written (a full disk, no permission) is skipped and leaves no temp file behind."""
    import os

    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
