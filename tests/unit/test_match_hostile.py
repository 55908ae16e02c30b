"""Whatever a device sends, classifying never raises and the verdict stays well-formed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from netfinger.evidence import MAX_VALUE_CHARS, HostEvidence, Observation
from netfinger.match import default_matcher, default_signatures

FIELDS = sorted({r.field for r in default_signatures().rules})
VALUES = st.one_of(
    st.text(max_size=MAX_VALUE_CHARS),
    st.sampled_from(["V5.4.0 build 991399", "2.800.XXXXXXXXXXXX.9.R.999999", "V9999999999.1 build 000000",
                     "2.608.0000.0.R, build: 2016-13-45", "Login to ", "HIKVISION ", "General", ""]),
)


@settings(max_examples=300, deadline=None)
@given(
    obs=st.lists(st.tuples(st.sampled_from(FIELDS), VALUES), max_size=25),
    mac=st.one_of(st.none(), st.text(max_size=20), st.sampled_from(["58:50:ed:00:00:01", "zz:zz"])),
)
def test_classify_never_raises(obs: list[tuple[str, str]], mac: str | None) -> None:
    host = HostEvidence(ip="192.0.2.7", mac=mac, observations=[Observation(f, v) for f, v in obs])
    verdict = default_matcher().classify(host)
    assert 0.0 <= verdict.confidence <= 1.0
    assert verdict.banned == bool(verdict.banned_by)
    if verdict.manufacturer is None:
        assert not verdict.banned and verdict.vulnerabilities == ()
