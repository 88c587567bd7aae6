# Two entry points for a fresh machine (see README "Quick start"): `make demo` and `make test`.
# Dependencies come from uv.lock, so every machine gets the versions the suite was run with.
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never

.PHONY: install demo test test-unit test-integration test-e2e lint catalogs bench

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# --compile-bytecode: the dependencies' .pyc are written once here (about 9 s on 2 CPUs, a second
# afterwards), so no process compiles them again, even where PYTHONDONTWRITEBYTECODE is set: a
# process loading the bot and the console started in 4.9 s instead of 7.0 s (the suite starts
# many: xdist workers, `declic` subprocesses). The Docker image does the same (UV_COMPILE_BYTECODE).
# The project's own packages likewise (an editable install: uv compiles only the dependencies);
# under PYTHONDONTWRITEBYTECODE every process compiled them again: about 0.15 s of CPU per
# `declic` process and 0.4 s per xdist worker (a third of a second here, then only what changed).
PACKAGES := declic bot console routing knowledge infra bench
install: $(UV)
	$(UV) sync --frozen --extra dev --compile-bytecode --python $(PYTHON)
	.venv/bin/python -m compileall -q $(PACKAGES)

demo: install
	.venv/bin/declic demo

# The whole suite in parallel (pytest-xdist): most tests wait (on PostgreSQL, on a subprocess, on
# the fake Bot API) rather than compute, so more workers than CPUs still shortens the run.
# 5 rather than 4 on 2 CPUs: the end-to-end tests (one chain of real processes each: the eight
# residents, kill -9, the scheduler crashes) use a tenth to a quarter of a CPU for a minute or
# two; a fifth worker keeps both CPUs busy under them (whole suite, back to back on a shared
# machine: 563 s at -n 4, 386 s at -n 5, same tests, CPU 549 s and 517 s). On a box shared
# with other jobs (load 6-8) the run is CPU-bound: 1009 s at c05a950 (CPU 1024 s, 101 % of one
# CPU), 584 s at 9d46a6a (CPU 796 s, 136 %), with no .mypy_cache and no kept test modules.
# tests/conftest.py hands the longest tests out first, and keeps a module whose tests share a
# fixture on one worker.
# TEST_WORKERS=0 runs in one process (easier to debug).
TEST_WORKERS ?= 5
# pytest rewrites the asserts of every test module and of its plugins' packages (hypothesis,
# schemathesis, anyio: 404 modules) in each process, and keeps the result in __pycache__ only
# where bytecode may be written: under PYTHONDONTWRITEBYTECODE each xdist worker rewrote them
# all again, 3.8 s of CPU a worker on a shared 2-CPU box (load 1.5). Unset for the tests, the
# first run keeps them and the next ones read them (pytest reads its cache even where writing
# is off).
PYTEST_RUN := env -u PYTHONDONTWRITEBYTECODE .venv/bin/pytest
PYTEST := $(PYTEST_RUN) -n $(TEST_WORKERS)

test: install
	$(PYTEST)

# One layer at a time, for daily work.
test-unit: install  # pure computation: one worker per CPU
	$(PYTEST_RUN) -n auto tests/unit

test-integration: install
	$(PYTEST) tests/integration

test-e2e: install
	$(PYTEST) tests/e2e

# mypy reads its files and its strict options from pyproject.toml; the test suite runs it too
# (tests/unit/test_types.py). A first run costs about 15 s of CPU (1.5 min of wall time on a busy
# 2-CPU machine); with its cache (.mypy_cache) the next ones take a few seconds.
lint: install
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports && \
		.venv/bin/mypy

# Only N_() marks strings, and _() in the console's Jinja templates (no default keywords: they
# would pick up the dict keys in gettext(phrases.SUMMARY["edit"])); only project folders, never
# .venv or .tools.
# Changed French strings come back fuzzy in en: tests/unit/test_catalogs.py fails until reviewed.
I18N_SOURCES := declic bot console routing knowledge infra
catalogs: install
	.venv/bin/pybabel extract -F babel.cfg --no-default-keywords -k N_ -k Np_:1,2 -k _ --no-location \
		--sort-output --project Déclic -o locales/declic.pot $(I18N_SOURCES)
	for lang in fr en; do \
		if [ -f locales/$$lang/LC_MESSAGES/declic.po ]; then \
			.venv/bin/pybabel update -i locales/declic.pot -d locales -D declic -l $$lang \
				--ignore-obsolete || exit 1; \
		else \
			.venv/bin/pybabel init -i locales/declic.pot -d locales -D declic -l $$lang || exit 1; \
		fi; \
	done
	# French in « vous »: the same msgids, said with « vous » (an empty msgstr: no « tu » in it).
	if [ -f locales/fr/LC_MESSAGES/declic_vous.po ]; then \
		.venv/bin/pybabel update -i locales/declic.pot -d locales -D declic_vous -l fr \
			--ignore-obsolete || exit 1; \
	else \
		.venv/bin/pybabel init -i locales/declic.pot -d locales -D declic_vous -l fr || exit 1; \
	fi

bench: install
	.venv/bin/python -m bench.intake_latency
	.venv/bin/python -m bench.matching
	.venv/bin/python -m bench.sprint_planner
	.venv/bin/python -m bench.city
	.venv/bin/python -m bench.stats_funnel
	.venv/bin/python -m bench.followup_delivery
	.venv/bin/python -m bench.webhook_load
