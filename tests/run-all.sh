#!/usr/bin/env bash
# Runs every check of tsunagu: formatting, lints, unit, integration and browser tests, and
# tsunagu.exe under wine. On a fresh Debian machine it first installs what the tests need
# (as root, via apt). `bash tests/run-all.sh --quick` runs the quick tier instead: the
# tests that need no browser and no wine (see docs/developers.md).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { echo "== $1 ($(( $(date +%s) - start )) s)"; }

quick=""
[ "${1:-}" = "--quick" ] && quick=1

need=()
if [ -z "$quick" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
  # (grep without -q: it must read all of fc-list, or pipefail reports fc-list's broken pipe.)
  fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
  # The theme's fonts: BIZ UD (TrueType, so PDFs embed real subsets, never Type 3).
  fc-list 2>/dev/null | grep -i "BIZ UDPGothic" >/dev/null || need+=(fonts-morisawa-bizud-gothic)
  command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need+=(gcc-mingw-w64-x86-64)
  command -v wine >/dev/null 2>&1 || need+=(wine wine64)
fi
# The packages download while the Rust code compiles (apt waits on the network, the
# compiler on the CPU); the browser tests wait for them below.
apt_pid=""
aptlog=$(mktemp)
if [ ${#need[@]} -gt 0 ]; then
  step "installing ${need[*]} (beside the build)"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  ( $sudo apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      "${need[@]}" fontconfig ) >"$aptlog" 2>&1 &
  apt_pid=$!
fi
apt_done() {
  [ -n "$apt_pid" ] || return 0
  local status=0
  wait "$apt_pid" || status=$?
  apt_pid=""
  [ "$status" -eq 0 ] || { cat "$aptlog"; echo "installing the packages failed"; exit "$status"; }
  rm -f "$aptlog"
  step "packages installed"
}
rustup component add rustfmt clippy >/dev/null 2>&1 || true
[ -n "$quick" ] || rustup target add x86_64-pc-windows-gnu >/dev/null 2>&1 || true

# One build, linted as it is compiled: clippy-driver stands in for rustc on the workspace's
# own crates (as `cargo clippy` does, but making the code too; Firefox builds the same
# way), and Cargo.toml's [workspace.lints] make every warning an error. Dependencies are
# compiled once, not checked and then built again. No incremental cache: it only takes
# disk that CI does not have.
export RUSTC_WORKSPACE_WRAPPER="$(dirname "$(rustup which cargo)")/clippy-driver"
export CARGO_INCREMENTAL=0

step "cargo fmt --check"
cargo fmt --all -- --check
step "build and lint every target"
cargo test --workspace --all-targets --locked --no-run
if [ -n "$quick" ]; then
  # Unit tests of every crate, and the integration tests that need no browser.
  step "the quick tier"
  cargo test --workspace --lib --bins --locked
  cargo test --test it --locked -- architecture:: hostile:: import:: minify:: no_data_lost:: \
    properties:: readability:: republish:: site_output:: validation::
  step "quick tier passed"
  exit 0
fi

rm -rf target/a11y-report target/print-report
apt_done
step "unit tests of every crate"
cargo test --workspace --lib --bins --locked
# The Windows build compiles while the integration tests mostly wait on Chromium: it runs
# beside them (its own log, printed after), and the tests run their binary directly so
# that cargo's lock is free for it.
step "integration tests, and tsunagu.exe under wine beside them"
it=$(cargo test --test it --locked --no-run 2>&1 | sed -n 's/.*Executable tests\/it\/main.rs (\(.*\))/\1/p')
[ -n "$it" ] || { echo "the integration-test binary was not found"; exit 1; }
winlog=$(mktemp)
bash tests/windows.sh >"$winlog" 2>&1 &
win=$!
# Four at a time: a browser test spends much of its time waiting for Chromium.
it_status=0
"$it" --test-threads=4 || it_status=$?
win_status=0
wait "$win" || win_status=$?
cat "$winlog"
rm -f "$winlog"
[ "$it_status" -eq 0 ] || { echo "integration tests failed"; exit "$it_status"; }
[ "$win_status" -eq 0 ] || { echo "tests/windows.sh failed"; exit "$win_status"; }
if [ -d target/a11y-report ]; then
  echo "accessibility, per page type (tests/it/a11y.rs):"
  cat target/a11y-report/*.txt
fi
if [ -d target/print-report ]; then
  echo "every PDF, read back with poppler (tests/it/print_pdfs.rs; sample site and the stress site tests/print-stress/):"
  cat target/print-report/*.txt
fi
# Disk is a CI limit too (a full debug-info build once filled it): say what the run used.
echo "build folder after all tests: $(du -sh "${CARGO_TARGET_DIR:-target}" | cut -f1)"
step "all checks passed"
