#!/usr/bin/env bash
# Provides the Chromium that the browser tests (tests/Browser, the ops console) drive through Playwright:
#   - GRID_TEST_CHROMIUM already set: use that executable as it is;
#   - otherwise /usr/bin/chromium, installed from Debian's 'chromium' package when it is missing (needs root, as on the
#     dev and CI machines). Playwright's own browser download is not used.
# Source it and call ensure_chromium.

source "$(dirname "${BASH_SOURCE[0]}")/debian.sh"

ensure_chromium() {
  if [ -n "${GRID_TEST_CHROMIUM:-}" ]; then
    if [ ! -x "$GRID_TEST_CHROMIUM" ]; then
      echo "chromium: GRID_TEST_CHROMIUM=$GRID_TEST_CHROMIUM is not an executable" >&2
      return 1
    fi
    echo "chromium: using GRID_TEST_CHROMIUM as given"
    return 0
  fi

  if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" != "0" ]; then
      echo "chromium: Chromium is not installed and this user cannot install it; install the 'chromium' package or set GRID_TEST_CHROMIUM" >&2
      return 1
    fi
    echo "chromium: installing Chromium from Debian's packages"
    apt_install chromium
  fi

  echo "chromium: ready (/usr/bin/chromium)"
}
