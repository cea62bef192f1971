#!/usr/bin/env bash
# make check-cuda: the CUDA build's compile-time evidence, on a machine without a GPU.
#
# Builds the cuda-check preset (CUDA + OpenMP + Serial, fixed-size solver only for nx 4, ny 2,
# ptxas -v on the solver) -- the library, the kscan program and the scan and solver test binaries
# -- and prints the ptxas table of every kscan kernel (scripts/ptxas_table.py): registers, spills,
# shared memory and the occupancy the registers allow, float32 and float64.
#
# Needs nvcc (KSCAN_NVCC, else Debian's /usr/bin/nvcc, else PATH) and, unless .deps/ already holds
# a CUDA Kokkos, KSCAN_KOKKOS_SOURCE (and KSCAN_KOKKOS_KERNELS_SOURCE): README "GPU builds".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build/cuda-check
jobs=${JOBS:-$(nproc)}
cd "$root"

KSCAN_EXTRA_PACKAGES=g++-11 bash scripts/install-system-deps.sh
export KSCAN_KOKKOS_BACKENDS=cuda
start=$(date +%s)
cmake --preset cuda-check >/dev/null
configured=$(date +%s)
mkdir -p "$build"
# ptxas -v prints for every kernel it compiles; the log is appended to, so an incremental build
# keeps the records of units it did not recompile (ptxas_table.py keeps each kernel's latest).
set +e
cmake --build "$build" -j "$jobs" --target kscan test_scan test_solver 2>&1 |
  tee -a "$build/ptxas.log" | grep -v -e "^ptxas info" -e "bytes stack frame"
build_status=${PIPESTATUS[0]}
set -e
[ "$build_status" -eq 0 ] || { echo "check-cuda: the build failed (above)" >&2; exit 1; }
built=$(date +%s)

program=$build/apps/kscan/kscan
echo
echo "check-cuda: configure $(( configured - start )) s, build $(( (built - configured + 30) / 60 )) min on $jobs jobs"
# (strip writes a regular file: through /dev/stdout it may write nothing)
stripped=$(mktemp)
for f in "$program" "$build/tests/test_scan" "$build/tests/test_solver"; do
  strip -o "$stripped" "$f"
  printf '  %-40s %6.1f MB (%.1f MB stripped)\n' "${f#"$root"/}" \
    "$(stat -c %s "$f" | awk '{print $1 / 1e6}')" "$(stat -c %s "$stripped" | awk '{print $1 / 1e6}')"
done
rm -f "$stripped"
echo
/usr/bin/python3 scripts/ptxas_table.py "$build/ptxas.log" --arch "sm_${KSCAN_CUDA_SM:-90}"
