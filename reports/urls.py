"""Reports (included at "bao-cao/")."""

from django.urls import path

from . import consolidated_views, views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("bao-cao-tong-hop/", consolidated_views.consolidated_index, name="consolidated_index"),
    path(
        "bao-cao-tong-hop/<int:unit_pk>/<int:year>/<str:period_code>/",
        consolidated_views.consolidated,
        name="consolidated",
    ),
    path(
        "bao-cao-tong-hop/<int:unit_pk>/<int:year>/<str:period_code>/soan-lai/",
        consolidated_views.consolidated_redraft,
        name="consolidated_redraft",
    ),
    path(
        "bao-cao-tong-hop/<int:unit_pk>/<int:year>/<str:period_code>/tao/",
        consolidated_views.consolidated_document_request,
        name="consolidated_document_request",
    ),
    path(
        "bao-cao-tong-hop/<int:unit_pk>/<int:year>/<str:period_code>/trang-thai/",
        consolidated_views.consolidated_document_status,
        name="consolidated_document_status",
    ),
    path(
        "bao-cao-tong-hop/<int:unit_pk>/<int:year>/<str:period_code>/tep/<int:document_pk>/<str:kind>/",
        consolidated_views.consolidated_download,
        name="consolidated_download",
    ),
    path(
        "bao-cao-tong-hop/<int:unit_pk>/<int:year>/<str:period_code>.xlsx",
        consolidated_views.consolidated_xlsx,
        name="consolidated_xlsx",
    ),
    path("tong-hop/", views.batch_index, name="batch_index"),
    path("tong-hop/<int:pk>/", views.batch_detail, name="batch"),
    path("tong-hop/<int:pk>/trang-thai/", views.batch_status, name="batch_status"),
    path("tong-hop/<int:pk>/thu-lai/<int:document_pk>/", views.batch_retry, name="batch_retry"),
    path("<int:plan_pk>/", views.plan_reports, name="plan"),
    path("<int:plan_pk>/<str:period_code>/", views.report_page, name="report"),
    path("<int:plan_pk>/<str:period_code>/soan-lai/", views.redraft, name="redraft"),
    path("<int:plan_pk>/<str:period_code>/tao/", views.document_request, name="document_request"),
    path("<int:plan_pk>/<str:period_code>/trang-thai/", views.document_status, name="document_status"),
    path("<int:plan_pk>/<str:period_code>/ky-va-gui/", views.sign_and_send, name="sign_send"),
    path("<int:plan_pk>/<str:period_code>/ky-so/trang-thai/", views.signed_status, name="signed_status"),
    path("<int:plan_pk>/<str:period_code>/ky-so/xac-nhan/", views.signed_authorise, name="signed_authorise"),
    path("<int:plan_pk>/<str:period_code>/ky-so/tai-ve/", views.signed_download, name="signed_download"),
    path("<int:plan_pk>/tep/<int:document_pk>/<str:kind>/", views.document_download, name="download"),
]
