"""`unread_count` for the top bar's "Hộp thư (n)": counted only when a template shows it."""

from django.utils.functional import SimpleLazyObject

from .notifications import unread_count


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_count": 0}
    return {"unread_count": SimpleLazyObject(lambda: unread_count(user))}
