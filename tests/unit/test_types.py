"""The type checker is part of the test command: mypy, strict, over every package of ours.

The dispatch over replies, effects and actions ends in ``assert_never``, so a new member of one
of those unions that nobody handles is a type error here, not a reply dropped in production.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PACKAGES = ("declic", "bot", "console", "routing", "knowledge", "infra", "bench")
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
# What a module override may say without weakening strict mode.
HARMLESS = {"module", "ignore_missing_imports", "implicit_reexport", "follow_imports"}


@pytest.mark.timeout(600)  # a first run on a busy machine has no cache to start from
def test_mypy_finds_nothing() -> None:
    """``mypy`` reads its files and options from pyproject.toml, as ``make lint`` runs it.
    Its cache (.mypy_cache) makes a second run a few seconds."""
    tool = shutil.which("mypy", path=str(BIN))
    assert tool, f"no mypy beside {sys.executable}: `make install` puts the dev extra there"
    result = subprocess.run(
        [tool], cwd=ROOT, capture_output=True, text=True, timeout=540, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found"), result.stdout


def test_every_package_is_checked_strictly() -> None:
    assert CONFIG["strict"] is True
    assert set(CONFIG["files"]) == set(PACKAGES)
    for override in CONFIG.get("overrides", []):
        assert set(override) <= HARMLESS, override  # no strict flag turned off anywhere
        if override.get("ignore_missing_imports") or "follow_imports" in override:
            # third-party modules only: every module of ours is followed and checked
            assert not {m.split(".")[0] for m in override["module"]} & set(PACKAGES)


def test_no_module_of_ours_imports_a_module_the_checker_skips() -> None:
    """``follow_imports = "skip"`` makes a module's names ``Any``: it is kept for third-party
    modules only other libraries reach, so no import of ours may name one."""
    skipped = [
        m.removesuffix(".*")
        for override in CONFIG.get("overrides", [])
        if override.get("follow_imports") == "skip"
        for m in override["module"]
    ]
    assert skipped
    assert all(m.split(".")[0] not in PACKAGES for m in skipped)
    # Importing a module names its last part in the text: only those files are parsed.
    last_parts = "|".join(re.escape(m.rsplit(".", 1)[-1]) for m in skipped)
    named = re.compile(rf"\b(?:{last_parts})\b")
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            if not named.search(source):
                continue
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
                else:
                    continue
                bad = [n for n in names for m in skipped if n == m or n.startswith(m + ".")]
                assert not bad, f"{path.relative_to(ROOT)} imports {bad}, which mypy skips"


def _lazy_packages() -> set[str]:
    """Packages whose ``__init__.py`` names its public surface for ``infra.lazy.attach``."""
    found = set()
    for init in ROOT.glob("*/**/__init__.py"):
        if ".venv" in init.parts or init.parts[len(ROOT.parts)] not in PACKAGES:
            continue
        tree = ast.parse(init.read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        if any(isinstance(c.func, ast.Name) and c.func.id == "attach" for c in calls):
            found.add(".".join(init.relative_to(ROOT).parent.parts))
    return found


def test_lazy_packages_export_what_they_import_for_the_checker() -> None:
    """Their ``__all__`` is computed at run time, which mypy cannot read: each is listed in the
    override that makes its TYPE_CHECKING imports its exports (and nothing else is)."""
    reexporting = {
        module
        for override in CONFIG.get("overrides", [])
        if override.get("implicit_reexport")
        for module in override["module"]
    }
    lazy = _lazy_packages()
    assert lazy  # the walk found them
    assert reexporting == lazy
