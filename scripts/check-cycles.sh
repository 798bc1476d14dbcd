#!/bin/bash
# SPDX-License-Identifier: MIT
# No two source files call each other: for every pair of objects under $B/src (default build),
# fail when A uses a symbol B defines and B uses one A defines. Prints each such pair as
# "a.o <-> b.o: sym-a-uses-from-b / sym-b-uses-from-a" and exits 1; exits 0 when there is none.
set -euo pipefail
B=${B:-build}
mapfile -t objs < <(find "$B/src" -name '*.o' ! -path "$B/src/main.o" | sort)
[ ${#objs[@]} -gt 0 ] || { echo "check-cycles: no objects under $B/src (build first)" >&2; exit 2; }
# One line per symbol: "D obj sym" (defined) or "U obj sym" (undefined).
for o in "${objs[@]}"; do
    rel=${o#"$B"/src/}
    nm "$o" | awk -v o="$rel" '
        NF == 2 && $1 == "U" { print "U", o, $2; next }
        NF == 3 && $2 ~ /^[TDBRVWCGSI]$/ { print "D", o, $3 }'
done | awk '
    $1 == "D" { def[$3] = $2; next }
    { use[n++] = $2 " " $3 }
    END {
        # edge[a,b] = first symbol a uses from b
        for (i = 0; i < n; i++) {
            split(use[i], u, " ")
            if (!(u[2] in def) || def[u[2]] == u[1])
                continue
            k = u[1] SUBSEP def[u[2]]
            if (!(k in edge))
                edge[k] = u[2]
        }
        bad = 0
        for (k in edge) {
            split(k, ab, SUBSEP)
            r = ab[2] SUBSEP ab[1]
            if (ab[1] < ab[2] && (r in edge)) {
                printf "%s <-> %s: %s / %s\n", ab[1], ab[2], edge[k], edge[r]
                bad = 1
            }
        }
        exit bad
    }' | sort
rc=${PIPESTATUS[1]}
[ "$rc" -eq 0 ] && echo "check-cycles: no cycles between files"
exit "$rc"
