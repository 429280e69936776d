#!/usr/bin/env bash
# Writes the man page sparkify.1 from the program's own help with help2man: `SPARKIFY --help`
# gives NAME, SYNOPSIS, DESCRIPTION and OPTIONS; a COMMANDS section is made here from `SPARKIFY
# help COMMAND` for every command it lists; EXTRA (docs/sparkify.h2m, written by hand) adds the
# sections no help text has (files, environment, examples). Run at build time by CMake:
#   man_page.sh SPARKIFY SUMMARY EXTRA OUTPUT
set -euo pipefail
binary=$1 summary=$2 extra=$3 output=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# roff text: backslashes and hyphens escaped; a leading dot or quote (roff requests) and a
# leading "[" (a section for help2man) made literal.
roff() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^[.'[]/\\\\\&&/"; }

commands=$("$binary" --help | awk '/^Subcommands:/ { on = 1; next } on && /^$/ { on = 0 }
  on && /^  [a-z]/ { print $1 }')
[[ -n $commands ]] || { echo "man_page.sh: no command in '$binary --help'" >&2; exit 1; }

# One command's section ("sparkify cluster create" for `section cluster create`): its usage line,
# its description and its options.
section() {
  "$binary" help "$@" >"$work/help"
  echo ".SS \"sparkify $*\""
  # The usage line, then the one-line description (the help's first line).
  sed -n 's/^Usage: [^ ]* //p' "$work/help" | head -n 1 |
    { read -r rest; printf '.B sparkify %s\n%s\n.PP\n' "$*" "$(roff <<<"$rest")"; }
  head -n 1 "$work/help" | roff
  # Each option: "  NAMES [TYPE]  description", the description on the next line when the
  # names are long.
  awk '/^Options:/ { on = 1; next } on && /^$/ { on = 0 } on { print }' "$work/help" |
    while IFS= read -r line; do
      if [[ $line == "  -"* ]]; then
        spec=${line#  }
        description=""
        if [[ $spec == *"  "* ]]; then
          description=${spec#*  }
          spec=${spec%%  *}
        fi
        names=${spec%% *}
        names=$(sed 's/{[^}]*}//g' <<<"$names")  # "--wait,--no-wait{false}"
        type=""
        [[ $spec == *" "* ]] && type=${spec#* }
        printf '.TP\n\\fB%s\\fR' "$(roff <<<"${names//,/, }")"
        [[ -n $type ]] && printf ' \\fI%s\\fR' "$(roff <<<"$type")"
        printf '\n'
        [[ -n $description ]] && roff <<<"${description#"${description%%[! ]*}"}"
      else
        roff <<<"${line#"${line%%[! ]*}"}"
      fi
    done
}

{
  echo "[COMMANDS]"
  for command in $commands; do
    [[ $command == help ]] && continue
    section "$command"
    # A command with subcommands (cluster): a section for each of them too.
    for sub in $("$binary" help "$command" | awk '/^Subcommands:/ { on = 1; next }
      on && /^$/ { on = 0 } on && /^  [a-z]/ { print $1 }'); do
      section "$command" "$sub"
    done
  done
} >"$work/commands.h2m"

"${HELP2MAN:-help2man}" --no-info --no-discard-stderr --name="$summary" --section=1 \
  --include="$work/commands.h2m" --include="$extra" --output="$work/sparkify.1" "$binary"
# help2man fails only on a crash; a page without the commands would be a silent loss.
grep -q '^\.SS "sparkify etl"' "$work/sparkify.1" ||
  { echo "man_page.sh: the page has no COMMANDS section" >&2; exit 1; }
mv "$work/sparkify.1" "$output"
