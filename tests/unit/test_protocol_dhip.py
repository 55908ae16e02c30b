from __future__ import annotations

import struct

from captures import capture

from netfinger.fields import is_known_field
from netfinger.protocols import dhip, dhip_legacy


def test_search_datagram_is_the_105_byte_configtool_probe() -> None:
    data = dhip.build_search()
    assert len(data) == 105
    assert data == bytes.fromhex(capture("dhip/configtool_search_probe.hex").decode().strip())
    assert data[:8] == b"\x20\x00\x00\x00DHIP"
    assert struct.unpack_from("<I", data, 0x10)[0] == 73 == struct.unpack_from("<I", data, 0x18)[0]
    assert data[32:] == b'{ "method" : "DHDiscover.search", "params" : { "mac" : "", "uni" : 1 } }\n'


def test_legacy_probe_is_32_bytes() -> None:
    assert dhip.build_legacy_probe() == bytes.fromhex(capture("dhip/legacy_5050_probe.hex").decode().strip())
    assert len(dhip.build_legacy_probe()) == 32


def test_compact_reply() -> None:
    reply = dhip.parse_reply(capture("dhip/dahua_ipc-hdw1431t1-s4_compact.bin"))
    assert reply.valid and reply.style == "compact" and reply.anomalies == []
    assert reply.mac == "38:af:29:5b:c2:7e"
    assert reply.method == "client.notifyDevInfo"
    assert reply.info["DeviceType"] == "IPC-HDW1431T1-S4"
    assert reply.info["SerialNo"] == "5L02A1BPAJ8C1F4"
    assert reply.info["Vendor"] == "Dahua"
    assert reply.info["Find"] == "BC"
    assert reply.info["IPv4Address.IPAddress"] == "192.168.1.108"
    assert reply.info["IPv4Address.DhcpEnable"] == "false"
    assert reply.info["IPv6Address.LinkLocalAddress"] == "fe80::3aaf:29ff:fe5b:c27e/64"


def test_spaced_reply_with_escaped_slashes() -> None:
    reply = dhip.parse_reply(capture("dhip/dahua_ipc-hdw5421s_spaced.bin"))
    assert reply.valid and reply.style == "spaced" and reply.anomalies == []
    assert reply.mac == "4c:11:bf:c2:0b:9d"
    assert reply.info["Version"] == "2.400.0.8"
    assert reply.info["VideoOutputChannels"] == "16"
    assert reply.info["IPv6Address.IPAddress"] == "/0"


def test_lying_length_fields_are_flagged_not_fatal() -> None:
    data = bytearray(capture("dhip/dahua_ipc-hdw5421s_spaced.bin"))
    struct.pack_into("<I", data, 0x10, 5000)
    reply = dhip.parse_reply(bytes(data))
    assert reply.valid
    assert any("disagree" in a for a in reply.anomalies)
    assert any("5000" in a for a in reply.anomalies)


def test_short_length_field_cuts_the_body() -> None:
    data = bytearray(capture("dhip/dahua_ipc-hdw1431t1-s4_compact.bin"))
    struct.pack_into("<I", data, 0x10, 40)
    struct.pack_into("<I", data, 0x18, 40)
    reply = dhip.parse_reply(bytes(data))
    assert not reply.valid and reply.anomalies


def test_our_probe_and_garbage_are_not_replies() -> None:
    assert not dhip.parse_reply(dhip.build_search()).valid
    assert not dhip.parse_reply(b"").valid
    assert not dhip.parse_reply(b"\x20\x00\x00\x00DHIP" + b"\xff" * 40).valid


def test_observations_known_fields() -> None:
    reply = dhip.parse_reply(capture("dhip/dahua_ipc-hdw1431t1-s4_compact.bin"))
    obs = dhip.observations(reply, "udp/37810")
    assert all(is_known_field(o.field) for o in obs)
    pairs = {(o.field, o.value) for o in obs}
    assert {
        ("dhip.DeviceClass", "IPC"),
        ("dhip.mac", "38:af:29:5b:c2:7e"),
        ("dhip.style", "compact"),
    } <= pairs
    assert ("dhip.IPv4Address.IPAddress", "192.168.1.108") in pairs


def legacy_reply(mac: str = "00:11:22:33:44:55", model: str = "DH-NVR4104", extra: str = "") -> bytes:
    sec2 = (mac + model).encode()
    sec3 = (
        f"Name:NVR-1\r\nDevice:DH-NVR4104\r\nIPv6Addr:fe80::1/64;gateway:fe80::\r\n"
        f"SerialNo:3J01234PAZ00001\r\n{extra}"
    ).encode()
    fixed = bytearray(dhip_legacy.FIXED_LEN)
    fixed[0] = 0xB3
    fixed[2] = len(sec2)
    struct.pack_into("<I", fixed, 0x04, 0x58)
    struct.pack_into("<I", fixed, 0x10, 2)
    struct.pack_into("<H", fixed, 0x14, len(sec3))
    fixed[0x28 : 0x28 + 4] = b"NVR\x00"
    fixed[0x38:0x3C] = bytes([192, 168, 1, 108])
    fixed[0x3C:0x40] = bytes([255, 255, 255, 0])
    return bytes(fixed) + sec2 + sec3


def test_legacy_reply_layout() -> None:
    reply = dhip_legacy.parse_reply(legacy_reply())
    assert reply.valid and reply.anomalies == []
    assert reply.mac == "00:11:22:33:44:55"
    assert reply.fields["model"] == "DH-NVR4104"
    assert reply.fields["device_type"] == "NVR"
    assert reply.fields["ipv4"] == "192.168.1.108"
    assert reply.fields["SerialNo"] == "3J01234PAZ00001"
    assert reply.fields["IPv6Addr"] == "fe80::1/64;gateway:fe80::"
    obs = dhip_legacy.observations(reply, "udp/5050")
    assert all(is_known_field(o.field) for o in obs)


def test_legacy_section_lengths_checked() -> None:
    reply = dhip_legacy.parse_reply(legacy_reply() + b"trailing")
    assert reply.valid and reply.anomalies
    assert not dhip_legacy.parse_reply(dhip.build_legacy_probe()).valid
    assert not dhip_legacy.parse_reply(b"\xb3" * 10).valid
