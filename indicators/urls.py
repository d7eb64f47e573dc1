from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("<int:plan_pk>/", views.plan_kpis, name="plan_kpis"),
    path("<int:plan_pk>/chi-tieu-giao/them/", views.target_add, name="target_add"),
    path("<int:plan_pk>/chi-tieu-giao/de-xuat/", views.target_proposal, name="target_proposal"),
    path("<int:plan_pk>/chi-tieu-giao/<int:target_pk>/", views.target_row, name="target_row"),
    path("<int:plan_pk>/chi-tieu-giao/<int:target_pk>/sua/", views.target_edit, name="target_edit"),
    path("<int:plan_pk>/chi-tieu-giao/<int:target_pk>/luu/", views.target_save, name="target_save"),
    path("<int:plan_pk>/chi-tieu-giao/<int:target_pk>/bo/", views.target_remove, name="target_remove"),
    path("<int:plan_pk>/so-lieu/<str:period_code>/them/", views.measurement_add, name="measurement_add"),
    path(
        "<int:plan_pk>/so-lieu/<str:period_code>/<int:indicator_pk>/", views.measurement_save, name="measurement_save"
    ),
]
