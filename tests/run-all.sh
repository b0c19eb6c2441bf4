#!/usr/bin/env bash
# Runs every check of tsunagu: formatting, lints, unit, integration and browser tests.
# On a fresh Debian machine it first installs what the tests need (as root, via apt).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
# The theme's fonts: BIZ UD (TrueType, so PDFs embed real subsets, never Type 3).
fc-list 2>/dev/null | grep -qi "BIZ UDPGothic" || need+=(fonts-morisawa-bizud-gothic)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing for the browser and PDF tests: ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" fontconfig >/dev/null
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true

# axe-core for the accessibility tests is the copy tsunagu ships (src/audit/axe/).

# One build from clean: incremental caches would only take disk (gigabytes) that CI does not have.
export CARGO_INCREMENTAL=0
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
rm -f target/a11y-report.txt
rm -rf target/print-report
cargo test --all-targets --locked
# tsunagu.exe: cross-built, unit tests and the sample build under wine (see the script).
bash tests/windows.sh
if [ -f target/a11y-report.txt ]; then
  echo "accessibility, per page type (tests/a11y.rs):"
  cat target/a11y-report.txt
fi
if [ -d target/print-report ]; then
  echo "every PDF, read back with poppler (tests/print_pdfs.rs; sample site and the stress site tests/print-stress/):"
  cat target/print-report/*.txt
fi
# Disk is a CI limit too (a full debug-info build once filled it): say what the run used.
echo "build folder after all tests: $(du -sh "${CARGO_TARGET_DIR:-target}" | cut -f1)"
