"""Importing this module makes the parser ready: spaCy's pipeline, the extractors' matchers and
registries built on a small document.  A fork server preloads it (``workers.run_one``, the Dask
engine's per-document children), so each document's process starts warm instead of paying
0.5-1 s of set-up per file."""
from __future__ import annotations

from pipelines.corpus.parse import parse_bytes

WARM_UP = ("United Nations CAC/COSP/2019/99\n\nDistr.: General\n1 May 2019\nOriginal: English\n\n"
           "Vienna, 1 and 2 June 2019\n\nA title\n\nNote by the Secretariat\n\n"
           "1. In its resolution 7/1, the Conference requested the Secretariat to report on article 56 "
           "and the Egmont Group, Nigeria and the African States.\n").encode("utf-8")


# A page with no header to say its language: the language identifier's model (py3langid) and a
# second language pack load here, not in the first real document.
WARM_UP_UNLABELLED = ("Note du Secrétariat\n\n1. Dans sa résolution 7/1, la Conférence a prié le Secrétariat "
                      "de faire rapport sur l’article 56 de la Convention.\n").encode("utf-8")


def warm() -> None:
    parse_bytes(WARM_UP, "warm-up.txt")
    parse_bytes(WARM_UP_UNLABELLED, "warm-up-2.txt")


warm()
