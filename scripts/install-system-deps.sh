#!/usr/bin/env bash
# Install the Debian packages the endpoint tests need: headless Chromium (UI test),
# CJK fonts (screenshots), Virtuoso (remote-backend test and benchmark), a JRE.
# Idempotent and quiet: packages already installed are skipped; apt-get update runs only if needed.
set -euo pipefail

PACKAGES=(chromium chromium-driver fonts-wqy-microhei virtuoso-opensource default-jre-headless)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-system-deps: need root for: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "install-system-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# virtuoso-opensource asks for a DBA password through debconf; the tests use their own database.
echo "virtuoso-opensource-7 virtuoso-opensource-7/dba-password password dba" | $SUDO debconf-set-selections 2>/dev/null || true
echo "virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password dba" | $SUDO debconf-set-selections 2>/dev/null || true
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packaged Virtuoso service is not needed (tests start their own on a temp database).
if command -v service >/dev/null && [ -x /etc/init.d/virtuoso-opensource-7 ]; then
  $SUDO service virtuoso-opensource-7 stop >/dev/null 2>&1 || true
fi
