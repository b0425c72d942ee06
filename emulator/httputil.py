"""HTTP/1.1 plumbing shared by the four listeners.

Every reply carries ``Content-Length`` (keep-alive works); request bodies are read in full
(``Content-Length`` or ``Transfer-Encoding: chunked``) before anything is answered, so the
connection never desynchronises.
"""

import json
import select
import socket
import sys
import traceback
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class LoopbackServer(ThreadingHTTPServer):
    """A threading HTTP server bound to 127.0.0.1 on a free port, with daemon handler threads.

    Attributes set by the assembler (``app.Emulator``) are read by the handlers via ``self.server``.
    """

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, handler_cls, **attrs):
        """Bind to ``127.0.0.1:0``; every keyword becomes an attribute of the server."""
        for name, value in attrs.items():
            setattr(self, name, value)
        super().__init__(("127.0.0.1", 0), handler_cls)

    @property
    def port(self):
        """The TCP port actually bound."""
        return self.server_address[1]

    def tls_session(self):
        """The TLS facts of the connection the calling thread serves: None for plain HTTP (see
        ``tls_server.TlsLoopbackServer``)."""
        return None

    def handle_error(self, request, client_address):
        """Connection-level errors (client went away) are normal here: log one line, no traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, socket.timeout, BrokenPipeError)):
            return
        sys.stderr.write(f"emulator: unhandled error from {client_address}: {exc!r}\n")


class BaseHandler(BaseHTTPRequestHandler):
    """Request handler base: HTTP/1.1, quiet logging, JSON helpers, safe body reading."""

    protocol_version = "HTTP/1.1"
    server_version = "pidmode-emulator/1"
    sys_version = ""
    # TCP_NODELAY on every accepted socket: without it a small reply written after its headers
    # waits for the peer's delayed ACK (~40 ms per call on Linux loopback).
    disable_nagle_algorithm = True

    # ----------------------------------------------------------------- logging

    def log_message(self, format, *args):  # noqa: A002 (signature fixed by the base class)
        """Silence the default one-line-per-request log; components log what matters."""
        return

    def log_exception(self):
        """Print the current exception's traceback to stderr."""
        sys.stderr.write("emulator: handler error:\n" + traceback.format_exc())

    # ----------------------------------------------------------------- request

    def split_url(self):
        """Return ``(path, query)`` where query maps each name to its last value."""
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        return parts.path, query

    def read_body(self):
        """Read and return the whole request body as bytes (Content-Length or chunked; else b"")."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            remaining = int(length)
        except ValueError:
            self.close_connection = True
            return b""
        chunks = []
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 20))
            if not chunk:
                self.close_connection = True
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _read_chunked(self):
        """Decode a chunked request body (trailers are read and discarded)."""
        chunks = []
        while True:
            line = self.rfile.readline(65537)
            if not line:
                self.close_connection = True
                break
            size = int(line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass
                break
            chunks.append(self.rfile.read(size))
            self.rfile.readline(65537)  # CRLF after each chunk
        return b"".join(chunks)

    def header_pairs(self):
        """Return the request headers as a list of ``(name, value)`` in arrival order."""
        return list(self.headers.items())

    def read_json_body(self):
        """Read the body and parse it as JSON; return ``(value, error_message_or_None)``.

        An empty body parses as ``{}``.
        """
        raw = self.read_body()
        if not raw.strip():
            return {}, None
        try:
            return json.loads(raw.decode("utf-8")), None
        except (UnicodeDecodeError, ValueError) as exc:
            return None, f"body is not valid JSON: {exc}"

    # ----------------------------------------------------------------- replies

    def send_bytes(self, status, body, content_type="application/json", headers=(), lower=False):
        """Send a complete reply: status line, Date, Content-Type, Content-Length, extra headers.

        ``headers`` is an iterable of ``(name, value)``. With ``lower=True`` every header name is
        sent in lower case (to prove clients compare header names case-insensitively).
        """
        body = body or b""
        fixed = [("Date", formatdate(usegmt=True))]
        if content_type:
            fixed.append(("Content-Type", content_type))
        fixed.append(("Content-Length", str(len(body))))
        self.send_response_only(status)
        for name, value in fixed + list(headers):
            self.send_header(name.lower() if lower else name, value)
        # Status line, headers and body leave in one write (one segment for small replies).
        self._headers_buffer.append(b"\r\n")
        if body and self.command != "HEAD":
            self._headers_buffer.append(body)
        self.flush_headers()
        self.wfile.flush()

    def send_json(self, status, obj, headers=(), lower=False, content_type="application/json"):
        """Serialise ``obj`` as JSON and send it with ``send_bytes``."""
        self.send_bytes(status, json.dumps(obj).encode("utf-8"), content_type, headers, lower)

    def drop_connection(self):
        """Close the TCP connection without sending any reply."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def client_gone(self):
        """True if the peer has closed its side of the connection (non-blocking check)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True
