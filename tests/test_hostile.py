"""Hostile input and faults: nothing merged silently, nothing let in, the previous database kept.
Every case here is a defect a hostile run found; inputs are generated, nothing large is checked in."""
from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from pipelines.database.build import BuildError, _remove_stale_temps, build
from pipelines.cli import cli
from pipelines.corpus.ingest import BUNDLED, ingest
from tests.conftest import SEED_FILES

SEED = BUNDLED / SEED_FILES[0]


def test_two_files_with_one_name_in_two_folders_are_not_merged(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    shutil.copy(SEED, tmp_path / "a" / "report.txt")
    shutil.copy(BUNDLED / SEED_FILES[1], tmp_path / "b" / "report.txt")
    corpus = ingest([tmp_path])
    assert [d.file for d in corpus.documents] == ["report.txt"]
    err = next(e for e in corpus.errors if e.file.endswith("b/report.txt"))
    assert "another file named report.txt" in err.message and "rename" in err.hint and err.severity == "error"


def test_a_second_build_to_the_same_database_is_told_who_holds_it(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    db = (tmp_path / "cosp.db").resolve()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from pipelines.database.build import _lock\n"
         f"with _lock(Path({str(db)!r})):\n    print('held', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(BuildError) as err:
            build([SEED], db)
    finally:
        holder.kill()
        holder.wait()
    assert f"pid {holder.pid}" in err.value.message and "another --db" in err.value.hint
    build([SEED], db)  # the lock goes with its holder


def test_stale_temp_cleanup_leaves_a_running_builds_journal_alone(tmp_path):
    db = tmp_path / "cosp.db"
    alive = tmp_path / f".cosp.db.building-{os.getpid()}-journal"
    dead = tmp_path / ".cosp.db.building-999999999-journal"
    for f in (alive, dead):
        f.write_bytes(b"x")
    _remove_stale_temps(db)
    assert alive.exists() and not dead.exists()


def test_a_build_where_every_input_fails_keeps_the_good_database(tmp_path):
    db = tmp_path / "cosp.db"
    build([SEED], db)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    result = CliRunner().invoke(cli, ["build", str(bad), "--db", str(db)])
    assert result.exit_code != 0 and "keeps its documents" in result.output
    assert sqlite_utils.Database(db)["documents"].count == 1


def test_a_symbolic_link_out_of_the_corpus_folder_is_not_followed(tmp_path):
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    shutil.copy(SEED, corpus_dir / "good.txt")
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (corpus_dir / "passwd.txt").symlink_to(secret)
    corpus = ingest([corpus_dir])
    assert [d.file for d in corpus.documents] == ["good.txt"]
    assert any("symbolic link" in e.message and "--follow-links" in e.hint for e in corpus.errors)
    assert [d.file for d in ingest([corpus_dir], follow_links=True).documents] == ["good.txt", "passwd.txt"]


def test_the_parse_cache_holds_data_and_a_foreign_entry_is_parsed_again(tmp_path):
    cache = tmp_path / "cache"
    first = ingest([SEED], cache_dir=cache)
    [entry] = list(cache.glob("*.json"))
    json.loads(entry.read_text(encoding="utf-8"))  # data, not code
    entry.write_text(json.dumps({"format": 1, "document": {"__type__": "os.system", "command": "touch pwned"}}))
    again = ingest([SEED], cache_dir=cache)
    assert again.cache_hits == 0 and again.documents[0].meta == first.documents[0].meta
    assert not (tmp_path / "pwned").exists() and not list(cache.glob("*.pickle"))
    assert ingest([SEED], cache_dir=cache).cache_hits == 1  # the bad entry was replaced


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_utf16_and_utf32_are_detected_and_read_like_utf8(tmp_path, encoding):
    from pipelines.corpus.parse import parse_bytes

    text = SEED.read_text(encoding="utf-8")
    plain, wide = parse_bytes(text.encode("utf-8"), "a.txt"), parse_bytes(text.encode(encoding), "a.txt")
    assert [f.text for f in wide.footnotes] == [f.text for f in plain.footnotes]
    assert [p.text for p in wide.paragraphs] == [p.text for p in plain.paragraphs]
    assert any(f"decoded as {encoding.upper()}" in w for w in wide.warnings)
    assert not any("removed" in w or "Windows-1252" in w for w in wide.warnings)


def test_only_regular_files_are_read(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    corpus = ingest([fifo, "/dev/zero"])  # neither hangs nor reads forever
    assert not corpus.documents
    assert all("not a regular file" in e.message for e in corpus.errors) and len(corpus.errors) == 2


@pytest.mark.parametrize("setup, says", [
    (lambda p: p.mkdir(), "is a folder"),
    (lambda p: p.write_text("my notes, not a database"), "is not a SQLite database"),
])
def test_the_target_is_checked_before_anything_is_written(tmp_path, setup, says):
    target = tmp_path / "cosp.db"
    setup(target)
    result = CliRunner().invoke(cli, ["build", str(SEED), "--db", str(target)])
    assert result.exit_code != 0 and says in result.output and "Traceback" not in result.output
    if target.is_file():
        assert target.read_text() == "my notes, not a database"


def test_a_bad_size_limit_in_the_environment_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("COSP_MAX_MB", "10MB")
    result = CliRunner().invoke(cli, ["build", str(SEED), "--db", str(tmp_path / "c.db")])
    assert result.exit_code != 0 and "COSP_MAX_MB='10MB' is not a number" in result.output
    assert "Traceback" not in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders: run as a user to test this")
def test_a_read_only_target_folder_is_one_line_and_the_old_database_stays(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    build([SEED], folder / "cosp.db")
    before = (folder / "cosp.db").read_bytes()
    folder.chmod(0o555)
    try:
        result = CliRunner().invoke(cli, ["build", str(SEED), "--db", str(folder / "cosp.db"), "--force"])
    finally:
        folder.chmod(0o755)
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert (folder / "cosp.db").read_bytes() == before


@pytest.fixture(scope="module")
def odd_site(tmp_path_factory):
    from pipelines.publish.serve import datasette_instance

    folder = tmp_path_factory.mktemp("odd")
    shutil.copy(SEED, folder / "a report (2019) é.txt")
    db = folder / "cosp.db"
    build([folder], db)
    return datasette_instance(db)


def _get(ds, url):
    return asyncio.run(ds.client.get(url))


def test_a_document_with_spaces_and_accents_in_its_name_has_its_page(odd_site):
    from pipelines.publish.pagekit import document_url

    link = document_url("a report (2019) é.txt")
    assert "~28" in link and " " not in link  # tilde-encoded, as Datasette encodes keys
    page = _get(odd_site, link)
    from pipelines.publish.pagekit import row_url

    assert page.status_code == 200 and row_url("cosp", "documents", "a report (2019) é.txt") in page.text
    assert _get(odd_site, "/-/cosp/document/a%20report%20(2019)%20%C3%A9.txt").status_code == 200


def test_a_query_cannot_build_a_huge_value_in_the_server(odd_site):
    page = _get(odd_site, "/cosp.json?sql=select+zeroblob(100000000)")
    assert page.status_code == 400 and "too big" in page.text


def test_an_unknown_page_is_a_404_with_one_log_line(odd_site, capsys):
    for url in ("/-/cosp/document/CAC/COSP/WG.2/2018/5", "/nope", "/-/cosp/mandate?thread=nope"):
        page = _get(odd_site, url)
        assert page.status_code == 404, url
    err = capsys.readouterr().err
    assert err.count("\n") == 3 and "Traceback" not in err


def test_a_document_past_its_time_limit_is_stopped_and_the_others_are_built(tmp_path, monkeypatch):
    import time

    import pipelines.corpus.parse as parse

    real = parse.parse_bytes

    def slow(data, name, pdf_reader="pdfium"):
        if "slow" in name:
            time.sleep(30)
        return real(data, name, pdf_reader)

    monkeypatch.setattr(parse, "parse_bytes", slow)  # the forked workers see it
    shutil.copy(SEED, tmp_path / "good.txt")
    shutil.copy(BUNDLED / SEED_FILES[1], tmp_path / "slow.txt")
    start = time.monotonic()
    corpus = ingest([tmp_path], jobs=2, timeout=2)
    assert time.monotonic() - start < 20
    assert [d.file for d in corpus.documents] == ["good.txt"]
    err = next(e for e in corpus.errors if e.file.endswith("slow.txt"))
    assert "still parsing after 2 s" in err.message and "MB" in err.message and "COSP_DOC_TIMEOUT" in err.hint


def test_a_document_past_the_memory_bound_is_stopped_and_the_others_are_built(tmp_path, monkeypatch):
    import pipelines.corpus.parse as parse

    real = parse.parse_bytes

    def greedy(data, name, pdf_reader="pdfium"):
        if "greedy" in name:
            bytearray(4 * 2**30)
        return real(data, name, pdf_reader)

    monkeypatch.setattr(parse, "parse_bytes", greedy)
    monkeypatch.setenv("COSP_DOC_MAX_MB_RAM", "2048")
    shutil.copy(SEED, tmp_path / "good.txt")
    shutil.copy(BUNDLED / SEED_FILES[1], tmp_path / "greedy.txt")
    corpus = ingest([tmp_path], jobs=2)
    assert [d.file for d in corpus.documents] == ["good.txt"]
    err = next(e for e in corpus.errors if e.file.endswith("greedy.txt"))
    assert "ran out of memory" in err.message and "COSP_DOC_MAX_MB_RAM" in err.hint


def test_parsing_in_workers_gives_the_same_corpus():
    one, two = ingest([BUNDLED]), ingest([BUNDLED], jobs=2)
    assert [(d.file, d.meta, len(d.mandates)) for d in one.documents] == [(d.file, d.meta, len(d.mandates))
                                                                        for d in two.documents]


_DISK_FULL = """
set -e
mount -t tmpfs -o size=3m tmpfs "$DISK"
"$PY" -m pipelines.cli build "$SEEDS" --db "$DISK/cosp.db" --no-cache > /dev/null 2>&1
sha256sum "$DISK/cosp.db" | cut -d' ' -f1 > "$OUT/before"
set +e
"$PY" -m pipelines.cli build "$BIG" --db "$DISK/cosp.db" --no-cache > /dev/null 2> "$OUT/stderr"
echo $? > "$OUT/code"
set -e
sha256sum "$DISK/cosp.db" | cut -d' ' -f1 > "$OUT/after"
ls -a "$DISK" > "$OUT/files"
umount "$DISK"
"""


def _with_a_small_disk(script: str, env: dict, tmp_path: Path):
    """Run ``script`` where it may mount a tmpfs: directly as root, else in a private user and
    mount namespace; skip (saying why) where neither is possible."""
    import subprocess

    command = ["sh", "-c", script] if os.geteuid() == 0 else ["unshare", "-rm", "sh", "-c", script]
    try:
        run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300,
                             cwd=Path(__file__).parent.parent)
    except FileNotFoundError:
        pytest.skip("no `unshare` to mount a small tmpfs without root")
    if run.returncode != 0 and not (Path(env["OUT"]) / "code").exists():
        pytest.skip(f"cannot mount a tmpfs here (needs root or user namespaces): {run.stderr.strip()[:200]}")


def _disk_env(tmp_path: Path, **more) -> dict:
    import sys

    disk, out = tmp_path / "disk", tmp_path / "out"
    disk.mkdir()
    out.mkdir()
    return dict(os.environ, DISK=str(disk), OUT=str(out), PY=sys.executable, SEEDS=str(BUNDLED),
                COSP_CACHE_DIR=str(tmp_path / "cache"), **more)


def test_a_full_disk_is_one_line_and_the_old_database_stays(tmp_path):
    """A small tmpfs (3 MB) holds the seeds' database (2 MB) but not one of 20 copies of them."""
    from pipelines.quality.scale import scale_corpus

    env = _disk_env(tmp_path, BIG=str(scale_corpus(tmp_path / "big", 20)))
    _with_a_small_disk(_DISK_FULL, env, tmp_path)
    out = tmp_path / "out"
    assert (out / "code").read_text().strip() == "1"
    message = (out / "stderr").read_text()
    assert "full" in message and "Free some space" in message and "Traceback" not in message, message
    assert (out / "before").read_text() == (out / "after").read_text()
    assert sorted((out / "files").read_text().split()) == [".", "..", ".cosp.db.lock", "cosp.db"]


_READ_ONLY = """
set -e
mount -t tmpfs -o size=8m tmpfs "$DISK"
"$PY" -m pipelines.cli build "$SEEDS" --db "$DISK/cosp.db" --no-cache > /dev/null 2>&1
sha256sum "$DISK/cosp.db" | cut -d' ' -f1 > "$OUT/before"
mount -o remount,ro "$DISK"
set +e
"$PY" -m pipelines.cli build "$SEEDS" --db "$DISK/cosp.db" --force > /dev/null 2> "$OUT/stderr"
echo $? > "$OUT/code"
set -e
sha256sum "$DISK/cosp.db" | cut -d' ' -f1 > "$OUT/after"
umount "$DISK"
"""


def test_a_read_only_file_system_is_one_line_and_the_old_database_stays(tmp_path):
    """Read-only for root too: the tmpfs is remounted read-only after the first build."""
    _with_a_small_disk(_READ_ONLY, _disk_env(tmp_path), tmp_path)
    out = tmp_path / "out"
    assert (out / "code").read_text().strip() == "1"
    message = (out / "stderr").read_text()
    assert "read-only" in message and "Traceback" not in message, message
    assert (out / "before").read_text() == (out / "after").read_text()
