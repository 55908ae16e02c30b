"""DHIP responder: header bytes and length fields, LF NUL ending, JSON styles, filters, legacy 5050."""

from __future__ import annotations

import json
import socket
import struct

from hypothesis import given
from hypothesis import strategies as st
from responder_fixtures import PEER, make_device, site_device

from netfinger.lab.responders import RESPONDERS
from netfinger.lab.wire import dhip

DHIP = RESPONDERS["dhip"]
CONFIGTOOL_BODY = b'{ "method" : "DHDiscover.search", "params" : { "mac" : "", "uni" : 1 } }\n'


def search(body: bytes = CONFIGTOOL_BODY) -> bytes:
    return dhip.build_header(len(body)) + body


def test_header_bytes_of_the_configtool_probe() -> None:
    assert len(CONFIGTOOL_BODY) == 0x49
    assert search()[:32] == bytes.fromhex(
        "20000000 44484950 00000000 00000000 49000000 00000000 49000000 00000000".replace(" ", "")
    )


def test_reply_header_lengths_and_lf_nul_ending() -> None:
    out = DHIP.on_datagram(site_device("dahua-ipc-hfw3441t-2020"), search(), PEER, 37810)
    assert len(out) == 1 and out[0].dest == PEER
    data = out[0].data
    assert data[:8] == b"\x20\x00\x00\x00DHIP"
    size, _, _, _, len1, _, len2, _ = struct.unpack_from("<I4sIIIIII", data)
    assert size == 0x20 and len1 == len2 == len(data) - 32
    assert data.endswith(b"\n\x00")
    msg = json.loads(data[32:-2])
    assert list(msg) == ["mac", "method", "params"]
    assert msg["mac"] == "3c:ef:8c:61:01:c0"
    info = msg["params"]["deviceInfo"]
    assert info["SerialNo"] == "6J0A3B2PAZ4C5D1" and info["Port"] == 37777 and info["Vendor"] == "Dahua"
    assert b'{"mac":"3c:ef:8c:61:01:c0","method":"client.notifyDevInfo"' in data


def test_spaced_style_escapes_slashes() -> None:
    assert dhip.spaced_json({"a": "x/y", "b": {"c": 1, "d": None}, "e": {}}) == (
        '{ "a" : "x\\/y", "b" : { "c" : 1, "d" : null }, "e" : { } }'
    )
    data = DHIP.on_datagram(site_device("dahua-ipc-hdw5231r-2019"), search(), PEER, 37810)[0].data
    assert data[32:].startswith(b'{ "mac" : "4c:11:bf:39:23:dc", "method" : "client.notifyDevInfo"')
    assert b'"LinkLocalAddress" : "fe80::4e11:bfff:fe39:23dc\\/64"' in data


def test_profile_overrides_single_device_info_keys() -> None:
    data = DHIP.on_datagram(site_device("lorex-w461asc"), search(), PEER, 37810)[0].data
    info = json.loads(data[32:-2])["params"]["deviceInfo"]
    assert info["Port"] == 35000 and info["Vendor"] == "Lorex" and info["HttpPort"] == 80


def test_directed_search_for_another_mac_is_ignored() -> None:
    dev = site_device("dahua-ipc-hfw3441t-2020")
    other = search(b'{"method":"DHDiscover.search","params":{"mac":"00:11:22:33:44:55","uni":0}}\n')
    mine = search(b'{"method":"DHDiscover.search","params":{"mac":"3C:EF:8C:61:01:C0","uni":0}}\n')
    assert DHIP.on_datagram(dev, other, PEER, 37810) == []
    assert len(DHIP.on_datagram(dev, mine, PEER, 37810)) == 1


def test_single_non_nul_byte_is_answered_nul_is_not() -> None:
    dev = site_device("dahua-ipc-hfw3441t-2020")
    assert len(DHIP.on_datagram(dev, b"\xff", PEER, 37810)) == 1
    assert DHIP.on_datagram(dev, b"\x00", PEER, 37810) == []


def test_other_methods_and_garbage_get_no_reply() -> None:
    dev = site_device("dahua-ipc-hfw3441t-2020")
    assert DHIP.on_datagram(dev, search(b'{"method":"DHDiscover.setConfig"}\n'), PEER, 37810) == []
    assert DHIP.on_datagram(dev, dhip.build_header(5000) + b"{}", PEER, 37810) == []
    assert DHIP.on_datagram(dev, b"HTTP/1.1 200 OK\r\n\r\n", PEER, 37810) == []


@given(st.binary(min_size=2, max_size=400))
def test_parser_never_raises(data: bytes) -> None:
    got = dhip.parse_search(data)
    assert got is None or isinstance(got.mac, str)


def test_legacy_5050_reply_layout() -> None:
    dev = site_device("dahua-dvr-legacy-5050")
    request = bytes.fromhex("a3010001" + "00" * 12 + "02" + "00" * 15)
    assert DHIP.udp_endpoints(dev)[0].port == 5050 and len(DHIP.udp_endpoints(dev)) == 1
    out = DHIP.on_datagram(dev, request, PEER, 5050)
    data = out[0].data
    assert data[0] == 0xB3 and struct.unpack_from("<I", data, 4)[0] == 0x58
    assert struct.unpack_from("<I", data, 0x10)[0] == 2
    assert data[0x28:0x2B] == b"DVR" and data[0x38:0x3C] == socket.inet_aton("10.77.0.52")
    assert data[0x3C:0x40] == socket.inet_aton("255.255.255.0")
    assert struct.unpack_from("<H", data, 0x50)[0] == 37777
    sec2 = data[0x78 : 0x78 + data[2]]
    assert sec2 == b"90:02:a9:15:e3:6aDVR0404LE-AS"
    sec3 = data[0x78 + data[2] :]
    assert len(sec3) == struct.unpack_from("<H", data, 0x14)[0]
    assert sec3.startswith(b"Name:PAJ3B0123456789\r\nDevice:DVR0404LE-AS\r\n")
    assert DHIP.on_datagram(dev, search(), PEER, 37810) == []
    assert DHIP.on_datagram(dev, request[:31], PEER, 5050) == []


def test_legacy_port_is_off_by_default() -> None:
    dev = make_device({"dhip": {"device_info": {"SerialNo": "X"}}})
    assert [e.port for e in DHIP.udp_endpoints(dev)] == [37810]
    assert DHIP.udp_endpoints(dev)[0].groups == ("239.255.255.251",)
