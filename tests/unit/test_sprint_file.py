"""A sprint file a coordinator typed by hand and got wrong is refused with where it goes wrong,
never a traceback (`declic sprint import`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from declic.cli import app
from routing.sprints.importer import SprintImportError, read_sprint_file

BROKEN = "panel:\n  - name: Awa\n    skills: [legal\nrooms: []\n"  # an unclosed list


def test_a_file_that_is_not_yaml_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "sprints.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(SprintImportError) as refused:
        read_sprint_file(path)
    assert "not valid YAML" in str(refused.value) and "line 4" in str(refused.value)


def test_the_command_says_so_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "sprints.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    url = f"sqlite+aiosqlite:///{tmp_path / 'never.sqlite3'}"
    result = CliRunner().invoke(
        app, ["sprint", "import", str(path)], env={"DECLIC_DATABASE_URL": url}
    )
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "not valid YAML" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "never.sqlite3").exists()  # refused before the database is opened
