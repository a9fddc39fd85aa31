"""The reports' public page, at the site's root beside the published answers."""

from django.urls import path

from . import public_views

app_name = "reports_public"

urlpatterns = [
    path("thong-ke/", public_views.statistics, name="statistics"),
]
