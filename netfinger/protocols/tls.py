"""X.509 certificate subject/issuer/validity extraction (DER in, strings out). Never raises.

``cryptography`` reads the certificate first. Where it refuses one, or only warns about it (a zero or
negative serial number, common on embedded devices, draws a ``CryptographyDeprecationWarning`` today
and "will cause an exception in a future release"), the bounded DER reader in ``der.py`` reads the same
fields, so what netfinger reports does not depend on that library's leniency.

``cryptography`` is imported on first use (a fifth of a second, most of it with the GIL held: loading
its native module in a worker thread during a scan held the event loop up for 0.3 s). A scan needs only
the names, so the HTTP probe calls ``parse_names``: the DER reader first (it writes the names as
``rfc4514_string`` does; tests compare the two), and ``cryptography`` only where that reader gives up.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netfinger.protocols import der

if TYPE_CHECKING:
    from cryptography import x509

# Attributes kept per Name, by dotted OID (the same keys whichever reader read the certificate).
_ATTRS = {"2.5.4.3": "cn", "2.5.4.10": "o", "2.5.4.11": "ou", "2.5.4.7": "l", "2.5.4.8": "st", "2.5.4.6": "c"}
MAX_CERT_BYTES = 32 * 1024


@dataclass
class CertInfo:
    valid: bool
    subject: str = ""
    issuer: str = ""
    subject_attrs: dict[str, str] = field(default_factory=dict)
    issuer_attrs: dict[str, str] = field(default_factory=dict)
    not_before: str = ""  # ISO 8601 from cryptography; as written (UTCTime/GeneralizedTime) by the fallback
    not_after: str = ""
    reader: str = ""  # "cryptography" or "der" (the fallback)
    note: str = ""  # why the fallback read it, when it did


def _keep(pairs: list[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for oid, value in pairs:
        key = _ATTRS.get(oid)
        if key and key not in out:
            out[key] = value
    return out


def _pairs(name: x509.Name) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for attr in name:
        value = attr.value
        text = value if isinstance(value, str) else value.decode("utf-8", "replace")
        out.append((attr.oid.dotted_string, text))
    return out


def warm_up() -> None:
    """Import the certificate library now (from a worker thread), before the first certificate arrives."""
    import cryptography.x509  # noqa: F401


def _with_cryptography(data: bytes) -> CertInfo:
    """Raises on anything cryptography refuses or warns about (the caller falls back)."""
    from cryptography import x509
    from cryptography.utils import CryptographyDeprecationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", CryptographyDeprecationWarning)
        cert = x509.load_der_x509_certificate(data)
        serial = cert.serial_number  # the warning, where there is one, comes from here
        if serial <= 0:
            raise ValueError(f"serial number {serial} is not positive")
        return CertInfo(
            True, cert.subject.rfc4514_string(), cert.issuer.rfc4514_string(),
            _keep(_pairs(cert.subject)), _keep(_pairs(cert.issuer)),
            cert.not_valid_before_utc.isoformat(), cert.not_valid_after_utc.isoformat(), "cryptography",
        )


def _with_der(data: bytes, why: str) -> CertInfo:
    tbs = der.parse_tbs(data)
    if tbs is None:
        return CertInfo(False)
    flat = [pair for rdn in tbs.subject for pair in rdn], [pair for rdn in tbs.issuer for pair in rdn]
    note = f"certificate read by the DER fallback ({why}; serial {tbs.serial})"
    return CertInfo(True, der.rfc4514(tbs.subject), der.rfc4514(tbs.issuer), _keep(flat[0]), _keep(flat[1]),
                    tbs.not_before, tbs.not_after, "der", note[:300])


def parse_certificate(data: bytes) -> CertInfo:
    if not data or len(data) > MAX_CERT_BYTES:
        return CertInfo(False)
    try:
        return _with_cryptography(data)
    except Exception as exc:  # malformed DER, unsupported encodings, a warning made an error
        return _with_der(data, f"{type(exc).__name__}: {exc}"[:160])


def parse_names(data: bytes) -> CertInfo:
    """Subject and issuer for a scan's evidence, without importing ``cryptography`` unless the DER
    reader gives up (then as ``parse_certificate``). Validity dates are as written (UTCTime or
    GeneralizedTime), the serial number is not checked."""
    if not data or len(data) > MAX_CERT_BYTES:
        return CertInfo(False)
    tbs = der.parse_tbs(data)
    if tbs is None:
        return parse_certificate(data)
    flat = [pair for rdn in tbs.subject for pair in rdn], [pair for rdn in tbs.issuer for pair in rdn]
    return CertInfo(True, der.rfc4514(tbs.subject), der.rfc4514(tbs.issuer), _keep(flat[0]), _keep(flat[1]),
                    tbs.not_before, tbs.not_after, "der")
