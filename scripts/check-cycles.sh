#!/bin/bash
# SPDX-License-Identifier: MIT
# No two source files call each other: for every pair of objects under $B/src (default build),
# fail when A uses a symbol B defines and B uses one A defines. Prints each such pair as
# "a.o <-> b.o: sym-a-uses-from-b / sym-b-uses-from-a" and exits 1; exits 0 when there is none.
# With --all, also longer loops (a uses b uses c uses a): each group of objects that reach each
# other, of three or more, as "cycle: a.o b.o c.o".
# usage: check-cycles.sh [--all] [OBJ...]   (no OBJ: every .o under $B/src; the Makefile passes
# the objects of the current sources, so a stale object of a moved file is not read)
set -euo pipefail
B=${B:-build}
ALL=0
if [ "${1:-}" = --all ]; then
    ALL=1
    shift
fi
if [ $# -gt 0 ]; then
    objs=("$@")
else
    mapfile -t objs < <(find "$B/src" -name '*.o' ! -path "$B/src/main.o" | sort)
fi
[ ${#objs[@]} -gt 0 ] || { echo "check-cycles: no objects under $B/src (build first)" >&2; exit 2; }
# One line per symbol: "D obj sym" (defined) or "U obj sym" (undefined).
for o in "${objs[@]}"; do
    rel=${o#"$B"/src/}
    nm "$o" | awk -v o="$rel" '
        NF == 2 && $1 == "U" { print "U", o, $2; next }
        NF == 3 && $2 ~ /^[TDBRVWCGSI]$/ { print "D", o, $3 }'
done | awk -v all="$ALL" '
    # Tarjan: the strongly connected groups of the "uses" graph.
    function visit(v,    w, k, comp, n2, parts) {
        idx[v] = low[v] = counter++
        stack[++sp] = v
        onstack[v] = 1
        for (k in edge) {
            split(k, parts, SUBSEP)
            if (parts[1] != v)
                continue
            w = parts[2]
            if (!(w in idx)) {
                visit(w)
                if (low[w] < low[v])
                    low[v] = low[w]
            } else if (onstack[w] && idx[w] < low[v]) {
                low[v] = idx[w]
            }
        }
        if (low[v] == idx[v]) {
            comp = ""
            n2 = 0
            do {
                w = stack[sp--]
                onstack[w] = 0
                comp = comp " " w
                n2++
            } while (w != v)
            if (n2 > 2)
                groups[++ngroups] = comp
        }
    }
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
        if (all) {
            for (k in edge) {
                split(k, ab, SUBSEP)
                node[ab[1]] = 1
            }
            for (v in node)
                if (!(v in idx))
                    visit(v)
            for (i = 1; i <= ngroups; i++) {
                printf "cycle:%s\n", groups[i]
                bad = 1
            }
        }
        exit bad
    }' | sort
rc=${PIPESTATUS[1]}
[ "$rc" -eq 0 ] && echo "check-cycles: no cycles between files"
exit "$rc"
