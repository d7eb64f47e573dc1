from django.urls import path

from plans import dashboard_views

urlpatterns = [
    path("bang-dieu-khien/", dashboard_views.dashboard, name="dashboard"),
]
