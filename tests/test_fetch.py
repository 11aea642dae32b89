"""`cosp fetch` against a local server that behaves as ODS does (pipelines/quality/fake_ods.py):
no test touches the network."""
from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("pytest_httpserver", reason="the fetch tests need pytest-httpserver (the test extra)")

from pipelines.acquire.fetch import Fetcher, Plan  # noqa: E402
from pipelines.acquire.ods import OdsClient, Pace  # noqa: E402
from pipelines.acquire.store import MANIFEST, STATE  # noqa: E402
from pipelines.cli import cli  # noqa: E402
from pipelines.quality.fake_ods import FakeOds, Fault, pdf_bytes  # noqa: E402

DOCS = ["CAC/COSP/2019/1", "CAC/COSP/2019/2", "CAC/COSP/2019/3", "CAC/COSP/2019/5", "CAC/COSP/2019/5/Add.1"]


@pytest.fixture
def ods():
    fake = FakeOds({(s, "en"): pdf_bytes(s, "en") for s in DOCS} | {("CAC/COSP/2019/1", "fr"): pdf_bytes("x", "fr")})
    fake.start()
    yield fake
    fake.stop()


def _manifest(folder: Path) -> list[dict]:
    with open(folder / "manifest.tsv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _fetch(ods, tmp_path, *args, rate="50"):
    return CliRunner().invoke(cli, ["fetch", *args, "--out", str(tmp_path / "docs"), "--base-url", ods.url,
                                    "--rate", rate, "--timeout", "2"])


def test_symbols_are_fetched_named_by_symbol_and_language_and_recorded(ods, tmp_path):
    result = _fetch(ods, tmp_path, "CAC/COSP/2019/1", "CAC/COSP/2019/5", "--lang", "en,fr")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "docs"
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    assert names == ["CAC_COSP_2019_1.en.pdf", "CAC_COSP_2019_1.fr.pdf", "CAC_COSP_2019_5.en.pdf",
                     "CAC_COSP_2019_5_Add.1.en.pdf", "manifest.tsv"]
    rows = {(r["symbol"], r["language"]): r for r in _manifest(folder)}
    assert set(rows) == {("CAC/COSP/2019/1", "en"), ("CAC/COSP/2019/1", "fr"), ("CAC/COSP/2019/5", "en"),
                         ("CAC/COSP/2019/5/Add.1", "en")}  # the addendum was probed after its document
    row = rows[("CAC/COSP/2019/5", "en")]
    assert row["url"].startswith(ods.url + "/doc/") and len(row["sha256"]) == 64 and int(row["size"]) > 0
    assert (folder / row["file"]).read_bytes().startswith(b"%PDF")


def test_absence_is_judged_from_the_body_not_the_status(ods, tmp_path):
    result = _fetch(ods, tmp_path, "CAC/COSP/2019/55")
    assert result.exit_code == 0 and "1 not on ODS" in result.output
    assert not [p for p in (tmp_path / "docs").iterdir() if p.suffix == ".pdf"]


def test_a_series_is_walked_until_a_run_of_misses_and_a_second_run_asks_nothing(ods, tmp_path):
    args = ["--series", "conference", "--years", "2019", "--misses", "3"]
    first = _fetch(ods, tmp_path, *args)
    assert first.exit_code == 0, first.output
    got = {r["symbol"] for r in _manifest(tmp_path / "docs")}
    assert got == set(DOCS)  # the gap at 4 did not stop the walk; 6, 7, 8 did
    before = len(ods.log)
    again = _fetch(ods, tmp_path, *args)
    assert again.exit_code == 0 and len(ods.log) == before  # a complete folder: 0 requests
    assert "0 requests" in again.output


@pytest.mark.parametrize("fault, says", [
    (Fault("429", 1, 1), None),  # retried after Retry-After
    (Fault("500", 2), None),  # 500 twice, then the file
    (Fault("hang", 1), None),  # past the timeout once, then the file
    (Fault("cut", 1), None),  # a body cut short is fetched again
])
def test_transient_faults_are_retried(ods, tmp_path, fault, says):
    ods.faults["CAC/COSP/2019/2"] = fault
    ods.hang_seconds = 3
    result = _fetch(ods, tmp_path, "CAC/COSP/2019/2")
    assert result.exit_code == 0, result.output
    assert [r["symbol"] for r in _manifest(tmp_path / "docs")] == ["CAC/COSP/2019/2"]
    assert not list((tmp_path / "docs").glob(".fetch-*"))


def test_a_file_over_the_size_limit_and_html_for_a_pdf_are_not_kept(ods, tmp_path):
    ods.faults["CAC/COSP/2019/2"] = Fault("huge", 1)
    ods.faults["CAC/COSP/2019/3"] = Fault("html", 1)
    result = CliRunner().invoke(cli, ["fetch", "CAC/COSP/2019/2", "CAC/COSP/2019/3", "--out", str(tmp_path / "d"),
                                      "--base-url", ods.url, "--rate", "50", "--max-mb", "1"])
    assert result.exit_code == 1 and "over the 1 MB limit" in result.output
    assert "1 not on ODS" in result.output  # HTML where a PDF was promised: not that document
    assert not [p for p in (tmp_path / "d").iterdir() if p.suffix == ".pdf" or p.name.startswith(".fetch-")]


def test_ods_down_for_the_whole_run_stops_early_and_says_so(tmp_path):
    result = CliRunner().invoke(cli, ["fetch", *DOCS, "--out", str(tmp_path / "d"), "--base-url", "http://127.0.0.1:9",
                                      "--rate", "50", "--timeout", "1"])
    assert result.exit_code == 1 and "ODS did not answer 3 requests in a row" in result.output


def test_a_retry_after_is_honoured_and_the_rate_never_exceeded(ods, tmp_path):
    ods.faults["CAC/COSP/2019/1"] = Fault("429", 1, retry_after=1)
    plan = Plan(tmp_path / "d", symbols=["CAC/COSP/2019/1", "CAC/COSP/2019/2", "CAC/COSP/2019/3"])
    client = OdsClient(ods.url, rate=4.0, timeout=2)
    try:
        Fetcher(plan, client).run()
    finally:
        client.close()
    times = [t for t, _ in ods.log]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert gaps[0] >= 0.95  # the 429 said 1 s
    assert min(gaps) >= 0.25 - 0.02  # 4 requests per second at most, redirects included


def test_a_pace_spaces_requests_evenly():
    now = [0.0]
    slept = []
    pace = Pace(2.0, clock=lambda: now[0], sleep=lambda s: (slept.append(s), now.__setitem__(0, now[0] + s)))
    for _ in range(4):
        pace.wait()
    assert slept == [0.5, 0.5, 0.5]
    pace.hold(3)
    pace.wait()
    assert slept[-1] == pytest.approx(3.0)


def test_a_reissued_document_is_kept_beside_the_first_and_flagged(ods, tmp_path):
    assert _fetch(ods, tmp_path, "CAC/COSP/2019/2").exit_code == 0
    ods.documents[("CAC/COSP/2019/2", "en")] = pdf_bytes("CAC/COSP/2019/2 reissued", "en")
    result = _fetch(ods, tmp_path, "CAC/COSP/2019/2", "--recheck")
    assert result.exit_code == 0 and "reissued: CAC/COSP/2019/2 (en)" in result.output
    rows = _manifest(tmp_path / "docs")
    assert [r["file"] for r in rows] == ["CAC_COSP_2019_2.en.pdf", "CAC_COSP_2019_2.en.v2.pdf"]
    assert rows[1]["note"].startswith("reissued: differs from CAC_COSP_2019_2.en.pdf")


@pytest.mark.parametrize("args, says", [
    (["CAC/COSP/2019/5x!"], "does not look like a UN document symbol"),
    (["CAC/COSP/2019/5", "--lang", "de"], "languages are ar, zh, en, fr, ru, es"),
    (["--series", "nonsense"], "no series named 'nonsense'"),
])
def test_bad_requests_are_one_line(tmp_path, args, says):
    result = CliRunner().invoke(cli, ["fetch", *args, "--out", str(tmp_path / "d"), "--base-url", "http://127.0.0.1:9"])
    assert result.exit_code != 0 and says in result.output and "Traceback" not in result.output


def test_an_unwritable_folder_is_one_line(tmp_path):
    target = tmp_path / "file"
    target.write_text("not a folder")
    result = CliRunner().invoke(cli, ["fetch", "CAC/COSP/2019/5", "--out", str(target / "sub")])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_the_dry_run_lists_what_would_be_asked_and_asks_nothing(ods, tmp_path):
    result = _fetch(ods, tmp_path, "CAC/COSP/2019/5", "--series", "irg", "--years", "2018-2019", "--dry-run")
    assert result.exit_code == 0 and not ods.log
    assert "CAC/COSP/IRG/2018/{n} (en): from n = 1 until 15 misses in a row" in result.output


def test_a_fetch_killed_at_random_points_resumes_without_fetching_twice_or_leaving_parts(ods, tmp_path):
    """Ten kills at random moments of a slow fetch; each run resumes; in the end every document is
    there once, no file was downloaded twice and no partial file is left."""
    import random

    for n in range(1, 21):
        ods.documents[(f"CAC/COSP/2020/{n}", "en")] = pdf_bytes(f"CAC/COSP/2020/{n}", "en", pad=200_000)
    out = tmp_path / "docs"
    cmd = [sys.executable, "-m", "pipelines.cli", "fetch", "--series", "conference", "--years", "2020", "--misses", "2",
           "--out", str(out), "--base-url", ods.url, "--rate", "40"]
    rng = random.Random(7)
    root = Path(__file__).resolve().parents[1]
    for _ in range(10):
        proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.6, 1.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    done = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = _manifest(out)
    symbols = [r["symbol"] for r in rows if r["symbol"].startswith("CAC/COSP/2020/")]
    assert sorted(symbols) == sorted(f"CAC/COSP/2020/{n}" for n in range(1, 21))
    files = [ln for _, ln in ods.log if ln.startswith("/doc/")]
    assert len(files) - len(set(files)) <= 10  # only a download a kill cut short is asked again
    assert not list(out.glob(".fetch-*")) and not list(out.glob(".*.tmp-*"))
    assert all((out / r["file"]).exists() for r in rows)


def test_sync_fetches_what_is_new_builds_and_says_what_came_in(tmp_path, seed_pdfs):
    """A week later ODS has one more document: the second sync fetches it alone, updates the
    database and names it, its mandates and the resolutions it cites."""
    pdfs = [path.read_bytes() for path, _ in seed_pdfs.values()]
    fake = FakeOds({("CAC/COSP/2019/1", "en"): pdfs[2], ("CAC/COSP/2019/2", "en"): pdfs[3]}).start()
    db, out = tmp_path / "cosp.db", tmp_path / "docs"
    args = ["sync", "--series", "conference", "--years", "2019", "--misses", "2", "--out", str(out), "--db", str(db),
            "--base-url", fake.url, "--rate", "50"]
    try:
        first = CliRunner().invoke(cli, args)
        assert first.exit_code == 0, first.output
        assert "2 new document(s)" in first.output and "new mandate(s)" in first.output
        fake.documents[("CAC/COSP/2019/3", "en")] = pdfs[4]
        second = CliRunner().invoke(cli, args)
        assert second.exit_code == 0, second.output
        assert "1 new document(s), 0 changed, 0 removed" in second.output
        assert "fetched 1 document(s)" in second.output
        import sqlite3

        history = sqlite3.connect(db).execute("select count(*) from build_history").fetchone()[0]
        assert history == 2
    finally:
        fake.stop()


def test_a_killed_fetchs_manifest_and_state_temps_are_removed_and_a_running_ones_kept(ods, tmp_path):
    """SIGKILL runs no ``finally``: a fetch killed between writing its manifest to a temp name and
    renaming it leaves that temp; the next fetch removes it, but not a live process's."""
    out = tmp_path / "docs"
    out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    gone = int(dead.stdout)
    left = [out / f".{MANIFEST}.tmp-{gone}", out / f".{STATE}.tmp-{gone}", out / f".cosp-write-test-{gone}"]
    live = out / f".{MANIFEST}.tmp-{os.getppid()}"  # alive (the fetch below runs in this process, under its own pid)
    for f in left + [live]:
        f.write_text("partial", encoding="utf-8")
    ods.documents[("CAC/COSP/2019/5", "en")] = pdf_bytes("CAC/COSP/2019/5", "en")
    assert _fetch(ods, tmp_path, "CAC/COSP/2019/5").exit_code == 0
    assert not any(f.exists() for f in left) and live.exists()
