# phonectl (build/phonectl, loading the real hidphone.tsp) against the standing set's virtual
# USB phones and the G535: list, describe, monitor, record and replay, lamp, ring, hook,
# output, feature, and its exit statuses. The gadget side (gadget-phone at /dev/hidgN) plays
# the input reports and records the output reports that reach the "device". Expectations
# come from phones.tsv and the fixtures' .expect files (positions from the independent
# decoder), never from phonectl's or the provider's parser. JSON is checked with jq.
# Every phonectl run is under `timeout`; 124/143 (killed) or >2 (crashed) fail the point.

unset HIDPHONE_DEVICES HIDPHONE_REPLAY_LOG
export HIDPHONE_TSP=/usr/local/lib/hidphone.tsp
PC=/tmp/phonectl
mkdir -p "$PC"

if ! command -v phonectl >/dev/null; then
	tap_not_ok "phonectl: the program is in the guest (run.sh copies build/phonectl)"
	exit 0
fi
if ! command -v jq >/dev/null; then
	tap_not_ok "phonectl: jq is in the guest (run.sh copies the host's jq)"
	exit 0
fi

nap_ms() { usleep $(($1 * 1000)) 2>/dev/null || sleep 1; }

# --- running phonectl --------------------------------------------------------------------

# pc NAME SECS ARGS...: phonectl ARGS under a timeout, stdout to $PC/NAME.out, stderr to
# $PC/NAME.err; PC_RC is its status. Returns 0 unless it was killed or crashed.
pc() {
	_n=$1 _s=$2
	shift 2
	timeout "$_s" phonectl "$@" >"$PC/$_n.out" 2>"$PC/$_n.err"
	PC_RC=$?
	case $PC_RC in
	0 | 1 | 2) return 0 ;;
	*)
		echo "phonectl $* exited with status $PC_RC (124/143: killed after $_s s)"
		return 1
		;;
	esac
}

# show NAME: the output of run NAME, for a failed point's diagnostics.
show() {
	echo "status $PC_RC; stdout:"
	head -n 40 "$PC/$1.out" | sed 's/^/  /'
	echo "stderr:"
	head -n 20 "$PC/$1.err" | sed 's/^/  /'
}

# pc_status WANT NAME SECS ARGS...: phonectl ARGS exits with WANT (one of "0", "1", "2",
# "0|1") within SECS, and says why on stderr when it is 1 or 2.
pc_status() {
	_want=$1
	shift
	pc "$@" || return 1
	case "|$_want|" in
	*"|$PC_RC|"*) ;;
	*) echo "want status $_want"; show "$1"; return 1 ;;
	esac
	if [ "$PC_RC" != 0 ] && [ ! -s "$PC/$1.err" ]; then
		echo "status $PC_RC without a message on stderr"
		return 1
	fi
	return 0
}

# jqcheck NAME FILE [jq options] FILTER: jq -e FILTER on FILE holds.
jqcheck() {
	_f=$1
	shift
	if ! _o=$(jq -e "$@" "$_f" 2>&1); then
		echo "jq $* failed on $_f: $_o"
		head -c 3000 "$_f"
		echo
		return 1
	fi
	return 0
}

# --- what the fixtures say -----------------------------------------------------------------

# fx_report FIXTURE KIND SPEC...: a report of KIND (input or output), as hex ("02 01 07"),
# built from the fixture's .expect: the report id of the first SPEC's field, every SPEC'd
# field set, everything else 0, and an input keypad array at a value that names no key
# unless a SPEC sets it. SPEC: PAGE:USAGE=VALUE for a variable (0x000b:0x0020=1), or
# keypad=USAGE (a Telephony key, 0xb0-0xbb) or keypad=idle. A SPEC'd field the fixture does
# not have, or that lives in another report, is left out; none at all prints nothing.
# The length is phones.tsv's report when its id is that one, else what the fields need.
fx_report() {
	fx_load "$1" || return 1
	_k=$2
	shift 2
	awk -v kind="$_k" -v tsvin="$FX_IN" -v tsvout="$FX_OUT" -v specs="$*" '
	function hex(s,   i, c, v) {
		s = tolower(s); sub(/^0x/, "", s); v = 0
		for (i = 1; i <= length(s); i++) {
			c = index("0123456789abcdef", substr(s, i, 1))
			if (!c) return -1
			v = v * 16 + c - 1
		}
		return v
	}
	function setbits(bit, size, v,   i, pos, byte, m) {
		for (i = 0; i < size; i++) {
			pos = (rid ? 8 : 0) + bit + i
			byte = int(pos / 8)
			if (byte >= len) continue
			m = 2 ^ (pos % 8)
			if (int(b[byte] / m) % 2) b[byte] -= m
			if (int(v / 2 ^ i) % 2) b[byte] += m
		}
	}
	$1 == "var" && $4 == kind {
		k = hex($2) ":" hex($3)
		vrid[k] = $5 + 0; vbit[k] = $6 + 0; vsize[k] = $7 + 0
		e = $6 + $7; if (e > end[$5 + 0]) end[$5 + 0] = e
	}
	$1 == "array" && $5 == kind {
		e = $7 + $8 * $9; if (e > end[$6 + 0]) end[$6 + 0] = e
		if (hex($2) == 11 && hex($3) <= 176 && 176 <= hex($4) && !kp) {
			kp = 1; kfirst = hex($3); klast = hex($4); krid = $6 + 0; kbit = $7 + 0
			ksize = $8 + 0; kmin = $10 + 0; kmax = $11 + 0
		}
	}
	END {
		n = split(specs, sp, " ")
		rid = -1
		for (i = 1; i <= n; i++) {
			split(sp[i], kv, "=")
			if (kv[1] == "keypad") { if (kp) { rid = krid; break } ; continue }
			split(kv[1], pu, ":")
			k = hex(pu[1]) ":" hex(pu[2])
			if (k in vrid) { rid = vrid[k]; break }
		}
		if (rid < 0) exit 1
		tsv = kind == "input" ? tsvin : tsvout
		if (rid && length(tsv) >= 2 && hex(substr(tsv, 1, 2)) == rid)
			len = length(tsv) / 2
		else
			len = int((end[rid] + 7) / 8) + (rid ? 1 : 0)
		for (i = 0; i < len; i++) b[i] = 0
		b[0] = rid
		if (kind == "input" && kp && krid == rid) {
			nu = klast - kfirst + 1
			split("0 " (2 ^ ksize - 1) " " kmax, cand, " ")
			for (c = 1; c <= 3; c++) {
				v = cand[c] + 0
				if (v < kmin || v > kmax || v - kmin >= nu) { setbits(kbit, ksize, v); break }
			}
		}
		for (i = 1; i <= n; i++) {
			split(sp[i], kv, "=")
			if (kv[1] == "keypad") {
				if (kp && krid == rid && kv[2] != "idle")
					setbits(kbit, ksize, kmin + hex(kv[2]) - kfirst)
				continue
			}
			split(kv[1], pu, ":")
			k = hex(pu[1]) ":" hex(pu[2])
			if ((k in vrid) && vrid[k] == rid) setbits(vbit[k], vsize[k], kv[2] + 0)
		}
		for (i = 0; i < len; i++) printf "%s%02x", i ? " " : "", b[i]
		printf "\n"
	}' "$E2E_DIR/descriptors/$1.expect"
}

# The PHONESTATE_ of the hook switch a fixture reports: its Telephony top-level collection
# is a Headset (0x05) or a handset phone.
fx_hook_state() {
	if grep -q '^tlc 0x000b 0x0005' "$E2E_DIR/descriptors/$1.expect"; then
		echo 0x8000
	else
		echo 0x200
	fi
}

# --- the gadget end --------------------------------------------------------------------------

# gcap_start FIXTURE FILE [N]: gadget-phone on the fixture's /dev/hidgN, stale output reports
# drained, recording those that arrive (O: lines) to FILE until N have come (default 1)
# and 300 ms more, or 20 s.
gcap_start() {
	GCAP_FILE=$2
	_g=$(gadget.sh hidg "$1" 5000) || return 1
	gadget-phone -d "$_g" -D -q -n "${3:-1}" -l 300 -t 20000 >"$GCAP_FILE" 2>&1 &
	GCAP_PID=$!
	_w=0
	while ! grep -q '^READY' "$GCAP_FILE" 2>/dev/null; do
		[ "$_w" -ge 5000 ] && { echo "gadget-phone on $_g not ready"; return 1; }
		nap_ms 20
		_w=$((_w + 20))
	done
	return 0
}

# gcap_end: waits up to 2 s for gadget-phone to finish, then stops it; prints the output
# reports it received, one per line ("02 04 00").
gcap_end() {
	_w=0
	while ! grep -q '^END' "$GCAP_FILE" 2>/dev/null && [ "$_w" -lt 2000 ]; do
		nap_ms 20
		_w=$((_w + 20))
	done
	kill "$GCAP_PID" 2>/dev/null
	wait "$GCAP_PID" 2>/dev/null
	sed -n 's/^O: [0-9.]* [0-9]* //p' "$GCAP_FILE"
}

# gplay FIXTURE SCRIPT LOG: gadget-phone plays SCRIPT at the fixture's /dev/hidgN, in the
# background (GPLAY_PID), its I:/O: lines to LOG.
gplay() {
	_g=$(gadget.sh hidg "$1" 5000) || return 1
	gadget-phone -d "$_g" -D -s "$2" -t 10000 -w 3000 >"$3" 2>&1 &
	GPLAY_PID=$!
}

# Waits up to MS for N open files of NODE in the guest (phonectl's own reader plus the
# provider's fd and hidapi's), i.e. until the phone is open.
wait_opens() {
	_w=0
	while [ "$(ls -l /proc/[0-9]*/fd 2>/dev/null | grep -c " -> $1\$")" -lt "$2" ]; do
		[ "$_w" -ge "$3" ] && return 1
		nap_ms 20
		_w=$((_w + 20))
	done
	return 0
}

