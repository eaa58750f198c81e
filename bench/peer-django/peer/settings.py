"""Settings of the Django peer: a stock Django + DRF + simplejwt deployment.

Everything comes from Django's, DRF's and simplejwt's defaults except what the benchmark
needs to say explicitly (database from the environment, production flags, JWT lifetimes and
rotation). See README.md for why each deviation from `startproject` is there.
"""
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get(
    "PEER_SECRET_KEY", "peer-django-dev-secret-key-not-for-production-0123456789abcdef"
)
DEBUG = False
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "posts",
]

# startproject's middleware minus the three that need the apps we do not install (sessions,
# messages, and AuthenticationMiddleware, which reads the session; DRF authenticates itself).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "peer.urls"
WSGI_APPLICATION = "peer.wsgi.application"
TEMPLATES = []


def _database_from_url(url):
    """postgresql://user[:password]@host[:port]/dbname -> Django DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"PEER_DATABASE_URL: unsupported scheme {parts.scheme!r}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        # Persistent connections: one per worker, reused for 60 s (Django closes them at the
        # end of a request otherwise).
        "CONN_MAX_AGE": 60,
    }


DATABASES = {
    "default": _database_from_url(
        os.environ.get("PEER_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/peer")
    )
}

# Django's default hashers (PBKDF2-SHA256 at Django's default cost) and startproject's
# default password validators.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_L10N = True
USE_TZ = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON and form bodies, like our gateway (anything else is 415).
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # No pagination: list routes answer plain arrays, like ours without ?limit.
    "DEFAULT_PAGINATION_CLASS": None,
}

SIMPLE_JWT = {
    # HS256 with SECRET_KEY (simplejwt's defaults).
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
}

# No request logging: gunicorn runs without an access log, and only errors (5xx, crashes)
# reach stderr; Django's per-request 4xx warnings stay off.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "level": "ERROR"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
