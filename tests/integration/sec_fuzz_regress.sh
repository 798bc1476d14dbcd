#!/bin/bash
# SPDX-License-Identifier: MIT
# Replays every fuzz seed and every kept regression input (tests/fuzz/corpus/NAME/ and
# tests/fuzz/regress/NAME/) through its fuzz target, built with gcc and ASan+UBSan and a
# small main() instead of libFuzzer, so `make check` proves old crashes stay fixed.
set -u
# In the guest suite (docs/TESTING-GUESTS.md) this would build some 80 files with ASan under
# TCG (tens of minutes) to replay inputs through parsers that touch no kernel feature.
[ "${BERTH_TEST_GUEST:-0}" != 1 ] ||
    { echo "SKIP: parsers only, no kernel feature: replayed on the host, not in the TCG guest"; exit 77; }
src=${BERTH_SRC:?BERTH_SRC not set}
cd "$src"
work=$(mktemp -d /tmp/berth-fuzz-replay.XXXXXX)
trap 'rm -rf "$work"' EXIT

cat >"$work/driver.c" <<'C'
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) { perror(argv[i]); return 2; }
        static uint8_t buf[1 << 21];
        size_t n = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        uint8_t *copy = malloc(n ? n : 1); /* exact size, so ASan sees overreads */
        for (size_t j = 0; j < n; j++) copy[j] = buf[j];
        LLVMFuzzerTestOneInput(copy, n);
        free(copy);
    }
    printf("replayed %d input(s)\n", argc - 1);
    return 0;
}
C

cc=${CC:-cc}
flags=(-g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -std=gnu11 -Isrc
    -D_GNU_SOURCE -DBERTH_VERSION='"replay"' -DBERTH_DATADIR='"/nonexistent"'
    $(pkg-config --cflags json-c libseccomp libnl-route-3.0 libnftables))
libs=($(pkg-config --libs json-c libseccomp) -lutil -lm -pthread)
# Objects once for all targets.
mkdir -p "$work/obj"
for f in src/common/*.c src/ctr/*.c src/ctr/*/*.c; do
    "$cc" "${flags[@]}" -c -o "$work/obj/$(echo "$f" | tr / _).o" "$f" || { echo "FAIL: build $f"; exit 1; }
done
"$cc" "${flags[@]}" -c -o "$work/driver.o" "$work/driver.c" || exit 1

fail=0 count=0
for target in tests/fuzz/fuzz_*.c; do
    name=$(basename "$target" .c)
    "$cc" "${flags[@]}" -o "$work/$name" "$target" "$work/driver.o" "$work"/obj/*.o "${libs[@]}" ||
        { echo "FAIL: build $name"; fail=1; continue; }
    inputs=()
    for d in tests/fuzz/corpus/$name tests/fuzz/regress/$name; do
        [ -d "$d" ] || continue
        while IFS= read -r -d '' f; do inputs+=("$f"); done < <(find "$d" -type f -print0)
    done
    [ ${#inputs[@]} -gt 0 ] || { echo "--   $name: no seeds or regression inputs to replay"; continue; }
    if BERTH_SECCOMP_CACHE=off ASAN_OPTIONS=detect_leaks=1 "$work/$name" "${inputs[@]}"; then
        echo "ok   $name: ${#inputs[@]} input(s)"
        count=$((count + ${#inputs[@]}))
    else
        echo "FAIL $name: an input crashed (above)"
        fail=1
    fi
done
echo "replayed $count input(s)"
exit $fail
