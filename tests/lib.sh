# netpipe: tests/lib.sh: helpers sourced by every tests/t-*.sh.
#
# Copyright (C) 2026 the netpipe authors
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A test sources this file, which gives it:
#   $T		a temporary directory, removed (with every process the test
#		started, and its namespaces) when the test exits
#   $PORT	a free even data port; $PORT+1 (the status port) is free too
#   $GROUP	a multicast group of its own, 239.255.x.y
#   bg_run NAME IN CMD...	run CMD in the background: stdin from IN,
#		stdout $T/NAME.out, stderr $T/NAME.err, pid $T/NAME.pid and,
#		once it ends, its exit status in $T/NAME.rc
#   server NAME IN [ARG...]	netpipe -s on loopback multicast, in the background
#   client NAME [ARG...]	netpipe -c on loopback multicast, in the background
#   wait_for SECONDS NAME...	wait (bounded) until each NAME has exited;
#		one still running at the deadline is killed, and the
#		return status is then 124
#   rc NAME		prints NAME's exit status
#   expect_rc NAME WANT	fails the test unless NAME exited with WANT
#   same FILE1 FILE2	fails the test unless the files are byte-identical
#   makedata FILE SIZE	SIZE random bytes into FILE
#   fail MSG / skip MSG / pass	end the test (1 / 77 / 0)
#   exit_ms NAME	when NAME exited (as its waiting shell saw it, a
#		millisecond or so late), in ms since the epoch
#   wait_grep SECONDS FILE REGEX	bounded wait until FILE has a line that
#		matches REGEX (grep -E); prints when (ms since the epoch)
#   measured WHAT MS	prints "measured: WHAT: MS ms", the line the matrix
#		in tests/README is made from
#   prefix_of FILE OUT	fails the test unless OUT is a prefix of FILE
#   addr_of NAME	sets ADDR to NAME's address:port as a loopback
#		server names it (call it while NAME runs)
#   each_rev CMD...	run CMD once for each protocol revision in $REVS
#		("0": -0, NetPipe Rev. 0; "default": no flag), each time
#		with a new $PORT and $GROUP; server and client add the flag
#
# Every netpipe started here is "$NETPIPE".  Variables NP_ENV (words like
# VAR=value) are put in the environment of the next server/client call.
#
# The bounded waits (wait_for, wait_size, wait_file, wait_grep) end by
# $NETPIPE_TEST_DEADLINE (ms since the epoch) if it is set: tests/run
# sets it a little before it kills the test, so that a test that waits
# past its time limit fails with its own message, having said that the
# limit cut its wait short, and cleans up.

set -u

: "${NETPIPE_TOP:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${NETPIPE:=$NETPIPE_TOP/netpipe}"
export NETPIPE_TOP NETPIPE
NP_ENV=${NP_ENV:-}
TNAME=$(basename "$0" .sh)

if [ ! -x "$NETPIPE" ]; then
	echo "FAIL: $NETPIPE is not built" >&2
	exit 1
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/$TNAME.XXXXXX") || exit 1
BGPIDS=
NAMESPACES=
MOUNTS=

# Kill what the test started, delete its namespaces, remove $T.
cleanup() {
	trap - EXIT INT TERM HUP
	for f in "$T"/*.pid; do
		[ -f "$f" ] || continue
		p=$(cat "$f" 2>/dev/null) || continue
		[ -n "$p" ] && kill -9 "$p" 2>/dev/null
	done
	for p in $BGPIDS; do
		kill -9 "$p" 2>/dev/null
	done
	for ns in $NAMESPACES; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -9 "$p" 2>/dev/null
		done
	done
	for ns in $NAMESPACES; do
		ip netns del "$ns" 2>/dev/null
	done
	wait 2>/dev/null
	for m in $MOUNTS; do
		umount "$m" 2>/dev/null
	done
	rm -rf "$T"
}
on_exit() {
	_st=$?
	cleanup
	exit $_st
}
trap on_exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# Milliseconds since the epoch.
now_ms() {
	date +%s%3N
}

# until_ms SECONDS: sets _end to when a wait of SECONDS from now ends
# (ms since the epoch), by NETPIPE_TEST_DEADLINE at the latest, and CUT
# to 1 if that cut it short.
until_ms() {
	_end=$(($(now_ms) + $1 * 1000))
	CUT=0
	if [ -n "${NETPIPE_TEST_DEADLINE:-}" ] &&
	    [ "$_end" -gt "$NETPIPE_TEST_DEADLINE" ]; then
		_end=$NETPIPE_TEST_DEADLINE
		CUT=1
	fi
}

# timed_out: a wait ended unmet; says so (on stderr) if the time limit
# cut it short, and returns 124.
timed_out() {
	[ "$CUT" -eq 0 ] ||
	    echo "a wait was cut short by tests/run's time limit (${NETPIPE_TEST_TIMEOUT:-?} s)" >&2
	return 124
}

# A random number 0..65535.
rand16() {
	od -An -N2 -tu2 /dev/urandom | tr -d ' \n'
}

# Print every process's stderr (the tail of it), to explain a failure.
dump() {
	for f in "$T"/*.err; do
		[ -f "$f" ] || continue
		n=$(basename "$f" .err)
		r=$(cat "$T/$n.rc" 2>/dev/null || echo running)
		echo "--- $n (exit $r) stderr:"
		tail -n 15 "$f"
	done
}

fail() {
	printf 'FAIL%s: %s\n' "${REVNAME:+ [$REVNAME]}" "$*"
	dump
	exit 1
}

skip() {
	echo "SKIP: $*"
	exit 77
}

# The test passed, unless a sanitizer complained in some process's stderr.
pass() {
	if grep -E 'runtime error:|AddressSanitizer|LeakSanitizer' \
	    "$T"/*.err "$T/earlier.log" >"$T/sanitizer" 2>/dev/null; then
		fail "a sanitizer reported: $(head -n 5 "$T/sanitizer")"
	fi
	echo "ok $TNAME"
	exit 0
}

# ignored FILE: the malformed and foreign datagrams of the last -v
# summary in FILE (a process's stderr), summed.
ignored() {
	sed -n 's/^netpipe: ignored \([0-9]*\) malformed and \([0-9]*\) foreign datagrams$/\1 \2/p' "$1" |
	    tail -n 1 | awk '{ print $1 + $2 }'
}

# pick_port: a random even port in 20000..59998 such that neither it nor
# the next one has a UDP socket bound ($1: the namespace to look in).
pick_port() {
	i=0
	while [ $i -lt 100 ]; do
		p=$((20000 + 2 * ($(rand16) % 20000)))
		if [ -n "${1:-}" ]; then
			used=$(ip netns exec "$1" ss -Huan "( sport = :$p or sport = :$((p + 1)) )")
		else
			used=$(ss -Huan "( sport = :$p or sport = :$((p + 1)) )")
		fi
		if [ -z "$used" ]; then
			echo $p
			return 0
		fi
		i=$((i + 1))
	done
	echo "no free port pair found" >&2
	return 1
}

# new_port: a new $PORT and $GROUP, and no leftovers of a previous run.
new_port() {
	PORT=$(pick_port "") || fail "no free port"
	GROUP=239.255.$((1 + $(rand16) % 254)).$((1 + $(rand16) % 254))
	rm -f "$T/fifo" "$T/go" "$T/shim.log"
}
new_port

# The protocol revisions to test (NETPIPE_REVS overrides): "0" is -0,
# NetPipe Rev. 0, the one the issue is about; "default" is what netpipe
# speaks without a flag.
REVS=${NETPIPE_REVS:-"0 default"}
REVFLAG=
REVNAME=

# rev R: the next server and client calls speak revision R.
rev() {
	case $1 in
	0)	REVFLAG=-0 REVNAME="Rev. 0 (-0)" ;;
	default) REVFLAG='' REVNAME="default protocol" ;;
	*)	fail "unknown protocol revision $1" ;;
	esac
	echo "== $REVNAME"
}

each_rev() {
	for _rv in $REVS; do
		rev "$_rv"
		new_port
		"$@"
	done
	REVNAME=
}

# makedata FILE SIZE: SIZE random bytes.
makedata() {
	head -c "$2" /dev/urandom >"$1" || fail "makedata $1 $2"
	[ "$(wc -c <"$1")" -eq "$2" ] || fail "makedata $1: short file"
}

# size FILE: its size in bytes (0 if missing).
size() {
	if [ -e "$1" ]; then wc -c <"$1" | tr -d ' '; else echo 0; fi
}

bg_run() {
	_n=$1 _in=$2
	shift 2
	# Keep what an earlier process of this name said, for pass().
	[ -f "$T/$_n.err" ] && cat "$T/$_n.err" >>"$T/earlier.log"
	rm -f "$T/$_n.pid" "$T/$_n.rc" "$T/$_n.end"
	(
		"$@" <"$_in" >"$T/$_n.out" 2>"$T/$_n.err" &
		echo $! >"$T/$_n.pid.new" && mv "$T/$_n.pid.new" "$T/$_n.pid"
		wait $!
		_r=$?
		now_ms >"$T/$_n.end"
		echo $_r >"$T/$_n.rc.new" && mv "$T/$_n.rc.new" "$T/$_n.rc"
	) &
	BGPIDS="$BGPIDS $!"
	# Wait (bounded) until the pid is known.
	_i=0
	while [ ! -s "$T/$_n.pid" ] && [ $_i -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	[ -s "$T/$_n.pid" ] || fail "$_n did not start"
}

# pid NAME
pid() {
	cat "$T/$1.pid"
}

# running NAME: true while NAME has not exited.
running() {
	[ ! -e "$T/$1.rc" ]
}

# SHIM: NPSHIM_* settings (words VAR=value); when set, server and client
# run under tests/shim.so, each with a seed of its own (from
# $NPSHIM_BASESEED + 1, 2, ...; default base 100), logging to $T/shim.log.
# SHIM_CLIENT, when set, is used for the clients instead.
SHIM=
SHIM_CLIENT=
SHIM_SEED=${NPSHIM_BASESEED:-100}
shim_env() {
	SHIM_ENV=
	_se=$SHIM
	[ "$2" = client ] && [ -n "$SHIM_CLIENT" ] && _se=$SHIM_CLIENT
	[ -n "$_se" ] || return 0
	[ -f "$NETPIPE_TOP/tests/shim.so" ] ||
	    fail "$NETPIPE_TOP/tests/shim.so is not built (make check builds it)"
	SHIM_SEED=$((SHIM_SEED + 1))
	# A sanitizer build's runtime would refuse to come after the shim.
	SHIM_ENV="LD_PRELOAD=$NETPIPE_TOP/tests/shim.so NPSHIM_SEED=$SHIM_SEED"
	SHIM_ENV="$SHIM_ENV NPSHIM_LOG=$T/shim.log $_se"
	SHIM_ENV="$SHIM_ENV ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
	echo "$1: $_se NPSHIM_SEED=$SHIM_SEED"
}

# shim_count KEY: the sum of KEY=N over the shim's log lines.
shim_count() {
	sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$T/shim.log" 2>/dev/null |
	    awk '{ s += $1 } END { print s + 0 }'
}

server() {
	_sn=$1 _sin=$2
	shift 2
	shim_env "$_sn" server
	# shellcheck disable=SC2086
	bg_run "$_sn" "$_sin" env $NP_ENV $SHIM_ENV "$NETPIPE" -s $REVFLAG -i lo -m "$GROUP" -p "$PORT" "$@"
}

client() {
	_cn=$1
	shift
	shim_env "$_cn" client
	# shellcheck disable=SC2086
	bg_run "$_cn" /dev/null env $NP_ENV $SHIM_ENV "$NETPIPE" -c $REVFLAG -i lo -m "$GROUP" -p "$PORT" "$@"
}

# wait_for SECONDS NAME...: bounded wait for processes started by bg_run.
wait_for() {
	until_ms "$1"
	shift
	_st=0
	for _w in "$@"; do
		while running "$_w" && [ "$(now_ms)" -lt "$_end" ]; do
			sleep 0.05
		done
		if running "$_w"; then
			echo "$_w still running at the deadline, killed"
			kill -9 "$(pid "$_w")" 2>/dev/null
			_j=0
			while running "$_w" && [ $_j -lt 100 ]; do
				sleep 0.05
				_j=$((_j + 1))
			done
			_st=124
		fi
	done
	[ $_st -eq 0 ] || timed_out
}

# wait_size FILE MIN SECONDS: bounded wait until FILE holds MIN bytes.
wait_size() {
	until_ms "$3"
	while [ "$(size "$1")" -lt "$2" ]; do
		[ "$(now_ms)" -lt "$_end" ] || timed_out || return
		sleep 0.05
	done
	return 0
}

# wait_file FILE SECONDS: bounded wait until FILE is not empty.
wait_file() {
	wait_size "$1" 1 "$2"
}

rc() {
	cat "$T/$1.rc" 2>/dev/null || echo none
}

exit_ms() {
	cat "$T/$1.end"
}

wait_grep() {
	until_ms "$1"
	while ! grep -q -E "$3" "$2" 2>/dev/null; do
		[ "$(now_ms)" -lt "$_end" ] || timed_out || return
		sleep 0.02
	done
	now_ms
}

measured() {
	echo "measured${REVNAME:+ [$REVNAME]}: $1: $2 ms"
}

prefix_of() {
	[ "$(size "$2")" -le "$(size "$1")" ] ||
	    fail "$(basename "$2") is longer than $(basename "$1")"
	cmp -n "$(size "$2")" "$1" "$2" >/dev/null ||
	    fail "$(basename "$2") is not a prefix of $(basename "$1"): $(cmp -n "$(size "$2")" "$1" "$2" 2>&1 | head -n 1)"
}

expect_rc() {
	[ "$(rc "$1")" = "$2" ] || fail "$1 exited $(rc "$1"), expected $2"
}

same() {
	cmp "$1" "$2" >/dev/null ||
	    fail "$(basename "$2") differs from $(basename "$1"): $(cmp "$1" "$2" 2>&1 | head -n 1) (sizes $(size "$1") and $(size "$2"))"
}

# feed IN BYTES: make $T/fifo a pipe that gets the first BYTES of IN at
# once, and the rest only after `release`, so that a test can act while a
# transfer is under way.
feed() {
	rm -f "$T/fifo" "$T/go"
	mkfifo "$T/fifo" || fail "mkfifo"
	(
		head -c "$2" "$1"
		_i=0
		while [ ! -e "$T/go" ] && [ $_i -lt 2400 ]; do
			sleep 0.05
			_i=$((_i + 1))
		done
		tail -c +"$(($2 + 1))" "$1"
	) >"$T/fifo" &
	BGPIDS="$BGPIDS $!"
}

release() {
	: >"$T/go"
}

# status_port NAME: the local port of NAME's status socket (the UDP socket
# that is not bound to the data port), from ss.
status_port() {
	ss -Huanp 2>/dev/null | grep "pid=$(pid "$1")," |
	    awk '{ print $4 }' | sed 's/.*://' | grep -v -x "$PORT" | head -n 1
}

# addr_of NAME: sets ADDR to NAME's address as a loopback server names
# it, 127.0.0.1:PORT, PORT its status port (ss); a bounded wait (5 s)
# while NAME starts.  The test fails if NAME has exited or has no such
# socket: call it while NAME runs.
addr_of() {
	_i=0
	while running "$1" && [ -z "$(status_port "$1")" ] && [ $_i -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	_p=$(status_port "$1")
	running "$1" || fail "addr_of $1: it has exited"
	[ -n "$_p" ] || fail "addr_of $1: no status socket of pid $(pid "$1") in ss -uanp"
	# shellcheck disable=SC2034 # for the test
	ADDR=127.0.0.1:$_p
}

# transfer NCLIENTS FILE [SERVER ARG...]: NCLIENTS clients c1.., a server s
# sending FILE (on a new port and group); all must exit 0 within 120 s and
# every client's output be FILE exactly.
transfer() {
	_nc=$1 _file=$2
	shift 2
	new_port
	_names=
	_k=1
	while [ $_k -le "$_nc" ]; do
		client "c$_k"
		_names="$_names c$_k"
		_k=$((_k + 1))
	done
	server s "$_file" -n "$_nc" "$@"
	# shellcheck disable=SC2086
	all_done "$_file" 120 $_names
}

# all_done FILE SECS CLIENT...: the server s ends within SECS, the
# clients a little after it, all exit 0, and each client wrote FILE.
all_done() {
	_df=$1 _ds=$2
	shift 2
	wait_for "$_ds" s ||
	    fail "transfer of $(size "$_df") bytes to $# clients timed out"
	expect_rc s 0
	# A client lingers a little after the end.
	wait_for 15 "$@" || fail "a client did not exit after the server"
	for _c in "$@"; do
		expect_rc "$_c" 0
		same "$_df" "$T/$_c.out"
	done
}

# --- The simulator (tests/sim) --------------------------------------------

# need_sim: skip unless the simulator ($SIM) and jq are here.
need_sim() {
	SIM=$NETPIPE_TOP/tests/sim/sim
	[ -x "$SIM" ] || skip "tests/sim/sim is not built (make tests/sim/sim)"
	command -v jq >/dev/null || skip "needs jq to parse the simulator's JSON"
}

# sim NAME ARG...: run the simulator ($REVFLAG ARG...); all it printed
# into $T/NAME.all, its last line (JSON) into $T/NAME; prints its first.
sim() {
	_sn=$1
	shift
	# shellcheck disable=SC2086
	timeout 120 "$SIM" $REVFLAG "$@" >"$T/$_sn.all" 2>"$T/$_sn.err" ||
	    fail "sim $REVFLAG $*: exit $? $(tail -n 3 "$T/$_sn.err")"
	tail -n 1 "$T/$_sn.all" >"$T/$_sn"
	jq -e . "$T/$_sn" >/dev/null 2>&1 ||
	    fail "sim $REVFLAG $*: the last line is not JSON: $(tail -n 3 "$T/$_sn.all")"
	echo "sim $REVFLAG $*: $(head -n 1 "$T/$_sn.all")"
}

# sim_whole NAME N: run NAME brought all N clients intact, server exit 0.
sim_whole() {
	jq -e ".intact == $2 and .server_exit == 0" "$T/$1" >/dev/null ||
	    fail "$1: not all $2 clients intact, or the server's exit not 0: $(head -n 3 "$T/$1.all")"
}

# --- Network namespaces (root only) ---------------------------------------

# need_root: skip unless network namespaces can be made here.
need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root for network namespaces"
	command -v ip >/dev/null || skip "needs ip (iproute2) for network namespaces"
	ip netns add "np$$probe" 2>/dev/null || skip "needs root for network namespaces (ip netns add failed)"
	ip netns del "np$$probe"
}

# lan [-mtu MTU] HOST...: a LAN of namespaces np<pid>HOST on one bridge
# (in namespace np<pid>br), each with eth0 = 10.231.77.<1, 2, ...>/24,
# broadcast 10.231.77.255, no route anywhere else; every link of it with
# an MTU of MTU bytes if given (else the kernel's 1500; with -mtu, one
# LAN only).  Settings for the next call:
#   LANFAM=4 (default), 6 (IPv6 only: fd00:231:77::<1, 2, ...>/64, no
#	IPv4) or 46 (both)
#   LANNET=10.231.77 and LANNET6=fd00:231:77:: the subnets, LANBR=br0
#	the bridge: a second call with another bridge and subnets makes a
#	second LAN, and a HOST in both (a router) has eth0 on the first
#	and eth1 on the second (its bridge port p<HOST>e1).
LANPFX=np$$
lan() {
	_mtu=
	if [ "$1" = -mtu ]; then
		_mtu=$2
		shift 2
	fi
	if ! ip netns pids "${LANPFX}br" >/dev/null 2>&1; then
		ip netns add "${LANPFX}br" || fail "ip netns add"
		NAMESPACES="$NAMESPACES ${LANPFX}br"
		ip -n "${LANPFX}br" link set lo up
	fi
	_br=${LANBR:-br0}
	ip -n "${LANPFX}br" link add "$_br" type bridge stp_state 0 || fail "bridge"
	ip -n "${LANPFX}br" link set "$_br" up
	_a=1
	_ifs=
	for _h in "$@"; do
		_ns=$LANPFX$_h _if=eth0 _port=p$_h
		if ip netns pids "$_ns" >/dev/null 2>&1; then
			_k=$(ip -n "$_ns" -o link show | grep -c ': eth[0-9]*@')
			_if=eth$_k _port=p${_h}e$_k
		else
			ip netns add "$_ns" || fail "ip netns add $_ns"
			NAMESPACES="$NAMESPACES $_ns"
			ip -n "$_ns" link set lo up
			# Link-local addresses usable at once, not after
			# a second of duplicate detection.
			ip netns exec "$_ns" sysctl -q -w \
			    net.ipv6.conf.all.accept_dad=0 \
			    net.ipv6.conf.default.accept_dad=0 2>/dev/null
		fi
		ip -n "${LANPFX}br" link add "$_port" type veth peer name "$_if" netns "$_ns" ||
		    fail "veth for $_h"
		ip -n "${LANPFX}br" link set "$_port" master "$_br" up
		case ${LANFAM:-4} in
		*4*)	ip -n "$_ns" addr add "${LANNET:-10.231.77}.$_a/24" brd + dev "$_if" ;;
		esac
		case ${LANFAM:-4} in
		*6*)	ip -n "$_ns" addr add "${LANNET6:-fd00:231:77::}$_a/64" dev "$_if" nodad ;;
		esac
		ip -n "$_ns" link set "$_if" up
		_ifs="$_ifs $_ns/$_if"
		_a=$((_a + 1))
	done
	[ -z "$_mtu" ] || lan_mtu "$_mtu" "$@"
	# Bounded wait until every link is up.
	for _h in $_ifs; do
		_i=0
		while ! ip -n "${_h%/*}" link show "${_h#*/}" | grep -q 'state UP'; do
			[ $_i -lt 100 ] || fail "${_h#*/} in ${_h%/*} did not come up"
			sleep 0.05
			_i=$((_i + 1))
		done
	done
}

# own_netns: run this test again in a network namespace of its own (and
# a user namespace in which it is root: unshare -rn, which the kernel
# may allow any user), where it may make links (a veth pair) and
# routes; skipped where the kernel refuses.  Call it first.
own_netns() {
	[ -z "${NP_OWN_NETNS:-}" ] || return 0
	command -v unshare >/dev/null || skip "needs unshare(1)"
	command -v ip >/dev/null || skip "needs ip (iproute2)"
	unshare -rn true 2>/dev/null ||
	    skip "the kernel refuses this user a network namespace (unshare -rn)"
	rm -rf "$T"
	trap - EXIT
	NP_OWN_NETNS=1 exec unshare -rn sh "$0"
}

# own_link: in own_netns, a veth pair v0 - v1, both up, without
# duplicate address detection: v0 with 10.42.0.1/24 and fd42::1/64, v1
# with only its IPv6 link-local address (an IPv6-only interface).  What
# is sent to a group on v0 comes back to this host's members (multicast
# loop), as on a LAN.
own_link() {
	[ -n "${NP_OWN_NETNS:-}" ] || fail "own_link outside own_netns"
	sysctl -q -w net.ipv6.conf.all.accept_dad=0 \
	    net.ipv6.conf.default.accept_dad=0 || fail "sysctl accept_dad"
	ip link set lo up
	ip link add v0 type veth peer name v1 || skip "cannot make a veth pair here"
	ip addr add 10.42.0.1/24 dev v0
	ip addr add fd42::1/64 dev v0 nodad
	ip link set v0 up
	ip link set v1 up
	_i=0
	until ip -6 addr show dev v1 | grep -q 'inet6 fe80'; do
		[ $_i -lt 100 ] || fail "v1 has no link-local address"
		sleep 0.05
		_i=$((_i + 1))
	done
}

# lan_mtu MTU HOST...: the MTU of HOSTs' links on the LAN (both ends of
# each veth pair; the bridge follows its ports).
lan_mtu() {
	_m=$1
	shift
	for _h in "$@"; do
		ip -n "${LANPFX}br" link set "p$_h" mtu "$_m" ||
		    fail "MTU $_m on the bridge's port to $_h"
		ip -n "$LANPFX$_h" link set eth0 mtu "$_m" ||
		    fail "MTU $_m on eth0 in $_h"
	done
}

# ns_run NAME HOST IN CMD...: bg_run inside namespace np<pid>HOST.
ns_run() {
	_rn=$1 _rh=$2 _rin=$3
	shift 3
	bg_run "$_rn" "$_rin" ip netns exec "$LANPFX$_rh" "$@"
}
