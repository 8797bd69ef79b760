#!/usr/bin/env bash
# Regenerates every generated file and fails when the committed copy differs.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent codegen >/dev/null
if ! git diff --exit-code -- schema.graphql subgraph.graphql test/generated examples/generated; then
  echo "Generated files are stale: run 'npm run codegen' and commit the result." >&2
  exit 1
fi
untracked=$(git ls-files --others --exclude-standard -- schema.graphql subgraph.graphql test/generated examples/generated)
if [ -n "$untracked" ]; then
  echo "Generated files are not committed: $untracked" >&2
  exit 1
fi
echo "Generated files are fresh."
