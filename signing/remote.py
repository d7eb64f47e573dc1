"""Keys on a remote signing service, through the Cloud Signature Consortium API v1 (as the cloud signing
services for officials offer it): pyHanko's CSCSigner calls `signatures/signHash`; this module fetches
the credential's certificates and obtains the signature activation data (SAD) from
`credentials/authorize`, bound to the hash about to be signed.

Who authorises a signature:
- an organisation's key: the portal, in the signing job, with the PIN named by the key's secret
  (signing.secrets) — `csc_signer` used like any other key by signing.pdf;
- a person's key: the signer, each time, in the page. The job prepares the document and stops
  (`hold`: the byte range digested, the signed attributes fixed — nothing secret, kept on the job);
  the signer types the PIN (and the OTP when the service asks); the request authorises exactly that
  hash and gets the raw signature (`authorise`); the job then embeds it with its timestamp and goes on
  (`finish`). The PIN and the OTP never leave that request: not stored, not queued, not logged.
"""

import asyncio
import base64
import io
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from asn1crypto import cms, x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import csc_signer as csc
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .keys import SigningFailed, owner_of, secret_of
from .models import SigningKey

TIMEOUT = 30  # seconds, for each call to the service
DIGEST = "sha256"


@dataclass(frozen=True)
class Service:
    """A key on a remote service, read from its SigningKey (and secrets) before any event loop runs."""

    url: str
    credential_id: str
    token: str | None
    needs_otp: bool
    owner: str

    @classmethod
    def of(cls, key: SigningKey):
        if not key.csc_url or not key.csc_credential_id:
            raise SigningFailed(f"Khóa ký số từ xa của {owner_of(key)} chưa có địa chỉ dịch vụ hoặc mã chứng thư.")
        token = secret_of(key, key.csc_token_secret) if key.csc_token_secret else None
        return cls(key.csc_url.rstrip("/"), key.csc_credential_id, token, key.csc_needs_otp, str(owner_of(key)))

    @property
    def session_info(self):
        return csc.CSCServiceSessionInfo(self.url, self.credential_id, oauth_token=self.token)


def _unreachable(service, error):
    return SigningFailed(
        f"Không kết nối được dịch vụ ký số từ xa của {service.owner} ({service.url}): {type(error).__name__}. "
        f"Hãy thử lại sau ít phút; nếu vẫn lỗi, báo quản trị hệ thống."
    )


class _Authorisation(csc.CSCAuthorizationManager):
    """SAD for the given hashes, authorised with a PIN (and an OTP) that this object only passes on."""

    def __init__(self, session_info, credential_info, *, http, service, pin, otp):
        super().__init__(session_info, credential_info)
        self.http, self.service, self.pin, self.otp = http, service, pin, otp

    async def authorize_signature(self, hash_b64s):
        body = self.format_csc_auth_request(
            pin=self.pin or None, otp=self.otp or None, hash_b64s=hash_b64s, description="Cổng kiểm soát TTHC"
        )
        url = self.csc_session_info.endpoint_url("credentials/authorize")
        try:
            async with self.http.post(
                url, headers=self.auth_headers, json=body, timeout=aiohttp.ClientTimeout(total=TIMEOUT)
            ) as response:
                if response.status in (400, 401, 403):
                    raise SigningFailed(_refusal(self.service, await _error_text(response)))
                response.raise_for_status()
                return self.parse_csc_auth_response(await response.json(content_type=None))
        except aiohttp.ClientError as error:
            raise _unreachable(self.service, error) from None


async def _error_text(response):
    try:
        data = await response.json(content_type=None)
    except ValueError:
        return ""
    return str(data.get("error_description") or data.get("error") or "") if isinstance(data, dict) else ""


def _refusal(service, detail):
    what = "mã PIN hoặc mã OTP" if service.needs_otp else "mã PIN"
    said = f" (dịch vụ trả lời: {detail})" if detail else ""
    return f"Dịch vụ ký số từ xa không chấp nhận {what} của {service.owner}{said}. Hãy nhập lại."


@asynccontextmanager
async def _connected(service: Service, *, pin="", otp=""):
    """(a CSCSigner for the service's credential whose authorisations use `pin` / `otp`, its
    credential info)."""
    session_info = service.session_info
    async with aiohttp.ClientSession() as http:
        try:
            credential = await csc.fetch_certs_in_csc_credential(http, session_info, timeout=TIMEOUT)
        except SigningError as error:
            raise _unreachable(service, error.__cause__ or error) from None
        manager = _Authorisation(session_info, credential, http=http, service=service, pin=pin, otp=otp)
        yield csc.CSCSigner(http, manager, sign_timeout=TIMEOUT), credential


def run(coroutine):
    """Run a coroutine of this module from synchronous code (a Celery task, a view)."""
    return asyncio.run(coroutine)


@asynccontextmanager
async def csc_signer(service: Service, *, pin: str):
    """An organisation's key on the service, authorised by the portal with `pin` (from its secret)."""
    async with _connected(service, pin=pin) as (signer, _):
        yield signer


# --- a person's key: prepared by the job, authorised by the signer, finished by the job ------------------


async def hold(data: bytes, make_pdf_signer, *, service: Service):
    """(the document prepared for the signature of `make_pdf_signer(signer)`, the state to sign it
    later): its byte range digested and its signed attributes fixed now, with the credential's
    certificates, so that the signer authorises exactly this hash."""
    async with _connected(service) as (signer, credential):
        pdf_signer = make_pdf_signer(signer)
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        prepared, _, output = await pdf_signer.async_digest_doc_for_signing(writer)
        signed_attrs = await signer.signed_attrs(
            prepared.document_digest,
            DIGEST,
            attr_settings=PdfCMSSignedAttributes(signing_time=pdf_signer.signed_at),
            use_pades=True,
        )
    state = {
        "digest": prepared.document_digest.hex(),
        "start": prepared.reserved_region_start,
        "end": prepared.reserved_region_end,
        "signed_attrs": _b64(signed_attrs.dump()),
        "certificates": [_b64(certificate.dump()) for certificate in [credential.signing_cert, *credential.chain]],
        "hash": csc.base64_digest(signed_attrs.dump(), DIGEST),
    }
    return output.getvalue(), state


async def authorise(service: Service, state: dict, *, pin: str, otp: str = "") -> str:
    """The raw signature (base64) of the held signed attributes, authorised by the signer's PIN/OTP."""
    if not pin:
        raise SigningFailed("Hãy nhập mã PIN của chữ ký số từ xa.")
    if service.needs_otp and not otp:
        raise SigningFailed("Hãy nhập mã OTP mà dịch vụ ký số gửi cho bạn.")
    async with _connected(service, pin=pin, otp=otp) as (signer, credential):
        held_certificate = base64.b64decode(state["certificates"][0])
        if credential.signing_cert.dump() != held_certificate:
            raise SigningFailed("Chứng thư số trên dịch vụ đã thay đổi từ khi văn bản được chuẩn bị. Hãy ký lại.")
        try:
            signature = await signer.async_sign_raw(base64.b64decode(state["signed_attrs"]), DIGEST)
        except SigningError as error:
            raise _unreachable(service, error.__cause__ or error) from None
    return _b64(signature)


class _Presigned(signers.Signer):
    """A signer whose one signature was already made (by the remote service, authorised by the signer)."""

    def __init__(self, certificates, signature):
        store = SimpleCertificateStore()
        store.register_multiple(certificates)
        super().__init__(signing_cert=certificates[0], cert_registry=store)
        self._signature = signature

    async def async_sign_raw(self, data, digest_algorithm, dry_run=False):
        return self._signature


async def finish(prepared: bytes, state: dict, *, signature: str, stamper) -> bytes:
    """The held document with its signature embedded (and timestamped when a TSA is configured)."""
    certificates = [x509.Certificate.load(base64.b64decode(item)) for item in state["certificates"]]
    signed_attrs = cms.CMSAttributes.load(base64.b64decode(state["signed_attrs"]))
    signer = _Presigned(certificates, base64.b64decode(signature))
    content = await signer.async_sign_prescribed_attributes(DIGEST, signed_attrs, timestamper=stamper)
    output = io.BytesIO(prepared)
    digest = PreparedByteRangeDigest(bytes.fromhex(state["digest"]), state["start"], state["end"])
    await PdfTBSDocument.async_finish_signing(output, digest, content)
    return output.getvalue()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
