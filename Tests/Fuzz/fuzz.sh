#!/usr/bin/env bash
# Fuzzes Klaxon's parsers with libFuzzer: the CSV reader (and every row format
# over it), the job loader and the template engine.
#
#   Tests/Fuzz/fuzz.sh [--seconds N] [--work DIR] [--build-only] [TARGET...]
#
# TARGET is csv, job or template (default: all three, one after the other).
# Each runs for N seconds (default 60) under nice, with AddressSanitizer.
# Work files live in DIR (default .build/fuzz/): the binary, the growing corpus
# per target (seeded from fixtures/ and jobs/ on every start, and from
# Tests/Fuzz/regressions/TARGET/, the inputs that once crashed), the logs, and
# crash artifacts in DIR/artifacts/TARGET/. Exits 1 if a target crashed,
# 0 when all ran clean, and 0 with a "skipped" line when the toolchain has no
# libFuzzer runtime.
#
# Environment: KLAXON_FUZZ_JOBS=N runs N libFuzzer workers per target (default 1).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
seconds=60
work="$root/.build/fuzz"
build_only=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --work) work="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --build-only) build_only=1; shift ;;
    csv|job|template) targets+=("$1"); shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fuzz.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(csv job template)

mkdir -p "$work"
swiftc="$(command -v swiftc || true)"
if [ -z "$swiftc" ]; then echo "fuzz.sh: skipped: swiftc is not on PATH"; exit 0; fi
runtime="$(dirname "$(readlink -f "$swiftc")")/../lib/clang"
if ! ls "$runtime"/*/lib/*/libclang_rt.fuzzer*.a >/dev/null 2>&1; then
  echo "fuzz.sh: skipped: this Swift toolchain has no libFuzzer runtime (libclang_rt.fuzzer)"
  exit 0
fi

# Build once per change of the sources: one binary serves all three targets.
sources=("$root"/Tests/Fuzz/FuzzTargets.swift)
while IFS= read -r f; do sources+=("$f"); done < <(find "$root/Sources/KlaxonSystem" "$root/Sources/KlaxonEngine" "$root/Sources/KlaxonCore" -name '*.swift' | sort)
stamp="$(cat "${sources[@]}" "$0" | sha256sum | cut -c1-16)"
binary="$work/klaxon-fuzz"
if [ ! -x "$binary" ] || [ "$(cat "$work/stamp" 2>/dev/null)" != "$stamp" ]; then
  echo "fuzz.sh: building $binary (libFuzzer + AddressSanitizer)"
  # Compile a copy, so that editing the sources during the build cannot spoil it.
  # The three layers become one module here, so their imports of each other go.
  rm -rf "$work/src" && mkdir -p "$work/src"
  snapshot=()
  for f in "${sources[@]}"; do
    copy="$work/src/$(echo "${f#$root/}" | tr / _)"
    grep -vE '^import Klaxon(System|Engine)$' "$f" > "$copy"
    snapshot+=("$copy")
  done
  # One whole-module compile: per-file -O type-checks the module once per file, three
  # times longer on two cores than the fuzz smoke test's budget allows under load.
  # lld links the sanitizer runtimes without gold's flood of warnings; gold does too.
  linker=()
  [ -x "$(dirname "$(readlink -f "$swiftc")")/ld.lld" ] && linker=(-use-ld=lld)
  # From the work folder: a whole-module compile leaves its module files in the current one.
  (cd "$work" && nice -n 19 "$swiftc" -sanitize=fuzzer,address -parse-as-library -O -wmo -num-threads 2 -g -swift-version 6 \
    "${linker[@]}" -module-name KlaxonFuzz -package-name klaxon -I "$root/Sources/CCurl" -lcurl \
    "${snapshot[@]}" -o "$binary.tmp")
  mv "$binary.tmp" "$binary"
  echo "$stamp" > "$work/stamp"
fi
[ "$build_only" = 1 ] && exit 0

seed() {  # seed TARGET CORPUS: the fixtures (at most 4 KiB of each) and past crashes
  local target="$1" corpus="$2" f
  mkdir -p "$corpus"
  case "$target" in
    csv) for f in "$root"/fixtures/*/*.csv "$root"/fixtures/freeswitch/* "$root"/fixtures/asterisk/*; do
           head -c 4096 "$f" > "$corpus/seed-$(basename "$f")"; done ;;
    job) for f in "$root"/jobs/*.json5 "$root"/jobs/alerts/*.json5 "$root"/fixtures/scenarios/*.json5; do
           cp "$f" "$corpus/seed-$(basename "$f")"; done ;;
    template) for f in "$root"/jobs/templates/*; do cp "$f" "$corpus/seed-$(basename "$f")"; done ;;
  esac
  if [ -d "$root/Tests/Fuzz/regressions/$target" ]; then
    cp "$root/Tests/Fuzz/regressions/$target/"* "$corpus/" 2>/dev/null || true
  fi
}

status=0
for target in "${targets[@]}"; do
  corpus="$work/corpus/$target"
  artifacts="$work/artifacts/$target"
  seed "$target" "$corpus"
  mkdir -p "$artifacts"
  log="$work/$target.log"
  echo "fuzz.sh: $target for ${seconds}s (log $log)"
  jobs_flag=()
  if [ "${KLAXON_FUZZ_JOBS:-1}" -gt 1 ]; then jobs_flag=(-jobs="$KLAXON_FUZZ_JOBS" -workers="$KLAXON_FUZZ_JOBS"); fi
  set +e
  KLAXON_FUZZ_TARGET="$target" KLAXON_FUZZ_ROOT="$root" KLAXON_FUZZ_SCRATCH="$work/scratch-$target" SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1" \
    nice -n 19 "$binary" "$corpus" -dict="$root/Tests/Fuzz/$target.dict" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
      -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$artifacts/" "${jobs_flag[@]}" > "$log" 2>&1
  rc=$?
  set -e
  runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s+=$2} END {print s+0}')"
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')"
  if [ $rc -ne 0 ]; then
    echo "fuzz.sh: $target FAILED (exit $rc) after $runs runs; see $log and $artifacts/" >&2
    grep -m5 -E 'ERROR|Fatal error|fatal error|SUMMARY' "$log" >&2 || true
    status=1
  else
    echo "fuzz.sh: $target clean: $runs runs in ${seconds}s, coverage ${cov:-?} edges, corpus $(ls "$corpus" | wc -l) inputs"
  fi
done
exit $status
