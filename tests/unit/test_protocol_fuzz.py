"""Every parser of device input returns a result (often invalid) for any bytes; none raises."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from captures import capture
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netfinger.protocols import (
    arp,
    dhip,
    dhip_legacy,
    http,
    http_ident,
    onvif,
    rtsp,
    sadp,
    ssdp,
    tls,
    wsd,
)

PARSERS: dict[str, Callable[[bytes], object]] = {
    "wsd": wsd.parse_message,
    "sadp": sadp.parse_reply,
    "dhip": dhip.parse_reply,
    "dhip_legacy": dhip_legacy.parse_reply,
    "ssdp": ssdp.parse_message,
    "upnp": ssdp.parse_description,
    "http": http.parse_response,
    "http_complete": http.is_complete,
    "title": http.title,
    "rtsp": rtsp.parse,
    "sdp": rtsp.sdp_markers,
    "isapi": http_ident.parse_isapi_device_info,
    "magicbox": http_ident.parse_magicbox,
    "rpc2": http_ident.parse_rpc2_challenge,
    "onvif_sdt": onvif.parse_system_date_and_time,
    "onvif_gdi": onvif.parse_device_information,
    "tls": tls.parse_certificate,
    "arp": arp.parse_frame,
}

SEEDS = {
    "wsd": "wsd/hikvision_ds-2cd2385g1-i_probematches.xml",
    "sadp": "sadp/hikvision_ds-2cd2320d-i_probematch.xml",
    "dhip": "dhip/dahua_ipc-hdw5421s_spaced.bin",
    "http": "http/dahua_nvr_get_root.txt",
    "rtsp": "rtsp/hikvision_describe_200.txt",
}


@pytest.mark.parametrize("name", sorted(PARSERS))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2048))
def test_random_bytes_never_raise(name: str, data: bytes) -> None:
    PARSERS[name](data)


@pytest.mark.parametrize("name", sorted(SEEDS))
@settings(max_examples=200, deadline=None)
@given(
    cut=st.integers(min_value=0, max_value=4000),
    flip=st.integers(min_value=0, max_value=4000),
    value=st.integers(min_value=0, max_value=255),
)
def test_truncated_and_corrupted_captures_never_raise(name: str, cut: int, flip: int, value: int) -> None:
    data = bytearray(capture(SEEDS[name])[:cut])
    if data:
        data[flip % len(data)] = value
    for parser in PARSERS.values():
        parser(bytes(data))
