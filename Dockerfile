# syntax=docker/dockerfile:1
# One image for every Déclic process (bot, console, scheduler, migrations, admin commands): the
# command picks the process, e.g. `docker run declic bot --webhook`. Dependencies come from
# uv.lock, so the image runs the versions the test suite ran with. Nothing secret is baked in:
# every setting comes from the environment at run time (see .env.example).

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
# The uv the Makefile uses, from PyPI like the Makefile does.
ARG UV_VERSION=0.13.8
RUN pip install --no-cache-dir --disable-pip-version-check "uv==${UV_VERSION}"
ENV UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1
WORKDIR /app
# Dependencies first, in their own layer: rebuilt only when the lock changes.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
# Then the project. It stays an editable install on purpose: the code finds `locales/` (and its
# demo data) beside its packages, which a wheel would not carry.
COPY README.md ./
COPY locales ./locales
COPY migrations ./migrations
COPY infra ./infra
COPY knowledge ./knowledge
COPY routing ./routing
COPY bot ./bot
COPY console ./console
COPY declic ./declic
RUN uv sync --frozen --no-dev
# UV_COMPILE_BYTECODE compiles the dependencies only (the project is an editable install); the
# final image sets PYTHONDONTWRITEBYTECODE, so without this every process would compile the
# project's packages again from source (about 0.15 s of CPU per process start).
RUN /app/.venv/bin/python -m compileall -q infra knowledge routing bot console declic

FROM ${PYTHON_IMAGE}
# An unprivileged user that cannot modify the code it runs (files stay owned by root).
RUN groupadd --system --gid 10001 declic \
    && useradd --system --uid 10001 --gid declic --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin declic
WORKDIR /app
COPY --from=build /app /app
# `var/` is where the SQLite default lives (demo, one-off commands); PostgreSQL needs nothing.
RUN mkdir -p /app/var && chown declic:declic /app/var
ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
USER declic
# Console, webhook worker, scheduler metrics: each answers GET /healthz there (see
# docker-compose.yml for the health checks; the slim image has no curl, Python does it).
EXPOSE 8000 8081 9100
ENTRYPOINT ["declic"]
CMD ["--help"]
