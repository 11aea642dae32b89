"""A local stand-in for the Official Document System, as ODS behaves (for the tests and
``cosp bench``): the access URL answers a 302 to a file path, the file is served; a symbol it
does not hold answers 200 with a small HTML page.  Faults are set per symbol: 429 with
Retry-After, 500, a response that hangs, a body cut short, a file over a size limit, HTML where
a file was promised.  Every request is logged (time, path) so rates and counts can be checked."""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field

NOT_FOUND_PAGE = ("<!DOCTYPE html><html><head><title>Official Document System</title></head><body>"
                  + "<p>The document you requested is not available.</p>" * 20 + "</body></html>").encode()


def pdf_bytes(symbol: str, lang: str, pad: int = 2000) -> bytes:
    """A small valid-looking PDF (it is never parsed by the fetch)."""
    body = f"%PDF-1.4\n% {symbol} {lang}\n".encode() + b"0" * pad + b"\n%%EOF\n"
    return body


@dataclass
class Fault:
    kind: str  # 429 | 500 | hang | cut | huge | html
    times: int = 1  # how many requests it affects
    retry_after: int = 1


@dataclass
class FakeOds:
    documents: dict = field(default_factory=dict)  # (symbol, lang) -> bytes
    faults: dict = field(default_factory=dict)  # symbol -> Fault
    log: list = field(default_factory=list)  # (monotonic time, path)
    hang_seconds: float = 5.0

    def __post_init__(self):
        self.lock = threading.Lock()
        self.server = None
        self.paths: dict = {}  # file name -> (symbol, lang), as ODS's stable paths

    def start(self):
        from pytest_httpserver import HTTPServer

        self.server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
        self.server.expect_request("/api/symbol/access").respond_with_handler(self._access)
        self.server.expect_request(__import__("re").compile(r"^/doc/.*")).respond_with_handler(self._file)
        self.server.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.clear()
            if self.server.is_running():
                self.server.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def _fault(self, symbol: str):
        with self.lock:
            f = self.faults.get(symbol)
            if f is None or f.times <= 0:
                return None
            f.times -= 1
            return f

    def _access(self, request):
        from werkzeug import Response

        symbol, lang = request.args.get("s", ""), request.args.get("l", "")
        with self.lock:
            self.log.append((time.monotonic(), request.full_path))
        fault = self._fault(symbol)
        if fault is not None and fault.kind == "429":
            return Response("slow down", status=429, headers={"Retry-After": str(fault.retry_after)})
        if fault is not None and fault.kind == "500":
            return Response("oops", status=500)
        if fault is not None and fault.kind == "hang":
            time.sleep(self.hang_seconds)
        if (symbol, lang) not in self.documents:
            return Response(NOT_FOUND_PAGE, status=200, content_type="text/html")
        if fault is not None and fault.kind in ("cut", "huge", "html"):
            with self.lock:
                self.faults[symbol] = Fault(fault.kind, 1)  # the file request that follows carries it
        digest = hashlib.sha1(f"{symbol}|{lang}".encode()).hexdigest()[:12]
        with self.lock:
            self.paths[digest] = (symbol, lang)
        return Response(status=302, headers={"Location": f"/doc/undoc/gen/{digest}/pdf/{digest}.pdf"})

    def _file(self, request):
        from werkzeug import Response

        with self.lock:
            self.log.append((time.monotonic(), request.full_path))
        symbol, lang = self.paths.get(request.path.rsplit("/", 1)[-1].split(".")[0], ("", ""))
        data = self.documents.get((symbol, lang))
        if data is None:
            return Response(NOT_FOUND_PAGE, status=200, content_type="text/html")
        fault = self._fault(symbol)
        if fault is not None and fault.kind == "html":
            return Response(NOT_FOUND_PAGE, status=200, content_type="text/html")
        if fault is not None and fault.kind == "huge":
            return Response(data + b"0" * (3 << 20), status=200, content_type="application/pdf")
        if fault is not None and fault.kind == "cut":
            response = Response(data[: len(data) // 2], status=200, content_type="application/pdf")
            response.headers["Content-Length"] = str(len(data))
            response.automatically_set_content_length = False
            return response
        return Response(data, status=200, content_type="application/pdf")

    def document_requests(self) -> int:
        return sum(1 for _, path in self.log if path.startswith("/doc/"))
