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

# Debian packages outside the venv: Pango and the Noto CJK fonts that the papers' PDFs
# embed, and for the tests Debian's chromium, which Playwright drives, and postgresql,
# whose throwaway clusters the database tests also run on, and nginx, the TLS proxy in
# front of the dev server that stands for a secured Temporal (tests/e2e/test_secure_temporal.py),
# and docker-compose, whose `config` checks deploy/compose without a container daemon.
debs=(libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk)
if [ "$extras" = test ]; then
    debs+=(chromium postgresql nginx-light docker-compose)
fi
if command -v dpkg-query >/dev/null; then
    missing=()
    for deb in "${debs[@]}"; do
        dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$deb")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" = 0 ]; then
            echo "==> installing Debian packages: ${missing[*]}"
            export DEBIAN_FRONTEND=noninteractive
            apt-get install -y -qq "${missing[@]}" >/dev/null \
                || { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }
        else
            echo "daiban needs these Debian packages: sudo apt-get install ${missing[*]}" >&2
            exit 1
        fi
    fi
else
    echo "not Debian: install Pango, the Noto CJK fonts and chromium yourself" >&2
fi
