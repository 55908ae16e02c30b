"""Lab devices that act as clients by themselves: an NVR polling, a PC searching, a phone's boot chatter.

No network traffic: the NVR's connections are socketpairs to the camera's own responders, relayed so
both directions are recorded and then read by the passive decoders.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import socket
from pathlib import Path

import pytest
from responder_fixtures import SITE, site_device

from netfinger.lab.clients import ClientRounds, Wake
from netfinger.lab.profile import load_profile
from netfinger.lab.responders import RESPONDERS
from netfinger.lab.responders.base import Datagram, Device, Outbound, ProfileError, Responder
from netfinger.lab.serve import DeviceRuntime, Guard
from netfinger.lab.wire import dhip as lab_dhip
from netfinger.lab.wire import onvif as lab_onvif
from netfinger.lab.wire import poll
from netfinger.lab.wire import sadp as lab_sadp
from netfinger.passive.decoders.http import HttpStreamDecoder
from netfinger.passive.decoders.rtsp import RtspStreamDecoder
from netfinger.passive.interface import StreamView
from netfinger.passive.report import client_note
from netfinger.protocols import dhcp, dhip, sadp

NVR, CAMERA = "hik-ds7608ni-k1-nvr", "hik-ds2cd2143g0-2020"


def test_rtsp_request_bytes() -> None:
    assert poll.rtsp_request("DESCRIBE", "rtsp://10.77.0.23:554/Streaming/Channels/101", 2) == (
        b"DESCRIBE rtsp://10.77.0.23:554/Streaming/Channels/101 RTSP/1.0\r\nCSeq: 2\r\n"
        b"User-Agent: netfinger-lab-nvr/1.0\r\nAccept: application/sdp\r\n\r\n")


def test_password_digest_is_the_ws_security_formula() -> None:
    nonce, created = b"0123456789abcdef", "2026-12-03T10:00:00Z"
    want = base64.b64encode(hashlib.sha1(nonce + created.encode() + b"lab-pass-23").digest()).decode()
    assert poll.password_digest(nonce, created, "lab-pass-23") == want


def test_the_camera_accepts_the_nvr_token_and_only_with_its_password() -> None:
    header = poll.security_header("admin", "lab-pass-23", b"0123456789abcdef", "2026-12-03T10:00:00Z")
    call = lab_onvif.parse_call(poll.soap_call("GetDeviceInformation", header))
    assert call is not None and call.action == "GetDeviceInformation"
    assert lab_onvif.token_valid(call.token, {"admin": "lab-pass-23"})
    assert not lab_onvif.token_valid(call.token, {"admin": "other"})


def test_http_post_frames_one_call() -> None:
    body = poll.soap_call("GetSystemDateAndTime")
    msg = poll.http_post("10.77.0.23", "/onvif/device_service", "GetSystemDateAndTime", body)
    head, _, rest = msg.partition(b"\r\n\r\n")
    assert head.startswith(b"POST /onvif/device_service HTTP/1.1\r\nHost: 10.77.0.23\r\n")
    assert rest == body and poll.body_length(head + b"\r\n\r\n") == len(body)
    assert poll.body_length(b"RTSP/1.0 200 OK\r\nContent-Length: 999999999\r\n\r\n") == poll.MAX_BODY
    assert poll.body_length(b"RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n") == 0


class Relay:
    """Connections from the NVR to the camera's responders over socketpairs, both directions recorded."""

    def __init__(self, camera: Device) -> None:
        self.camera = camera
        self.flows: list[tuple[int, bytearray, bytearray]] = []  # (port, to server, to client)
        self.tasks: list[asyncio.Task[None]] = []

    async def connect(self, ip: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        assert ip == self.camera.ip
        proto = {554: "rtsp", 80: "http"}[port]
        nvr_end, relay_a = socket.socketpair()
        relay_b, cam_end = socket.socketpair()
        up, down = bytearray(), bytearray()
        self.flows.append((port, up, down))
        cam_reader, cam_writer = await asyncio.open_connection(sock=cam_end)
        self.tasks.append(asyncio.create_task(RESPONDERS[proto].on_connection(self.camera, cam_reader,
                                                                               cam_writer, port)))
        a = await asyncio.open_connection(sock=relay_a)
        b = await asyncio.open_connection(sock=relay_b)
        self.tasks += [asyncio.create_task(_pipe(a[0], b[1], up)),
                       asyncio.create_task(_pipe(b[0], a[1], down))]
        return await asyncio.open_connection(sock=nvr_end)


async def _pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, record: bytearray) -> None:
    while data := await src.read(65536):
        record += data
        dst.write(data)
        await dst.drain()
    dst.close()


def _one_camera_nvr(camera: Device) -> Device:
    nvr = site_device(NVR)
    cams = [c for c in nvr.sections["poll"]["cameras"] if c["ip"] == camera.ip]
    return Device(nvr.name, nvr.mac, nvr.ip, 24, {"poll": {"every": 5, "cameras": cams}}, nvr.vars)


def test_nvr_round_draws_the_cameras_rtsp_and_onvif_replies_that_passive_decoding_reads() -> None:
    camera = site_device(CAMERA)
    relay = Relay(camera)

    async def run() -> None:
        out = Outbound(send=lambda port, d: None, connect=relay.connect)
        await asyncio.wait_for(RESPONDERS["poll"].act(_one_camera_nvr(camera), out), 30)
        await asyncio.wait_for(asyncio.gather(*relay.tasks), 15)

    asyncio.run(run())
    assert [port for port, _, _ in relay.flows] == [554, 80, 80]
    fields: dict[str, str] = {}
    for port, up, down in relay.flows:
        view = StreamView("10.77.0.25", camera.ip, 50000, port, bytes(up), bytes(down), 0.0, 1.0)
        decoder = RtspStreamDecoder() if port == 554 else HttpStreamDecoder()
        assert decoder.wants(port, bytes(down[:8]))
        for finding in decoder.decode_stream(view):
            fields |= {o.field: o.value for o in finding.sighting.observations}
    assert relay.flows[0][1].startswith(b"OPTIONS rtsp://10.77.0.23:554/Streaming/Channels/101 RTSP/1.0\r\n")
    assert b'realm="IP Camera(' in relay.flows[0][2]  # DESCRIBE answered 401 with the Hikvision realm
    assert fields["onvif.Manufacturer"] == "HIKVISION"
    assert fields["onvif.Model"] == "DS-2CD2143G0-I"
    assert fields["onvif.FirmwareVersion"] == "V5.5.82 build 200313"


def test_search_round_sends_the_vendor_tools_datagrams_to_their_groups() -> None:
    pc = site_device("pc-vendor-search-tools")
    sent: list[tuple[int, Datagram]] = []
    out = Outbound(send=lambda port, ds: sent.extend((port, d) for d in ds), connect=_no_connect)
    asyncio.run(RESPONDERS["search"].act(pc, out))
    (sadp_port, inquiry), (dhip_port, search) = sent
    assert (sadp_port, inquiry.dest) == (37020, ("239.255.255.250", 37020))
    assert (dhip_port, search.dest) == (37810, ("239.255.255.251", 37810))
    parsed = lab_sadp.parse_inquiry(inquiry.data)
    assert parsed is not None
    assert inquiry.data == sadp.build_inquiry(parsed.uuid)  # the SADP Tool form, byte for byte
    assert search.data == dhip.build_search() and lab_dhip.parse_search(search.data) is not None
    assert {ep.port for ep in RESPONDERS["search"].udp_endpoints(pc)} == {37020, 37810}


async def _no_connect(ip: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    raise AssertionError("a search connects nowhere")


def test_phone_dhcp_carries_the_android_vendor_class() -> None:
    phone = site_device("phone-vendor-apps")
    datagrams = RESPONDERS["chatter"].announcements(phone)
    request = dhcp.parse_v4(datagrams[0].data)
    assert request.vendor_class == "android-dhcp-14"
    assert request.hostname == "Galaxy-S23"
    assert len(datagrams) == 1 + len(phone.sections["chatter"]["dns"])


def test_clients_are_in_the_ground_truth_as_clients() -> None:
    for name in ("pc-vendor-search-tools", "phone-vendor-apps"):
        expect = load_profile(SITE / f"{name}.yaml").expect
        assert (expect.role, expect.banned, expect.manufacturer) == ("client", False, None)
        assert expect.to_dict()["role"] == "client"
    assert "role" not in load_profile(SITE / f"{CAMERA}.yaml").expect.to_dict()


def test_profile_sections_are_checked() -> None:
    bad = [("poll", {"cameras": []}), ("poll", {"every": 0, "cameras": [{"ip": "10.77.0.2"}]}),
           ("poll", {"cameras": [{"ip": "not-an-ip"}]}), ("poll", {"cameras": [{"ip": "10.77.0.2", "x": 1}]}),
           ("search", {"sadp": False, "dhip": False}), ("search", {"every": "often"}),
           ("chatter", {"dhcp": {"vendor_class": 5}})]
    for proto, section in bad:
        with pytest.raises(ProfileError):
            RESPONDERS[proto].validate(section, where=f"t.yaml: {proto}")


def test_a_client_role_cannot_be_banned(tmp_path: Path) -> None:
    text = (SITE / "phone-vendor-apps.yaml").read_text().replace("banned: false", "banned: true")
    (tmp_path / "p.yaml").write_text(text.replace("status: unknown", "status: banned"))
    with pytest.raises(ProfileError, match="role"):
        load_profile(tmp_path / "p.yaml")


def test_client_rounds_send_only_on_their_subnet_and_to_groups() -> None:
    device = Device("pc", "18:db:f2:3a:5c:01", "10.77.0.80", 24, {})
    rounds = ClientRounds(DeviceRuntime(device, "unused"), [], Guard())
    assert rounds.allowed("10.77.0.23") and rounds.allowed("239.255.255.250")
    assert not rounds.allowed("10.78.0.23") and not rounds.allowed("8.8.8.8")
    assert not rounds.allowed("10.77.0.255") and not rounds.allowed("10.77.0.0")
    with pytest.raises(OSError, match="no UDP socket"):
        rounds.send(37020, [Datagram(b"x", ("239.255.255.250", 37020))])
    with pytest.raises(OSError, match="refusing"):
        asyncio.run(rounds.connect("192.0.2.1", 80))


class Counting(Responder):
    name = "counting"

    def __init__(self) -> None:
        self.rounds = 0
        self.gate = asyncio.Event()

    def validate(self, section: object, where: str) -> None:
        return

    def period(self, device: Device) -> float | None:
        return 3600.0

    async def act(self, device: Device, out: Outbound) -> None:
        self.rounds += 1
        if self.rounds == 1:
            await self.gate.wait()


def test_a_ring_during_a_round_starts_another_right_after() -> None:
    responder = Counting()
    device = Device("nvr", "98:8b:0a:61:7c:05", "10.77.0.25", 24, {})

    async def run() -> int:
        wake = Wake()
        rounds = ClientRounds(DeviceRuntime(device, "unused"), [responder], Guard())
        rounds.start(wake)
        while responder.rounds < 1:
            await asyncio.sleep(0)
        wake.ring()  # while round 1 is running
        responder.gate.set()
        while responder.rounds < 2:
            await asyncio.sleep(0)
        await rounds.stop()
        return responder.rounds

    assert asyncio.run(asyncio.wait_for(run(), 10)) == 2


def test_client_note_names_the_searches() -> None:
    note = client_note(("arp", "sadp-inquiry", "dhip-search"))
    assert note is not None and "sadp-inquiry, dhip-search" in note
    assert client_note(("arp", "dns-query", "dhcp")) is None
