#!/usr/bin/env python3
"""The SensorThings v1.1 test server (django-ogc-sensorthings 1.2.0 on
SQLite): `python manage.py migrate`, then `python manage.py runserver
--noreload 127.0.0.1:PORT`. The Rust tests start, seed and stop it."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sta_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
