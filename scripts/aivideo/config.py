"""Everything the scripts read from the environment, in one place.

Each variable here is declared in SKILL.md (metadata.openclaw.envVars) and README.md.
"""
import ipaddress
import os
import urllib.parse
from pathlib import Path

from .errors import SkillError, invalid

API_KEY_VAR = "AIVIDEO_API_KEY"
BASE_URL_VAR = "AIVIDEO_BASE_URL"
STATE_DIR_VAR = "AIVIDEO_STATE_DIR"
MAX_CREDITS_VAR = "AIVIDEO_MAX_CREDITS"
DEBUG_VAR = "AIVIDEO_DEBUG"
QUERY_BUDGET_VAR = "AIVIDEO_QUERY_BUDGET"
DEFAULT_BASE_URL = "https://aivideomaker.ai"
DEFAULT_MAX_CREDITS = 50
DEFAULT_QUERY_BUDGET = 50  # of the API's 60 query requests a minute per IP
SKILL_ROOT = Path(__file__).resolve().parents[2]


def api_key():
    key = os.environ.get(API_KEY_VAR, "").strip()
    if not key:
        raise SkillError("MISSING_API_KEY", f"{API_KEY_VAR} is not set",
                         hint=f"ask the user to set {API_KEY_VAR} in the agent's environment "
                              "(key from aivideomaker.ai); never pass it on the command line")
    return key  # output.run masks it in everything this process prints


def is_loopback(host):
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url, what, field):
    """An https URL, or http on a loopback host: the key (or a callback) never travels in clear."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise invalid(f"{what} is not a valid URL", field=field) from None
    if parts.scheme not in ("https", "http") or not host:
        raise invalid(f"{what} must be an https:// URL", field=field)
    if parts.username or parts.password:
        raise invalid(f"{what} must not carry credentials", field=field)
    if parts.scheme == "http" and not is_loopback(host):
        raise invalid(f"{what} uses plain http:// on a non-loopback host; use https://",
                      field=field, hint="plain http is allowed only for 127.0.0.1, ::1 and "
                                        "localhost (the sandbox); nothing was sent")
    return parts


def base_url():
    url = os.environ.get(BASE_URL_VAR, "").strip() or DEFAULT_BASE_URL
    parts = check_url(url, BASE_URL_VAR, BASE_URL_VAR)
    if parts.query or parts.fragment:
        raise invalid(f"{BASE_URL_VAR} must not have a query or fragment", field=BASE_URL_VAR)
    return url.rstrip("/")


def state_dir():
    configured = os.environ.get(STATE_DIR_VAR, "").strip()
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_STATE_HOME", "").strip()
    root = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "state"
    return root / "ai-video-maker"


def _whole_number(name, default, lowest, highest):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(f"{name} must be a whole number", field=name) from None
    if not lowest <= value <= highest:
        raise invalid(f"{name} must be between {lowest} and {highest}", field=name)
    return value


def query_budget():
    """Query requests a minute that all scripts on this machine share."""
    return _whole_number(QUERY_BUDGET_VAR, DEFAULT_QUERY_BUDGET, 1, 60)


def max_credits(flag_value):
    if flag_value is not None:
        return flag_value
    return _whole_number(MAX_CREDITS_VAR, DEFAULT_MAX_CREDITS, 0, 10 ** 9)
