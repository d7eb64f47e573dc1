"""A user's daily digest, opened from the inbox: each item linking to its row or page."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from . import feed
from .models import CalendarFeed, Digest


@require_GET
def digest(request, pk):
    found = get_object_or_404(Digest, pk=pk, user=request.user)
    return render(request, "reminders/digest.html", {"digest": found})


@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    """The user's calendar feed: made or renewed here (POST); its URL is shown once, right after."""
    url = None
    if request.method == "POST":
        token = feed.renew(request.user)
        url = request.build_absolute_uri(reverse("calendar_feed", args=[token]))
    exists = CalendarFeed.objects.filter(user=request.user).exists()
    return render(request, "reminders/calendar.html", {"url": url, "exists": exists})


@require_GET
def calendar_feed(request, token):
    """The .ics itself, without logging in: the token is the key."""
    user = feed.user_for(token)
    if user is None:
        raise Http404("Không có lịch ở địa chỉ này (địa chỉ đã đổi hoặc không đúng).")
    response = HttpResponse(feed.feed_ics(user), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
