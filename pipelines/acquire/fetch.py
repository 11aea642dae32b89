"""``cosp fetch``: documents from ODS into a folder ``cosp build`` reads, resumable and polite.

What is asked: explicit symbols, and series templates walked year by year (``series.yaml``):
numbers from 1 until ``misses`` in a row are not on ODS (the run resets on every hit), each hit
followed by its addenda, revisions and corrigenda.  What is already in the folder's manifest is
never asked again, nor what ODS was found not to have (``--refresh`` asks those again, and walks
past the end of each series for new numbers; ``--recheck`` downloads the files again and keeps a
reissued one beside the first, flagged).  Files are downloaded to a temporary name, recorded in
the manifest, then renamed: a killed fetch leaves no partial file and resumes where it stopped.
"""
from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Optional

import yaml

from pipelines.acquire.ods import Answer, OdsClient
from pipelines.acquire.store import Manifest, Row, State, Walk, file_name, now, remove_stale_temps, sha256_of

SERIES = Path(__file__).with_name("series.yaml")
DOWN_AFTER = 3  # requests in a row that failed after all their retries: ODS is down, stop


class FetchError(Exception):
    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


@lru_cache(maxsize=1)
def series_data() -> dict:
    with open(SERIES, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def templates(name: str) -> list[str]:
    found = series_data()["series"].get(name)
    if found is None:
        raise FetchError(f"no series named {name!r}", f"choose one of {', '.join(series_data()['series'])}")
    return found


@dataclass
class Plan:
    out: Path
    symbols: list[str] = field(default_factory=list)
    series: list[str] = field(default_factory=list)  # templates
    years: Iterable[int] = ()
    langs: tuple[str, ...] = ("en",)
    fmt: str = "pdf"
    misses: int = 15
    refresh: bool = False
    recheck: bool = False


@dataclass
class Report:
    fetched: list[Row] = field(default_factory=list)
    reissued: list[Row] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # asked, not on ODS
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (symbol, lang, message)
    kept: int = 0  # already in the folder: not asked
    requests: int = 0
    stopped: Optional[str] = None  # why the run ended early


class Fetcher:
    def __init__(self, plan: Plan, client: OdsClient, progress: Optional[Callable[[str], None]] = None):
        self.plan, self.client, self.progress = plan, client, progress
        self.report = Report()
        self.down = 0
        plan.out.mkdir(parents=True, exist_ok=True)
        self._check_writable()
        for stale in plan.out.glob(".fetch-*.part"):  # a killed fetch's download
            stale.unlink(missing_ok=True)
        remove_stale_temps(plan.out)  # and its manifest or state caught between write and rename
        self.manifest = Manifest(plan.out)
        self.state = State.load(plan.out)

    def _check_writable(self) -> None:
        probe = self.plan.out / f".cosp-write-test-{os.getpid()}"
        try:
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise FetchError(f"cannot write in {self.plan.out}: {exc.strerror}",
                             "choose another --out folder or fix its permissions") from None

    def run(self) -> Report:
        try:
            for symbol in self.plan.symbols:
                for lang in self.plan.langs:
                    if self._found(symbol, lang):
                        self._suffixes(symbol, lang)
            for template in self.plan.series:
                for year in self.plan.years:
                    for lang in self.plan.langs:
                        self._walk(template, year, lang)
        except _Stop as stop:
            self.report.stopped = str(stop)
        finally:
            self.state.save(self.plan.out)
        return self.report

    def _have(self, symbol: str, lang: str) -> Optional[Row]:
        row = self.manifest.has(symbol, lang)
        return row if row is not None and (self.plan.out / row.file).exists() else None

    def _found(self, symbol: str, lang: str) -> bool:
        """Whether ODS has the document (asking only when the folder does not know)."""
        key = f"{symbol}|{lang}"
        have = self._have(symbol, lang)
        if have is not None and not self.plan.recheck:
            self.report.kept += 1
            return True
        if have is None and key in self.state.missing and not self.plan.refresh:
            return False
        answer = self._ask(symbol, lang)
        if answer.status == "fetched":
            self.state.missing.pop(key, None)
            self._keep(answer, have)
            return True
        if answer.status == "missing":
            self.state.missing[key] = now()
            self.report.missing.append((symbol, lang))
            return have is not None
        return have is not None

    def _ask(self, symbol: str, lang: str) -> Answer:
        if self.progress:
            self.progress(f"{symbol} ({lang})")
        try:
            answer = self.client.get(symbol, lang, self.plan.out, self.plan.fmt)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise _Stop(f"the disk holding {self.plan.out} is full: free some space and run again "
                            "(nothing fetched is lost)") from None
            raise
        self.report.requests += answer.requests
        if answer.status == "error":
            self.report.errors.append((symbol, lang, answer.message))
            self.down += 1
            if self.down >= DOWN_AFTER:
                raise _Stop(f"ODS did not answer {DOWN_AFTER} requests in a row: stopped; run again later "
                            "(nothing fetched is lost)")
        else:
            self.down = 0
        return answer

    def _keep(self, answer: Answer, before: Optional[Row]) -> None:
        """Record the downloaded file and move it into place (the manifest first: a kill between
        the two leaves a row whose file is missing, which the next run fetches again)."""
        digest = sha256_of(answer.path)
        if before is not None and before.sha256 == digest:
            answer.path.unlink()
            return
        version = 1 + sum(1 for r in self.manifest.rows if r.symbol == answer.symbol and r.language == answer.lang)
        name = file_name(answer.symbol, answer.lang, self.plan.fmt, version)
        note = f"reissued: differs from {before.file} fetched {before.fetched_at}" if before is not None else ""
        row = Row(name, answer.symbol, answer.lang, answer.url or "", digest, answer.size, now(), note)
        try:
            self.manifest.add(row)
            os.replace(answer.path, self.plan.out / name)
        except OSError as exc:
            answer.path.unlink(missing_ok=True)
            if exc.errno == errno.ENOSPC:
                raise _Stop(f"the disk holding {self.plan.out} is full: free some space and run again") from None
            raise
        (self.report.reissued if before is not None else self.report.fetched).append(row)

    def _suffixes(self, symbol: str, lang: str) -> None:
        """Addenda, revisions and corrigenda of a document found: 1, 2, ... until the first miss."""
        for suffix in series_data()["suffixes"]:
            k = 1
            while self._found(symbol + suffix.format(k=k), lang):
                k += 1

    def _walk(self, template: str, year: int, lang: str) -> None:
        key = f"{template}|{year}|{lang}"
        walk = self.state.walks.setdefault(key, Walk())
        if walk.done and not self.plan.refresh:
            return
        if walk.done:  # look past the end again: new numbers are issued
            walk.done, walk.next, walk.misses = False, walk.highest + 1, 0
        while walk.misses < self.plan.misses:
            symbol = template.format(year=year, n=walk.next)
            errors = len(self.report.errors)
            if self._found(symbol, lang):
                walk.highest, walk.misses = max(walk.highest, walk.next), 0
                self._suffixes(symbol, lang)
            elif len(self.report.errors) > errors:
                return  # not answered: this number is asked again next time
            else:
                walk.misses += 1
            walk.next += 1
            self.state.save(self.plan.out)
        walk.done = True


class _Stop(Exception):
    """The run cannot go on (ODS down, the disk full): what was fetched stays."""


def dry_run(plan: Plan) -> list[str]:
    """What a fetch would ask, without asking (a series' length is known only by walking it)."""
    state = State.load(plan.out) if plan.out.exists() else State()
    manifest = Manifest(plan.out) if plan.out.exists() else None
    lines = []
    for symbol in plan.symbols:
        for lang in plan.langs:
            have = manifest.has(symbol, lang) if manifest else None
            lines.append(f"{symbol} ({lang}): " + ("in the folder, not asked" if have and not plan.recheck else "ask")
                         + ", then its addenda, revisions and corrigenda")
    for template in plan.series:
        for year in plan.years:
            for lang in plan.langs:
                walk = state.walks.get(f"{template}|{year}|{lang}", Walk())
                if walk.done and not plan.refresh:
                    lines.append(f"{template.format(year=year, n='{n}')} ({lang}): done (up to {walk.highest}), not asked")
                else:
                    start = walk.highest + 1 if walk.done else walk.next
                    lines.append(f"{template.format(year=year, n='{n}')} ({lang}): from n = {start} until "
                                 f"{plan.misses} misses in a row")
    return lines
