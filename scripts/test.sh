#!/usr/bin/env bash
# Runs every check and test of posgate. This is the README's test command; .ci/run installs the
# tools it needs (clang/llvm/lld, JNA, JUnit, kotlinc, the Android Rust targets) and calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"

# A fresh checkout builds more than a CI machine's disk held at once (debug builds of four
# feature sets, the fuzz build, eight Android builds): CI ran out of space. With POSGATE_FREE_DISK=1
# (.ci/run sets it) each build is removed once no later step uses it, and the disk's state is
# printed after each removal; the steps run in the order that lets them go soonest.
free_disk() {
  [ "${POSGATE_FREE_DISK:-0}" = 1 ] || return 0
  rm -rf "$@"
  echo "disk: freed $*; $(df -h --output=avail . | tail -n1 | tr -d ' ') available"
}

echo "== cargo fmt --check"
cargo fmt --all --check
# The fuzz crate (fuzz/) is not a workspace member.
(cd fuzz && cargo fmt --check)

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
# posgate-android's sandbox feature (the demo flavour) is off in the workspace build above; bench
# (the demo flavour plus scripts/bench-kotlin.sh's probes) is linted here, never run.
cargo clippy -p posgate-android --all-targets --locked --features sandbox,invoke,bench -- -D warnings
# posgate-core's fuzzing feature (the fuzz targets' entry points) is off everywhere else.
cargo clippy -p posgate-core --all-targets --locked --features fuzzing -- -D warnings
# The fuzz targets and their seed generator (built for fuzzing by scripts/fuzz.sh below).
(cd fuzz && cargo clippy --bins --examples --lib --locked -- -D warnings)

echo "== cargo test"
cargo test --workspace --locked 2>&1 | tee -a "$log"

echo "== soak (short round: the fault storms with fresh seeds, added up)"
./scripts/soak.sh 300

echo "== build-android.sh refuses clearly without an NDK"
if msg="$(env -u ANDROID_NDK_HOME -u ANDROID_NDK_ROOT -u ANDROID_HOME ./build-android.sh 2>&1)"; then
  echo "build-android.sh succeeded without an NDK?" >&2
  exit 1
fi
grep -q ANDROID_NDK_HOME <<<"$msg" || { echo "build-android.sh: message does not name ANDROID_NDK_HOME: $msg" >&2; exit 1; }
echo "build-android.sh: refused without an NDK, naming ANDROID_NDK_HOME"

echo "== Kotlin bindings on the host JVM"
./kotlin-sample/run-host-tests.sh 2>&1 | tee -a "$log"
# Every step above builds in target/debug; none below does.
free_disk "$target_dir/debug"

echo "== fuzz (short round)"
# Every fuzz target for 10 s (scripts/fuzz.sh installs nightly and cargo-fuzz if missing).
./scripts/fuzz.sh 10
free_disk fuzz/target

echo "== Android targets (cargo check, no NDK needed)"
./scripts/check-android.sh
free_disk "$target_dir"/{aarch64-linux-android,armv7-linux-androideabi,i686-linux-android,x86_64-linux-android}/debug

echo "== production library size (release build, stripped; no sandbox)"
./scripts/check-size.sh
free_disk "$target_dir/release-android"

echo "== Android link check (no NDK)"
# The production library linked for the four ABIs against bionic's API 22 symbols (stubs from
# android/bionic/), 16 KB LOAD alignment, stripped sizes; README "Android link check".
./scripts/link-android.sh
free_disk "$target_dir"/{aarch64-linux-android,armv7-linux-androideabi,i686-linux-android,x86_64-linux-android,link-android}

# One closing line over every runner above.
rust_passed=$(sed -n 's/^test result: .* \([0-9]\+\) passed; \([0-9]\+\) failed.*/\1/p' "$log" | paste -sd+ - | bc)
rust_failed=$(sed -n 's/^test result: .* \([0-9]\+\) passed; \([0-9]\+\) failed.*/\2/p' "$log" | paste -sd+ - | bc)
kt_passed=$(sed -n 's/^kotlin: \([0-9]\+\) passed, \([0-9]\+\) failed$/\1/p' "$log")
kt_failed=$(sed -n 's/^kotlin: \([0-9]\+\) passed, \([0-9]\+\) failed$/\2/p' "$log")
echo "rust: $rust_passed passed, $rust_failed failed"
echo "kotlin: ${kt_passed:-0} passed, ${kt_failed:-0} failed"
echo "total: $((rust_passed + ${kt_passed:-0})) passed, $((rust_failed + ${kt_failed:-0})) failed"
