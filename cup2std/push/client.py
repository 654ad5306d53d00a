"""HTTP client for a FHIR server: JSON over HTTPS with retries, backoff and Retry-After.

Retries on 429, 5xx and dropped connections, waiting ``Retry-After`` when the server sends it
(seconds or an HTTP date), else exponential backoff (1, 2, 4 ... seconds, capped). The bearer
token is read from an environment variable and only ever placed in the Authorization header:
it is never part of a message, an exception or a log line. TLS certificates are verified
unless the caller explicitly turns verification off.

>>> retry_delay("3", attempt=1), retry_delay(None, attempt=3, base=1.0)
(3.0, 4.0)
"""
from __future__ import annotations

import email.utils
import http.client
import json
import os
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Callable

from cup2std.errors import UsageError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_DELAY = 60.0


@dataclass
class Response:
    status: int
    body: dict | None
    attempts: int = 1
    error: str = ""  # transport error after the last retry ('' when the server answered)


def retry_delay(retry_after: str | None, attempt: int, base: float = 1.0) -> float:
    """Seconds to wait before attempt ``attempt + 1``: Retry-After if given, else backoff."""
    if retry_after:
        try:
            return min(max(float(retry_after), 0.0), MAX_DELAY)
        except ValueError:
            when = email.utils.parsedate_to_datetime(retry_after)
            if when is not None:
                return min(max(when.timestamp() - time.time(), 0.0), MAX_DELAY)
    return min(base * (2 ** (attempt - 1)), MAX_DELAY)


@dataclass
class FhirClient:
    """POSTs to ``base`` (a FHIR base URL) and GETs searches, with retries."""

    base: str
    token_env: str | None = None
    verify_tls: bool = True
    ca_bundle: str | None = None
    timeout: float = 60.0
    max_retries: int = 5
    backoff: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    on_retry: Callable[[str], None] = field(default=lambda msg: None)

    def __post_init__(self):
        if not self.base.startswith(("http://", "https://")):
            raise UsageError(f"--server must be an http:// or https:// FHIR base URL, "
                             f"got '{self.base}'")
        self.base = self.base.rstrip("/")
        self._token = None
        if self.token_env:
            self._token = os.environ.get(self.token_env)
            if not self._token:
                raise UsageError(f"environment variable {self.token_env} (the bearer token) is "
                                 "not set or empty; export it or leave out --token-env")

    def _context(self) -> ssl.SSLContext | None:
        if not self.base.startswith("https://"):
            return None
        ctx = ssl.create_default_context(cafile=self.ca_bundle)
        if not self.verify_tls:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        return ctx

    def request(self, method: str, path: str, body: dict | None = None) -> Response:
        url = self.base + ("/" + path.lstrip("/") if path else "")
        data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
        headers = {"Accept": "application/fhir+json",
                   "Content-Type": "application/fhir+json; charset=utf-8"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        attempt = 0
        while True:
            attempt += 1
            status, payload, retry_after, error = self._once(method, url, data, headers)
            retry = (status in RETRY_STATUSES) or (status == 0)
            if not retry or attempt > self.max_retries:
                return Response(status, payload, attempt, error)
            delay = retry_delay(retry_after, attempt, self.backoff)
            what = f"HTTP {status}" if status else f"connection problem ({error})"
            self.on_retry(f"{what} from {method} {url}; retry {attempt}/{self.max_retries} "
                          f"in {delay:.1f}s")
            self.sleep(delay)

    def _once(self, method, url, data, headers) -> tuple[int, dict | None, str | None, str]:
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout, context=self._context()) as r:
                return r.status, _json(r.read()), r.headers.get("Retry-After"), ""
        except urllib.error.HTTPError as exc:
            return exc.code, _json(exc.read()), exc.headers.get("Retry-After"), ""
        except ssl.SSLError as exc:
            raise UsageError(f"TLS error talking to {self.base}: {exc.reason}. Pass "
                             "--ca-bundle with your CA certificates (verification stays on)")
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError,
                socket.timeout, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, ssl.SSLError):
                raise UsageError(f"TLS error talking to {self.base}: {reason.reason}. Pass "
                                 "--ca-bundle with your CA certificates") from None
            return 0, None, None, type(reason).__name__ + (f": {reason}" if str(reason) else "")


def _json(raw: bytes) -> dict | None:
    try:
        return json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
