"""The verification page, open to anyone without logging in: by the code printed on a document's page 1
(or its QR code), or by uploading any PDF. It shows each signature's signer, organisation and time, and
whether the file is intact and is the one the portal issued — nothing of the plan beyond what the
PDF itself shows."""

import hashlib

from django import forms
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from .documents import authorise_held, cancel_held
from .keys import SigningFailed
from .models import CODE_ALPHABET, IssuedDocument
from .verify import UnreadablePdf, verify_pdf

MAX_PDF_BYTES = 20 * 1024 * 1024


def authorise_from_request(request, job):
    """The signer of `job` authorises its held remote signature with the PIN (and OTP) posted (or, with
    action=cancel, gives it up): None, or the message (in Vietnamese) saying why nothing changed. The
    PIN and OTP are passed on to the signing service and forgotten: never stored, logged or put in a
    message."""
    if job is None or not job.is_waiting:
        return "Văn bản không còn chờ xác nhận ký số."
    if job.signer_id != request.user.pk:
        return f"Chỉ người ký {job.signer} xác nhận được chữ ký số của mình."
    try:
        if request.POST.get("action") == "cancel":
            cancel_held(job)
        else:
            authorise_held(job, pin=request.POST.get("pin", "").strip(), otp=request.POST.get("otp", "").strip())
    except SigningFailed as failed:
        return str(failed)
    return None


class UploadForm(forms.Form):
    code = forms.CharField(label="Mã tra cứu in ở trang 1", required=False, max_length=20)
    file = forms.FileField(label="hoặc chọn tệp PDF để kiểm tra", required=False)

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).upper().replace("-", "")
        if code and any(letter not in CODE_ALPHABET for letter in code):
            raise forms.ValidationError("Mã tra cứu chỉ gồm chữ in hoa và chữ số, như in ở trang 1 văn bản.")
        return code

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if not uploaded:
            return None
        if uploaded.size > MAX_PDF_BYTES:
            raise forms.ValidationError("Tệp lớn hơn 20 MB: không kiểm tra được.")
        data = uploaded.read(MAX_PDF_BYTES + 1)
        if not data.startswith(b"%PDF-"):
            raise forms.ValidationError("Tệp này không phải PDF.")
        return data

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("code") and not cleaned.get("file"):
            raise forms.ValidationError("Hãy nhập mã tra cứu hoặc chọn một tệp PDF.")
        return cleaned


@require_http_methods(["GET", "POST"])
def verify(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        code, data = form.cleaned_data["code"], form.cleaned_data["file"]
        if code and not data:
            document = IssuedDocument.objects.filter(code=code).first()
            if document is None:
                form.add_error("code", "Không có văn bản nào do Cổng phát hành mang mã này.")
                return render(request, "signing/verify.html", context, status=404)
            return _document_page(request, document)
        try:
            context["report"] = verify_pdf(data)
        except UnreadablePdf as unreadable:
            form.add_error("file", str(unreadable))
            return render(request, "signing/verify.html", context, status=400)
        context["issued"] = IssuedDocument.objects.filter(sha256=hashlib.sha256(data).hexdigest()).first()
        context["uploaded"] = True
    return render(request, "signing/verify.html", context)


@require_GET
def document(request, code):
    issued = IssuedDocument.objects.filter(code=code.upper()).first()
    if issued is None:
        raise Http404("Không có văn bản nào do Cổng phát hành mang mã này.")
    return _document_page(request, issued)


def _document_page(request, issued):
    data = issued.file.read()
    intact = hashlib.sha256(data).hexdigest() == issued.sha256
    context = {"form": UploadForm(), "issued": issued, "stored_intact": intact, "report": verify_pdf(data)}
    return render(request, "signing/verify.html", context)


@require_GET
def download(request, code):
    """The issued file, exactly as signed (its SHA-256 checked before it is served)."""
    issued = IssuedDocument.objects.filter(code=code.upper()).first()
    if issued is None:
        raise Http404("Không có văn bản nào do Cổng phát hành mang mã này.")
    data = issued.file.read()
    if hashlib.sha256(data).hexdigest() != issued.sha256:
        raise Http404("Tệp lưu trữ không còn khớp với bản đã phát hành: hãy báo quản trị hệ thống.")
    return served_pdf(data, f"{issued.number_text.replace('/', '-')}-{issued.code}.pdf")


def served_pdf(data, filename):
    import io

    response = FileResponse(io.BytesIO(data), content_type="application/pdf", as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"
    return response
