#!/usr/bin/env bash
# Host-JVM tests of the Kotlin bindings: builds libposgate.so for this machine (the demo flavour,
# with the embedded sandbox the tests pay against), generates the Kotlin bindings from it
# (library mode), compiles them with the sample's plain-Kotlin logic and all host tests using
# kotlinc, and runs them with the JUnit 5 console launcher through JNA. The tests under
# app/src/androidTest are the instrumentation tests the app runs on Android, unchanged.
# Ends with the plain line `kotlin: N passed, M failed`.
#
# Needs: kotlinc (npm package kotlin-compiler; $KOTLINC or on PATH), JNA and the JUnit console
# launcher (Debian libjna-java, junit5), a JDK. .ci/run installs them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

kotlinc="${KOTLINC:-$(command -v kotlinc || true)}"
[ -x "$kotlinc" ] || { echo "kotlinc not found: set KOTLINC or install the npm package kotlin-compiler" >&2; exit 1; }
kotlin_lib="$(cd "$(dirname "$(readlink -f "$kotlinc")")/../lib" && pwd)"
jna="${JNA_JAR:-/usr/share/java/jna.jar}"
junit="${JUNIT_CONSOLE_JAR:-/usr/share/java/junit-platform-console-standalone.jar}"
for f in "$jna" "$junit"; do [ -f "$f" ] || { echo "missing $f (apt-get install libjna-java junit5)" >&2; exit 1; }; done
coroutines="$(ls "$kotlin_lib"/kotlinx-coroutines-core-jvm*.jar | head -n1)"
kotlin_test="$kotlin_lib/kotlin-test.jar:$kotlin_lib/kotlin-test-junit5.jar"

# The demo flavour (--features sandbox,invoke): the tests run against the embedded sandbox and
# also try the by-name escape hatch. One build
# of the library and uniffi-bindgen with the same features, so that the bindings are generated
# from exactly the library the tests load (debug: uniffi-bindgen reads its symbol table).
echo "== building libposgate.so (debug, --features sandbox,invoke)"
cargo build --locked -p posgate-android --features sandbox,invoke,bindgen
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
gen="$here/generated/uniffi"
rm -rf "$gen"
"$target_dir/debug/uniffi-bindgen" generate --library "$target_dir/debug/libposgate.so" --language kotlin \
  --config uniffi.toml --no-format --out-dir "$gen" >/dev/null
grep -q 'class EmbeddedSandbox' "$gen/io/posgate/posgate.kt" || { echo "the bindings have no EmbeddedSandbox: was libposgate.so built without --features sandbox?" >&2; exit 1; }

out="$here/build/host-tests"
rm -rf "$out" && mkdir -p "$out"
sources=("$gen")
[ -d "$here/logic/src/main/kotlin" ] && sources+=("$here/logic/src/main/kotlin")
[ -d "$here/logic/src/test/kotlin" ] && sources+=("$here/logic/src/test/kotlin")
# The shared suite: the same sources run on a device or emulator as the app's instrumentation
# tests (app/src/androidTest); host-tests holds the few that need the JDK (an HTTP server).
sources+=("$here/app/src/androidTest/java" "$here/host-tests/src/test/kotlin")

# What runs on Android must also compile for it: D8 refuses spaces in names below DEX 040
# (minSdk 22), and the JDK's own classes are not there. Checked here, where no D8 runs.
if grep -rnE 'fun `|import (com\.sun\.|java\.nio\.file)|org\.junit\.jupiter' "$here/app/src/androidTest"; then
  echo "the shared suite (app/src/androidTest) must run on Android too: no spaces in names, no com.sun.*, java.nio.file or JUnit 5" >&2
  exit 1
fi

echo "== kotlinc"
"$kotlinc" -nowarn -jvm-target 17 -cp "$jna:$junit:$coroutines:$kotlin_test" -d "$out/tests.jar" "${sources[@]}"

echo "== junit"
set +e
java -Djna.library.path="$target_dir/debug" -jar "$junit" --disable-banner --details=tree \
  -cp "$out/tests.jar:$jna:$coroutines:$kotlin_test:$kotlin_lib/kotlin-stdlib.jar" \
  --scan-classpath "$out/tests.jar" >"$out/junit.log" 2>&1
status=$?
set -e
cat "$out/junit.log"
passed=$(sed -n 's/.*\[ *\([0-9]\+\) tests successful *\].*/\1/p' "$out/junit.log" | tail -n1)
failed=$(sed -n 's/.*\[ *\([0-9]\+\) tests failed *\].*/\1/p' "$out/junit.log" | tail -n1)
passed=${passed:-0}
failed=${failed:-0}
echo "kotlin: $passed passed, $failed failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
