"""Production settings for the load bench, with the one thing the environment cannot set: a temporary STATIC_ROOT.

LOAD_STATIC_FALLBACK=1 serves the static files without the manifest (whitenoise's compressing storage) for when
collectstatic cannot build the manifest; the bench then says so in its output.
"""

import os

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STATIC_ROOT = os.environ["LOAD_STATIC_ROOT"]
if os.environ.get("LOAD_STATIC_FALLBACK") == "1":
    STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
