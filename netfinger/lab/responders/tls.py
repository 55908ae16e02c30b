"""Self-signed certificates for the emulated HTTPS ports, generated once per subject and cached.

The certificate carries the profile's subject and issuer names (e.g. Hikvision's
``CN=www.hikvision.com,OU=DVRNVR,...``); it is signed by its own key, as factory certificates are.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import os
import ssl
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from netfinger.lab.responders.base import ProfileError

NAME_KEYS = {
    "CN": NameOID.COMMON_NAME,
    "O": NameOID.ORGANIZATION_NAME,
    "OU": NameOID.ORGANIZATIONAL_UNIT_NAME,
    "L": NameOID.LOCALITY_NAME,
    "ST": NameOID.STATE_OR_PROVINCE_NAME,
    "C": NameOID.COUNTRY_NAME,
    "emailAddress": NameOID.EMAIL_ADDRESS,
}
CACHE_DIR = Path(tempfile.gettempdir()) / "netfinger-lab-certs"
Fields = tuple[tuple[str, str], ...]


def check_name(value: object, where: str) -> Fields:
    if not isinstance(value, dict) or not value:
        raise ProfileError(f"{where}: expected a mapping of name fields ({', '.join(NAME_KEYS)})")
    for key, val in value.items():
        if key not in NAME_KEYS or not isinstance(val, str) or not val:
            raise ProfileError(f"{where}.{key}: unknown field or empty value")
        if key == "C" and len(val) != 2:
            raise ProfileError(f"{where}.C: a country code has two letters")
    return tuple((str(k), str(v)) for k, v in value.items())


def _name(fields: Fields) -> x509.Name:
    return x509.Name([x509.NameAttribute(NAME_KEYS[k], v) for k, v in fields])


def _generate(subject: Fields, issuer: Fields) -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def cert_file(subject: Fields, issuer: Fields) -> Path:
    """A PEM file (certificate + key) for these names, created on first use."""
    digest = hashlib.sha256(repr((subject, issuer)).encode()).hexdigest()[:24]
    CACHE_DIR.mkdir(mode=0o700, exist_ok=True)
    path = CACHE_DIR / f"{digest}.pem"
    if not path.exists():
        cert, key = _generate(subject, issuer)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(cert + key)
        tmp.replace(path)
    return path


@functools.cache
def server_context(subject: Fields, issuer: Fields) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert_file(subject, issuer))
    return ctx
