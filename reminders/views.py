"""A user's daily digest, opened from the inbox: each item linking to its row or page."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Digest


@require_GET
def digest(request, pk):
    found = get_object_or_404(Digest, pk=pk, user=request.user)
    return render(request, "reminders/digest.html", {"digest": found})
