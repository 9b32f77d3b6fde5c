#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer + UndefinedBehaviorSanitizer) in a
# build folder of their own and runs them.
#
#   tests/fuzz/run.sh [--seconds N | --budget N] [--runs N] [--build-dir DIR] [target...]
#
#   --seconds N   fuzz each target for N seconds (default 60)
#   --budget N    fuzz for N seconds in total, split evenly between the targets (./test.sh: 60)
#   --runs N      stop each target after N executions instead (--seconds still caps the time)
#   --build-dir   default build-fuzz
#   --timeout N   seconds one input may take before it counts as a hang (default 10; raise it
#                 for a long run at nice 19 on a shared machine, where starvation looks alike)
#   target        e.g. json_fuzz; default every tests/fuzz/*_fuzz.cpp
#
# For each target it first replays tests/fuzz/corpus/<target>/ (seeds) and
# tests/fuzz/regressions/<target>/ (inputs that once crashed), each input once, then fuzzes
# from a scratch corpus seeded with both. A crash, leak, timeout or sanitizer report fails
# the run and leaves the input in DIR/artifacts/<target>/: once its cause is fixed, copy it
# into tests/fuzz/regressions/<target>/ so it is replayed forever. Prints executions per
# target. A long run at low priority:
#   nice -n 19 tests/fuzz/run.sh --runs 10000000 --seconds 14400 --timeout 120
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=60
budget=""
runs=()
build_dir=build-fuzz
timeout=10
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --budget) budget=$2; shift 2 ;;
    --runs) runs=(-runs="$2"); shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  for src in tests/fuzz/*_fuzz.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi
if [ -n "$budget" ]; then
  seconds=$(( budget / ${#targets[@]} ))
  [ "$seconds" -lt 1 ] && seconds=1
fi

cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DPARLEY_FUZZ=ON -DPARLEY_TESTS=OFF -DPARLEY_BENCH=OFF >/dev/null
cmake --build "$build_dir" -j"${PARLEY_FUZZ_JOBS:-2}" --target "${targets[@]}"

# Every UBSan report is fatal except the one RapidJSON 1.1.0 issue in tests/fuzz/ubsan.supp.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$PWD/tests/fuzz/ubsan.supp"
failed=0
for t in "${targets[@]}"; do
  bin="$build_dir/tests/fuzz/$t"
  seeds=tests/fuzz/corpus/$t
  regressions=tests/fuzz/regressions/$t
  artifacts="$build_dir/artifacts/$t"
  scratch="$build_dir/scratch/$t"
  mkdir -p "$seeds" "$regressions" "$artifacts"
  rm -rf "$scratch" && mkdir -p "$scratch"
  log="$build_dir/$t.log"
  # Each kept input once: a regression must stay fixed.
  mapfile -t kept < <(find "$seeds" "$regressions" -type f ! -name '.*' | sort)
  if [ ${#kept[@]} -gt 0 ] && ! "$bin" -timeout="$timeout" "${kept[@]}" > "$log" 2>&1; then
    echo "FAIL fuzz $t: a kept input fails"; tail -40 "$log"; failed=1; continue
  fi
  if "$bin" -max_total_time="$seconds" "${runs[@]}" -timeout="$timeout" -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$artifacts/" "$scratch" "$seeds" "$regressions" >> "$log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    elapsed=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    echo "PASS fuzz $t: ${execs:-?} executions in ${elapsed:-$seconds}s, ${#kept[@]} kept inputs replayed"
  else
    echo "FAIL fuzz $t: see $log and $artifacts/"; grep -A30 -m1 'ERROR\|==ERROR\|deadly signal\|runtime error' "$log" | head -40
    failed=1
  fi
done
exit "$failed"
