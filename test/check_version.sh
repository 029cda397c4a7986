#!/bin/bash
# `gbcms --version` names the tree as built: the project version, then
# `git describe --always --dirty` when the source is a git checkout.
# Usage: check_version.sh GBCMS SRC
GBCMS=$1; SRC=$2
got=$("$GBCMS" --version | head -1) || { echo "FAIL: --version exited $?"; exit 1; }
ver=$(sed -n 's/^project(gbcms VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
if [[ -e $SRC/.git ]] && git -C "$SRC" rev-parse >/dev/null 2>&1; then   # as cmake/version.cmake decides
    want="gbcms $ver-$(git -C "$SRC" describe --always --dirty)"
else
    want="gbcms $ver"
fi
if [[ $got == "$want" ]]; then echo "1 passed, 0 failed"; else echo "FAIL: '$got', expected '$want'"; echo "0 passed, 1 failed"; exit 1; fi
