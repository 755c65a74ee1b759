"""The hub's REST API as the rehearsal uses it: users, their tokens and servers, with an admin token.

The same calls serve the embedded hub and a real one (`--hub URL --token TOKEN`): the token needs the scopes
admin:users, admin:servers, tokens and access:servers (an admin user's token has them all).
"""

from __future__ import annotations

import re
import time

import requests

REQUEST_TIMEOUT = 30.0  # seconds for one HTTP request
POLL = 0.5  # seconds between two looks at a server that is starting or stopping


class HubError(RuntimeError):
    """The hub refused or failed a request; the message says which and why."""


class HubAPI:
    """An admin's client of one hub's REST API."""

    def __init__(self, url: str, token: str):
        self.url = url.rstrip("/")
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"token {token}"

    def call(self, method: str, path: str, ok=(200, 201, 202, 204), **kwargs) -> requests.Response:
        response = self.http.request(method, f"{self.url}/hub/api{path}", timeout=REQUEST_TIMEOUT, **kwargs)
        if response.status_code not in ok:
            raise HubError(f"{method} {path}: {response.status_code} {response.text[:200]}")
        return response

    def version(self) -> str:
        return self.call("GET", "/").json()["version"]

    def create_user(self, name: str) -> None:
        """Create the user (nothing to do when it exists)."""
        self.call("POST", f"/users/{name}", ok=(201, 409))

    def user_token(self, name: str, note: str = "course rehearsal") -> str:
        """A new API token of the user (it can start the user's server and reach it)."""
        return self.call("POST", f"/users/{name}/tokens", json={"note": note, "expires_in": 6 * 3600}).json()["token"]

    def server(self, name: str) -> dict | None:
        """The user's default server's model, or None when it is not running or starting."""
        return self.call("GET", f"/users/{name}").json().get("servers", {}).get("")

    def stop_server(self, name: str, timeout: float) -> None:
        """Stop the user's server and wait until the hub says it is gone."""
        self.call("DELETE", f"/users/{name}/server", ok=(202, 204, 400, 404))
        deadline = time.monotonic() + timeout
        while self.server(name) is not None:
            if time.monotonic() > deadline:
                raise HubError(f"{name}'s server still there {timeout:.0f} s after it was asked to stop")
            time.sleep(POLL)

    def delete_user(self, name: str) -> None:
        self.call("DELETE", f"/users/{name}", ok=(204, 404))


def start_server(url: str, name: str, token: str, timeout: float) -> None:
    """As the user (their token): ask the hub for their server and wait until it is ready."""
    http = requests.Session()
    http.headers["Authorization"] = f"token {token}"
    api = f"{url.rstrip('/')}/hub/api/users/{name}"
    response = http.post(f"{api}/server", timeout=REQUEST_TIMEOUT)
    if response.status_code not in (201, 202, 400):  # 400: already running
        raise HubError(f"spawn refused: {response.status_code} {response.text[:200]}")
    deadline = time.monotonic() + timeout
    while True:
        server = http.get(api, timeout=REQUEST_TIMEOUT).json().get("servers", {}).get("")
        if server and server.get("ready"):
            return
        if server is None and response.status_code != 400:
            raise HubError("the server stopped while it was starting (see the hub's log)")
        if time.monotonic() > deadline:
            raise HubError(f"the server was not ready after {timeout:.0f} s")
        time.sleep(POLL)


def form_login(url: str, name: str, password: str = "rehearsal") -> None:
    """Log in through the hub's login page, as a browser does (the embedded hub's DummyAuthenticator)."""
    http = requests.Session()
    page = http.get(f"{url.rstrip('/')}/hub/login", timeout=REQUEST_TIMEOUT)
    xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', page.text)
    form = {"username": name, "password": password, **({"_xsrf": xsrf.group(1)} if xsrf else {})}
    response = http.post(f"{url.rstrip('/')}/hub/login", data=form, allow_redirects=False, timeout=REQUEST_TIMEOUT)
    if response.status_code != 302 or "/hub/login" in response.headers.get("Location", "/hub/login"):
        raise HubError(f"login refused: {response.status_code}")


class Hub:
    """The hub as the learners meet it: `login` gives a learner's token, `spawn` their ready server."""

    def __init__(self, url: str, token: str, form_logins: bool):
        self.url = url.rstrip("/")
        self.api = HubAPI(self.url, token)
        self.form_logins = form_logins  # the embedded hub's login page; a real hub's login (OAuth, ...) is not ours

    def login(self, name: str) -> str:
        if self.form_logins:
            form_login(self.url, name)
        self.api.create_user(name)
        return self.api.user_token(name)

    def spawn(self, name: str, token: str, timeout: float) -> None:
        start_server(self.url, name, token, timeout)

    def release(self, name: str, timeout: float = 60.0) -> None:
        """Stop the learner's server and remove the user (a real hub keeps no trace of the rehearsal)."""
        self.api.stop_server(name, timeout)
        self.api.delete_user(name)
