"""TLS: the server's certificate (TLS ≤ 1.2, sent in clear) and the name a client asks for (SNI)."""

from __future__ import annotations

from typing import ClassVar

from netfinger.evidence import Observation, Sighting, bounded
from netfinger.passive.interface import Finding, StreamDecoder, StreamView
from netfinger.probes.http import tls_observations
from netfinger.protocols import tls_handshake


def _v4(ip: str) -> str | None:
    return ip if ":" not in ip else None


class TlsStreamDecoder(StreamDecoder):
    name: ClassVar[str] = "tls"

    def wants(self, server_port: int, first_bytes: bytes) -> bool:
        return first_bytes[:1] == b"\x16"

    def decode_stream(self, flow: StreamView) -> list[Finding]:
        out: list[Finding] = []
        certs = tls_handshake.server_certificates(flow.to_client)
        base = f"https://{flow.server_ip}:{flow.server_port}"
        if certs:
            obs = tls_observations(certs[0], flow.server_port, base)
            if obs:
                out.append(Finding(Sighting(ip=_v4(flow.server_ip), observations=tuple(obs), protocol="tls"),
                                   "tls-certificate"))
        sni = tls_handshake.client_hello_sni(flow.to_server)
        if sni:
            seen = Observation("tls.sni", bounded(sni.lower(), 255), flow.server_port, f"tls to {base}")
            asker = Sighting(ip=_v4(flow.client_ip), observations=(seen,), protocol="tls")
            out.append(Finding(asker, "tls-sni"))
        return out
