"""`declic understand` as the contract says: one text, or JSON lines in and out.

Run in-process through Typer's runner (stdin, stdout and stderr apart), as
``test_staff_cli.py`` runs `declic staff`: the same command, options and exit codes as
`python -m declic understand`, without a process that imports the application again (about
1.2-3.6 s of CPU each, four of them). `python -m declic` itself is run by the end-to-end tests
(the bot, the console, `city import`, `directory import`, `match --batch`).
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from declic.cli import app


def run(tmp_path: Path, *args: str, stdin: str | None = None) -> Result:
    env = {"DECLIC_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'd.sqlite3'}"}
    done = CliRunner().invoke(app, ["understand", *args], input=stdin, env=env)
    # An error the command did not handle would be a traceback in a terminal: here it is the
    # result's exception, anything but the SystemExit of an exit code.
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exc_info
    return done


def test_one_text_as_json(tmp_path: Path) -> None:
    done = run(
        tmp_path, "--step", "timing", "--today", "2026-12-03", "--json", "Le samedi 24 avril 2027"
    )
    assert done.exit_code == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["intent"] == "answer"
    assert out["slots"] == {"date": "2027-04-24", "timing": "this_year"}


def test_a_batch_answers_one_line_per_input(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "text": "je veux parler à quelqu'un", "step": "quartier"},
        {"id": "b", "text": "The second one, please", "step": "sprint_options", "locale": "en",
         "options": ["2027-04-12", "2027-04-22", "2027-05-03"]},
        {"id": "c", "text": "Salut ! je voudrais un potager partagé aux Tanneurs"},
    ]  # fmt: skip
    stdin = "".join(json.dumps(line) + "\n" for line in lines)
    done = run(tmp_path, "--batch", "-", stdin=stdin)
    assert done.exit_code == 0, done.stderr
    out = {row["id"]: row for row in map(json.loads, done.stdout.splitlines())}
    assert set(out["a"]) >= {"id", "intent", "confidence", "slots", "title"}
    assert out["a"]["intent"] == "human"
    assert (out["b"]["intent"], out["b"]["slots"].get("option")) == ("answer", 2)
    assert out["c"]["title"] == "Potager partagé aux Tanneurs"
    assert out["c"]["slots"]["neighbourhood"] == "tanneurs"


def test_a_bad_line_is_reported_not_a_traceback(tmp_path: Path) -> None:
    done = run(tmp_path, "--batch", "-", stdin='{"id": 1}\n')
    assert done.exit_code == 2
    assert "line 1" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unknown_step_is_refused_kindly(tmp_path: Path) -> None:
    done = run(tmp_path, "--step", "nowhere", "bonjour")
    assert done.exit_code == 2
    assert "--step" in done.stderr
