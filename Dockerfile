# syntax=docker/dockerfile:1
# The image of the stateless processes (web, worker, stock relay, migrate) in
# docker-compose.yml. Production only: no embedded servers (the `embedded` extra), no
# tests, no benchmarks (.dockerignore), SHOPFLOW_ENV=production.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/shopflow
WORKDIR /src
# The dependency layer: exact versions with checked hashes, rebuilt only when the lock changes.
COPY requirements/production.lock requirements/production.lock
RUN /opt/shopflow/bin/pip install --require-hashes --no-deps -r requirements/production.lock
# The project itself (its dependencies are all above).
COPY . .
RUN /opt/shopflow/bin/pip install --no-deps . \
    && /opt/shopflow/bin/shopflow --version

FROM python:3.11-slim
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /srv/shopflow shopflow \
    && install -d -o shopflow -g shopflow /var/lib/shopflow/media
COPY --from=build /opt/shopflow /opt/shopflow
ENV PATH=/opt/shopflow/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    SHOPFLOW_ENV=production \
    SHOPFLOW_VAR_DIR=/srv/shopflow/var \
    HOST=0.0.0.0 \
    PORT=8000 \
    WEB_WORKERS=2
USER shopflow
WORKDIR /srv/shopflow
EXPOSE 8000
# The web process answers /livez while it runs; compose gives the worker and relay their own.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/livez' % os.environ.get('PORT', '8000'), timeout=2)"]
# `shopflow web` runs the one gunicorn command line (entrypoints/gunicorn.py).
CMD ["shopflow", "web"]
