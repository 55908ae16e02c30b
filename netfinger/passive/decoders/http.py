"""HTTP responses in reassembled TCP streams: Server, realm, title, redirect, ISAPI and ONVIF bodies."""

from __future__ import annotations

from typing import ClassVar

from netfinger.evidence import Observation, RawReply, Sighting, bounded
from netfinger.passive.decoders import messages
from netfinger.passive.interface import Finding, StreamDecoder, StreamView
from netfinger.protocols import http, http_ident, onvif
from netfinger.protocols.http_observations import identification, landing_page

IDENTIFICATION_PATHS = (http_ident.ISAPI_DEVICE_INFO, http_ident.RPC2_LOGIN, http_ident.FAVICON,
                        http_ident.HIK_LOGIN_PATH)


def _onvif(resp: http.HttpResponse, port: int, source: str) -> list[Observation]:
    out: list[Observation] = []
    if b"GetDeviceInformationResponse" in resp.body:
        info = onvif.parse_device_information(resp.body)
        out += [Observation(f"onvif.{k}", bounded(v), port, source) for k, v in info.fields.items()]
    elif b"GetSystemDateAndTimeResponse" in resp.body:
        sdt = onvif.parse_system_date_and_time(resp.body)
        if sdt.envelope:
            out.append(Observation("onvif.envelope", bounded(sdt.envelope), port, source))
        if "timezone" in sdt.fields:
            out.append(Observation("onvif.timezone", bounded(sdt.fields["timezone"]), port, source))
    return out


def response_observations(path: str, resp: http.HttpResponse, port: int, source: str) -> list[Observation]:
    """The evidence of one response, read as the active probe reads the same path (GET / when unknown)."""
    if path in ("", "/"):
        return landing_page(resp, port, source)
    if path in IDENTIFICATION_PATHS or path.startswith("/cgi-bin/magicBox.cgi"):
        return identification(path, resp, port, source)
    out = identification(http_ident.ISAPI_DEVICE_INFO if b"<DeviceInfo" in resp.body[:2048] else path,
                         resp, port, source)
    out += _onvif(resp, port, source)
    server = resp.header("Server")
    if server:
        out.append(Observation("http.header.server", bounded(server), port, source))
    return out


class HttpStreamDecoder(StreamDecoder):
    name: ClassVar[str] = "http"

    def wants(self, server_port: int, first_bytes: bytes) -> bool:
        return first_bytes.startswith(b"HTTP/")

    def decode_stream(self, flow: StreamView) -> list[Finding]:
        paths = [messages.request_line(m)[1] for m in messages.split(flow.to_server, request=True)]
        obs: list[Observation] = []
        raws: list[RawReply] = []
        base = f"http://{flow.server_ip}:{flow.server_port}"
        for i, message in enumerate(messages.split(flow.to_client, request=False)):
            resp = http.parse_response(message)
            if not resp.valid:
                continue
            path = paths[i] if i < len(paths) else ""
            source = bounded(f"{base}{path or '/'}", 256)
            obs += response_observations(path, resp, flow.server_port, source)
            raws.append(RawReply.capture("http", source, message))
        if not obs:
            return []
        sighting = Sighting(ip=flow.server_ip if ":" not in flow.server_ip else None, observations=tuple(obs),
                            raw=tuple(raws[:4]), protocol="http")
        return [Finding(sighting, "http-response")]
