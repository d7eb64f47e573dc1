from django.urls import path

from . import views

app_name = "signing"
urlpatterns = [
    path("", views.verify, name="verify"),
    path("<str:code>/", views.document, name="document"),
    path("<str:code>/tai-ve/", views.download, name="download"),
]
