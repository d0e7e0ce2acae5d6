#!/usr/bin/env bash
# Checks the TextMate grammar against the scope assertions in test/grammar/*.vpcrules.
# vscode-tmgrammar-test exits non-zero when an assertion fails; set -e passes that on.
# An assertion lists its excluded scopes after ONE "-" ("^^ a - b c"): the tool backtracks
# for minutes on "a - b - c".
set -euo pipefail
cd "$(dirname "$0")/.."
npx --no-install vscode-tmgrammar-test --compact -g syntaxes/vpcrules.tmLanguage.json 'test/grammar/*.vpcrules'
