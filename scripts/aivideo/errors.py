"""Error codes, their exit statuses, and the one exception type that carries them."""

# The stable contract documented in SKILL.md and every script's --help.
EXIT_STATUS = {
    "INTERNAL_ERROR": 1,
    "INVALID_INPUT": 2,
    "MISSING_DEPENDENCY": 2,
    "MISSING_API_KEY": 3,
    "AUTH_FAILED": 3,
    "INSUFFICIENT_CREDITS": 4,
    "BUDGET_EXCEEDED": 4,
    "RATE_LIMITED": 5,
    "TIMEOUT": 6,
    "TASK_FAILED": 7,
    "TASK_CANCELLED": 7,
    "TASK_NOT_FOUND": 8,
    "CANCEL_NOT_ALLOWED": 8,
    "NETWORK_ERROR": 9,
    "SERVER_ERROR": 9,
    "UNEXPECTED_RESPONSE": 9,
    "DOWNLOAD_FAILED": 9,
    "SUBMIT_UNCERTAIN": 10,
}

RETRYABLE = {"RATE_LIMITED", "TIMEOUT", "NETWORK_ERROR", "SERVER_ERROR", "DOWNLOAD_FAILED"}

EXIT_CODES_HELP = """exit statuses:
  0  success (poll.py: every task COMPLETED)
  1  INTERNAL_ERROR
  2  INVALID_INPUT, MISSING_DEPENDENCY (nothing was sent)
  3  MISSING_API_KEY, AUTH_FAILED
  4  INSUFFICIENT_CREDITS, BUDGET_EXCEEDED
  5  RATE_LIMITED
  6  TIMEOUT (task still running; output names it and the command to resume)
  7  TASK_FAILED, TASK_CANCELLED
  8  TASK_NOT_FOUND, CANCEL_NOT_ALLOWED
  9  NETWORK_ERROR, SERVER_ERROR, UNEXPECTED_RESPONSE, DOWNLOAD_FAILED
  10 SUBMIT_UNCERTAIN (the create may have reached the server: do not resubmit blindly)
stdout is always one JSON object: {"ok": true, ...} or {"ok": false, "error": {...}}"""


class SkillError(Exception):
    """A failure with a stable code; `details` become extra keys of the JSON error."""

    def __init__(self, code, message, hint="", retryable=None, **details):
        if code not in EXIT_STATUS:
            raise ValueError(f"unknown error code {code}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint
        self.retryable = code in RETRYABLE if retryable is None else retryable
        self.details = details

    @property
    def exit_status(self):
        return EXIT_STATUS[self.code]

    def to_json(self):
        error = {"code": self.code, "message": self.message, "hint": self.hint,
                 "retryable": self.retryable}
        error.update({k: v for k, v in self.details.items() if v is not None})
        return error


def invalid(message, field=None, allowed=None, hint=""):
    return SkillError("INVALID_INPUT", message, hint=hint or "fix the input and run again; "
                      "nothing was sent", field=field, allowed=allowed)
