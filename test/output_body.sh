# Sourced by the tests that compare gbcms outputs across runs (merge,
# workflow).
# body FILE: the decompressed content without the command-line header line,
# which is the one line that differs between equal outputs; for BCF, the
# header text (NULs dropped), then a hex dump of the records.
body() {
    if [[ $1 == *.bcf ]]; then
        local len
        len=$(bgzip -dc "$1" | od -An -tu4 -j5 -N4 | tr -d ' ') || return 1
        bgzip -dc "$1" | head -c $((9 + len)) | tail -c +10 | tr -d '\0' | grep -v '^##gbcms_command='
        bgzip -dc "$1" | tail -c +$((10 + len)) | od -An -tx1 -v
    else
        gzip -dcf "$1" | grep -v -e '^##gbcms_command=' -e '^#gbcms_command='
    fi
}
