from django.urls import path

from . import views
from .privacy import views as privacy

app_name = "staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/qr.svg", views.two_factor_qr, name="two_factor_qr"),
    path("logout/", views.logout_view, name="logout"),
    path("hotline/", views.hotline, name="hotline"),
    path("escalated/", views.escalated, name="escalated"),
    path("hold/", views.hold, name="hold"),
    path("unit/", views.supervision, name="supervision"),
    path("units/", views.units, name="units"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("help/", views.help_page, name="help"),
    # Reporters' personal data requests (SECURITY DP7): the coordination centre.
    path("data-requests/", privacy.data_requests, name="data_requests"),
    path("data-requests/new/", privacy.data_request_new, name="data_request_new"),
    path("data-requests/<int:pk>/", privacy.data_request, name="data_request"),
    path("data-requests/<int:pk>/export/", privacy.data_request_export,
         name="data_request_export"),
    path("data-requests/<int:pk>/<slug:step>/", privacy.data_request_step,
         name="data_request_step"),
    path("messages/<int:pk>/resend/", views.resend, name="resend"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("draft-photos/<int:pk>/", views.draft_photo, name="draft_photo"),
    # The coordinator's actions on a case.
    path("cases/<int:pk>/classify/", views.classify, name="classify"),
    path("cases/<int:pk>/verify/", views.verify, name="verify"),
    path("cases/<int:pk>/reject/", views.reject, name="reject"),
    path("cases/<int:pk>/dispatch/", views.dispatch, name="dispatch"),
    path("cases/<int:pk>/publish/", views.publish, name="publish"),
    path("cases/<int:pk>/reprocess/", views.reprocess, name="reprocess"),
    path("cases/<int:pk>/keep-result/", views.keep_result, name="keep_result"),
    path("cases/<int:pk>/escalate/", views.escalate, name="escalate"),
    path("cases/<int:pk>/mark-valuable/", views.mark_valuable, name="mark_valuable"),
    path("cases/<int:pk>/abuse-list/", views.abuse_list, name="abuse_list"),
    path("cases/<int:pk>/release/", views.release_hold, name="release_hold"),
    path("cases/<int:pk>/close-duplicate/", views.close_duplicate, name="close_duplicate"),
    path("cases/<int:pk>/dismiss-duplicate/", views.dismiss_duplicate,
         name="dismiss_duplicate"),
    path("cases/<int:pk>/clarify/", views.clarify, name="clarify"),
    # Actions on one unit's assignment of a case.
    path("assignments/<int:pk>/accept/", views.accept, name="accept"),
    path("assignments/<int:pk>/return/", views.return_, name="return"),
    path("assignments/<int:pk>/extend/", views.extend, name="extend"),
    path("assignments/<int:pk>/draft/", views.draft, name="draft"),
    path("assignments/<int:pk>/approve/", views.approve, name="approve"),
    path("assignments/<int:pk>/edit-approve/", views.edit_approve, name="edit_approve"),
    path("assignments/<int:pk>/return-to-staff/", views.return_to_staff,
         name="return_to_staff"),
    path("assignments/<int:pk>/send-back/", views.send_back, name="send_back"),
    path("assignments/<int:pk>/reveal/", views.reveal, name="reveal"),
]
