from django.urls import path

from plans.cascade import views

urlpatterns = [
    path("<int:pk>/lay-tu-cap-tren/", views.take_from_above, name="take_from_above"),
    path("<int:pk>/do-phu/", views.coverage, name="coverage"),
    path("<int:pk>/do-phu.xlsx", views.coverage_xlsx, name="coverage_xlsx"),
]
