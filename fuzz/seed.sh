#!/bin/sh
# Seed the fuzz corpora (fuzz/corpus/<target>, not committed) from the
# repository's fixtures and the stored regression inputs.
# Run from the repository root: fuzz/seed.sh
set -eu
seed() { # target, then `find` arguments selecting fixtures
    target=$1; shift
    mkdir -p "fuzz/corpus/$target"
    find "$@" -type f ! -name '*.expected' | while read -r f; do
        cp "$f" "fuzz/corpus/$target/$(echo "$f" | tr '/' '_')"
    done
    cp tests/fuzz_regressions/"$target"/* "fuzz/corpus/$target/"
}
seed yaml fixtures/cloudformation -name '*.yaml'
seed json fixtures/cloudformation -name '*.json'
seed hcl fixtures/terraform -name '*.tf*'
seed reparse fixtures/cloudformation -name '*.yaml'
seed fixes fixtures -name '*.yaml' -o -name '*.json' -o -name '*.tf'
# The lsp target's inputs are operations, not files: it starts from the
# stored regression inputs and its built-in sample documents.
seed lsp tests/fuzz_regressions/lsp -name none
