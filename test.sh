#!/usr/bin/env bash
# Runs every Grid test. Sets up what the tests need on a fresh machine with only the .NET SDK: it installs and
# starts a private PostgreSQL server when none is given (see scripts/postgres.sh), installs Debian's Chromium for the
# browser tests when it is missing (scripts/chromium.sh), then runs the test suite.
set -euo pipefail
cd "$(dirname "$0")"

source scripts/postgres.sh
ensure_postgres
source scripts/chromium.sh
ensure_chromium

dotnet test Grid.sln -c Release --logger "console;verbosity=minimal" "$@"
