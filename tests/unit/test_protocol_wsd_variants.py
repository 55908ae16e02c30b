"""WS-Discovery reply variants real devices send beyond the lab's two stacks (tests/captures/wsd/)."""

from __future__ import annotations

from captures import capture

from netfinger.fields import is_known_field
from netfinger.protocols import wsd


def test_hikvision_fault_is_a_reply_with_its_code_and_reason() -> None:
    msg = wsd.parse_message(capture("wsd/hikvision_fault_matchingrulenotsupported.xml"))
    assert msg.valid and msg.action == "Fault"
    assert msg.fault_code == "d:MatchingRuleNotSupported"
    assert msg.fault_reason == "the xml format error"
    assert wsd.same_message_id(msg.relates_to, "urn:uuid:3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c")
    names = {o.field: o.value for o in wsd.observations(msg, "udp/3702")}
    assert names["wsd.fault.code"] == "d:MatchingRuleNotSupported" and names["wsd.action"] == "Fault"
    assert all(is_known_field(n) for n in names)


def test_soap11_fault_reads_faultcode_and_faultstring() -> None:
    data = (b'<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><S:Fault>'
            b"<faultcode>S:Client</faultcode><faultstring>bad probe</faultstring>"
            b"</S:Fault></S:Body></S:Envelope>")
    msg = wsd.parse_message(data)
    assert (msg.action, msg.fault_code, msg.fault_reason) == ("Fault", "S:Client", "bad probe")


def test_default_namespace_oasis_2009_reply_with_bom_and_two_matches() -> None:
    data = capture("wsd/oasis2009_default_ns_two_probematches.xml")
    assert data.startswith(b"\xef\xbb\xbf<?xml") and b"?>\r\n<Envelope" in data
    msg = wsd.parse_message(data)
    assert msg.valid and msg.action == "ProbeMatches"
    assert msg.envelope == "/"  # no prefixes anywhere
    assert msg.endpoints == ["urn:uuid:6b1d2c3e-4f50-4617-8293-001422012345",
                             "urn:uuid:6b1d2c3e-4f50-4617-8293-001422012346"]
    assert msg.endpoint == msg.endpoints[0] and msg.metadata_version == "2"
    assert wsd.same_message_id(msg.relates_to, "uuid:3F2A1B0C-9D8E-4F7A-8B6C-5D4E3F2A1B0C")
    assert msg.xaddrs == ["http://192.0.2.40:8080/onvif/device_service",
                          "http://[fe80::1622:1ff:fe23:4567]:8080/onvif/device_service",
                          "http://192.0.2.40:8081/onvif/device_service"]
    by_cat = [(s.category, s.value) for s in msg.scopes]
    assert by_cat.count(("location", "Hong Kong")) == 1  # raw space kept inside one scope, deduplicated
    assert ("mac", "14-22-01-23-45-67") in by_cat and ("name", "Cam One") in by_cat
    assert "onvif://www.onvif.org/location/Hong Kong" in [s.uri for s in msg.scopes]
    endpoints = [o.value for o in wsd.observations(msg, "udp/3702") if o.field == "wsd.endpoint"]
    assert endpoints == msg.endpoints


def test_hikvision_nvr_soap_wsa_wsd_prefixes_and_upper_mac_scope() -> None:
    msg = wsd.parse_message(capture("wsd/hikvision_nvr_ids-7816nx_probematches.xml"))
    assert msg.valid and msg.envelope == "soap/wsa"
    assert msg.endpoint == "urn:uuid:3bd4c000-b1b9-11b3-8202-4cf5dc64a22d"
    scopes = {s.category: s.value for s in msg.scopes}
    assert scopes["mac"] == "4c-f5-dc-64-a2-2d" and scopes["name"] == "HIKVISION iDS-7816NX"


def test_bye_carries_only_the_endpoint() -> None:
    msg = wsd.parse_message(capture("wsd/dahua_ipc-hfw2228m-i1-v2_bye.xml"))
    assert msg.valid and msg.action == "Bye"
    assert msg.endpoint == "uuid:4d5b3a2c-1e0f-4a9b-8c7d-6e5f4a3b2c1d"
    assert msg.scopes == [] and msg.xaddrs == []


def test_hello_without_body_content_is_not_valid() -> None:
    data = capture("wsd/dahua_ipc-hfw2228m-i1-v2_bye.xml")
    start, end = data.index(b"<d:Bye>"), data.index(b"</d:Bye>") + len(b"</d:Bye>")
    assert not wsd.parse_message(data[:start] + data[end:]).valid


def test_blank_lines_before_the_declaration_are_tolerated() -> None:
    data = capture("wsd/hikvision_ds-2cd2385g1-i_probematches.xml")
    assert wsd.parse_message(b"\r\n  " + data).endpoint == wsd.parse_message(data).endpoint != ""


def test_scope_split_keeps_raw_spaces_with_the_previous_uri() -> None:
    raw = " onvif://www.onvif.org/location/Hong Kong  onvif://www.onvif.org/name/A%20B\n http://x.invalid/y "
    assert wsd.split_scopes(raw) == ["onvif://www.onvif.org/location/Hong Kong",
                                     "onvif://www.onvif.org/name/A%20B", "http://x.invalid/y"]
    assert wsd.split_scopes("  ") == []


def test_message_ids_match_across_uuid_and_urn_uuid_spellings() -> None:
    assert wsd.same_message_id("urn:uuid:ABC-1", "uuid:abc-1")
    assert not wsd.same_message_id("", "")
    assert not wsd.same_message_id("uuid:abc-1", "uuid:abc-2")


def test_raw_space_joining_is_bounded_and_needs_a_uri_to_join() -> None:
    from netfinger.protocols.wsd import MAX_WORDS_JOINED, split_scopes

    assert split_scopes("onvif://www.onvif.org/location/Hong Kong onvif://x/y") == [
        "onvif://www.onvif.org/location/Hong Kong",
        "onvif://x/y",
    ]
    # bare words never glue into one giant scope: each stands alone, so a flood of them is counted
    assert len(split_scopes("s " * 25_000)) == 25_000
    words = " ".join(["w"] * (MAX_WORDS_JOINED + 3))
    assert len(split_scopes(f"onvif://a/b {words}")) == 1 + 3


def test_many_duplicate_scopes_are_counted_as_sent_and_kept_once() -> None:
    from netfinger.protocols.wsd import parse_message

    scopes = " ".join(["onvif://www.onvif.org/name/X"] * 5000)
    body = (
        '<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><s:Header>'
        "<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action></s:Header>"
        "<s:Body><d:ProbeMatches><d:ProbeMatch><a:EndpointReference><a:Address>uuid:1</a:Address>"
        f"</a:EndpointReference><d:Scopes>{scopes}</d:Scopes></d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>"
    ).encode()
    msg = parse_message(body)
    assert msg.valid
    assert msg.scopes_sent == 5000
    assert [s.uri for s in msg.scopes] == ["onvif://www.onvif.org/name/X"]
