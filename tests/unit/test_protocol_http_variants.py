"""HTTP, RTSP, ONVIF and TLS variants real devices send beyond the lab's emulated ones."""

from __future__ import annotations

from captures import capture

from netfinger.fields import is_known_field
from netfinger.protocols import http, http_ident, onvif, rtsp, tls
from netfinger.protocols.http_observations import identification, landing_page


def test_two_www_authenticate_headers_on_http10_with_empty_server() -> None:
    data = capture("http/hikvision_old_401_http10_empty_server.txt")
    resp = http.parse_response(data)
    assert resp.valid and resp.version == "HTTP/1.0" and resp.status == 401
    assert not http.is_complete(data)  # no Content-Length: read until the peer closes
    assert resp.header_all("Server") == [""]
    assert http.auth_challenges(resp) == [("Digest", "IP Camera(76475)"), ("Basic", "IP Camera(76475)")]
    obs = identification(http_ident.ISAPI_DEVICE_INFO, resp, 80, "x")
    assert [o.value for o in obs if o.field == "http.auth.scheme"] == ["Digest", "Basic"]
    assert all(is_known_field(o.field) for o in obs)


def test_several_challenges_in_one_header_with_qop_first_and_unquoted_realm() -> None:
    resp = http.parse_response(capture("http/combined_challenges_one_header_401.txt"))
    value = resp.header("WWW-Authenticate")
    found = http.challenges(value)
    assert [s for s, _ in found] == ["Digest", "Basic"]
    assert found[0][1] == {"qop": "auth", "realm": "Login to 4M0747EPAA1D284", "nonce": "1733913470",
                           "opaque": "4aa2a7bfcb4e4a4f"}
    assert found[1][1] == {"realm": "device"}
    assert http.parse_auth(value) == ("Digest", "Login to 4M0747EPAA1D284")
    realms = [o.value for o in identification("/", resp, 80, "x") if o.field == "http.auth.realm"]
    assert realms == ["Login to 4M0747EPAA1D284", "device"]


def test_challenge_edge_cases() -> None:
    assert http.challenges('Digest realm="a, b", nonce="n"') == [("Digest", {"realm": "a, b", "nonce": "n"})]
    assert http.challenges("Negotiate, NTLM") == [("Negotiate", {}), ("NTLM", {})]
    assert http.challenges('Digest realm = "x",qop=auth') == [("Digest", {"realm": "x", "qop": "auth"})]
    assert http.challenges("") == [] and http.challenges(",,, =") == []
    assert len(http.challenges(", ".join(["Basic realm=x"] * 50))) == http.MAX_CHALLENGES


def test_landing_page_bom_upper_case_title_with_entities_and_quoted_meta_refresh() -> None:
    resp = http.parse_response(capture("http/hikvision_v4_root_bom_meta_refresh_http10.txt"))
    assert http.title(resp.body) == "Hikvision & Co Web"
    assert http.redirect_target(resp) == "/doc/page/login.asp"
    pairs = {(o.field, o.value) for o in landing_page(resp, 80, "x")}
    assert ("http.hik_login", "true") in pairs and ("http.header.server", "webserver") in pairs
    assert next(v for f, v in pairs if f == "http.body").startswith("<!doctype html>")


def test_redirects_by_location_header_and_location_replace() -> None:
    dvr = http.parse_response(capture("http/hikvision_dvr_302_location.txt"))
    assert dvr.status == 302 and http.redirect_target(dvr) == "http://192.168.1.64:80/index.asp"
    page = http.parse_response(capture("http/hikvision_root_location_replace_http10.txt"))
    assert http.redirect_target(page) == "/doc/page/login.asp?_"


def test_chunked_body_with_extension_is_joined() -> None:
    data = capture("http/dahua_root_chunked.txt")
    resp = http.parse_response(data)
    assert http.is_complete(data) and not http.is_complete(data[:-5])
    assert resp.body == b"<html><head><title>WEB SERVICE</title></head><body></body>\n"
    assert http.title(resp.body) == "WEB SERVICE"


def test_isapi_device_info_std_cgi_version_1_and_isapi_org_with_bom() -> None:
    old = http_ident.parse_isapi_device_info(capture("http/isapi_deviceinfo_std_cgi_v1.xml"))
    assert old.valid and old.namespace == "http://www.std-cgi.com/ver20/XMLSchema"
    assert dict(old.fields)["deviceType"] == "DVR" and dict(old.fields)["model"] == "ACR4-40"
    new = http_ident.parse_isapi_device_info(capture("http/isapi_deviceinfo_isapi_org_bom.xml"))
    assert new.valid and new.namespace == "http://www.isapi.org/ver20/XMLSchema"
    assert dict(new.fields)["macAddress"] == "bc:5e:33:01:02:03"
    assert "subDeviceType" not in dict(new.fields)  # blank values dropped


def test_magicbox_lf_lines_and_bom() -> None:
    body = http.parse_response(capture("http/dahua_magicbox_getSystemInfo_lf.txt")).body
    pairs = dict(http_ident.parse_magicbox(body))
    assert pairs["deviceType"] == "IPC-HDW5831R-ZE" and pairs["serialNumber"] == "4X7C5A1ZAG21L3F"
    assert len(pairs) == 6
    assert http_ident.parse_magicbox(b"\xef\xbb\xbfversion=2.800.0000016.0.R,build:2020-06-05\r\n") == [
        ("version", "2.800.0000016.0.R,build:2020-06-05")]


def test_rpc2_challenge_with_string_session_and_bom() -> None:
    body = http.parse_response(capture("http/dahua_rpc2_login_challenge_string_session.txt")).body
    fields = http_ident.parse_rpc2_challenge(body)
    assert fields["session"] == "be7dcfc7d3fb33e74f028ce4498b60de"
    assert fields["realm"] == "Login to 4H01D66PAJ2FA64" and fields["mac"] == "38AF29BBBCAB"
    assert http_ident.parse_rpc2_challenge(b"\xef\xbb\xbf" + body) == fields


def test_rtsp_cseq_echo_two_space_date_and_no_cseq() -> None:
    echo = rtsp.parse(capture("rtsp/hikvision_cseq_echo_options.txt"))
    assert echo.header("CSeq") == "42 OPTIONS" and echo.header("Date") == "Thu, May 14 2020 16:45:35 GMT"
    dvr = rtsp.parse(capture("rtsp/hikvision_dvr_options_no_cseq.txt"))
    assert dvr.valid and dvr.header("CSeq") == "" and "TEARDOWN" in dvr.header("Public")


def test_rtsp_dahua_servers_and_405() -> None:
    old = rtsp.parse(capture("rtsp/dahua_old_405_to_http.txt"))
    assert (old.status, old.header("Server"), old.header("CSeq")) == (405, "Dahua Rtsp Server", "0")
    new = rtsp.parse(capture("rtsp/dahua_options_200_rtsp_server_3.txt"))
    fields = {(o.field, o.value) for o in rtsp.observations(new, "OPTIONS", "x")}
    assert ("rtsp.header.server", "Rtsp Server/3.0") in fields and ("rtsp.status", "200 OK") in fields


def test_sdp_read_without_content_type() -> None:
    resp = rtsp.parse(capture("rtsp/dahua_describe_200_no_content_type.txt"))
    assert resp.header("Content-Type") == ""
    fields = {o.field: o.value for o in rtsp.observations(resp, "DESCRIBE", "x")}
    assert fields["rtsp.sdp.session_name"] == "Media Server" and fields["rtsp.sdp.packetization"] == "DH"


def test_onvif_date_time_in_dahua_and_soap_env_envelopes() -> None:
    dahua = onvif.parse_system_date_and_time(capture("onvif/dahua_getsystemdateandtime.xml"))
    assert dahua.valid and dahua.envelope == "s" and dahua.fields["timezone"] == "GMT-08:00"
    soap_env = onvif.parse_system_date_and_time(capture("onvif/soap_env_getsystemdateandtime.xml"))
    assert soap_env.envelope == "SOAP-ENV" and soap_env.fields == {"timezone": "CST-8:00:00",
                                                                   "DateTimeType": "Manual"}


def test_onvif_soap11_and_soap12_faults() -> None:
    v11 = onvif.parse_system_date_and_time(capture("onvif/soap11_fault_not_authorized.xml"))
    assert v11.valid and "Sender not Authorized" in v11.fault and v11.fields == {}
    v12 = onvif.parse_device_information(capture("onvif/soap12_fault_not_authorized.xml"))
    assert "ter:NotAuthorized" in v12.fault and v12.fields == {}


def test_onvif_digest_nonce_format() -> None:
    resp = http.parse_response(capture("onvif/dahua_unauthorized_401.txt"))
    (_, params), = http.challenges(resp.header("WWW-Authenticate"))
    assert onvif.nonce_format(params["nonce"]) == "onvif-digest"
    assert onvif.nonce_format("4e5468694e7a42694e7a4d364f4449354d7a6b354d54513d") == ""
    assert onvif.nonce_format("") == "" and onvif.nonce_format("!!!!notbase64!!!!") == ""
    assert is_known_field("onvif.auth.nonce_format")


def test_tls_issuer_with_nbsp_and_non_ascii_subject() -> None:
    info = tls.parse_certificate(capture("tls/dahua_nvr_ca_nbsp_issuer.der"))
    assert info.valid
    assert info.issuer_attrs["cn"] == "Dahua\u00a0Device\u00a0NVR\u00a0CA"  # kept as sent
    assert info.issuer_attrs["o"] == "Zhejiang\u00a0Dahua\u00a0Technology\u00a0Co.,Ltd."
    assert info.subject_attrs == {"cn": "192.168.1.108", "o": "海康威视"}
    assert "O=海康威视" in info.subject


def test_chunked_body_with_bare_lf_line_ends() -> None:
    data = b"HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n5\nhello\n6;x=y\n world\n0\n\n"
    assert http.parse_response(data).body == b"hello world"
