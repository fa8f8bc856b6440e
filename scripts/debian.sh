#!/usr/bin/env bash
# Installs Debian packages for the test setup scripts (postgres.sh, chromium.sh): refreshes the package lists once per
# shell, however many scripts need a package. Needs root. Source it and call apt_install PACKAGE...

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "${_grid_apt_updated:-}" ]; then
    apt-get update -qq
    _grid_apt_updated=1
  fi
  apt-get install -y -qq "$@" >/dev/null
}
