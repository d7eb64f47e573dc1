"""A plan's change history (included by plans.urls, namespace "plans")."""

from django.urls import path

from plans.history import views

urlpatterns = [
    path("<int:pk>/lich-su/", views.plan_history, name="history"),
]
