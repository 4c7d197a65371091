#!/usr/bin/env bash
# `cargo check` of posgate-android for the four Android ABIs without an NDK: Debian clang and
# llvm-ar compile the C parts (ring) against clang's own headers. scripts/link-android.sh links
# the production library without the NDK too (against stubs of bionic); the libraries apps ship
# need the NDK: build-android.sh on a machine that has one. Each target is checked twice: the
# production library (default features) and the demo one (--features sandbox); the second check
# only re-checks posgate-android and the sandbox crates.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang >/dev/null && command -v llvm-ar >/dev/null || { echo "needs clang and llvm-ar (apt-get install clang llvm)" >&2; exit 1; }

# Bundled SQLite (the journal) needs C library headers, which only the NDK has for Android.
# For a type check any libc headers of the same architecture will do (nothing is linked):
# Debian's cross glibc headers (libc6-dev-*-cross), and the host's for x86_64.
#
# rust target  clang target (API 24)  libc headers
targets=(
  "aarch64-linux-android aarch64-linux-android24 /usr/aarch64-linux-gnu/include"
  "armv7-linux-androideabi armv7a-linux-androideabi24 /usr/arm-linux-gnueabi/include"
  "i686-linux-android i686-linux-android24 /usr/i686-linux-gnu/include"
  "x86_64-linux-android x86_64-linux-android24 /usr/include/x86_64-linux-gnu:/usr/include"
)
for pair in "${targets[@]}"; do
  read -r target clang_target headers <<<"$pair"
  t="${target//-/_}"
  cflags="--target=$clang_target -nostdlibinc -DRING_CORE_NOSTDLIBINC=1"
  IFS=: read -ra dirs <<<"$headers"
  for d in "${dirs[@]}"; do
    [ -d "$d" ] || { echo "missing $d (apt-get install libc6-dev-arm64-cross libc6-dev-armel-cross libc6-dev-i386-cross)" >&2; exit 1; }
    cflags="$cflags -idirafter $d"
  done
  [ "$target" = x86_64-linux-android ] && cflags="$cflags -D__MM_MALLOC_H"
  for features in "" "--features sandbox,invoke"; do
    echo "== cargo check --target $target $features"
    # shellcheck disable=SC2086 # $features is empty or two words
    env "CC_$t=clang" "AR_$t=llvm-ar" "CFLAGS_$t=$cflags" \
      cargo check --locked -p posgate-android --target "$target" $features
  done
  echo "android check $target: ok (production and demo)"
done
