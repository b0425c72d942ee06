"""Throw-away PKI for the HTTPS endpoints (``--tls``), made with the ``openssl`` command-line tool.

``generate(directory)`` writes, in about 0.1 s (EC P-256 keys, valid for two days from now):

==================  =====================================================================
``ca.pem``          the test CA: the trust anchor a client is given (``SSL_CERT_FILE``)
``server.pem``      signed by that CA; SAN ``DNS:localhost, IP:127.0.0.1``; key ``server.key``
``wrong-name.pem``  signed by the *same* CA, SAN ``DNS:wrong-name.invalid`` only: a client
                    that trusts the CA must still refuse it for ``localhost`` (host-name
                    check); key ``wrong-name.key``
``other-ca.pem``    an unrelated CA: trusting only it must fail chain verification
==================  =====================================================================

CA keys and CSRs stay in the directory too; nothing here is secret or reused.
"""

import os
import subprocess
from dataclasses import dataclass

# The names the good server certificate is valid for, and the only one the wrong-name one is.
SERVER_DNS_NAME = "localhost"
SERVER_IP_ADDRESS = "127.0.0.1"
WRONG_DNS_NAME = "wrong-name.invalid"
VALIDITY_DAYS = 2

# One configuration file for every step, so the system's openssl.cnf (its default extensions)
# plays no part. Extension sections are chosen per step with -extensions.
OPENSSL_CONFIG = """\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:{server_dns}, IP:{server_ip}
[wrong_name_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:{wrong_dns}
""".format(server_dns=SERVER_DNS_NAME, server_ip=SERVER_IP_ADDRESS, wrong_dns=WRONG_DNS_NAME)

EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]


class CertificateError(Exception):
    """``openssl`` is missing or one of its steps failed (the message has its stderr)."""


@dataclass(frozen=True)
class CertPair:
    """A server certificate (PEM) and its private key (PEM, unencrypted)."""

    cert_file: str
    key_file: str


@dataclass(frozen=True)
class TlsMaterial:
    """Everything ``generate`` wrote (absolute paths)."""

    directory: str
    ca_file: str
    other_ca_file: str
    server: CertPair
    wrong_name: CertPair


def _openssl(directory, *args):
    """Run one ``openssl`` step in ``directory``; raise CertificateError if it fails."""
    try:
        result = subprocess.run(["openssl", *args], cwd=directory, capture_output=True,
                                text=True, check=False)
    except FileNotFoundError:
        raise CertificateError("--tls needs the openssl command-line tool "
                               "(Debian: apt-get install openssl)") from None
    if result.returncode != 0:
        raise CertificateError(f"openssl {args[0]} failed ({result.returncode}): "
                               f"{result.stderr.strip()}")


def _make_ca(directory, config, name, common_name):
    """A self-signed CA: ``<name>.pem`` and ``<name>.key``."""
    _openssl(directory, "req", "-x509", "-config", config, "-extensions", "ca_ext", *EC_KEY,
             "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", str(VALIDITY_DAYS),
             "-subj", f"/CN={common_name}")


def _make_server(directory, config, name, common_name, extensions, serial):
    """A server certificate ``<name>.pem`` (key ``<name>.key``) signed by ``ca``."""
    _openssl(directory, "req", "-new", "-config", config, *EC_KEY, "-keyout", f"{name}.key",
             "-out", f"{name}.csr", "-subj", f"/CN={common_name}")
    _openssl(directory, "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-set_serial", str(serial), "-days", str(VALIDITY_DAYS), "-extfile", config,
             "-extensions", extensions, "-out", f"{name}.pem")
    return CertPair(os.path.join(directory, f"{name}.pem"), os.path.join(directory, f"{name}.key"))


def generate(directory):
    """Write the CA, the two server certificates and the unrelated CA into ``directory`` (which
    must exist); return their paths as a ``TlsMaterial``."""
    directory = os.path.abspath(directory)
    config = os.path.join(directory, "openssl.cnf")
    with open(config, "w", encoding="ascii") as handle:
        handle.write(OPENSSL_CONFIG)
    _make_ca(directory, config, "ca", "pid-mode-rule emulator test CA")
    _make_ca(directory, config, "other-ca", "pid-mode-rule emulator unrelated CA")
    server = _make_server(directory, config, "server", SERVER_DNS_NAME, "server_ext", 2)
    wrong_name = _make_server(directory, config, "wrong-name", WRONG_DNS_NAME, "wrong_name_ext", 3)
    return TlsMaterial(directory=directory, ca_file=os.path.join(directory, "ca.pem"),
                       other_ca_file=os.path.join(directory, "other-ca.pem"),
                       server=server, wrong_name=wrong_name)
