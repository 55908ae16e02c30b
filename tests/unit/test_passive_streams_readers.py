"""Bounded TCP reassembly, the prefilter, and the capture readers on hostile files."""

from __future__ import annotations

import struct
from pathlib import Path

import passive_build as pb
import pytest

from netfinger.passive import streams
from netfinger.passive.interface import LINKTYPE_ETHERNET, Packet, Record, StreamView
from netfinger.passive.readers import CaptureError, open_capture
from netfinger.passive.session import PassiveSession


def seg(src: str, sport: int, dst: str, dport: int, seq: int, payload: bytes, flags: int = 0x18,
        ack: int = 0) -> Packet:
    return Packet(0.0, None, None, src, dst, "tcp", sport, dport, payload, tcp_seq=seq, tcp_ack=ack,
                  tcp_flags=flags)


def collect() -> tuple[streams.Reassembler, list[StreamView], list[str]]:
    views: list[StreamView] = []
    notes: list[str] = []
    return streams.Reassembler(views.append, lambda ip, n: notes.append(n)), views, notes


def test_out_of_order_and_overlap() -> None:
    r, views, notes = collect()
    r.feed(seg("10.0.0.2", 5000, "10.0.0.1", 80, 100, b"GET / HTTP/1.1\r\n\r\n", ack=1000))
    r.feed(seg("10.0.0.1", 80, "10.0.0.2", 5000, 1010, b"0123456789"))  # arrives first
    r.feed(seg("10.0.0.1", 80, "10.0.0.2", 5000, 1000, b"HTTP/1.1 2"))
    r.feed(seg("10.0.0.1", 80, "10.0.0.2", 5000, 1005, b"XXXXX"))  # overlaps with other bytes
    r.feed(seg("10.0.0.1", 80, "10.0.0.2", 5000, 1020, b"", flags=0x11))
    assert [v.to_client for v in views] == [b"HTTP/1.1 20123456789"]
    assert notes == ["tcp: overlapping segments with different data (first copy kept)"]


def test_per_connection_and_total_bounds() -> None:
    r, views, _ = collect()
    r.feed(seg("10.0.0.1", 80, "10.0.0.2", 5000, 0, b"HTTP/1.1 200 OK\r\n\r\n"))
    for i in range(200):
        r.feed(seg("10.0.0.1", 80, "10.0.0.2", 5000, 19 + i * 1000, b"x" * 1000))
    assert len(views) == 1 and len(views[0].to_client) == streams.MAX_TO_CLIENT
    for port in range(streams.MAX_CONNECTIONS + 50):
        r.feed(seg("10.0.0.3", 554, "10.0.0.4", 10000 + port, 7, b"RTSP/1.0 200 OK\r\n"))
        assert r.held_bytes <= streams.MAX_TOTAL_BYTES
    assert r.evicted >= 50


def test_hostile_sequence_numbers_never_raise() -> None:
    r, views, _ = collect()
    r.feed(seg("10.0.0.1", 80, "10.0.0.2", 5000, 0xFFFFFFF0, b"HTTP/1.1 200 OK\r\n"))
    r.feed(seg("10.0.0.1", 80, "10.0.0.2", 5000, 0x00000001, b"wrapped"))  # across the 2**32 wrap
    r.feed(seg("10.0.0.1", 80, "10.0.0.2", 5000, 0x7FFFFFFF, b"far ahead"))
    r.feed(seg("10.0.0.1", 80, "10.0.0.2", 5000, 0xFFFFFF00, b"before the start"))
    r.flush()
    assert views[0].to_client == b"HTTP/1.1 200 OK\r\nwrapped"  # contiguous across the wrap; the rest dropped


def test_video_connection_is_skipped_unread_after_its_first_segment() -> None:
    s = PassiveSession()
    frames = [pb.tcp(pb.HIK_ISAPI, pb.VMS, 554, 50000, 1000 + i * 1400, b"\x24\x00" + bytes(1398))
              for i in range(50)]
    for frame in frames:
        s.feed(Record(0.0, LINKTYPE_ETHERNET, frame, len(frame)))
    assert s.counts.skipped == 49 and s.counts.packets == 1


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_pcap_with_a_bogus_record_length(tmp_path: Path) -> None:
    head = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    good = b"\x00" * 60
    data = (head + struct.pack("<IIII", 1, 0, 60, 60) + good
            + struct.pack("<IIII", 2, 0, 0x7FFFFFFF, 60) + good)
    reader = open_capture(write(tmp_path / "b.pcap", data))
    assert len(list(reader)) == 1
    assert "bogus length" in reader.notes[0]


def test_big_endian_nanosecond_pcap(tmp_path: Path) -> None:
    head = struct.pack(">IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 65535, 1)
    rec = struct.pack(">IIII", 10, 500_000_000, 14, 14) + b"\xff" * 14
    (record,) = list(open_capture(write(tmp_path / "n.pcap", head + rec)))
    assert record.ts == pytest.approx(10.5) and record.linktype == 1


def test_pcapng_bogus_block_and_undeclared_interface(tmp_path: Path) -> None:
    good = (pb.OUT / "site.pcapng").read_bytes()
    reader = open_capture(write(tmp_path / "x.pcapng", good + struct.pack("<II", 6, 13) + b"\x00" * 8))
    assert len(list(reader)) == len(pb.site_frames())
    assert "bogus length 13" in reader.notes[-1]
    epb = struct.pack("<IIIII", 5, 0, 0, 4, 4) + b"abcd"
    block = struct.pack("<II", 6, len(epb) + 12) + epb + struct.pack("<I", len(epb) + 12)
    pb.write_pcapng(tmp_path / "empty.pcapng", [])  # section + interface blocks only
    reader = open_capture(write(tmp_path / "y.pcapng", (tmp_path / "empty.pcapng").read_bytes() + block))
    assert list(reader) == [] and "undeclared interface 5" in reader.notes[0]


def test_gzip_cut_short_and_not_a_capture(tmp_path: Path) -> None:
    whole = (pb.OUT / "site.pcap.gz").read_bytes()
    reader = open_capture(write(tmp_path / "c.pcap.gz", whole[: len(whole) * 2 // 3]))
    records = list(reader)
    assert 0 < len(records) < len(pb.site_frames())  # every record before the cut, none after
    assert "gzip stream cut short (no end-of-stream marker)" in reader.notes
    with pytest.raises(CaptureError, match="not a pcap or pcapng"):
        open_capture(write(tmp_path / "t.txt", b"GET / HTTP/1.1\r\n"))
    with pytest.raises(CaptureError, match="cannot open"):
        open_capture(tmp_path / "missing.pcap")


def test_out_of_order_segments_count_against_the_bounds() -> None:
    r, views, _ = collect()
    r.feed(seg("10.0.0.1", 80, "10.0.0.2", 5000, 0, b"HTTP/1.1 200 OK\r\n"))
    for i in range(1, 40):  # every segment leaves a hole before it: all wait, up to the window
        r.feed(seg("10.0.0.1", 80, "10.0.0.2", 5000, i * 3000, b"y" * 1500))
        assert r.held_bytes <= streams.MAX_TO_CLIENT + streams.MAX_TO_SERVER
    r.flush()
    assert r.held_bytes == 0 and len(views) == 1


def test_a_datagram_heard_again_only_moves_its_hosts_last_seen() -> None:
    once, twice = PassiveSession(), PassiveSession()
    frame = pb.udp(pb.HIK_SADP, "239.255.255.250", 37020, 37020,
                   pb.cap("sadp/hikvision_ds-2cd2320d-i_probematch.xml"))
    once.feed(Record(100.0, LINKTYPE_ETHERNET, frame, len(frame)))
    for ts in (100.0, 160.0, 130.0):
        twice.feed(Record(ts, LINKTYPE_ETHERNET, frame, len(frame)))
    (a,), (b,) = once.store.hosts(), twice.store.hosts()
    assert a.observations == b.observations and a.raw == b.raw
    seen = twice.store.seen[id(b)]
    assert (seen.first, seen.last, seen.signals) == (100.0, 160.0, ["sadp-probematch"])
    assert twice.counts.per_decoder["sadp"] == 3 * once.counts.per_decoder["sadp"] > 0


def test_a_datagram_a_decoder_failed_on_is_decoded_again() -> None:
    s = PassiveSession(("sadp",))
    calls = []

    def broken(pkt: object) -> list[object]:
        calls.append(pkt)
        raise ValueError("decoder bug")

    s._udp[37020][0].decode = broken  # type: ignore[method-assign]
    frame = pb.udp(pb.TOOL_PC, "239.255.255.250", 37020, 37020, b"<Probe/>")
    for ts in (1.0, 2.0):
        s.feed(Record(ts, LINKTYPE_ETHERNET, frame, len(frame)))
    assert len(calls) == 2 and s.counts.notes["decoder sadp failed: ValueError"] == 2
