#!/usr/bin/env bash
# Builds the pinned go-fdo-client and go-fdo-server (see go.mod) into a bin directory:
#   test/interop/go-peers/install.sh [BIN_DIR]     (default: .interop/bin at the project root)
# go-fdo-server needs CGO for its SQLite driver. The interop tests find the binaries through
# IOTOPIA_GO_PEERS_BIN or the default directory and skip, saying so, when they are absent.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
bin="${1:-$root/.interop/bin}"
if ! command -v go >/dev/null 2>&1; then
  echo "go not found: the go-fdo-client/go-fdo-server interop tests will report themselves skipped"
  exit 0
fi
mkdir -p "$bin"
cd "$here"
CGO_ENABLED=1 GOBIN="$bin" GOFLAGS=-mod=mod go install \
  github.com/fido-device-onboard/go-fdo-client \
  github.com/fido-device-onboard/go-fdo-server
echo "go-fdo-client and go-fdo-server built into $bin"
