"""Settings for fupin, read from the environment (see fupin/lib/env.py and the README)."""

import contextlib
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from fupin.lib.env import env_bool, env_int, env_list, env_map, env_str, secret_key

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
DATA_DIR = Path(env_str("FUPIN_DATA_DIR") or BASE_DIR / "data")

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = secret_key(debug=DEBUG, data_dir=DATA_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if not DEBUG else ["*"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_tables2",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "fupin.regions",
    "fupin.accounts",
    "fupin.audit",
    "fupin.registry",
    "fupin.party",
    "fupin.pairing",
    "fupin.projects",
    "fupin.analytics",
    "fupin.imports",
    "fupin.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (css, htmx, charts) with DEBUG off too, from STATIC_ROOT or the apps.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fupin.lib.middleware.RefuseNulMiddleware",
    "fupin.lib.middleware.ProtectiveHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fupin.lib.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "fupin.audit.middleware.RequestIdMiddleware",
    # Last, as its documentation asks: it turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fupin.urls"
WSGI_APPLICATION = "fupin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fupin.accounts.context_processors.navigation",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'fupin.sqlite3'}"
    try:
        # A web worker keeps its connection for a minute: opening one to PostgreSQL for every
        # request (TCP, authentication, session settings) costs more than a dashboard's
        # queries. The health check replaces a connection the server has dropped.
        config = dj_database_url.parse(
            url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    except ValueError as e:
        raise ImproperlyConfigured(
            f"DATABASE_URL={url!r} is not a database address we can use ({e}). "
            "Examples: sqlite:///data/fupin.sqlite3, postgres://user@127.0.0.1:5432/fupin"
        ) from None
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        if config["NAME"] != ":memory:":
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # IMMEDIATE transactions and a busy timeout let the web process and the background
        # worker write to one SQLite file without "database is locked" errors; WAL lets pages
        # read while a job writes.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif engine != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            f"DATABASE_URL uses {engine}; fupin runs on SQLite and PostgreSQL only."
        )
    return dict(config)


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Who sees a record's personal data unmasked: lib's tables and serializers ask this function
# (lib imports no app), which decides per record from the user's grants.
PERSONAL_DATA_RULE = "fupin.accounts.scoping.sees_personal_data"
# The queryset of records scoped by a region-code field (`for_user`), for the apps below accounts
# (audit) that may not import it.
SCOPED_QUERYSET = "fupin.accounts.scoping.ScopedQuerySet"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out user is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "fupin.accounts.validators.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "regions:region-list"
LOGOUT_REDIRECT_URL = "accounts:login"

# Five failed logins for one user name from one address lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Reverse proxies in front of fupin (nginx: 1). The lock-out then counts the client's address
# from X-Forwarded-For, not the proxy's, so nobody outside can lock a user out by guessing.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "fupin.lib.middleware.client_address"

# Four eyes on money paid to poor households and on applying pairing proposals, by province
# code: "strict" (the default: every step by its own user) or "proposer" (only the proposer
# is kept from the later steps). The values are fupin.accounts.duties.Separation's.
DUTY_SEPARATION = env_map("DUTY_SEPARATION", ["strict", "proposer"])

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise serves the apps' static folders directly when `collectstatic` has not been run
# (the demo); a production install runs collectstatic and serves STATIC_ROOT, compressed.
WHITENOISE_USE_FINDERS = True
# WhiteNoise warns at every start when STATIC_ROOT is missing, which it is until collectstatic.
# (A read-only installation has run collectstatic, or serves static files otherwise.)
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The largest roster one upload takes: a county's households roster (.xlsx) is ~20 MB. Larger
# files are refused with a message before they are read (reading costs memory with the file).
IMPORT_MAX_UPLOAD_MB = env_int("IMPORT_MAX_UPLOAD_MB", 50)
# Uploaded rosters and their annotated copies (personal data: keep this folder private).
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media-not-served/"

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a call without credentials a 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "fupin.lib.drf.Pagination",
    "DEFAULT_PARSER_CLASSES": [
        "fupin.lib.drf.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "fupin.lib.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "fupin API",
    "DESCRIPTION": "Targeted poverty alleviation through party organisations (扶贫).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the sidecar package, so the docs work without a network.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Main and other poverty causes share one value list: one enum in the schema.
    # Field names such as "status", "kind" and "level" mean different lists in different apps.
    "ENUM_NAME_OVERRIDES": {
        "PovertyCauseEnum": "fupin.registry.choices.Cause",
        "HouseholdStatusEnum": "fupin.registry.choices.Status",
        "RegionLevelEnum": "fupin.regions.choices.Level",
        "OrganisationLevelEnum": "fupin.party.choices.OrgLevel",
        "OrganisationKindEnum": "fupin.party.choices.OrgKind",
        "MembershipStatusEnum": "fupin.party.choices.MembershipStatus",
        "TagKindEnum": "fupin.party.choices.TagKind",
        "MemberStageEnum": "fupin.party.choices.Stage",
        "ServiceKindEnum": "fupin.party.choices.ServiceKind",
        "ImportJobStatusEnum": "fupin.imports.models.JobStatus",
        "SkillEnum": "fupin.pairing.choices.Skill",
        "PairingKindEnum": "fupin.pairing.choices.PairingKind",
        "PairingSourceEnum": "fupin.pairing.choices.Source",
        "MeasureCategoryEnum": "fupin.pairing.choices.MeasureCategory",
        "MeasureStatusEnum": "fupin.pairing.choices.MeasureStatus",
        "ProposalStatusEnum": "fupin.pairing.choices.ProposalStatus",
        "ProposalChangeEnum": "fupin.pairing.choices.ProposalChange",
        "ProjectTypeEnum": "fupin.projects.choices.ProjectType",
        "ProjectStageEnum": "fupin.projects.choices.Stage",
        "PartnerKindEnum": "fupin.projects.choices.PartnerKind",
        "DividendRunStatusEnum": "fupin.projects.choices.RunStatus",
        "ContractStatusEnum": "fupin.projects.choices.ContractStatus",
    },
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

# Scripts only from our own static files: no inline script or handler attribute may run. Styles
# may be inline (the templates' bar widths); images may be data: URLs (the charts' legends).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
    "form-action 'self'"
)
# HTTPS=1 in production (behind TLS): secure cookies, redirects to https, HSTS for a year, and
# the proxy's X-Forwarded-Proto trusted for "is this request secure". Off for the local demo.
HTTPS = env_bool("HTTPS", default=False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING") or "WARNING"},
}
