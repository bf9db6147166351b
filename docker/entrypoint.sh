#!/bin/sh
# The web container applies migrations (idempotent; reference data loads on the first migrate) before serving.
# Worker and beat containers start straight away. With several web replicas, set MIGRATE_ON_START=0 on all but one,
# or run `docker compose run --rm web python manage.py migrate` as a release step.
set -eu
if [ "${1:-}" = "gunicorn" ] && [ "${MIGRATE_ON_START:-1}" = "1" ]; then
  echo "entrypoint: applying migrations"
  python manage.py migrate --no-input
fi
exec "$@"
