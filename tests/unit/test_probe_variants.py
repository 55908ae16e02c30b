"""Discovery probes on real-device reply variants (no traffic: datagrams go straight to ``_handle``)."""

from __future__ import annotations

from captures import capture
from probe_fixtures import make_ctx

from netfinger.probes.dhip import DhipProbe
from netfinger.probes.wsd import WsdProbe

HOST = ("10.77.0.30", 3702)


def test_wsd_fault_to_our_probe_is_a_sighting_without_anomalies() -> None:
    ctx, seen = make_ctx()
    probe = WsdProbe()
    probe._handle(ctx, capture("wsd/hikvision_fault_matchingrulenotsupported.xml"), HOST, "reply")
    assert len(seen) == 1 and seen[0].anomalies == ()
    fields = {o.field: o.value for o in seen[0].observations}
    assert fields["wsd.action"] == "Fault" and fields["wsd.fault.code"] == "d:MatchingRuleNotSupported"
    assert HOST[0] in probe._answered


def test_wsd_fault_heard_on_the_group_is_someone_elses() -> None:
    ctx, seen = make_ctx()
    WsdProbe()._handle(ctx, capture("wsd/hikvision_fault_matchingrulenotsupported.xml"), HOST, "listen")
    assert seen == []


def test_wsd_reply_with_two_matches_reports_both_endpoints() -> None:
    ctx, seen = make_ctx()
    probe = WsdProbe()
    probe._sent_ids.add("3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c")
    probe._handle(ctx, capture("wsd/oasis2009_default_ns_two_probematches.xml"), HOST, "reply")
    assert len(seen) == 1 and seen[0].anomalies == ()  # urn:uuid: RelatesTo matches our uuid: MessageID
    endpoints = [o.value for o in seen[0].observations if o.field == "wsd.endpoint"]
    assert len(endpoints) == 2


def test_dhip_reply_whose_length_leaves_out_the_tail_has_no_anomaly() -> None:
    ctx, seen = make_ctx()
    data = capture("dhip/dahua_ipc-hdw5421s_spaced_len_without_tail.bin")
    DhipProbe()._handle(ctx, data, ("10.77.0.40", 37810))
    assert len(seen) == 1
    assert not any("length" in a for a in seen[0].anomalies)
    assert any(o.field == "dhip.SerialNo" for o in seen[0].observations)
