"""RTSP replies in reassembled TCP streams (an NVR or VMS polling its cameras)."""

from __future__ import annotations

from typing import ClassVar

from netfinger.evidence import Observation, RawReply, Sighting, bounded
from netfinger.passive.decoders import messages
from netfinger.passive.interface import Finding, StreamDecoder, StreamView
from netfinger.protocols import rtsp


class RtspStreamDecoder(StreamDecoder):
    name: ClassVar[str] = "rtsp"

    def wants(self, server_port: int, first_bytes: bytes) -> bool:
        return first_bytes.startswith(b"RTSP/")

    def decode_stream(self, flow: StreamView) -> list[Finding]:
        methods = [messages.request_line(m)[0] for m in messages.split(flow.to_server, request=True)]
        obs: list[Observation] = []
        raws: list[RawReply] = []
        url = f"rtsp://{flow.server_ip}:{flow.server_port}/"
        for i, message in enumerate(messages.split(flow.to_client, request=False)):
            if not message.startswith(b"RTSP/"):
                break  # interleaved media follows PLAY
            resp = rtsp.parse(message)
            if not resp.valid:
                continue
            method = methods[i] if i < len(methods) else "OPTIONS"
            source = bounded(f"{url} {method}", 256)
            obs += rtsp.observations(resp, method, source)
            raws.append(RawReply.capture("rtsp", source, message))
        if not obs:
            return []
        sighting = Sighting(ip=flow.server_ip if ":" not in flow.server_ip else None, observations=tuple(obs),
                            raw=tuple(raws[:4]), protocol="rtsp")
        return [Finding(sighting, "rtsp-response")]
