#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: Debian packages (when root and missing), the
# virtualenv at .venv, Python dependencies and compiled translation catalogues.
#   scripts/setup.sh           what running the app needs
#   scripts/setup.sh --dev     plus test tools, Chromium, poppler-utils and qpdf
set -euo pipefail
cd "$(dirname "$0")/.."

mode=runtime
[[ "${1:-}" == "--dev" ]] && mode=dev

# WeasyPrint needs Pango; the report needs fonts covering Latin-ext, Cyrillic and CJK.
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-noto-cjk fontconfig)
[[ $mode == dev ]] && packages+=(chromium poppler-utils qpdf)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: warning: missing Debian packages: ${missing[*]}" >&2
    echo "setup: install them with: sudo apt-get install ${missing[*]}" >&2
  fi
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup: Python 3.11 or newer is required ($python is $("$python" --version 2>&1))" >&2
  exit 1
fi
[[ -x .venv/bin/python ]] || "$python" -m venv .venv

extra=""
[[ $mode == dev ]] && extra="[dev]"
stamp=".venv/.saleshealth-deps"
want="$(sha256sum pyproject.toml | cut -d' ' -f1) $mode"
if [[ ! -f $stamp ]] || ! grep -qxF "$want" "$stamp"; then
  echo "setup: installing Python dependencies ($mode)"
  if ! { .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip &&
         .venv/bin/python -m pip install --disable-pip-version-check -e ".$extra"; } > .venv/pip.log 2>&1; then
    tail -40 .venv/pip.log >&2
    echo "setup: installing Python dependencies failed (full log: .venv/pip.log)" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi

if [[ -d assessment/translations ]]; then
  if ! .venv/bin/pybabel compile -f -d assessment/translations > .venv/babel.log 2>&1; then
    cat .venv/babel.log >&2
    exit 1
  fi
fi
echo "setup: ready ($mode)"
