#!/usr/bin/env bash
# Prints rustc flags that replace build-machine paths in the release libraries' panic locations
# with short fixed names: the checkout's path with `posgate`, each cargo registry source dir with
# `crates`, CARGO_HOME's git checkouts with `git`. Without them the library's size depends on
# where it was built (CI's longer home and checkout paths once cost 30 KB) and it carries the
# builder's home directory to every device. Used by check-size.sh, build-android.sh and
# link-android.sh: the size the budget checks is the size that ships.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd -P)"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
flags="--remap-path-prefix=$root=posgate"
for src in "$cargo_home"/registry/src/*/; do
  [ -d "$src" ] && flags="$flags --remap-path-prefix=${src%/}=crates"
done
[ -d "$cargo_home/git/checkouts" ] && flags="$flags --remap-path-prefix=$cargo_home/git/checkouts=git"
echo "$flags"
