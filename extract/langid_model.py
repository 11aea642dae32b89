"""The language identifier (py3langid), restricted to the languages a UN document can be told
apart from, loaded in a fifth of the time.

py3langid ships its model as an LZMA-compressed archive of 97 languages: every process that
identifies a language pays 0.4-0.8 s to decompress it, which was half of the pipeline's
start-up (each ``cosp build`` and its fork server).  The same arrays, cut to the languages
asked for (what ``set_languages`` does in memory), are kept once, uncompressed, in the project's
cache folder (``models/`` in ``default_cache_dir``) and read from there by later processes; the
identifier is the library's own class built from them, so it classifies exactly as the library
does.  The file is named by the
library's version, the model's size and time, and the languages: an upgrade makes a new one.
Any trouble with the cache (unwritable folder, a damaged file) falls back to the library's load.
"""
from __future__ import annotations

import hashlib
import os
from array import array
from pathlib import Path
from typing import Sequence

from extract.resources import default_cache_dir


def identifier(languages: Sequence[str]):
    """A ``py3langid`` LanguageIdentifier that knows ``languages`` only."""
    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    model = Path(MODEL_DIR) / MODEL_FILE
    path = default_cache_dir() / "models" / _cached_name(model, languages)
    try:
        with np.load(path, allow_pickle=False) as data:
            return LanguageIdentifier(data["ptc"], data["pc"], data["classes"].tolist(),
                                      _stdlib(data["nextmove"]), data["output"].tolist(), tk_row=_stdlib(data["row"]))
    except Exception:  # noqa: BLE001 - absent (the first time) or damaged: the library's load, then saved
        pass
    found = LanguageIdentifier.from_model_file(model)
    found.set_languages(list(languages))
    _save(path, found)
    return found


def _cached_name(model: Path, languages: Sequence[str]) -> str:
    from importlib.metadata import version

    stat = model.stat()
    key = f"{version('py3langid')}:{stat.st_size}:{stat.st_mtime_ns}:{','.join(languages)}"
    return f"py3langid-{hashlib.sha256(key.encode()).hexdigest()[:16]}.npz"


def _stdlib(values) -> array:
    """The model's transition tables as the stdlib arrays py3langid walks."""
    out = array({2: "H", 4: "I", 8: "L"}[values.dtype.itemsize])
    out.frombytes(values.tobytes())
    return out


def _save(path: Path, found) -> None:
    import numpy as np

    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            np.savez(f, ptc=np.asarray(found.nb_ptc), pc=np.asarray(found.nb_pc), classes=np.array(found.nb_classes),
                     nextmove=np.frombuffer(found.tk_nextmove, dtype=_dtype(found.tk_nextmove)),
                     row=np.frombuffer(found.tk_row, dtype=_dtype(found.tk_row)),
                     output=np.asarray(found.tk_output, dtype=np.int32))
        os.replace(tmp, path)
    except OSError:  # no cache (an unwritable folder, a full disk): the next process decompresses again
        try:
            tmp.unlink()
        except OSError:
            pass


def _dtype(values: array):
    import numpy as np

    return {2: np.uint16, 4: np.uint32, 8: np.uint64}[values.itemsize]
