from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from reminders import views as reminder_views
from reports.dashboard_views import dashboard
from tthc_portal.health import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="plans:list", permanent=False)),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("healthz", healthz, name="healthz"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("ke-hoach/bang-dieu-khien/", dashboard, name="dashboard"),
    path("ke-hoach/", include("plans.urls")),
    path("tien-do/", include("reports.progress_urls")),
    path("chi-tieu/", include("indicators.urls")),
    path("bao-cao/", include("reports.urls")),
    path("nhac-viec/", include("reminders.urls")),
    # A personal calendar feed, read without logging in (the secret token is the key): reminders.feed.
    path("lich/<str:token>.ics", reminder_views.calendar_feed, name="calendar_feed"),
    path("nhat-ky/", include("orgs.urls")),
    path("tai-khoan/xac-thuc-hai-buoc/", include("orgs.two_factor_urls")),
    path("tai-khoan/", include("orgs.account_urls")),
    path("xac-thuc/", include("signing.urls")),
    path("quan-tri/", admin.site.urls),
]
