import hashlib
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from signing.models import IssuedDocument
from signing.verify import UnreadablePdf, verify_pdf


class Command(BaseCommand):
    help = (
        "Kiểm tra chữ ký số của một tệp PDF: từng chữ ký (người ký, loại, thời gian, nguyên vẹn, bao trùm toàn bộ "
        "văn bản, tin cậy, dấu thời gian) và số văn bản nếu tệp do Cổng phát hành. Mã thoát khác 0 khi có chữ ký "
        "không hợp lệ hoặc tệp không có chữ ký."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp PDF cần kiểm tra.")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        data = path.read_bytes()
        try:
            report = verify_pdf(data)
        except UnreadablePdf as unreadable:
            raise CommandError(str(unreadable)) from None
        issued = IssuedDocument.objects.filter(sha256=hashlib.sha256(data).hexdigest()).first()
        result = {
            "file": str(path),
            "valid": report.all_ok,
            "issued_by_portal": (
                {
                    "number": issued.number_text,
                    "unit": str(issued.unit),
                    "date": issued.issued_on.isoformat(),
                    "code": issued.code,
                }
                if issued
                else None
            ),
            "signatures": [signature.as_json() for signature in report.signatures],
        }
        if options["json"]:
            self.stdout.write(_dumps(result))
        else:
            self._print(result, report)
        if not report.all_ok:
            raise CommandError("Tệp không có chữ ký số hợp lệ." if not report.signatures else "Có chữ ký không hợp lệ.")

    def _print(self, result, report):
        issued = result["issued_by_portal"]
        if issued:
            self.stdout.write(
                f"Văn bản số {issued['number']} của {issued['unit']}, ngày {issued['date']} (mã {issued['code']})"
            )
        else:
            self.stdout.write("Tệp không trùng với văn bản nào do Cổng phát hành.")
        yes = {True: "có", False: "không"}
        for index, signature in enumerate(report.signatures, start=1):
            self.stdout.write(
                f"{index}. {signature.field}: {signature.signer} ({signature.kind_label}), "
                f"ký lúc {signature.signed_at.isoformat() if signature.signed_at else '—'}; "
                f"nguyên vẹn: {yes[signature.intact]}; bao trùm văn bản: {yes[signature.covers_document]}; "
                f"tin cậy: {yes[signature.trusted]}; dấu thời gian: {yes[signature.timestamped]}"
                + (f" — {signature.problem}" if signature.problem else "")
            )


def _dumps(value):
    return json.dumps(value, ensure_ascii=False, indent=2)
