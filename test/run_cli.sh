#!/bin/bash
# Table-driven CLI tests.  Usage: run_cli.sh GBCMS SRC CASES TABLE
# Table rows, '|'-separated (commands are expanded by the shell with $DATA,
# $CASES and $TMP set):
#   P|golden|cmd          exit 0; stdout equals test-data/expected/golden
#                         (provenance lines aside) at --threads 1 and 4
#   S|exit|text|cmd       exit code, and stdout contains text
#   N|exit|text|cmd       exit code, stderr contains text, stdout empty,
#                         and nothing is left at $TMP/out.*
#   E|exit|text|cmd       exit code, and stderr contains text (warnings)
set -u
GBCMS=$1; SRC=$2; CASES=$3; TABLE=$4
DATA=$SRC/test-data
TMP=$(mktemp -d "${CASES}/cli.XXXXXX")
export DATA CASES TMP
pass=0; fail=0
strip() { grep -v -e '^##source=' -e '^##gbcms_command=' -e '^#gbcms' "$1"; }
run() {  # run CMD... with the right program; stdout/stderr to files
    local cmd=$1
    if [[ $cmd == LEGACY* ]]; then
        eval "\"$CASES/GetBaseCountsMultiSample\" ${cmd#LEGACY}" >"$TMP/stdout" 2>"$TMP/stderr"
    else
        eval "\"$GBCMS\" $cmd" >"$TMP/stdout" 2>"$TMP/stderr"
    fi
}
failed() { echo "FAIL: $*"; fail=$((fail + 1)); }
while IFS='|' read -r kind a b c; do
    [[ -z $kind || $kind == \#* ]] && continue
    case $kind in
    P)
        golden=$DATA/expected/$a; cmd=$b
        ok=1
        for t in 1 4; do
            run "$cmd --threads $t"; rc=$?
            if [[ $rc != 0 ]]; then failed "$cmd (threads $t): exit $rc: $(head -c 300 "$TMP/stderr")"; ok=0; break; fi
            if ! diff <(strip "$TMP/stdout") "$golden" >"$TMP/diff"; then
                failed "$cmd (threads $t): differs from $a"; head -20 "$TMP/diff"; ok=0; break
            fi
        done
        [[ $ok == 1 ]] && pass=$((pass + 1));;
    S)
        run "$c"; rc=$?
        if [[ $rc != "$a" ]]; then failed "$c: exit $rc, expected $a"
        elif ! grep -qF -- "$b" "$TMP/stdout"; then failed "$c: stdout lacks '$b'"
        else pass=$((pass + 1)); fi;;
    E)
        run "$c"; rc=$?
        if [[ $rc != "$a" ]]; then failed "$c: exit $rc, expected $a"
        elif ! grep -qF -- "$b" "$TMP/stderr"; then failed "$c: stderr lacks '$b': $(head -c 300 "$TMP/stderr")"
        else pass=$((pass + 1)); fi;;
    N)
        rm -f "$TMP"/out.*
        run "$c"; rc=$?
        if [[ $rc != "$a" ]]; then failed "$c: exit $rc, expected $a; stderr: $(head -c 300 "$TMP/stderr")"
        elif ! grep -qF -- "$b" "$TMP/stderr"; then failed "$c: stderr lacks '$b': $(head -c 300 "$TMP/stderr")"
        elif [[ -s $TMP/stdout ]]; then failed "$c: wrote to stdout"
        elif compgen -G "$TMP/out.*" >/dev/null; then failed "$c: left $(ls "$TMP"/out.*)"
        else pass=$((pass + 1)); fi;;
    *) failed "bad table row: $kind";;
    esac
done < "$TABLE"
rm -rf "$TMP"
echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
