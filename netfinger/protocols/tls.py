"""X.509 certificate subject/issuer extraction (DER in, strings out). Never raises."""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography import x509
from cryptography.x509.oid import NameOID

_ATTRS = {
    NameOID.COMMON_NAME: "cn",
    NameOID.ORGANIZATION_NAME: "o",
    NameOID.ORGANIZATIONAL_UNIT_NAME: "ou",
    NameOID.LOCALITY_NAME: "l",
    NameOID.STATE_OR_PROVINCE_NAME: "st",
    NameOID.COUNTRY_NAME: "c",
}
MAX_CERT_BYTES = 32 * 1024


@dataclass
class CertInfo:
    valid: bool
    subject: str = ""
    issuer: str = ""
    subject_attrs: dict[str, str] = field(default_factory=dict)
    issuer_attrs: dict[str, str] = field(default_factory=dict)


def _attrs(name: x509.Name) -> dict[str, str]:
    out: dict[str, str] = {}
    for attr in name:
        key = _ATTRS.get(attr.oid)
        if key and key not in out:
            value = attr.value
            out[key] = value if isinstance(value, str) else value.decode("utf-8", "replace")
    return out


def parse_certificate(der: bytes) -> CertInfo:
    if not der or len(der) > MAX_CERT_BYTES:
        return CertInfo(False)
    try:
        cert = x509.load_der_x509_certificate(der)
        return CertInfo(
            True,
            cert.subject.rfc4514_string(),
            cert.issuer.rfc4514_string(),
            _attrs(cert.subject),
            _attrs(cert.issuer),
        )
    except Exception:  # malformed DER, unsupported encodings
        return CertInfo(False)
