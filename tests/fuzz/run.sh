#!/bin/bash
# run.sh - build the libFuzzer harnesses with clang (ASan + UBSan) and run
# each for FUZZ_RUNS inputs (default 5000), seeded from tests/fuzz/corpus.
# Prints TAP, one line per harness.  `make fuzz` runs it from the build dir;
# FUZZ_TIME=60 runs each harness for 60 seconds instead.  FUZZ_MAX_LEN caps
# an input's size (default 65536; `make fuzz-long` uses 4096, see below).
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-$(pwd)}
runs=${FUZZ_RUNS:-5000}
max_len=${FUZZ_MAX_LEN:-65536}
# FUZZ_TIMEOUT: seconds of wall clock before an input counts as a hang.
# Long runs beside other work want more: libFuzzer's alarm counts time the
# process waited for a CPU, and a niced run on a busy machine reported
# inputs that take 30 ms as 10 s hangs.
timeout=${FUZZ_TIMEOUT:-10}
# FUZZ_OUT: another directory for objects, binaries and corpora, so that two
# runs (one per CPU) do not recompile each other's objects.
out=${FUZZ_OUT:-$builddir/tests/fuzz/build}
harnesses=${FUZZERS:-"mime address record conf trim template html spamd auth html_trim triage tnef"}

if ! command -v clang >/dev/null; then
	echo "1..0 # SKIP clang is not installed"
	exit 0
fi
mkdir -p "$out/obj"
pc="gmime-3.0 hiredis libcurl libsodium opendkim libpsl libpq"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
# lib/ops/daemon.c names the default paths as the build does (AM_CPPFLAGS).
cflags="-g -O1 $san -DSYSCONFDIR=\"/etc\" -DLOCALSTATEDIR=\"/var\" -I$builddir -I$builddir/lib -I$srcdir/lib/util -I$srcdir/lib/mail -I$srcdir/lib/store -I$srcdir/lib/policy -I$srcdir/lib/ops $(pkg-config --cflags $pc)"
libs="$(pkg-config --libs $pc) -lspf2 -lpthread"

# The library once, instrumented for coverage (with the migrations the
# build generated: lib/store/db.c refers to them).  An object is reused
# only while no source or header under lib/ is newer than the last
# complete compile: a changed header (a struct that grew) or a file that
# moved would otherwise leave objects that disagree about layouts.
sources=("$srcdir"/lib/*/*.c "$builddir"/lib/db_migrations.c "$builddir"/lib/lua_scripts.c)
stamp=$out/obj/.compiled
if [ -e "$stamp" ] && [ -n "$(find "$srcdir/lib" "$builddir/lib" -maxdepth 2 \
	\( -name '*.c' -o -name '*.h' \) -newer "$stamp" -print -quit)" ]; then
	rm -f "$out"/obj/*.o "$stamp"
fi
[ -e "$stamp" ] || rm -f "$out"/obj/*.o
# The stamp's time is the compile's start: a source saved while the
# objects are compiled is newer than it, so the next run compiles again.
touch "$stamp.new"
objs=()
for c in "${sources[@]}"; do
	o=$out/obj/$(basename "$c" .c).o
	if [ ! -e "$o" ]; then
		clang $cflags -fsanitize=fuzzer-no-link -c "$c" -o "$o" || { echo "Bail out! cannot compile $c"; exit 1; }
	fi
	objs+=("$o")
done
mv "$stamp.new" "$stamp"

n=0
fail=0
for h in $harnesses; do
	src=$srcdir/tests/fuzz/fuzz_$h.c
	[ -e "$src" ] || continue
	n=$((n + 1))
	bin=$out/fuzz_$h
	if ! clang $cflags -fsanitize=fuzzer "$src" "${objs[@]}" $libs -o "$bin" 2>"$out/$h.build.log"; then
		echo "not ok $n - fuzz_$h builds"; sed 's/^/# /' "$out/$h.build.log" | head -20
		fail=$((fail + 1)); continue
	fi
	corpus=$out/corpus_$h
	mkdir -p "$corpus"
	cp "$srcdir"/tests/fuzz/corpus/$h-* "$corpus"/ 2>/dev/null || true
	if [ -n "${FUZZ_TIME:-}" ]; then limit="-max_total_time=$FUZZ_TIME"; else limit="-runs=$runs"; fi
	if (cd "$out" && ASAN_OPTIONS=detect_leaks=1 "$bin" $limit -max_len=$max_len -timeout=$timeout \
		-rss_limit_mb=2048 "$corpus" >"$out/$h.log" 2>&1); then
		echo "ok $n - fuzz_$h ($(grep -Eo 'Done [0-9]+ runs' "$out/$h.log" | head -1))"
	else
		echo "not ok $n - fuzz_$h found a crash"; grep -E 'ERROR|SUMMARY|Test unit written' "$out/$h.log" | sed 's/^/# /' | head -20
		fail=$((fail + 1))
	fi
done
echo "1..$n"
[ $fail -eq 0 ]
