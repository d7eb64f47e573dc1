from django.urls import include, path

from plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/pdf/", views.pdf_request, name="pdf_request"),
    path("<int:pk>/pdf/trang-thai/", views.pdf_status, name="pdf_status"),
    path("<int:pk>/pdf/<int:job_pk>/tai-ve/", views.pdf_download, name="pdf_download"),
    path("<int:pk>/tai-word/", views.word_download, name="word_download"),
    path("<int:pk>/ky-so/trang-thai/", views.signed_status, name="signed_status"),
    path("<int:pk>/ky-so/ky-lai/", views.signed_retry, name="signed_retry"),
    path("<int:pk>/ky-so/xac-nhan/", views.signed_authorise, name="signed_authorise"),
    path("<int:pk>/ky-so/tai-ve/", views.signed_download, name="signed_download"),
    path("<int:pk>/ky-so/ban-chua-ky/", views.signed_unsigned, name="signed_unsigned"),
    path("<int:pk>/ky-so/tai-len/", views.signed_upload, name="signed_upload"),
    path("", include("plans.editing.urls")),
    path("", include("plans.files.urls")),
    path("", include("plans.copying.urls")),
    path("", include("plans.cascade.urls")),
    path("", include("plans.workflow.urls")),
    path("", include("plans.history.urls")),
]
