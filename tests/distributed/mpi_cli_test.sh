#!/usr/bin/env bash
# `mpirun -n N kscan run` end to end (registered by tests/distributed/CMakeLists.txt):
#   mpi_cli_test.sh CASE KSCAN PYTHON TEST_DIR WORK_DIR      (KSCAN_MPIEXEC: "mpiexec ... -n")
# Each case runs a deck in one process and over ranks and compares the files with
# compare_results.py.
set -u
case_name=$1 kscan=$2 python=$3 here=$4 work=$5
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
read -r -a mpiexec <<<"${KSCAN_MPIEXEC:?KSCAN_MPIEXEC names mpiexec and its flags}"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# run_expect CODE LOG -- command...: stdout and stderr to LOG.
run_expect() {
  local want=$1 log=$2; shift 3
  "$@" >"$log" 2>&1
  local got=$?
  [ "$got" = "$want" ] || { fail "exit $got (want $want): $*"; tail -n 30 "$log" >&2; }
}
compare() { "$python" "$here/compare_results.py" "$@" || fail "compare_results.py $*"; }

deck() {  # deck FILE DISTRIBUTED METHODS LENGTHS SCANS
  cat >"$1" <<EOF
experiment: {name: mpi-$2, seed: 4}
model: {kind: random, state_dim: 4, obs_dim: 2}
data: {lengths: $4, missing: 0.1}
runs: {methods: $3, scans: $5, precision: [float64, float32], warmup: 1, repetitions: 2,
       distributed: $2}
output: {file: out/$2.h5, estimates: all, summary: [csv]}
EOF
}

case $case_name in
sweep)
  # 2 lengths x (kf + 2 scans of pkf and prts) x 2 precisions = 20 runs over 1, 2 and 3 ranks;
  # each file must be the one-process file (times aside).
  deck sweep.yaml sweep "[kf, pkf, prts]" "[7, 33]" "[blocked, ladner_fischer]"
  # (Each in a directory of its own: the output name is part of the stored deck.)
  mkdir n1 n2 n3
  cd n1 && run_expect 0 ../n1.log -- "$kscan" run ../sweep.yaml --quiet && cd ..
  for n in 2 3; do
    cd n$n && run_expect 0 ../n$n.log -- "${mpiexec[@]}" "$n" "$kscan" run ../sweep.yaml && cd ..
    compare same n1/out/sweep.h5 n$n/out/sweep.h5
    grep -q "rank 1: median" n$n.log || fail "rank 0 did not report the runs of rank 1"
    [ "$(grep -c '^results:' n$n.log)" = 1 ] || fail "results line not printed once"
  done
  # Operation-count mode (flops_span, simulated_threads) travels from the ranks to rank 0 too.
  mkdir c1 c3
  cd c1 && run_expect 0 ../c1.log -- "$kscan" run ../sweep.yaml --quiet \
    --set runs.simulate_threads=15000 && cd ..
  cd c3 && run_expect 0 ../c3.log -- "${mpiexec[@]}" 3 "$kscan" run ../sweep.yaml --quiet \
    --set runs.simulate_threads=15000 && cd ..
  compare same c1/out/sweep.h5 c3/out/sweep.h5
  # --resume over ranks: a file with some runs is completed, the rest computed by the ranks.
  run_expect 0 part.log -- "$kscan" run sweep.yaml --quiet -o resumed.h5 --set 'data.lengths=[7]'
  run_expect 0 resume.log -- "${mpiexec[@]}" 3 "$kscan" run sweep.yaml --resume -o resumed.h5
  grep -q "10 already there" resume.log || fail "resume did not skip the 10 runs of T7"
  compare estimates resumed.h5 n1/out/sweep.h5 0
  ;;

pkf_chunks)
  # The chunked PKF over 1, 2, 3 ranks against the one-process PKF of the same deck: float64 to
  # 1e-9 relative (the same numbers in another association order). Lengths 2 < 3 ranks and 1001
  # (ragged over 2 and 3).
  deck chunks.yaml pkf_chunks "[kf, pkf]" "[2, 1001]" "[blocked, sengupta_b]"
  sed 's/distributed: pkf_chunks/distributed: sweep/' chunks.yaml >one.yaml
  run_expect 0 one.log -- "$kscan" run one.yaml --quiet -o one.h5 --set 'runs.precision=[float64]'
  for n in 1 2 3; do
    run_expect 0 n$n.log -- "${mpiexec[@]}" "$n" "$kscan" run chunks.yaml --quiet -o n$n.h5 \
      --set 'runs.precision=[float64]'
    compare estimates n$n.h5 one.h5 1e-9 pkf
  done
  run_expect 0 f32.log -- "${mpiexec[@]}" 3 "$kscan" run chunks.yaml --quiet -o f32.h5 \
    --set 'runs.precision=[float32]'
  ;;

ptfs_two_rank)
  deck ptfs.yaml ptfs_two_rank "[ptfs, kf]" "[1, 3, 1000]" "[ladner_fischer, blocked]"
  sed 's/distributed: ptfs_two_rank/distributed: sweep/' ptfs.yaml >one.yaml
  run_expect 0 one.log -- "$kscan" run one.yaml --quiet -o one.h5 --set 'runs.precision=[float64]'
  run_expect 0 n2.log -- "${mpiexec[@]}" 2 "$kscan" run ptfs.yaml --quiet -o n2.h5 \
    --set 'runs.precision=[float64]'
  compare estimates n2.h5 one.h5 1e-9 ptfs
  compare estimates n2.h5 one.h5 0 kf  # kf runs on rank 0 alone: the same numbers
  # The backward scan ran on rank 1 and its time reached rank 0's file.
  "$python" - n2.h5 <<'EOF' || fail "no backward_scan time in the two-rank file"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    t = f["runs/ptfs-blocked-float64-T1000-B1/timing/backward_scan_seconds"][()]
    sys.exit(0 if np.all(t > 0) else 1)
EOF
  run_expect 2 n3.log -- "${mpiexec[@]}" 3 "$kscan" run ptfs.yaml --quiet -o n3.h5
  grep -q "ptfs_two_rank needs exactly 2 MPI ranks" n3.log || fail "3 ranks not refused"
  ;;

*) fail "unknown case $case_name" ;;
esac
[ "$failures" = 0 ] || { echo "$failures failure(s) in $case_name" >&2; exit 1; }
echo "ok: $case_name"
