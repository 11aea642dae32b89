"""A client for the UN's Official Document System, built for how ODS behaves.

``GET {base}/api/symbol/access?s=SYMBOL&l=LANG&t=pdf`` answers a 302 to the file; a symbol that
does not exist answers 200 with a small HTML page, so absence is judged from the body (a PDF
starts with ``%PDF``, a Word file with ``PK``), never from the status.  429 and 5xx happen:
they are retried with exponential backoff and jitter (tenacity), a ``Retry-After`` honoured.
The client is polite and bounded: one request per ``1/rate`` seconds across the run (every HTTP
request, redirects included), a User-Agent naming the tool, a timeout per request, a size limit
per file (streamed to a temporary file, never held whole), keep-alive connections (httpx).
"""
from __future__ import annotations

import os
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import urlencode, urljoin

import httpx
import tenacity

DEFAULT_BASE = "https://documents.un.org"
LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
FORMATS = {"pdf": b"%PDF", "docx": b"PK"}
MAX_REDIRECTS = 5


class Retryable(Exception):
    """A failure worth another try (429, 5xx, a timeout, a dropped or cut connection)."""

    def __init__(self, message: str, retry_after: Optional[float] = None):
        super().__init__(message)
        self.retry_after = retry_after


class TooLarge(Exception):
    pass


@dataclass
class Answer:
    """What ODS gave for one symbol and language."""

    symbol: str
    lang: str
    status: str  # fetched | missing | error
    path: Optional[Path] = None  # the downloaded file (a temporary name in the target folder)
    url: Optional[str] = None  # where the file was served from
    size: int = 0
    message: str = ""
    requests: int = 0


class Pace:
    """At most ``rate`` requests per second, whatever the retries; a ``Retry-After`` pushes the
    next request back for everyone.  Thread-safe (one client may serve several threads)."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.clock, self.sleep = clock, sleep
        self.next = 0.0
        self.lock = threading.Lock()

    def wait(self) -> None:
        with self.lock:
            now = self.clock()
            if now < self.next:
                self.sleep(self.next - now)
                now = self.next
            self.next = now + self.interval

    def hold(self, seconds: float) -> None:
        with self.lock:
            self.next = max(self.next, self.clock() + seconds)


def user_agent() -> str:
    try:
        version = metadata.version("cosp-tracker")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"cosp-tracker/{version} (document fetcher for CAC/COSP research; +https://pypi.org/project/cosp-tracker/)"


def _retry_after(response: httpx.Response) -> Optional[float]:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


class OdsClient:
    def __init__(self, base_url: str = DEFAULT_BASE, rate: float = 1.0, timeout: float = 30.0,
                 max_bytes: int = 200 << 20, attempts: int = 5, max_wait: float = 60.0,
                 pace: Optional[Pace] = None, transport: Optional[httpx.BaseTransport] = None):
        self.base = base_url.rstrip("/") + "/"
        self.max_bytes, self.attempts, self.max_wait = max_bytes, attempts, max_wait
        self.pace = pace or Pace(rate)
        self.http = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
                                 headers={"User-Agent": user_agent()}, follow_redirects=False,
                                 transport=transport, http2=False)
        self.requests = 0

    def close(self) -> None:
        self.http.close()

    def access_url(self, symbol: str, lang: str, fmt: str) -> str:
        return urljoin(self.base, "api/symbol/access") + "?" + urlencode({"s": symbol, "l": lang, "t": fmt})

    def get(self, symbol: str, lang: str, folder: Path, fmt: str = "pdf") -> Answer:
        """Ask ODS for one document; the file, if there is one, is streamed to a temporary name in
        ``folder`` (the caller renames it into place once recorded)."""
        before = self.requests

        def wait(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            after = getattr(exc, "retry_after", None)
            if after is not None:
                self.pace.hold(min(after, self.max_wait))
                return 0.0  # the pace holds every request back until then
            return tenacity.wait_random_exponential(multiplier=1, max=self.max_wait)(state)

        retrying = tenacity.Retrying(retry=tenacity.retry_if_exception_type(Retryable), wait=wait,
                                     stop=tenacity.stop_after_attempt(self.attempts), reraise=True)
        try:
            answer = retrying(self._once, symbol, lang, folder, fmt)
        except Retryable as exc:
            answer = Answer(symbol, lang, "error", message=f"ODS did not answer after {self.attempts} tries: {exc}")
        except TooLarge as exc:
            answer = Answer(symbol, lang, "error", message=str(exc))
        answer.requests = self.requests - before
        return answer

    def _request(self, url: str) -> httpx.Response:
        self.pace.wait()
        self.requests += 1
        try:
            response = self.http.send(self.http.build_request("GET", url), stream=True)
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise Retryable(f"{type(exc).__name__} on {url}") from None
        if response.status_code == 429 or response.status_code >= 500:
            response.close()
            raise Retryable(f"HTTP {response.status_code} on {url}", _retry_after(response))
        return response

    def _once(self, symbol: str, lang: str, folder: Path, fmt: str) -> Answer:
        url = self.access_url(symbol, lang, fmt)
        for _ in range(MAX_REDIRECTS + 1):
            response = self._request(url)
            if response.is_redirect:
                response.close()
                url = urljoin(url, response.headers.get("location", ""))
                continue
            return self._body(symbol, lang, folder, fmt, url, response)
        return Answer(symbol, lang, "error", message=f"more than {MAX_REDIRECTS} redirects from ODS")

    def _body(self, symbol: str, lang: str, folder: Path, fmt: str, url: str, response: httpx.Response) -> Answer:
        """Stream the answer: a file of the format asked (by its first bytes) is kept, anything
        else (ODS's "not found" page, HTML where a PDF was promised) is a miss."""
        try:
            if response.status_code != 200:
                return Answer(symbol, lang, "missing", url=url, message=f"HTTP {response.status_code}")
            declared = int(response.headers.get("content-length") or 0)
            if declared > self.max_bytes:
                raise TooLarge(f"{symbol} ({lang}) is {declared / 2**20:.0f} MB, over the {self.max_bytes >> 20} MB "
                               "limit per file: raise --max-mb to fetch it")
            fd, name = tempfile.mkstemp(prefix=".fetch-", suffix=".part", dir=folder)
            size, head = 0, b""
            try:
                with os.fdopen(fd, "wb") as out:
                    for chunk in response.iter_bytes(1 << 16):
                        if len(head) < 8:
                            head = (head + chunk)[:8]
                            if len(head) >= 4 and not head.startswith(FORMATS[fmt]):
                                break  # an HTML page: not this document in this format
                        size += len(chunk)
                        if size > self.max_bytes:
                            raise TooLarge(f"{symbol} ({lang}) is over the {self.max_bytes >> 20} MB limit per file: "
                                           "raise --max-mb to fetch it")
                        out.write(chunk)
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                os.unlink(name)
                raise Retryable(f"{type(exc).__name__} while reading {url} (a body cut short)") from None
            except BaseException:
                os.unlink(name)
                raise
            if not head.startswith(FORMATS[fmt]):
                os.unlink(name)
                return Answer(symbol, lang, "missing", url=url, message="ODS has no such document (it answered a page, "
                              "not a file)")
            if declared and size != declared:
                os.unlink(name)
                raise Retryable(f"{url} sent {size} of {declared} bytes")
            return Answer(symbol, lang, "fetched", path=Path(name), url=url, size=size)
        finally:
            response.close()
