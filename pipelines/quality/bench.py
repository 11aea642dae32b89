"""``cosp bench``: throughput and peak memory of the pipeline next to baselines, in one run.

Each measurement runs in a fresh child process, so its peak memory (``ru_maxrss``) is
its own and no import or cache of one measurement flatters the next; the best of
``repeat`` runs is kept.  Baselines are measured on the same files in the same run:
raw ``pdfplumber`` ``extract_text`` and raw ``pypdfium2`` for PDFs, plain decoding and
spaCy's blank tokenizer for text.  The output ends with one line per ratio.
"""
from __future__ import annotations

import multiprocessing as mp
import resource
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable



# -- measured tasks (module-level so a spawned child can import them) ---------------
def _warm_pipeline():
    """Import the pipeline, load spaCy and build the extractors' matchers and gazetteers (on a
    two-line document that is not in any corpus): one-time start-up costs, reported on their
    own line, so the throughput lines measure documents, not set-up."""
    from pipelines.corpus.parse import parse_bytes
    from pipelines.corpus.warm import warm

    warm()
    return parse_bytes


def _task_startup(_):
    start = time.perf_counter()
    _warm_pipeline()
    return time.perf_counter() - start


def _task_pipeline(files, pdf_reader: str = "pdfium"):
    """The whole pipeline (read, structure, metadata, extractors) on text or PDF files."""
    parse_bytes = _warm_pipeline()
    start = time.perf_counter()
    for f in files:
        parse_bytes(Path(f).read_bytes(), f, pdf_reader)
    return time.perf_counter() - start


def _task_pipeline_plumber(files):
    return _task_pipeline(files, "pdfplumber")


def _task_text_decode(files):
    """Decoding alone (bytes to NFC text), the module imported before the clock starts."""
    from extract.readers.text import decode

    data = [(Path(f).read_bytes(), f) for f in files]
    start = time.perf_counter()
    for raw, f in data:
        decode(raw, f)
    return time.perf_counter() - start


def _task_spacy_tokenizer(files):
    import spacy

    nlp = spacy.blank("en")
    start = time.perf_counter()
    for f in files:
        nlp.tokenizer(Path(f).read_text(encoding="utf-8", errors="replace"))
    return time.perf_counter() - start


def _task_references(files):
    """Reference extraction alone: documents are parsed first, only the extractor is timed."""
    from extract.nlp import get_nlp
    from extract.references import extract_references
    from pipelines.corpus.parse import parse_bytes

    docs = [parse_bytes(Path(f).read_bytes(), f) for f in files]
    get_nlp()
    start = time.perf_counter()
    for doc in docs:
        extract_references(doc)
    return time.perf_counter() - start


def _task_spacy_tokenizer_warm(files):
    """spaCy's blank tokenizer on the same unit texts, model load excluded, as the reference baseline."""
    import spacy

    from pipelines.corpus.parse import parse_bytes

    texts = [u.text for f in files for u in parse_bytes(Path(f).read_bytes(), f).units()]
    nlp = spacy.blank("en")
    start = time.perf_counter()
    for _ in nlp.tokenizer.pipe(texts):
        pass
    return time.perf_counter() - start


def _task_pdfplumber(files):
    import pdfplumber

    start = time.perf_counter()
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
    return time.perf_counter() - start


def _task_pypdfium2(files, boxes: bool = False):
    """Raw pypdfium2: each page's text, or (``boxes``) every character's box too, the most a
    layout reader can ask of PDFium."""
    import pypdfium2

    start = time.perf_counter()
    for f in files:
        pdf = pypdfium2.PdfDocument(f)
        for page in pdf:
            text = page.get_textpage()
            if boxes:
                for i in range(text.count_chars()):
                    text.get_charbox(i)
            else:
                text.get_text_range()
            text.close()
            page.close()
        pdf.close()
    return time.perf_counter() - start


def _task_pypdfium2_chars(files):
    return _task_pypdfium2(files, boxes=True)


def _task_lineage(n_docs: int):
    """Lineage over a synthetic corpus: the seeds' mandates in ``n_docs / 5`` copies, each copy in
    other documents and years, one word of each action dropped at random (varied wording)."""
    import random

    from extract.lineage import Sighting, build_lineage
    from pipelines.corpus.ingest import BUNDLED, ingest
    from pipelines.corpus.entries import sightings_of

    base = [s for d in ingest([BUNDLED]).documents for _, s in sightings_of(d)]
    rng = random.Random(1)
    sightings = []
    for i in range(n_docs // 5):
        for s in base:
            words = s.action.split()
            if len(words) > 4:
                del words[rng.randrange(len(words))]
            sightings.append(Sighting(f"d{i}_{s.key}", f"d{i}_{s.document}", f"20{10 + i % 15:02d}-01-01", s.at,
                                      s.body, s.resolution, s.verb, " ".join(words), s.addressee, None))
    start = time.perf_counter()
    build_lineage(sightings)
    return time.perf_counter() - start


def _task_blocking_check(paths):
    """Every pair of distinct mandate actions in the given corpora that the fuzzy score accepts
    (THREAD or more), and how many share fewer words than the lineage blocks assume."""
    import itertools

    from rapidfuzz import fuzz

    from extract.blocking import overlap, words
    from extract.lineage import THREAD, THREAD_OVERLAP, _norm
    from pipelines.corpus.ingest import ingest

    texts = sorted({_norm(m.action) for d in ingest(paths, jobs=2).documents for m in d.mandates} - {""})
    accepted = below = 0
    for a, b in itertools.combinations(texts, 2):
        if fuzz.token_set_ratio(a, b) >= THREAD:
            accepted += 1
            below += overlap(words(a), words(b)) < THREAD_OVERLAP
    return accepted, below, len(texts)


def _peak_mb() -> float:
    """This process's peak resident memory. ``VmHWM`` is reset by exec; ``ru_maxrss`` is not on Linux."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _child(task: Callable, arg, queue) -> None:
    start = time.perf_counter()
    own = task(arg)  # a task may time only its own part and return that
    seconds = own if isinstance(own, float) else time.perf_counter() - start
    queue.put((seconds, _peak_mb()))


def measure(task: Callable, arg, repeat: int = 1) -> tuple[float, float]:
    """Best wall time (s) and peak resident memory (MB) of ``task(arg)`` in a fresh process."""
    ctx = mp.get_context("spawn")
    best = (float("inf"), 0.0)
    for _ in range(max(1, repeat)):
        queue = ctx.Queue()
        proc = ctx.Process(target=_child, args=(task, arg, queue))
        proc.start()
        result = queue.get()
        proc.join()
        best = min(best, result)
    return best


def _pdf_pages(files: list[str]) -> int:
    import pypdfium2

    total = 0
    for f in files:
        pdf = pypdfium2.PdfDocument(f)
        total += len(pdf)
        pdf.close()
    return total


REAL_PDFS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "real-pdfs"


def long_pdf_of(path: Path, pages: int) -> Path | None:
    """A real PDF's pages repeated to ``pages`` (pypdfium2), or None when ../shared is absent."""
    import pypdfium2 as pdfium

    sources = sorted(REAL_PDFS.glob("*.pdf"))
    if not sources:
        return None
    src = pdfium.PdfDocument(str(max(sources, key=lambda p: len(pdfium.PdfDocument(str(p))))))
    out = pdfium.PdfDocument.new()
    while len(out) < pages:
        out.import_pages(src, list(range(min(len(src), pages - len(out)))))
    out.save(str(path))
    return path


def make_seed_pdfs(folder: Path) -> list[str]:
    """The bundled corpus rendered as UN-layout PDFs by the tests' generator (a source checkout only:
    the generator is test tooling, not part of the installed package)."""
    import sys

    from pipelines.corpus.ingest import BUNDLED, ingest

    root = str(Path(__file__).resolve().parents[2])
    if (Path(root) / "tests" / "pdf_fixture.py").exists() and root not in sys.path:
        sys.path.insert(0, root)
    from tests.pdf_fixture import render_pdf

    out = []
    for doc in ingest([BUNDLED]).documents:
        path = folder / doc.file.replace(".txt", ".pdf")
        path.write_bytes(render_pdf(doc))
        out.append(str(path))
    return out


def _rate(label: str, amount: float, unit: str, seconds: float, peak: float | None = None) -> str:
    line = f"{label + ':':34}{amount / seconds:8.2f} {unit}  {seconds:7.3f} s"
    return line + (f"  peak {peak:6.0f} MB" if peak is not None else "")


def run_bench(paths: Iterable[Path], repeat: int = 3, echo: Callable[[str], None] = print) -> list[str]:
    from pipelines.corpus.ingest import collect

    from pipelines.corpus.ingest import BUNDLED

    files = [str(p) for p in collect(paths or [BUNDLED])]
    texts = [f for f in files if not f.lower().endswith(".pdf")]
    pdfs = [f for f in files if f.lower().endswith(".pdf")]
    lines: list[str] = []
    ratios: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        generated: list[str] = []
        if not paths:
            pdfs = [str(p) for p in sorted(REAL_PDFS.glob("*.pdf"))]
            if not pdfs:
                echo(f"{REAL_PDFS} is absent: the PDF figures use generated PDFs only")
            try:
                generated = make_seed_pdfs(tmp)
            except ImportError:
                echo("the PDF generator needs a source checkout and reportlab: generated-PDF figures skipped")
        t_start, m_start = measure(_task_startup, None, repeat)
        lines.append(f"pipeline start-up:    {t_start:7.3f} s  peak {m_start:6.0f} MB  (imports, spaCy blank English, matchers)")
        if texts:
            size = sum(Path(f).stat().st_size for f in texts)
            echo(f"text: {len(texts)} files, {size / 1e6:.2f} MB")
            t_pipe, m_pipe = measure(_task_pipeline, texts, repeat)
            t_dec, m_dec = measure(_task_text_decode, texts, repeat)
            t_tok, m_tok = measure(_task_spacy_tokenizer, texts, repeat)
            t_ref, _ = measure(_task_references, texts, repeat)
            t_tokw, _ = measure(_task_spacy_tokenizer_warm, texts, repeat)
            mb = size / 1e6
            lines += [_rate("text pipeline", mb, "MB/s", t_pipe, m_pipe), _rate("raw decode", mb, "MB/s", t_dec, m_dec),
                      _rate("spaCy blank tokenizer", mb, "MB/s", t_tok, m_tok),
                      _rate("reference extraction", mb, "MB/s", t_ref), _rate("spaCy tokenizer, warm", mb, "MB/s", t_tokw)]
            ratios.append(f"text pipeline / spaCy blank tokenizer: {t_pipe / t_tok:.2f}x")
            ratios.append(f"text pipeline / raw decode: {t_pipe / t_dec:.2f}x")
            ratios.append(f"reference extraction / spaCy blank tokenizer (warm): {t_ref / t_tokw:.2f}x")
            for n in (250, 1000, 2000):
                t_lin, m_lin = measure(_task_lineage, n, 1)
                lines.append(f"lineage, {n} documents: {t_lin:.1f} s  peak {m_lin:.0f} MB  (synthetic, from the seeds)")
            checked = [p for p in (BUNDLED, REAL_PDFS.parent / "real-excerpts", REAL_PDFS) if p.exists()]
            accepted, below, n_texts = _task_blocking_check(checked)
            lines.append(f"lineage blocking: {accepted} pairs of {n_texts} real actions score >= THREAD, "
                         f"{below} share fewer words than the blocks assume")
            if not paths:
                from pipelines.quality.bench_build import build_lines

                more, more_ratios = build_lines(echo, repeat=repeat)
                lines += more
                ratios += more_ratios
        if pdfs:
            pages = _pdf_pages(pdfs)
            echo(f"pdf: {len(pdfs)} files, {pages} pages (one process: figures are per core)")
            t_pipe, m_pipe = measure(_task_pipeline, pdfs, repeat)
            t_pipe_pl, m_pipe_pl = measure(_task_pipeline_plumber, pdfs, 1)
            t_plumb, m_plumb = measure(_task_pdfplumber, pdfs, repeat)
            t_ium, m_ium = measure(_task_pypdfium2, pdfs, repeat)
            t_chars, m_chars = measure(_task_pypdfium2_chars, pdfs, 1)
            largest = max(pdfs, key=lambda f: Path(f).stat().st_size)
            _, m_largest = measure(_task_pipeline, [largest], 1)
            lines += [_rate("pdf pipeline", pages, "pages/s", t_pipe, m_pipe),
                      _rate("pdf pipeline, pdfplumber reader", pages, "pages/s", t_pipe_pl, m_pipe_pl),
                      _rate("raw pdfplumber text", pages, "pages/s", t_plumb, m_plumb),
                      _rate("raw pypdfium2 text", pages, "pages/s", t_ium, m_ium),
                      _rate("raw pypdfium2, every character box", pages, "pages/s", t_chars, m_chars),
                      f"pdf peak memory, largest PDF ({Path(largest).name}, {_pdf_pages([largest])} pages): "
                      f"{m_largest:.0f} MB"]
            ratios += [f"pdf pipeline / raw pypdfium2 text: {t_pipe / t_ium:.2f}x",
                       f"pdf pipeline / raw pypdfium2 with every character box: {t_pipe / t_chars:.2f}x",
                       f"pdf pipeline / raw pdfplumber text: {t_pipe / t_plumb:.2f}x",
                       f"pdf pipeline, pdfplumber reader / pypdfium2 reader: {t_pipe_pl / t_pipe:.2f}x"]
        if pdfs and not paths:
            long_pdf = long_pdf_of(tmp / "pages_200.pdf", 200)
            if long_pdf:
                t_long, m_long = measure(_task_pipeline, [str(long_pdf)], 1)
                lines.append(_rate("pdf pipeline, one 200-page PDF", 200, "pages/s", t_long, m_long)
                             + "  (a real PDF's pages repeated)")
        if generated:
            pages = _pdf_pages(generated)
            t_gen, m_gen = measure(_task_pipeline, generated, repeat)
            lines.append(_rate("pdf pipeline, generated", pages, "pages/s", t_gen, m_gen) + "  (the seeds as PDFs)")
    return lines + [""] + ratios
