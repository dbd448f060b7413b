"""Limits on what is read: every answer's body is decoded while it streams, and cut off at a size.

`LimitTransport` / `AsyncLimitTransport` sit just above the network. They ask only for the
encodings whose output can be bounded while decoding (``Accept-Encoding: gzip, deflate``),
decode gzip and deflate themselves in pieces of at most `PIECE` bytes, and raise
`InvalidResponseError` as soon as more than ``max_response_bytes`` decoded bytes have arrived:
for success and error answers alike, before retries read an error body and before a caller
parses a successful one. A 2 MiB gzip body that would expand to 2 GiB is stopped after the
limit, not decoded in 64 MiB bursts.

The answers they return are decoded: ``Content-Encoding`` (and ``Content-Length``, which counted
the encoded bytes) are dropped from an answer they decoded. Other encodings are not asked for;
a server that sends one anyway gets its bytes passed through unchanged (and counted), as httpx
does for an encoding it does not know.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator

import httpx

from gemini_ops._core.errors import InvalidResponseError
from gemini_ops._http.redact import redact_url

__all__ = [
    "ACCEPT_ENCODING",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "PIECE",
    "AsyncLimitTransport",
    "LimitTransport",
]

DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""The default limit on one answer's decoded body: 32 MiB.

The largest legitimate answers are list pages: a page of 1,000 operations with their metadata
is a few MiB, and a Gemini API inline batch is limited to 20 MB of requests. 32 MiB leaves room
above those while keeping a hostile answer's cost to about twice that in memory.
"""

ACCEPT_ENCODING = "gzip, deflate"
"""The encodings asked for: those whose decoded size can be bounded while streaming."""

PIECE = 64 * 1024
"""The most decoded bytes produced from one piece of input at a time."""

_DROPPED_WHEN_DECODED = ("content-encoding", "content-length")


class _Inflater:
    """One gzip or deflate layer, decoded in bounded pieces (as httpx's decoders, but bounded)."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in {"gzip", "x-gzip"}
        self._first = True
        self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16 if self._gzip else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded bytes of `data`, at most `PIECE` at a time."""
        while True:
            try:
                out = self._inflate.decompress(data, PIECE)
            except zlib.error as error:
                if self._first and not self._gzip:
                    # "deflate" is sent both with and without its zlib header.
                    self._first = False
                    self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise httpx.DecodingError(f"the body is not valid {self._name}: {error}") from None
            if data:
                self._first = False
            if out:
                yield out
            data = self._inflate.unconsumed_tail
            if not data and len(out) < PIECE:
                return

    def finish(self) -> Iterator[bytes]:
        """Whatever the decoder still holds once the input has ended."""
        yield from self.feed(b"")

    @property
    def _name(self) -> str:
        return "gzip" if self._gzip else "deflate"


class _Meter:
    """Decode an answer's body layer by layer, and count it against the limit."""

    def __init__(self, request: httpx.Request, response: httpx.Response, limit: int) -> None:
        self._request = request
        self._status = response.status_code
        self._limit = limit
        self._seen = 0
        encodings = response.headers.get_list("content-encoding", split_commas=True)
        names = [value.strip().lower() for value in encodings]
        # Layers are listed in the order they were applied: undo them from the last.
        self.layers = [
            _Inflater(name) for name in reversed(names) if name in {"gzip", "x-gzip", "deflate"}
        ]

    def feed(self, raw: bytes) -> Iterator[bytes]:
        """The decoded bytes of a piece of the raw body; raise once past the limit."""
        yield from self._count(self._through(0, raw, finish=False))

    def finish(self) -> Iterator[bytes]:
        """The decoded bytes left once the raw body has ended."""
        yield from self._count(self._through(0, b"", finish=True))

    def _through(self, depth: int, data: bytes, *, finish: bool) -> Iterator[bytes]:
        if depth == len(self.layers):
            if data:
                yield data
            return
        layer = self.layers[depth]
        for piece in layer.feed(data):
            yield from self._through(depth + 1, piece, finish=False)
        if finish:
            for piece in layer.finish():
                yield from self._through(depth + 1, piece, finish=False)
            yield from self._through(depth + 1, b"", finish=True)

    def _count(self, pieces: Iterator[bytes]) -> Iterator[bytes]:
        for piece in pieces:
            self._seen += len(piece)
            if self._seen > self._limit:
                raise _too_large(self._request, self._status, self._limit)
            yield piece


def _too_large(request: httpx.Request, status: int, limit: int) -> InvalidResponseError:
    """The error for an answer (HTTP `status`) whose decoded body is larger than `limit` bytes."""
    method, url = request.method, redact_url(request.url)
    message = (
        f"HTTP {status}: the answer is larger than the limit of {limit:,} bytes "
        f"({limit / 2**20:.4g} MiB decoded); pass a larger max_response_bytes= to "
        f"Operations / AsyncOperations to accept it ({method} {url})"
    )
    return InvalidResponseError(message, http_status=status, method=method, url=url)


def _limited(
    response: httpx.Response,
    request: httpx.Request,
    meter: _Meter,
    stream: httpx.SyncByteStream | httpx.AsyncByteStream,
) -> httpx.Response:
    headers = httpx.Headers(response.headers)
    if meter.layers:
        for name in _DROPPED_WHEN_DECODED:
            headers.pop(name, None)
    return httpx.Response(
        response.status_code,
        headers=headers,
        stream=stream,
        extensions=response.extensions,
        request=request,
    )


class _LimitedStream(httpx.SyncByteStream):
    def __init__(self, response: httpx.Response, meter: _Meter) -> None:
        self._response = response
        self._meter = meter

    def __iter__(self) -> Iterator[bytes]:
        for raw in self._response.iter_raw():
            yield from self._meter.feed(raw)
        yield from self._meter.finish()

    def close(self) -> None:
        self._response.close()


class _AsyncLimitedStream(httpx.AsyncByteStream):
    def __init__(self, response: httpx.Response, meter: _Meter) -> None:
        self._response = response
        self._meter = meter

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for raw in self._response.aiter_raw():
            for piece in self._meter.feed(raw):
                yield piece
        for piece in self._meter.finish():
            yield piece

    async def aclose(self) -> None:
        await self._response.aclose()


class LimitTransport(httpx.BaseTransport):
    """Decode every answer while it streams, and stop it past `max_response_bytes` decoded bytes.

    Wraps `transport`; closing this closes it. Reading more than `max_response_bytes` of an
    answer raises `InvalidResponseError` (the connection is then closed, not read to its end).
    """

    def __init__(self, transport: httpx.BaseTransport, max_response_bytes: int) -> None:
        self.transport = transport
        self.max_response_bytes = max_response_bytes

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request` asking for bounded encodings; return its answer, decoded as read."""
        request.headers["Accept-Encoding"] = ACCEPT_ENCODING
        response = self.transport.handle_request(request)
        meter = _Meter(request, response, self.max_response_bytes)
        return _limited(response, request, meter, _LimitedStream(response, meter))

    def close(self) -> None:
        """Close the wrapped transport."""
        self.transport.close()


class AsyncLimitTransport(httpx.AsyncBaseTransport):
    """The async twin of `LimitTransport`."""

    def __init__(self, transport: httpx.AsyncBaseTransport, max_response_bytes: int) -> None:
        self.transport = transport
        self.max_response_bytes = max_response_bytes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request` asking for bounded encodings; return its answer, decoded as read."""
        request.headers["Accept-Encoding"] = ACCEPT_ENCODING
        response = await self.transport.handle_async_request(request)
        meter = _Meter(request, response, self.max_response_bytes)
        return _limited(response, request, meter, _AsyncLimitedStream(response, meter))

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.transport.aclose()
