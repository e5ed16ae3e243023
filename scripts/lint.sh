#!/usr/bin/env bash
# Formatting and layout checks: swift-format (ships with the toolchain) in lint mode, and
# `troca layout lint` over layouts/.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
if command -v swift-format >/dev/null 2>&1 || swift format --version >/dev/null 2>&1; then
  swift format lint --recursive --configuration .swift-format Sources Tests Package.swift || status=1
else
  echo "lint: swift-format not found; skipping the format check" >&2
fi
swift build --product troca >/dev/null
.build/debug/troca layout lint layouts || status=1
exit $status
