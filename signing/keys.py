"""A SigningKey opened for signing: a pyHanko Signer. The secret that opens it comes from
signing.secrets; a missing file, a wrong passphrase or a missing secret is a SigningFailed whose
message tells the user (and the administrator) what to fix."""

from pathlib import Path

from pyhanko.sign import signers

from .models import SigningKey
from .secrets import MissingSecret, read_secret


class SigningFailed(Exception):
    """Signing could not be done; the message is for the user, in Vietnamese."""


def open_signer(key: SigningKey) -> signers.Signer:
    owner = key.user or key.unit
    if key.backend == SigningKey.Backend.PKCS12:
        path = Path(key.pkcs12_path)
        if not path.is_file():
            raise SigningFailed(f"Không tìm thấy tệp khóa ký số của {owner} ({path.name}). Hãy báo quản trị hệ thống.")
        try:
            passphrase = read_secret(key.secret_name)
        except MissingSecret as missing:
            raise SigningFailed(str(missing)) from None
        try:
            signer = signers.SimpleSigner.load_pkcs12_data(path.read_bytes(), [], passphrase=passphrase.encode())
        except (ValueError, TypeError):
            signer = None
        if signer is None:
            raise SigningFailed(f"Không mở được tệp khóa ký số của {owner}: mật khẩu sai hoặc tệp hỏng.")
        return signer
    raise SigningFailed(f"Chưa hỗ trợ nơi giữ khóa “{key.get_backend_display()}”.")
