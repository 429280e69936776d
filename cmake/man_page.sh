#!/usr/bin/env bash
# Writes the man page sparkify.1 from the program's own help with help2man: `SPARKIFY --help`
# gives NAME, SYNOPSIS, DESCRIPTION and OPTIONS; a COMMANDS section is made here from `SPARKIFY
# COMMAND --help` for every command it lists and their subcommands (`cluster create`); EXTRA (docs/sparkify.h2m, written by hand) adds the
# sections no help text has (files, environment, examples). Run at build time by CMake:
#   man_page.sh SPARKIFY SUMMARY EXTRA OUTPUT
set -euo pipefail
binary=$1 summary=$2 extra=$3 output=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# roff text: backslashes and hyphens escaped; a leading dot or quote (roff requests) and a
# leading "[" (a section for help2man) made literal.
roff() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^[.'[]/\\\\\&&/"; }

# The names in the "Subcommands:" section of a help text (stdin).
subcommands() {
  awk '/^Subcommands:/ { on = 1; next } on && /^$/ { exit } on && /^  [a-z]/ { print $1 }'
}

# One command path ("etl", "cluster create"): its usage, its description (the help's first
# line), its options and its subcommands.
section() {
  local path=$1 line spec description names type
  # shellcheck disable=SC2086
  "$binary" $path --help >"$work/help"
  echo ".SS \"sparkify $path\""
  # "Usage: [PROGRAM] ... LAST-WORD REST": REST is what follows the command path.
  line=$(sed -n "s/^Usage: \(.* \)\{0,1\}${path##* } //p" "$work/help" | head -n 1)
  printf '.B sparkify %s\n%s\n.PP\n' "$path" "$(roff <<<"$line")"
  head -n 1 "$work/help" | roff
  # Each option: "  NAMES [TYPE]  description", the description on the next line when the
  # names are long; a flag pair shows its default ("--wait,--no-wait{false}"), left out here.
  awk '/^(Options|Subcommands):/ { on = 1; next } on && /^$/ { on = 0 } on { print }' "$work/help" |
    while IFS= read -r line; do
      if [[ $line == "  -"* || $line == "  "[a-z]* ]]; then
        spec=${line#  }
        description=""
        if [[ $spec == *"  "* ]]; then
          description=${spec#*  }
          spec=${spec%%  *}
        fi
        names=${spec%% *}
        names=$(sed 's/{[^}]*}//g' <<<"$names")
        type=""
        [[ $spec == *" "* ]] && type=${spec#* }
        if [[ $names == -* ]]; then
          printf '.TP\n\\fB%s\\fR' "$(roff <<<"${names//,/, }")"
        else
          printf '.TP\n\\fBsparkify %s %s\\fR' "$(roff <<<"$path")" "$(roff <<<"$names")"
        fi
        [[ -n $type ]] && printf ' \\fI%s\\fR' "$(roff <<<"$type")"
        printf '\n'
        [[ -n $description ]] && roff <<<"${description#"${description%%[! ]*}"}"
      else
        roff <<<"${line#"${line%%[! ]*}"}"
      fi
    done
}

commands=$("$binary" --help | subcommands)
[[ -n $commands ]] || { echo "man_page.sh: no command in '$binary --help'" >&2; exit 1; }
{
  echo "[COMMANDS]"
  for command in $commands; do
    [[ $command == help ]] && continue
    section "$command"
    for sub in $("$binary" "$command" --help | subcommands); do
      section "$command $sub"
    done
  done
} >"$work/commands.h2m"

"${HELP2MAN:-help2man}" --no-info --no-discard-stderr --name="$summary" --section=1 \
  --include="$work/commands.h2m" --include="$extra" --output="$work/sparkify.1" "$binary"
# help2man fails only on a crash; a page without the commands would be a silent loss.
grep -q '^\.SS "sparkify etl"' "$work/sparkify.1" ||
  { echo "man_page.sh: the page has no COMMANDS section" >&2; exit 1; }
mv "$work/sparkify.1" "$output"
