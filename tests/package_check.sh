#!/usr/bin/env bash
# Checks a built Debian package (`make package`) as a user would get it, without installing it
# on this machine: unpacked with `dpkg -x` into a temporary root, its binary must print the
# package's version, load the course's sample data (tests/data/sample-data) and pass `check`;
# its Depends must name the package of every shared library the binary links (so they came from
# dpkg-shlibdeps, not a list that went stale); its man page and bash completion must be there
# and usable. Exit 0 when all hold, 1 naming the first that does not.
#   tests/package_check.sh build/sparkify_0.1.0-1_amd64.deb
set -euo pipefail
deb=${1:?usage: tests/package_check.sh PACKAGE.deb}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
fail() { echo "package_check: $deb: $*" >&2; exit 1; }

root=$(mktemp -d /tmp/sparkify-package.XXXXXX)
trap 'rm -rf "$root"' EXIT
dpkg -x "$deb" "$root/fs"
binary=$root/fs/usr/bin/sparkify
[[ -x $binary ]] || fail "no executable usr/bin/sparkify"

# Control fields: from the project, not CPack's placeholders.
field() { dpkg-deb -f "$deb" "$1"; }
version=$(field Version)
[[ $("$binary" --version) == "sparkify ${version%-*}" ]] ||
  fail "'sparkify --version' says '$("$binary" --version)', the package is $version"
maintainer=$(field Maintainer)
[[ $maintainer == *"<"*"@"*">" ]] || fail "Maintainer '$maintainer' is not 'name <address>'"
[[ -n $(field Description) ]] || fail "no Description"
info=$(dpkg-deb -I "$deb")
grep -q '^ Depends: ' <<<"$info" || fail "'dpkg-deb -I' lists no Depends"

# Every shared library the binary needs, by its package on this machine, is in Depends.
depends=" $(field Depends | sed 's/([^)]*)//g; s/,/ /g') "
libraries=$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[[ -n $libraries ]] || fail "readelf finds no shared library the binary needs"
for library in $libraries; do
  # The readers take all their input: one that stops early makes a long writer (ldconfig -p
  # prints some 60 KB) die of SIGPIPE, and pipefail turns that into the script's exit 141.
  path=$(ldconfig -p | awk -v lib="$library" '$1 == lib && /x86-64/ && !path { path = $NF }
    END { print path }')
  [[ -n $path ]] || fail "$library is not known to ldconfig"
  package=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | awk -F: 'NR == 1 { print $1 }') ||
    package=$(dpkg -S "$path" | awk -F: 'NR == 1 { print $1 }')
  [[ $depends == *" $package "* ]] || fail "$library comes from $package, not in Depends:$depends"
done

# The man page has the commands; the completion registers itself and completes a command.
man_page=$root/fs/usr/share/man/man1/sparkify.1.gz
[[ -f $man_page ]] || fail "no usr/share/man/man1/sparkify.1.gz"
zcat "$man_page" >"$root/sparkify.1"
grep -q '^\.SS "sparkify etl"' "$root/sparkify.1" || fail "the man page has no 'sparkify etl'"
completion=$root/fs/usr/share/bash-completion/completions/sparkify
[[ -f $completion ]] || fail "no usr/share/bash-completion/completions/sparkify"
registered=$(bash -c "source '$completion' && complete -p sparkify")
[[ $registered == "complete -F _sparkify sparkify" ]] ||
  fail "the completion does not register itself for sparkify"

# The packaged binary loads the sample data and the warehouse passes its checks.
sample=$source_dir/tests/data/sample-data
"$binary" run --quiet --database "$root/sparkify.db" --song-data "$sample/song_data" \
  --log-data "$sample/log_data" || fail "the packaged binary failed to load the sample data"
"$binary" check --database "$root/sparkify.db" >"$root/check.txt" ||
  fail "'sparkify check' failed on the loaded sample: $(tail -n 3 "$root/check.txt")"
echo "package_check: $deb: ok (version $version; Depends:$(field Depends | tr -d '\n'))"
