from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("<int:pk>/", views.digest, name="digest"),
    path("lich/", views.calendar_settings, name="calendar"),
    path("cai-dat/", views.preferences, name="preferences"),
]
