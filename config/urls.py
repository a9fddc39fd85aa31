from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("staff/", include("workflow.urls")),
    # The reply letters are workflow's; their paths are those they had under reports.
    path("reports/reply/", include("workflow.letter_urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/", include("feedback.api.urls")),
    path("open311/v2/", include("feedback.open311.urls")),
    path("webhooks/", include("feedback.channels.urls")),
    path("", include("feedback.urls")),
    path("", include("publishing.urls")),
    path("", include("reports.public_urls")),
]

# An outage raised outside a view (a session loaded by a middleware) answers the 503 page.
handler500 = "config.middleware.server_error"
