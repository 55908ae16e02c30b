"""The fleet end to end, on real servers: a fleet lab (HQ with redis-server and PostgreSQL, two site
labs on the same subnet), the ingest worker in HQ and one sensor per site, with faults injected.

After each fault nothing is lost (every ordered sweep is stored) and nothing is duplicated (each
uid once, and the site's sweep count grows by exactly the sweeps ordered). Root only.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from netfinger import history
from netfinger.fleet import hqdb
from netfinger.lab import fleet as fleet_lab
from netfinger.lab import hq, netns
from netfinger.lab.fleet import FleetSite, FleetState
from netfinger.lab.site import load_site
from netfinger.lab.state import LabState, unique_lab_name

pytestmark = pytest.mark.lab

NETFINGER = Path(sys.executable).parent / "netfinger"
PYTHON = Path(sys.executable)
VISIBILITY = 30  # seconds before an unacknowledged order is given out again
STORED_WITHIN = 240.0  # generous: scans of two sites on a loaded 2-core machine
# the default site's own devices plus 2 clones whose MACs differ per site (seed = site number)
SCALE = len(load_site("default").profiles) + 2


@dataclass
class Fleet:
    state: FleetState
    logs: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def db(self) -> str:
        assert self.state.postgres is not None
        return hq.pg_socket_url(self.state.postgres)

    def env(self, site: FleetSite | None) -> dict[str, str]:
        return {**os.environ, **self.state.env(site), "NETFINGER_VISIBILITY_TIMEOUT": str(VISIBILITY)}

    def start(self, key: str, site: FleetSite | None, *argv: str) -> None:
        ns = site.scanner_ns if site else self.state.hq_ns
        log = (self.logs / f"{key}.log").open("ab")
        with log:
            self.procs[key] = subprocess.Popen(["ip", "netns", "exec", ns, *argv], env=self.env(site),
                                               stdout=log, stderr=log, start_new_session=True)  # fmt: skip

    def start_sensor(self, site: FleetSite) -> None:
        self.start(site.site, site, str(NETFINGER), "sensor", "--site", site.site, "--heartbeat", "2")

    def stop(self, key: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.pop(key)
        proc.send_signal(sig)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)

    def log(self, key: str) -> str:
        return (self.logs / f"{key}.log").read_text(encoding="utf-8", errors="replace")

    def hq_run(self, *argv: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["ip", "netns", "exec", self.state.hq_ns, str(NETFINGER), *argv],
                              env=self.env(None), capture_output=True, text=True, timeout=timeout,
                              check=False)  # fmt: skip

    def order(self, *sites: FleetSite) -> dict[str, str]:
        """Sweep these sites (no wait); site -> the order's uid."""
        args = [a for s in sites for a in ("--site", s.site)]
        done = self.hq_run("fleet", "sweep", *args, timeout=120)
        assert done.returncode == 0, done.stderr
        return dict(re.findall(r"netfinger: (\S+): (?:scan|listen) ordered \((\S+)\)", done.stderr))

    def stored(self, site: str) -> list[history.SweepRow]:
        try:
            return history.list_sweeps(self.db, site=site)
        except Exception:  # the store is not created before the first result
            return []

    def uids(self, site: str) -> list[str]:
        return [r.uid for r in self.stored(site)]


def until(check: object, within: float, what: str) -> None:
    """Wait for an event (polling its observable effect), failing after ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.25)
    raise AssertionError(f"not within {within:.0f}s: {what}")


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    name = unique_lab_name("fl")[:7]
    if fleet_lab.is_fleet(name):
        fleet_lab.down(name)  # leftovers of a crashed session that had our pid
    state = fleet_lab.up(2, name, scale=SCALE)
    f = Fleet(state, tmp_path_factory.mktemp("fleet-logs"))
    try:
        f.start("ingest", None, str(NETFINGER), "fleet", "ingest")
        for site in state.sites:
            f.start_sensor(site)
        yield f
    finally:
        for key in list(f.procs):
            f.stop(key)
        hqdb.dispose()
        fleet_lab.down(name)


def _macs_of(site: FleetSite) -> set[str]:
    return {d.mac.lower() for d in LabState.load(site.lab).devices}


def test_sweep_wait_stores_every_site_and_sites_never_mix(fleet: Fleet, tmp_path: Path) -> None:
    with _scanner_frames(fleet, fleet.state.sites[0], tmp_path / "scan.pcap"):
        done = fleet.hq_run("fleet", "sweep", "--wait", "--timeout", str(STORED_WITHIN))
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(_sent_by_netfinger(tmp_path / "scan.pcap")) > 50  # the control for the listen test's check
    assert re.findall(r"^(site\d): sweep \d+ stored", done.stdout, re.M) == ["site1", "site2"]
    for site in fleet.state.sites:
        report = history.load_sweep(fleet.db, fleet.stored(site.site)[-1].id)
        found = {h.evidence.mac.lower() for h in report.hosts if h.evidence.mac}
        assert found == _macs_of(site), site.site  # all of its own devices, none of the other site's
    assert _macs_of(fleet.state.sites[0]) != _macs_of(fleet.state.sites[1])
    status = fleet.hq_run("fleet", "status", "--json")
    rows = {r["site"]: r for r in json.loads(status.stdout)}
    assert set(rows) == {"site1", "site2"}
    assert all(r["sensors_online"] and r["last_sweep"]["hosts"] == SCALE for r in rows.values()), rows


def test_result_claiming_another_site_is_rejected(fleet: Fleet) -> None:
    site1 = fleet.state.sites[0]
    before = fleet.uids("site2")
    script = (
        "from netfinger.fleet.app import make_app;import os\n"
        "make_app(os.environ['NETFINGER_BROKER']).send_task('netfinger.result',"
        " queue='netfinger.results.site1', kwargs={'uid': 'site2:forged', 'site': 'site2',"
        " 'sensor': 'evil', 'kind': 'scan', 'report': '{}'})\n"
    )
    done = subprocess.run(["ip", "netns", "exec", site1.scanner_ns, str(PYTHON), "-c", script],
                          env=fleet.env(site1), capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    until(lambda: hqdb.reject_counts(fleet.db).get("netfinger.results.site1", 0) >= 1, 120, "rejection noted")
    assert "site2:forged" not in fleet.uids("site2") and fleet.uids("site2") == before
    assert "the site it claims is not the site of its queue" in fleet.log("ingest")


def _received(fleet: Fleet, key: str) -> int:
    """Orders the sensor's worker has taken so far (its log line for each)."""
    return len(re.findall(r"Task netfinger\.sweep\[\S+\] received", fleet.log(key)))


def _order_taken(fleet: Fleet, *sites: FleetSite) -> dict[str, str]:
    """Order a sweep of these sites and return once every sensor has taken its order."""
    before = {s.site: _received(fleet, s.site) for s in sites}
    uids = fleet.order(*sites)
    for s in sites:
        until(lambda s=s: _received(fleet, s.site) > before[s.site], 120, f"{s.site} took its order")
    return uids


def _all_stored_once(fleet: Fleet, uids: dict[str, str], counts: dict[str, int], within: float) -> None:
    for site, uid in uids.items():
        until(lambda site=site, uid=uid: uid in fleet.uids(site), within, f"{site}'s sweep stored")
    for site, uid in uids.items():
        assert fleet.uids(site).count(uid) == 1
        assert len(fleet.stored(site)) == counts[site] + 1, site


def _counts(fleet: Fleet) -> dict[str, int]:
    return {s.site: len(fleet.stored(s.site)) for s in fleet.state.sites}


def test_sensor_killed_mid_scan_is_redelivered_and_stored_once(fleet: Fleet) -> None:
    site1 = fleet.state.sites[0]
    counts = _counts(fleet)
    uids = _order_taken(fleet, site1)
    fleet.stop("site1", signal.SIGKILL)  # mid-scan: the order is not acknowledged
    assert uids["site1"] not in fleet.uids("site1")
    fleet.start_sensor(site1)
    _all_stored_once(fleet, {"site1": uids["site1"]}, counts, VISIBILITY + STORED_WITHIN)
    assert hqdb.failures_of(fleet.db, [uids["site1"]]) == {}  # a crash is not a failure report


def test_redis_restarted_mid_sweep_loses_and_duplicates_nothing(fleet: Fleet) -> None:
    counts = _counts(fleet)
    uids = _order_taken(fleet, *fleet.state.sites)
    fleet_lab.restart_redis(fleet.state)
    _all_stored_once(fleet, uids, counts, VISIBILITY + STORED_WITHIN)


def test_postgres_stopped_while_ingesting_is_retried_then_stored_once(fleet: Fleet) -> None:
    site2 = fleet.state.sites[1]
    counts = _counts(fleet)
    fleet_lab.stop_postgres(fleet.state)
    try:
        delivered = fleet.log("site2").count("delivered to")
        uids = fleet.order(site2)
        until(lambda: fleet.log("site2").count("delivered to") > delivered, STORED_WITHIN, "result sent")
        until(lambda: "database not reachable" in fleet.log("ingest"), 120, "ingest retrying")
    finally:
        fleet_lab.start_postgres(fleet.state)
    _all_stored_once(fleet, uids, counts, STORED_WITHIN)


def test_wan_cut_delays_only_that_site(fleet: Fleet) -> None:
    site1, site2 = fleet.state.sites
    counts = _counts(fleet)
    uids = _order_taken(fleet, site1, site2)
    fleet_lab.set_wan(fleet.state, site2, False)
    try:
        until(lambda: uids["site1"] in fleet.uids("site1"), STORED_WITHIN, "site1 on time")
        until(lambda: "order " + uids["site2"] in fleet.log("site2"), STORED_WITHIN, "site2 scanned")
        assert uids["site2"] not in fleet.uids("site2")  # its result waits in the sensor's outbox
    finally:
        fleet_lab.set_wan(fleet.state, site2, True)
    _all_stored_once(fleet, uids, counts, VISIBILITY + STORED_WITHIN)


def test_schedule_sweeps_a_site_on_its_period(fleet: Fleet, tmp_path: Path) -> None:
    spec = tmp_path / "fleet.yaml"
    spec.write_text("sites:\n  site1:\n    every: 5\n  site2: {}\n", encoding="utf-8")
    before = set(fleet.uids("site1"))
    fleet.start("beat", None, str(NETFINGER), "fleet", "schedule", "--fleet", str(spec),
                "--state", str(tmp_path))
    try:
        until(lambda: any(u.startswith("task:") for u in set(fleet.uids("site1")) - before), STORED_WITHIN,
              "a scheduled sweep of site1 stored")
    finally:
        fleet.stop("beat")
    assert not any(u.startswith("task:") for u in fleet.uids("site2"))


def _failed_lines(done: subprocess.CompletedProcess[str]) -> dict[str, str]:
    return dict(re.findall(r"^(site\d): FAILED after [\d.]+s \(.*?\): (.*)$", done.stdout, re.M))


def test_failed_orders_report_back_at_once(fleet: Fleet) -> None:
    """The scan raises (an unknown probe), a listen on a missing interface, the time limit: each comes
    back through the broker as a failure, --wait names it long before its timeout and exits 3, nothing
    is stored as a sweep, and ``fleet status`` shows each site's last failure."""
    counts = _counts(fleet)
    wait = ("--wait", "--timeout", str(STORED_WITHIN))
    started = time.monotonic()
    done = fleet.hq_run("fleet", "sweep", "--probes", "arp,nosuch", *wait)
    assert done.returncode == 3, done.stdout + done.stderr
    failed = _failed_lines(done)
    assert set(failed) == {"site1", "site2"}, done.stdout
    assert all("unknown probe(s) nosuch" in why for why in failed.values()), failed
    done = fleet.hq_run("fleet", "sweep", "--site", "site1", "--listen", "2", "--iface", "nfnone0", *wait)
    assert done.returncode == 3 and "no interface 'nfnone0' here" in _failed_lines(done)["site1"], done.stdout
    done = fleet.hq_run("fleet", "sweep", "--site", "site2", "--time-limit", "1", *wait)
    assert done.returncode == 3 and "time limit of 1s hit" in _failed_lines(done)["site2"], done.stdout
    assert time.monotonic() - started < STORED_WITHIN  # none of the three waited for its timeout
    assert _counts(fleet) == counts
    status = json.loads(fleet.hq_run("fleet", "status", "--json").stdout)
    last = {r["site"]: r["last_failure"] for r in status}
    assert last["site1"]["kind"] == "listen" and "nfnone0" in last["site1"]["reason"], last
    assert last["site2"]["kind"] == "scan" and "time limit" in last["site2"]["reason"], last
    table = fleet.hq_run("fleet", "status").stdout
    assert "last failure" in table and "nfnone0" in table, table


@contextlib.contextmanager
def _scanner_frames(fleet: Fleet, site: FleetSite, out: Path) -> Iterator[None]:
    """Record what enters the site's bridge from the sensor's link (tcpdump, bridge namespace)."""
    lab = fleet_lab.site_lab(site)
    proc = subprocess.Popen(["ip", "netns", "exec", lab.bridge_ns, "tcpdump", "-i", netns.SCANNER_PORT,
                             "-B", "65536", "-Q", "in", "-n", "-U", "-w", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline().decode()
        assert "listening on" in line, line
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _sent_by_netfinger(capture: Path) -> list[str]:
    """Frames from the sensor's link other than its kernel's own: ARP replies and unicast re-validation
    probes (a scan's ARP sweep is broadcast), IPv6 ND/MLD, and ICMP port unreachable (the devices' DNS
    lookups go to the scanner's address, where nothing listens). Any UDP, TCP or broadcast ARP counts."""
    kernel = ("not (arp and (arp[6:2] = 2 or not ether broadcast)) and not icmp6"
              " and not (icmp and icmp[icmptype] = icmp-unreach)")
    out = subprocess.run(["tcpdump", "-r", str(capture), "-n", "-e", kernel], capture_output=True, text=True,
                         check=True)  # fmt: skip
    return [line for line in out.stdout.splitlines() if line.strip()]


def test_listen_order_sends_nothing_and_is_stored_passive(fleet: Fleet, tmp_path: Path) -> None:
    site1 = fleet.state.sites[0]
    lab = fleet_lab.site_lab(site1)
    counts = _counts(fleet)
    capture = tmp_path / "sensor.pcap"
    argv = ["fleet", "sweep", "--site", "site1", "--listen", "6", "--wait", "--timeout", str(STORED_WITHIN)]
    with _scanner_frames(fleet, site1, capture):
        sweep = subprocess.Popen(["ip", "netns", "exec", fleet.state.hq_ns, str(NETFINGER), *argv],
                                 env=fleet.env(None), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)  # fmt: skip
        until(lambda: re.search(r"order site1:\S+: listening on eth0", fleet.log("site1")), STORED_WITHIN,
              "site1's sensor listening")
        assert lab.emulator_pid
        os.kill(lab.emulator_pid, signal.SIGUSR1)  # every device announces itself again, as on joining
        out, err = sweep.communicate(timeout=STORED_WITHIN + 60)
    assert sweep.returncode == 0, out + err
    assert re.search(r"^site1: sweep \d+ stored .*\(listen [\d.]+s at the sensor\)", out, re.M), out
    assert _sent_by_netfinger(capture) == []
    assert _counts(fleet)["site1"] == counts["site1"] + 1
    report = json.loads(fleet.hq_run("fleet", "report", "--site", "site1", "--format", "json").stdout)
    data = report["sites"][0]["report"]
    assert data["scan"]["mode"] == "passive"
    truth = {d.mac.lower(): d.expect.get("manufacturer") for d in lab.devices}
    heard = {h["mac"].lower(): h for h in data["hosts"] if h.get("mac")}
    heard.pop(lab.scanner_mac.lower(), None)  # the sensor's own kernel replies may be heard too
    assert set(heard) <= set(truth), "hosts of another site"
    makers = [truth[m] for m, h in heard.items() if h["manufacturer"] and truth[m] in ("Hikvision", "Dahua")]
    assert len(makers) >= 5, {m: (h["manufacturer"], h["signals"]) for m, h in heard.items()}
    assert {m: h["manufacturer"] for m, h in heard.items() if h["manufacturer"]} == {
        m: truth[m] for m, h in heard.items() if h["manufacturer"]}
