"""The field scenario of ``make bench`` (issue 12): the field lab site, beyond one flat segment.

Measures, from the lab's scanner namespace:
  * routed recall next to on-link recall (Hikvision/Dahua units identified by maker and by model), and
    false positives on both sides;
  * factory-default units on the scanner's segment, outside the targets: how many are reported (with
    their MAC) and never contacted;
  * the IPv6-only unit: identified with --ipv6;
  * a /16 of off-link targets holding the lab's 3 live /24s: netfinger with sampling and with
    --no-sample, next to ``nmap -sV`` on the same 3 live /24s (inside the lab namespace).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from measure import Measurement, measure
from nmap_score import read_nmap

MAKERS = {"Hikvision", "Dahua"}
NMAP_PORTS = "80,443,554,8000,37777"
OFFLINK_16 = "10.80.0.0/16"


def _scan(nf: str, state: dict[str, Any], out: Path, args: list[str]) -> tuple[Measurement, dict[str, Any]]:
    cmd = ["ip", "netns", "exec", state["scanner_ns"], nf, "scan", "--quiet", "--json", str(out), *args]
    m = measure(cmd)
    return m, json.loads(out.read_text()) if out.exists() else {"hosts": [], "scan": {"probes": {}}}


def _recall(devices: list[dict[str, Any]], hosts: dict[Any, dict[str, Any]]) -> tuple[int, int, int]:
    """(maker right, model right, expected) over the Hikvision/Dahua devices given."""
    want = [d for d in devices if d["expect"]["manufacturer"] in MAKERS]
    maker = sum(1 for d in want if hosts.get(d["ip"], {}).get("manufacturer") == d["expect"]["manufacturer"])
    model = sum(1 for d in want if hosts.get(d["ip"], {}).get("model") == d["expect"]["model"])
    return maker, model, len(want)


def _false_positives(state: dict[str, Any], report: dict[str, Any]) -> int:
    truth = {d["ip"]: d["expect"]["manufacturer"] for d in state["devices"]}
    return sum(1 for h in report["hosts"] if h.get("manufacturer") in MAKERS
               and truth.get(h["ip"]) != h["manufacturer"])


def _line(label: str, m: Measurement, extra: str) -> None:
    print(f"  {label:34} wall {m.wall_s:7.2f} s  cpu {m.cpu_s:6.2f} s  peak {m.peak_rss_mb:6.1f} MB  {extra}",
          flush=True)


def identification(nf: str, state: dict[str, Any], workdir: Path) -> None:
    """Routed vs on-link recall, factory defaults, IPv6-only: one scan of the scanner's /24 + routed /24s,
    one with --ipv6."""
    m, report = _scan(nf, state, workdir / "field.json", [state["subnet"], *state["routed_subnets"]])
    hosts = {h["ip"]: h for h in report["hosts"]}
    routed = [d for d in state["devices"] if d.get("gateway")]
    onlink = [d for d in state["devices"] if not d.get("gateway") and d["ip"].startswith("10.")]
    r_maker, r_model, r_n = _recall(routed, hosts)
    o_maker, o_model, o_n = _recall(onlink, hosts)
    _line("scan of own /24 + 3 routed /24s", m, f"false positives {_false_positives(state, report)}")
    stated = sum(1 for d in routed if hosts.get(d["ip"], {}).get("mac") == d["mac"])
    print(f"    routed recall   maker {r_maker}/{r_n} ({r_maker / r_n:.0%})  model {r_model}/{r_n}  "
          f"MAC stated by the device {stated}/{len(routed)}")
    print(f"    on-link recall  maker {o_maker}/{o_n} ({o_maker / o_n:.0%})  model {o_model}/{o_n}")
    by_mac = {h["mac"]: h for h in report["hosts"] if h.get("mac")}
    for label, group in (("factory-default units", [d for d in state["devices"] if d["name"].startswith("x-")
                                                     and d["ip"] != "0.0.0.0"]),
                         ("units with no address (0.0.0.0)", [d for d in state["devices"]
                                                              if d["ip"] == "0.0.0.0"])):
        heard = [d for d in group if by_mac.get(d["mac"], {}).get("outside_targets")
                 and by_mac[d["mac"]]["ip"] == d["ip"]
                 and by_mac[d["mac"]].get("manufacturer") == d["expect"]["manufacturer"]]
        print(f"    {label} reported (outside the targets, right MAC and maker): {len(heard)}/{len(group)}")
    m6, report6 = _scan(nf, state, workdir / "field6.json", ["--ipv6", state["subnet"]])
    only = [d for d in state["devices"] if d["name"].startswith("y-")]
    by_mac = {h["mac"]: h for h in report6["hosts"] if h.get("mac")}
    found = [d for d in only if by_mac.get(d["mac"], {}).get("manufacturer") == d["expect"]["manufacturer"]]
    via_mdns = [d for d in found if "mdns" in by_mac[d["mac"]]["protocols"]
                and by_mac[d["mac"]].get("model") == d["expect"]["model"]]
    _line("scan of own /24 with --ipv6", m6, f"IPv6-only units identified {len(found)}/{len(only)} "
          f"(model from mDNS over IPv6: {len(via_mdns)})")


def offlink_16(nf: str, state: dict[str, Any], workdir: Path, nmap: bool) -> None:
    """A /16 of off-link targets with 3 live /24s: sampled, --no-sample, and nmap -sV on the live /24s."""
    live = state["routed_subnets"]
    routed = [d for d in state["devices"] if d.get("gateway")]
    for label, extra in (("/16 off-link, sampled", []), ("/16 off-link, --no-sample", ["--no-sample"])):
        m, report = _scan(nf, state, workdir / f"s16-{len(extra)}.json", [*extra, OFFLINK_16])
        hosts = {h["ip"]: h for h in report["hosts"]}
        maker, _, n = _recall(routed, hosts)
        _line(label, m, f"recall {maker}/{n}  false positives {_false_positives(state, report)}")
    if not nmap:
        return
    out = workdir / "nmap-field.xml"
    cmd = ["ip", "netns", "exec", state["scanner_ns"], "nmap", "-n", "-sV", "-T4", "-p", NMAP_PORTS,
           "-oX", str(out), *live]
    m = measure(cmd, stdout=subprocess.DEVNULL)
    result = read_nmap(out)
    truth = {d["ip"]: d["expect"]["manufacturer"] for d in routed}
    right = sum(1 for ip, maker in result.services.items() if truth.get(ip) == maker)
    want = sum(1 for v in truth.values() if v in MAKERS)
    _line("nmap -sV on the 3 live /24s", m, f"hosts up {len(result.up & set(truth))}  recall {right}/{want}")
