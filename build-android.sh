#!/usr/bin/env bash
# Builds libposgate.so for the four Android ABIs into the sample app's jniLibs and generates the
# Kotlin bindings from the built library. Needs the Android NDK and cargo-ndk.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: ./build-android.sh [--debug] [--api LEVEL] [--abi ABI]... [--out DIR] [--help]

Builds posgate-android (libposgate.so) with cargo-ndk for arm64-v8a, armeabi-v7a, x86 and
x86_64, and generates the Kotlin bindings (package io.posgate) from the built library.

  --debug       unoptimised build with debug info (default: the size-optimised
                release-android profile: opt-level z, LTO, one codegen unit,
                debug info stripped, panic = unwind)
  --api LEVEL   minimum Android API level (default 22, Android 5.1: the lowest the
                stack allows: rustls-platform-verifier's Android part needs 22;
                Sunmi fleets run 5.1 to 11)
  --abi ABI     build only this ABI (repeatable)
  --out DIR     jniLibs directory (default kotlin-sample/app/src/main/jniLibs)
  --help        this text

Requirements:
  - the Android NDK (r26 or newer), found through ANDROID_NDK_HOME (or ANDROID_NDK_ROOT,
    or ANDROID_HOME/ndk/<version>). Install it with Android Studio's SDK Manager
    (SDK Tools > NDK (Side by side)) or `sdkmanager "ndk;27.2.12479018"`, then
    export ANDROID_NDK_HOME=$ANDROID_HOME/ndk/27.2.12479018
  - cargo-ndk: cargo install cargo-ndk
  - the Rust targets: rustup target add aarch64-linux-android armv7-linux-androideabi \
      i686-linux-android x86_64-linux-android

Outputs:
  <out>/<abi>/libposgate.so                         (16 KB page aligned)
  kotlin-sample/generated/uniffi/io/posgate/posgate.kt
USAGE
}

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
profile=release-android
api=22
abis=()
out="kotlin-sample/app/src/main/jniLibs"
while [ $# -gt 0 ]; do
  case "$1" in
    --help|-h) usage; exit 0 ;;
    --debug) profile=dev ;;
    --api) api="${2:?--api needs a level}"; shift ;;
    --abi) abis+=("${2:?--abi needs an ABI}"); shift ;;
    --out) out="${2:?--out needs a directory}"; shift ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#abis[@]} -gt 0 ] || abis=(arm64-v8a armeabi-v7a x86 x86_64)

# Find the NDK before anything else: without it nothing below can work.
ndk="${ANDROID_NDK_HOME:-${ANDROID_NDK_ROOT:-}}"
if [ -z "$ndk" ] && [ -n "${ANDROID_HOME:-}" ] && [ -d "$ANDROID_HOME/ndk" ]; then
  ndk="$(ls -d "$ANDROID_HOME"/ndk/* 2>/dev/null | sort -V | tail -n1 || true)"
fi
if [ -z "$ndk" ] || [ ! -d "$ndk/toolchains/llvm/prebuilt" ]; then
  cat >&2 <<'MSG'
error: no Android NDK found.
Set ANDROID_NDK_HOME to the NDK's directory, e.g.
  export ANDROID_NDK_HOME=$ANDROID_HOME/ndk/27.2.12479018
Install the NDK with Android Studio (SDK Manager > SDK Tools > NDK (Side by side)) or with
  sdkmanager "ndk;27.2.12479018"
(On a machine without the NDK, `scripts/check-android.sh` still type-checks the four targets.)
MSG
  exit 1
fi
export ANDROID_NDK_HOME="$ndk"
if ! cargo ndk --version >/dev/null 2>&1; then
  echo "error: cargo-ndk is not installed: cargo install cargo-ndk" >&2
  exit 1
fi

declare -A triple=([arm64-v8a]=aarch64-linux-android [armeabi-v7a]=armv7-linux-androideabi
                   [x86]=i686-linux-android [x86_64]=x86_64-linux-android)
targets=()
for abi in "${abis[@]}"; do
  [ -n "${triple[$abi]:-}" ] || { echo "unknown ABI $abi (arm64-v8a, armeabi-v7a, x86, x86_64)" >&2; exit 2; }
  targets+=(-t "$abi")
  rustup target add "${triple[$abi]}" >/dev/null
done

# 16 KB pages: Android 15 devices may use them; a library aligned to 4 KB will not load there.
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-z,max-page-size=16384"

echo "== cargo ndk (${abis[*]}, API $api, profile $profile)"
mkdir -p "$out"
cargo ndk "${targets[@]}" --platform "$api" -o "$out" build --locked -p posgate-android --profile "$profile"

echo "== Kotlin bindings (library mode, from the built .so)"
# Read the library in target/, not the copy in jniLibs (cargo-ndk may strip that one): the
# release-android profile strips debug info but keeps the symbol table uniffi reads.
cargo build --locked -p posgate-android --features bindgen --bin uniffi-bindgen
profile_dir=$([ "$profile" = dev ] && echo debug || echo "$profile")
lib="target/${triple[${abis[0]}]}/$profile_dir/libposgate.so"
gen="kotlin-sample/generated/uniffi"
rm -rf "$gen"
./target/debug/uniffi-bindgen generate --library "$lib" --language kotlin --config uniffi.toml \
  --no-format --out-dir "$gen"

for abi in "${abis[@]}"; do
  printf '%-12s %s\n' "$abi" "$(du -h "$out/$abi/libposgate.so" | cut -f1)"
done
echo "bindings: $gen/io/posgate/posgate.kt"
