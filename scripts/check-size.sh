#!/usr/bin/env bash
# The production library's size budget. Builds the production libposgate.so for this machine
# (x86_64 Linux: the host proxy of the Android libraries; default features, so no sandbox) with
# the release-android profile, strips it like build-android.sh strips the libraries it ships,
# and fails if
#   - the stripped library is larger than the budget (5 MB = 5,000,000 bytes; override with
#     POSGATE_SIZE_BUDGET=<bytes>), or
#   - uniffi's metadata statics are exported (the lean link, scripts/lean-link/cc, drops them) or
#     the functions Kotlin calls are missing, or
#   - any part of the sandbox got in: its uniffi exports (EmbeddedSandbox, start_sandbox), the
#     posgate-sandbox crate or axum (the simulators' HTTP server).
# A release LTO build: about 2 minutes from scratch on 2 cores, under a minute when only the
# workspace crates changed.
set -euo pipefail
cd "$(dirname "$0")/.."

budget="${POSGATE_SIZE_BUDGET:-5000000}"
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1000000 }'; }

echo "== cargo build -p posgate-android --profile release-android (production: default features)"
start=$SECONDS
# Linked as build-android.sh links the libraries apps ship: without uniffi's metadata statics
# (scripts/lean-link/cc says why).
# Build-machine paths are remapped (scripts/path-remap.sh) so the size does not depend on
# where the checkout and cargo's registry live.
cargo fetch --locked >/dev/null
CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER="$PWD/scripts/lean-link/cc" \
  RUSTFLAGS="${RUSTFLAGS:-} $(scripts/path-remap.sh)" \
  cargo build --locked -p posgate-android --profile release-android
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
lib="$target_dir/release-android/libposgate.so"
[ -f "$lib" ] || { echo "size: no $lib after the build" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
stripped="$tmp/libposgate.so"
strip --strip-all -o "$stripped" "$lib"
full=$(stat -c %s "$lib")
size=$(stat -c %s "$stripped")

# What Kotlin calls must all be there; the metadata only bindgen reads must not.
exports="$(nm -D --defined-only "$stripped" | awk '{print $NF}')"
if grep -q '^UNIFFI_META_' <<<"$exports"; then
  echo "size: uniffi's metadata statics are still exported (scripts/lean-link/cc not used?)" >&2
  exit 1
fi
if ! grep -q '^uniffi_posgate_fn_method_mmsp_' <<<"$exports" || ! grep -q '^ffi_posgate_rust_future_poll_' <<<"$exports"; then
  echo "size: the library lacks the functions Kotlin calls" >&2
  exit 1
fi

# Sandbox leftovers: exported uniffi symbols (uniffi_posgate_fn_func_start_sandbox,
# UNIFFI_META_POSGATE_INTERFACE_EMBEDDEDSANDBOX, ...) and the crates' names or source paths in
# the strings (panic locations, type names).
leaks="$( { nm -D --defined-only "$stripped" | awk '{print $NF}' | grep -iE 'sandbox' || true
           strings -a "$stripped" | grep -iE 'axum|posgate[-_]sandbox|sandbox/src/|embeddedsandbox|start_?sandbox' || true
         } | cut -c1-120 | sort -u | head -n 20)"

echo "size: libposgate.so (host x86_64, production, release-android): $full bytes ($(mb "$full")), stripped $size bytes ($(mb "$size")); budget $budget bytes ($(mb "$budget")); $((SECONDS - start)) s"
status=0
if [ -n "$leaks" ]; then
  echo "size: the production library contains sandbox code:" >&2
  sed 's/^/  /' <<<"$leaks" >&2
  status=1
fi
# The builder's paths (checkout, home) must not ship: path-remap.sh replaces them.
paths="$(strings -a "$stripped" | grep -F -e "$PWD/" -e "$HOME/" | cut -c1-120 | sort -u | head -n 5 || true)"
if [ -n "$paths" ]; then
  echo "size: the library carries build-machine paths (scripts/path-remap.sh not applied?):" >&2
  sed 's/^/  /' <<<"$paths" >&2
  status=1
fi
if [ "$size" -gt "$budget" ]; then
  echo "size: over budget by $((size - budget)) bytes: see README 'Library size' for where the bytes go" >&2
  status=1
fi
[ "$status" -eq 0 ] && echo "size: ok ($((budget - size)) bytes under budget, no sandbox)"
exit "$status"
