"""`declic` imports a command's module only when that command runs (declic/cli.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from declic import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", sorted(cli.LAZY))
def test_the_help_line_listed_is_the_command_s_own(name: str) -> None:
    command = cli.load_command(name)
    own = command.help or ""
    assert " ".join(own.split()).startswith(cli.LAZY[name][1]), (name, own)
    assert command.name == name


def test_the_top_help_lists_every_command_without_importing_them() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from declic.cli import app\n"
        "out = CliRunner().invoke(app, ['--help']).output\n"
        "loaded = [m for m in ('sqlalchemy', 'declic.directory_cli', 'declic.staff_cli',"
        " 'knowledge', 'routing', 'aiogram', 'fastapi') if m in sys.modules]\n"
        "print(loaded)\n"
        "print(out)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    loaded, _, shown = done.stdout.partition("\n")
    assert loaded == "[]"
    for name in (*cli.LAZY, "db", "bot", "serve", "chat"):
        assert f" {name} " in shown, name


def test_a_typo_still_gets_a_suggestion_among_the_lazy_commands() -> None:
    result = CliRunner().invoke(cli.app, ["statz"])
    assert result.exit_code == 2
    assert "Did you mean 'stats'" in " ".join(result.output.split())
