from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse


class LoginRequiredMiddleware:
    """An anonymous visitor sees only the login page (and the static files it needs)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated:
            path = request.path_info
            open_paths = (reverse("login"), "/" + settings.STATIC_URL.lstrip("/"))
            if not path.startswith(open_paths):
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
