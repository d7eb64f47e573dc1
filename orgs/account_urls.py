from django.urls import path

from . import account_views as views

app_name = "account"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("phien/", views.sessions, name="sessions"),
    path("phien/<int:pk>/ket-thuc/", views.session_end, name="session_end"),
    path("phien/ket-thuc-cac-phien-khac/", views.sessions_end_others, name="sessions_end_others"),
    # A forgotten password: open to anonymous visitors (orgs.middleware.LoginRequiredMiddleware).
    path("quen-mat-khau/", views.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("dat-lai-mat-khau/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("dat-lai-mat-khau/xong/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
