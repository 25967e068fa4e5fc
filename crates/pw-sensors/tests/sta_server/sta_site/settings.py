"""Settings of the local SensorThings test server. The database file and
the service URL come from the environment (the test picks a port and a
temporary folder)."""
import os
from uuid import UUID

BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "sensorthings.versions.v1_1",
    "sensorthings.versions.v1_1.backends.django",
]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "sta_site.urls"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("PW_STA_DB", os.path.join(BASE_DIR, "sta.sqlite3")),
    }
}
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SENSORTHINGS_V1_1_SERVICE_URL = os.environ.get("PW_STA_URL", "http://127.0.0.1:8000/sensorthings")
SENSORTHINGS_V1_1_BACKEND_ADAPTER = "sta_site.adapter.OrderByPhenomenonTimeAdapter"
SENSORTHINGS_V1_1_ID_TYPE = UUID
SENSORTHINGS_V1_1_ID_DELIMITER = "'"
