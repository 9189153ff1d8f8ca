"""Settings of the suite's Django project (t/django/manage.py).

The hashers are Django's own list, with every hasher Django 3.2 can be
configured with; the database (when asked for) holds Django's auth and
session tables; Django's own login and logout views answer the test
client (django.test.Client), whose sessions mod_accounts then reads.
"""
import os

# The suite's key, for tests only (t/conf/extra.conf.in gives the same
# file to AccountsDjangoSecretKeyFile).
with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "secret.key")) as f:
    SECRET_KEY = os.environ.get("ACC_DJANGO_SECRET_KEY") or f.readline().rstrip("\n")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "djsite",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
# Django's own login and logout views (django.contrib.auth.urls).
ROOT_URLCONF = "djsite.urls"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# No database is needed to make or check a hash; with ACC_DJANGO_DBNAME
# the project is a Django site on the suite's PostgreSQL, in a database of
# its own: as the superuser over its socket, or, with ACC_DJANGO_DBUSER
# (and ACC_DJANGO_DBPASSWORD, ACC_DJANGO_DBHOST), as that role where it
# says -- t/27-django-live.t runs Django as the module's own role over
# TCP, so that one role owns Django's tables and ours, as on a real site.
DATABASES = {}
if os.environ.get("ACC_DJANGO_DBNAME"):
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ["ACC_DJANGO_DBNAME"],
        "HOST": os.environ.get("ACC_DJANGO_DBHOST") or os.environ["ACC_PGSOCK"],
        "PORT": os.environ["ACC_PGPORT"],
        "USER": os.environ.get("ACC_DJANGO_DBUSER") or "postgres",
    }
    if os.environ.get("ACC_DJANGO_DBPASSWORD"):
        DATABASES["default"]["PASSWORD"] = os.environ["ACC_DJANGO_DBPASSWORD"]
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
# Django's password-reset tokens count seconds on the process's local
# clock (PasswordResetTokenGenerator._now() is a naive datetime.now(), and
# Django sets the process's TZ to TIME_ZONE), mod_accounts' in UTC: the
# two agree on a token's age only when the site runs on UTC.  Django's own
# default is America/Chicago; startproject writes UTC, as here.
TIME_ZONE = "UTC"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.BCryptPasswordHasher",
]
