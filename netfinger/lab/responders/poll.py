"""A recorder polling its cameras by itself (``poll`` section): RTSP and ONVIF, every few seconds.

Profile section (an NVR's)::

    poll:
      every: 5                                   # seconds between rounds (default 5)
      cameras:                                   # on the lab's own subnet only
        - {ip: 10.77.0.23, user: admin, password: lab-pass-23}
        - {ip: 10.77.0.24, user: admin, password: lab-pass-24, rtsp_port: 554, http_port: 80,
           rtsp_path: /Streaming/Channels/101, onvif_path: /onvif/device_service, onvif: true}

Each round, for every camera in turn: on one RTSP connection ``OPTIONS`` then ``DESCRIBE`` (the
camera's replies carry its headers, and a Digest realm on 401); then two ONVIF calls over HTTP, one
connection each: ``GetSystemDateAndTime`` and ``GetDeviceInformation`` with a WS-UsernameToken
made from the camera's credentials (the reply names manufacturer, model and firmware). A camera
that does not answer is skipped until the next round. This section serves nothing.
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import logging
import os
from typing import Any

from netfinger.lab.responders import schema
from netfinger.lab.responders.base import Device, Outbound, ProfileError, Responder
from netfinger.lab.wire import poll

log = logging.getLogger("netfinger.lab.emulator")
MAX_CAMERAS = 64
DEFAULT_EVERY = 5.0
CAMERA_KEYS = {"ip", "user", "password", "rtsp_port", "http_port", "rtsp_path", "onvif_path", "onvif"}
EXCHANGE_TIMEOUT = 8.0


def _validate_camera(cam: Any, where: str) -> None:
    sec = schema.mapping(cam, where)
    schema.only_keys(sec, CAMERA_KEYS, where)
    try:
        ipaddress.IPv4Address(str(sec.get("ip")))
    except ValueError:
        raise ProfileError(f"{where}.ip: the camera's IPv4 address") from None
    for key in ("user", "password", "rtsp_path", "onvif_path"):
        schema.opt_str(sec, key, where)
    for key in ("rtsp_port", "http_port"):
        schema.opt_int(sec, key, where, 1, 65535)
    schema.opt_bool(sec, "onvif", where)
    for key in ("rtsp_path", "onvif_path"):
        if not str(sec.get(key, "/")).startswith("/"):
            raise ProfileError(f"{where}.{key}: a path starting with /")


class PollResponder(Responder):
    name = "poll"

    def validate(self, section: Any, where: str) -> None:
        sec = schema.mapping(section, where)
        schema.only_keys(sec, {"every", "cameras"}, where)
        every = sec.get("every", DEFAULT_EVERY)
        if not isinstance(every, int | float) or isinstance(every, bool) or not 1 <= every <= 3600:
            raise ProfileError(f"{where}.every: seconds between rounds, 1-3600")
        cameras = sec.get("cameras")
        if not isinstance(cameras, list) or not 1 <= len(cameras) <= MAX_CAMERAS:
            raise ProfileError(f"{where}.cameras: a list of 1-{MAX_CAMERAS} cameras")
        for i, cam in enumerate(cameras):
            _validate_camera(cam, f"{where}.cameras[{i}]")

    def period(self, device: Device) -> float | None:
        return float(device.sections["poll"].get("every", DEFAULT_EVERY))

    async def act(self, device: Device, out: Outbound) -> None:
        for cam in device.sections["poll"]["cameras"]:
            ip = str(cam["ip"])
            exchanges = (self._rtsp, self._onvif) if cam.get("onvif", True) else (self._rtsp,)
            for exchange in exchanges:  # each on its own: a camera that drops RTSP still gets ONVIF
                try:
                    async with asyncio.timeout(EXCHANGE_TIMEOUT):
                        await exchange(out, ip, cam)
                except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
                    log.debug("%s: poll %s: %r", device.name, ip, exc)

    async def _rtsp(self, out: Outbound, ip: str, cam: dict[str, Any]) -> None:
        port = int(cam.get("rtsp_port", 554))
        url = f"rtsp://{ip}:{port}{cam.get('rtsp_path', '/Streaming/Channels/101')}"
        reader, writer = await out.connect(ip, port)
        try:
            for cseq, method in enumerate(("OPTIONS", "DESCRIBE"), start=1):
                writer.write(poll.rtsp_request(method, url, cseq))
                await _read_reply(reader)
        finally:
            writer.close()

    async def _onvif(self, out: Outbound, ip: str, cam: dict[str, Any]) -> None:
        port = int(cam.get("http_port", 80))
        path = str(cam.get("onvif_path", "/onvif/device_service"))
        created = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        token = poll.security_header(str(cam.get("user", "admin")), str(cam.get("password", "")),
                                     os.urandom(16), created)
        for operation, header in (("GetSystemDateAndTime", ""), ("GetDeviceInformation", token)):
            reader, writer = await out.connect(ip, port)
            try:
                writer.write(poll.http_post(ip, path, operation, poll.soap_call(operation, header)))
                await _read_reply(reader)
            finally:
                writer.close()


async def _read_reply(reader: asyncio.StreamReader) -> bytes:
    """One reply: its head up to the blank line, then Content-Length bytes of body (bounded)."""
    head = await reader.readuntil(b"\r\n\r\n")
    if len(head) > poll.MAX_HEAD:
        raise OSError("reply head too long")
    return head + await reader.readexactly(poll.body_length(head))
