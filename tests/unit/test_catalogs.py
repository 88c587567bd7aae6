"""Translation catalogs: the .pot follows the sources, English is complete and used at runtime.

French is the source language (msgids); ``locales/en`` must translate every msgid, keep the
``{placeholders}``, line breaks and emoji, and name the English command aliases. Every key the
dialogue can emit must have a phrase in ``bot.phrases``. When a test here fails after a string
changed, run ``make catalogs`` and translate what is new or fuzzy in the en catalog.
"""

from __future__ import annotations

import ast
import importlib
import re
import string
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot import phrases
from infra.i18n import DOMAIN, LOCALES_DIR, Translator
from knowledge.lexicon import default_lexicon
from knowledge.territory import load_gazetteer
from routing.intake import Ask, Command, CommandIn, Dialogue, DialogueState, Say, Step, codes
from routing.intake.draft import EDITABLE, SLOT_ORDER
from routing.intake.extraction import Extractor

ROOT = Path(__file__).resolve().parents[2]
# Same folders and keywords as the Makefile `catalogs` target (never .venv or .tools).
SOURCES = ("declic", "bot", "console", "routing", "knowledge", "infra")
# N_() in Python; _() in the console's Jinja templates (Python may not call _ on a literal).
KEYWORDS = {"N_": None, "_": None}
POT = ROOT / "locales" / f"{DOMAIN}.pot"
TODAY = date(2026, 11, 23)
RUN = "run `make catalogs`, then translate what is new or fuzzy in locales/en"
Calls = dict[str, list[tuple[ast.Call, str]]]  # the calls in the sources, by the name called


def _command_names() -> dict[str, str]:
    """French command → English alias, from bot/commands.py MENU (importing it loads aiogram)."""
    tree = ast.parse((ROOT / "bot" / "commands.py").read_text(encoding="utf-8"))
    for stmt in tree.body:
        if isinstance(stmt, ast.AnnAssign) and getattr(stmt.target, "id", "") == "MENU":
            assert isinstance(stmt.value, ast.Tuple)
            return {
                ast.literal_eval(entry.elts[0]): ast.literal_eval(entry.elts[1])
                for entry in stmt.value.elts
                if isinstance(entry, ast.Tuple)
            }
    pytest.fail("bot/commands.py: no `MENU: ... = (...)` to read the command names from")


def _read(path: Path, locale: str | None = None) -> Catalog:
    assert path.exists(), f"{path.relative_to(ROOT)} is missing: {RUN}"
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def _ids(catalog: Catalog) -> set[str]:
    return {m.id for m in catalog if m.id and isinstance(m.id, str)}


def _po(locale: str) -> Catalog:
    return _read(LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po", locale)


def _extracted() -> set[str]:
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: set[str] = set()
    for folder in SOURCES:
        for _, _, message, _, _ in extract_from_dir(
            ROOT / folder, method_map, options_map, keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def _fields(text: str) -> Counter[str]:
    return Counter(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def _symbols(text: str) -> Counter[str]:
    return Counter(c for c in text if unicodedata.category(c) == "So")


def _translated() -> Iterator[tuple[str, str]]:
    for message in _po("en"):
        if message.id and isinstance(message.id, str) and isinstance(message.string, str):
            yield message.id, message.string


# -- (a) the committed template follows the sources ------------------------------------------


def test_pot_is_up_to_date_with_the_sources() -> None:
    extracted, committed = _extracted(), _ids(_read(POT))
    assert len(extracted) > 100  # the extraction really ran over the phrase modules
    new, gone = sorted(extracted - committed), sorted(committed - extracted)
    assert not new and not gone, f"locales/declic.pot is stale ({RUN}): new={new} gone={gone}"


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_each_catalog_has_every_msgid_of_the_pot(locale: str) -> None:
    missing = sorted(_ids(_read(POT)) - _ids(_po(locale)))
    assert not missing, f"locales/{locale} lacks {len(missing)} msgids ({RUN}): {missing}"


@pytest.fixture(scope="module")
def calls() -> Calls:
    """Every call in the sources, by the name called, with where it is: the sources parsed once
    for the tests below (parsing them was most of each test's time, and three tests did it)."""
    found: Calls = defaultdict(list)
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call):
                    func = node.func
                    called = (
                        func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    )
                    found[called].append((node, f"{path.relative_to(ROOT)}:{node.lineno}"))
    return found


def test_no_literal_is_passed_to_gettext_unmarked(
    calls: Calls,
) -> None:
    """Extraction only sees N_(): a literal given straight to gettext would never be translated."""
    offenders = [
        where
        for name in ("_", "gettext", "ngettext")
        for node, where in calls[name]
        if node.args and isinstance(node.args[0], ast.Constant | ast.JoinedStr)
    ]
    assert not offenders, f"mark these strings with N_() where they are defined: {offenders}"


# -- (b) English is complete -------------------------------------------------------------------


def test_every_msgid_has_a_reviewed_english_translation() -> None:
    en = {m.id: m for m in _po("en") if m.id}
    untranslated = sorted(i for i in _ids(_read(POT)) if i in en and not en[i].string)
    fuzzy = sorted(i for i in _ids(_read(POT)) if i in en and en[i].fuzzy)
    assert not untranslated, f"translate these in locales/en ({RUN}): {untranslated}"
    assert not fuzzy, f"review these fuzzy entries in locales/en, then drop `fuzzy`: {fuzzy}"


# -- (c) what the code and Telegram rely on survives translation ------------------------------


def test_placeholders_are_the_same_in_french_and_english() -> None:
    wrong = []
    for msgid, msgstr in _translated():
        try:
            same = _fields(msgid) == _fields(msgstr)
        except ValueError:  # a stray brace: str.format would fail at runtime
            same = False
        if not same:
            wrong.append((msgid, msgstr))
    assert not wrong, f"the {{placeholders}} differ: {wrong}"


def test_line_breaks_and_emoji_are_kept_in_english() -> None:
    wrong = [
        (msgid, msgstr)
        for msgid, msgstr in _translated()
        if msgid.count("\n") != msgstr.count("\n") or _symbols(msgid) != _symbols(msgstr)
    ]
    assert not wrong, f"line breaks or emoji differ: {wrong}"


def test_english_names_the_english_command_aliases() -> None:
    commands = _command_names()
    mentioned = 0
    wrong = []
    for msgid, msgstr in _translated():
        for command in re.findall(r"/(\w+)", msgid):
            if command in commands:
                mentioned += 1
                alias = commands[command]
                french_left = alias != command and re.search(rf"/{command}\b", msgstr)
                if f"/{alias}" not in msgstr or french_left:  # /pause is /pause in both
                    wrong.append((f"/{command} → /{alias}", msgstr))
    assert mentioned >= 5  # the help text alone names every command
    assert len(commands) >= 8
    for french, english in commands.items():  # the bot understands the names the text uses
        assert codes.COMMAND_ALIASES[english] == codes.COMMAND_ALIASES[french]
    assert not wrong, f"use the English command names in English: {wrong}"


# -- (d) the translations are what the bot says ------------------------------------------------


def test_english_translations_are_used_at_runtime() -> None:
    catalog = {m.id: m.string for m in _po("en") if m.id}
    for template in (phrases.SAY["listen"], phrases.QUESTIONS["neighbourhood"]):
        english = Translator("en").gettext(template)
        assert english == catalog[template]
        assert english != template  # really English, not the French fallback
    assert Translator("fr").gettext(phrases.SAY["listen"]) == phrases.SAY["listen"]


# -- (e) every key the dialogue can emit has words ---------------------------------------------


def _literals(node: ast.expr, where: str) -> set[str]:
    """String keys of an expression: a literal, or a conditional between literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _literals(node.body, where) | _literals(node.orelse, where)
    pytest.fail(f"{where}: the key is not a literal, so no test can check it has a phrase")


def _dialogue_calls(calls: Calls, name: str) -> list[tuple[ast.Call, str]]:
    """Calls of ``name`` in routing/, where the dialogue builds its replies."""
    return [(node, where) for node, where in calls[name] if where.startswith("routing/")]


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _say_keys(calls: Calls) -> set[str]:
    keys: set[str] = set()
    for call, where in _dialogue_calls(calls, "Say"):
        argument = _argument(call, 0, "key")
        assert argument is not None, f"{where}: Say() without a key"
        keys |= _literals(argument, where)
    return keys


def test_every_say_key_of_the_dialogue_has_a_phrase(
    calls: Calls,
) -> None:
    keys = _say_keys(calls)
    assert {"welcome", "listen", "help", "sorry_error"} <= keys  # the parse found the real calls
    missing = sorted(keys - phrases.SAY.keys())
    assert not missing, f"Say keys without a phrase in bot/phrases.py SAY: {missing}"


def _values(node: ast.expr, where: str) -> set[str]:
    """Button values: a tuple of literals or ``Option("...")`` calls, or a module constant."""
    if isinstance(node, ast.Name):  # a constant of the module that builds the menu
        module = importlib.import_module(where.split(":")[0].removesuffix(".py").replace("/", "."))
        return set(getattr(module, node.id))
    if isinstance(node, ast.Tuple | ast.List):
        found: set[str] = set()
        for element in node.elts:
            if isinstance(element, ast.Call):
                element = element.args[0]
            found |= _literals(element, where)
        return found
    pytest.fail(f"{where}: the buttons are not literals, so no test can check their labels")


def test_every_menu_and_its_buttons_have_words(
    calls: Calls,
) -> None:
    menus: dict[str, set[str]] = {}
    for call, where in _dialogue_calls(calls, "Menu"):
        key, options = _argument(call, 0, "key"), _argument(call, 2, "options")
        if isinstance(key, ast.Name) and key.id == "key":
            continue  # inside _menu(): its callers are checked below
        assert key is not None and options is not None, f"{where}: unexpected Menu() call"
        for name in _literals(key, where):
            menus.setdefault(name, set()).update(_values(options, where))
    for call, where in _dialogue_calls(calls, "_menu"):
        key, values = _argument(call, 2, "key"), _argument(call, 4, "values")
        assert key is not None and values is not None, f"{where}: unexpected _menu() call"
        for name in _literals(key, where):
            menus.setdefault(name, set()).update(_values(values, where))
    assert {"after_submit", "forget_confirm", "language"} <= menus.keys()
    missing = sorted(k for k in menus if k not in phrases.MENUS)
    buttons = sorted((k, v) for k, vs in menus.items() for v in vs if (k, v) not in phrases.OPTIONS)
    assert not missing, f"menus without a title in bot/phrases.py MENUS: {missing}"
    assert not buttons, f"menu buttons without a label in bot/phrases.py OPTIONS: {buttons}"


def test_every_question_the_dialogue_can_ask_has_words_and_labelled_buttons() -> None:
    """Any slot can be pending (asked, or being corrected); /aide then puts it again."""
    talk = Dialogue(Extractor(load_gazetteer(), default_lexicon()))
    asked, unlabelled, unsaid = set(), set(), set()
    for slot in set(SLOT_ORDER) | set(EDITABLE):
        pending = DialogueState(step=Step.ASKING, pending=slot, editing=slot in EDITABLE)
        for reply in talk.step(pending, CommandIn(Command.HELP), TODAY).replies:
            if isinstance(reply, Say) and reply.key not in phrases.SAY:
                unsaid.add(reply.key)
            if isinstance(reply, Ask):
                asked.add(reply.slot.value)
                unlabelled |= {
                    (reply.slot.value, o.value)
                    for o in reply.options
                    if not o.label and (reply.slot.value, o.value) not in phrases.OPTIONS
                }
    assert {"neighbourhood", "needs", "consent"} <= asked  # the re-ask path really asks
    missing = sorted(asked - phrases.QUESTIONS.keys())
    assert not missing, f"slots without a question in bot/phrases.py QUESTIONS: {missing}"
    assert not unlabelled, f"buttons without a label in bot/phrases.py OPTIONS: {unlabelled}"
    assert not unsaid, f"Say keys without a phrase in bot/phrases.py SAY: {unsaid}"
