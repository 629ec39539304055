"""Fixtures of the page tests."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from speechkg.cli import cli


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory, seed_ttl):
    """The seed's page, as `speechkg view` writes it (a file:// URL)."""
    out = tmp_path_factory.mktemp("page") / "seed.html"
    assert CliRunner().invoke(cli, ["view", str(seed_ttl), "-o", str(out)]).exit_code == 0
    return out.as_uri()
