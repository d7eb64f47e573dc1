"""The dummy Cloud Signature Consortium service of certomancer-csc-dummy, as a real service would
behave for the portal: `credentials/authorize` refuses a wrong PIN, or a wrong OTP for a person's
credential (".../person"), and SAD is bound to the hashes (SCAL 2). Run by tests/signing/services.py:
python csc_service.py CONFIG PORT PIN OTP."""

import sys

from aiohttp import web
from certomancer import registry
from csc_dummy.csc_dummy_server import CSCWithCertomancer, DummyServiceParams


class PinCheckedService(CSCWithCertomancer):
    def __init__(self, config, *, pin, otp):
        super().__init__(config, service_params=DummyServiceParams(hash_pinning_required=True))
        self.pin, self.otp = pin, otp

    async def credentials_authorize(self, request):
        params = await request.json()
        if params.get("PIN") != self.pin:
            return web.json_response({"error": "invalid_request", "error_description": "Invalid PIN"}, status=400)
        if str(params.get("credentialID", "")).endswith("/person") and params.get("OTP") != self.otp:
            return web.json_response({"error": "invalid_otp", "error_description": "Invalid OTP"}, status=400)
        return await super().credentials_authorize(request)


def main():
    config_path, port, pin, otp = sys.argv[1:5]
    service = PinCheckedService(registry.CertomancerConfig.from_file(config_path), pin=pin, otp=otp)
    service.register_routes()
    web.run_app(service.app, host="127.0.0.1", port=int(port), print=None)


if __name__ == "__main__":
    main()
