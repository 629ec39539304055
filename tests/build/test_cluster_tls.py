"""`build --scheduler tls://…`: a real Dask scheduler and worker on loopback that take only TLS
connections whose certificate the cluster's own authority signed (Dask's mutual TLS, as the
README sets up a cluster of several machines). With this machine's certificate the build writes
the same bytes as a local build; without one, or with one from another authority, or over plain
tcp://, it stops with one line."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ..conftest import SEED
from .test_distributed import _build, _scheduler, _start, _stop

pytestmark = pytest.mark.slow

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def _signed(d: Path, name: str, authority: str) -> tuple[Path, Path]:
    """A key and a certificate for `name`, signed by the authority `authority` (made by _authority)."""
    key, csr, cert = d / f"{name}-key.pem", d / f"{name}.csr", d / f"{name}.pem"
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}", "-keyout", str(key), "-out", str(csr))
    _openssl(
        *("x509", "-req", "-in", str(csr), "-CA", str(d / f"{authority}.pem")),
        *("-CAkey", str(d / f"{authority}-key.pem"), "-CAcreateserial", "-days", "2", "-out", str(cert)),
    )
    return cert, key


def _authority(d: Path, name: str) -> Path:
    """A certificate authority `name`: its self-signed certificate and its key."""
    cert, key = d / f"{name}.pem", d / f"{name}-key.pem"
    _openssl(
        *("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}"),
        *("-keyout", str(key), "-out", str(cert)),
    )
    return cert


@pytest.fixture(scope="module")
def tls_cluster(tmp_path_factory):
    """(the scheduler's tls:// address, Dask configuration for a client with this machine's
    certificate, for one with a certificate another authority signed): one scheduler and one
    worker on 127.0.0.1, both with the node certificate."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make certificates")
    d = tmp_path_factory.mktemp("tls")
    ca = _authority(d, "cluster-ca")
    _authority(d, "other-ca")
    cert, key = _signed(d, "node", "cluster-ca")
    stranger_cert, stranger_key = _signed(d, "stranger", "other-ca")
    tls = ["--tls-ca-file", str(ca), "--tls-cert", str(cert), "--tls-key", str(key)]
    scheduler, address = _scheduler(d, "--protocol", "tls", *tls)
    procs = [scheduler]
    try:
        assert address.startswith("tls://127.0.0.1:")
        procs.append(
            _start(
                [
                    *("worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard", *tls),
                    *("--local-directory", str(d / "w")),
                ],
                d / "worker.log",
            )
        )
        mine = {
            "distributed.comm.tls.ca-file": str(ca),
            "distributed.comm.tls.client.cert": str(cert),
            "distributed.comm.tls.client.key": str(key),
        }
        stranger = {
            **mine,
            "distributed.comm.tls.client.cert": str(stranger_cert),
            "distributed.comm.tls.client.key": str(stranger_key),
        }
        with dask.config.set(mine):
            client = distributed.Client(address, timeout=30, set_as_default=False)
            client.wait_for_workers(1, timeout=90)
            client.close()
        yield address, mine, stranger
    finally:
        for proc in reversed(procs):
            _stop(proc)


def test_a_tls_cluster_builds_the_same_bytes(tls_cluster, tmp_path):
    address, mine, _ = tls_cluster
    local = _build(str(SEED), "-o", str(tmp_path / "local.nq"))
    assert local[0] == 0
    with dask.config.set(mine):
        code, said = _build(str(SEED), "-o", str(tmp_path / "tls.nq"), "--scheduler", address)
    assert (code, said.replace("tls.nq", "local.nq")) == local
    assert (tmp_path / "tls.nq").read_bytes() == (tmp_path / "local.nq").read_bytes()


def test_tls_without_a_certificate_is_one_line(tls_cluster, tmp_path):
    address, _, _ = tls_cluster
    assert _build(str(SEED), "-o", str(tmp_path / "g.nq"), "--scheduler", address) == (
        1,
        f"Error: {address} needs this machine's TLS certificate for the cluster: set "
        "DASK_DISTRIBUTED__COMM__TLS__CA_FILE, DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT and "
        "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY\n",
    )
    assert not (tmp_path / "g.nq").exists()


@pytest.mark.parametrize("how", ["another authority's certificate", "plain tcp"])
def test_a_stranger_is_turned_away(tls_cluster, tmp_path, how):
    """A client whose certificate the cluster's authority did not sign, or that does not speak TLS,
    gets no further than the scheduler's door: one line, nothing written."""
    address, _, stranger = tls_cluster
    config = stranger if how != "plain tcp" else {}
    if how == "plain tcp":
        address = address.replace("tls://", "tcp://")
    with dask.config.set(config):
        assert _build(str(SEED), "-o", str(tmp_path / "g.nq"), "--scheduler", address) == (
            1,
            f"Error: the Dask scheduler at {address} closed the connection at once; a cluster with TLS "
            "takes only tls:// and a certificate its own authority signed\n",
        )
    assert not (tmp_path / "g.nq").exists()
