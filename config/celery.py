"""Celery application: tasks take ids, are idempotent and are acknowledged late."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("cong1022")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
