"""The project's URLs plus the benchmark's ceiling views.

Loaded only as ROOT_URLCONF=project.bench.urls by `manage.py bench`'s gunicorn, so the
ceiling views (one of them CSRF-exempt) are never reachable in a deployment.
"""

from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

from . import views

urlpatterns = [
    path("bench/read/<int:pk>", views.read_row, name="bench-read"),
    path("bench/insert", views.insert_row, name="bench-insert"),
    *project_urlpatterns,
]
