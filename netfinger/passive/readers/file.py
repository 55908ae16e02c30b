"""pcap and pcapng, gzip-compressed or not, read as a stream (one record in memory at a time).

A pure-``struct`` reader: scapy's ``PcapReader`` builds a full packet object per record and is about
40 times slower (figures in docs/passive.md). Hostile files are expected: a bogus length or a cut
last record ends the reading with a note in ``notes``; nothing raises past :func:`open_capture`.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from netfinger.errors import NetfingerError
from netfinger.passive.interface import LINKTYPE_ETHERNET, Record

MAX_RECORD = 256 * 1024  # no link type carries more in one frame; a larger length is a lie
MAX_BLOCK = MAX_RECORD + 4096
CHUNK = 4 * 1024 * 1024
MAX_INTERFACES = 256
MAX_NOTES = 50
GZIP_MAGIC = b"\x1f\x8b"
PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", 1e-6), b"\xa1\xb2\xc3\xd4": (">", 1e-6),
    b"\x4d\x3c\xb2\xa1": ("<", 1e-9), b"\xa1\xb2\x3c\x4d": (">", 1e-9),
}
PCAPNG_SHB = b"\x0a\x0d\x0d\x0a"
BLOCK_IDB, BLOCK_OPB, BLOCK_SPB, BLOCK_EPB = 1, 2, 3, 6
OPT_TSRESOL = 9


class CaptureError(NetfingerError):
    """The file is not a capture netfinger can read (the message says what it is instead)."""


class CaptureReader:
    """Iterate :class:`Record` s; ``notes`` collects what was wrong with the file."""

    def __init__(self, stream: BinaryIO, name: str) -> None:
        self.name = name
        self.notes: list[str] = []
        self.records = 0
        self.bytes = 0
        self._stream = stream
        self._more = True
        self._prefilter: tuple[frozenset[int] | set[int], set[bytes], bool] | None = None
        self.skipped = 0  # records the prefilter dropped unread (counted in ``records`` too)
        self.should_stop: Callable[[], bool] = lambda: False  # checked once per chunk read
        head = stream.read(4)
        if head in PCAP_MAGICS:
            self.format = "pcap"
            self._iter = self._pcap(head)
        elif head == PCAPNG_SHB:
            self.format = "pcapng"
            self._iter = self._pcapng(head)
        else:
            raise CaptureError(f"{name}: not a pcap or pcapng capture (starts {head.hex() or 'empty'}); "
                               "write one with tcpdump -w or Wireshark")

    def note(self, text: str) -> None:
        if len(self.notes) < MAX_NOTES and text not in self.notes:
            self.notes.append(text)

    def set_prefilter(self, udp_ports: frozenset[int] | set[int], tcp_skip: set[bytes],
                      tcp_wanted: bool) -> None:
        """Drop, inside the pcap loop and before any copy, untagged Ethernet/IPv4 frames that are UDP to
        and from none of ``udp_ports``, or TCP whose (addresses, ports) bytes are in ``tcp_skip`` (or any
        TCP when not ``tcp_wanted``). The set is the session's own, so it sees connections set aside later.
        """
        self._prefilter = (udp_ports, tcp_skip, tcp_wanted)

    def __iter__(self) -> Iterator[Record]:
        return self._iter

    def close(self) -> None:
        self._stream.close()

    def _exact(self, size: int) -> bytes | None:
        data = self._stream.read(size)
        if len(data) == size:
            return data
        if data:
            self.note(f"capture ends inside a record ({len(data)} of {size} bytes): truncated file")
        problem = getattr(self._stream, "problem", "")
        if problem:
            self.note(problem)
        return None

    def _read_or_note(self, size: int) -> bytes | None:
        try:
            return self._exact(size)
        except (OSError, EOFError) as exc:
            self.note(f"capture unreadable after {self.records} records: {type(exc).__name__}: {exc}"[:200])
            return None

    def _pcap(self, magic: bytes) -> Iterator[Record]:
        order, unit = PCAP_MAGICS[magic]
        header = self._read_or_note(20)
        if header is None:
            self.note("pcap global header cut")
            return
        linktype = struct.unpack(order + "HHiIII", header)[5] & 0xFFFF
        yield from self._pcap_records(order, unit, linktype)

    def _pcap_records(self, order: str, unit: float, linktype: int) -> Iterator[Record]:
        """The hot loop. The file is read into one reused buffer (no allocation per chunk); a record the
        prefilter drops costs one ``struct`` unpack of its header and first 38 frame bytes, and a few
        comparisons: no slice, no copy. Kept records are copied out as ``bytes``."""
        unpack = struct.Struct(order + "IIII").unpack_from
        peek = struct.Struct(order + "8xI4x12x3s5xHxB2x12s").unpack_from  # caplen, frame fields
        ports_of = struct.Struct(order + "8xHH").unpack_from  # UDP ports, in the file's byte order
        new = tuple.__new__  # a Record without its Python-level __new__ (one per record)
        udp, tcp_skip, tcp_wanted = self._prefilter or (frozenset(), set(), False)
        udp = _in_order(udp, order)
        filtered = self._prefilter is not None and linktype == LINKTYPE_ETHERNET
        ipv4, frag_mask = b"\x08\x00\x45", 0xFF3F if order == "<" else 0x3FFF  # MF flag, offset
        buf = bytearray(CHUNK + MAX_RECORD + 64)
        view = memoryview(buf)
        end = pos = count = skipped = 0
        while True:
            if self.should_stop():
                return
            rest = end - pos
            view[:rest] = bytes(view[pos:end])  # the cut record at the end moves to the front
            got = self._chunk_into(view[rest:])
            pos, end = 0, rest + got
            last = end - 54  # a record at or before this has its header and 38 frame bytes in the buffer
            while pos + 16 <= end:
                if filtered and pos <= last:
                    caplen, eth, frag, proto, key = peek(buf, pos)
                    stop = pos + 16 + caplen
                    if 38 <= caplen <= MAX_RECORD and stop <= end and eth == ipv4 and not frag & frag_mask:
                        if proto == 6:
                            if not tcp_wanted or key in tcp_skip:
                                pos, count, skipped = stop, count + 1, skipped + 1
                                continue
                        elif proto == 17:
                            sport, dport = ports_of(key)
                            if sport not in udp and dport not in udp:
                                pos, count, skipped = stop, count + 1, skipped + 1
                                continue
                sec, frac, caplen, wire = unpack(buf, pos)
                if caplen > MAX_RECORD:
                    self.note(f"pcap record {count + 1} claims {caplen} bytes (bogus length); "
                              "reading stopped there")
                    return
                stop = pos + 16 + caplen
                if stop > end:
                    break
                count += 1
                data = bytes(view[pos + 16:stop])
                yield new(Record, (sec + frac * unit, linktype, data, max(wire, caplen)))
                pos = stop
            self.records, self.skipped = count, skipped
            if not got:
                if pos < end:
                    self.note(f"capture ends inside a record ({end - pos} bytes left over): truncated file")
                return

    def _chunk_into(self, into: memoryview) -> int:
        """Fill ``into`` with the next block of the file (0 at the end); read errors end the input with a
        note."""
        if not self._more:
            return 0
        try:
            got = cast(io.BufferedReader, self._stream).readinto1(into) or 0  # or _Gunzip's
        except (OSError, EOFError) as exc:
            self.note(f"capture unreadable after {self.records} records: {type(exc).__name__}: {exc}"[:200])
            got = 0
        if not got:
            self._more = False
            problem = getattr(self._stream, "problem", "")
            if problem:
                self.note(problem)
        return got

    def _pcapng(self, first: bytes) -> Iterator[Record]:
        order = "<"
        links: list[tuple[int, float]] = []
        btype_raw = first
        while True:
            head = self._read_or_note(4) if btype_raw else None
            if head is None:
                return
            if btype_raw == PCAPNG_SHB:
                body_start = self._read_or_note(4)
                if body_start is None:
                    return
                order = "<" if body_start == b"\x4d\x3c\x2b\x1a" else ">"
                links = []
            total = struct.unpack(order + "I", head)[0]
            if total < 12 or total % 4 or total > MAX_BLOCK:
                self.note(f"pcapng block with a bogus length {total}; reading stopped there")
                return
            already = 4 if btype_raw == PCAPNG_SHB else 0
            body = self._read_or_note(total - 12 - already)
            trailer = self._read_or_note(4) if body is not None else None
            if body is None or trailer is None:
                return
            btype = struct.unpack(order + "I", btype_raw)[0]
            record = self._block(order, btype, body, links)
            if record is not None:
                yield record
            btype_raw = self._read_or_note(4) or b""

    def _block(self, order: str, btype: int, body: bytes, links: list[tuple[int, float]]) -> Record | None:
        if btype == BLOCK_IDB and len(body) >= 8:
            if len(links) < MAX_INTERFACES:
                links.append((struct.unpack_from(order + "H", body)[0], _tsresol(order, body[8:])))
            return None
        if btype == BLOCK_EPB and len(body) >= 20:
            iface, hi, lo, caplen, wire = struct.unpack_from(order + "IIIII", body)
            data_at = 20
        elif btype == BLOCK_OPB and len(body) >= 20:
            iface, _, hi, lo, caplen, wire = struct.unpack_from(order + "HHIIII", body)
            data_at = 20
        elif btype == BLOCK_SPB and len(body) >= 4:
            iface, hi, lo, wire = 0, 0, 0, struct.unpack_from(order + "I", body)[0]
            caplen, data_at = min(wire, len(body) - 4), 4
        else:
            return None
        if iface >= len(links):
            self.note(f"pcapng packet on undeclared interface {iface}; skipped")
            return None
        if caplen > len(body) - data_at:
            self.note(f"pcapng packet claims {caplen} bytes, block holds {len(body) - data_at}; cut")
            caplen = len(body) - data_at
        linktype, resolution = links[iface]
        self.records += 1
        self.bytes += caplen
        data = body[data_at:data_at + caplen]
        return Record(((hi << 32) | lo) * resolution, linktype, data, max(wire, caplen))


class _Gunzip:
    """Streaming gzip (several members too) that gives back every byte before a cut or corrupt tail.

    ``gzip.GzipFile`` reads ahead a whole buffer and raises on a truncated file, losing the records
    before the cut; here the reader gets them, then end of input, and ``problem`` says why it ended.
    """

    CHUNK = 1 << 16

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self._z = zlib.decompressobj(31)
        self._buf = bytearray()
        self._eof = False
        self.problem = ""

    def _fill(self) -> None:
        chunk = self._raw.read(self.CHUNK)
        if not chunk:
            if not self._z.eof and not self.problem:
                self.problem = "gzip stream cut short (no end-of-stream marker)"
            self._eof = True
            return
        try:
            self._buf += self._z.decompress(chunk)
            while self._z.eof and self._z.unused_data:
                rest = self._z.unused_data
                self._z = zlib.decompressobj(31)
                self._buf += self._z.decompress(rest)
        except zlib.error as exc:
            self.problem = f"gzip stream corrupt: {exc}"
            self._eof = True

    def read(self, size: int) -> bytes:
        while len(self._buf) < size and not self._eof:
            self._fill()
        out = bytes(self._buf[:size])
        del self._buf[:size]
        return out

    def readinto1(self, into: memoryview) -> int:
        data = self.read(min(len(into), self.CHUNK * 16))
        into[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()


def _in_order(ports: frozenset[int] | set[int], order: str) -> frozenset[int]:
    """The ports as a 16-bit read in the file's byte order sees them (swapped in a little-endian file)."""
    return frozenset(ports if order == ">" else ((p & 0xFF) << 8 | p >> 8 for p in ports))


def _tsresol(order: str, options: bytes) -> float:
    """Seconds per timestamp unit from an IDB's options (if_tsresol), default microseconds."""
    pos = 0
    while pos + 4 <= len(options):
        code, length = struct.unpack_from(order + "HH", options, pos)
        if code == 0:
            break
        if code == OPT_TSRESOL and length >= 1 and pos + 5 <= len(options):
            value = options[pos + 4]
            return 2.0 ** -(value & 0x7F) if value & 0x80 else 10.0 ** -min(value, 12)
        pos += 4 + length + (-length % 4)
    return 1e-6


def open_capture(source: str | Path | BinaryIO | IO[bytes], name: str = "") -> CaptureReader:
    """A reader over a path, '-' (stdin) or an open binary stream; gzip is recognised by its magic."""
    if isinstance(source, str | Path):
        label = str(source)
        try:
            raw: BinaryIO = open(source, "rb") if str(source) != "-" else open(0, "rb", closefd=False)  # noqa: SIM115
        except OSError as exc:
            raise CaptureError(f"cannot open capture {label}: {exc.strerror or exc}") from exc
    else:
        raw, label = cast(BinaryIO, source), name or "stream"
    buffered: Any = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(cast(Any, raw))
    stream: Any = buffered
    if buffered.peek(2)[:2] == GZIP_MAGIC:
        stream = _Gunzip(buffered)
    try:
        return CaptureReader(stream, label)
    except (OSError, EOFError) as exc:
        raise CaptureError(f"{label}: cannot read: {exc}") from exc

