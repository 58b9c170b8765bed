# Sourced by demo.sh and test.sh: make .venv (or .venv-<python>) with the given requirements.
# Usage: source tools/venv.sh REQUIREMENTS_FILE   (PYTHON picks the interpreter, default python3)
python_bin="${PYTHON:-python3}"
if ! command -v "$python_bin" >/dev/null 2>&1; then
  echo "error: $python_bin not found; install Python 3.9 or newer" >&2
  exit 2
fi
venv=".venv"
[ "$python_bin" = "python3" ] || venv=".venv-$(basename "$python_bin")"
stamp="$venv/.installed-$(basename "$1")"
if [ ! -x "$venv/bin/python" ]; then
  "$python_bin" -m venv "$venv"
fi
if [ ! -f "$stamp" ] || [ "$1" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$1" >&2
  touch "$stamp"
fi
VENV_PYTHON="$PWD/$venv/bin/python"
