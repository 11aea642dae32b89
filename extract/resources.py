"""Load the pattern and gazetteer files under ``extract/data`` (read once, then cached)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=None)
def load_yaml(name: str):
    with open(DATA / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=None)
def load_jsonl(name: str) -> tuple[dict, ...]:
    with open(DATA / name, encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh if line.strip() and not line.startswith("//"))
