"""The secrets that open signing keys (a .p12 passphrase), read by name — never from the database.

A secret named `le-loi-chairman` is the environment variable `SIGNING_SECRET_LE_LOI_CHAIRMAN` or, when
that is unset, the key "le-loi-chairman" of the JSON object in the file SIGNING_SECRETS_FILE (readable
by the portal's user only; the demo writes one in var/signing/, outside the media served to users)."""

import json
import os
import re
from pathlib import Path

from django.conf import settings


class MissingSecret(Exception):
    pass


def env_name(name: str) -> str:
    return "SIGNING_SECRET_" + re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")


def read_secret(name: str) -> str:
    """The secret called `name`; MissingSecret (with a message for the user) when there is none."""
    if not name:
        raise MissingSecret("Khóa ký số chưa được gắn tên bí mật mở khóa.")
    value = os.environ.get(env_name(name))
    if value:
        return value
    stored = _secrets_file().get(name)
    if stored:
        return stored
    raise MissingSecret(
        f"Không tìm thấy bí mật “{name}” để mở khóa ký số (biến môi trường {env_name(name)} hoặc tệp "
        f"SIGNING_SECRETS_FILE). Hãy báo quản trị hệ thống."
    )


def store_secret(name: str, value: str) -> None:
    """Write a secret into SIGNING_SECRETS_FILE (the demo's keys; a deployment sets its own)."""
    path = Path(settings.SIGNING_SECRETS_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    stored = _secrets_file()
    stored[name] = value
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(stored, handle, ensure_ascii=False, indent=1)
    os.replace(temporary, path)


def _secrets_file() -> dict:
    path = Path(settings.SIGNING_SECRETS_FILE)
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))
