"""`manage.py screen` and `manage.py rules`. Neither touches the database (no django_db mark:
pytest-django fails any test that tries)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from screening.engine import RULES, Parameters

PHQ9_MODERATE = {f"phq9_{n}": 1 for n in range(1, 9)} | {"phq9_9": 2}  # total 10
CSI_16 = {"csi_1": 4, "csi_2": 4, "csi_3": 4, "csi_4": 4}

DOCUMENT = {
    "questionnaire_version": "1",
    "appointment_date": "2027-01-15",
    "partners": {
        "a": {
            "preferred_name": "Sam",
            "date_of_birth": "1988-04-02",
            "sex_for_scoring": "male",
            **PHQ9_MODERATE,
            "heart_attack": True,
            "heart_attack_when": "2026-06",
            "readiness": 9,
            "pressured": True,
            **CSI_16,
        },
        "b": {
            "preferred_name": "Alex",
            "date_of_birth": "1990-09-30",
            "readiness": 2,
            "csi_1": 1,
            "csi_2": 2,
            "csi_3": 2,
            "csi_4": 2,
        },
    },
}


def write(tmp_path: Path, data: object, name: str = "answers.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_screen_json(tmp_path):
    output = json.loads(run("screen", write(tmp_path, DOCUMENT), "--json", "--date", "2026-11-28"))
    assert output["ruleset"] == "1"
    assert output["date"] == "2027-01-15"
    assert output["evaluation_date"] == "2026-11-28"
    assert output["parameters"] == Parameters().as_dict()
    assert [(f["severity"], f["rule"], f["partner"]) for f in output["flags"]] == [
        ("urgent", "SI-2", "a"),
        ("high", "VOL-1", "a"),
        ("high", "CV-2", "a"),
        ("info", "MH-1", "a"),
        ("info", "RL-1", "b"),
        ("info", "CP-1", "couple"),
        ("info", "CP-2", "couple"),
    ]
    si_2 = output["flags"][0]
    assert set(si_2) == {"rule", "topic", "severity", "partner", "evidence", "message"}
    assert si_2["evidence"] == {"phq9_9": 2}
    assert si_2["topic"] == "suicide_risk"
    cv_2 = output["flags"][2]
    assert cv_2["evidence"] == {"heart_attack": True, "heart_attack_when": "2026-06"}
    assert "June 2026 (within 12 months of the appointment date)" in cv_2["message"]
    assert output["flags"][3]["message"].startswith("PHQ-9 total 10, in the moderate band")
    assert output["flags"][6]["evidence"]["csi_1"] == {"a": 4, "b": 1}
    assert output["scores"]["a"]["phq9"] == {
        "instrument": "phq9",
        "total": 10,
        "band": "moderate",
        "missing": [],
        "note": "",
    }
    assert output["scores"]["b"]["phq9"]["total"] is None
    assert output["scores"]["b"]["csi4"]["total"] == 7
    assert set(output["scores"]) == {"a", "b"}


def test_screen_text(tmp_path):
    text = run("screen", write(tmp_path, DOCUMENT), "--date", "2026-11-28")
    assert "Date used: 2027-01-15 (appointment date); evaluated 2026-11-28" in text
    assert "Flags (7)" in text
    assert "URGENT  SI-2   partner a" in text
    assert "INFO    CP-2   couple" in text
    assert "evidence: phq9_9=2" in text
    assert "b  PHQ-9      missing" in text
    lines = [line for line in text.splitlines() if line.startswith("  ") and "partner" in line]
    assert lines[0].split()[0] == "URGENT"


def test_screen_without_appointment_date_uses_the_date_option(tmp_path):
    document = {**DOCUMENT, "partners": {"a": {"date_of_birth": "2008-12-01"}}}
    del document["appointment_date"]
    path = write(tmp_path, document)
    before = json.loads(run("screen", path, "--json", "--date", "2026-11-30"))
    after = json.loads(run("screen", path, "--json", "--date", "2026-12-01"))
    assert before["date"] == "2026-11-30"
    assert [f["rule"] for f in before["flags"]] == ["AG-1"]
    assert after["flags"] == []


def test_screen_invalid_value_names_partner_and_question(tmp_path):
    document = json.loads(json.dumps(DOCUMENT))
    document["partners"]["b"]["phq9_9"] = 7
    with pytest.raises(CommandError, match=r"partner b.*phq9_9"):
        run("screen", write(tmp_path, document), "--json")


def test_screen_unknown_question_names_partner_and_question(tmp_path):
    document = json.loads(json.dumps(DOCUMENT))
    document["partners"]["a"]["favourite_colour"] = "blue"
    with pytest.raises(CommandError, match=r"partner a.*favourite_colour"):
        run("screen", write(tmp_path, document))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"questionnaire_version": "1", "partners": []}', "partners"),
    ],
)
def test_screen_rejects_bad_files(tmp_path, content, message):
    with pytest.raises(CommandError, match=message):
        run("screen", write(tmp_path, content))


def test_screen_missing_file_and_bad_date(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run("screen", str(tmp_path / "nope.json"))
    with pytest.raises(CommandError, match="--date"):
        run("screen", write(tmp_path, DOCUMENT), "--date", "28/11/2026")


@pytest.mark.django_db
def test_rules_lists_every_rule_with_parameter_values():
    text = run("rules")  # the clinic has not changed a parameter: the defaults are in force
    assert "Screening ruleset 1: 40 rules" in text
    assert "Parameters (clinic settings): cardiac_window_months=12" in text
    listed = [line.split()[0] for line in text.splitlines() if line and not line[0].isspace()]
    assert listed[2:] == [rule.id for rule in RULES]
    assert "PS-3   mania                  review (high when mania_now is yes)" in text
    assert "parameters: bp_systolic_max=140, bp_diastolic_max=90" in text
    assert "parameters: csi_cutoff=13.5" in text


@pytest.mark.django_db
def test_rules_uses_the_clinic_parameters():
    from screening.models import ClinicParameters

    row = ClinicParameters.current()
    row.ptsd_cutoff, row.cardiac_window_months = 3, 6
    row.save()
    text = run("rules")
    assert "Parameters (clinic settings):" in text
    assert "parameters: ptsd_cutoff=3" in text
    assert "parameters: cardiac_window_months=6" in text


def test_rules_reports_an_unreadable_parameters_table(monkeypatch):
    from django.db import OperationalError

    def broken() -> Parameters:
        raise OperationalError("no such table: screening_clinicparameters")

    monkeypatch.setattr("screening.parameters.current_parameters", broken)
    with pytest.raises(CommandError, match="cannot read the clinic parameters"):
        run("rules")
