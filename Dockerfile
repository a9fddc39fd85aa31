# One image for the migrate, web, worker and beat services of docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's libraries, fonts with Vietnamese diacritics (Liberation Serif stands in for
# Times New Roman in reply letters), and gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-liberation2 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

# A fixed uid lets operators chown bind mounts and backups predictably.
RUN groupadd --system --gid 10022 app \
    && useradd --system --uid 10022 --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. The project itself ships no
# packages (pyproject: packages = []): the code runs from /app.
COPY pyproject.toml ./
RUN pip install . && rm -rf build ./*.egg-info

COPY . .

# Settings refuse to load without SECRET_KEY; these build steps need none that is real, and
# giving it inline keeps it out of the image's environment. Static files are collected here
# only, so every container of a release (web, worker, beat) has the same manifest.
RUN SECRET_KEY=build-only-not-a-secret python manage.py compilemessages -v 0 \
    && SECRET_KEY=build-only-not-a-secret python manage.py collectstatic --no-input -v 0 \
    && mkdir -p var/media \
    && chown -R app:app var

# The code stays owned by root, so the process cannot rewrite it; it writes only under var/
# (static files, uploads on the media volume, the beat schedule).
USER app

EXPOSE 8000
# The access log and the rest of gunicorn's settings are in config/gunicorn.py. Migrations
# are not run here: docker-compose.yml runs them once, in its "migrate" job.
CMD ["gunicorn", "-c", "config/gunicorn.py", "--bind", "0.0.0.0:8000", "config.wsgi"]
