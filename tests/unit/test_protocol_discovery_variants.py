"""SADP, DHIP and SSDP/UPnP variants real devices send beyond the lab's emulated ones."""

from __future__ import annotations

import struct

from captures import capture

from netfinger.protocols import dhip, dhip_legacy, sadp, ssdp

SADP_UUID = "7B3E6C1A-2F4D-4E5B-9A8C-0D1E2F3A4B5C"


def test_sadp_inquiry_v32_reply_in_another_order_keeps_unknown_elements() -> None:
    data = capture("sadp/hikvision_inquiry_v32_reordered_new_elements.xml")
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8" ?>\r\n<ProbeMatch><Uuid>')
    reply = sadp.parse_reply(data)
    assert reply.valid and not reply.malformed
    assert [k for k, _ in reply.fields][:3] == ["Uuid", "MAC", "Types"]
    assert reply.get("Types") == "inquiry_v32" and reply.mac == "58:50:ed:1f:e3:85"
    assert reply.get("HCPlatformEnable") == "flase" == reply.get("DeviceLock")
    assert reply.get("EHomeVer") == "5.0" and reply.get("supportEzvizUnbind") == "true"
    assert reply.ipv4 == "192.168.1.64"
    assert sadp.check_uuid(reply, {SADP_UUID}) is None


def test_sadp_malformed_reply_read_line_by_line() -> None:
    reply = sadp.parse_reply(capture("sadp/hikvision_malformed_amp_unclosed.xml"))
    assert reply.valid and reply.malformed
    assert reply.get("OEMInfo") == "R&D Indoor & Outdoor"  # '&' unescaped broke the XML parser
    assert reply.get("DeviceLock") == ""  # unclosed element skipped, the rest kept
    assert reply.get("Activated") == "true" and reply.get("SoftwareVersion") == "V1.4.7build 170821"
    assert reply.mac == "c0:56:e3:12:34:56" and reply.get("DeviceDescription") == "DS-KH6210-L"


def test_sadp_uuid_echo_ignores_case_and_braces_but_notes_a_stranger() -> None:
    data = capture("sadp/hikvision_inquiry_v32_reordered_new_elements.xml")
    braced = sadp.parse_reply(data.replace(SADP_UUID.encode(), b"{" + SADP_UUID.lower().encode() + b"}"))
    assert sadp.check_uuid(braced, {SADP_UUID}) is None
    other = sadp.parse_reply(data.replace(SADP_UUID.encode(), b"00000000-0000-0000-0000-000000000000"))
    note = sadp.check_uuid(other, {SADP_UUID})
    assert note is not None and "does not echo" in note


def test_dhip_length_without_the_lf_nul_tail_is_not_an_anomaly() -> None:
    data = capture("dhip/dahua_ipc-hdw5421s_spaced_len_without_tail.bin")
    assert struct.unpack_from("<I", data, 0x10)[0] == len(data) - 32 - 2 and data.endswith(b"\n\x00")
    reply = dhip.parse_reply(data)
    assert reply.valid and reply.anomalies == [] and reply.style == "spaced"
    counted = dhip.parse_reply(capture("dhip/dahua_ipc-hdw5421s_spaced.bin"))
    assert reply.info == counted.info and reply.mac == counted.mac
    assert reply.info["IPv6Address.LinkLocalAddress"].endswith("/64")  # nested, '\/' unescaped


def test_dhip_mac_inside_params_and_nul_padding() -> None:
    data = capture("dhip/dahua_params_mac_nul_padded.bin")
    assert data.rstrip(b"\x00").endswith(b"}\n") and len(data) - len(data.rstrip(b"\x00")) >= 8
    assert struct.unpack_from("<I", data, 0x10)[0] == len(data.rstrip(b"\x00")) - 32
    reply = dhip.parse_reply(data)
    assert reply.valid and reply.anomalies == [] and reply.style == "compact"
    assert reply.mac == "38:af:29:5b:c2:7e"
    assert "mac" not in reply.info and reply.info["SerialNo"] == "5L02A1BPAJ8C1F4"


def test_dhip_extra_non_padding_bytes_after_the_body_are_still_an_anomaly() -> None:
    data = capture("dhip/dahua_params_mac_nul_padded.bin") + b"EXTRA"
    reply = dhip.parse_reply(data)
    assert reply.valid and any("body length field" in n for n in reply.anomalies)


def test_ssdp_notify_lf_only_mixed_case_headers_no_ext() -> None:
    msg = ssdp.parse_message(capture("ssdp/notify_alive_lf_mixed_case.txt"))
    assert msg.valid and msg.kind == "notify"
    assert msg.get("location") == "http://192.168.1.108:49152/upnp_device_desc.xml"
    assert msg.get("cache-control") == "max-age = 1800" and msg.get("nts") == "ssdp:alive"
    assert msg.get("ext") == "" and msg.get("x-user-agent") == "redsonic"
    assert ssdp.location_host(msg.get("location")) == ("192.168.1.108", 49152)


def test_ssdp_byebye_and_spaced_header_names() -> None:
    bye = ssdp.parse_message(capture("ssdp/notify_byebye.txt"))
    assert bye.valid and bye.get("nts") == "ssdp:byebye" and bye.get("location") == ""
    resp = ssdp.parse_message(capture("ssdp/search_response_no_ext_cache_variants.txt"))
    assert resp.valid and resp.kind == "response"
    assert resp.get("location") == "http://192.168.1.20:49152/upnp_device_desc.xml"
    assert resp.get("st") == "upnp:rootdevice" and resp.get("cache-control").startswith("no-cache=")
    assert resp.get("server").startswith("Linux/3.8.8, UPnP/1.0, ZheJiang Dahua")


def test_upnp_description_default_namespace_bom_latin1_root_device_only() -> None:
    fields = ssdp.parse_description(capture("ssdp/upnp_description_default_ns_embedded_latin1.xml"))
    assert fields["manufacturer"] == "Dahua" and fields["modelName"] == "IPC-HDW5421S"
    assert fields["friendlyName"] == "Caméra Entrée"
    assert fields["URLBase"] == "http://192.168.1.20:49152/"
    assert fields["UDN"].endswith("-1L047ACPAW00037")


def test_upnp_description_prefixed_in_gb2312() -> None:
    fields = ssdp.parse_description(capture("ssdp/upnp_description_prefixed_gb2312.xml"))
    assert fields == {"manufacturer": "Dahua", "modelName": "DH-IPC-HDW1230T2", "friendlyName": "前门摄像机"}


def test_dhip_legacy_reply_with_nul_separated_model_and_lf_lines() -> None:
    reply = dhip_legacy.parse_reply(capture("dhip/legacy_5050_reply_nul_model_lf.bin"))
    assert reply.valid and reply.anomalies == []
    assert reply.mac == "4c:11:bf:12:34:56"
    assert reply.fields["model"] == "DH-NVR4104HS-P" and reply.fields["device_type"] == "NVR"
    assert reply.fields["SerialNo"] == "4E00ABCPAZ12345" and reply.fields["Name"] == "NVR-Front"
    assert reply.fields["IPv6Addr"] == "fe80::4e11:bfff:fe12:3456/64;gateway:fe80::"
    assert (reply.fields["ipv4"], reply.fields["gateway"]) == ("192.168.1.108", "192.168.1.1")
