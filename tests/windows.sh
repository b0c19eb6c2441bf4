#!/usr/bin/env bash
# tsunagu on Windows, from Debian: builds tsunagu.exe for x86_64-pc-windows-gnu (MinGW) — every
# crate compiled and linted for Windows, cfg(windows) paths included — then builds the sample
# site with the .exe under wine, given Windows paths with backslashes, and once more over that
# output from a copy whose files have Windows line ends (CRLF), and checks that each output is
# byte-identical to the Linux build's, and that Windows' system folders are refused. Called by
# tests/run-all.sh, beside the integration tests.
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
# workspace's compiler. Unit tests are not built for Windows (the `write` crate's alone
# cost 58 CPU-seconds more: its dependencies' features resolve differently from the
# program's): what differs on Windows is run end to end below, through the .exe.
cargo build --locked --target "$target"
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
# Built over the first output, once with a phone number changed and once as it was:
# publishing replaces a site on Windows too (the rename that Linux does in one call is two
# steps there), and the CRLF copy then gives the Linux build's bytes.
yaml="$work/crlf/content/providers/clinics.yaml"
grep -q "0990-12-2468" "$yaml" || { echo "the sample's phone 0990-12-2468 is gone: change tests/windows.sh"; exit 1; }
sed -i 's/0990-12-2468/0990-12-9753/' "$yaml"
wine "$exe" --color never build --root "$(winpath "$work/crlf")" --output "$(winpath "$work")\\windows" 2>&1 | tail -1
grep -rq "0990-12-9753" "$work/windows" || { echo "the edited copy was not published over the first output"; exit 1; }
sed -i 's/0990-12-9753/0990-12-2468/' "$yaml"
wine "$exe" --color never build --root "$(winpath "$work/crlf")" --output "$(winpath "$work")\\windows" 2>&1 | tail -1
diff -r "$work/linux" "$work/windows" >/dev/null \
  || { echo "a CRLF copy of the sample, built over the first output, differs"; diff -rq "$work/linux" "$work/windows" | head; exit 1; }
# Windows' own folders are refused, and nothing is written there.
for out in 'C:\windows\tsunagu-out' 'C:\Program Files\tsunagu-out' 'C:\'; do
  if wine "$exe" --color never build --root "$(winpath "$PWD")" --output "$out" >"$work/refused.log" 2>&1; then
    echo "tsunagu.exe wrote into $out"; exit 1
  fi
  grep -q "には書き出せません" "$work/refused.log" || { echo "no reason given for $out:"; cat "$work/refused.log"; exit 1; }
done
[ ! -e "$WINEPREFIX/drive_c/windows/tsunagu-out" ] && [ ! -e "$WINEPREFIX/drive_c/Program Files/tsunagu-out" ] \
  || { echo "a refused build left a folder behind"; exit 1; }
echo "tsunagu.exe under wine: the sample (Windows paths, and CRLF files built over it) builds byte-identical to Linux; Windows' system folders are refused"
