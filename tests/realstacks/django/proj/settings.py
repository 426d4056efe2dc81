"""Settings read from the environment, the way TikTrue's are on its platform."""
import os
from datetime import timedelta

from corsheaders.defaults import default_headers

SECRET_KEY = os.environ.get("SECRET_KEY", "realstacks-test-key-not-secret-0123456789abcdef")
DEBUG = os.environ.get("DEBUG", "False") == "True"
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "corsheaders",
]
MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
# AUTH_USER_MODEL=accounts.User: users log in by email (USERNAME_FIELD), so simplejwt's login
# takes {"email", "password"}.
AUTH_USER_MODEL = os.environ.get("AUTH_USER_MODEL", "auth.User")
if AUTH_USER_MODEL == "accounts.User":
    INSTALLED_APPS.append("accounts")
# SESSIONS=True: a cookie-session SPA. Django's sessions and CSRF check, DRF's
# SessionAuthentication; the SPA's origin must be in CSRF_TRUSTED_ORIGINS (Django 4+ checks the
# Origin of every unsafe request against it).
SESSIONS = os.environ.get("SESSIONS", "False") == "True"
if SESSIONS:
    INSTALLED_APPS.append("django.contrib.sessions")
    MIDDLEWARE += [
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
CSRF_COOKIE_DOMAIN = os.environ.get("CSRF_COOKIE_DOMAIN") or None
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SECURE = True
CSRF_FAILURE_VIEW = "proj.urls.csrf_failure"
ROOT_URLCONF = "proj.urls"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DB_PATH", "/tmp/realstacks-django.sqlite3"),
    }
}
USE_TZ = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        *(["rest_framework.authentication.SessionAuthentication"] if SESSIONS else []),
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
}
SIMPLE_JWT = {"ACCESS_TOKEN_LIFETIME": timedelta(minutes=15)}
_origins = os.environ.get("CORS_ALLOWED_ORIGINS", "")
CORS_ALLOWED_ORIGINS = [o for o in _origins.split(",") if o]
CORS_ALLOW_CREDENTIALS = os.environ.get("CORS_ALLOW_CREDENTIALS", "True") == "True"
CORS_ALLOW_HEADERS = (*default_headers,)
