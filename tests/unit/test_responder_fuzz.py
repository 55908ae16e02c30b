"""No responder raises on what the network sends: random and mutated datagrams and request heads."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from responder_fixtures import PEER, site_device

from netfinger.lab.responders import RESPONDERS
from netfinger.lab.wire import textmsg

DEVICES = [
    site_device(n)
    for n in (
        "hik-ds2cd2142fwd-2016",
        "dahua-ipc-hfw3441t-2020",
        "axis-p3245-lve",
        "netgear-r7000-router",
        "dahua-dvr-legacy-5050",
    )
]
SEEDS = [
    b'<?xml version="1.0"?><Probe><Uuid>A</Uuid><Types>inquiry</Types></Probe>',
    b"\x20\x00\x00\x00DHIP\x00\x00\x00\x00\x00\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00\x10\x00\x00\x00"
    b'\x00\x00\x00\x00{"method":"x"}\n',
    b'M-SEARCH * HTTP/1.1\r\nMAN: "ssdp:discover"\r\nST: ssdp:all\r\n\r\n',
    b"<Envelope><Header><MessageID>u</MessageID></Header><Body><Probe/></Body></Envelope>",
]


def mutate(seed: bytes, cut: int, flip: int, value: int) -> bytes:
    data = bytearray(seed[: max(1, cut % (len(seed) + 1))])
    if data:
        data[flip % len(data)] = value
    return bytes(data)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(SEEDS),
    st.integers(0, 400),
    st.integers(0, 400),
    st.integers(0, 255),
    st.sampled_from(DEVICES),
)
def test_udp_responders_never_raise_on_mutated_requests(
    seed: bytes, cut: int, flip: int, value: int, device: object
) -> None:
    data = mutate(seed, cut, flip, value)
    for name in device.sections:  # type: ignore[attr-defined]
        responder = RESPONDERS[name]
        for endpoint in responder.udp_endpoints(device):  # type: ignore[arg-type]
            for dgram in responder.on_datagram(device, data, PEER, endpoint.port):  # type: ignore[arg-type]
                assert isinstance(dgram.data, bytes) and dgram.data


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_request_head_parser_never_raises(data: bytes) -> None:
    req = textmsg.parse_head(data)
    assert req is None or (req.method and req.version.startswith(("HTTP/", "RTSP/")))
