from django.urls import path

from . import views

app_name = "channels"

urlpatterns = [
    path("facebook", views.facebook_webhook, name="facebook"),
    path("zalo", views.zalo_webhook, name="zalo"),
]
