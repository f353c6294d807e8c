FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Runtime libraries: WeasyPrint (Pango, HarfBuzz), python-magic, gettext, Korean fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-nanum \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        libmagic1 \
        gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /app /data/media /tmp/prometheus \
    && chown app:app /data/media /tmp/prometheus

WORKDIR /app

# Dependencies first so code changes reuse this layer.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

RUN SECRET_KEY=build DEBUG=0 python manage.py compilemessages --ignore=.venv \
    && SECRET_KEY=build DEBUG=0 python manage.py collectstatic --noinput

USER app

ENV MEDIA_ROOT=/data/media
EXPOSE 8000

CMD ["gunicorn", "portal.wsgi:application", "--config", "python:portal.gunicorn"]
