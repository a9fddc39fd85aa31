"""The staff's reply letters, at the paths they have always had (/reports/reply/...)."""

from django.urls import path

from .views import letters

app_name = "letters"

urlpatterns = [
    path("<int:assignment_pk>.pdf", letters.reply_letter, name="reply"),
    path("<int:assignment_pk>/signed/", letters.signed_letter, name="signed"),
]
