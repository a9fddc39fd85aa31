from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("openapi.json", views.openapi, name="openapi"),
    path("cases", views.submit, name="submit"),
    path("uploads", views.upload, name="upload"),
    path("track", views.track, name="track"),
    path("cases/<str:code>/rating", views.rate, name="rate"),
    path("cases/<str:code>/comments", views.comment, name="comment"),
    path("answers", views.answers, name="answers"),
    path("answers/<str:pk>", views.answer, name="answer"),
    path("categories", views.categories, name="categories"),
]
