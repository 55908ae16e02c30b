"""Turn parsed HTTP responses into ``http.*`` evidence (pure)."""

from __future__ import annotations

from netfinger.evidence import Observation, bounded
from netfinger.protocols import http, http_ident
from netfinger.protocols.http import HttpResponse


def _auth(resp: HttpResponse, port: int, source: str) -> list[Observation]:
    out = []
    for scheme, realm in http.auth_challenges(resp):
        if scheme:
            out.append(Observation("http.auth.scheme", bounded(scheme), port, source))
        if realm:
            out.append(Observation("http.auth.realm", bounded(realm), port, source))
    return out


def landing_page(resp: HttpResponse, port: int, source: str) -> list[Observation]:
    """``http.*`` fields of GET /."""
    out = [Observation("http.status", str(resp.status), port, source)]
    for name, value in resp.headers:
        if "." in name:
            continue
        out.append(Observation(f"http.header.{name.lower()}", bounded(value), port, source))
    out.append(Observation("http.header_case", bounded(",".join(n for n, _ in resp.headers)), port, source))
    title = http.title(resp.body)
    if title:
        out.append(Observation("http.title", bounded(title), port, source))
    target = http.redirect_target(resp)
    if target:
        out.append(Observation("http.redirect", bounded(target), port, source))
    if http_ident.HIK_LOGIN_PATH in target or http_ident.HIK_LOGIN_PATH.encode() in resp.body[:65536]:
        out.append(Observation("http.hik_login", "true", port, source))
    text = http.body_text(resp.body)
    if text.strip():
        out.append(Observation("http.body", bounded(text), port, source))
    return out + _auth(resp, port, source)


def identification(path: str, resp: HttpResponse, port: int, source: str) -> list[Observation]:
    """Evidence from one identification path (ISAPI, magicBox, RPC2_Login, favicon, Hikvision login page)."""
    out = _auth(resp, port, source)
    if path == http_ident.ISAPI_DEVICE_INFO:
        info = http_ident.parse_isapi_device_info(resp.body) if resp.status == 200 else None
        if info is not None and info.valid:
            out += [Observation(f"http.isapi.{k}", bounded(v), port, source) for k, v in info.fields]
            if info.namespace:
                out.append(Observation("http.isapi.namespace", bounded(info.namespace), port, source))
        if resp.status in (200, 401, 403):
            out.append(Observation("http.isapi.status", str(resp.status), port, source))
    elif path.startswith("/cgi-bin/magicBox.cgi"):
        pairs = http_ident.parse_magicbox(resp.body) if resp.status == 200 else []
        out += [Observation(f"http.magicbox.{k}", bounded(v), port, source) for k, v in pairs]
        if resp.status in (200, 401, 403):
            out.append(Observation("http.magicbox.status", str(resp.status), port, source))
    elif path == http_ident.RPC2_LOGIN:
        fields = http_ident.parse_rpc2_challenge(resp.body)
        out += [Observation(f"http.rpc2.{k}", bounded(v), port, source) for k, v in fields.items()]
    elif path == http_ident.FAVICON and resp.status == 200 and resp.body:
        md5, mmh3 = http_ident.favicon_fingerprints(resp.body)
        out += [Observation("http.favicon.md5", md5, port, source),
                Observation("http.favicon.mmh3", mmh3, port, source)]
    return out
