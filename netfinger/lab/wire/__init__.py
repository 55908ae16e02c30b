"""Device-side wire formats for the lab emulator: pure ``parse_*`` (requests) and ``build_*`` (replies).

The client-side counterparts live in ``netfinger/protocols/``. Parsers here never raise on what a
client sends: they return ``None`` and the responder stays silent, as a real device would.
"""
