"""TCP stream reassembly, bounded: the first bytes of each direction of the connections worth reading.

A connection is kept only when its first payload looks like a request or response a stream
decoder reads (HTTP, RTSP, a TLS handshake); anything else (video, mid-stream pick-ups) is marked
ignored and costs one dictionary lookup per packet from then on. Per connection at most
``MAX_TO_CLIENT``/``MAX_TO_SERVER`` bytes are kept, out-of-order segments wait in a small bounded
queue, overlaps keep the first copy (a different second copy is noted), and the whole table holds at
most ``MAX_CONNECTIONS`` connections and ``MAX_TOTAL_BYTES`` bytes: past that the oldest connection is
handed to the decoders early. Nothing here raises on hostile sequence numbers.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from netfinger.passive.interface import Packet, StreamView

MAX_TO_CLIENT = 64 * 1024
MAX_TO_SERVER = 16 * 1024
MAX_PENDING = 32  # out-of-order segments held per direction
MAX_CONNECTIONS = 4096
MAX_TOTAL_BYTES = 48 * 1024 * 1024
MAX_IGNORED = 65536
FIN, SYN, RST, ACK = 0x01, 0x02, 0x04, 0x10
_HALF = 1 << 31
GAP_NOTE = "tcp: a gap the reassembly window cannot bridge (lost or unseen segments); read up to it"
_REQUESTS = (b"GET ", b"POST ", b"HEAD ", b"PUT ", b"OPTIONS ", b"DESCRIBE ", b"SETUP ", b"PLAY ",
             b"GET_PARAMETER ", b"TEARDOWN ")
_RESPONSES = (b"HTTP/", b"RTSP/")

Key = tuple[str, int, str, int]  # (client ip, client port, server ip, server port)
Notes = Callable[[str, str], None]  # (ip, note)


def opening_role(payload: bytes) -> str:
    """'client' or 'server' when ``payload`` can open a readable exchange, else ''."""
    if payload.startswith(_REQUESTS):
        return "client"
    if payload.startswith(_RESPONSES):
        return "server"
    if len(payload) >= 6 and payload[0] == 0x16 and payload[1] == 0x03:
        return "client" if payload[5] == 1 else "server" if payload[5] == 2 else ""
    return ""


@dataclass
class _Direction:
    limit: int
    base: int | None = None
    data: bytearray = field(default_factory=bytearray)
    pending: dict[int, bytes] = field(default_factory=dict)
    stuck: bool = False  # a gap the window cannot bridge: the rest will never be contiguous
    pending_bytes: int = 0

    @property
    def held(self) -> int:
        return len(self.data) + self.pending_bytes

    @property
    def full(self) -> bool:
        return len(self.data) >= self.limit

    def add(self, seq: int, payload: bytes) -> tuple[int, str]:
        """Place a segment; returns (bytes added to the table, anomaly note or '')."""
        if self.base is None:
            self.base = seq
        offset = (seq - self.base) % (1 << 32)
        if offset >= _HALF:
            return 0, ""  # before the start we kept: a retransmission of what we never saw
        before = self.held
        note = self._place(offset, payload)
        while self.pending and not self.full:
            nxt = min(self.pending)
            if nxt > len(self.data):
                break
            waiting = self.pending.pop(nxt)
            self.pending_bytes -= len(waiting)
            note = self._place(nxt, waiting) or note
        return self.held - before, note

    def _place(self, offset: int, payload: bytes) -> str:
        have = len(self.data)
        if offset > have:
            kept = payload[: self.limit - offset]
            if (offset < self.limit and len(self.pending) < MAX_PENDING
                    and self.pending_bytes + len(kept) <= self.limit):
                if offset not in self.pending:
                    self.pending[offset] = kept
                    self.pending_bytes += len(kept)
                return ""
            self.stuck = True
            return GAP_NOTE
        overlap = self.data[offset:offset + len(payload)]
        note = ""
        if overlap and bytes(overlap) != payload[: len(overlap)]:
            note = "tcp: overlapping segments with different data (first copy kept)"
        tail = payload[len(overlap):]
        room = self.limit - have
        if tail and room > 0:
            self.data += tail[:room]
        return note


@dataclass
class _Connection:
    key: Key
    first_ts: float
    last_ts: float
    to_server: _Direction = field(default_factory=lambda: _Direction(MAX_TO_SERVER))
    to_client: _Direction = field(default_factory=lambda: _Direction(MAX_TO_CLIENT))
    closing: bool = False

    def view(self) -> StreamView:
        c_ip, c_port, s_ip, s_port = self.key
        return StreamView(c_ip, s_ip, c_port, s_port, bytes(self.to_server.data), bytes(self.to_client.data),
                          self.first_ts, self.last_ts)


class Reassembler:
    """Feed TCP packets; finished connections go to ``deliver`` as :class:`StreamView` s."""

    def __init__(self, deliver: Callable[[StreamView], None], note: Notes) -> None:
        self._deliver = deliver
        self._note = note
        self._conns: OrderedDict[Key, _Connection] = OrderedDict()
        self._ignored: OrderedDict[tuple[str, int, str, int], None] = OrderedDict()
        self._bytes = 0
        self.evicted = 0

    def _lookup(self, pkt: Packet) -> tuple[_Connection | None, bool]:
        """(connection, True when the packet flows client→server)."""
        src, dst = (pkt.src_ip or "", pkt.sport), (pkt.dst_ip or "", pkt.dport)
        conn = self._conns.get((*src, *dst))
        if conn is not None:
            return conn, True
        return self._conns.get((*dst, *src)), False

    def feed(self, pkt: Packet) -> bool:
        """Take one segment; True when its connection is set aside (later segments can be dropped unread)."""
        conn, upstream = self._lookup(pkt)
        if conn is None:
            if (pkt.src_ip or "", pkt.sport, pkt.dst_ip or "", pkt.dport) in self._ignored:
                return True
            if not pkt.payload:
                return False
            conn, upstream = self._open(pkt)
            if conn is None:
                return True
        self._conns.move_to_end(conn.key)
        conn.last_ts = pkt.ts
        if pkt.payload:
            side = conn.to_server if upstream else conn.to_client
            added, note = side.add(pkt.tcp_seq, pkt.payload)
            self._bytes += added
            if note:
                self._note(conn.key[2], note)
        if pkt.tcp_flags & (FIN | RST) or conn.to_client.full or conn.to_client.stuck or conn.to_server.stuck:
            self._finish(conn.key)
            return True
        if self._bytes > MAX_TOTAL_BYTES or len(self._conns) > MAX_CONNECTIONS:
            self.evicted += 1
            self._finish(next(iter(self._conns)))
        return False

    def _open(self, pkt: Packet) -> tuple[_Connection | None, bool]:
        role = opening_role(pkt.payload)
        src, dst = (pkt.src_ip or "", pkt.sport), (pkt.dst_ip or "", pkt.dport)
        if not role:
            self._ignored[(*src, *dst)] = None
            self._ignored[(*dst, *src)] = None
            while len(self._ignored) > MAX_IGNORED:
                self._ignored.popitem(last=False)
            return None, False
        key: Key = (*src, *dst) if role == "client" else (*dst, *src)
        conn = _Connection(key, pkt.ts, pkt.ts)
        if pkt.tcp_flags & ACK:  # the opener acknowledges where the other side's bytes start
            (conn.to_client if role == "client" else conn.to_server).base = pkt.tcp_ack
        self._conns[key] = conn
        return conn, role == "client"

    def _finish(self, key: Key) -> None:
        conn = self._conns.pop(key, None)
        if conn is None:
            return
        self._bytes -= conn.to_server.held + conn.to_client.held
        self._ignored[key] = None
        self._ignored[(key[2], key[3], key[0], key[1])] = None
        while len(self._ignored) > MAX_IGNORED:
            self._ignored.popitem(last=False)
        self._deliver(conn.view())

    def flush(self) -> None:
        """Hand every open connection to the decoders (end of capture)."""
        for key in list(self._conns):
            self._finish(key)

    @property
    def held_bytes(self) -> int:
        return self._bytes
