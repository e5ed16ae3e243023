#!/usr/bin/env bash
# Regenerates Sources/FixedWidth/BuiltinLayouts.swift from every JSON file under layouts/
# (the JSON text and the same layouts as Swift values). A test fails when it is stale.
set -euo pipefail
exec python3 "$(dirname "$0")/gen-layouts.py"
