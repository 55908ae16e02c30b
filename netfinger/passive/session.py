"""The listening session: records in, decoders run, findings into the store. Pure; the readers feed it.

The hot loop is :meth:`PassiveSession.feed`. A cheap prefilter on untagged Ethernet/IPv4 frames
drops, before any decoding, UDP datagrams no decoder reads and TCP segments of connections the
reassembler already set aside (video, mostly); everything else is decoded in full.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from netfinger.evidence import Sighting
from netfinger.passive import frames
from netfinger.passive.decoders import DECODERS, STREAM_DECODERS
from netfinger.passive.fragments import Defragmenter
from netfinger.passive.interface import LINKTYPE_ETHERNET, Decoder, Finding, Packet, Record, StreamView
from netfinger.passive.store import PassiveStore
from netfinger.passive.streams import Reassembler

log = logging.getLogger("netfinger.passive")
MAX_SKIP = 1 << 18
MAX_NOTE_KINDS = 64
TICK = 4096  # records between checks of the stop flag and progress
IPV4_NO_OPTIONS = b"\x08\x00\x45"  # EtherType IPv4, version 4 / header length 20
MAX_REPEATS = 4096  # datagrams remembered for repeats (then forgotten all at once)
MAX_REPEAT_BYTES = 4096  # larger datagrams are always decoded
CUT_NOTE = "packets cut by the capture's snap length (their payload read as far as it was kept)"


@dataclass
class Counts:
    records: int = 0
    packets: int = 0
    skipped: int = 0
    per_decoder: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)

    def note(self, text: str) -> None:
        if text in self.notes or len(self.notes) < MAX_NOTE_KINDS:
            self.notes[text] += 1


class PassiveSession:
    def __init__(self, decoders: tuple[str, ...] | None = None) -> None:
        chosen = [cls() for name, cls in DECODERS.items() if decoders is None or name in decoders]
        self.stream_decoders = [cls() for name, cls in STREAM_DECODERS.items()
                                if decoders is None or name in decoders]
        self._udp: dict[int, list[Decoder]] = {}
        self._eth: dict[int, list[Decoder]] = {}
        for dec in chosen:
            for port in dec.udp_ports:
                self._udp.setdefault(port, []).append(dec)
            for ethertype in dec.ethertypes:
                self._eth.setdefault(ethertype, []).append(dec)
        self._tcp = bool(self.stream_decoders)
        self.decoder_names = [d.name for d in chosen] + [d.name for d in self.stream_decoders]
        self._skip: set[bytes] = set()
        self._repeats: dict[tuple[object, ...], list[tuple[str, list[Finding]]]] = {}
        self.store = PassiveStore()
        self.counts = Counts()
        self.reassembler = Reassembler(self._stream_done, self._host_note)
        self.defrag = Defragmenter()
        self.last_ts: float | None = None

    # --- the hot loop ------------------------------------------------------------------------
    def consume(self, records: Iterable[Record], tick: Callable[[], bool] | None = None) -> None:
        """Feed every record; ``tick`` runs every TICK records and stops the loop by returning False.

        The prefilter is inline and works on locals (this runs for every record): an untagged
        Ethernet/IPv4 frame without IP options that is UDP to/from no decoder's port, or TCP of a
        connection set aside, is counted and dropped before any decoding.
        """
        udp, skip, tcp, counts = self._udp, self._skip, self._tcp, self.counts
        decode = self.decode_record
        n = skipped = 0
        set_prefilter = getattr(records, "set_prefilter", None)
        if set_prefilter is not None:  # the pcap reader runs the same prefilter itself, cheaper
            set_prefilter(frozenset(udp), skip, tcp)
        for rec in records:
            n += 1
            data = rec[2]
            if (rec[1] == LINKTYPE_ETHERNET and data[12:15] == IPV4_NO_OPTIONS and len(data) >= 38
                    and not (data[20] & 0x3F or data[21])):  # not a fragment (those go to reassembly)
                proto = data[23]
                if proto == 17:
                    if (data[34] << 8 | data[35]) not in udp and (data[36] << 8 | data[37]) not in udp:
                        skipped += 1
                        continue
                elif proto == 6 and (not tcp or data[26:38] in skip):
                    skipped += 1
                    continue
            decode(rec)
            if not n % TICK and tick is not None:
                counts.records, counts.skipped = counts.records + n, counts.skipped + skipped
                n = skipped = 0
                if not tick():
                    break
        early = getattr(records, "skipped", 0)
        counts.records += n + early
        counts.skipped += skipped + early

    def feed(self, rec: Record) -> None:
        """One record (tests, small inputs); :meth:`consume` is the fast path."""
        self.consume((rec,))

    def decode_record(self, rec: Record) -> None:
        counts = self.counts
        self.last_ts = rec.ts
        if rec.linktype == LINKTYPE_ETHERNET and frames.is_ipv4_fragment(rec.data):
            whole = self.defrag.add(rec)
            for text in self.defrag.notes:
                counts.note(text)
            self.defrag.notes.clear()
            if whole is None:
                return
            rec = whole
        pkt, note = frames.decode(rec)
        if note:
            counts.note(note)
            if pkt is not None and pkt.src_ip:
                self._host_note(pkt.src_ip, f"capture: {note}", count=False)
        if pkt is None:
            return
        if pkt.cut and rec.wire_len > len(rec.data):
            counts.note(CUT_NOTE)
        counts.packets += 1
        if pkt.transport == "udp":
            decoders = self._udp.get(pkt.dport) or self._udp.get(pkt.sport) or []
        elif pkt.transport == "tcp":
            self._tcp_packet(rec.data, pkt)
            return
        else:
            decoders = self._eth.get(pkt.ethertype, [])
        if decoders:
            self._decode(pkt, decoders)
        if decoders and pkt.src_is_v4 and not pkt.link_local and pkt.src_ip:
            self.store.note_frame_mac(pkt.src_ip, pkt.src_mac)

    def _decode(self, pkt: Packet, decoders: list[Decoder]) -> None:
        """Run the decoders, or, for a datagram heard before (the same announcement every few seconds,
        the same search), only count it again: decoders are pure, so it would say the same."""
        key = None
        if pkt.transport == "udp" and len(pkt.payload) <= MAX_REPEAT_BYTES:
            key = (pkt.src_mac, pkt.dst_mac, pkt.src_ip, pkt.dst_ip, pkt.sport, pkt.dport, pkt.cut,
                   pkt.payload)
            before = self._repeats.get(key)
            if before is not None:
                for name, found in before:
                    self.counts.per_decoder[name] += len(found)
                    for finding in found:
                        self.store.again(finding, pkt.ts)
                return
        results = [(dec.name, self._run(dec.name, lambda d=dec: d.decode(pkt), pkt.ts))  # type: ignore[misc]
                   for dec in decoders]
        if key is not None and all(found is not None for _, found in results):
            if len(self._repeats) >= MAX_REPEATS:
                self._repeats.clear()
            self._repeats[key] = [(name, found or []) for name, found in results]

    def _tcp_packet(self, data: bytes, pkt: Packet) -> None:
        if not self._tcp:
            return
        ignored = self.reassembler.feed(pkt)
        if not ignored and pkt.src_is_v4 and pkt.src_ip:
            self.store.note_frame_mac(pkt.src_ip, pkt.src_mac)
        if ignored and len(data) >= 38 and data[12:14] == b"\x08\x00" and data[14] == 0x45:
            if len(self._skip) >= MAX_SKIP:
                self._skip.clear()
            self._skip.add(data[26:38])
            self._skip.add(data[30:34] + data[26:30] + data[36:38] + data[34:36])

    def _run(self, name: str, decode: Callable[[], list[Finding]], ts: float) -> list[Finding] | None:
        """The decoder's findings, into the store; None when it failed."""
        try:
            found = decode()
        except Exception as exc:  # a decoder bug must not end the capture; it is counted and noted
            log.debug("decoder %s failed", name, exc_info=True)
            self.counts.note(f"decoder {name} failed: {type(exc).__name__}")
            return None
        if found:
            self.counts.per_decoder[name] += len(found)
        for finding in found:
            self.store.add(finding, ts)
        return found

    def _stream_done(self, view: StreamView) -> None:
        head = view.to_client[:8] or view.to_server[:1]
        for dec in self.stream_decoders:
            if dec.wants(view.server_port, head):
                self._run(dec.name, lambda d=dec: d.decode_stream(view), view.last_ts)  # type: ignore[misc]

    def _host_note(self, ip: str, note: str, count: bool = True) -> None:
        if count:
            self.counts.note(note)
        self.store.add(Finding(Sighting(ip=ip, anomalies=(note,)), signal=""), self.last_ts or 0.0)

    def finish(self) -> None:
        """End of input: open TCP connections go to the decoders, then hosts get their MAC facts."""
        self.reassembler.flush()
        self.store.finish()
