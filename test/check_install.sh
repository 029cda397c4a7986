#!/bin/bash
# `cmake --install` puts everything under the prefix it is given: gbcms, the
# GetBaseCountsMultiSample link (relative, so the tree can move) and both man
# pages; with DESTDIR, under DESTDIR too.  Usage: check_install.sh CMAKE BUILD WORK
set -u
CMAKE=$1; BUILD=$2
rm -rf "$3/install"; mkdir -p "$3/install" && WORK=$(cd "$3/install" && pwd) || exit 1
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

check_tree() {  # ROOT: an installed tree
    local p=$1
    [[ -x $p/bin/gbcms ]] && ok || bad "$p/bin/gbcms missing"
    if [[ -L $p/bin/GetBaseCountsMultiSample && $(readlink "$p/bin/GetBaseCountsMultiSample") == gbcms ]]; then
        out=$("$p/bin/GetBaseCountsMultiSample" --help); rc=$?
        [[ $rc == 0 && $out == *"Usage: gbcms count"* ]] && ok || bad "GetBaseCountsMultiSample --help: exit $rc"
    else
        bad "$p/bin/GetBaseCountsMultiSample is not a link to gbcms: $(ls -l "$p/bin" 2>&1)"
    fi
    [[ -f $p/share/man/man1/gbcms.1 ]] && ok || bad "$p/share/man/man1/gbcms.1 missing"
    [[ $(cat "$p/share/man/man1/GetBaseCountsMultiSample.1" 2>&1) == ".so man1/gbcms.1" ]] && ok ||
        bad "GetBaseCountsMultiSample.1 is not a .so to gbcms.1"
}

prefix=$WORK/prefix
if "$CMAKE" --install "$BUILD" --prefix "$prefix" > "$WORK/log" 2>&1; then
    check_tree "$prefix"
    # every file it reports went under the prefix
    outside=$(grep -E 'Installing|Up-to-date' "$WORK/log" | grep -v -F ": $prefix/")
    [[ -z $outside ]] && ok || bad "installed outside the prefix: $outside"
else
    bad "cmake --install --prefix: $(cat "$WORK/log")"
fi

if DESTDIR=$WORK/dest "$CMAKE" --install "$BUILD" --prefix /opt/gbcms > "$WORK/log" 2>&1; then
    check_tree "$WORK/dest/opt/gbcms"
else
    bad "DESTDIR install: $(cat "$WORK/log")"
fi

echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
