#!/usr/bin/env bash
# `cargo check` of posgate-android for the four Android ABIs without an NDK: Debian clang and
# llvm-ar compile the C parts (ring) against clang's own headers. A real link needs the NDK:
# use build-android.sh on a machine that has one.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang >/dev/null && command -v llvm-ar >/dev/null || { echo "needs clang and llvm-ar (apt-get install clang llvm)" >&2; exit 1; }

# rust target  clang target (API 24)
targets=(
  "aarch64-linux-android aarch64-linux-android24"
  "armv7-linux-androideabi armv7a-linux-androideabi24"
  "i686-linux-android i686-linux-android24"
  "x86_64-linux-android x86_64-linux-android24"
)
for pair in "${targets[@]}"; do
  read -r target clang_target <<<"$pair"
  t="${target//-/_}"
  cflags="--target=$clang_target -nostdlibinc -DRING_CORE_NOSTDLIBINC=1"
  [ "$target" = x86_64-linux-android ] && cflags="$cflags -D__MM_MALLOC_H"
  echo "== cargo check --target $target"
  env "CC_$t=clang" "AR_$t=llvm-ar" "CFLAGS_$t=$cflags" \
    cargo check --locked -p posgate-android --target "$target"
  echo "android check $target: ok"
done
