import pytest

from .services import start_csc, start_pki, stop


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory):
    """The certomancer test PKI, served (TSA, OCSP, CRL) for the whole session."""
    pki, process = start_pki(tmp_path_factory.mktemp("pki"))
    yield pki
    stop(process)


@pytest.fixture(scope="session")
def csc_url(test_pki):
    """The dummy CSC service's base URL, holding the test PKI's keys."""
    url, process = start_csc(test_pki)
    yield url
    stop(process)
