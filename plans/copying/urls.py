from django.urls import path

from plans.copying import views as copy_views

# One address: GET shows what the copy would change, POST creates it. Both names reverse to it.
urlpatterns = [
    path("<int:pk>/sao-chep/", copy_views.copy_plan, name="copy_review"),
    path("<int:pk>/sao-chep/", copy_views.copy_plan, name="copy_create"),
]
