"""A user's daily digest, opened from the inbox: each item linking to its row or page."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from orgs.models import Membership
from orgs.scoping import memberships_of

from . import feed
from .forms import PreferenceForm, UnitDefaultForm
from .models import CalendarFeed, Digest, Preference, UnitDefault
from .preferences import for_users


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


@require_http_methods(["GET", "POST"])
def preferences(request):
    """The user's digest settings, and the defaults of the units they administer."""
    preference = Preference.objects.filter(user=request.user).first() or Preference(user=request.user)
    administered = [m.unit for m in memberships_of(request.user) if m.role == Membership.Role.ADMIN]
    form = PreferenceForm(request.POST if "personal" in request.POST else None, instance=preference)
    unit_forms = []
    for unit in administered:
        default = UnitDefault.objects.filter(unit=unit).first() or UnitDefault(unit=unit)
        posted = request.POST if request.POST.get("unit") == str(unit.pk) else None
        unit_forms.append((unit, UnitDefaultForm(posted, instance=default, prefix=f"u{unit.pk}")))
    if request.method == "POST":
        if "personal" in request.POST and form.is_valid():
            form.save()
            messages.success(request, "Đã lưu cài đặt nhắc việc của bạn.")
            return redirect("reminders:preferences")
        for unit, unit_form in unit_forms:
            if unit_form.is_bound and unit_form.is_valid():
                unit_form.save()
                messages.success(request, f"Đã lưu cài đặt nhắc việc mặc định của {unit}.")
                return redirect("reminders:preferences")
    return render(
        request,
        "reminders/preferences.html",
        {"form": form, "unit_forms": unit_forms, "effective": for_users([request.user])[request.user.pk]},
    )
