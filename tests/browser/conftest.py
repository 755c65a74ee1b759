"""JupyterLab on 127.0.0.1 over a temporary copy of the learners' notebooks, and headless Chromium driven by Playwright.

Nothing is written back into the repository: the notebooks are served from a temporary folder, and JupyterLab's
settings, workspaces and config live in temporary folders too (autosave off, no news pop-up).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},  # every cell in the page
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}


def chromium() -> str | None:
    found = [path for path in CHROMIUM if os.access(path, os.X_OK)] + [shutil.which("chromium") or ""]
    return next((path for path in found if path), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def shots():
    """The folder the screenshots go to; its path is printed so a person can look."""
    folder = Path(tempfile.mkdtemp(prefix="course-browser-shots-"))
    print(f"\nbrowser screenshots: {folder}")
    return folder


@pytest.fixture(scope="session")
def lab():
    """(base URL, token, served folder) of a JupyterLab serving copies of notebooks/*.ipynb."""
    if chromium() is None:
        pytest.skip("browser tests need Chromium (apt-get install chromium); none found")
    pytest.importorskip("playwright", reason="browser tests need playwright (pip install -e '.[test]')")
    home = Path(tempfile.mkdtemp(prefix="course-lab-"))
    served = home / "notebooks"
    shutil.copytree(ROOT / "notebooks", served, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for name, value in SETTINGS.items():
        path = home / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    token, port = secrets.token_hex(16), free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), MPLBACKEND="module://matplotlib_inline.backend_inline")  # fmt: skip
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={served}",
            "--LabApp.expose_app_in_browser=True",
        ],  # fmt: skip
        cwd=served,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(home / "server.log", "wb"),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"JupyterLab did not start: {(home / 'server.log').read_text()[-2000:]}")
                time.sleep(0.5)
        yield url, token, served
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=ARGS, headless=True)
        yield browser
        browser.close()


def shut_down_kernels(url: str, token: str) -> None:
    """End every session of the server, so that the next test starts its notebook in a fresh kernel."""
    with urllib.request.urlopen(f"{url}/api/sessions?token={token}", timeout=10) as response:
        sessions = json.load(response)
    for session in sessions:
        request = urllib.request.Request(f"{url}/api/sessions/{session['id']}?token={token}", method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()


@pytest.fixture
def page(browser, lab):
    """A page that records page errors and console errors; the test asserts there are none."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(f"page error: {error}"))
    page.on("console", lambda m: m.type == "error" and page.errors.append(f"console error: {m.text}"))
    yield page
    context.close()
    shut_down_kernels(*lab[:2])
