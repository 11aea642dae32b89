"""The `cosp` command speaks the keys of the gold files."""
from __future__ import annotations

import json

from click.testing import CliRunner

from pipelines.cli import cli
from pipelines.corpus.ingest import BUNDLED
from tests.conftest import GOLD, SEED_FILES, load_gold


def test_parse_json_prints_one_object_per_file_with_the_gold_keys():
    files = [str(BUNDLED / f) for f in SEED_FILES]
    result = CliRunner().invoke(cli, ["parse", "--json", *files])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["file"] for r in rows] == SEED_FILES
    for row in rows:
        gold = load_gold(row["file"])
        assert set(gold) - {"notes"} <= set(row)
        assert set(gold["document"]) <= set(row["document"])
        assert row["document"]["symbol_source"] in ("printed", "manifest", "inferred", None)
        for p in row["paragraphs"]:
            assert {"at", "text", "start", "end"} <= set(p)
        assert all({"at", "text"} <= set(f) for f in row["footnotes"])


def test_parse_without_json_prints_a_summary():
    result = CliRunner().invoke(cli, ["parse", str(BUNDLED / SEED_FILES[2])])
    assert "105 paragraphs" in result.output and "Open-ended Intergovernmental Working Group" in result.output


def test_eval_prints_a_table_ending_with_overall_f1():
    result = CliRunner().invoke(cli, ["eval", "--gold", str(GOLD), "--corpus", str(BUNDLED)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].split()[:4] == ["field", "P", "R", "F1"]
    assert lines[-1].startswith("overall F1: ")
    rows = {line.split()[0]: line.split() for line in lines if line.startswith(("meta.", "paragraph_count"))}
    assert rows["meta.title"][4] == "1.000"  # exact-match column
    assert rows["paragraph_count"][3] == "1.000"


def test_manifest_symbols_are_marked_as_such(tmp_path):
    src = BUNDLED / "003_0699b6471873cb14.txt"
    (tmp_path / src.name).write_bytes(src.read_bytes())
    (tmp_path / "manifest.tsv").write_text(f"file\tsymbol\n{src.name}\tCAC/COSP/EG.1/2020/2\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["parse", "--json", str(tmp_path / src.name)])
    doc = json.loads(result.output)["document"]
    assert (doc["symbol"], doc["symbol_source"]) == ("CAC/COSP/EG.1/2020/2", "manifest")


def test_missing_database_error_says_what_to_do(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code != 0 and "cosp build" in result.output
