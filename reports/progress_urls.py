"""Recording progress (included at "tien-do/")."""

from django.urls import path

from . import progress_views as views

app_name = "progress"
urlpatterns = [
    path("<int:plan_pk>/", views.plan_progress_page, name="plan"),
    path("<int:plan_pk>/van-ban/<int:evidence_pk>/", views.evidence_file, name="evidence_file"),
    path("<int:plan_pk>/van-ban/<int:evidence_pk>/xoa/", views.evidence_remove, name="evidence_remove"),
    path("<int:plan_pk>/<str:period_code>/", views.sheet, name="sheet"),
    path("<int:plan_pk>/<str:period_code>/lay-ky-truoc/", views.carry_forward, name="carry_forward"),
    path("<int:plan_pk>/<str:period_code>/dong/<int:task_pk>/", views.row, name="row"),
    path("<int:plan_pk>/<str:period_code>/dong/<int:task_pk>/sua/", views.row_edit, name="row_edit"),
    path("<int:plan_pk>/<str:period_code>/dong/<int:task_pk>/luu/", views.row_save, name="row_save"),
]
