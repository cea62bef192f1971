#!/usr/bin/env bash
# Packs a CUDA build for a GPU machine that has a driver but no Kokkos, HDF5 or yaml-cpp:
# the stripped kscan program and scan/solver test binaries, every shared library they load
# except the C library and the driver's (libcuda), the decks and scripts the device check uses,
# as one xz archive. On the GPU machine: tar -xJf kscan-gpu.tar.xz && kscan-gpu/scripts/gpu-check.sh
#
#   scripts/gpu-bundle.sh [BUILD_DIR] [ARCHIVE]    (defaults: build/cuda-check, build/kscan-gpu.tar.xz)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/cuda-check}
archive=${2:-$root/build/kscan-gpu.tar.xz}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
dir=$stage/kscan-gpu
mkdir -p "$dir/bin" "$dir/lib" "$dir/scripts" "$dir/inputs"

for b in apps/kscan/kscan tests/test_scan tests/test_solver; do
  [ -x "$build/$b" ] || { echo "gpu-bundle: $build/$b is missing (make check-cuda builds it)" >&2; exit 2; }
  strip -o "$dir/bin/$(basename "$b")" "$build/$b"
done
# The libraries the binaries resolve here, but not glibc's own nor the driver's, which must be
# the GPU machine's.
for b in "$dir"/bin/*; do
  ldd "$b" | awk '/=> \// {print $3}'
done | sort -u | while read -r lib; do
  case "$(basename "$lib")" in
    libc.so.*|libm.so.*|libdl.so.*|libpthread.so.*|librt.so.*|ld-linux*|libcuda.so.*) ;;
    *) cp -L "$lib" "$dir/lib/" ;;
  esac
done
cp "$root"/scripts/gpu-check.sh "$root"/scripts/gpu_table.py "$dir/scripts/"
cp -r "$root"/inputs/paper "$root"/inputs/gpu "$dir/inputs/"
tar -C "$stage" -cJf "$archive" kscan-gpu
echo "gpu-bundle: $archive ($(du -h "$archive" | cut -f1); unpacked $(du -sh "$dir" | cut -f1))"
