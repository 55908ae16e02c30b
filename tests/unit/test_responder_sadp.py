"""SADP responder: byte-exact ProbeMatch framing, Uuid echo, verbs, overrides, hostile input."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from responder_fixtures import PEER, make_device, site_device

from netfinger.lab.responders import RESPONDERS
from netfinger.lab.wire import sadp

SADP = RESPONDERS["sadp"]
UUID = "F93CF8DC-DF53-424B-98A7-9FC0536E1083"


def probe(verb: str = "inquiry", uuid: str = UUID) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>{uuid}</Uuid><Types>{verb}</Types></Probe>'
    ).encode()


def small_device(**extra: object) -> object:
    section = {
        "fields": [{"DeviceDescription": "{model}"}, {"MAC": "{mac_dash}"}, {"HCPlatformEnable": "flase"}]
    }
    section.update(extra)
    return make_device({"sadp": section}, {"model": "DS-2CD2142FWD-I"})


def test_reply_is_byte_exact_with_crlf_framing() -> None:
    dev = small_device()
    out = SADP.on_datagram(dev, probe(), PEER, 37020)
    expected = (
        b'<?xml version="1.0" encoding="UTF-8"?>\r\n'
        b"<ProbeMatch><Uuid>F93CF8DC-DF53-424B-98A7-9FC0536E1083</Uuid>\r\n"
        b"<Types>inquiry</Types>\r\n"
        b"<DeviceDescription>DS-2CD2142FWD-I</DeviceDescription>\r\n"
        b"<MAC>44-47-cc-37-ce-81</MAC>\r\n"
        b"<HCPlatformEnable>flase</HCPlatformEnable>\r\n"
        b"</ProbeMatch>"
    )
    assert [d.data for d in out] == [expected]
    assert out[0].dest == PEER


def test_lf_framing_space_before_decl_end_and_multicast_copy() -> None:
    dev = small_device(crlf=False, space_before_decl_end=True, multicast_reply=True)
    out = SADP.on_datagram(dev, probe("inquiry_v32"), PEER, 37020)
    assert out[0].data.startswith(b'<?xml version="1.0" encoding="UTF-8" ?>\n<ProbeMatch><Uuid>')
    assert b"\r\n" not in out[0].data
    assert b"<Types>inquiry_v32</Types>\n" in out[0].data
    assert [d.dest for d in out] == [PEER, ("239.255.255.250", 37020)]


def test_only_inquiry_verbs_are_answered() -> None:
    dev = small_device()
    for verb in ("activate", "reboot", "update", "getencryptstring", ""):
        assert SADP.on_datagram(dev, probe(verb), PEER, 37020) == []


def test_default_site_camera_field_order_and_override() -> None:
    dev = site_device("hik-ds2cd1023g0e-sadp-only")
    text = SADP.on_datagram(dev, probe(uuid="ABC"), PEER, 37020)[0].data.decode()
    names = [line.split(">")[0].lstrip("<") for line in text.split("\r\n")[3:-1]]
    assert names[:4] == ["DeviceType", "DeviceDescription", "DeviceSN", "CommandPort"]
    assert "<Activated>false</Activated>" in text
    assert "<SoftwareVersion>V5.5.84build 200410</SoftwareVersion>" in text
    assert "<Uuid>ABC</Uuid>" in text
    assert text.count("flase") == 2


def test_recorder_layout_puts_encrypt_first() -> None:
    text = SADP.on_datagram(site_device("hik-ds7608ni-k1-nvr"), probe(), PEER, 37020)[0].data.decode()
    assert text.split("\r\n")[3] == "<Encrypt>true</Encrypt>"
    assert "<DigitalChannelNum>8</DigitalChannelNum>" in text


@given(st.binary(max_size=600))
def test_parser_never_raises_on_garbage(data: bytes) -> None:
    got = sadp.parse_inquiry(data)
    assert got is None or got.verb in sadp.INQUIRY_VERBS


def test_hostile_xml_gets_no_reply() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
        b"<Probe><Uuid>&b;</Uuid><Types>inquiry</Types></Probe>"
    )
    assert SADP.on_datagram(small_device(), bomb, PEER, 37020) == []
    assert SADP.on_datagram(small_device(), b"<Probe>" * 2000, PEER, 37020) == []
