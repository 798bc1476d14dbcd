#!/bin/bash
# SPDX-License-Identifier: MIT
# `make install` into a temporary PREFIX (a build of its own: the binary compiles DATADIR in):
# berth runs from PREFIX/bin, `man -M PREFIX/share/man berth` finds berth(1) (and berth-ctr(1),
# berth-vm(1)), the bash and zsh completions and the themes are in place, and berth run from
# /tmp finds the installed themes. DESTDIR stages the same tree under another root with the
# PREFIX's paths compiled in; `make uninstall` removes it all. Before: only the binary, the
# themes and the .md files were installed, so `man berth` found nothing.
set -u
. "$BERTH_SRC/tests/integration/lib.sh"
command -v scdoc >/dev/null || skip "scdoc is not installed (scripts/install-deps.sh build)"
command -v man >/dev/null || skip "man is not installed (man-db)"

tmp=$(mktemp -d /tmp/berth-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mk() {
    make --no-print-directory -C "$BERTH_SRC" -j2 B="$tmp/build" BIN="$tmp/build/berth" "$@" \
        >>"$tmp/make.log" 2>&1 || fail "make $*: $(tail -5 "$tmp/make.log")"
}
p=$tmp/prefix
mk PREFIX="$p" DESTDIR= install
echo "ok - make install PREFIX=$p"

"$p/bin/berth" --version | grep -q '^berth ' || fail "$p/bin/berth --version"
PATH="$p/bin:$PATH" berth --help | grep -q 'berth ctr' || fail "berth --help from PATH"
for page in berth berth-ctr berth-vm; do
    f=$(man -M "$p/share/man" -w "$page" 2>&1) || fail "man -M $p/share/man $page: $f"
    [ "$f" = "$p/share/man/man1/$page.1" ] || fail "man found '$f' for $page"
done
LC_ALL=C man -M "$p/share/man" berth 2>&1 | grep -q -- '--no-containers' ||
    fail "man berth does not show the options"
echo "ok - berth runs from $p/bin, man -M finds berth(1), berth-ctr(1), berth-vm(1)"

bc=$p/share/bash-completion/completions/berth
zc=$p/share/zsh/vendor-completions/_berth
[ -f "$bc" ] || fail "no bash completion at $bc"
[ -f "$zc" ] || fail "no zsh completion at $zc"
spec=$(bash -c '. "$1"; complete -p berth' _ "$bc") || fail "the installed bash completion registers nothing"
[ "$spec" = "complete -F _berth berth" ] || fail "complete -p berth: $spec"
if command -v zsh >/dev/null; then zsh -n "$zc" || fail "zsh -n $zc"; fi
echo "ok - bash and zsh completions installed ($spec)"

for t in light high-contrast mono; do
    [ -f "$p/share/berth/themes/$t" ] || fail "theme $t not in $p/share/berth/themes"
done
# From /tmp, with no user themes and no $BERTH_THEMES: the installed ones are found.
themes=$(cd /tmp && env -u BERTH_THEMES -u XDG_CONFIG_HOME HOME="$tmp/home" "$p/bin/berth" __complete themes)
for t in dark light high-contrast mono; do
    printf '%s\n' "$themes" | grep -qx "$t" || fail "berth run from /tmp does not find theme '$t' (found: $(echo $themes))"
done
echo "ok - berth from /tmp finds the installed themes: $(echo $themes)"

mk PREFIX="$p" DESTDIR= uninstall
left=$(find "$p" -type f | head -5)
[ -z "$left" ] || fail "make uninstall left: $left"
echo "ok - make uninstall removed every file"

# DESTDIR: staged under it, with PREFIX's paths compiled in.
d=$tmp/dest
mk PREFIX=/usr DESTDIR="$d" install
for f in usr/bin/berth usr/share/man/man1/berth.1 usr/share/man/man1/berth-ctr.1 \
    usr/share/man/man1/berth-vm.1 usr/share/bash-completion/completions/berth \
    usr/share/zsh/vendor-completions/_berth usr/share/berth/themes/light \
    usr/share/doc/berth/README.md; do
    [ -f "$d/$f" ] || fail "DESTDIR install lacks /$f"
done
grep -q "/usr/share/berth/themes" "$d/usr/bin/berth" || fail "the staged binary does not look in /usr/share/berth/themes"
! grep -q "$tmp" "$d/usr/bin/berth" || fail "the staged binary has the temporary path compiled in"
mk PREFIX=/usr DESTDIR="$d" uninstall
left=$(find "$d" -type f | head -5)
[ -z "$left" ] || fail "make uninstall DESTDIR left: $left"
echo "ok - DESTDIR=$d PREFIX=/usr: staged, /usr/share/berth compiled in, uninstalled"
echo "PASS: make install/uninstall with PREFIX and DESTDIR"
