from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.drilldown, name="cases"),
    path("report.pdf", views.download_pdf, name="pdf"),
    path("report.xlsx", views.download_xlsx, name="xlsx"),
    path("drafts/", views.drafts, name="drafts"),
    path("drafts/<int:pk>/", views.draft, name="draft"),
    path("drafts/<int:pk>/final/", views.draft_finalise, name="draft_finalise"),
    path("drafts/<int:pk>/report.pdf", views.draft_pdf, name="draft_pdf"),
    path("drafts/<int:pk>/report.xlsx", views.draft_xlsx, name="draft_xlsx"),
]
