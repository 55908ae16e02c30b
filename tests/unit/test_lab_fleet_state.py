"""The fleet lab's state without building one: names, URLs, the environment ``lab run`` sets."""

from __future__ import annotations

import pytest

from netfinger.errors import UsageError
from netfinger.lab import hq
from netfinger.lab.fleet import FleetSite, FleetState, hq_ns
from netfinger.lab.netns import LAB_NS_RE


def _state() -> FleetState:
    sites = [FleetSite(k, f"site{k}", f"fl{k}", f"nf-fl{k}-scan", "10.77.0.0/24", f"172.30.{k}.2",
                       f"172.30.{k}.1") for k in (1, 2)]  # fmt: skip
    redis = hq.ServerInfo("redis", 1, "/x/redis", {"hq": "hqpw", "site1": "pw1", "site2": "pw2"})
    pg = hq.ServerInfo("postgres", 2, "/x/pg", {hq.PG_USER: "dbpw"})
    return FleetState("fl", hq_ns("fl"), hq.HQ_ADDR, sites, redis, pg)


def test_hq_namespace_belongs_to_its_lab() -> None:
    match = LAB_NS_RE.match(hq_ns("fl"))
    assert match is not None and match.group(1) == "fl"


def test_each_site_gets_its_own_broker_user_and_no_database() -> None:
    state = _state()
    site2 = state.site("2")
    assert state.site("site2") == site2
    env = state.env(site2)
    assert env["NETFINGER_BROKER"] == "redis://site2:pw2@172.31.255.1:6379/0"
    assert "NETFINGER_DB" not in env and "dbpw" not in str(env)
    assert env["NETFINGER_SENSOR_TARGETS"] == "10.77.0.0/24" and env["NETFINGER_SITE"] == "site2"
    hq_env = state.env(None)
    assert hq_env["NETFINGER_BROKER"].startswith("redis://hq:hqpw@127.0.0.1:")
    assert hq_env["NETFINGER_DB"] == "postgresql://netfinger:dbpw@127.0.0.1:5432/netfinger"
    with pytest.raises(UsageError, match="site1, site2"):
        state.site("3")


def test_redis_acl_turns_the_default_user_off_and_sites_cannot_administer() -> None:
    acl = hq._redis_acl({"hq": "a", "site1": "b"})
    lines = acl.splitlines()
    assert lines[0] == "user default off"
    assert "user hq on >a ~* &* +@all" in lines
    site = next(line for line in lines if line.startswith("user site1"))
    assert "-@admin" in site and "-flushall" in site
