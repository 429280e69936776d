#!/usr/bin/env bash
# The bash completion built from sparkify's help (cmake/bash_completion.sh) registers itself and
# completes commands, options and option values as a user at a prompt gets them.
#   tests/completion_test.sh SPARKIFY COMPLETION_FILE
set -euo pipefail
binary=$1 completion=$2
# shellcheck source=/dev/null
source "$completion"
failures=0
# Bash runs a completion function without errexit; so does this test.
complete_words() {
  COMP_WORDS=(sparkify "$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  set +e
  _sparkify
  set -e
}

registered=$(complete -p sparkify)
[[ $registered == "complete -F _sparkify sparkify" ]] || {
  echo "FAIL: complete -p sparkify gives '$registered'"
  exit 1
}

# expect "WANTED" WORD...: completing the last WORD (after `sparkify`) offers exactly WANTED.
expect() {
  local wanted=$1
  shift
  complete_words "$@"
  if [[ "${COMPREPLY[*]}" != "$wanted" ]]; then
    echo "FAIL: sparkify $* <TAB> offers '${COMPREPLY[*]}', expected '$wanted'"
    failures=$((failures + 1))
  fi
}

expect "etl" et
expect "etl errors" e
expect "create-tables check cluster" c
expect "-h --help --version" -
expect "--engine" etl --eng
expect "sqlite postgres redshift" etl --engine ""
expect "postgres" run --engine = p
expect "--full-refresh" etl --database x.db --ful
expect "" generate --songs ""
expect "create-tables check cluster" help c
expect "create status delete" cluster ""
expect "status" cluster st
expect "--open-port" cluster create --open
expect "--wait" cluster delete --no-wait --w
expect "--yes" cluster delete --y
expect "" nosuchcommand --
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
touch "$work/warehouse.db"
expect "$work/warehouse.db" check --database "$work/ware"

# Every command the binary lists, and every option of every command, is offered.
commands=$("$binary" --help | awk '/^Subcommands:/ { on = 1; next } on && /^$/ { on = 0 }
  on && /^  [a-z]/ { print $1 }')
for command in $commands; do
  complete_words "${command:0:2}"
  [[ " ${COMPREPLY[*]} " == *" $command "* ]] || {
    echo "FAIL: '${command:0:2}' does not complete to $command"
    failures=$((failures + 1))
  }
  # A command with subcommands (cluster): each of them and its options too.
  subs=""
  [[ $command != help ]] && subs=$("$binary" help "$command" | awk '/^Subcommands:/ { on = 1; next }
    on && /^$/ { on = 0 } on && /^  [a-z]/ { print $1 }')
  for words in "$command" $(for sub in $subs; do echo "$command:$sub"; done); do
    # shellcheck disable=SC2086 # "cluster:create" becomes the words cluster create
    set -- ${words/:/ }
    complete_words "$@" --
    for option in $("$binary" help "$@" | grep -oE '^  (-[a-z],)?--[a-z-]+(,--[a-z-]+)?' |
      sed 's/^  //; s/^-[a-z],//' | tr ',' '\n'); do
      [[ " ${COMPREPLY[*]} " == *" $option "* ]] || {
        echo "FAIL: sparkify $* -- does not offer $option"
        failures=$((failures + 1))
      }
    done
  done
done
((failures == 0)) || exit 1
echo "completion: $(wc -w <<<"$commands") commands, every option offered"
