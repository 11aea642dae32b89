"""Bad input never aborts a build: each file is recorded with a message that says what to do."""
from __future__ import annotations

import io
import shutil

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.errors import ReadError
from pipelines.database.build import build
from pipelines.corpus.ingest import BUNDLED
from pipelines.corpus.parse import parse_bytes

SEED = BUNDLED / "000_de38badff640f652.txt"


def _no_text_pdf() -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf)
    c.rect(100, 100, 300, 300, fill=1)
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory, seed_pdfs):
    folder = tmp_path_factory.mktemp("hostile")
    shutil.copy(SEED, folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.txt").write_bytes(bytes(range(256)) * 40)
    pdf_path, _ = seed_pdfs["002_95027576749d3358.txt"]
    data = pdf_path.read_bytes()
    (folder / "truncated.pdf").write_bytes(data[: len(data) // 2])
    (folder / "scan.pdf").write_bytes(_no_text_pdf())
    text = SEED.read_text(encoding="utf-8")
    (folder / "legacy.txt").write_bytes(
        SEED.read_text(encoding="utf-8").replace("Côte d'Ivoire", "Côte d’Ivoire").encode("cp1252", "replace"))
    (folder / "nul.txt").write_bytes(text.replace("Distr.", "Dis\x00tr.").encode("utf-8"))
    with open(folder / "huge.txt", "wb") as fh:
        chunk = ("Lorem ipsum dolor sit amet. " * 40 + "\n").encode()
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            fh.write(chunk)
    printed = "United Nations\n\nCAC/COSP/WG.2/2018/2\n\n" + (BUNDLED / "002_95027576749d3358.txt").read_text(
        encoding="utf-8")
    (folder / "dup_a.txt").write_text(printed, encoding="utf-8")
    (folder / "dup_b.txt").write_text(printed.replace("4 April 2018", "5 April 2018"), encoding="utf-8")
    db_path = folder / "out.db"
    result = build([folder], db_path)
    return result, sqlite_utils.Database(db_path)


def _errors(db, name):
    return [r for r in db["ingest_errors"].rows if r["file"].endswith(name)]


@pytest.mark.parametrize("name, says, hint", [
    ("empty.txt", "empty", "export"),
    ("garbage.txt", "binary", "give a .txt, .md or .pdf"),
    ("truncated.pdf", "damaged or truncated", "download the PDF again"),
    ("scan.pdf", "no text layer", "OCR"),
    ("huge.txt", "over the 20 MB limit", "split it"),
])
def test_bad_file_is_left_out_with_a_message_and_a_hint(hostile_build, name, says, hint):
    _, db = hostile_build
    rows = _errors(db, name)
    assert rows, f"{name} not recorded"
    assert rows[0]["severity"] == "error"
    assert says in rows[0]["message"] and hint in rows[0]["hint"]


@pytest.mark.parametrize("name, says", [("legacy.txt", "Windows-1252"), ("nul.txt", "NUL"),
                                        ("dup_b.txt", "duplicate symbol CAC/COSP/WG.2/2018/2 in 'en': dup_a.txt gives it too")])
def test_repairable_file_is_built_and_the_repair_recorded(hostile_build, name, says):
    _, db = hostile_build
    rows = _errors(db, name)
    assert rows and rows[0]["severity"] == "warning" and says in rows[0]["message"]
    assert db.execute("select count(*) from documents where file = ?", [name]).fetchone()[0] == 1


def test_good_files_are_still_built(hostile_build):
    _, db = hostile_build
    files = {r["file"] for r in db["documents"].rows}
    assert {"good.txt", "legacy.txt", "nul.txt", "dup_a.txt"} <= files
    assert db.execute("select count(*) from paragraphs where document = 'good.txt' and kind = 'paragraph'"
                      ).fetchone()[0] == 48


def test_cp1252_text_keeps_its_accents(hostile_build):
    _, db = hostile_build
    text = db.execute("select text from paragraphs where document = 'legacy.txt' and at = '31'").fetchone()[0]
    assert "Côte d’Ivoire" in text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=3000))
def test_random_text_never_raises_anything_but_a_read_error(text):
    try:
        parse_bytes(text.encode("utf-8"), "random.txt")
    except ReadError:
        pass


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    "1. In its resolution 7/1, the Conference urged States parties.", "2. Text", "(a) item;", "¹ Footnote.",
    "I. Introduction", "Draft guideline 3", "**Bold**", "# Heading", "---", "", "   ", "* [CAC/COSP/1](#).",
    "continuation of text", "4.2. Receiving States", "- (b) Item", "Distr.: General", "5 April 2018",
]), max_size=60))
def test_random_arrangements_of_real_line_types_parse(lines):
    try:
        parse_bytes("\n".join(lines).encode(), "lines.txt")
    except ReadError:
        pass
