from django.urls import path

from . import account_views as views

app_name = "account"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("phien/", views.sessions, name="sessions"),
    path("phien/<int:pk>/ket-thuc/", views.session_end, name="session_end"),
    path("phien/ket-thuc-cac-phien-khac/", views.sessions_end_others, name="sessions_end_others"),
]
