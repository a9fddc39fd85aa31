from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.drilldown, name="cases"),
    path("report.pdf", views.download_pdf, name="pdf"),
    path("report.xlsx", views.download_xlsx, name="xlsx"),
    path("reply/<int:assignment_pk>.pdf", views.reply_letter, name="reply_letter"),
]
