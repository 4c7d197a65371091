#!/usr/bin/env bash
# Fuzzes every parser of untrusted input (the cargo-fuzz targets in fuzz/, README "Fuzzing"):
# builds all targets once, runs each for SECONDS (default 60) from its committed seeds
# (fuzz/corpus/<target>/) plus what earlier runs found (fuzz/work/<target>/), goes on past a
# crash, and ends with one line `fuzz: N targets, M crashes`. Exits non-zero when M > 0, after
# listing the crash artifacts (fuzz/artifacts/<target>/: reproduce one with
# `cargo +nightly fuzz run <target> <artifact>` in fuzz/).
#
# Installs what a fresh machine lacks: the nightly toolchain (minimal profile) and cargo-fuzz.
#
#   FUZZ_TARGETS="money tlinx_answer"  only these targets
#   FUZZ_SANITIZER=none                build without AddressSanitizer (default: address)
#   FUZZ_ARGS="-fork=2 -ignore_crashes=1"  extra libFuzzer flags for every run
#   FUZZ_TARGET_DIR=...                the fuzz build's target directory (default fuzz/target)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

seconds="${1:-60}"
case "$seconds" in
  '' | *[!0-9]* | 0) echo "usage: $0 [SECONDS]   (a positive whole number; default 60)" >&2; exit 2 ;;
esac

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "fuzz: installing the nightly toolchain"
  rustup toolchain install nightly --profile minimal >/dev/null
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz"
  cargo install cargo-fuzz --locked >/dev/null
fi

# libfuzzer-sys compiles libFuzzer's C++ with `c++` unless told otherwise.
if ! command -v c++ >/dev/null && [ -z "${CXX:-}" ] && command -v clang++ >/dev/null; then
  export CXX=clang++
fi

target_dir="${FUZZ_TARGET_DIR:-$root/fuzz/target}"
sanitizer="${FUZZ_SANITIZER:-address}"
read -r -a extra_args <<<"${FUZZ_ARGS:-}"
cd fuzz
if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

start=$(date +%s)
echo "fuzz: building ${#targets[@]} targets (sanitizer: $sanitizer)"
# One `cargo fuzz build` builds every target (they share the dependencies); a subset is built
# target by target.
build() {
  if [ -z "${FUZZ_TARGETS:-}" ]; then
    cargo +nightly fuzz build --sanitizer "$sanitizer" --target-dir "$target_dir"
  else
    for t in "${targets[@]}"; do
      cargo +nightly fuzz build --sanitizer "$sanitizer" --target-dir "$target_dir" "$t"
    done
  fi
}
mkdir -p work
if ! build >work/build.log 2>&1; then
  tail -40 work/build.log >&2
  echo "fuzz: the build failed (fuzz/work/build.log)" >&2
  exit 1
fi
echo "fuzz: built in $(($(date +%s) - start)) s"

crashes=0
artifacts=()
for t in "${targets[@]}"; do
  mkdir -p "work/$t" "artifacts/$t" "corpus/$t"
  before="$(ls "artifacts/$t")"
  log="work/$t.log"
  # The first corpus directory takes what this run finds; the committed seeds are read only.
  if cargo +nightly fuzz run --sanitizer "$sanitizer" --target-dir "$target_dir" "$t" "work/$t" "corpus/$t" -- \
    -max_total_time="$seconds" -timeout=25 -print_final_stats=1 "${extra_args[@]}" >"$log" 2>&1; then
    runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log" | tail -1)
    cov=$(sed -n 's/^#[0-9]*[[:space:]]*DONE[[:space:]]*cov: \([0-9]*\).*/\1/p' "$log" | tail -1)
    echo "  $t: ok, ${runs:-? runs}, coverage ${cov:-?}"
  else
    crashes=$((crashes + 1))
    echo "  $t: CRASH (fuzz/$log):"
    grep -m1 -A12 -E "panicked at|ERROR: (libFuzzer|AddressSanitizer)|==ERROR" "$log" | sed 's/^/    /' || tail -20 "$log" | sed 's/^/    /'
    new="$(comm -13 <(echo "$before") <(ls "artifacts/$t"))"
    while IFS= read -r a; do
      [ -n "$a" ] && artifacts+=("fuzz/artifacts/$t/$a")
    done <<<"$new"
  fi
done

if [ "$crashes" -gt 0 ]; then
  echo "crash artifacts (reproduce in fuzz/ with: cargo +nightly fuzz run <target> <artifact>):"
  for a in "${artifacts[@]}"; do
    echo "  $a"
  done
fi
echo "fuzz: ${#targets[@]} targets, $crashes crashes"
[ "$crashes" -eq 0 ]
