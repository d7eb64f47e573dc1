"""A SigningKey opened for signing: a pyHanko Signer, from a .p12 file or from a token / HSM through
PKCS#11 (its session closed when the signing is done). The secret that opens it — a passphrase, a PIN
— comes from signing.secrets; a missing file or token, a wrong passphrase or PIN, or a missing secret
is a SigningFailed whose message tells the user (and the administrator) what to fix."""

from contextlib import contextmanager
from pathlib import Path

from pyhanko.sign import signers

from .models import SigningKey
from .secrets import MissingSecret, read_secret


class SigningFailed(Exception):
    """Signing could not be done; the message is for the user, in Vietnamese."""


@contextmanager
def opened_signer(key: SigningKey):
    """`with opened_signer(key) as signer:` — the key ready to sign, closed afterwards."""
    if key.backend == SigningKey.Backend.PKCS12:
        yield _pkcs12(key)
    elif key.backend == SigningKey.Backend.PKCS11:
        with _pkcs11(key) as signer:
            yield signer
    else:  # a remote service is opened by signing.remote, in an event loop
        raise SigningFailed(f"Chưa hỗ trợ nơi giữ khóa “{key.get_backend_display()}”.")


def owner_of(key):
    return key.user or key.unit


def secret_of(key, name):
    """The secret called `name` (a key's passphrase, PIN or access token), or SigningFailed."""
    try:
        return read_secret(name)
    except MissingSecret as missing:
        raise SigningFailed(str(missing)) from None


def _pkcs12(key):
    path = Path(key.pkcs12_path)
    if not path.is_file():
        raise SigningFailed(
            f"Không tìm thấy tệp khóa ký số của {owner_of(key)} ({path.name}). Hãy báo quản trị hệ thống."
        )
    passphrase = secret_of(key, key.secret_name)
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(path.read_bytes(), [], passphrase=passphrase.encode())
    except (ValueError, TypeError):
        signer = None
    if signer is None:
        raise SigningFailed(f"Không mở được tệp khóa ký số của {owner_of(key)}: mật khẩu sai hoặc tệp hỏng.")
    return signer


@contextmanager
def _pkcs11(key):
    import pkcs11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    if not Path(key.pkcs11_module).is_file():
        raise SigningFailed(f"Không tìm thấy thư viện PKCS#11 {key.pkcs11_module} trên máy ký số.")
    pin = secret_of(key, key.secret_name)
    try:
        session = open_pkcs11_session(
            key.pkcs11_module, token_criteria=TokenCriteria(label=key.pkcs11_token_label), user_pin=pin
        )
    except pkcs11.PinIncorrect:
        raise SigningFailed(f"Mã PIN của token “{key.pkcs11_token_label}” không đúng.") from None
    except Exception as error:  # no such token, a wrong label, a broken module: told, not raised
        raise SigningFailed(
            f"Không mở được token “{key.pkcs11_token_label}” ({type(error).__name__}): token chưa cắm, sai nhãn "
            f"hoặc thư viện PKCS#11 lỗi."
        ) from None
    try:
        yield PKCS11Signer(
            session, key_label=key.pkcs11_key_label, cert_label=key.pkcs11_key_label, other_certs_to_pull=None
        )
    finally:
        session.close()
