# Sourced by scripts/run and scripts/test: a Python 3.11 virtualenv in .venv with the
# project installed editable. Reinstalls only when pyproject.toml or the extras change.
set -euo pipefail

extras="${1:-}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

python="${DAIBAN_PYTHON:-$(command -v python3.11 || command -v python3)}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    echo "daiban needs Python 3.11 (set DAIBAN_PYTHON to its path); found $("$python" -V)" >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv with $("$python" -V)"
    "$python" -m venv .venv
fi
stamp=".venv/.installed${extras:+-$extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "==> installing daiban${extras:+[$extras]} into .venv"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
    touch "$stamp"
fi
export PATH="$root/.venv/bin:$PATH"
