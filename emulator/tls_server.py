"""HTTPS listeners (``--tls``): the plain listeners' handlers behind a TLS handshake, and the log of
every TLS connection.

A ``TlsLoopbackServer`` is a ``LoopbackServer`` whose connection threads first run the server side
of the TLS handshake (Python's ``ssl``), then hand the encrypted socket to the very same handler
class, so an HTTPS endpoint runs exactly the request pipeline of its HTTP twin. Every handshake,
successful or not, is added to the ``TlsConnectionLog``; the handler of a request reads its
connection's TLS facts with ``server.tls_session()`` (the fake AWS endpoints store them in the call
record as ``tls``).
"""

import ssl
import sys
import threading
import warnings

from .httputil import LoopbackServer
from .journal import wall_ms

# A client that sends nothing must not hold a connection thread forever.
HANDSHAKE_TIMEOUT_SECONDS = 10
ALPN_PROTOCOLS = ["http/1.1"]


class ProtocolRange:
    """Which TLS versions a listener offers."""

    # The ssl module's defaults for a server (TLS 1.2 and 1.3 with Python >= 3.10).
    MODERN = "modern"
    # TLS 1.0 and 1.1 only (OpenSSL security level 0): a client that insists on TLS >= 1.2, as it
    # must, cannot complete a handshake with such a listener.
    LEGACY = "legacy"

    LEGACY_VERSIONS = ("TLSv1", "TLSv1.1")


def server_context(cert_pair, protocol_range=ProtocolRange.MODERN):
    """A server ``SSLContext`` presenting ``cert_pair`` (``tls_certs.CertPair``), offering
    HTTP/1.1 by ALPN. Returns None when this Python/OpenSSL cannot offer ``protocol_range``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_pair.cert_file, cert_pair.key_file)
    context.set_alpn_protocols(ALPN_PROTOCOLS)
    if protocol_range == ProtocolRange.LEGACY:
        if not getattr(ssl, "HAS_TLSv1_1", False):
            return None
        try:
            with warnings.catch_warnings():  # TLSVersion.TLSv1/TLSv1_1 are deprecated, on purpose
                warnings.simplefilter("ignore", DeprecationWarning)
                context.minimum_version = ssl.TLSVersion.TLSv1
                context.maximum_version = ssl.TLSVersion.TLSv1_1
            context.set_ciphers("DEFAULT:@SECLEVEL=0")
        except (ssl.SSLError, ValueError):
            return None
    return context


class TlsConnectionLog:
    """Every TLS connection any HTTPS listener accepted, oldest first; thread-safe.

    An entry is ``{id, listener, atMs, clientPort, serverName, version, cipher, alpn, error,
    reason}``: ``serverName`` is the SNI the client sent (None without one); ``version``
    (``TLSv1.3``, ``TLSv1.2``, …), ``cipher`` and ``alpn`` are None when the handshake failed, and
    then ``error`` is the exception text and ``reason`` OpenSSL's short reason (e.g.
    ``TLSV1_ALERT_UNKNOWN_CA``) or the exception's class name.
    """

    def __init__(self, lock):
        """``lock``: the emulator's shared (re-entrant) lock."""
        self._lock = lock
        self._entries = []
        self._next_id = 1

    def add(self, listener, client_address, server_name, connection=None, error=None):
        """Record one handshake: its ``connection`` (an SSLSocket) when it succeeded, else the
        ``error`` it raised. Returns a copy of the entry."""
        with self._lock:
            entry = {"id": self._next_id, "listener": listener, "atMs": wall_ms(),
                     "clientPort": client_address[1] if client_address else None,
                     "serverName": server_name, "version": None, "cipher": None, "alpn": None,
                     "error": None, "reason": None}
            self._next_id += 1
            if connection is not None:
                cipher = connection.cipher()
                entry.update(version=connection.version(), cipher=cipher[0] if cipher else None,
                             alpn=connection.selected_alpn_protocol())
            if error is not None:
                entry.update(error=str(error),
                             reason=getattr(error, "reason", None) or type(error).__name__)
            self._entries.append(entry)
            return dict(entry)

    def entries(self, listener=None):
        """Copies of the entries, optionally only those of one listener."""
        with self._lock:
            return [dict(e) for e in self._entries if listener is None or e["listener"] == listener]

    def clear(self):
        """Forget every entry (ids keep increasing)."""
        with self._lock:
            self._entries.clear()


class TlsLoopbackServer(LoopbackServer):
    """A ``LoopbackServer`` that speaks TLS: each connection thread runs the handshake with
    ``ssl_context``, records it in ``connection_log`` under ``listener``, then serves the
    connection with the handler class given (keep-alive included) and closes it."""

    def __init__(self, handler_cls, ssl_context, listener, connection_log, **attrs):
        """``attrs`` become server attributes, as for ``LoopbackServer``."""
        self.ssl_context = ssl_context
        self.listener = listener
        self.connection_log = connection_log
        self._local = threading.local()
        ssl_context.sni_callback = self._note_server_name
        super().__init__(handler_cls, **attrs)

    def _note_server_name(self, ssl_socket, server_name, ssl_context):
        """SNI callback (runs inside the handshake, on the connection's thread)."""
        self._local.server_name = server_name

    def finish_request(self, request, client_address):
        """Handshake, record, serve. A failed handshake is recorded and ends the connection."""
        self._local.server_name = None
        self._local.session = None
        request.settimeout(HANDSHAKE_TIMEOUT_SECONDS)
        try:
            connection = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:  # the ssl module closes the socket itself
            self.connection_log.add(self.listener, client_address, self._local.server_name,
                                    error=exc)
            return
        try:
            connection.settimeout(None)
            entry = self.connection_log.add(self.listener, client_address,
                                            self._local.server_name, connection=connection)
            self._local.session = {"listener": self.listener, "connection": entry["id"],
                                   "version": entry["version"], "cipher": entry["cipher"]}
            super().finish_request(connection, client_address)
        finally:
            connection.close()

    def tls_session(self):
        """``{listener, connection, version, cipher}`` of the connection this thread serves."""
        session = getattr(self._local, "session", None)
        return dict(session) if session else None

    def handle_error(self, request, client_address):
        """TLS errors after the handshake (a peer that vanished mid-record) are as normal here
        as a reset connection: no log line."""
        if isinstance(sys.exc_info()[1], ssl.SSLError):
            return
        super().handle_error(request, client_address)
