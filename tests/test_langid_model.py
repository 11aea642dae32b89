"""The language identifier's model, cached uncompressed: the same answers, and no trust in the file."""
from __future__ import annotations

import pytest

from extract import langid_model

LANGS = ["en", "fr", "es", "de", "pt", "it", "nl", "ru", "ar", "zh"]
SAMPLES = [
    "The Conference decided to establish an open-ended intergovernmental working group on asset recovery.",
    "La Conférence a décidé de créer un groupe de travail intergouvernemental à composition non limitée.",
    "La Conferencia decidió establecer un grupo de trabajo intergubernamental de composición abierta.",
    "Die Konferenz hat beschlossen, eine offene zwischenstaatliche Arbeitsgruppe einzusetzen.",
    "A Conferência decidiu criar um grupo de trabalho intergovernamental de composição aberta.",
]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("COSP_CACHE_DIR", str(tmp_path))
    return tmp_path / "models"


def test_the_cached_model_answers_as_the_library_does(cache):
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    library = LanguageIdentifier.from_model_file(MODEL_DIR / MODEL_FILE)
    library.set_languages(LANGS)
    first = langid_model.identifier(LANGS)  # decompressed and saved
    assert len(list(cache.glob("py3langid-*.npz"))) == 1
    second = langid_model.identifier(LANGS)  # read from the cache
    for text in SAMPLES:
        assert second.classify(text) == first.classify(text) == library.classify(text)
    assert [second.classify(t)[0] for t in SAMPLES] == ["en", "fr", "es", "de", "pt"]


@pytest.mark.parametrize("damage", [b"", b"PK\x03\x04 not a zip", b"\x93NUMPY pickle"])
def test_a_damaged_cache_file_is_replaced_not_trusted(cache, damage):
    langid_model.identifier(LANGS)
    (path,) = cache.glob("py3langid-*.npz")
    path.write_bytes(damage)
    assert langid_model.identifier(LANGS).classify(SAMPLES[1])[0] == "fr"
    assert path.stat().st_size > 1_000_000  # written again, whole


def test_an_unwritable_cache_folder_still_identifies(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setenv("COSP_CACHE_DIR", str(blocker))
    assert langid_model.identifier(LANGS).classify(SAMPLES[2])[0] == "es"
