# Qorgau bot: python -m bot run, installed from its wheel, with the database on the /data volume.

# The wheel: the bot, its catalogs, templates and shipped content (no sandbox, tests or bench).
FROM python:3.11-slim AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY locales ./locales
COPY content ./content
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BOT_DATABASE=/data/qorgau.sqlite3 \
    BOT_LISTEN=0.0.0.0:8080

RUN useradd --create-home --uid 10001 qorgau \
    && mkdir /data && chown qorgau:qorgau /data

# The dependencies in a layer of their own, read from pyproject.toml: a change of the code
# alone reuses it.
COPY pyproject.toml /tmp/pyproject.toml
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('/tmp/pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/pyproject.toml /tmp/requirements.txt

COPY --from=wheel /wheels /wheels
RUN pip install --no-deps /wheels/*.whl && rm -rf /wheels

USER qorgau
WORKDIR /data
VOLUME ["/data"]
# The bot's web server: /healthz, /metrics, the console and the webhook (put an HTTPS front
# before it; see README.md, "The bot's web server").
EXPOSE 8080

# Asks GET /healthz on BOT_LISTEN: database, updates and the delivery engine.
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot", "health"]

CMD ["python", "-m", "bot", "run"]
