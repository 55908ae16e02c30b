"""The fleet lab: an HQ namespace with the broker and the database, and N site labs routed to it.

Site K is an ordinary lab named ``NAMEK`` (every site on the same subnet, as real sites overlap) whose
scanner namespace gets a second interface, ``wan0``, a veth to HQ (``wK`` there) on 172.30.K.0/24.
The HQ service address ``172.31.255.1`` sits on HQ's loopback; each site routes only that /32 over
its WAN link, so a sensor reaches the broker and nothing else of HQ, and no site reaches another.
State: ``/run/netfinger/labs/NAME/fleet.json``; ``lab down --name NAME`` removes all of it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from netfinger.errors import NetfingerError, UsageError
from netfinger.lab import api, hq, netns
from netfinger.lab.state import NS_PREFIX, LabState, check_lab_name, lab_dir

FLEET_FILE = "fleet.json"
SITES_FILE = "fleet.yaml"
WAN_IF = "wan0"
MAX_SITES = 99
VISIBILITY_TIMEOUT = 60  # seconds before an unacknowledged task is given to another sensor


def hq_ns(name: str) -> str:
    return f"{NS_PREFIX}{name}-hq"


@dataclass(frozen=True)
class FleetSite:
    index: int
    site: str  # the fleet's name for it: site1 ... siteN
    lab: str  # the lab that emulates it
    scanner_ns: str
    subnet: str
    wan_ip: str
    hq_wan_ip: str


@dataclass
class FleetState:
    name: str
    hq_ns: str
    hq_addr: str
    sites: list[FleetSite]
    redis: hq.ServerInfo | None = None
    postgres: hq.ServerInfo | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def directory(self) -> Path:
        return lab_dir(self.name)

    def site(self, spec: str) -> FleetSite:
        """Site by number (``2``) or name (``site2``)."""
        for s in self.sites:
            if spec in (str(s.index), s.site):
                return s
        raise UsageError(f"fleet lab {self.name} has no site {spec!r} (sites: "
                         f"{', '.join(s.site for s in self.sites)})")  # fmt: skip

    def broker_url(self, site: FleetSite | None = None) -> str:
        assert self.redis is not None
        user = "hq" if site is None else site.site
        host = "127.0.0.1" if site is None else self.hq_addr
        return f"redis://{user}:{self.redis.passwords[user]}@{host}:{hq.REDIS_PORT}/0"

    def db_url(self) -> str:
        assert self.postgres is not None
        return hq.pg_url(self.postgres)

    def env(self, site: FleetSite | None = None) -> dict[str, str]:
        """What ``lab run --hq`` / ``--site K`` sets for the command it runs."""
        out = {"NETFINGER_BROKER": self.broker_url(site),
               "NETFINGER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
        if site is None:
            out |= {"NETFINGER_DB": self.db_url(), "NETFINGER_FLEET": str(self.directory / SITES_FILE)}
        else:
            out |= {"NETFINGER_SITE": site.site, "NETFINGER_SENSOR_TARGETS": site.subnet,
                    "NETFINGER_SENSOR_DIR": str(self.directory / "sensors" / site.site)}  # fmt: skip
        return out

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["broker"] = {"hq": self.broker_url(), **{s.site: self.broker_url(s) for s in self.sites}}
        data["db"] = {"hq": self.db_url(), "host": hq.pg_socket_url(self.postgres) if self.postgres else ""}
        return data

    def save(self) -> None:
        path = self.directory / FLEET_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=1), encoding="utf-8")
        tmp.chmod(0o600)
        tmp.replace(path)

    @classmethod
    def load(cls, name: str) -> FleetState:
        path = lab_dir(check_lab_name(name)) / FLEET_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise NetfingerError(f"no fleet lab {name}: netfinger lab up --fleet N --name {name}") from None
        sites = [FleetSite(**s) for s in data["sites"]]
        servers = {k: hq.ServerInfo.from_dict(data[k]) if data.get(k) else None
                   for k in ("redis", "postgres")}
        return cls(data["name"], data["hq_ns"], data["hq_addr"], sites, servers["redis"], servers["postgres"],
                   data.get("extra", {}))  # fmt: skip


def is_fleet(name: str) -> bool:
    return (lab_dir(name) / FLEET_FILE).is_file()


def _ip(lines: list[str], ns: str | None = None) -> None:
    argv = ["ip", *(["-n", ns] if ns else []), "-batch", "-"]
    done = subprocess.run(argv, input="\n".join(lines) + "\n", capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise NetfingerError(f"fleet lab network: {done.stderr.strip()[:500]}")


def _wire(state: FleetState) -> None:
    """The HQ namespace, its service address, and one WAN veth per site."""
    _ip([f"netns add {state.hq_ns}"])
    _ip(["link set lo up", f"addr add {state.hq_addr}/32 dev lo"], state.hq_ns)
    _ip([f"link add w{s.index} netns {state.hq_ns} type veth peer name {WAN_IF} netns {s.scanner_ns}"
         for s in state.sites])  # fmt: skip
    _ip([line for s in state.sites
         for line in (f"addr add {s.hq_wan_ip}/24 dev w{s.index}", f"link set w{s.index} up")], state.hq_ns)
    for s in state.sites:
        _ip([f"addr add {s.wan_ip}/24 dev {WAN_IF}", f"link set {WAN_IF} up",
             f"route add {state.hq_addr}/32 via {s.hq_wan_ip} dev {WAN_IF}"], s.scanner_ns)  # fmt: skip


def _write_sites_file(state: FleetState) -> None:
    lines = ["# The fleet's sites and when each is swept (netfinger fleet schedule).", "sites:"]
    lines += [f"  {s.site}:\n    cron: \"*/30 * * * *\"" for s in state.sites]
    (state.directory / SITES_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")


def up(count: int, name: str, site: str | Path = "default", scale: int | None = None) -> FleetState:
    """Bring up HQ (Redis + PostgreSQL) and ``count`` site labs; on any failure remove what was made."""
    netns.require_root()
    check_lab_name(name)
    if not 1 <= count <= MAX_SITES or len(name) + len(str(count)) > 8:
        raise UsageError(f"--fleet {count} --name {name}: 1-{MAX_SITES} sites, and the name plus the site "
                         "number must fit 8 characters (use a shorter --name)")
    if netns.lab_namespaces(name) or any(netns.lab_namespaces(f"{name}{k}") for k in range(1, count + 1)):
        raise NetfingerError(f"lab {name} already exists: run netfinger lab down --name {name}")
    shutil.rmtree(lab_dir(name), ignore_errors=True)
    lab_dir(name).mkdir(parents=True)
    sites = [FleetSite(k, f"site{k}", f"{name}{k}", "", "", f"172.30.{k}.2", f"172.30.{k}.1")
             for k in range(1, count + 1)]  # fmt: skip
    state = FleetState(name, hq_ns(name), hq.HQ_ADDR, sites)
    try:
        for i, s in enumerate(sites):
            lab = api.up(site, scale=scale, name=s.lab, seed=s.index)
            sites[i] = FleetSite(s.index, s.site, s.lab, lab.scanner_ns, lab.subnet, s.wan_ip, s.hq_wan_ip)
        _wire(state)
        state.redis = hq.start_redis(state.hq_ns, state.directory / "redis", ["hq", *(s.site for s in sites)])
        state.postgres = hq.start_postgres(state.hq_ns, state.directory / "postgres")
        _write_sites_file(state)
        state.save()
    except BaseException:
        _remove(name, [s.lab for s in sites], state)
        raise
    return state


def _remove(name: str, labs: list[str], state: FleetState | None) -> None:
    if state is not None:
        for server in (state.redis, state.postgres):
            if server is not None:
                hq.stop(server)
    for lab in labs:
        with suppress(NetfingerError):
            api.down(lab)
    api.down(name)


def down(name: str) -> list[str]:
    """Stop the servers cleanly, then remove every site lab and the HQ namespace."""
    netns.require_root()
    state = FleetState.load(name)
    _remove(name, [s.lab for s in state.sites], state)
    return [state.hq_ns, *(s.lab for s in state.sites)]


def set_wan(state: FleetState, site: FleetSite, up_: bool) -> None:
    """Cut (``up_=False``) or restore one site's WAN link, at the HQ end."""
    _ip([f"link set w{site.index} {'up' if up_ else 'down'}"], state.hq_ns)


def restart_redis(state: FleetState) -> None:
    assert state.redis is not None
    hq.stop(state.redis)
    state.redis = hq.start_redis(state.hq_ns, Path(state.redis.directory), [], state.redis.passwords)
    state.save()


def stop_postgres(state: FleetState) -> None:
    assert state.postgres is not None
    hq.stop(state.postgres)


def start_postgres(state: FleetState) -> None:
    assert state.postgres is not None
    state.postgres = hq.start_postgres(state.hq_ns, Path(state.postgres.directory),
                                       state.postgres.passwords[hq.PG_USER])  # fmt: skip
    state.save()


def site_lab(site: FleetSite) -> LabState:
    return LabState.load(site.lab)
