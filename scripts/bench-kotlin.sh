#!/usr/bin/env bash
# The Kotlin-to-Rust boundary through JNA on the host JVM (BENCHMARKS.md, "Kotlin to Rust"):
# builds libposgate.so with the benchmark's probes (posgate-android feature `bench`: the demo
# flavour plus src/bench.rs), generates its Kotlin bindings, compiles kotlin-sample/host-bench
# with them using kotlinc and runs it. Not part of scripts/test.sh: it times things, it checks
# nothing.
#
#   scripts/bench-kotlin.sh           # release build of the library (optimized, as apps ship it)
#   scripts/bench-kotlin.sh --debug   # the debug build the host tests load
#
# Needs what run-host-tests.sh needs: kotlinc ($KOTLINC or on PATH), JNA, a JDK.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
here="$root/kotlin-sample/host-bench"
cd "$root"

profile=release
cargo_profile=(--release)
if [ "${1:-}" = --debug ]; then
  profile=debug
  cargo_profile=()
fi

kotlinc="${KOTLINC:-$(command -v kotlinc || true)}"
[ -x "$kotlinc" ] || { echo "kotlinc not found: set KOTLINC or install the npm package kotlin-compiler" >&2; exit 1; }
kotlin_lib="$(cd "$(dirname "$(readlink -f "$kotlinc")")/../lib" && pwd)"
jna="${JNA_JAR:-/usr/share/java/jna.jar}"
[ -f "$jna" ] || { echo "missing $jna (apt-get install libjna-java)" >&2; exit 1; }
coroutines="$(ls "$kotlin_lib"/kotlinx-coroutines-core-jvm*.jar | head -n1)"

echo "== building libposgate.so ($profile, --features bench)"
cargo build --locked "${cargo_profile[@]}" -p posgate-android --features bench,bindgen
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
lib_dir="$target_dir/$profile"

out="$here/build"
rm -rf "$out" && mkdir -p "$out"
"$lib_dir/uniffi-bindgen" generate --library "$lib_dir/libposgate.so" --language kotlin \
  --config uniffi.toml --no-format --out-dir "$out/generated" >/dev/null

echo "== kotlinc"
"$kotlinc" -nowarn -jvm-target 17 -cp "$jna:$coroutines" -d "$out/bench.jar" "$out/generated" "$here/src/main/kotlin"

echo "== run"
java -Djna.library.path="$lib_dir" -cp "$out/bench.jar:$jna:$coroutines:$kotlin_lib/kotlin-stdlib.jar" \
  io.posgate.bench.BoundaryBenchKt
