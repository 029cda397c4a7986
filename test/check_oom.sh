#!/bin/bash
# Allocation failures: the Nth allocation of a run fails (oom_shim.so), for
# N over the whole run.  Each run must either succeed with exactly the
# normal output, or exit 1 with one error line (never a crash, never a
# wrong or partial output with exit 0, never a file left behind).
# Usage: check_oom.sh GBCMS SHIM SRC WORK [STEP]
set -u
GBCMS=$1; SHIM=$2; SRC=$3; WORK=$4/oom; STEP=${5:-1}
SIM=$SRC/test-data/sim
rm -rf "$WORK"; mkdir -p "$WORK"
pass=0; fail=0
run_case() {  # name, then gbcms arguments (the output goes to $WORK/out)
    local name=$1; shift
    rm -f "$WORK/ref.out"
    if ! "$GBCMS" "$@" -o "$WORK/ref.out" 2>"$WORK/ref.err"; then
        echo "FAIL $name: the run without failures failed: $(head -c 300 "$WORK/ref.err")"; fail=$((fail + 1)); return
    fi
    # how many allocations a run makes
    local total
    total=$(GBCMS_FAIL_ALLOC=0 GBCMS_COUNT_ALLOC=1 LD_PRELOAD=$SHIM "$GBCMS" "$@" -o "$WORK/count.out" 2>&1 >/dev/null | tail -1)
    total=${total:-3000}
    local n=1 bad=0 failed_runs=0
    while [[ $n -le $total ]]; do
        rm -f "$WORK"/out "$WORK"/.gbcms* "$WORK"/*gbcms-tmp*
        GBCMS_FAIL_ALLOC=$n LD_PRELOAD=$SHIM "$GBCMS" "$@" -o "$WORK/out" 2>"$WORK/err"
        local rc=$?
        if [[ $rc == 0 ]]; then
            if ! cmp -s <(grep -v 'gbcms_command' "$WORK/out") <(grep -v 'gbcms_command' "$WORK/ref.out"); then
                echo "FAIL $name: allocation $n failed, exit 0 with a different output:"
                diff <(grep -v gbcms_command "$WORK/ref.out") <(grep -v gbcms_command "$WORK/out") | head -6; bad=1; break
            fi
        elif [[ $rc == 1 ]]; then
            failed_runs=$((failed_runs + 1))
            if [[ $(grep -c '' "$WORK/err") != 1 ]] || ! grep -q '^gbcms: error: ' "$WORK/err"; then
                echo "FAIL $name: allocation $n failed: not one error line:"; head -5 "$WORK/err"; bad=1; break
            fi
            if compgen -G "$WORK/out" >/dev/null || compgen -G "$WORK/.gbcms*" >/dev/null; then
                echo "FAIL $name: allocation $n failed: left an output file"; bad=1; break
            fi
        else
            echo "FAIL $name: allocation $n failed: exit $rc: $(head -c 300 "$WORK/err")"; bad=1; break
        fi
        n=$((n + STEP))
    done
    if [[ $bad == 0 ]]; then
        pass=$((pass + 1)); echo "ok $name: $total allocations, $failed_runs runs failed cleanly"
    else
        fail=$((fail + 1))
    fi
}
run_case vcf count --fasta "$SIM/ref.fa" --bam "$SIM/tumor.bam" "$SIM/normal.bam" --vcf "$SIM/variants.vcf" --fragment-count
run_case maf count --fasta "$SIM/ref.fa" --bam "$SIM/tumor.bam" --maf "$SIM/variants.maf" --omaf -t 2
echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
