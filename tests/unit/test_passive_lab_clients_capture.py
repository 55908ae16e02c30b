"""``passive/lab_clients.pcap``: the lab's own clients on the wire, recorded by ``netfinger lab capture``.

One round of each: the Hikvision NVR polling camera 10.77.0.23 (RTSP OPTIONS/DESCRIBE, ONVIF
GetSystemDateAndTime and GetDeviceInformation with a UsernameToken), the tool PC's SADP inquiry and
DHIP search with two of the answers (10.77.0.23's ProbeMatch in two IPv4 fragments, 10.77.0.41's DHIP
reply), and the app phone's DHCP REQUEST and cloud DNS queries. The requests are checked byte for
byte against the lab's builders; the replies through ``netfinger listen``.
"""

from __future__ import annotations

import asyncio
import zlib

import passive_build
import pytest

from netfinger.lab.wire import chatter, poll
from netfinger.passive import ListenConfig, frames, listen
from netfinger.passive.interface import Packet
from netfinger.passive.readers import open_capture
from netfinger.protocols import dhip, sadp
from netfinger.report.model import HostReport, Report

CAPTURE = passive_build.OUT / "lab_clients.pcap"
PC, PHONE, NVR, HIK, DAHUA = "10.77.0.80", "10.77.0.81", "10.77.0.25", "10.77.0.23", "10.77.0.41"
PHONE_MAC = "2a:5e:8c:6b:2e:07"
PHONE_NAMES = ["apiieu.hik-connect.com", "litedev.hik-connect.com", "litedev.ezvizlife.com",
               "apiieu.ezvizlife.com", "www.easy4ipcloud.com", "p2p.easy4ipcloud.com"]
ANDROID_PARAMS = [1, 3, 6, 15, 26, 28, 51, 58, 59, 43, 114, 108]


def packets() -> list[Packet]:
    out = []
    for rec in open_capture(CAPTURE):
        pkt, _ = frames.decode(rec)
        if pkt is not None and pkt.payload:
            out.append(pkt)
    return out


@pytest.fixture(scope="module")
def report() -> dict[str, HostReport]:
    done: Report = asyncio.run(listen(ListenConfig(read=str(CAPTURE))))
    return {h.evidence.ip or "": h for h in done.hosts}


def test_the_pc_sends_the_vendor_tools_datagrams_byte_for_byte() -> None:
    sent = [p for p in packets() if p.src_ip == PC]
    assert [(p.dst_ip, p.dport) for p in sent] == [("239.255.255.250", 37020), ("239.255.255.251", 37810)]
    assert sent[0].payload == sadp.build_inquiry("CCC9A94A-CB7C-4565-8D2C-5C17CC2A7F56")
    assert sent[1].payload == dhip.build_search()


def test_the_nvr_sends_its_rtsp_requests_byte_for_byte() -> None:
    url = f"rtsp://{HIK}:554/Streaming/Channels/101"
    rtsp = [p.payload for p in packets() if p.src_ip == NVR and p.dport == 554]
    assert rtsp == [poll.rtsp_request("OPTIONS", url, 1), poll.rtsp_request("DESCRIBE", url, 2)]
    posts = b"".join(p.payload for p in packets() if p.src_ip == NVR and p.dport == 80)
    assert posts.count(b"POST /onvif/device_service HTTP/1.1\r\n") == 2
    assert posts.count(poll.soap_call("GetSystemDateAndTime")) == 1
    assert b"<wsse:Username>admin</wsse:Username>" in posts and b"#PasswordDigest" in posts


def test_the_phone_sends_its_boot_chatter_byte_for_byte() -> None:
    sent = [p.payload for p in packets() if p.src_ip == PHONE]
    xid = zlib.crc32(PHONE_MAC.encode())
    assert sent[0] == chatter.build_dhcp_request(PHONE_MAC, PHONE, "Galaxy-S23", ANDROID_PARAMS, xid,
                                                 vendor_class="android-dhcp-14")
    assert sent[1:] == [chatter.build_dns_query(name, xid + i) for i, name in enumerate(PHONE_NAMES)]


def test_the_polled_camera_shows_its_onvif_model_and_firmware(report: dict[str, HostReport]) -> None:
    cam = report[HIK]
    fields = {o.field: o.value for o in cam.evidence.observations}
    assert fields["onvif.Manufacturer"] == "HIKVISION"
    assert fields["onvif.Model"] == "DS-2CD2143G0-I"
    assert fields["onvif.FirmwareVersion"] == "V5.5.82 build 200313"
    assert fields["rtsp.auth.realm"] == "IP Camera(45678)"  # DESCRIBE answered 401
    v = cam.verdict
    assert (v.manufacturer, v.model, v.firmware, v.banned) == ("Hikvision", "DS-2CD2143G0-I",
                                                               "V5.5.82 build 200313", True)
    assert cam.presence is not None
    assert {"rtsp-response", "http-response", "sadp-probematch"} <= set(cam.presence.signals)
    dahua = report[DAHUA].verdict
    assert (dahua.manufacturer, dahua.model, dahua.banned) == ("Dahua", "IPC-HFW3441T-ZAS", True)


def test_the_pc_and_the_phone_are_clients_not_devices(report: dict[str, HostReport]) -> None:
    pc, phone = report[PC], report[PHONE]
    for host in (pc, phone):
        v = host.verdict
        assert (v.manufacturer, v.banned, v.status) == (None, False, "unknown")
    assert pc.presence is not None and pc.presence.signals == ("sadp-inquiry", "dhip-search")
    assert any(n.startswith("client: searched for devices (sadp-inquiry, dhip-search)")
               for n in pc.verdict.notes)
    # a search says nothing about the searcher: only what its MAC says
    assert {o.field.split(".")[0] for o in pc.evidence.observations} == {"mac"}
    fields = {(o.field, o.value) for o in phone.evidence.observations}
    assert ("dhcp.vendor_class", "android-dhcp-14") in fields
    assert {v for f, v in fields if f == "dns.query"} == set(PHONE_NAMES)
    assert NVR not in report  # polling says nothing about the poller (only the cameras' replies count)
