"""``netfinger listen --read`` on a large capture of mostly video (issue 13). Prints figures; asserts nothing.

Builds a capture (default 1 GiB) of camera video, as a VMS records it on a SPAN port: RTSP sessions
(OPTIONS/DESCRIBE/SETUP/PLAY with a Hikvision camera's replies, then RTP interleaved on the same
TCP connection), RTP over UDP from more cameras, and some discovery chatter (SADP, WS-Discovery
Hello, DNS) in between. Then it times, in the same run:

* ``tcpdump -r FILE -w /dev/null`` (the floor: libpcap reading and writing every record);
* ``netfinger listen --read FILE --json OUT -q`` (wall, CPU, peak RSS, packets per second);
* the record readers alone on the first 64 MiB: netfinger's ``struct`` reader and scapy's
  ``PcapReader`` (why the hot loop does not use scapy).

Run: ``.venv/bin/python bench/passive_bench.py [--size-mib 1024] [--workdir DIR] [--keep]
[--baseline OTHER_NETFINGER]`` (the baseline is timed alternately with this checkout's netfinger).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "unit"))
import passive_build as pb
from measure import Measurement

ROOT = Path(__file__).resolve().parent.parent
NF = str(ROOT / ".venv" / "bin" / "netfinger")
CHUNK_VARIANTS = 64
SLICE = 64 * 1024 * 1024


def rtp_over_tcp(cam: tuple[str, str], client: tuple[str, str], cport: int, seq: int, n: int) -> list[bytes]:
    """Interleaved RTP ($, channel 0) right after the RTSP replies: one scapy frame, its seq patched."""
    body = b"$\x00" + struct.pack("!H", 1396) + b"\x80\x60" + bytes(1394)
    template = bytearray(pb.tcp(cam, client, 554, cport, seq, body, ack=1))
    out = []
    for _ in range(n):
        struct.pack_into("!I", template, 38, seq & 0xFFFFFFFF)
        out.append(bytes(template))
        seq += len(body)
    return out


def rtp_over_udp(cam: tuple[str, str], client: tuple[str, str], n: int) -> list[bytes]:
    head = pb.udp(cam, client[1], 6970, 50000, b"\x80\x60" + bytes(1390), dst_mac=client[0])
    return [head] * n


def chunk(variant: int) -> bytes:
    """About 1 MiB of records: one RTSP session start, its video, UDP video, one discovery datagram."""
    cam = (f"98:8b:0a:00:00:{variant:02x}", f"10.1.{variant // 200}.{variant % 200 + 10}")
    other = (f"3c:ef:8c:00:00:{variant:02x}", f"10.2.{variant // 200}.{variant % 200 + 10}")
    client = pb.VMS
    cport = 40000 + variant
    url = f"rtsp://{cam[1]}:554/Streaming/Channels/101"
    replies = [pb.cap("rtsp/hikvision_options_200.txt"), pb.cap("rtsp/hikvision_describe_200.txt")]
    frames = pb.exchange(client, cam, cport, 554, [
        (pb.rtsp_request("OPTIONS", url, 1), replies[0]),
        (pb.rtsp_request("DESCRIBE", url, 2), replies[1])])[:-1]
    frames += rtp_over_tcp(cam, client, cport, 5000 + sum(map(len, replies)), 420)
    frames += rtp_over_udp(other, client, 300)
    frames.append(pb.udp(pb.HIK_SADP, "239.255.255.250", 37020, 37020,
                         pb.cap("sadp/hikvision_ds-2cd2320d-i_probematch.xml")))
    frames.append(pb.dns_query(pb.PHONE, "litedev.ezvizlife.com", variant))
    out = bytearray()
    for i, frame in enumerate(frames):
        out += struct.pack("<IIII", int(pb.T0) + variant, i, len(frame), len(frame)) + frame
    return bytes(out)


def build_capture(path: Path, size: int) -> int:
    """Write the capture; returns the number of records."""
    chunks = [chunk(v) for v in range(CHUNK_VARIANTS)]
    counts = [_records(c) for c in chunks]
    written, records, i = 24, 0, 0
    with path.open("wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        while written < size:
            f.write(chunks[i % CHUNK_VARIANTS])
            written += len(chunks[i % CHUNK_VARIANTS])
            records += counts[i % CHUNK_VARIANTS]
            i += 1
    return records


def _records(data: bytes) -> int:
    n, pos = 0, 0
    while pos < len(data):
        pos += 16 + struct.unpack_from("<I", data, pos + 8)[0]
        n += 1
    return n


def readers(path: Path) -> tuple[float, float, int]:
    """Seconds for netfinger's reader and scapy's PcapReader over the first SLICE bytes; records read."""
    part = path.with_suffix(".slice.pcap")
    with path.open("rb") as src, part.open("wb") as dst:
        data = src.read(SLICE)
        pos = 24
        while pos + 16 <= len(data) and pos + 16 + struct.unpack_from("<I", data, pos + 8)[0] <= len(data):
            pos += 16 + struct.unpack_from("<I", data, pos + 8)[0]
        dst.write(data[:pos])  # whole records only
    from scapy.utils import PcapReader

    from netfinger.passive.readers import open_capture

    start = time.perf_counter()
    reader = open_capture(part)
    count = sum(1 for _ in reader)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    with PcapReader(str(part)) as scapy_reader:
        for _ in scapy_reader:
            pass
    theirs = time.perf_counter() - start
    part.unlink()
    return ours, theirs, count


def measure(cmd: list[str]) -> Measurement:
    """``cmd`` measured from a small parent (bench/measure.py's main): this process holds the capture's
    chunks and scapy, and a child forked from it would count them in its peak RSS."""
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("measure.py")), *cmd],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    return Measurement(**json.loads(out))


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "CPU model unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (median shown)")
    parser.add_argument("--keep", action="store_true", help="keep the capture")
    parser.add_argument("--baseline", default=None, metavar="NETFINGER",
                        help="another netfinger executable (e.g. /work/main/.venv/bin/netfinger) timed on "
                             "the same file, alternating with this one: before/after figures in one run")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nf-passive-", dir=args.workdir))
    cap = work / "video.pcap"
    started = time.perf_counter()
    records = build_capture(cap, args.size_mib * 1024 * 1024)
    size = cap.stat().st_size
    built = time.perf_counter() - started
    print(f"capture: {size / 2**20:.0f} MiB, {records} records, built in {built:.1f}s")
    tcpdump: list[Measurement] = []
    listen: list[Measurement] = []
    report = work / "report.json"
    baseline: list[Measurement] = []
    load_start = os.getloadavg()[0]
    for _ in range(args.repeat):
        tcpdump.append(measure(["tcpdump", "-r", str(cap), "-w", "/dev/null"]))
        listen.append(measure([NF, "listen", "--read", str(cap), "--json", str(report), "-q"]))
        if args.baseline:
            baseline.append(measure([args.baseline, "listen", "--read", str(cap), "--json",
                                     str(work / "baseline.json"), "-q"]))
    td = statistics.median(m.wall_s for m in tcpdump)
    nf = statistics.median(m.wall_s for m in listen)
    rss = max(m.peak_rss_mb for m in listen)
    cpu = statistics.median(m.cpu_s for m in listen)
    td_cpu = statistics.median(m.cpu_s for m in tcpdump)
    print(f"machine: {os.cpu_count()} CPUs ({cpu_model()}), load average {load_start:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end (shared with other work)")
    print(f"tcpdump -r -w /dev/null: {td:.2f}s wall, {td_cpu:.2f}s CPU "
          f"(runs {', '.join(f'{m.wall_s:.2f}' for m in tcpdump)})")
    print(f"netfinger listen --read: {nf:.2f}s wall, {cpu:.2f}s CPU, peak RSS {rss:.0f} MB, "
          f"{records / nf:,.0f} packets/s, {size / 2**20 / nf:.0f} MiB/s "
          f"(runs {', '.join(f'{m.wall_s:.2f}' for m in listen)})")
    print(f"ratio to tcpdump: {nf / td:.2f}x wall, {cpu / td_cpu:.2f}x CPU "
          f"(bound 3x wall: {'met' if nf <= 3 * td else 'MISSED'}); "
          f"RSS bound 200 MB: {'met' if rss <= 200 else 'MISSED'}")
    if baseline:
        b_wall = statistics.median(m.wall_s for m in baseline)
        b_cpu = statistics.median(m.cpu_s for m in baseline)
        print(f"baseline {args.baseline}: {b_wall:.2f}s wall, {b_cpu:.2f}s CPU, peak RSS "
              f"{max(m.peak_rss_mb for m in baseline):.0f} MB, {b_wall / td:.2f}x tcpdump wall "
              f"(runs {', '.join(f'{m.wall_s:.2f}' for m in baseline)})")
        (work / "baseline.json").unlink(missing_ok=True)
    data = json.loads(report.read_text())
    print(f"hosts {len(data['hosts'])}; capture: {data['scan']['probes']['capture'][:160]}")
    ours, theirs, count = readers(cap)
    print(f"readers on the first {SLICE // 2**20} MiB ({count} records): netfinger {ours:.2f}s "
          f"({count / ours:,.0f} rec/s), scapy PcapReader {theirs:.2f}s ({count / theirs:,.0f} rec/s), "
          f"{theirs / ours:.0f}x slower")
    if not args.keep:
        cap.unlink()
        report.unlink(missing_ok=True)
        os.rmdir(work)
    else:
        print(f"kept {cap}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
