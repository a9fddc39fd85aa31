from django.urls import path, re_path

from . import views
from .views import allow

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)$"

# Each route declares its methods (`allow`); anything else under the prefix is the last
# route's: Open311's 404 error list instead of the site's HTML page.
urlpatterns = [
    path("", allow(views.root), name="root"),
    re_path(r"^discovery" + FMT, allow(views.discovery), name="discovery"),
    re_path(r"^services" + FMT, allow(views.services), name="services"),
    re_path(r"^services/(?P<code>[^/]+?)" + FMT, allow(views.service_definition),
            name="service"),
    re_path(r"^requests" + FMT, allow(views.requests, ("GET", "HEAD", "POST")),
            name="requests"),
    re_path(r"^requests/(?P<pk>[^/]+?)" + FMT, allow(views.request_detail), name="request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FMT, allow(views.token), name="token"),
    re_path(r"", views.not_found, name="not_found"),
]
