#!/bin/sh
# The man page's SYNOPSIS, as mandoc renders it, says what usage() says
# (netpipe -h), word for word; and mandoc -Tlint finds nothing to warn of.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

command -v mandoc >/dev/null || skip "needs mandoc"
MAN=$NETPIPE_TOP/man/netpipe.1

mandoc -Tlint -W warning "$MAN" >"$T/lint" 2>&1
[ ! -s "$T/lint" ] || fail "mandoc -Tlint: $(cat "$T/lint")"

# words: one whitespace-separated word a line.
words() {
	tr -s '[:blank:]' '[\n*]' | grep .
}
mandoc -Tascii "$MAN" | sed 's/.\x08//g' |
    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | words >"$T/man"
"$NETPIPE" -h | sed 's/^usage://' | words >"$T/usage"
tr '\n' ' ' <"$T/usage"
echo
diff "$T/usage" "$T/man" >"$T/diff" || fail "SYNOPSIS and usage differ (< usage, > man):
$(cat "$T/diff")"
pass
