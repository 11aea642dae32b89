"""Load the pattern and gazetteer files under ``extract/data`` (read once, then cached)."""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"
# libyaml's loader when PyYAML was built with it: the same data, 8x faster (0.05 s of every
# process's start-up with the pure-Python one).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=None)
def load_yaml(name: str):
    with open(DATA / name, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER)  # a safe loader either way


@lru_cache(maxsize=None)
def load_jsonl(name: str) -> tuple[dict, ...]:
    with open(DATA / name, encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh if line.strip() and not line.startswith("//"))


def default_cache_dir() -> Path:
    """Where the project keeps what it can make again (parse results, the language model):
    ``$COSP_CACHE_DIR``, else ``$XDG_CACHE_HOME/cosp-tracker`` (``~/.cache/cosp-tracker``)."""
    base = os.environ.get("COSP_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "cosp-tracker")
    return Path(base)
