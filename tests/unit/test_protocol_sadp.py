from __future__ import annotations

from captures import capture

from netfinger.fields import is_known_field
from netfinger.protocols import sadp

UUID = "F93CF8DC-DF53-424B-98A7-9FC0536E1083"


def test_inquiry_bytes_exact() -> None:
    assert sadp.build_inquiry(UUID) == (
        b'<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>F93CF8DC-DF53-424B-98A7-9FC0536E1083</Uuid>'
        b"<Types>inquiry</Types></Probe>"
    )


def test_new_uuid_is_uppercase_guid() -> None:
    value = sadp.new_uuid()
    assert value == value.upper() and len(value) == 36 and value.count("-") == 4


def test_ipc_reply_every_element_in_order() -> None:
    reply = sadp.parse_reply(capture("sadp/hikvision_ds-2cd2320d-i_probematch.xml"))
    assert reply.valid and not reply.malformed
    names = [k for k, _ in reply.fields]
    assert names[:5] == ["Uuid", "Types", "DeviceType", "DeviceDescription", "DeviceSN"]
    assert len(names) == 32
    assert reply.get("DeviceDescription") == "DS-2CD2320D-I"
    assert reply.get("SoftwareVersion") == "V5.5.6build 180326"
    assert reply.get("HCPlatformEnable") == "flase"
    assert reply.mac == "44:47:cc:37:ce:81"
    assert reply.ipv4 == "192.168.1.64"
    assert sadp.check_uuid(reply, {UUID}) is None
    assert sadp.check_uuid(reply, {"00000000-0000-0000-0000-000000000000"}) is not None


def test_dvr_reply_extras() -> None:
    reply = sadp.parse_reply(capture("sadp/hikvision_ds-7804hqh-k1_probematch.xml"))
    assert reply.valid
    assert [k for k, _ in reply.fields][2] == "Encrypt"
    assert reply.get("DeviceSN").endswith("WCVU")
    assert reply.get("DSPVersion") == "V5.0, build 191213"
    assert reply.get("SyncIPCPassword") == "true" and reply.get("OEMInfo") == "N/A"


def test_malformed_reply_uses_line_parser() -> None:
    data = capture("sadp/hikvision_ds-2cd2320d-i_probematch.xml").replace(b"</ProbeMatch>", b"</ProbeMatc>")
    reply = sadp.parse_reply(data)
    assert reply.valid and reply.malformed
    assert reply.get("DeviceSN") == "DS-2CD2320D-I20180919AACHC52932642"
    assert reply.get("MAC") == "44-47-cc-37-ce-81"


def test_inquiry_and_garbage_are_invalid() -> None:
    assert not sadp.parse_reply(sadp.build_inquiry(UUID)).valid
    assert not sadp.parse_reply(b"").valid
    assert not sadp.parse_reply(b"\x00\x01garbage").valid
    assert not sadp.parse_reply(b"<?xml version='1.0'?><Other><a>1</a></Other>").valid


def test_observations_are_sadp_fields() -> None:
    reply = sadp.parse_reply(capture("sadp/hikvision_ds-2cd2320d-i_probematch.xml"))
    obs = sadp.observations(reply, "udp/37020")
    assert all(is_known_field(o.field) and o.port == 37020 for o in obs)
    assert ("sadp.DeviceType", "142378") in {(o.field, o.value) for o in obs}
