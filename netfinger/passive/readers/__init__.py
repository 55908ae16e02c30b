"""Capture readers: a file (pcap / pcapng, gzip or not) and a live interface (receive-only)."""

from netfinger.passive.readers.file import CaptureError, CaptureReader, open_capture

__all__ = ["CaptureError", "CaptureReader", "open_capture"]
