"""Enlace settings: one module, driven by environment variables (django-environ).

With no environment at all the platform runs on its embedded default: SQLite and Celery tasks executed
eagerly in-process. Setting DATABASE_URL and REDIS_URL switches to PostgreSQL and a Redis broker with real
workers. DJANGO_ENV=production turns on every deployment safeguard (`manage.py check --deploy` is clean).
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

ROOT_DIR = Path(__file__).resolve().parents[2]
PLATFORM_DIR = ROOT_DIR / "platform"

env = environ.Env()
environ.Env.read_env(ROOT_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
IS_PRODUCTION = DJANGO_ENV == "production"

# The development key is only ever used without DJANGO_ENV=production; production refuses to start without one.
SECRET_KEY = env.str("SECRET_KEY") if IS_PRODUCTION else env.str("SECRET_KEY", default="enlace-dev-key-not-secret")
DEBUG = env.bool("DEBUG", default=not IS_PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_countries",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "core",
    "accounts",
    "taxonomy",
    "suppliers",
    "buyers",
    "linkages",
    "matching",
    "events",
    "development",
    "reporting",
    "marketplace",
    "forecasts",
    "conversations",
    "notifications",
    "interchange",
    "auditlog",
    "audit",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the request: a NUL character in any part of it is a 400, never a query PostgreSQL refuses.
    "core.middleware.RejectNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.AuditlogMiddleware",  # django-auditlog's, reading the actor when an entry is written
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a sign-in refused for too many failures into the lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [ROOT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.current_organisation",
                "notifications.context_processors.unread_notifications",
                "conversations.context_processors.unread_messages",
            ],
        },
    },
]

if "DATABASE_URL" not in env:
    # The embedded default keeps its SQLite file in var/, which a fresh clone does not have yet.
    (ROOT_DIR / "var").mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{ROOT_DIR / 'var' / 'enlace.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if IS_PRODUCTION else 0)
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # PostgreSQL's JIT spends 100-200 ms compiling any query it thinks is large; the platform's are short (an
    # export's index of 50,000 processes runs in tens of milliseconds without it), so it costs more than it saves.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default under several clients at once: WAL lets readers work beside the writer, writers wait up
    # to 20 s for each other instead of failing with "database is locked", and a transaction takes the write lock
    # when it begins (IMMEDIATE), so two read-then-write transactions cannot deadlock on upgrading their locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses every sign-in (page, admin, API token) of a locked-out account or address before
# the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Password guessing (django-axes, database handler): after AXES_FAILURE_LIMIT failed sign-ins an account (any
# address) and an address (any account) are refused for AXES_COOLOFF_TIME, on the sign-in page, the admin and the API
# token endpoint alike. Locking the account by itself stops a guesser who rotates addresses; the price, a stranger
# able to keep someone out for the cool-off, is bounded by it. A success clears the account's failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Attempts made while locked out do not push the end of the cool-off further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "accounts.throttles.sign_in_username"
AXES_LOCKOUT_CALLABLE = "accounts.throttles.lockout_response"
# Behind a reverse proxy every request comes from the proxy's address, which would lock everybody out at once: set
# TRUSTED_PROXY_COUNT to the number of proxies in front of the site (each appends to X-Forwarded-For) so that axes
# (through django-ipware) and the API throttles take the client's address from the right-most untrusted entry. With
# 0 (the default) the header is ignored: a client could otherwise forge it to escape every limit.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("pt", _("Portuguese"))]
LOCALE_PATHS = [ROOT_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="America/Costa_Rica")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=ROOT_DIR / "var" / "staticfiles")
STATICFILES_DIRS = [ROOT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=ROOT_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

if not IS_PRODUCTION and not DEBUG:
    # `make demo` runs with DEBUG off (the project's own 404 and 500 pages, no list of every URL): WhiteNoise then
    # serves the static files as it does with DEBUG on, found in static/ and the apps at each request, instead of
    # needing a collectstatic. Left unset otherwise: WhiteNoise's defaults follow DEBUG (pytest-django turns it off
    # at run time, and the test client must not pay for static files per test).
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

# Uploaded certificates: small documents only, checked by content as well as by extension.
CERTIFICATE_MAX_UPLOAD_BYTES = env.int("CERTIFICATE_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
# An image certificate whose header declares more pixels than this is refused before anything decodes it (a few
# hundred bytes of PNG can declare 30,000 × 30,000). Pillow's own bomb warning (89 Mpx) is a refusal too.
CERTIFICATE_MAX_IMAGE_PIXELS = env.int("CERTIFICATE_MAX_IMAGE_PIXELS", default=50_000_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
# Without a broker the embedded default runs every task in-process, so the demo needs no server.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A request that queues a task must not wait on a broker that is down (kombu's defaults retried for ~19 s): one
# short connection attempt and no publish retry, then the caller logs it and the job's row stays queued for beat
# (core.jobs). Nothing reads task results (a job's row is its result), so publishing never touches the result store.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=0.25)
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_IGNORE_RESULT = True
# The visibility timeout is when Redis hands an unacknowledged message to another worker; it must exceed the longest
# retry countdown (5 min). A worker lost mid-job is noticed sooner by its stopped heartbeat (core.jobs).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=5.0),
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_BEAT_SCHEDULE = {
    "train-ranker-nightly": {"task": "matching.train_ranker", "schedule": crontab(hour=2, minute=30)},
    # Match runs, imports and outgoing e-mails nobody is doing: sent again, requeued or given up (core.jobs).
    "requeue-stalled-jobs": {"task": "core.requeue_stalled_jobs", "schedule": 60.0},
    "mark-dormant-linkages": {"task": "linkages.mark_dormant_linkages", "schedule": crontab(hour=3, minute=0)},
    "scan-expiring-certifications": {
        "task": "notifications.scan_expiring_certifications",
        "schedule": crontab(hour=6, minute=0),
    },
    "send-daily-digests": {"task": "notifications.send_daily_digests", "schedule": crontab(hour=7, minute=0)},
    # Saved searches: what each newly finds goes into that morning's digest.
    "check-saved-searches": {"task": "notifications.check_saved_searches", "schedule": crontab(hour=6, minute=45)},
    # Supplier development: SMEs asked for their outcomes 6 and 12 months after their plan ends.
    "ask-for-outcome-follow-ups": {"task": "development.send_due_follow_ups", "schedule": crontab(hour=6, minute=30)},
    # Marketplace: invited suppliers that have not answered by the requirement's respond-by date are reminded.
    "send-response-reminders": {"task": "marketplace.send_response_reminders", "schedule": crontab(hour=6, minute=15)},
}
CELERY_TIMEZONE = TIME_ZONE
# Durable jobs (core.jobs): a running job's heartbeat interval, how long without one means its worker died, when a
# queued job's message is sent again (never reached the broker / reached it but nobody took it). On the embedded
# default tasks run after the response in a background thread; CORE_RUN_TASKS_INLINE runs them in the caller.
CORE_JOB_HEARTBEAT_SECONDS = env.float("CORE_JOB_HEARTBEAT_SECONDS", default=30)
CORE_JOB_STALE_AFTER_SECONDS = env.float("CORE_JOB_STALE_AFTER_SECONDS", default=120)
CORE_JOB_UNSENT_GRACE_SECONDS = env.float("CORE_JOB_UNSENT_GRACE_SECONDS", default=30)
CORE_JOB_RESEND_AFTER_SECONDS = env.float("CORE_JOB_RESEND_AFTER_SECONDS", default=600)
CORE_RUN_TASKS_INLINE = env.bool("CORE_RUN_TASKS_INLINE", default=False)

CACHES = {
    "default": (
        # Redis is the broker too: when it is down, the cache misses (short timeouts) instead of failing the page.
        {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Matching: how many suppliers a run keeps, where the engine keeps its index and models, and how long supplier
# changes are collected before open requirements are re-matched.
MATCHING_TOP_K = env.int("MATCHING_TOP_K", default=50)
MATCHING_STATE_DIR = env.path("MATCHING_STATE_DIR", default=ROOT_DIR / "var" / "matching")
MATCHING_REMATCH_DEBOUNCE_SECONDS = env.int("MATCHING_REMATCH_DEBOUNCE_SECONDS", default=60)
# A run stores the SME-facing fit (its opportunities inbox) of this many of the best-ranked eligible suppliers, and of
# as many suppliers excluded by something they can fix (a certificate, the delivery area); deeper than MATCHING_TOP_K.
MATCHING_OPPORTUNITY_DEPTH = env.int("MATCHING_OPPORTUNITY_DEPTH", default=500)
# New award history (an OCDS upload) asks for a ranker trained on it, once per this many seconds.
MATCHING_TRAIN_DEBOUNCE_SECONDS = env.int("MATCHING_TRAIN_DEBOUNCE_SECONDS", default=300)
# OCDS files uploaded through the API or the page are refused above this size (the command line has no limit).
OCDS_UPLOAD_MAX_BYTES = env.int("OCDS_UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
# Uploaded OCDS files are read as a stream and refused once they expand (gzip) beyond this; 0 means no limit. The
# command line uses OCDS_COMMAND_MAX_EXPANDED_BYTES (no limit by default: the operator chose the file).
OCDS_MAX_EXPANDED_BYTES = env.int("OCDS_MAX_EXPANDED_BYTES", default=2**30)
OCDS_COMMAND_MAX_EXPANDED_BYTES = env.int("OCDS_COMMAND_MAX_EXPANDED_BYTES", default=0)
# Deeper JSON than this is refused (OCDS itself needs about 10 levels); it would otherwise exhaust the stack.
OCDS_MAX_JSON_DEPTH = env.int("OCDS_MAX_JSON_DEPTH", default=100)
# OCDS exports: the ocid prefix registered with the Open Contracting Partnership for this platform's own processes
# (imported processes keep their publisher's ocid), and who publishes them under which licence.
OCDS_OCID_PREFIX = env.str("OCDS_OCID_PREFIX", default="ocds-enlace")
OCDS_PUBLISHER_NAME = env.str("OCDS_PUBLISHER_NAME", default="Enlace")
OCDS_PUBLISHER_URI = env.str("OCDS_PUBLISHER_URI", default=env.str("SITE_URL", default="http://127.0.0.1:8000"))
OCDS_LICENSE = env.str("OCDS_LICENSE", default="")
# A linkage with no stage change or transaction for this many days is marked dormant by the nightly task.
LINKAGE_DORMANT_AFTER_DAYS = env.int("LINKAGE_DORMANT_AFTER_DAYS", default=180)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)  # an SMTP server that hangs fails the try (the outbox retries)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Enlace <no-reply@enlace.example>")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Deeper JSON than this in an API request body is refused with a 400 before it is decoded.
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", default=64)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's three, with a JSON parser that refuses documents nested deeper than API_MAX_JSON_DEPTH (a 400, not the
    # RecursionError of the standard decoder).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("ANON_THROTTLE_RATE", default="120/minute"),
        # POST /api/v1/auth/token/ per address (ScopedRateThrottle), on top of the axes lockout per account.
        "auth-token": env.str("AUTH_TOKEN_THROTTLE_RATE", default="10/minute"),
        # Requests carrying an unknown API token, per address: counted before authentication gives up on them.
        "token-failures": env.str("TOKEN_FAILURE_THROTTLE_RATE", default="20/minute"),
    },
    # Which X-Forwarded-For entry is the client (see TRUSTED_PROXY_COUNT); 0 ignores the header, which is forgeable.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Enlace API",
    "DESCRIPTION": """Enlace links multinational buyers (MNCs) with small and medium suppliers (SMEs) and follows each
linkage from the first match to repeat business. Everything the web pages do is in this API, under `/api/v1/`; the
operations are grouped by resource below.

## Authentication

- **Token**: `POST /api/v1/auth/token/` with `{"email": ..., "password": ...}` answers `{"token": ...}`; send it with
  every request as `Authorization: Token <token>`. That endpoint is rate-limited per address and shares the sign-in
  lockout (too many wrong passwords for an account or from an address: 429 for a while). Requests carrying an
  unknown token are counted per address and refused with 429 past a limit.
- **Session**: a browser signed in to the site is signed in here too; its POST, PUT, PATCH and DELETE requests send
  the CSRF token (header `X-CSRFToken`).

Every operation but the token endpoint needs one of the two (401 otherwise). Anonymous clients are throttled.

## Roles

What a user reads and does follows the organisations they are a member of:

- **SME suppliers** (organisation kind `sme`): their supplier profile, capabilities, machines, certifications and
  readiness diagnostics, the open requirements they may answer (`GET /api/v1/suppliers/me/opportunities/`), their
  linkages and events.
- **Buyers** (kind `mnc`): their requirements, each requirement's ranked suppliers and shortlist, supplier search
  and contacting suppliers, their linkages and transactions. Publishing requirements, searching suppliers and
  ranking wait until agency staff have verified the buyer organisation.
- **Agency staff** (members of an `agency` organisation): verifying organisations, suppliers and certificates; every
  requirement and linkage; events and their agendas; supplier development programmes; imports and OCDS exports; the
  dashboard, exchange rates, the audit trail and the matching policy.

Within an organisation, `owner` and `member` may write and `viewer` only reads. Something a user may not see
answers 404, as if it did not exist; something they see but may not do answers 403.

## Pagination

Lists come a page at a time: `?page=N`, answered as `{"count": ..., "next": ..., "previous": ..., "results": [...]}`,
25 items a page unless the operation says otherwise (ranked matches: 20, `?page_size=` up to 100; OCDS releases:
100, `?page_size=` up to 1000). Lists take `?search=` and the filters each operation documents.

## Errors

Every error has one shape: `{"detail": "...", "errors": {"field": ["message", ...]}}`. 400: invalid input, each
field's problems under its name in `errors` (`non_field_errors` for the request as a whole); 401: not signed in;
403: not allowed; 404: not found, or not visible to you; 409: conflicts with existing data; 415: unsupported media
type; 429: too many requests (wait for `Retry-After` seconds). Each operation lists the answers it may give.

## Languages

The site speaks English, Spanish and Portuguese; the API's own words (error messages, the labels of choices) are
English. Notifications are worded in the reader's language: the first of `en`, `es` and `pt` in the
`Accept-Language` header, else the user's `preferred_language` (`PATCH /api/v1/me/` changes it). Categories and
industries carry their name in each language they have (`name_en`, `name_es`, `name_pt`). Text people wrote
(summaries, capabilities, specifications) is returned as written; a capability says which language it is in.
""",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation also documents the API's error answers (config.api_errors): one shape for 400, 401, 403, ...
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api_errors.document_error_responses",
        "config.api_tags.tag_operations",
    ],
    # The groups of the Swagger UI, in this order; config.api_tags puts each operation in its app's.
    "TAGS": [
        {"name": "accounts", "description": "Users, organisations, memberships and invitations; API tokens."},
        {"name": "taxonomy", "description": "CPV categories, ISIC industries and certification standards."},
        {
            "name": "suppliers",
            "description": "Supplier profiles with their capabilities, machines, certifications and readiness "
            "diagnostics; supplier search; verification by agency staff.",
        },
        {"name": "requirements", "description": "Buyers' sourcing requirements, their status and invited suppliers."},
        {
            "name": "matching",
            "description": "Ranked suppliers for a requirement, the shortlist, contacting a supplier, an SME's "
            "opportunities, and the agency's matching policy.",
        },
        {"name": "linkages", "description": "Buyer–supplier linkages: their stages, moves and transactions."},
        {
            "name": "forecasts",
            "description": "Buyers' demand forecasts for the next one to three years (volumes per year, confidence, "
            "local-content intent), the suppliers ranked for them and SMEs' offers to supply them.",
        },
        {"name": "events", "description": "Business meeting events: registration, meeting requests and agendas."},
        {
            "name": "programmes",
            "description": "Supplier development programmes: consultants, interventions through their phases, "
            "diagnostics, improvement projects, training and attendance, outcomes and vouchers.",
        },
        {"name": "reporting", "description": "The agency's impact dashboard and the exchange rates it converts with."},
        {
            "name": "messages",
            "description": "Message threads between a buyer and a supplier (one per linkage and one per response): "
            "messages with attachments, unread counts, and agency staff's recorded reads.",
        },
        {"name": "notifications", "description": "Each user's notifications."},
        {"name": "interchange", "description": "OCDS imports and exports of procurement data."},
        {"name": "audit", "description": "The audit trail of changes (agency staff)."},
        {"name": "responses", "description": "Responses to requirements, clarifications, comparison and award."},
    ],
    "ENUM_NAME_OVERRIDES": {
        "ThreadKindEnum": "conversations.models.Thread.Kind",
        "LinkageStageEnum": "linkages.models.Stage",
        "RequirementStatusEnum": "buyers.models.Requirement.Status",
        "CertificationStatusEnum": "suppliers.models.Certification.Status",
        "VerificationStatusEnum": "suppliers.models.VerificationStatus",
        "LanguageEnum": "suppliers.models.Capability.Language",
        "CountryEnum": "django_countries.countries",
        "SizeClassEnum": "accounts.models.Organisation.SizeClass",
        "InterventionPhaseEnum": "development.models.Phase",
        "DiagnosticTemplateEnum": "development.models.DiagnosticTemplate",
        "OutcomeSourceEnum": "development.models.OutcomeMeasure.Source",
        "LinkageSourceEnum": "linkages.models.Linkage.Source",
        "ResponseStatusEnum": "marketplace.models.ResponseStatus",
        "ResponseKindEnum": "marketplace.models.ResponseKind",
        "DemandForecastStatusEnum": "forecasts.models.DemandForecast.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"  # not the cache: Redis down must not sign everybody out
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): the pages load scripts, styles and images from this site only, and run no
# inline script or style (templates/ keeps none: behaviour lives in static/js, bar widths are set from data-width
# attributes through the CSSOM, which CSP does not govern). The Swagger UI at /api/docs/ widens it for itself
# (config/urls.py). CSP_REPORT_URI, when set, receives the browsers' violation reports.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        **({"report-uri": [env.str("CSP_REPORT_URI")]} if env.str("CSP_REPORT_URI", default="") else {}),
    }
}

if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=int(timedelta(days=365).total_seconds()))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
