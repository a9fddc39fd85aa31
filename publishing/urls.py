from django.urls import path

from . import views

app_name = "publishing"

urlpatterns = [
    path("", views.home, name="home"),
    path("tra-loi/", views.answers, name="answers"),
    path("tra-loi/<int:pk>/", views.answer, name="answer"),
    path("tra-loi/anh/<int:pk>/", views.photo, name="photo"),
    # A public case's reply letter, at the path it had when the reports app served it.
    path("reports/letter/<int:assignment_pk>.pdf", views.letter, name="letter"),
]
