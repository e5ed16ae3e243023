#!/usr/bin/env bash
# The project's test command (the README's): every unit, golden, corpus and mutation test.
# The corpus test reads ../shared/corpus beside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
exec swift test "$@"
