from django.urls import path

from . import privacy_views, result_views, track_link_views, views

app_name = "public"

urlpatterns = [
    path("gui-phan-anh/", views.submit, name="submit"),
    path("gui-phan-anh/da-gui/", views.submitted, name="submitted"),
    path("tra-cuu/", views.track, name="track"),
    path("tra-cuu/ket-qua/", views.tracked, name="tracked"),
    # The token is a secret: config/redaction.py keeps it out of every log.
    path("tra-cuu/lien-ket/<str:token>/", track_link_views.track_link, name="track_link"),
    path("tra-cuu/ket-qua/hoi-them/", views.comment, name="comment"),
    path("tra-cuu/ket-qua/danh-gia/", views.rate, name="rate"),
    path("tra-cuu/ket-qua/anh/<int:pk>/", result_views.result_photo, name="result_photo"),
    path("tra-cuu/ket-qua/cong-van/<int:assignment_pk>.pdf", result_views.result_letter,
         name="result_letter"),
    path("tra-cuu/thoat/", views.stop_tracking, name="stop_tracking"),
    path("tra-cuu/ma-sms/", views.otp_request, name="otp_request"),
    path("tra-cuu/ma-sms/nhap/", views.otp_check, name="otp_check"),
    path("tra-cuu/phan-anh-cua-toi/", views.my_cases, name="my_cases"),
    path("tra-cuu/phan-anh-cua-toi/mo/", views.open_case, name="open_case"),
    path("tra-cuu/phan-anh-cua-toi/thoat/", views.forget_phone, name="forget_phone"),
    path("tra-cuu/du-lieu-ca-nhan/", privacy_views.data_request, name="data_request"),
    path("tep/<int:pk>/", views.attachment, name="attachment"),
    path("kenh-tiep-nhan/", views.channels, name="channels"),
    path("quy-dinh/", views.rules, name="rules"),
    path("bao-ve-du-lieu-ca-nhan/", views.privacy, name="privacy"),
]
