"""The output contract: one JSON object on stdout, progress on stderr, and the single place
where exceptions become exit statuses."""
import argparse
import json
import os
import sys
import time

from .errors import EXIT_CODES_HELP, SkillError

_secrets = set()

ENVIRONMENT_HELP = """

environment:
  AIVIDEO_API_KEY       the API key (required to send; never pass it as a flag)
  AIVIDEO_BASE_URL      API server (default https://aivideomaker.ai; http only on loopback)
  AIVIDEO_MAX_CREDITS   budget per create when --max-credits is not given (default 50)
  AIVIDEO_QUERY_BUDGET  query requests a minute shared by all scripts here (default 50)
  AIVIDEO_STATE_DIR     journal and rate-limit state (default $XDG_STATE_HOME/ai-video-maker,
                        XDG_STATE_HOME defaulting to ~/.local/state)
  AIVIDEO_DEBUG         1: traceback on stderr for INTERNAL_ERROR"""


def register_secret(value):
    """Anything registered here is masked in every line this process writes."""
    if value and len(value) >= 4:
        _secrets.add(value)


def redact(text):
    for secret in _secrets:
        text = text.replace(secret, "***")
    return text


def emit(payload):
    sys.stdout.write(redact(json.dumps(payload, separators=(",", ":"), default=str)) + "\n")
    sys.stdout.flush()


def progress(message):
    sys.stderr.write(redact(f"[ai-video-maker] {message}") + "\n")
    sys.stderr.flush()


class Heartbeat:
    """Progress lines: each status change at once, otherwise one line per `every` seconds."""

    def __init__(self, every=30.0, clock=time.monotonic):
        self.every = every
        self.clock = clock
        self.last = None

    def report(self, line, changed):
        now = self.clock()
        if changed or self.last is None or now - self.last >= self.every:
            progress(line)
            self.last = now


def seconds(text):
    """argparse type for --timeout: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value < float("inf"):  # never wait forever, nor not at all
        raise argparse.ArgumentTypeError("must be a finite number of seconds above 0")
    return value


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports usage mistakes as INVALID_INPUT JSON instead of usage text."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        epilog = kwargs.pop("epilog", "")
        kwargs["epilog"] = (epilog + "\n\n" if epilog else "") + EXIT_CODES_HELP + \
            ENVIRONMENT_HELP
        super().__init__(*args, **kwargs)

    def error(self, message):
        if message.startswith("unrecognized arguments:"):
            # name the unknown flags, never echo their values: one might be a pasted key
            words = message.split(":", 1)[1].split()
            message = "unrecognized arguments: " + " ".join(
                w.split("=", 1)[0] if w.startswith("-") else "<value>" for w in words)
        raise SkillError("INVALID_INPUT", f"bad arguments: {message}",
                         hint=f"run {self.prog} --help for usage; nothing was sent")


def run(main):
    """Call main(argv) -> payload dict; print it, or the error, and exit with its status."""
    register_secret(os.environ.get("AIVIDEO_API_KEY", "").strip())
    try:
        payload = main(sys.argv[1:])
    except SkillError as exc:
        emit({"ok": False, "error": exc.to_json()})
        return exc.exit_status
    except KeyboardInterrupt:
        emit({"ok": False, "error": SkillError(
            "INTERNAL_ERROR", "interrupted", hint="run the command again; tasks already "
            "created are in list_tasks.py --local").to_json()})
        return 130
    except Exception as exc:  # the last line of defence: never a traceback on stdout
        if os.environ.get("AIVIDEO_DEBUG"):
            import traceback
            sys.stderr.write(redact(traceback.format_exc()))
        emit({"ok": False, "error": SkillError(
            "INTERNAL_ERROR", f"unexpected {type(exc).__name__}: {redact(str(exc))[:300]}",
            hint="set AIVIDEO_DEBUG=1 for a traceback on stderr and report it").to_json()})
        return 1
    emit({"ok": True, **payload})
    return 0
