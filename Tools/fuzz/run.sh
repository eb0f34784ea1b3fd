#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer) of the registry's readers: CSV import (decoding, header,
# fields, cells, validation), .xlsx workbooks and the training JSON body. See main.swift.
#   bash Tools/fuzz/run.sh [SECONDS]      (default 300; the corpus in Tools/fuzz/corpus grows)
# Crashes are written to Tools/fuzz/artifacts/ and make the script exit non-zero.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-300}"
# SwiftPM gives the executable its own entry point (main.swift starts libFuzzer's driver), so libFuzzer
# is linked without its main, after the objects that need it (with lld: gold fails on this link).
nomain="$(dirname "$(dirname "$(command -v swift)")")/lib/clang/"*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a
nomain=$(ls $nomain | head -1)
swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld -Xlinker "$nomain"
bin="$(swift build -c release --show-bin-path)/RegistryFuzz"
mkdir -p corpus artifacts work
export LSAN_OPTIONS="suppressions=$PWD/lsan.supp:print_suppressions=0"
# New inputs go to a scratch folder; only small ones that add coverage are merged into the corpus.
"$bin" work corpus -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
  -artifact_prefix=artifacts/ -print_final_stats=1 2>&1 | tail -25
"$bin" -merge=1 corpus work -max_len=65536 >/dev/null 2>&1 || true
rm -rf work
echo "corpus: $(ls corpus | wc -l) inputs; artifacts: $(ls artifacts | wc -l)"
[ -z "$(ls artifacts)" ]
