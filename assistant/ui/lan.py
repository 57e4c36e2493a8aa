"""Serving a classroom: the laptop's LAN address, a self-signed certificate, and a QR code of the URL.

Phones only allow the microphone on https pages. A training centre has no domain and no
certificate authority, so the app makes its own certificate on first use (kept in the
data folder and reused) and prints the address and a QR code that phones can scan.
"""

from __future__ import annotations

import datetime
import io
import ipaddress
import secrets
import socket
from pathlib import Path

from assistant.files import write_atomically

CERT_NAME = "mulan-cert.pem"
KEY_NAME = "mulan-key.pem"
SECRET_NAME = "browser-secret"
VALID_DAYS = 825  # the longest validity iOS accepts for a certificate a user trusts by hand


def lan_address() -> str:
    """The address other devices on the network reach this computer at ("127.0.0.1" if none).

    Connecting a UDP socket sends nothing; it only asks the OS which interface it would use.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def _covers(cert_path: Path, address: str) -> bool:
    """True if the certificate is still valid for a while and names ``address``."""
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (OSError, ValueError, x509.ExtensionNotFound):
        return False
    still_valid = cert.not_valid_after_utc - datetime.timedelta(days=7) > datetime.datetime.now(datetime.UTC)
    return still_valid and ipaddress.ip_address(address) in names.get_values_for_type(x509.IPAddress)


def ensure_certificate(folder: Path, address: str) -> tuple[Path, Path]:
    """(certificate, key) for https on ``address``: reused when still good, else made anew."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / CERT_NAME, folder / KEY_NAME
    if key_path.is_file() and cert_path.is_file() and _covers(cert_path, address):
        return cert_path, key_path
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Mulan classroom"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Mulan"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    addresses = {ipaddress.ip_address(address), ipaddress.ip_address("127.0.0.1")}
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), *map(x509.IPAddress, sorted(addresses, key=str))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    write_atomically(key_path, key_bytes, private=True)
    write_atomically(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def shelf_secret(folder: Path) -> str:
    """The key each browser's history shelf id is kept under in its localStorage. Made once
    and kept: a new key at every start would empty every phone's 历史 after a restart."""
    path = folder / SECRET_NAME
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(path, secrets.token_urlsafe(24), private=True)
    return path.read_text().strip()


def terminal_qr(url: str) -> str:
    """A QR code of ``url`` drawn with block characters, for phones to scan off the laptop screen."""
    import segno

    out = io.StringIO()
    segno.make(url, error="l").terminal(out=out, compact=True, border=2)
    return out.getvalue()


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def is_loopback(host: str) -> bool:
    """Bound to this computer only: nobody on the Wi-Fi can reach the page."""
    return host in LOOPBACK_HOSTS


def private_history(host: str, requested: str | None = None) -> bool:
    """Each browser sees only its own 历史 (names, phone numbers) when the page is served to
    a classroom; on this computer alone everyone sees all of it. ``requested`` ("private"
    or "shared") overrides either default."""
    return (requested or ("shared" if is_loopback(host) else "private")) == "private"


def public_address(host: str) -> str:
    """The address to give people: on 0.0.0.0 the app listens everywhere, and phones use the LAN address."""
    if is_loopback(host):
        return "127.0.0.1"
    return lan_address() if host in ("0.0.0.0", "::") else host
