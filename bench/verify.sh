#!/usr/bin/env bash
# Times the whole real-build verification of one small Dockerfile on a busybox base:
# `dflint check --fix --verify=buildah` (build the original, build the fixed file, read and
# compare both images). Needs buildah and busybox (Debian: buildah busybox-static), root.
# usage: bench/verify.sh [RUNS]   (default 5; prints each run and the median)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
cargo build -q
dflint=$PWD/target/debug/dflint
work=$(mktemp -d)
export DFLINT_BUILDAH_ROOT=$work/store DFLINT_BUILDAH_DRIVER=overlay
store=(--root "$DFLINT_BUILDAH_ROOT/storage" --runroot "$DFLINT_BUILDAH_ROOT/run" --storage-driver overlay)
cleanup() {
  buildah "${store[@]}" rm --all >/dev/null 2>&1 || true
  buildah "${store[@]}" rmi --all --force >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/base" "$work/ctx"
cp "$(command -v busybox)" "$work/base/busybox"
printf 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n' >"$work/base/Dockerfile"
buildah "${store[@]}" bud --pull=never --isolation chroot --format docker --quiet \
  -t localhost/dflint-busybox "$work/base" >/dev/null
echo hello >"$work/ctx/hello.txt"
times=()
for i in $(seq "$runs"); do
  cat >"$work/ctx/Dockerfile" <<DOCKERFILE
from localhost/dflint-busybox
MAINTAINER me
ENV A b
ADD hello.txt /srv/
RUN echo "run $i" > /run-$i
expose 80/TCP
DOCKERFILE
  start=$(date +%s.%N)
  "$dflint" check --fix --verify=buildah --no-pull "$work/ctx/Dockerfile" >/dev/null 2>"$work/log" || true
  end=$(date +%s.%N)
  grep -q "proven" "$work/log" || { cat "$work/log"; exit 1; }
  t=$(echo "$end - $start" | bc)
  times+=("$t")
  echo "run $i: ${t} s"
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print "median: " a[int((NR+1)/2)] " s over " NR " runs"}'
