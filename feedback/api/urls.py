"""The API's routes, each with the methods it answers: any other method gets 405 in JSON
with an Allow header (http.allow), the same for every route under /api/."""

from django.urls import path

from . import views
from .http import allow

app_name = "api"

urlpatterns = [
    path("openapi.json", allow(views.openapi, "GET"), name="openapi"),
    path("cases", allow(views.submit, "POST"), name="submit"),
    path("uploads", allow(views.upload, "POST"), name="upload"),
    path("track", allow(views.track, "POST"), name="track"),
    path("cases/<str:code>/rating", allow(views.rate, "POST"), name="rate"),
    path("cases/<str:code>/comments", allow(views.comment, "POST"), name="comment"),
    path("answers", allow(views.answers, "GET"), name="answers"),
    path("answers/<str:pk>", allow(views.answer, "GET"), name="answer"),
    path("categories", allow(views.categories, "GET"), name="categories"),
    path("units", allow(views.units, "GET"), name="units"),
    path("areas", allow(views.areas, "GET"), name="areas"),
]
