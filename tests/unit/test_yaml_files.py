"""A free-form YAML file (a city's territories or sprint calendars) is read as yaml.safe_load
reads it, by libyaml when PyYAML has it, and a bad one fails with yaml.safe_load's own message."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.importers.problems import Problems
from knowledge.importers.yaml_format import read_yaml as read_directory_yaml
from knowledge.yaml_files import load_text, read_yaml

GOOD = """\
panel:
  - id: pm-nadia
    weekdays: [mon, 2, on, no]
    monthly_cap: 2
    ratio: 0.5
    absences:
      - {from: 2026-12-21, to: 2027-01-01}
    contact: ~
    note: &n "quoted: text"
    again: *n
"""

BAD = [
    "panel:\n  - id: a\n    name: [x\n",  # libyaml: « did not find expected ',' or ']' »
    "\t- id: x\n",  # libyaml: « found character that cannot start any token »
    "a: b\n\x07\n",  # libyaml: « control characters are not allowed »
    "- 1\n---\n- 2\n",
    "panel: !!python/object:os.system x\n",
]


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "city.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_reads_as_safe_load_reads_it(tmp_path: Path) -> None:
    path = _file(tmp_path, GOOD)
    read = read_yaml(path)
    assert read == yaml.safe_load(GOOD)
    assert read["panel"][0]["weekdays"] == ["mon", 2, True, False]
    assert read_yaml(_file(tmp_path, "")) is None


@pytest.mark.parametrize("text", BAD)
def test_a_bad_file_fails_with_safe_loads_message(tmp_path: Path, text: str) -> None:
    path = _file(tmp_path, text)
    with path.open(encoding="utf-8") as handle, pytest.raises(yaml.YAMLError) as expected:
        yaml.safe_load(handle)
    with pytest.raises(yaml.YAMLError) as error:
        read_yaml(path)
    assert type(error.value) is type(expected.value)
    assert str(error.value) == str(expected.value)
    assert str(path) in str(error.value)


def test_a_file_that_is_not_utf8_fails_as_before(tmp_path: Path) -> None:
    path = tmp_path / "city.yaml"
    path.write_bytes(b"name: \xe9cole\n")
    with pytest.raises(UnicodeDecodeError, match="position 6"):
        read_yaml(path)


@pytest.mark.parametrize("text", BAD)
def test_a_text_libyaml_refuses_fails_with_the_exact_loaders_error(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as expected:
        yaml.load(text, Loader=yaml.SafeLoader)
    with pytest.raises(yaml.YAMLError) as error:
        load_text(text, yaml.SafeLoader, yaml.CSafeLoader)
    assert type(error.value) is type(expected.value)
    assert str(error.value) == str(expected.value)
    assert load_text(GOOD, yaml.SafeLoader, yaml.CSafeLoader) == yaml.safe_load(GOOD)


def test_a_directory_file_keeps_its_lines_and_its_problems() -> None:
    problems = Problems()
    text = "- id: r1\n  kind: room\n  name: Salle\n- id: r2\n  kind: [room\n"
    assert read_directory_yaml(text, "d.yaml", problems, frozenset()) == []
    [problem] = problems.errors
    assert problem.place == "d.yaml:6"
    assert problem.params["detail"] == "expected ',' or ']', but got '<stream end>'"
