"""Each capability of the domain names its public surface, loads it lazily, and is used by
the others only through it (as ``httpx`` checks its ``__all__``)."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROUTING = Path(__file__).resolve().parents[2] / "routing"
# ``understanding`` (issue 14, in progress) still loads its modules eagerly and keeps a default
# Understander of its own: it joins the lazy surfaces when that work lands.
EAGER = {"understanding"}
CAPABILITIES = sorted(p.parent.name for p in ROUTING.glob("*/__init__.py"))
LAZY = [name for name in CAPABILITIES if name not in EAGER]


def test_the_domain_has_its_capabilities() -> None:
    assert {"cases", "conversation", "followups", "intake", "journey", "matching"} <= set(
        CAPABILITIES
    )
    assert {"outbox", "privacy", "sprints", "staff", "stats"} <= set(CAPABILITIES)


@pytest.mark.parametrize("name", LAZY)
def test_a_capability_says_what_it_owns_and_every_public_name_exists(name: str) -> None:
    package = importlib.import_module(f"routing.{name}")
    assert package.__doc__ and len(package.__doc__.split()) >= 12, "a one-paragraph docstring"
    assert package.__all__, "a public surface"
    assert list(package.__all__) == sorted(set(package.__all__)), "sorted, without repeats"
    for public in package.__all__:
        assert getattr(package, public) is not None, public
    assert set(package.__all__) <= set(dir(package))
    modules = {p.stem for p in (ROUTING / name).glob("*.py")} | {
        p.name for p in (ROUTING / name).iterdir() if (p / "__init__.py").exists()
    }
    assert not set(package.__all__) & modules, "a submodule, once imported, hides the name"
    with pytest.raises(AttributeError):
        _ = package.no_such_name


def test_importing_a_capability_costs_nothing_until_a_name_is_used() -> None:
    script = (
        "import sys\n"
        f"for name in {LAZY!r}:\n"
        "    __import__('routing.' + name)\n"
        "loaded = [m for m in sys.modules if m.startswith('routing.') and m.count('.') >= 2]\n"
        "loaded.sort()\n"
        "print(loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def _imports_of_other_capabilities() -> list[str]:
    found = []
    for path in sorted(ROUTING.rglob("*.py")):
        own = path.relative_to(ROUTING).parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                if parts[0] != "routing" or len(parts) < 2 or parts[1] == own:
                    continue
                where = f"{path.relative_to(ROUTING.parent)}:{node.lineno} {node.module}"
                if parts[1] in CAPABILITIES and len(parts) > 2:
                    found.append(where)  # a module inside another capability
                elif parts[1] in LAZY and len(parts) == 2:
                    public = importlib.import_module(node.module).__all__
                    found += [f"{where}.{a.name}" for a in node.names if a.name not in public]
    return found


def test_capabilities_use_each_other_only_through_their_public_names() -> None:
    assert _imports_of_other_capabilities() == []
