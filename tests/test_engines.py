"""The parse stage on a Dask cluster: the same database as local workers, bad files recorded."""
from __future__ import annotations

import shutil

import pytest

from pipelines.corpus.ingest import BUNDLED
from pipelines.database.build import build
from tests.test_incremental import content

distributed = pytest.importorskip("distributed", reason="the Dask engine's tests need `distributed` (the test extra)")


@pytest.fixture(scope="module")
def cluster():
    """A local cluster started by the test: two worker processes, one thread each, no dashboard."""
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                       silence_logs=50)
    yield cluster
    cluster.close()


def test_a_dask_build_is_the_local_build(cluster, tmp_path):
    from pipelines.corpus.engines import DaskEngine

    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED, corpus)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    engine = DaskEngine(cluster.scheduler_address)
    try:
        result = build([corpus], tmp_path / "dask.db", engine=engine)
    finally:
        engine.close()
    assert len(result.corpus.documents) == 5
    assert [e.file for e in result.corpus.errors if e.severity == "error"] == [str(corpus / "broken.pdf")]
    build([corpus], tmp_path / "local.db", jobs=2)
    assert content(tmp_path / "dask.db") == content(tmp_path / "local.db")


def test_a_document_past_its_time_limit_is_stopped_on_the_worker_and_the_build_goes_on(cluster, tmp_path):
    """The bound holds on the Dask worker itself: the runaway parse is killed there (a child
    process of the worker), so the worker goes on to the next file."""
    from pipelines.corpus import engines

    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED, corpus)
    text = (BUNDLED / "002_95027576749d3358.txt").read_text(encoding="utf-8")
    (corpus / "huge.txt").write_text(text * (6 * 2**20 // len(text)), encoding="utf-8")  # about 6 s to parse
    engine = engines.DaskEngine(cluster.scheduler_address, timeout=1.0)
    try:
        result = build([corpus], tmp_path / "dask.db", engine=engine, cache_dir=None)
    finally:
        engine.close()
    assert len(result.corpus.documents) == 5
    [stopped] = [e for e in result.corpus.errors if e.severity == "error"]
    assert stopped.file.endswith("huge.txt") and "still parsing after 1 s" in stopped.message
    assert "COSP_DOC_TIMEOUT" in stopped.hint


def test_a_scheduler_that_does_not_answer_is_one_line_with_what_to_do():
    from pipelines.corpus.engines import DaskEngine, EngineError

    with pytest.raises(EngineError) as info:
        DaskEngine("tcp://127.0.0.1:9", connect_timeout=1)
    assert "no Dask scheduler answers at tcp://127.0.0.1:9" in info.value.message
    assert "dask scheduler" in info.value.hint
