"""The benchmark reads nmap's XML fairly: services, per-device broadcast blocks, MAC vendor apart."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from nmap_score import read_nmap  # type: ignore[import-not-found]

UPNP = (
    "&#xa;  239.255.255.250&#xa;      Server: Linux, UPnP/1.0, ZheJiang Dahua Technology Upnp SDK&#xa;"
    "      Location: http://10.0.0.9:49152/upnp_device_desc.xml&#xa;        Manufacturer: Dahua&#xa;"
    "  239.255.255.250&#xa;      Server: Linux, UPnP/1.0, Portable SDK&#xa;"
    "      Location: http://10.0.0.7:80/desc.xml&#xa;        Manufacturer: Synology&#xa;"
)


def host(ip: str, mac_vendor: str, product: str) -> str:
    service = f'<service name="http" product="{product}"/>' if product else ""
    return (f'<host><status state="up"/><address addr="{ip}" addrtype="ipv4"/>'
            f'<address addr="00:11:22:33:44:55" addrtype="mac" vendor="{mac_vendor}"/>'
            f'<ports><port protocol="tcp" portid="80">{service}</port></ports></host>')


def test_services_broadcast_blocks_and_mac_vendor(tmp_path: Path) -> None:
    xml = (
        '<?xml version="1.0"?><nmaprun>'
        f'<prescript><script id="broadcast-upnp-info" output="{UPNP}"/></prescript>'
        + host("10.0.0.5", "Hangzhou Hikvision Digital Technology", "Hikvision IP camera httpd")
        + host("10.0.0.6", "Zhejiang Dahua Technology", "")
        + host("10.0.0.7", "Synology", "nginx")
        + host("10.0.0.8", "Unknown", "Dahua webcam httpd")
        + '<host><status state="down"/><address addr="10.0.0.99" addrtype="ipv4"/></host>'
        + "</nmaprun>"
    )
    path = tmp_path / "n.xml"
    path.write_text(xml)
    result = read_nmap(path)
    assert result.hosts_up == 4
    assert result.up == {"10.0.0.5", "10.0.0.6", "10.0.0.7", "10.0.0.8"}
    assert result.services == {"10.0.0.5": "Hikvision", "10.0.0.8": "Dahua", "10.0.0.9": "Dahua"}
    assert result.mac == {**result.services, "10.0.0.6": "Dahua"}
    assert "10.0.0.7" not in result.mac  # the Dahua block does not spill over to the next device


def test_unfinished_file_keeps_complete_hosts(tmp_path: Path) -> None:
    path = tmp_path / "cut.xml"
    path.write_text("<nmaprun>" + host("10.0.0.5", "x", "Hikvision IP camera httpd") + "<host><status st")
    result = read_nmap(path)
    assert result.hosts_up == 1
    assert result.services == {"10.0.0.5": "Hikvision"}
