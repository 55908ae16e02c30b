"""Namespace declarations of the vendors' SOAP envelopes (WS-Discovery and the ONVIF device service)."""

from __future__ import annotations

SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
WSA_2004 = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
WSD_2005 = "http://schemas.xmlsoap.org/ws/2005/04/discovery"
WSD_TO = "urn:schemas-xmlsoap-org:ws:2005:04:discovery"
ANONYMOUS = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
ACTION_BASE = "http://schemas.xmlsoap.org/ws/2005/04/discovery/"

# Hikvision's long list, in the order its firmware prints it (protocols.md §1.2).
HIKVISION = (
    ("env", SOAP12),
    ("soapenc", "http://www.w3.org/2003/05/soap-encoding"),
    ("xsi", "http://www.w3.org/2001/XMLSchema-instance"),
    ("xs", "http://www.w3.org/2001/XMLSchema"),
    ("tt", "http://www.onvif.org/ver10/schema"),
    ("tds", "http://www.onvif.org/ver10/device/wsdl"),
    ("trt", "http://www.onvif.org/ver10/media/wsdl"),
    ("timg", "http://www.onvif.org/ver20/imaging/wsdl"),
    ("tev", "http://www.onvif.org/ver10/events/wsdl"),
    ("tptz", "http://www.onvif.org/ver20/ptz/wsdl"),
    ("tan", "http://www.onvif.org/ver20/analytics/wsdl"),
    ("tst", "http://www.onvif.org/ver10/storage/wsdl"),
    ("ter", "http://www.onvif.org/ver10/error"),
    ("dn", "http://www.onvif.org/ver10/network/wsdl"),
    ("tns1", "http://www.onvif.org/ver10/topics"),
    ("tmd", "http://www.onvif.org/ver10/deviceIO/wsdl"),
    ("wsdl", "http://schemas.xmlsoap.org/wsdl"),
    ("wsoap12", "http://schemas.xmlsoap.org/wsdl/soap12"),
    ("http", "http://schemas.xmlsoap.org/wsdl/http"),
    ("d", WSD_2005),
    ("wsadis", WSA_2004),
    ("wsnt", "http://docs.oasis-open.org/wsn/b-2"),
    ("wsa", "http://www.w3.org/2005/08/addressing"),
    ("wstop", "http://docs.oasis-open.org/wsn/t-1"),
    ("wsrf-bf", "http://docs.oasis-open.org/wsrf/bf-2"),
    ("wsntw", "http://docs.oasis-open.org/wsn/bw-2"),
    ("wsrf-rw", "http://docs.oasis-open.org/wsrf/rw-2"),
    ("wsaw", "http://www.w3.org/2006/05/addressing/wsdl"),
    ("wsrf-r", "http://docs.oasis-open.org/wsrf/r-2"),
    ("trc", "http://www.onvif.org/ver10/recording/wsdl"),
    ("tse", "http://www.onvif.org/ver10/search/wsdl"),
    ("trp", "http://www.onvif.org/ver10/replay/wsdl"),
    ("tnshik", "http://www.hikvision.com/2011/event/topics"),
    ("hikwsd", "http://www.onvifext.com/onvif/ext/ver10/wsdl"),
    ("hikxsd", "http://www.onvifext.com/onvif/ext/ver10/schema"),
    ("tas", "http://www.onvif.org/ver10/advancedsecurity/wsdl"),
)

DAHUA_WSD = (
    ("sc", "http://www.w3.org/2003/05/soap-encoding"),
    ("s", SOAP12),
    ("dn", "http://www.onvif.org/ver10/network/wsdl"),
    ("tds", "http://www.onvif.org/ver10/device/wsdl"),
    ("d", WSD_2005),
    ("a", WSA_2004),
)

GENERIC_WSD = (
    ("SOAP-ENV", SOAP12),
    ("SOAP-ENC", "http://www.w3.org/2003/05/soap-encoding"),
    ("wsa", WSA_2004),
    ("wsdd", WSD_2005),
    ("dn", "http://www.onvif.org/ver10/network/wsdl"),
    ("tds", "http://www.onvif.org/ver10/device/wsdl"),
)


def declare(pairs: tuple[tuple[str, str], ...]) -> str:
    return " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in pairs)
