#!/usr/bin/env bash
# Installs what the browser tests need and npm cannot fetch offline: Debian's Chromium and a
# CJK font (so Chinese screenshots are not empty boxes). Does nothing when both are present.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -eq 0 ]; then
  echo "Test dependencies present: /usr/bin/chromium, Noto Sans CJK."
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "Missing ${need[*]} and not root: install them with apt-get (Debian), then run again." >&2
    exit 1
  fi
fi
echo "Installing ${need[*]} from Debian…"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "Installed ${need[*]}."
