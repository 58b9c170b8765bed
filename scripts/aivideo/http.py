"""HTTP to the API: timeouts, retries, Retry-After, the query budget, and the key's host guard.

GETs (and the idempotent cancel PUT) are retried on connection errors, 408, 429 and 5xx with
capped, jittered backoff. The create POST is retried only when the connection was never made:
the API has no idempotency key, so a retry after the request may have arrived could charge
twice. The `key` header goes only to the configured API origin: redirects are not followed
automatically (requests would carry a custom header to any host) and a cross-origin one is
refused.
"""
import email.utils
import json
import random
import time
import urllib.parse

from .deps import require
from .errors import SkillError
from .output import progress

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
MAX_ATTEMPTS = 4
GIVE_UP_AFTER = 30.0
MAX_BACKOFF = 8.0
MAX_RETRY_AFTER = 120.0
MAX_REDIRECTS = 3
RETRY_STATUSES = {408, 429, 500, 502, 503, 504}


class Reply:
    """A completed HTTP exchange whose status the caller maps (400, 404, ...)."""

    def __init__(self, status, data):
        self.status = status
        self.data = data

    @property
    def message(self):
        if isinstance(self.data, dict) and isinstance(self.data.get("message"), str):
            return self.data["message"][:300]
        return f"HTTP {self.status}"


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def origin(url):
    parts = urllib.parse.urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, (parts.hostname or "").lower(), port


def backoff(attempt, rng=random.random):
    """Full jitter in [half, all] of an exponential step, capped."""
    step = min(MAX_BACKOFF, 0.5 * 2 ** (attempt - 1))
    return step * (0.5 + 0.5 * rng())


class ApiClient:
    def __init__(self, base_url, key, budget=None, sleep=time.sleep, clock=time.monotonic):
        self.base_url = base_url
        self.key = key
        self.budget = budget
        self.sleep = sleep
        self.clock = clock
        self.requests = require("requests")
        self.session = self.requests.Session()

    def query(self, method, path):
        """A retried, budgeted request to a task endpoint."""
        started = self.clock()
        attempt = 0
        while True:
            attempt += 1
            if self.budget:
                self.budget.acquire()
            try:
                return self._exchange(method, self.base_url + path)
            except SkillError as exc:
                wait = self._retry_wait(attempt, started, exc)
                if wait is None:
                    raise
                progress(f"{method} {path}: {exc.message}; retrying in {wait:.1f}s")
                self.sleep(wait)

    def create(self, path, body, headers):
        """The create POST: retried only while no connection could be made at all."""
        started = self.clock()
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._exchange("POST", self.base_url + path, body=body, headers=headers,
                                      create=True)
            except SkillError as exc:
                wait = self._retry_wait(attempt, started, exc) \
                    if exc.code == "NETWORK_ERROR" else None
                if wait is None:
                    raise
                progress(f"POST {path}: {exc.message}; nothing was sent; retrying in "
                         f"{wait:.1f}s")
                self.sleep(wait)

    def _retry_wait(self, attempt, started, exc):
        """Seconds to wait before the next attempt, or None to give up."""
        if not exc.retryable or attempt >= MAX_ATTEMPTS:
            return None
        if exc.code == "RATE_LIMITED":
            wait = exc.details["retryAfter"]
            if self.budget:  # tell every process; acquire() then does the waiting
                self.budget.hold_off(wait)
                return 0.0
            return wait
        wait = backoff(attempt)
        return None if self.clock() - started + wait > GIVE_UP_AFTER else wait

    def _exchange(self, method, url, body=None, headers=None, create=False):
        requests = self.requests
        request_headers = {"key": self.key, "Accept": "application/json",
                           "User-Agent": "ai-video-maker-skill"}
        request_headers.update(headers or {})
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = self.session.request(method, url, json=body, headers=request_headers,
                                                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                                                allow_redirects=False)
                content = response.content
            except requests.exceptions.ConnectTimeout:
                raise SkillError("NETWORK_ERROR", f"could not connect to {_host(url)} "
                                 "(timed out)", hint=_network_hint(create)) from None
            except requests.exceptions.ConnectionError as exc:
                if create and not _never_connected(exc):
                    raise _uncertain("the connection broke after the request was sent") from None
                raise SkillError("NETWORK_ERROR", f"could not reach {_host(url)}: "
                                 f"{_reason(exc)}", hint=_network_hint(create)) from None
            except requests.exceptions.Timeout:
                if create:
                    raise _uncertain("no answer within the read timeout") from None
                raise SkillError("NETWORK_ERROR", f"{_host(url)} did not answer within "
                                 f"{READ_TIMEOUT:.0f}s", hint=_network_hint(create)) from None
            except requests.exceptions.RequestException as exc:
                if create:
                    raise _uncertain(f"the exchange failed: {_reason(exc)}") from None
                raise SkillError("NETWORK_ERROR", f"request failed: {_reason(exc)}") from None
            if response.is_redirect:
                url = self._same_origin_redirect(url, response.headers.get("Location", ""),
                                                 method, create)
                continue
            return self._interpret(response.status_code, content, response.headers, create)
        raise SkillError("UNEXPECTED_RESPONSE", "too many redirects from the API")

    def _same_origin_redirect(self, url, location, method, create):
        target = urllib.parse.urljoin(url, location)
        if create:
            raise _uncertain("the API answered the create with a redirect")
        if origin(target) != origin(self.base_url) or method != "GET":
            raise SkillError("UNEXPECTED_RESPONSE",
                             f"the API redirected to another host ({_host(target)}); not "
                             "followed, so the key stays with the API host",
                             hint=f"check AIVIDEO_BASE_URL (now {self.base_url})")
        return target

    def _interpret(self, status, content, headers, create):
        try:
            data = json.loads(content) if content else None
            parsed = True
        except ValueError:
            data, parsed = None, False
        reply = Reply(status, data)
        if 200 <= status < 300:
            if not parsed or (create and data is None):
                if create:
                    raise _uncertain("the create answer was not valid JSON")
                raise SkillError("UNEXPECTED_RESPONSE", f"HTTP {status} with a body that is not "
                                 "JSON", retryable=True)
            return reply
        message = reply.message
        if status in (401, 403):
            raise SkillError("AUTH_FAILED", f"the API refused the key ({message})",
                             hint="ask the user to check AIVIDEO_API_KEY; retrying will not help")
        if status == 402 or "insufficient credit" in message.lower():
            raise SkillError("INSUFFICIENT_CREDITS", message,
                             hint="the account needs more credits (aivideomaker.ai); or choose "
                                  "a cheaper model or a shorter duration")
        if status == 429:
            retry_after = parse_retry_after(headers.get("Retry-After"))
            retry_after = 1.0 if retry_after is None else retry_after
            raise SkillError("RATE_LIMITED", "the API's rate limit was hit (HTTP 429)",
                             hint=f"wait {retry_after:.0f}s, then run the same command again",
                             retryable=retry_after <= MAX_RETRY_AFTER,
                             retryAfter=round(retry_after, 1))
        if status >= 500 or status == 408:
            if create:  # the server may have made the task before failing: never assume not
                raise _uncertain(f"HTTP {status} from the server")
            raise SkillError("SERVER_ERROR", f"the API failed: {message}",
                             hint="try again in a minute", httpStatus=status)
        return reply


def _never_connected(exc):
    """True when the TCP connection was never made (refused, DNS): the request was not sent."""
    text = repr(exc)
    return any(marker in text for marker in (
        "NewConnectionError", "NameResolutionError", "Failed to resolve", "Connection refused"))


def _uncertain(why):
    return SkillError("SUBMIT_UNCERTAIN", f"the create request may have reached the server: {why}",
                      hint="do not resubmit; check list_tasks.py for a new task of this model, "
                           "or rerun the same command, which looks for it before sending again",
                      retryable=False)


def _network_hint(create):
    return ("nothing was sent; check the network or AIVIDEO_BASE_URL and run again" if create
            else "check the network or AIVIDEO_BASE_URL and run again")


def _host(url):
    parts = urllib.parse.urlsplit(url)
    return parts.netloc


def _reason(exc):
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "reset by peer",
                   "Remote end closed", "IncompleteRead", "timed out"):
        if marker in text:
            return marker
    return type(exc).__name__
