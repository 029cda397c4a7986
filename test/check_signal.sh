#!/bin/bash
# SIGINT/SIGTERM/SIGHUP/SIGPIPE during a run leave nothing at the output
# path.  The variant file is a FIFO nobody writes to, so gbcms is stopped
# while it waits for variants, after it has created its temporary output.
# GBCMS_TEST_NAMED_TEMP forces the named temporary file (used where there is
# no O_TMPFILE), the one a handler must remove.  Job control keeps SIGINT
# from being ignored in the background job.
# Usage: check_signal.sh GBCMS SRC WORK
set -u -m
GBCMS=$1; SRC=$2; WORK=$3
pass=0; fail=0
for sig in TERM INT HUP PIPE; do
    dir=$(mktemp -d "$WORK/signal.XXXXXX")
    mkfifo "$dir/variants.vcf"
    GBCMS_TEST_NAMED_TEMP=1 "$GBCMS" count --bam "$SRC/test-data/sim/tumor.bam" --vcf "$dir/variants.vcf" -o "$dir/out.vcf" &
    pid=$!
    for _ in $(seq 400); do compgen -G "$dir/.gbcms.*" >/dev/null && break; sleep 0.05; done
    if ! compgen -G "$dir/.gbcms.*" >/dev/null; then
        echo "FAIL $sig: no temporary output appeared"; fail=$((fail + 1)); kill -KILL $pid; wait $pid 2>/dev/null
        continue
    fi
    kill -$sig $pid
    wait $pid; rc=$?
    left=$(ls -A "$dir" | grep -v '^variants.vcf$')
    if [[ $rc -lt 128 ]]; then echo "FAIL $sig: exit $rc, expected death by signal"; fail=$((fail + 1))
    elif [[ -n $left ]]; then echo "FAIL $sig: left $left"; fail=$((fail + 1))
    else pass=$((pass + 1)); fi
    rm -rf "$dir"
done
echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
