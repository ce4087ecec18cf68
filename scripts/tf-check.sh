#!/usr/bin/env bash
# Fails with a clear message unless a Terraform CLI >= 1.5 is on PATH, and makes sure the CLI
# configuration file named by TF_CLI_CONFIG_FILE (or ~/.terraformrc) exists so every CLI call
# does not warn about it.
set -euo pipefail
if ! command -v terraform >/dev/null 2>&1; then
  echo "error: no 'terraform' on PATH. Install Terraform >= 1.5 (the tests and the demo run the real CLI)." >&2
  exit 1
fi
v=$(terraform version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9.]*\)".*/\1/p' | head -n1)
major=${v%%.*}; rest=${v#*.}; minor=${rest%%.*}
if [ -z "$v" ] || [ "$major" -lt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -lt 5 ]; }; then
  echo "error: Terraform ${v:-unknown} found; >= 1.5 is required." >&2
  exit 1
fi
cfg=${TF_CLI_CONFIG_FILE:-$HOME/.terraformrc}
if [ ! -e "$cfg" ]; then
  mkdir -p "$(dirname "$cfg")" && : > "$cfg"
fi
