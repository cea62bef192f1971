#!/usr/bin/env bash
# End-to-end tests of the kscan program (registered by tests/cli/CMakeLists.txt).
#   cli_test.sh CASE KSCAN PROBE SOURCE_DIR WORK_DIR
set -u
case_name=$1 kscan=$2 probe=$3 source=$4 work=$5
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect_exit CODE -- command...: runs it, stdout to out.txt, stderr to err.txt.
expect_exit() {
  local want=$1; shift; shift
  "$@" >out.txt 2>err.txt
  local got=$?
  if [ "$got" != "$want" ]; then
    fail "exit $got (want $want): $*"
    sed 's/^/  stdout: /' out.txt | tail -n 20 >&2
    sed 's/^/  stderr: /' err.txt | tail -n 20 >&2
  fi
}

contains() {  # contains FILE TEXT WHAT
  grep -qF -- "$2" "$1" || { fail "$3: '$2' not in $1"; sed 's/^/  | /' "$1" | tail -n 20 >&2; }
}

count_lines() { grep -c "$2" "$1" || true; }

small_deck() {  # small_deck FILE METHODS
  cat >"$1" <<EOF
experiment: {name: cli-small, seed: 2}
model: {kind: random, state_dim: 2, obs_dim: 1}
data: {lengths: [16, 32]}
runs: {methods: $2, scans: [blocked, hillis_steele], precision: [float64, float32],
       warmup: 0, repetitions: 2}
output: {file: out/small.h5, estimates: last, summary: [table, csv, jsonl]}
EOF
}

case $case_name in
usage)
  expect_exit 2 -- "$kscan"
  expect_exit 0 -- "$kscan" --help
  contains out.txt "kscan run DECK" "help"
  expect_exit 0 -- "$kscan" --version
  expect_exit 2 -- "$kscan" frobnicate
  expect_exit 2 -- "$kscan" run
  contains err.txt "needs a DECK" "run without a deck"
  expect_exit 2 -- "$kscan" run "$source/inputs/quickstart.yaml" --frobnicate
  contains err.txt "unknown option '--frobnicate'" "unknown option"
  expect_exit 2 -- "$kscan" validate "$source/inputs/quickstart.yaml" extra.yaml
  expect_exit 2 -- "$kscan" validate no-such-deck.yaml
  contains err.txt "no-such-deck.yaml" "missing deck"
  ;;

validate_shipped)
  for deck in "$source"/inputs/*.yaml "$source"/inputs/{paper,bench,cluster}/*.yaml; do
    expect_exit 0 -- "$kscan" validate "$deck"
    contains out.txt "deck is valid" "validate $deck"
  done
  [ -e results ] && fail "validate created results/"
  ;;

invalid_corpus)
  n=0
  for deck in "$source"/inputs/invalid/*.yaml; do
    n=$((n + 1))
    expected=$(sed -n 's/^# expect: //p' "$deck" | head -n 1)
    [ -n "$expected" ] || fail "$deck has no '# expect:' line"
    expect_exit 2 -- "$kscan" validate "$deck"
    contains err.txt "$expected" "validate $(basename "$deck")"
    grep -qE "$(basename "$deck"):[0-9]+:[0-9]+: " err.txt ||
      fail "$(basename "$deck"): no file:line:column in the message"
    expect_exit 2 -- "$kscan" run "$deck"
    contains err.txt "$expected" "run $(basename "$deck")"
    [ -z "$(find . -name '*.h5*')" ] || fail "run $(basename "$deck") wrote an output file"
  done
  [ "$n" -ge 15 ] || fail "only $n bad decks"
  ;;

overrides)
  expect_exit 2 -- "$kscan" validate "$source/inputs/quickstart.yaml" --set model.state_dim=40
  contains err.txt "--set model.state_dim=40" "bad override"
  expect_exit 2 -- "$kscan" validate "$source/inputs/quickstart.yaml" --set runs.scan=[blocked]
  contains err.txt "did you mean 'scans'" "misspelt override"
  expect_exit 0 -- "$kscan" validate "$source/inputs/quickstart.yaml" \
    --set runs.precision=[float64] --set "data.lengths=[2^5, 100]"
  contains out.txt "precision   float64" "precision override"
  contains out.txt "lengths     32, 100" "lengths override"
  # runs.form: sqrt runs are named after their method (the standard ids are unchanged).
  expect_exit 0 -- "$kscan" validate "$source/inputs/quickstart.yaml" \
    --set "runs.form=[standard, sqrt]" --set runs.precision=[float64]
  contains out.txt "form        standard, sqrt" "form override"
  contains out.txt "pkf-blocked-float64-T65536-B1" "standard run id"
  contains out.txt "pkf-sqrt-blocked-float64-T65536-B1" "sqrt run id"
  ;;

print_schema)
  expect_exit 0 -- "$kscan" validate --print-schema
  diff -u "$source/docs/deck.md" out.txt >diff.txt ||
    { fail "docs/deck.md is stale: kscan validate --print-schema > docs/deck.md"; head -n 40 diff.txt >&2; }
  expect_exit 0 -- "$kscan" info --registry-python
  diff -u "$source/analysis/registry.py" out.txt >diff.txt ||
    { fail "analysis/registry.py is stale: kscan info --registry-python > analysis/registry.py"; head -n 40 diff.txt >&2; }
  ;;

dry_run)
  expect_exit 0 -- "$kscan" run "$source/inputs/quickstart.yaml" --dry-run --output "$work/x.h5"
  contains out.txt "pkf-blocked-float32-T65536-B1" "plan"
  ls "$work"/x.h5* >/dev/null 2>&1 && fail "--dry-run wrote an output file"
  ;;

run_small)
  small_deck deck.yaml "[kf, rts, pkf, ptfs]"
  expect_exit 0 -- "$kscan" run deck.yaml --quiet
  contains out.txt "results: out/small.h5" "result path"
  [ -f out/small.h5 ] || fail "out/small.h5 missing"
  [ -e out/small.h5.partial ] && fail "the .partial file was not renamed"
  "$probe" out/small.h5 >probe.txt || fail "probe failed"
  [ "$(count_lines probe.txt '^run ')" = 24 ] || fail "expected 24 runs, got $(count_lines probe.txt '^run ')"
  contains probe.txt "dataset T16" "datasets"
  contains probe.txt "dataset T32" "datasets"
  contains probe.txt "summary 24" "summary rows"
  for attr in kscan_version format_version kokkos_version execution_space device concurrency \
              hostname created deck; do
    contains probe.txt "attr $attr" "root attribute"
  done
  for attr in method form scan precision length batch dataset median_seconds min_seconds \
              throughput_msps flops achieved_gflops peak_memory_bytes rmse_vs_truth \
              max_abs_diff_vs_reference max_rel_diff_mean_vs_reference \
              max_rel_diff_cov_vs_reference rel_diff_loglik_vs_reference loglik; do
    contains probe.txt "run-attr $(grep -m1 '^run ' probe.txt | cut -d' ' -f2) $attr" "run attribute"
  done
  [ "$(count_lines probe.txt '^run-estimates .*T32.* mean')" = 12 ] ||
    fail "estimates: expected mean for the 12 runs of T32"
  [ "$(count_lines probe.txt '^run-estimates .*T16.*')" = 0 ] || fail "estimates kept for T16"
  [ "$(wc -l <out/small.csv)" = 25 ] || fail "CSV: expected a header and 24 rows"
  [ "$(wc -l <out/small.jsonl)" = 24 ] || fail "JSONL: expected 24 rows"
  # Not quiet: the table is printed.
  expect_exit 0 -- "$kscan" run deck.yaml --output out/again.h5
  contains out.txt "ptfs" "console table"
  ;;

file_model)
  # A model and series written by one run feed another deck (model.kind: file, data.source: file).
  small_deck deck.yaml "[kf]"
  expect_exit 0 -- "$kscan" run deck.yaml --quiet
  cat >from-file.yaml <<EOF
model: {kind: file, file: out/small.h5, dataset: T32}
data: {source: file}
runs: {methods: [kf, prts], scans: [blocked], precision: [float64], warmup: 0, repetitions: 1}
output: {file: out/from-file.h5, summary: [csv]}
EOF
  expect_exit 0 -- "$kscan" validate from-file.yaml
  contains out.txt "lengths     32" "length read from the file"
  contains out.txt "nx 2, ny 1" "dims read from the file"
  expect_exit 0 -- "$kscan" run from-file.yaml --quiet
  "$probe" out/from-file.h5 >probe.txt || fail "probe failed"
  [ "$(count_lines probe.txt '^run ')" = 2 ] || fail "expected 2 runs from the file deck"
  # The stored model is time-varying with 32 steps: simulating another length is refused.
  expect_exit 2 -- "$kscan" validate from-file.yaml --set data.source=simulate --set data.lengths=[16]
  contains err.txt "every length must be 32" "time-varying file model"
  expect_exit 2 -- "$kscan" validate from-file.yaml --set model.dataset=T99
  contains err.txt "cannot read dataset 'T99'" "missing dataset"
  ;;

file_data)
  # Measurements from a CSV (the Nile series with Durbin & Koopman's gaps) and from an HDF5 path.
  cat >nile.yaml <<EOF
model: {kind: lti, F: [[1]], Q: [[1469.1]], H: [[1]], R: [[15099]], m0: [1120], P0: [[1e7]]}
data: {source: file, file: $source/inputs/data/nile-missing.csv}
runs: {methods: [kf, pkf], scans: [blocked], precision: [float64], warmup: 0, repetitions: 1}
output: {file: out/nile.h5, summary: [csv]}
EOF
  expect_exit 0 -- "$kscan" validate nile.yaml
  contains out.txt "lengths     100" "length read from the CSV"
  contains out.txt "(csv, columns flow, time year) as dataset nile-missing" "CSV source in the plan"
  contains out.txt "kf-none-float64-T100-B1-nile-missing" "run id with the dataset name"
  expect_exit 0 -- "$kscan" run nile.yaml --quiet
  "$probe" out/nile.h5 >probe.txt || fail "probe failed"
  contains probe.txt "dataset nile-missing" "dataset named after the CSV"
  [ "$(count_lines probe.txt '^run ')" = 2 ] || fail "expected 2 runs from the CSV deck"
  expect_exit 0 -- "$kscan" run nile.yaml --resume
  contains out.txt "0 runs completed, 2 already there" "resume of a CSV deck"
  # The y the first run stored, read back through data.path: the same series, named y.
  cat >path.yaml <<EOF
model: {kind: lti, F: [[1]], Q: [[1469.1]], H: [[1]], R: [[15099]], m0: [1120], P0: [[1e7]]}
data: {source: file, file: out/nile.h5, path: /datasets/nile-missing/y}
runs: {methods: [kf], precision: [float64], warmup: 0, repetitions: 1}
output: {file: out/path.h5, summary: []}
EOF
  expect_exit 0 -- "$kscan" run path.yaml --quiet
  "$probe" out/path.h5 >probe.txt || fail "probe failed"
  contains probe.txt "dataset y" "dataset named after the path"
  contains probe.txt "run kf-none-float64-T100-B1-y" "run id of the path deck"
  expect_exit 2 -- "$kscan" validate path.yaml --set data.path=/datasets/nile-missing/why
  contains err.txt "--set data.path=" "path error located at the override"
  contains err.txt "no dataset '/datasets/nile-missing/why'" "missing path"
  printf 'year,flow\n1871,1120\n1872,oops\n' >bad.csv
  expect_exit 2 -- "$kscan" validate nile.yaml --set data.file=bad.csv
  contains err.txt "bad.csv:3:6: column 'flow': expected a number or an empty/NA cell, got 'oops'" \
    "CSV error with its line and column"
  ;;

quiet_console)
  # No Kokkos warning on a plain run: kscan sets OMP_PROC_BIND/OMP_PLACES when they are unset.
  env -u OMP_PROC_BIND -u OMP_PLACES "$kscan" run "$source/inputs/quickstart.yaml" --quiet \
    -o out/quick.h5 --set data.lengths=[256] --set runs.warmup=0 --set runs.repetitions=1 \
    >out.txt 2>err.txt || fail "quickstart failed"
  [ ! -s err.txt ] || { fail "stderr is not empty"; sed 's/^/  | /' err.txt >&2; }
  ;;

resume)
  small_deck part.yaml "[kf]"
  expect_exit 0 -- "$kscan" run part.yaml --quiet
  small_deck full.yaml "[kf, rts, pkf, ptfs]"
  expect_exit 0 -- "$kscan" run full.yaml --resume
  contains out.txt "20 runs completed, 4 already there" "resume counts"
  contains err.txt "already in the output, skipped" "skipped runs reported"
  "$probe" out/small.h5 >probe.txt || fail "probe failed"
  [ "$(count_lines probe.txt '^run ')" = 24 ] || fail "expected 24 runs after resume"
  contains probe.txt "summary 24" "summary after resume"
  ;;

interrupt)
  # Slow enough (many repetitions) that SIGINT arrives long before the last of the 18 runs.
  cat >deck.yaml <<EOF
experiment: {name: cli-interrupt}
model: {kind: random, state_dim: 4, obs_dim: 2}
data: {lengths: [4096]}
runs: {methods: [kf, rts, tfs, pkf, prts, ptfs], scans: [blocked, hillis_steele],
       precision: [float64, float32], warmup: 1, repetitions: 30}
output: {file: out/int.h5, estimates: none, summary: [table]}
EOF
  "$kscan" run deck.yaml >out.txt 2>err.txt &
  pid=$!
  for _ in $(seq 1 600); do
    grep -q "^case 2/" err.txt 2>/dev/null && break
    sleep 0.1
  done
  kill -INT "$pid"
  wait "$pid"
  rc=$?
  total=$(( 3 * 2 + 3 * 2 * 2 ))
  if [ "$rc" = 0 ]; then  # a fast backend finished all runs before the signal arrived
    echo "cli.interrupt: the sweep finished before SIGINT; skipped"
    exit 77
  fi
  [ "$rc" = 130 ] || { fail "exit $rc after SIGINT (want 130)"; tail -n 20 err.txt >&2; }
  contains err.txt "interrupted" "interruption message"
  [ -f out/int.h5 ] || fail "the interrupted sweep was not committed"
  "$probe" out/int.h5 >probe.txt || fail "probe failed"
  done_runs=$(count_lines probe.txt '^run ')
  { [ "$done_runs" -ge 2 ] && [ "$done_runs" -lt "$total" ]; } ||
    fail "expected some but not all of $total runs after SIGINT, got $done_runs"
  expect_exit 0 -- "$kscan" run deck.yaml --resume --quiet
  "$probe" out/int.h5 >probe.txt || fail "probe failed"
  [ "$(count_lines probe.txt '^run ')" = "$total" ] || fail "expected $total runs after resume"
  ;;

distributed_needs_mpi)  # registered for builds without KSCAN_ENABLE_MPI only
  small_deck deck.yaml "[pkf]"
  expect_exit 0 -- "$kscan" validate deck.yaml --set runs.distributed=pkf_chunks
  expect_exit 2 -- "$kscan" run deck.yaml --set runs.distributed=pkf_chunks
  contains err.txt "built without MPI" "pkf_chunks refused without MPI"
  contains err.txt "runs.distributed" "the key is named"
  [ -e out/small.h5 ] && fail "a refused deck wrote a file"
  ;;

*)
  fail "unknown case $case_name"
  ;;
esac

[ "$failures" = 0 ] && echo "cli.$case_name: ok"
exit $((failures > 0))
