"""Third-party imports, made only when needed and reported as MISSING_DEPENDENCY when absent."""
import importlib

from .config import SKILL_ROOT
from .errors import SkillError


def require(module):
    try:
        return importlib.import_module(module)
    except ImportError:
        requirements = SKILL_ROOT / "requirements.txt"
        raise SkillError(
            "MISSING_DEPENDENCY", f"the Python package {module!r} is not installed",
            hint=f"run: python3 -m pip install -r {requirements} (or use: uv run <script>)",
            retryable=False, package=module) from None
