#!/usr/bin/env bash
# tsunagu on Windows, from Debian: builds tsunagu.exe for x86_64-pc-windows-gnu (MinGW) — every
# crate compiled and linted for Windows, cfg(windows) paths included — then builds the sample
# site with the .exe under wine, given Windows paths with backslashes, and once more from a copy
# whose files have Windows line ends (CRLF), and checks that each output is byte-identical to
# the Linux build's. Called by tests/run-all.sh, beside the integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-pc-windows-gnu

need=()
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need+=(gcc-mingw-w64-x86-64)
command -v wine >/dev/null 2>&1 || need+=(wine wine64)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing for the Windows build: ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
rustup target add "$target" >/dev/null 2>&1 || true

# The .exe, linted as it is compiled when tests/run-all.sh has set clippy-driver as the
# workspace's compiler, and the unit tests of the crate whose code differs on Windows
# (writing files: `write`). The other crates' unit tests are not built for Windows: the
# sample's build under wine shows them end to end.
cargo build --locked --target "$target"
cargo test -p tsunagu-write --lib --locked --target "$target" --no-run
exe="${CARGO_TARGET_DIR:-target}/$target/debug/tsunagu.exe"
echo "built $exe ($(du -h "$exe" | cut -f1))"

# wine 8 (Debian 12) lacks one DLL that Rust programs load; see tests/windows/bcryptprimitives.c.
export WINEPREFIX="$(realpath -m "${CARGO_TARGET_DIR:-target}")/wine" WINEDEBUG=-all
mkdir -p "$WINEPREFIX"
wine cmd /c exit >/dev/null 2>&1 || true
sys32="$WINEPREFIX/drive_c/windows/system32"
if [ ! -f "$sys32/bcryptprimitives.dll" ]; then
  x86_64-w64-mingw32-gcc -shared -O2 -o "$sys32/bcryptprimitives.dll" \
    tests/windows/bcryptprimitives.c -ladvapi32 -Wl,--kill-at
fi

CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine cargo test -p tsunagu-write --lib --locked --target "$target"

# The sample, built on Linux and on "Windows", with the same fixed date.
export SOURCE_DATE_EPOCH=1795316400
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The Linux binary the tests use (cargo run would build it again without dev-dependencies'
# features).
linux="${CARGO_TARGET_DIR:-target}/debug/tsunagu"
[ -x "$linux" ] || cargo build --locked --workspace
"$linux" --color never build --root . --output "$work/linux" >/dev/null 2>&1
winpath() { wine winepath -w "$1" 2>/dev/null | tr -d '\r'; }
wine "$exe" --color never build --root "$(winpath "$PWD")" --output "$(winpath "$work")\\windows" 2>&1 | tail -1
diff -r "$work/linux" "$work/windows" >/dev/null \
  || { echo "tsunagu.exe built the sample differently from Linux"; diff -rq "$work/linux" "$work/windows" | head; exit 1; }
# The same site saved by a Windows editor: every text file with CRLF line ends.
mkdir "$work/crlf"
cp -r content site.toml audit "$work/crlf/"
find "$work/crlf" -type f \( -name '*.md' -o -name '*.yaml' -o -name '*.toml' -o -name '*.json' \) -exec sed -i 's/$/\r/' {} +
wine "$exe" --color never build --root "$(winpath "$work/crlf")" --output "$(winpath "$work")\\crlf-out" 2>&1 | tail -1
diff -r "$work/linux" "$work/crlf-out" >/dev/null \
  || { echo "a CRLF copy of the sample built differently"; diff -rq "$work/linux" "$work/crlf-out" | head; exit 1; }
echo "tsunagu.exe under wine: the write crate's unit tests pass; the sample (Windows paths, and CRLF files) builds byte-identical to Linux"
