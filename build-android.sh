#!/usr/bin/env bash
# Builds libposgate.so for the four Android ABIs into the sample app's jniLibs and generates the
# Kotlin bindings from the built library. Needs the Android NDK and cargo-ndk.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: ./build-android.sh [--flavor production|demo|both] [--debug] [--api LEVEL] [--abi ABI]...
                          [--help]

Builds posgate-android (libposgate.so) with cargo-ndk for arm64-v8a, armeabi-v7a, x86 and
x86_64, and generates the Kotlin bindings (package io.posgate) from the built library.

Flavours (a library and its bindings always come from the same flavour: the Kotlin bindings
of one flavour do not load with the other's library):
  production  the library cashier apps ship: no sandbox (default features). Outputs:
                dist/android/production/jniLibs/<abi>/libposgate.so
                dist/android/production/kotlin/io/posgate/{posgate.kt,core/posgate_core.kt}
  demo        --features sandbox,invoke: adds the embedded gateway simulators (EmbeddedSandbox,
              startSandbox()) for demo mode; what the sample app (kotlin-sample/) needs.
              Outputs:
                kotlin-sample/app/src/main/jniLibs/<abi>/libposgate.so
                kotlin-sample/generated/uniffi/io/posgate/{posgate.kt,core/posgate_core.kt}

  --flavor F    production (default), demo or both
  --debug       unoptimised build with debug info (default: the size-optimised
                release-android profile: opt-level z, LTO, one codegen unit,
                debug info stripped, panic = unwind)
  --api LEVEL   minimum Android API level (default 22, Android 5.1: the lowest the
                stack allows: rustls-platform-verifier's Android part needs 22;
                Sunmi fleets run 5.1 to 11)
  --abi ABI     build only this ABI (repeatable)
  --help        this text

The .so files in the output directories are stripped of their symbol table (llvm-strip
--strip-all; the dynamic symbols the app calls stay). The bindings are generated from the
unstripped library in cargo's target directory (target/<triple>/<profile>/libposgate.so),
because uniffi-bindgen's library mode reads the symbol table; keep that file for symbolicating
native crashes.

Requirements:
  - the Android NDK (r26 or newer), found through ANDROID_NDK_HOME (or ANDROID_NDK_ROOT,
    or ANDROID_HOME/ndk/<version>). Install it with Android Studio's SDK Manager
    (SDK Tools > NDK (Side by side)) or `sdkmanager "ndk;27.2.12479018"`, then
    export ANDROID_NDK_HOME=$ANDROID_HOME/ndk/27.2.12479018
  - cargo-ndk: cargo install cargo-ndk
  - the Rust targets: rustup target add aarch64-linux-android armv7-linux-androideabi \
      i686-linux-android x86_64-linux-android

The libraries are 16 KB page aligned.
USAGE
}

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
profile=release-android
api=22
abis=()
flavor=production
while [ $# -gt 0 ]; do
  case "$1" in
    --help|-h) usage; exit 0 ;;
    --flavor) flavor="${2:?--flavor needs production, demo or both}"; shift ;;
    --flavor=*) flavor="${1#--flavor=}" ;;
    --debug) profile=dev ;;
    --api) api="${2:?--api needs a level}"; shift ;;
    --abi) abis+=("${2:?--abi needs an ABI}"); shift ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#abis[@]} -gt 0 ] || abis=(arm64-v8a armeabi-v7a x86 x86_64)
case "$flavor" in
  production|demo) flavors=("$flavor") ;;
  both) flavors=(production demo) ;;
  *) echo "unknown flavor $flavor (production, demo or both)" >&2; exit 2 ;;
esac

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
(On a machine without the NDK, `scripts/check-android.sh` still type-checks the four targets
and `scripts/link-android.sh` links them against stubs of Android's libraries, not for shipping.)
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

target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
profile_dir=$([ "$profile" = dev ] && echo debug || echo "$profile")
strip_tool="$(ls "$ndk"/toolchains/llvm/prebuilt/*/bin/llvm-strip 2>/dev/null | head -n1 || true)"
[ -x "$strip_tool" ] || { echo "error: no llvm-strip in $ndk/toolchains/llvm/prebuilt/*/bin" >&2; exit 1; }

echo "== uniffi-bindgen (host)"
cargo build --locked -p posgate-android --features bindgen --bin uniffi-bindgen
bindgen="$target_dir/debug/uniffi-bindgen"

# 16 KB pages: Android 15 devices may use them; a library aligned to 4 KB will not load there.
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-z,max-page-size=16384"
# No build-machine paths in the shipped libraries (and the size check.sh measures is the size
# that ships): scripts/path-remap.sh.
cargo fetch --locked >/dev/null
export RUSTFLAGS="$RUSTFLAGS $(scripts/path-remap.sh)"
# The libraries apps ship are linked without uniffi's metadata statics (scripts/lean-link/cc:
# about 160 KB): the wrapper filters rustc's version script and chains to the linker cargo-ndk
# sets. The bindings are generated from a host build that keeps them (below).
if [ "$profile" != dev ]; then
  export RUSTFLAGS="$RUSTFLAGS -C linker=$PWD/scripts/lean-link/cc"
fi

sizes=()
for f in "${flavors[@]}"; do
  if [ "$f" = production ]; then
    features=()
    out="dist/android/production/jniLibs"
    gen="dist/android/production/kotlin"
  else
    features=(--features sandbox,invoke)
    out="kotlin-sample/app/src/main/jniLibs"
    gen="kotlin-sample/generated/uniffi"
  fi

  echo "== $f: cargo ndk (${abis[*]}, API $api, profile $profile${features:+, ${features[*]}})"
  mkdir -p "$out"
  cargo ndk "${targets[@]}" --platform "$api" -o "$out" build --locked -p posgate-android \
    --profile "$profile" "${features[@]}"

  echo "== $f: Kotlin bindings (library mode, from a host build with this flavour's features)"
  # uniffi-bindgen's library mode reads the interface from the metadata statics the shipped
  # libraries leave out (and from the symbol table their copies below no longer have): it reads
  # a host debug build of the same code and features, whose interface and checksums are the same.
  (unset RUSTFLAGS; cargo build --locked -p posgate-android --features "bindgen${features:+,sandbox,invoke}")
  lib="$target_dir/debug/libposgate.so"
  rm -rf "$gen"
  "$bindgen" generate --library "$lib" --language kotlin --config uniffi.toml --no-format --out-dir "$gen"
  shipped="$target_dir/${triple[${abis[0]}]}/$profile_dir/libposgate.so"
  if [ "$profile" != dev ] && "$(dirname "$strip_tool")/llvm-nm" -D --defined-only "$shipped" 2>/dev/null | grep -q UNIFFI_META_; then
    echo "warning: $shipped still exports uniffi's metadata (the lean link did not apply under this cargo-ndk)" >&2
  fi

  for abi in "${abis[@]}"; do
    so="$out/$abi/libposgate.so"
    # --debug builds keep their symbols, for the debugger.
    [ "$profile" = dev ] || "$strip_tool" --strip-all "$so"
    bytes=$(stat -c %s "$so")
    sizes+=("$(printf '%-10s %-12s %9d bytes (%s MB)  %s' "$f" "$abi" "$bytes" "$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1000000 }')" "$so")")
  done
  sizes+=("$(printf '%-10s %-12s %s' "$f" bindings "$gen/io/posgate/posgate.kt, $gen/io/posgate/core/posgate_core.kt")")
done

echo "== built (stripped sizes; the production budget is 5 MB, see README \"Library size\")"
printf '%s\n' "${sizes[@]}"
