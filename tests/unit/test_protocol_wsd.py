from __future__ import annotations

import re

from captures import capture

from netfinger.fields import is_known_field
from netfinger.protocols import wsd
from netfinger.protocols.xmlsafe import parse_xml


def test_probe_is_soap12_with_2005_04_discovery_and_one_type() -> None:
    data = wsd.build_probe("uuid:11111111-2222-3333-4444-555555555555")
    root = parse_xml(data)
    assert root is not None
    text = data.decode()
    assert "http://www.w3.org/2003/05/soap-envelope" in text
    assert "<w:MessageID>uuid:11111111-2222-3333-4444-555555555555</w:MessageID>" in text
    assert "<w:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To>" in text
    assert "<w:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action>" in text
    assert "<d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes /></d:Probe>" in text
    assert 'xmlns:dn="http://www.onvif.org/ver10/network/wsdl"' in text


def test_build_probes_asks_for_both_types_with_fresh_ids() -> None:
    first, second = wsd.build_probes(), wsd.build_probes()
    ids = [mid for mid, _ in first + second]
    assert len(set(ids)) == 4
    assert all(re.fullmatch(r"uuid:[0-9a-f-]{36}", mid) for mid in ids)
    types = [re.search(rb"<d:Types>([^<]+)</d:Types>", data).group(1) for _, data in first]  # type: ignore[union-attr]
    assert types == [b"dn:NetworkVideoTransmitter", b"tds:Device"]


def test_hikvision_3955_probematches() -> None:
    msg = wsd.parse_message(capture("wsd/hikvision_ds-2cd3955fwd-iws_probematches.xml"))
    assert msg.valid and msg.action == "ProbeMatches"
    assert msg.endpoint == "urn:uuid:18ec6401-3aa0-11b5-83f6-b4a3820fd92d"
    assert msg.message_id == msg.endpoint
    assert msg.relates_to.startswith("uuid:bfe8bb88")
    assert msg.types == "dn:NetworkVideoTransmitter tds:Device"
    assert msg.metadata_version == "10"
    assert msg.envelope == "env/wsadis"
    assert msg.xaddrs == [
        "http://192.168.0.218/onvif/device_service",
        "http://[fe80::b6a3:82ff:fe0f:d92d]/onvif/device_service",
    ]
    by_cat = {(s.category, s.value) for s in msg.scopes}
    assert ("name", "HIKVISION DS-2CD3955FWD-IWS") in by_cat
    assert ("hardware", "DS-2CD3955FWD-IWS") in by_cat
    assert ("location", "city/hangzhou") in by_cat
    assert ("type", "ptz") in by_cat and ("profile", "G") in by_cat
    assert len(msg.scopes) == 8
    assert not any(s.category == "mac" for s in msg.scopes)


def test_hikvision_2385_has_mac_scope_and_profile_t() -> None:
    msg = wsd.parse_message(capture("wsd/hikvision_ds-2cd2385g1-i_probematches.xml"))
    values = {s.category: s.value for s in msg.scopes if s.category in ("mac", "name")}
    assert values == {"mac": "58:50:ed:1f:e3:85", "name": "HIKVISION DS-2CD2385G1-I"}
    assert [s.value for s in msg.scopes if s.category == "profile"] == ["Streaming", "G", "T"]
    assert msg.endpoint.endswith("5850ed1fe385")


def test_amcrest_probematches_dahua_stack() -> None:
    msg = wsd.parse_message(capture("wsd/amcrest_ip2m-841b_probematches.xml"))
    assert msg.valid and msg.envelope == "s/a"
    assert msg.endpoint == "uuid:278b1b37-153c-452d-b316-d2ed4e99e6a2"
    assert msg.relates_to.startswith("urn:uuid:")
    assert msg.metadata_version == "1"
    assert msg.xaddrs == ["http://10.0.0.154:8088/onvif/device_service"]
    scopes = {(s.category, s.value) for s in msg.scopes}
    assert {
        ("name", "Amcrest"),
        ("hardware", "IP2M-841B"),
        ("location", "country/china"),
        ("type", "Network_Video_Transmitter"),
        ("extension", "unique_identifier"),
    } <= scopes


def test_dahua_hello() -> None:
    msg = wsd.parse_message(capture("wsd/dahua_ipc-hfw2228m-i1-v2_hello.xml"))
    assert msg.valid and msg.action == "Hello"
    assert msg.relates_to == ""
    assert ("hardware", "IPC-HFW2228M-I1-V2") in {(s.category, s.value) for s in msg.scopes}


def test_relates_to_accepts_both_uuid_spellings() -> None:
    assert wsd.same_message_id(
        "urn:uuid:ABCDEF01-0000-0000-0000-000000000000", "uuid:abcdef01-0000-0000-0000-000000000000"
    )
    assert not wsd.same_message_id("uuid:1", "uuid:2")
    assert not wsd.same_message_id("", "")


def test_scope_percent_decoding_and_foreign_scopes() -> None:
    assert (
        wsd.parse_scope("onvif://www.onvif.org/name/HIKVISION%20DS-2CD2385G1-I").value
        == "HIKVISION DS-2CD2385G1-I"
    )
    assert wsd.parse_scope("onvif://www.onvif.org/mac/14-22-01-23-45").category == "mac"
    other = wsd.parse_scope("http://example.invalid/x%2Fy")
    assert other.category == "" and other.value == "http://example.invalid/x/y"


def test_observations_use_known_fields() -> None:
    msg = wsd.parse_message(capture("wsd/hikvision_ds-2cd2385g1-i_probematches.xml"))
    obs = wsd.observations(msg, "udp/3702")
    assert all(is_known_field(o.field) for o in obs)
    fields = {(o.field, o.value) for o in obs}
    assert ("wsd.scope.hardware", "DS-2CD2385G1-I") in fields
    assert ("wsd.envelope", "env/wsadis") in fields
    assert ("wsd.scope.mac", "58:50:ed:1f:e3:85") in fields


def test_our_own_probe_and_garbage_are_not_replies() -> None:
    assert not wsd.parse_message(wsd.build_probe("uuid:x")).valid
    assert not wsd.parse_message(b"<not xml").valid
    assert not wsd.parse_message(b"").valid
    assert not wsd.parse_message(b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>').valid
