#!/bin/bash
# The output never replaces an input, reaches a regular file through its
# links, appends where the shell says so, leaves nothing named when a run
# fails or is killed, and is not taken over by closed standard descriptors.
# Each case runs in a fresh copy of the inputs, which must come out
# byte-identical, with no .gbcms* or *gbcms-tmp* file left beside them.
# Usage: check_outfile.sh GBCMS SRC WORK
set -u
GBCMS=$1; SRC=$2; WORK=$3
pass=0; fail=0
name=setup
failed() { echo "FAIL $name: $*"; fail=$((fail + 1)); return 1; }

ROOT=$(mktemp -d "$WORK/outfile.XXXXXX") && ROOT=$(cd "$ROOT" && pwd -P) || exit 1
ORIG=$ROOT/orig
mkdir "$ORIG" || exit 1
cp "$SRC"/test-data/sim/{tumor.bam,tumor.bam.bai,variants.vcf,ref.fa,ref.fa.fai} \
   "$SRC"/test-data/cases/{tolerated.vcf,bad_fields.vcf} "$ORIG"/ || exit 1
samtools sort --no-PG -o "$ORIG/frag.bam" "$SRC/test-data/cases/fragments.sam" 2>/dev/null || exit 1
samtools index "$ORIG/frag.bam" || exit 1
printf 'tumor.bam\n' > "$ORIG/bams.txt" || exit 1
A=(--bam tumor.bam --vcf variants.vcf)
T=(--bam frag.bam --vcf tolerated.vcf)
strip() { grep -v -e '^##source=' -e '^##gbcms_command=' -e '^#gbcms' "$1"; }
# reference outputs (provenance lines aside)
(cd "$ORIG" && "$GBCMS" count "${A[@]}" > "$ROOT/ref.vcf" && "$GBCMS" count -q "${T[@]}" > "$ROOT/tol.vcf") || exit 1

# new_case NAME: a fresh copy of the inputs in $D, the working directory
new_case() {
    name=$1
    cd "$ROOT" && D=$(mktemp -d "$ROOT/case.XXXXXX") && cp -p "$ORIG"/* "$D"/ && cd "$D" || exit 1
}
# expect RC WANT TEXT: exit status, and TEXT in stderr ($D.err) unless empty
expect() {
    [[ $1 == "$2" ]] || { failed "exit $1, expected $2: $(head -c 300 "$D.err")"; return 1; }
    [[ -z $3 ]] || grep -qF -- "$3" "$D.err" || failed "stderr lacks '$3': $(head -c 300 "$D.err")"
}
# inputs byte-identical, nothing temporary left in $D (or in $1 if given)
intact() {
    local f left
    for f in "$ORIG"/*; do
        cmp -s "$f" "$D/${f##*/}" || { failed "input ${f##*/} changed"; return 1; }
    done
    left=$(find "$D" ${1:+"$1"} -maxdepth 1 \( -name '.gbcms*' -o -name '*gbcms-tmp*' \) -printf '%f ')
    [[ -z $left ]] || failed "left $left"
}
same() {  # same FILE REF: FILE holds the reference output
    diff <(strip "$1") <(strip "$2") >/dev/null || failed "$1 is not the expected output"
}
ok() { pass=$((pass + 1)); }

# ---- an input named as the output: refused before any work (usage error) ----
for c in "variants.vcf|variants.vcf" "tumor.bam|tumor.bam" "tumor.bam.bai|tumor.bam.bai" \
         "ref.fa|ref.fa" "ref.fa.fai|ref.fa.fai"; do
    out=${c%|*}; in=${c#*|}
    new_case "-o $out"
    "$GBCMS" count --fasta ref.fa "${A[@]}" -o "$out" >"$D.out" 2>"$D.err"
    expect $? 2 "$out: the output is the same file as the input $in" && intact && ok
done
new_case "-o the --bam_fof list"
"$GBCMS" count --bam_fof bams.txt --vcf variants.vcf -o bams.txt >"$D.out" 2>"$D.err"
expect $? 2 "bams.txt: the output is the same file as the input bams.txt" && intact && ok

new_case "-o a hard link to the VCF"
ln variants.vcf hard.vcf || exit 1
"$GBCMS" count "${A[@]}" -o hard.vcf >"$D.out" 2>"$D.err"
expect $? 2 "hard.vcf: the output is the same file as the input variants.vcf" && intact && ok

new_case "-o a symlink to the VCF"
ln -s variants.vcf link.vcf || exit 1
"$GBCMS" count "${A[@]}" -o link.vcf >"$D.out" 2>"$D.err"
expect $? 2 "link.vcf: the output is the same file as the input variants.vcf" && intact &&
    { [[ -L link.vcf && $(readlink link.vcf) == variants.vcf ]] || failed "link.vcf changed"; } && ok

new_case "stdout appended to the VCF"
"$GBCMS" count "${A[@]}" >>variants.vcf 2>"$D.err"
expect $? 2 "standard output: the output is the same file as the input variants.vcf" && intact && ok

# ---- links are followed to the real file, which is replaced when complete ----
new_case "-o a symlink to a regular file"
: > real.vcf && ln -s real.vcf link.vcf || exit 1
"$GBCMS" count "${A[@]}" -o link.vcf >"$D.out" 2>"$D.err"
expect $? 0 "" && intact && same real.vcf "$ROOT/ref.vcf" &&
    { [[ -L link.vcf && $(readlink link.vcf) == real.vcf ]] || failed "link.vcf is no longer the link"; } && ok

new_case "-o a dangling relative symlink in a subdirectory"
mkdir sub && ln -s ../new.vcf sub/link.vcf || exit 1
"$GBCMS" count "${A[@]}" -o sub/link.vcf >"$D.out" 2>"$D.err"
expect $? 0 "" && intact sub && same new.vcf "$ROOT/ref.vcf" &&
    { [[ -L sub/link.vcf ]] || failed "sub/link.vcf is no longer a link"; } && ok

new_case "-o a dangling symlink into a missing directory"
ln -s nodir/new.vcf link.vcf || exit 1
"$GBCMS" count "${A[@]}" -o link.vcf >"$D.out" 2>"$D.err"
expect $? 1 "link.vcf: cannot create the output file: No such file or directory" && intact &&
    { [[ -L link.vcf && ! -e nodir ]] || failed "link.vcf changed or nodir made"; } && ok

new_case "a failed run with -o a symlink to an existing file"
echo keep > real.vcf && ln -s real.vcf link.vcf || exit 1
"$GBCMS" count --bam tumor.bam --vcf bad_fields.vcf -o link.vcf >"$D.out" 2>"$D.err"
expect $? 1 "bad_fields.vcf:3: 4 fields" && intact &&
    { [[ $(cat real.vcf) == keep && -L link.vcf ]] || failed "real.vcf or link.vcf changed"; } && ok

new_case "-o a directory"
mkdir d || exit 1
"$GBCMS" count "${A[@]}" -o d >"$D.out" 2>"$D.err"
expect $? 1 "d: cannot create the output file: Is a directory" && intact &&
    { [[ -d d && -z $(ls -A d) ]] || failed "d changed"; } && ok

# ---- descriptors: written where the shell opened them, appending ----
for out in - /dev/stdout /dev/fd/1 /proc/self/fd/1; do
    new_case "-o $out >> file"
    echo existing > app.txt || exit 1
    "$GBCMS" count "${A[@]}" -o "$out" >>app.txt 2>"$D.err"
    expect $? 0 "" && intact && { [[ $(head -1 app.txt) == existing ]] || failed "app.txt was truncated"; } &&
        same <(tail -n +2 app.txt) "$ROOT/ref.vcf" && ok
done
new_case "-o - to a pipe"
"$GBCMS" count "${A[@]}" -o - 2>"$D.err" | cat > "$D.out"
expect "${PIPESTATUS[0]}" 0 "" && intact && same "$D.out" "$ROOT/ref.vcf" && ok

new_case "-o /dev/fd/3 3>> file"
echo existing > app.txt || exit 1
"$GBCMS" count "${A[@]}" -o /dev/fd/3 3>>app.txt >"$D.out" 2>"$D.err"
expect $? 0 "" && intact && { [[ $(head -1 app.txt) == existing ]] || failed "app.txt was truncated"; } &&
    same <(tail -n +2 app.txt) "$ROOT/ref.vcf" && ok

new_case "-o a named pipe (written in place)"
mkfifo pipe || exit 1
cat pipe > "$D.got" &
reader=$!
"$GBCMS" count "${A[@]}" -o pipe >"$D.out" 2>"$D.err"
rc=$?
wait $reader || failed "reader failed"
expect $rc 0 "" && intact && same "$D.got" "$ROOT/ref.vcf" && { [[ -p pipe ]] || failed "pipe replaced"; } && ok

new_case "-o /dev/null"
"$GBCMS" count "${A[@]}" -o /dev/null >"$D.out" 2>"$D.err"
expect $? 0 "" && intact && { [[ -c /dev/null && ! -s $D.out ]] || failed "/dev/null replaced or stdout used"; } && ok

# ---- names and sizes ----
new_case "a 249-byte output name"
long=$(printf 'a%.0s' $(seq 245)).vcf
"$GBCMS" count "${A[@]}" -o "$long" >"$D.out" 2>"$D.err"
expect $? 0 "" && intact && same "$long" "$ROOT/ref.vcf" && ok

for named in "" 1; do
    new_case "a file size limit (EFBIG)${named:+, named temporary file}"
    (ulimit -f 1 && exec env ${named:+GBCMS_TEST_NAMED_TEMP=1} "$GBCMS" count "${A[@]}" -o big.vcf) >"$D.out" 2>"$D.err"
    expect $? 1 "big.vcf: write error: File too large" && intact &&
        { [[ ! -e big.vcf ]] || failed "big.vcf left"; } &&
        { [[ $(wc -l < "$D.err") == 1 ]] || failed "more than one line: $(cat "$D.err")"; } && ok
done

# ---- SIGKILL: the temporary output has no name to leave behind ----
new_case "SIGKILL during a run"
mkdir o && mkfifo o/v.vcf || exit 1
"$GBCMS" count --bam tumor.bam --vcf o/v.vcf -o o/out.vcf 2>"$D.err" &
pid=$!
# gbcms blocks opening the FIFO, after creating its output: wait for that
seen=
for _ in $(seq 100); do
    for f in /proc/$pid/fd/*; do
        t=$(readlink "$f" 2>/dev/null) || continue
        [[ $t == "$D/o/"* && $t != "$D/o/v.vcf" ]] && { seen=$t; break 2; }
    done
    sleep 0.05
done
if [[ -z $seen ]]; then failed "no open output appeared"
else
    before=$(ls -A o)
    kill -KILL $pid
    { wait $pid; } 2>/dev/null; rc=$?
    after=$(ls -A o)
    if [[ $before != v.vcf ]]; then failed "while running, the directory holds: $before"
    elif [[ $rc != 137 ]]; then failed "exit $rc, expected death by SIGKILL"
    elif [[ $after != v.vcf ]]; then failed "after SIGKILL, the directory holds: $after"
    else intact && ok; fi
fi
kill -KILL $pid 2>/dev/null; wait $pid 2>/dev/null

# ---- closed standard descriptors are not taken by the output ----
new_case "stderr closed, -o FILE"
"$GBCMS" count "${T[@]}" -o out.vcf >"$D.out" 2>&-
expect $? 0 "" && intact && same out.vcf "$ROOT/tol.vcf" &&
    { ! grep -q warning out.vcf || failed "warnings written into out.vcf"; } && ok

new_case "stdout closed, -o FILE"
"$GBCMS" count "${T[@]}" -o out.vcf >&- 2>"$D.err"
expect $? 0 "symbolic or missing" && intact && same out.vcf "$ROOT/tol.vcf" && ok

new_case "stdin closed, -o FILE"
"$GBCMS" count "${T[@]}" -o out.vcf <&- >"$D.out" 2>"$D.err"
expect $? 0 "symbolic or missing" && intact && same out.vcf "$ROOT/tol.vcf" && ok

new_case "stdout closed, output to stdout"
"$GBCMS" count -q "${T[@]}" >&- 2>"$D.err"
expect $? 1 "standard output: write error: Bad file descriptor" && intact && ok

cd "$WORK" || exit 1
echo "$pass passed, $fail failed"
if [[ $fail == 0 ]]; then rm -rf "$ROOT"; else echo "kept $ROOT"; fi
[[ $fail == 0 ]]
