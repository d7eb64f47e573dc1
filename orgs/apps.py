from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "Đơn vị và người dùng"

    def ready(self):
        # openpyxl parses XML through defusedxml only when defusedxml is importable; refuse to start
        # without it so no upload can be parsed by the unprotected parser.
        from openpyxl.xml import DEFUSEDXML

        if not DEFUSEDXML:
            raise RuntimeError("defusedxml phải được cài đặt để openpyxl đọc tệp Excel an toàn.")
