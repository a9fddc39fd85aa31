"""The project's URLs plus the benchmark's ceiling views.

Loaded only as ROOT_URLCONF=config.bench_urls by `manage.py bench`'s gunicorn, so the
ceiling views (one of them CSRF-exempt) are never reachable in a deployment.
"""

from django.urls import path

from . import bench_views
from .urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("bench/read/<int:pk>", bench_views.read_row, name="bench-read"),
    path("bench/insert", bench_views.insert_row, name="bench-insert"),
    *project_urlpatterns,
]
