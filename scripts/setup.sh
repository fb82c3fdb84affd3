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

# The interpreter: $PYTHON when set; otherwise the distribution's own /usr/bin/python3 when
# it is 3.11 or newer, else python3 on PATH.  Debian builds its python3 with profile-guided
# and link-time optimisation, which pyenv and a plain source build leave out: the whole
# `saleshealth report` command runs about 12 % faster on it (docs/report.md, "Report 2.0:
# (b) per edition").  Debian's python3 needs python3-venv to make a virtualenv.
system_python=/usr/bin/python3
if [[ -z ${PYTHON:-} && -x $system_python ]] &&
   "$system_python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  python=$system_python
  "$system_python" -c 'import ensurepip' 2>/dev/null || packages+=(python3-venv)
else
  python=${PYTHON:-python3}
fi
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

if [[ $python == "$system_python" ]] && ! "$python" -c 'import ensurepip' 2>/dev/null; then
  echo "setup: $system_python cannot make a virtualenv (python3-venv is missing); using python3" >&2
  python=python3
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup: Python 3.11 or newer is required ($python is $("$python" --version 2>&1))" >&2
  exit 1
fi
# A virtualenv made from another interpreter (an earlier choice, or $PYTHON changed) is made
# again from this one.
interpreter=$("$python" -c 'import os, sys; print(os.path.realpath(sys.executable))')
if [[ -x .venv/bin/python ]]; then
  made_from=$(.venv/bin/python -c 'import os, sys; print(os.path.realpath(sys._base_executable))' 2>/dev/null || true)
  if [[ $made_from != "$interpreter" ]]; then
    echo "setup: making .venv again from $interpreter (it was made from ${made_from:-an interpreter that is gone})"
    rm -rf .venv
  fi
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
# Byte-compile the project's own modules.  pip does it for every package it installs, but an
# editable install leaves ours to their first import, which writes nothing when
# PYTHONDONTWRITEBYTECODE is set: every command would then compile them again (about 0.08 s
# of `saleshealth report`).  Up-to-date files are skipped; Python ignores a stale one.
.venv/bin/python -m compileall -q -j 0 assessment reports > .venv/compileall.log 2>&1 ||
  { cat .venv/compileall.log >&2; exit 1; }
echo "setup: ready ($mode)"
