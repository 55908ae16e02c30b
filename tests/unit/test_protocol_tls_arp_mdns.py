from __future__ import annotations

import datetime
import warnings

import pytest
from captures import capture
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from netfinger.fields import is_known_field
from netfinger.protocols import arp, der, mdns, tcp, tls


def self_signed(subject: x509.Name, issuer: x509.Name) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER)


def test_certificate_subject_and_issuer() -> None:
    hik = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "ZheJiang"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "HangZhou"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "HIKVISION"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "DVRNVR"),
            x509.NameAttribute(NameOID.COMMON_NAME, "www.hikvision.com"),
        ]
    )
    info = tls.parse_certificate(self_signed(hik, hik))
    assert info.valid
    assert info.subject == "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN"
    assert info.issuer_attrs == {
        "c": "CN",
        "st": "ZheJiang",
        "l": "HangZhou",
        "o": "HIKVISION",
        "ou": "DVRNVR",
        "cn": "www.hikvision.com",
    }


def test_certificate_garbage() -> None:
    assert not tls.parse_certificate(b"").valid
    assert not tls.parse_certificate(b"\x30\x82\x01\x00garbage").valid


def test_arp_template_and_reply() -> None:
    template = arp.build_template("02:00:00:00:00:01", "10.77.0.1")
    assert len(template) == 42
    frame = arp.frame_for(template, "10.77.0.9")
    assert frame[:6] == b"\xff" * 6 and frame[12:14] == b"\x08\x06"
    assert frame[38:42] == bytes([10, 77, 0, 9]) and frame[28:32] == bytes([10, 77, 0, 1])
    reply = bytearray(frame)
    reply[0:6] = bytes.fromhex("020000000001")
    reply[6:12] = bytes.fromhex("5850ed1fe385")
    reply[20:22] = b"\x00\x02"
    reply[22:28] = bytes.fromhex("5850ed1fe385")
    reply[28:32] = bytes([10, 77, 0, 9])
    reply[32:38] = bytes.fromhex("020000000001")
    reply[38:42] = bytes([10, 77, 0, 1])
    assert arp.parse_frame(bytes(reply)) == arp.ArpReply("10.77.0.9", "58:50:ed:1f:e3:85")
    assert arp.parse_frame(frame) is None  # our own who-has tells nothing
    assert arp.parse_frame(b"\x00" * 41) is None


@pytest.mark.parametrize(("mac", "ip"), [
    ("02:00:00:00:00:01", "10.77.0.1"), ("9c:8e:cd:c5:d7:14", "192.168.1.250"),
    ("aa:bb:cc:dd:ee:ff", "0.0.0.0"),
])
def test_arp_template_matches_scapy(mac: str, ip: str) -> None:
    """The struct-built who-has frame is byte for byte scapy's (scapy stays off the scan path)."""
    from scapy.layers.l2 import ARP, Ether

    ref = Ether(dst="ff:ff:ff:ff:ff:ff", src=mac) / ARP(op=1, hwsrc=mac, psrc=ip, hwdst="00:00:00:00:00:00",
                                                        pdst="0.0.0.0")
    assert arp.build_template(mac, ip) == bytes(ref)[: arp.FRAME_LEN]


def test_arp_template_rejects_a_bad_mac() -> None:
    with pytest.raises(ValueError, match="MAC"):
        arp.build_template("02:00:00:00:01", "10.77.0.1")


def test_proc_net_arp() -> None:
    text = (
        "IP address       HW type     Flags       HW address            Mask     Device\n"
        "10.77.0.9        0x1         0x2         58:50:ed:1f:e3:85     *        eth0\n"
        "10.77.0.10       0x1         0x0         00:00:00:00:00:00     *        eth0\n"
        "garbage line\n"
    )
    assert arp.parse_proc_arp(text) == [arp.ArpReply("10.77.0.9", "58:50:ed:1f:e3:85")]


def test_mdns_records() -> None:
    txt = mdns.decode_txt({b"model": b"DS-2CD2043G2-I", b"bad key.with dot": b"x", b"flag": None})
    assert txt == {"model": "DS-2CD2043G2-I", "flag": ""}
    rec = mdns.ServiceRecord("_http._tcp.local.", "Cam._http._tcp.local.", "cam.local", 80, ["10.0.0.5"], txt)
    obs = mdns.observations(rec)
    assert all(is_known_field(o.field) for o in obs)
    pairs = {(o.field, o.value) for o in obs}
    assert {
        ("mdns.service", "_http._tcp.local."),
        ("mdns.instance", "Cam"),
        ("mdns.txt.model", "DS-2CD2043G2-I"),
        ("mdns.hostname", "cam.local"),
    } <= pairs
    assert "_onvif._tcp.local." in mdns.SERVICE_TYPES and "_CGI._tcp.local." in mdns.SERVICE_TYPES


def test_banner_rendering() -> None:
    assert tcp.render_banner(b"\x00\x00\x00\x10\x00\x00\x00\x1e\x00\x00\x00\x1e\x00\x00\x00\x00") == (
        "000000100000001e0000001e00000000"
    )
    assert tcp.render_banner(b"220 FTP ready\r\n") == "220 FTP ready"
    assert len(tcp.render_banner(b"\xff" * 1000)) == 2 * tcp.MAX_BANNER


NEGATIVE_SERIAL = "tls/hikvision_style_negative_serial.der"
HIK_DN = "CN=192.168.1.64,OU=EMBEDDED,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN"


def test_certificate_with_a_negative_serial_is_read_without_cryptography_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a CryptographyDeprecationWarning would fail the test
        cert = tls.parse_certificate(capture(NEGATIVE_SERIAL))
    assert cert.valid
    assert (cert.subject, cert.issuer, cert.reader) == (HIK_DN, HIK_DN, "der")
    assert cert.subject_attrs == {"c": "CN", "st": "ZheJiang", "l": "HangZhou", "o": "HIKVISION",
                                  "ou": "EMBEDDED", "cn": "192.168.1.64"}
    assert (cert.not_before, cert.not_after) == ("160401000000Z", "260330000000Z")
    assert "serial -1" in cert.note


@pytest.mark.parametrize("name", ["tls/dahua_nvr_ca_nbsp_issuer.der", NEGATIVE_SERIAL])
def test_der_fallback_reads_what_cryptography_reads(name: str) -> None:
    data = capture(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cert = x509.load_der_x509_certificate(data)
    tbs = der.parse_tbs(data)
    assert tbs is not None
    assert der.rfc4514(tbs.subject) == cert.subject.rfc4514_string()
    assert der.rfc4514(tbs.issuer) == cert.issuer.rfc4514_string()


def test_der_fallback_refuses_cut_and_lying_certificates() -> None:
    data = capture(NEGATIVE_SERIAL)
    assert der.parse_tbs(data[:200]) is None
    assert der.parse_tbs(b"\x30\x84\xff\xff\xff\xff" + data[6:]) is None  # a length past the end
    assert der.parse_tbs(b"") is None
    assert not tls.parse_certificate(data[:120]).valid


@pytest.mark.parametrize("name", ["tls/dahua_nvr_ca_nbsp_issuer.der", NEGATIVE_SERIAL, "generated"])
def test_the_scans_names_reader_reads_what_cryptography_reads(name: str) -> None:
    """``parse_names`` (the HTTP probe's, no cryptography import) against ``parse_certificate``."""
    if name == "generated":
        hik = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "DS-7608NI+K2, \"lab\""),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "HIKVISION"),
                         x509.NameAttribute(NameOID.COUNTRY_NAME, "CN")])
        data = self_signed(hik, hik)
    else:
        data = capture(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full, names = tls.parse_certificate(data), tls.parse_names(data)
    assert names.valid and names.reader == "der"
    got = (names.subject, names.issuer, names.subject_attrs, names.issuer_attrs)
    assert got == (full.subject, full.issuer, full.subject_attrs, full.issuer_attrs)


def test_the_scans_names_reader_refuses_what_both_readers_refuse() -> None:
    for junk in (b"", b"\x30\x82\x01\x00garbage", capture(NEGATIVE_SERIAL)[:120], b"\x30" * 40000):
        assert not tls.parse_names(junk).valid
