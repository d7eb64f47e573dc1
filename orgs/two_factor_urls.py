from django.urls import path

from . import two_factor_views as views

app_name = "two_factor"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("dang-ky/", views.enrol, name="enrol"),
    path("xac-thuc/", views.verify, name="verify"),
    path("ma-du-phong/", views.recovery_codes, name="recovery_codes"),
    path("tat/", views.remove, name="remove"),
]
