"""The second factor's pages (/tai-khoan/xac-thuc-hai-buoc/…): overview, enrolment with a QR code,
verification, new recovery codes, removal. The decisions are orgs.two_factor's."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from . import two_factor
from .audit import record as audit
from .models import AuditEvent


def _local(request, url):
    """`url` if it leads to a page of this site, else "" (no open redirect)."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _next(request):
    return _local(request, request.POST.get("next") or request.GET.get("next") or "")


def second_factor_redirect(request, *, enrol):
    """Where orgs.middleware.SecondFactorMiddleware sends a user who must verify (or enrol) first: the
    page to come back to is this one for a GET, else the page the step was posted from."""
    back = request.get_full_path() if request.method == "GET" else ""
    back = back or _local(request, request.headers.get("HX-Current-URL") or request.headers.get("Referer") or "")
    url = reverse("two_factor:enrol" if enrol else "two_factor:verify")
    if back:
        url += "?" + urlencode({"next": back})
    messages.warning(
        request,
        "Thao tác này cần xác thực hai bước: "
        + ("hãy đăng ký ứng dụng xác thực trên điện thoại trước." if enrol else "hãy nhập mã từ ứng dụng xác thực."),
    )
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def overview(request):
    user = request.user
    return render(
        request,
        "orgs/two_factor/overview.html",
        {
            "enrolled": two_factor.enrolled(user),
            "required": two_factor.required_for(user),
            "bypassed": two_factor.bypassed(),
            "verified": user.is_verified(),
            "codes_left": two_factor.recovery_codes_left(user),
        },
    )


def enrol(request):
    """GET: the QR code of a new app (the same one until confirmed); POST: the first code from it."""
    user = request.user
    if two_factor.enrolled(user) and not user.is_verified():
        messages.info(request, "Bạn đã đăng ký ứng dụng xác thực: hãy xác thực trước khi đăng ký ứng dụng khác.")
        return redirect(reverse("two_factor:verify") + (f"?next={reverse('two_factor:enrol')}"))
    error = ""
    if request.method == "POST":
        try:
            device, codes = two_factor.confirm_app(user=user, token=request.POST.get("token"), request=request)
        except two_factor.EnrolmentRefused as refused:
            error = str(refused)
        else:
            otp_login(request, device)
            return render(
                request, "orgs/two_factor/codes.html", {"codes": codes, "enrolled_now": True, "next": _next(request)}
            )
    app = two_factor.pending_app(user)
    return render(
        request,
        "orgs/two_factor/enrol.html",
        {
            "qr": two_factor.qr_svg(app),
            "secret": two_factor.secret_text(app),
            "error": error,
            "next": _next(request),
            "replacing": two_factor.enrolled(user),
        },
        status=400 if error else 200,
    )


def verify(request):
    user = request.user
    if not two_factor.enrolled(user):
        return redirect(reverse("two_factor:enrol") + (f"?next={_next(request)}" if _next(request) else ""))
    error = ""
    if request.method == "POST":
        until = two_factor.throttled_until(user)
        if until:
            seconds = max(1, int((until - timezone.now()).total_seconds()) + 1)
            error = f"Nhập sai nhiều lần: hãy thử lại sau {seconds} giây."
        else:
            device = two_factor.verify(user=user, token=request.POST.get("token"))
            if device is not None:
                otp_login(request, device)
                if isinstance(device, two_factor.RecoveryCodes):
                    left = two_factor.recovery_codes_left(user)
                    messages.warning(
                        request,
                        f"Đã dùng một mã dự phòng; còn {left} mã. Nếu mất điện thoại, hãy đăng ký lại ứng dụng "
                        "xác thực.",
                    )
                else:
                    messages.success(request, "Đã xác thực hai bước.")
                return HttpResponseRedirect(_next(request) or reverse("two_factor:overview"))
            audit(actor=user, action=AuditEvent.Action.SECOND_FACTOR_FAILED, target=user, request=request)
            error = (
                "Mã không đúng hoặc đã dùng. Nhập 6 chữ số đang hiện trong ứng dụng, hoặc một mã dự phòng chưa dùng."
            )
    return render(
        request, "orgs/two_factor/verify.html", {"error": error, "next": _next(request)}, status=400 if error else 200
    )


@require_POST
def recovery_codes(request):
    user = request.user
    if not two_factor.enrolled(user):
        return redirect("two_factor:overview")
    if not user.is_verified():
        return redirect(reverse("two_factor:verify") + f"?next={reverse('two_factor:overview')}")
    codes = two_factor.new_recovery_codes(user)
    audit(actor=user, action=AuditEvent.Action.SECOND_FACTOR_CODES, target=user, request=request)
    return render(request, "orgs/two_factor/codes.html", {"codes": codes, "enrolled_now": False})


@require_POST
def remove(request):
    user = request.user
    if two_factor.required_for(user):
        messages.error(
            request, "Vai trò của bạn (ký, thẩm định hoặc quản trị) bắt buộc xác thực hai bước: không tắt được."
        )
    elif two_factor.enrolled(user) and not user.is_verified():
        return redirect(reverse("two_factor:verify") + f"?next={reverse('two_factor:overview')}")
    else:
        two_factor.remove(user=user, actor=user, request=request)
        messages.success(request, "Đã tắt xác thực hai bước.")
    return redirect("two_factor:overview")
