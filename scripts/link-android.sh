#!/usr/bin/env bash
# The Android link check, without the NDK: links the production libposgate.so for the four
# Android ABIs as build-android.sh does (posgate-android, default features, profile
# release-android, the lean link of scripts/lean-link/cc, 16 KB pages), but with Debian's clang
# and lld against stub libraries generated from bionic's symbol maps (android/bionic/*.map.txt)
# at the app's minSdk. So a call into libc/libm/libdl/liblog that does not exist at that API
# level on that architecture fails the link, naming the symbol, before any device sees it. Then
# it checks that every LOAD segment is 16 KB aligned and prints each ABI's stripped size.
#
# What it proves and what it cannot: README, "Android link check".
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  cat <<'USAGE'
Usage: scripts/link-android.sh [--api LEVEL] [--abi ABI]... [--drop SYMBOL] [--self-test] [--help]

  --api LEVEL    the minSdk to link at (default 22, kotlin-sample/app/build.gradle.kts)
  --abi ABI      arm64-v8a, armeabi-v7a, x86 or x86_64 (repeatable; default all four)
  --drop SYMBOL  leave SYMBOL out of the stub libraries, whatever the maps say: shows the link
                 failing on a symbol the library needs (e.g. --drop pthread_key_create)
  --self-test    only the self-test: the check fails when it must (a symbol introduced after the
                 API level, a 4 KB aligned segment) and passes when it must; seconds, no cargo.
                 Every full run does it first.
USAGE
}

api=22
abis=()
drop=""
self_test_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --help|-h) usage; exit 0 ;;
    --api) api="${2:?--api needs a level}"; shift ;;
    --abi) abis+=("${2:?--abi needs an ABI}"); shift ;;
    --drop) drop="${2:?--drop needs a symbol}"; shift ;;
    --self-test) self_test_only=1 ;;
    *) echo "link-android: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#abis[@]} -gt 0 ] || abis=(arm64-v8a armeabi-v7a x86 x86_64)

for tool in clang ld.lld llvm-ar llvm-nm llvm-readelf llvm-strip; do
  command -v "$tool" >/dev/null || { echo "link-android: needs $tool (apt-get install clang llvm lld)" >&2; exit 1; }
done

# Per ABI: Rust's target; clang's (the API level is appended); the directory the NDK's (and so
# clang's) sysroot layout keeps the ABI's libraries in; the architecture name bionic's maps use;
# the libc headers the C code (SQLite, ring) compiles against, as in scripts/check-android.sh.
declare -A rust_target=([arm64-v8a]=aarch64-linux-android [armeabi-v7a]=armv7-linux-androideabi
                        [x86]=i686-linux-android [x86_64]=x86_64-linux-android)
declare -A clang_target=([arm64-v8a]=aarch64-linux-android [armeabi-v7a]=armv7a-linux-androideabi
                         [x86]=i686-linux-android [x86_64]=x86_64-linux-android)
declare -A lib_dir=([arm64-v8a]=aarch64-linux-android [armeabi-v7a]=arm-linux-androideabi
                    [x86]=i686-linux-android [x86_64]=x86_64-linux-android)
declare -A map_arch=([arm64-v8a]=arm64 [armeabi-v7a]=arm [x86]=x86 [x86_64]=x86_64)
declare -A headers=([arm64-v8a]=/usr/aarch64-linux-gnu/include [armeabi-v7a]=/usr/arm-linux-gnueabi/include
                    [x86]=/usr/i686-linux-gnu/include [x86_64]=/usr/include/x86_64-linux-gnu:/usr/include)
for abi in "${abis[@]}"; do
  [ -n "${rust_target[$abi]:-}" ] || { echo "link-android: unknown ABI $abi (arm64-v8a, armeabi-v7a, x86, x86_64)" >&2; exit 2; }
done

target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
work="$target_dir/link-android"
mkdir -p "$work"

# The stub libraries, as the NDK's: libc, libm and libdl are versioned as their maps say (LIBC,
# LIBC_N, ...); liblog's stubs are unversioned at every level (its ndk_library has
# unversioned_until: "current", see android/bionic/README.md).
stub_libs=(c m dl log)
declare -A unversioned=([log]=1)

# make_sysroot ABI API DIR [DROP]: a minimal sysroot in DIR for clang --target=<triple><API>:
# usr/lib/<triple>/<API>/ {libc,libm,libdl,liblog}.so, crtbegin_so.o, crtend_so.o, and
# usr/lib/<triple>/libunwind.a.
make_sysroot() {
  local abi="$1" level="$2" dir="$3" leave_out="${4:-}"
  local t="${clang_target[$abi]}$level" lib="$dir/usr/lib/${lib_dir[$abi]}"
  local gen="$dir/gen" l vs
  rm -rf "$dir"
  mkdir -p "$lib/$level" "$gen"
  for l in "${stub_libs[@]}"; do
    vs="$gen/lib$l.vs"
    awk -v arch="${map_arch[$abi]}" -v api="$level" -v vs="$vs" -v drop="$leave_out" \
      -f scripts/link-android/stubgen.awk "android/bionic/lib$l.map.txt" > "$gen/lib$l.c"
    local versions=()
    [ -n "${unversioned[$l]:-}" ] || [ ! -s "$vs" ] || versions=("-Wl,--version-script=$vs")
    # -fno-builtin: the dummy definitions reuse the names of C library functions with other types.
    clang --target="$t" -fPIC -fno-builtin -w -O0 -shared -nostdlib -fuse-ld=lld \
      -Wl,-soname,"lib$l.so" "${versions[@]}" -o "$lib/$level/lib$l.so" "$gen/lib$l.c"
  done
  clang --target="$t" -DAPI="$level" -fPIC -O2 -ffreestanding -c scripts/link-android/crtbegin_so.c -o "$lib/$level/crtbegin_so.o"
  clang --target="$t" -c scripts/link-android/crtend_so.S -o "$lib/$level/crtend_so.o"
  clang --target="$t" -fPIC -O2 -ffreestanding -c scripts/link-android/unwind.c -o "$gen/unwind.o"
  llvm-ar rcs "$lib/libunwind.a" "$gen/unwind.o"
  clang --target="$t" -fPIC -O2 -c scripts/link-android/glibc-compat.c -o "$gen/glibc-compat.o"
}

# check_alignment LIB: every LOAD segment aligned to at least 16 KB (p_align >= 0x4000, and its
# offset and address equal modulo 16 KB, which the loader needs to map it). Prints what is wrong.
check_alignment() {
  llvm-readelf -lW "$1" | awk '
    function hex(s,    i, n) {
      n = 0; s = tolower(s); sub(/^0x/, "", s)
      for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
      return n
    }
    $1 == "LOAD" {
      n++
      off = hex($2); va = hex($3); al = hex($NF)
      if (al < 16384) { printf "LOAD segment %d aligned to %s (< 0x4000)\n", n, $NF; bad = 1 }
      else if (off % 16384 != va % 16384) { printf "LOAD segment %d offset %s / address %s not congruent modulo 16 KB\n", n, $2, $3; bad = 1 }
    }
    END { if (n == 0) { print "no LOAD segments"; bad = 1 } exit bad }'
}

# imports_unresolved LIB SYSROOT_LIBDIR: the strong undefined dynamic symbols of LIB that no stub
# library defines (a second look, independent of the linker's --no-undefined).
imports_unresolved() {
  local defined
  defined="$(for s in "$2"/lib*.so; do llvm-nm -D --defined-only "$s" | awk '{print $NF}' | sed 's/@.*//'; done | sort -u)"
  llvm-nm -D --undefined-only "$1" | awk '$1 == "U" {print $2}' | sed 's/@.*//' | sort -u | comm -23 - <(printf '%s\n' "$defined")
}

# ---- self-test: the check fails when it must, and passes when it must ----------------------
# A tiny shared library calling getrandom() (libc, introduced at API 28 on every architecture),
# linked through the same linker wrapper as libposgate.so: against API 22 stubs the link must fail
# naming getrandom; against API 28 stubs it must link. Then a 4 KB aligned link must be refused by
# the alignment check, and the 16 KB one accepted. Seconds, no cargo.
self_test() {
  local st="$work/self-test" abi out
  rm -rf "$st"; mkdir -p "$st"
  printf '%s\n' '#include <stddef.h>' \
    'extern long getrandom(void *, size_t, unsigned);' \
    'long posgate_self_test(void *b, size_t n) { return getrandom(b, n, 0); }' > "$st/t.c"
  for abi in "${abis[@]}"; do
    local t="${clang_target[$abi]}"
    make_sysroot "$abi" "$api" "$st/$abi/sysroot-$api"
    make_sysroot "$abi" 28 "$st/$abi/sysroot-28"
    clang --target="$t$api" -fPIC -O2 -nostdlibinc -c "$st/t.c" -o "$st/$abi.o"
    if [ "$api" -lt 28 ]; then
      if out="$(POSGATE_ANDROID_CLANG_TARGET="$t$api" POSGATE_ANDROID_SYSROOT="$st/$abi/sysroot-$api" \
                scripts/link-android/cc -shared -nodefaultlibs "$st/$abi.o" -lc -o "$st/$abi-$api.so" 2>&1)"; then
        echo "link-android: self-test FAILED: $abi: getrandom (API 28) linked against API $api stubs" >&2; return 1
      fi
      grep -q "undefined symbol: getrandom" <<<"$out" || {
        echo "link-android: self-test FAILED: $abi: the link failed, but not naming getrandom:" >&2; echo "$out" >&2; return 1; }
    fi
    POSGATE_ANDROID_CLANG_TARGET="${t}28" POSGATE_ANDROID_SYSROOT="$st/$abi/sysroot-28" \
      scripts/link-android/cc -shared -nodefaultlibs "$st/$abi.o" -lc -o "$st/$abi-28.so" \
      || { echo "link-android: self-test FAILED: $abi: getrandom does not link against API 28 stubs" >&2; return 1; }
    check_alignment "$st/$abi-28.so" >/dev/null \
      || { echo "link-android: self-test FAILED: $abi: a 16 KB aligned library was refused" >&2; return 1; }
    POSGATE_ANDROID_CLANG_TARGET="${t}28" POSGATE_ANDROID_SYSROOT="$st/$abi/sysroot-28" \
      scripts/link-android/cc -shared -nodefaultlibs "$st/$abi.o" -lc -Wl,-z,max-page-size=4096 -o "$st/$abi-4k.so"
    if check_alignment "$st/$abi-4k.so" >/dev/null; then
      echo "link-android: self-test FAILED: $abi: a 4 KB aligned library passed the alignment check" >&2; return 1
    fi
  done
  echo "link-android: self-test ok (${abis[*]}): getrandom refused at API $api and linked at API 28; 4 KB segments refused, 16 KB accepted"
}

self_test
[ "$self_test_only" -eq 0 ] || exit 0

# ---- the production library, per ABI ----------------------------------------------------------
start_all=$SECONDS
sizes=()
for abi in "${abis[@]}"; do
  target="${rust_target[$abi]}"
  t="${target//-/_}"
  T="$(tr '[:lower:]' '[:upper:]' <<<"$t")"
  sysroot="$work/$abi/sysroot"
  make_sysroot "$abi" "$api" "$sysroot" "$drop"
  stubdir="$sysroot/usr/lib/${lib_dir[$abi]}/$api"

  # cargo does not know the stub libraries are an input of the link: unless the library in
  # cargo's target directory is the one this script last linked (stamp: the fingerprint of the
  # stub sysroot and the linker wrapper, the library's mtime and size), remove it so cargo links
  # it again (recompiling posgate-android and redoing LTO, not the dependencies). So another API
  # level, --drop, new maps, or a library linked since by build-android.sh's NDK into the same
  # directory all relink.
  deps_lib="$target_dir/$target/release-android/deps/libposgate.so"
  stamp="$deps_lib.link-android"
  fingerprint="$(cat "$stubdir"/* "$sysroot/usr/lib/${lib_dir[$abi]}/libunwind.a" "$sysroot/gen/glibc-compat.o" scripts/link-android/cc | sha256sum | cut -c1-16)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$fingerprint $(stat -c %Y-%s "$deps_lib" 2>/dev/null)" ]; then
    rm -f "$deps_lib" "$stamp"
  fi

  # The C code compiles as in scripts/check-android.sh (Debian clang, the architecture's glibc
  # headers for SQLite, ring without libc headers), at this API level, plus:
  #   - the CFLAGS of .cargo/config.toml (no unwind tables in C code): cc prefers CFLAGS_<target>
  #     to CFLAGS, so they would otherwise be lost here;
  #   - two glibc names mapped to bionic's, because glibc's headers emit references bionic's
  #     would not: errno is *__errno_location() in glibc, *__errno() in bionic (renamed here, at
  #     compile time, C code only); with _FILE_OFFSET_BITS=64 (SQLite sets it) glibc's fcntl.h
  #     renames fcntl to fcntl64 by an asm label no macro can reach, and bionic has no fcntl64
  #     (its fcntl takes 64-bit locks already): scripts/link-android/glibc-compat.c forwards it
  #     to fcntl (linked in through POSGATE_ANDROID_LDFLAGS, which scripts/link-android/cc
  #     reads). Every other libc call of the
  #     C code links under the name bionic's headers would give it (open64, pread64, ... exist in
  #     bionic on every ABI).
  cflags="--target=${clang_target[$abi]}$api -nostdlibinc -DRING_CORE_NOSTDLIBINC=1"
  IFS=: read -ra dirs <<<"${headers[$abi]}"
  for d in "${dirs[@]}"; do
    [ -d "$d" ] || { echo "link-android: missing $d (apt-get install libc6-dev-arm64-cross libc6-dev-armel-cross libc6-dev-i386-cross)" >&2; exit 1; }
    cflags="$cflags -idirafter $d"
  done
  [ "$target" = x86_64-linux-android ] && cflags="$cflags -D__MM_MALLOC_H"
  cflags="$cflags -fno-asynchronous-unwind-tables -fno-unwind-tables -D__errno_location=__errno"

  # Build-machine paths remapped as in build-android.sh (scripts/path-remap.sh).
  cargo fetch --locked >/dev/null
  remap="$(scripts/path-remap.sh)"
  echo "== link-android: $abi ($target, API $api${drop:+, without $drop}): cargo build -p posgate-android --profile release-android"
  log="$work/$abi/build.log"
  start=$SECONDS
  # As build-android.sh: 16 KB pages by RUSTFLAGS, the lean link (scripts/lean-link/cc) as the
  # target's linker, chaining here to scripts/link-android/cc instead of the NDK's clang.
  if ! env "CC_$t=clang" "AR_$t=llvm-ar" "CFLAGS_$t=$cflags" \
      RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-z,max-page-size=16384 $remap" \
      "CARGO_TARGET_${T}_LINKER=$PWD/scripts/lean-link/cc" \
      POSGATE_REAL_LINKER="$PWD/scripts/link-android/cc" \
      POSGATE_ANDROID_CLANG_TARGET="${clang_target[$abi]}$api" POSGATE_ANDROID_SYSROOT="$sysroot" \
      POSGATE_ANDROID_LDFLAGS="$sysroot/gen/glibc-compat.o" \
      cargo build --locked -p posgate-android --target "$target" --profile release-android >"$log" 2>&1; then
    undefined="$(grep -o 'undefined symbol: [^ ]*' "$log" | sed 's/undefined symbol: //' | sort -u | paste -sd' ' - || true)"
    if [ -n "$undefined" ]; then
      grep -E 'ld.lld: error: undefined symbol|>>> referenced by' "$log" | head -n 20 >&2
      echo "link-android: $abi: FAILED: undefined at API $api (not in bionic's $abi libraries at that level): $undefined" >&2
    else
      tail -n 40 "$log" >&2
      echo "link-android: $abi: FAILED: the build failed (log: $log)" >&2
    fi
    exit 1
  fi
  echo "$fingerprint $(stat -c %Y-%s "$deps_lib")" > "$stamp"
  lib="$target_dir/$target/release-android/libposgate.so"

  status=0
  # The link itself refused undefined symbols (-Wl,--no-undefined); look again from the result.
  missing="$(imports_unresolved "$lib" "$stubdir")"
  if [ -n "$missing" ]; then
    echo "link-android: $abi: FAILED: imports no API $api stub defines: $(paste -sd' ' <<<"$missing")" >&2; status=1
  fi
  # Only the platform libraries the stubs stand for (not e.g. a shared libunwind).
  needed="$(llvm-readelf -dW "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | paste -sd' ' -)"
  for n in $needed; do
    case "$n" in libc.so|libm.so|libdl.so|liblog.so) ;;
      *) echo "link-android: $abi: FAILED: needs $n, which is not an Android platform library" >&2; status=1 ;;
    esac
  done
  # The lean link applied (as check-size.sh checks on the host) and the Kotlin API is exported.
  exports="$(llvm-nm -D --defined-only "$lib" | awk '{print $NF}')"
  if grep -q '^UNIFFI_META_' <<<"$exports"; then
    echo "link-android: $abi: FAILED: uniffi's metadata statics are exported (scripts/lean-link/cc not applied)" >&2; status=1
  fi
  if ! grep -q '^uniffi_posgate_fn_' <<<"$exports"; then
    echo "link-android: $abi: FAILED: the functions Kotlin calls are not exported" >&2; status=1
  fi
  if ! misaligned="$(check_alignment "$lib")"; then
    echo "link-android: $abi: FAILED: not 16 KB aligned: $misaligned" >&2; status=1
  fi
  [ "$status" -eq 0 ] || exit 1

  stripped="$work/$abi/libposgate.so"
  llvm-strip --strip-all -o "$stripped" "$lib"
  bytes=$(stat -c %s "$stripped")
  # The highest API level among the library's imports, per the maps (0: no introduced tag, i.e.
  # there since before API 21: the maps mark almost nothing older).
  levels="$(for l in "${stub_libs[@]}"; do awk -v arch="${map_arch[$abi]}" -v list=1 -f scripts/link-android/stubgen.awk "android/bionic/lib$l.map.txt"; done)"
  highest="$(llvm-nm -D --undefined-only "$lib" | awk '$1 == "U" {print $2}' | sed 's/@.*//' \
    | awk 'NR == FNR { lvl[$1] = $2; next } ($1 in lvl) && lvl[$1] >= max { max = lvl[$1]; s = $1 } END { print (max + 0) " " s }' <(printf '%s\n' "$levels") -)"
  if [ "${highest%% *}" -eq 0 ]; then newest="none with an API level in the maps (there before API 21)"
  else newest="the newest: ${highest#* }, API ${highest%% *}"; fi
  echo "link-android: $abi: linked at API $api in $((SECONDS - start)) s; $(llvm-nm -D --undefined-only "$lib" | grep -c ' U ') imports from ${needed// /, }, $newest; LOAD segments 16 KB aligned; stripped $bytes bytes"
  sizes+=("$abi $bytes")
done

echo "link-android: ${#abis[@]} ABIs linked at API $api, 16 KB aligned; stripped sizes (bytes): $(printf '%s, ' "${sizes[@]}" | sed 's/, $//') ($((SECONDS - start_all)) s)"
