"""The HTTPS tests' throw-away CA (tests/tls.py) is a CA, and the server's certificate a leaf.

A client must trust the CA only, as it trusts a public root, so that the tests exercise chain
building as on the real web; a self-signed server certificate marked CA:TRUE did not.
"""

from __future__ import annotations

import socket
import ssl
import threading
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID

from tests.tls import CA_FILE, SERVER_CERT_FILE, loopback_tls


def test_the_client_trusts_a_ca_that_issued_the_servers_leaf(tmp_path: Path) -> None:
    _, client = loopback_tls(tmp_path, ("shop.test",))
    ca = x509.load_pem_x509_certificate((tmp_path / CA_FILE).read_bytes())
    leaf = x509.load_pem_x509_certificate((tmp_path / SERVER_CERT_FILE).read_bytes())

    assert len(client.get_ca_certs()) == 1  # the CA file holds the CA alone
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert ca.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign is True

    assert leaf.issuer == ca.subject != leaf.subject
    ca_key = ca.public_key()
    assert isinstance(ca_key, ec.EllipticCurvePublicKey)
    algorithm = leaf.signature_hash_algorithm
    assert algorithm is not None
    ca_key.verify(leaf.signature, leaf.tbs_certificate_bytes, ec.ECDSA(algorithm))
    assert leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert leaf.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign is False
    usages = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usages) == [ExtendedKeyUsageOID.SERVER_AUTH]
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost", "shop.test"]
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]


def handshake(server: ssl.SSLContext, client: ssl.SSLContext, name: str) -> str:
    """Complete a TLS handshake over a loopback socket pair; the subject the client verified."""
    ours, theirs = socket.socketpair()
    failure: list[BaseException] = []

    def serve() -> None:
        try:
            with server.wrap_socket(theirs, server_side=True):
                pass
        except (ssl.SSLError, OSError) as exc:  # the client's refusal ends it too
            failure.append(exc)

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        with client.wrap_socket(ours, server_hostname=name) as tls:
            peer = tls.getpeercert()
    finally:
        thread.join(timeout=10)
    assert peer is not None
    subject: Any = peer["subject"]  # ((("commonName", name),), …) as the ssl module gives it
    return str(dict(item[0] for item in subject)["commonName"])


def test_handshake_verifies_the_chain_strictly(tmp_path: Path) -> None:
    server, client = loopback_tls(tmp_path, ("shop.test",))
    # RFC 5280 checks that OpenSSL makes only on request (Python 3.13 asks by default)
    client.verify_flags |= ssl.VERIFY_X509_STRICT
    assert handshake(server, client, "shop.test") == "localhost"
    assert handshake(server, client, "localhost") == "localhost"


def test_a_name_outside_the_certificate_is_refused(tmp_path: Path) -> None:
    server, client = loopback_tls(tmp_path)
    try:
        handshake(server, client, "shop.test")
    except ssl.SSLCertVerificationError as exc:
        assert "Hostname mismatch" in exc.verify_message
    else:
        raise AssertionError("a certificate without shop.test was accepted for it")
