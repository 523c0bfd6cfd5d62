"""Scenario files: defaults, overrides, and errors that name the field and the rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from market.kernel.exceptions import ScenarioError
from market.process.scenario_spec import ScenarioSpec, load_scenario, spec_from_mapping


def test_an_empty_file_gives_the_default_market(tmp_path: Path) -> None:
    """Every field has a default, so an empty scenario is the default market."""
    path = tmp_path / "empty.toml"
    path.write_text("")
    assert load_scenario(path) == ScenarioSpec()


def test_every_section_is_read() -> None:
    """[market], [decisions] and [options] all reach the spec, with their types converted."""
    spec = spec_from_mapping(
        {
            "market": {"seed": 4, "mpans": 9, "start": date(2026, 3, 2), "variants": "mixed"},
            "decisions": {"objection": 0.5, "legacy_mpan": 1},
            "options": {
                "dispute_tolerance_kwh": 100,
                "smart_outgoing_ds_lane": True,
                "smart_if041_sender": "OUTGOING_SDS",
            },
        }
    )
    assert (spec.seed, spec.mpans, spec.start_day) == (4, 9, date(2026, 3, 2))
    assert spec.variants == {"T": 0.5, "A": 0.2, "S": 0.3}
    assert spec.decisions.objection == 0.5 and spec.decisions.legacy_mpan == 1.0
    assert spec.options.dispute_tolerance_kwh == Decimal("100")
    assert spec.options.smart_if041_sender == "OUTGOING_SDS"
    assert spec.options.smart_outgoing_ds_lane is True


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"market": {"mpan": 3}}, r"\[market\]: unknown key\(s\) \['mpan'\]"),
        ({"markets": {}}, r"scenario: unknown key\(s\) \['markets'\]"),
        ({"market": {"mpans": 0}}, r"market.mpans = 0: at least one MPAN"),
        ({"market": {"seed": "x"}}, r"market.seed = 'x': must be int"),
        ({"market": {"variants": {"Q": 1.0}}}, r"unknown variant\(s\) \['Q'\]"),
        ({"market": {"variants": "all"}}, r"market.variants = 'all': use one of T, A, S, mixed"),
        ({"decisions": {"objection": 1.5}}, r"decisions.objection = 1.5: must be a probability"),
        ({"decisions": {"objections": 0.1}}, r"\[decisions\]: unknown key\(s\) \['objections'\]"),
        (
            {"options": {"smart_if041_sender": "LDSO"}},
            r"^options.smart_if041_sender = 'LDSO': must be one of OUTGOING_SUPPLIER, OUTGOING_SDS",
        ),
        ({"options": {"deappoint_waits_for_legacy_agents": "yes"}}, r"must be bool"),
        ({"market": {"variants": float("nan")}}, r"market.variants = nan: use a named mix"),
        (
            {"options": {"objection_window_working_days": -3}},
            r"objection_window_working_days = -3: must be a whole number of days from 0 to 28",
        ),
        ({"options": {"cos_read_cutoff_working_days": 10**9}}, r"from 0 to 28"),
        (
            {"options": {"dispute_tolerance_kwh": "abc"}},
            r"dispute_tolerance_kwh = 'abc': must be a number",
        ),
        ({"options": {"dispute_tolerance_kwh": float("nan")}}, r"= NaN: must be a finite"),
        ({"options": {"dispute_tolerance_kwh": -1}}, r"= -1: must be a finite, non-negative"),
        (
            {"options": {"placeholder_incoming_supplier_dip_id": "x"}},
            r"placeholder_incoming_supplier_dip_id = 'x': must be 10 ASCII letters or digits",
        ),
    ],
)
def test_bad_input_names_the_field_and_the_rule(data: dict[str, object], message: str) -> None:
    """Each broken rule is reported with the field it concerns and what is allowed."""
    with pytest.raises(ScenarioError, match=message):
        spec_from_mapping(data)


def test_a_file_that_is_not_toml_names_the_file(tmp_path: Path) -> None:
    """A syntax error in the file is reported with the file's name."""
    path = tmp_path / "broken.toml"
    path.write_text("[market\nseed = 1")
    with pytest.raises(ScenarioError, match=r"broken\.toml: not valid TOML"):
        load_scenario(path)


def test_a_file_that_is_not_utf8_is_refused_naming_the_file(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 are a scenario error (exit 2 from the CLI), not a traceback."""
    path = tmp_path / "latin1.toml"
    path.write_bytes("[market]\n# caf\u00e9\nseed = 1\n".encode("latin-1"))
    with pytest.raises(ScenarioError, match=r"latin1\.toml: not UTF-8 text \(byte 14\)"):
        load_scenario(path)


def test_the_api_takes_a_named_variant_mix_as_the_toml_does() -> None:
    """``ScenarioSpec(variants="mixed")`` is the mix ``variants = "mixed"`` gives in a file."""
    assert ScenarioSpec(variants="mixed") == spec_from_mapping({"market": {"variants": "mixed"}})
    assert ScenarioSpec(variants="S").variants == {"S": 1.0}
    with pytest.raises(ScenarioError, match=r"market.variants = 'zz': use one of T, A, S, mixed"):
        ScenarioSpec(variants="zz")


def test_option_errors_never_show_attrs_internals() -> None:
    """The message is the rule in one line, not a tuple with the attribute's repr."""
    with pytest.raises(ScenarioError) as refused:
        spec_from_mapping({"options": {"smart_if041_sender": "x"}})
    assert "Attribute(" not in str(refused.value)
    assert "\n" not in str(refused.value)
