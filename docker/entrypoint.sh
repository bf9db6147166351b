#!/bin/sh
# Web containers migrate (idempotent) before serving; workers and beat start straight away.
set -e
if [ "$1" = "gunicorn" ]; then
  python manage.py migrate --no-input
fi
exec "$@"
