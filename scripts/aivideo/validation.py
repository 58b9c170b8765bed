"""Building a create request from flags and --input, and validating it against schemas/."""
import json
import sys

from . import images
from .config import SKILL_ROOT
from .errors import SkillError, invalid
from .models import IMAGE_MODELS, MODELS

SCHEMA_DIR = SKILL_ROOT / "schemas"


def load_schema(name):
    path = SCHEMA_DIR / f"{name}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SkillError("INTERNAL_ERROR", f"cannot read schema {path.name}: {exc}",
                         hint="reinstall the skill; its schemas/ folder is damaged") from None


def read_input(source):
    """--input FILE or - (stdin): a JSON object in the API's own field names."""
    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            with open(source, encoding="utf-8") as handle:
                text = handle.read()
    except OSError as exc:
        raise invalid(f"cannot read --input {source}: {exc.strerror}", field="input") from None
    try:
        body = json.loads(text)
    except ValueError as exc:
        raise invalid(f"--input is not valid JSON: {exc}", field="input") from None
    if not isinstance(body, dict):
        raise invalid("--input must hold a JSON object", field="input")
    return body


def build_body(model, base=None, prompts=None, image=None, aspect_ratio=None, duration=None):
    """Merge flags over the --input body; flags win. Returns a body ready to validate."""
    if model not in MODELS:
        raise invalid(f"unknown model {model!r}", field="model", allowed=list(MODELS))
    body = dict(base or {})
    if prompts and model == "lv":
        body["prompt"] = list(prompts)
    elif prompts and len(prompts) > 1:
        raise invalid(f"{model} takes one --prompt; only lv takes several (one per 5 s "
                      "segment)", field="prompt")
    elif prompts:
        body["prompt"] = prompts[0]
    if model == "lv" and isinstance(body.get("prompt"), str):
        body["prompt"] = [body["prompt"]]
    if image is not None:
        body["image"] = image
    if aspect_ratio is not None:
        body["aspectRatio"] = aspect_ratio
    if duration is not None:
        body["duration"] = duration
    if isinstance(body.get("duration"), int) and not isinstance(body["duration"], bool):
        body["duration"] = str(body["duration"])  # the API takes the string "8"
    if model in IMAGE_MODELS and "image" in body:
        body["image"] = images.resolve(body["image"])
    return body


def validate(model, body):
    """Validate a create body against schemas/<model>.json."""
    return check_against(model, body)


def check_against(schema_name, instance, label=None):
    """Validate against schemas/<schema_name>.json; the first error becomes INVALID_INPUT."""
    from .deps import require
    jsonschema = require("jsonschema")
    schema = load_schema(schema_name)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(instance), key=lambda e: (len(e.path), list(e.path)))
    if not errors:
        return instance
    raise _to_invalid(label or schema_name, errors[0])


def _to_invalid(model, error):
    field = ".".join(str(p) for p in error.path) or None
    allowed = None
    if error.validator == "required":
        field = error.message.split("'")[1]
        message = f"{model} requires {field}"
    elif error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        field = extra[0] if extra else None
        allowed = sorted(error.schema.get("properties", {}))
        message = f"{model} does not take {', '.join(extra)}"
    elif error.validator == "enum":
        allowed = error.validator_value
        message = f"{field} must be one of {', '.join(map(str, allowed))} for {model}"
    elif error.validator == "maxItems":
        message = f"{model} takes at most {error.validator_value} prompts (one per 5 s segment)"
    elif error.validator == "minItems":
        message = f"{model} needs at least {error.validator_value} prompt"
    elif error.validator in ("minLength", "pattern") and field and field.startswith("prompt"):
        message = f"{field} must not be empty"
    elif error.validator == "pattern" and field == "image":
        message = "image must be an http(s) URL, a data:image/...;base64 URI or an image file"
    elif error.validator == "type":
        message = f"{field or 'body'} must be of type {error.validator_value}"
    else:
        message = f"{field or 'body'}: {images.describe(error.message)[:200]}"
    return invalid(message, field=field, allowed=allowed)


def preview(body):
    """The request as it would be sent, image data shortened to its type and size."""
    shown = dict(body)
    if "image" in shown:
        shown["image"] = images.describe(shown["image"])
    return shown
