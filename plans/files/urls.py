from django.urls import path

from plans.files import views as io_views

urlpatterns = [
    path("<int:pk>/xuat-excel/", io_views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/xuat-csv/", io_views.export_csv, name="export_csv"),
    path("mau-excel/", io_views.template_xlsx, name="template_xlsx"),
    path("<int:pk>/nhap/", io_views.import_upload, name="import"),
    path("<int:pk>/nhap/xem-truoc/<str:token>/", io_views.import_preview, name="import_preview"),
    path("<int:pk>/nhap/xac-nhan/", io_views.import_confirm, name="import_confirm"),
    path("<int:pk>/nhap/huy/", io_views.import_cancel, name="import_cancel"),
]
