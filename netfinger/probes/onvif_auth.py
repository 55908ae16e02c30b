"""GetDeviceInformation with user-supplied credentials, through onvif-zeep-async (never guessed)."""

from __future__ import annotations

import asyncio
import contextlib

from netfinger.probes.interface import Credentials
from netfinger.protocols.onvif import DEVICE_INFO_FIELDS


async def device_information(host: str, port: int, creds: Credentials, seconds: float) -> dict[str, str]:
    """The five GetDeviceInformation fields, or {} when the device refuses or the call fails."""
    from onvif import ONVIFCamera

    camera = ONVIFCamera(host, port, creds.username, creds.password)
    try:
        service = await asyncio.wait_for(camera.create_devicemgmt_service(), seconds)
        info = await asyncio.wait_for(service.GetDeviceInformation(), seconds)
    except Exception:  # zeep faults, transport errors, timeouts: the answer is simply "no"
        return {}
    finally:
        with contextlib.suppress(Exception):
            await camera.close()
    out = {}
    for name in DEVICE_INFO_FIELDS:
        value = getattr(info, name, None)
        if value is not None and str(value).strip():
            out[name] = str(value).strip()[:256]
    return out
