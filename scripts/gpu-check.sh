#!/usr/bin/env bash
# The device check of issue 15, on a GPU machine, from the bundle scripts/gpu-bundle.sh packs
# (run from the unpacked kscan-gpu/ folder) or from a CUDA build tree (KSCAN_GPU_BUILD=build/cuda):
#   1. the scan and solver tests on the Cuda execution space (the host spaces are checked on the
#      build machine);
#   2. inputs/paper/gpu-speedup.yaml (KF/RTS against PKF/PRTS, Ladner-Fischer, 2^4..2^20);
#   3. inputs/gpu/scan-sweep-2p20.yaml (PKF/PRTS/PTFS over every scan, T = 2^20, float32);
#   4. the table: times, speedup over the one-GPU-thread sequential method, GFLOP/s, MFU where
#      the device's peak is known, a memory-bandwidth lower bound against the data sheet's peak.
# Sized for at most 8 minutes; results go to $OUT (or results/gpu/) with the logs.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${KSCAN_GPU_BUILD:-}" ]; then
  kscan=$KSCAN_GPU_BUILD/apps/kscan/kscan
  tests=$KSCAN_GPU_BUILD/tests
else
  kscan=$here/bin/kscan
  tests=$here/bin
  export LD_LIBRARY_PATH=$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi
out=${OUT:-$here/results/gpu}
mkdir -p "$out"
cd "$here"
status=0
step() { echo; echo "== $* ($(date +%T))"; }

step device
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv,noheader || status=1
"$kscan" info || { echo "gpu-check: kscan does not start (libraries: ldd $kscan)"; exit 1; }

step "scan and solver tests on Kokkos::Cuda"
for t in test_scan test_solver; do
  timeout 150 "$tests/$t" --gtest_filter='*Cuda*' --gtest_brief=1 > "$out/$t.log" 2>&1
  rc=$?
  tail -n 3 "$out/$t.log"
  [ $rc -eq 0 ] || { echo "gpu-check: $t failed (rc $rc, $out/$t.log)"; status=1; }
done

step "paper speedup deck"
timeout 180 "$kscan" run inputs/paper/gpu-speedup.yaml -o "$out/gpu-speedup.h5" \
  --set output.summary=[table,jsonl] --set runs.repetitions=5 > "$out/gpu-speedup.log" 2>&1 ||
  { echo "gpu-check: gpu-speedup failed ($out/gpu-speedup.log)"; status=1; }
tail -n 2 "$out/gpu-speedup.log"

step "scan sweep at 2^20"
timeout 150 "$kscan" run inputs/gpu/scan-sweep-2p20.yaml -o "$out/scan-sweep-2p20.h5" \
  > "$out/scan-sweep-2p20.log" 2>&1 ||
  { echo "gpu-check: scan sweep failed ($out/scan-sweep-2p20.log)"; status=1; }
tail -n 2 "$out/scan-sweep-2p20.log"

step table
python3 scripts/gpu_table.py "$out"/*.jsonl | tee "$out/table.txt" || status=1
exit $status
