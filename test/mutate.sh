#!/bin/bash
# Mutation test: each mutation in test/mutations.txt (a small, plausible bug
# in the counting code) must make the test suite fail.
#
# The source tree is copied to BUILD/mutate/tree and built in
# BUILD/mutate/build (the repository is never modified).  Each mutation is
# applied alone to the copy, rebuilt incrementally, and tested with ctest,
# stopping at the first failing test: first the unit and property tests,
# then the rest (the signal test aside).  Prints KILLED or SURVIVED for each
# and the killed/total ratio.
# Exit: 0 every mutation killed (those marked equivalent survived); 1 a
# mutation survived, or one marked equivalent was killed; 2 the list is
# wrong (text not found exactly once, a mutation that does not compile) or
# the unmutated suite fails.
# Usage: test/mutate.sh BUILD_DIR [NAME_FILTER]   (CI: test/mutate.sh build)
# GBCMS_PROPERTY_ROUNDS (default 40 here) sets the property test's rounds;
# GBCMS_MUTATE_EXCLUDE=REGEX leaves those tests out (to see what each adds).
set -u
shopt -u patsub_replacement 2>/dev/null || true   # '&' in a replacement stays literal
SRC=$(cd "$(dirname "$0")/.." && pwd)
LIST=$SRC/test/mutations.txt
[[ $# -ge 1 ]] || { echo "usage: $0 BUILD_DIR [NAME_FILTER]"; exit 2; }
mkdir -p "$1" || exit 2
W=$(cd "$1" && pwd)/mutate
FILTER=${2:-}
TREE=$W/tree; B=$W/build
export GBCMS_PROPERTY_ROUNDS=${GBCMS_PROPERTY_ROUNDS:-40}
jobs=$(nproc)

names=(); files=(); froms=(); tos=(); equivs=()
n=-1; lineno=0
while IFS= read -r line || [[ -n $line ]]; do
    lineno=$((lineno + 1))
    [[ -z $line || $line == \#* ]] && continue
    if [[ ! $line =~ ^(name|file|from|to|equivalent):\ (.*)$ ]]; then
        echo "mutations.txt:$lineno: expected 'name|file|from|to|equivalent: text'"; exit 2
    fi
    key=${BASH_REMATCH[1]}; val=${BASH_REMATCH[2]}
    val=${val//\\n/$'\n'}
    if [[ $key == name ]]; then
        n=$((n + 1)); names[n]=$val; files[n]=; froms[n]=; tos[n]=; equivs[n]=
    elif [[ $n -lt 0 ]]; then
        echo "mutations.txt:$lineno: '$key' before the first 'name'"; exit 2
    else
        case $key in
        file) files[n]=$val;; from) froms[n]=$val;; to) tos[n]=$val;; equivalent) equivs[n]=$val;;
        esac
    fi
done < "$LIST"
total=$((n + 1))

# The whole list is checked against the sources before anything is built.
occurrences() {  # TEXT PATTERN: how many times PATTERN occurs in TEXT
    local rest=${1//"$2"/}
    echo $(( (${#1} - ${#rest}) / ${#2} ))
}
read_file() {  # FILE into $content, trailing newlines kept
    content=$(cat "$1"; printf x) || return 1
    content=${content%x}
}
bad=0
for ((i = 0; i < total; i++)); do
    f=${files[i]}
    if [[ -z $f || -z ${froms[i]} || -z ${tos[i]} ]]; then
        echo "LIST ERROR: '${names[i]}' needs file, from and to"; bad=1; continue
    fi
    if [[ ! -f $SRC/$f ]]; then echo "LIST ERROR: '${names[i]}': no file $f"; bad=1; continue; fi
    read_file "$SRC/$f"
    k=$(occurrences "$content" "${froms[i]}")
    if [[ $k != 1 ]]; then
        echo "LIST ERROR: '${names[i]}': the text occurs $k times in $f, not once: ${froms[i]}"; bad=1
    fi
    [[ ${froms[i]} == "${tos[i]}" ]] && { echo "LIST ERROR: '${names[i]}': from equals to"; bad=1; }
done
[[ $bad == 0 ]] || exit 2
echo "$total mutations in the list, all found exactly once"

rm -rf "$TREE" "$B"
mkdir -p "$TREE" || exit 2
cp -R "$SRC/CMakeLists.txt" "$SRC/src" "$SRC/include" "$SRC/test" "$SRC/test-data" "$SRC/man" "$SRC/cmake" "$TREE/" || exit 2
LOG=$W/log
echo "building the copy in $B"
if ! { cmake -S "$TREE" -B "$B" -DGBCMS_WERROR=ON && cmake --build "$B" -j "$jobs"; } >"$LOG" 2>&1; then
    tail -20 "$LOG"; echo "the unmutated copy does not build"; exit 2
fi
EXCL=${GBCMS_MUTATE_EXCLUDE:-^$}
suite() {  # the unit and property tests first: most mutations fail there, fast
    ctest --test-dir "$B" --stop-on-failure --timeout 120 -R '^(truth_table|fragments|property)$' -E "$EXCL" &&
    ctest --test-dir "$B" --stop-on-failure --timeout 120 -E "^(truth_table|fragments|property|signals)\$|$EXCL"
}
if ! suite >>"$LOG" 2>&1; then
    grep -E 'FAIL|Failed|\*\*\*' "$LOG" | head -20; echo "the unmutated suite fails: nothing to measure"; exit 2
fi

killed=0; tried=0; survived=0; wrong_equiv=0; start=$SECONDS
for ((i = 0; i < total; i++)); do
    [[ -n $FILTER && ${names[i]} != *"$FILTER"* ]] && continue
    tried=$((tried + 1))
    f=$TREE/${files[i]}
    read_file "$f" || exit 2
    original=$content
    printf '%s' "${original/"${froms[i]}"/"${tos[i]}"}" > "$f" || exit 2
    t0=$SECONDS
    if ! cmake --build "$B" -j "$jobs" >"$LOG" 2>&1; then
        printf '%s' "$original" > "$f"
        grep -m5 -E 'error' "$LOG"; echo "LIST ERROR: '${names[i]}' does not compile"; exit 2
    fi
    if suite >"$LOG" 2>&1; then result=SURVIVED; else result=KILLED; fi
    printf '%s' "$original" > "$f" || exit 2
    by=$(grep -m1 -oE 'Test +#[0-9]+: [a-z_]+ .*(Failed|Timeout|Exception)' "$LOG" | sed -E 's/.*: ([a-z_]+) .*/\1/')
    if [[ $result == KILLED ]]; then
        killed=$((killed + 1))
        if [[ -n ${equivs[i]} ]]; then
            wrong_equiv=$((wrong_equiv + 1))
            echo "KILLED    ${names[i]}  (by ${by:-?}; marked equivalent: drop the mark, or this is a bug)"
        else
            echo "KILLED    ${names[i]}  (by ${by:-?}, $((SECONDS - t0)) s)"
        fi
    elif [[ -n ${equivs[i]} ]]; then
        echo "SURVIVED  ${names[i]}  (equivalent: ${equivs[i]})"
    else
        survived=$((survived + 1))
        echo "SURVIVED  ${names[i]}  (${files[i]}: '${froms[i]}' -> '${tos[i]}')"
    fi
done
echo "killed $killed/$tried mutations in $((SECONDS - start)) s ($survived survived, $wrong_equiv marked equivalent but killed)"
[[ $survived == 0 && $wrong_equiv == 0 ]]
