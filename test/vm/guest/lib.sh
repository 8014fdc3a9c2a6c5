# Helpers for the guest's test steps (busybox sh). Sourced by /init and by
# every step; each step runs in its own subshell, so the TAP bookkeeping lives
# in files under /run/e2e rather than in shell variables.

E2E_DIR=${E2E_DIR:-/etc/e2e}
E2E_RUN=/run/e2e
E2E_TSV=$E2E_DIR/phones.tsv

e2e_log() { echo "# $*"; }

# Seconds since boot, with hundredths: the guest has no other clock worth
# printing.
e2e_uptime() { cut -d' ' -f1 /proc/uptime; }

_tap_record() {
	# $1 = ok | not ok, $2 = description
	echo "$1" >>"$E2E_RUN/tap"
	n=$(wc -l <"$E2E_RUN/tap")
	echo "$1 $n - $2"
}

tap_ok() { _tap_record ok "$1"; }
tap_not_ok() { _tap_record "not ok" "$1"; }

# tap DESCRIPTION COMMAND [ARGS...]: one test point; the command's output
# (stdout and stderr) follows as TAP diagnostics.
tap() {
	_desc=$1
	shift
	_out=$("$@" 2>&1)
	_rc=$?
	if [ "$_rc" -eq 0 ]; then tap_ok "$_desc"; else tap_not_ok "$_desc"; fi
	[ -n "$_out" ] && printf '%s\n' "$_out" | sed -e 's/^# //' -e 's/^/# /'
	return "$_rc"
}

# tap_todo REASON DESCRIPTION COMMAND [ARGS...]: a test point for a known bug (TAP's TODO
# directive): "not ok N - DESC # TODO REASON" while the bug is there, which fails nothing;
# "ok N - DESC # TODO REASON" once it is fixed (time to make it a plain tap).
tap_todo() {
	_why=$1
	shift
	_desc=$1
	shift
	_out=$("$@" 2>&1)
	_rc=$?
	if [ "$_rc" -eq 0 ]; then
		_tap_record ok "$_desc # TODO $_why"
	else
		echo todo >>"$E2E_RUN/tap"
		echo "not ok $(wc -l <"$E2E_RUN/tap") - $_desc # TODO $_why"
	fi
	[ -n "$_out" ] && printf '%s\n' "$_out" | sed -e 's/^# //' -e 's/^/# /'
	return "$_rc"
}

tap_counts() {
	# prints "<passed> <failed>"
	if [ -f "$E2E_RUN/tap" ]; then
		p=$(grep -c '^ok$' "$E2E_RUN/tap")
		f=$(grep -c '^not ok$' "$E2E_RUN/tap")
	else
		p=0 f=0
	fi
	echo "$p $f"
}

# e2e_export NAME FILE: copies FILE out of the guest over the console; run.sh
# writes it to $BUILDDIR/vm/out/NAME. NAME must be a plain file name.
e2e_export() {
	echo "E2E-BEGIN-FILE $1"
	cat "$2"
	echo "E2E-END-FILE $1"
}

# Fixture table --------------------------------------------------------------

# Fixtures to use: those in phones.tsv whose descriptor is present, optionally
# narrowed by e2e.fixtures=a,b,c on the kernel command line.
e2e_fixtures() {
	_sel=$(cat "$E2E_RUN/fixtures.sel" 2>/dev/null)
	grep -v '^#' "$E2E_TSV" | cut -f1 | while read -r _fx; do
		[ -n "$_fx" ] || continue
		[ -f "$E2E_DIR/descriptors/$_fx.rdesc.hex" ] || continue
		if [ -n "$_sel" ]; then
			case ",$_sel," in *",$_fx,"*) ;; *) continue ;; esac
		fi
		echo "$_fx"
	done
}

# fx_load FIXTURE: sets FX_VID FX_PID FX_MFR FX_PROD FX_IN FX_OUT FX_RLEN FX_KIND.
fx_load() {
	_line=$(grep "^$1	" "$E2E_TSV" | head -n 1)
	[ -n "$_line" ] || { echo "fixture $1 is not in $E2E_TSV" >&2; return 1; }
	_ifs=$IFS
	IFS='	'
	# shellcheck disable=SC2086
	set -- $_line
	IFS=$_ifs
	# shellcheck disable=SC2034 # used by the steps
	FX_VID=$2 FX_PID=$3 FX_MFR=$4 FX_PROD=$5 FX_IN=$6 FX_OUT=$7 FX_RLEN=$8 FX_KIND=$9
}

# f_hid serves at most 4 functions at a time (HIDG_MINORS in the kernel), so
# the fixtures are plugged in batches of at most this many.
E2E_MAX_GADGETS=4

e2e_phones() { for _f in $(e2e_fixtures); do fx_load "$_f" && [ "$FX_KIND" = phone ] && echo "$_f"; done; }
e2e_controls() { for _f in $(e2e_fixtures); do fx_load "$_f" && [ "$FX_KIND" != phone ] && echo "$_f"; done; }

# One batch per line: the first holds only phones (as many as fit), the
# non-phone controls lead the next, the rest follow in order.
e2e_batches() {
	{ e2e_phones | head -n "$E2E_MAX_GADGETS"
	  e2e_controls
	  e2e_phones | tail -n +$((E2E_MAX_GADGETS + 1)); } |
		awk -v n="$E2E_MAX_GADGETS" '{ printf "%s%s", $0, (NR % n ? " " : "\n") } END { if (NR % n) print "" }'
}

# The set left plugged in for the later steps (re-plug, latency, and whatever
# later slices add): phones plus the negative control(s), as many as fit.
e2e_standing_set() {
	_nc=$(e2e_controls | wc -l)
	{ e2e_phones | head -n $((E2E_MAX_GADGETS - _nc)); e2e_controls; } | head -n "$E2E_MAX_GADGETS"
}

# The first phone of the standing set, for steps that need just one.
e2e_standing_phone() {
	for _f in $(cat "$E2E_RUN/standing" 2>/dev/null); do
		fx_load "$_f" && [ "$FX_KIND" = phone ] && echo "$_f" && return 0
	done
	return 1
}

# fx_report FIXTURE KIND SPEC...: a report of KIND (input or output), as hex ("02 01 07"),
# built from the fixture's .expect: the report id of the first SPEC's field, every SPEC'd
# field set, everything else 0, and an input keypad array at a value that names no key
# unless a SPEC sets it. SPEC: PAGE:USAGE=VALUE for a variable (0x000b:0x0020=1), or
# keypad=USAGE (a Telephony key, 0xb0-0xbb) or keypad=idle. A SPEC'd field the fixture does
# not have, or that lives in another report, is left out; none at all prints nothing.
# The length is phones.tsv's report when its id is that one, else what the fields need.
fx_report() {
	_fxr=$1 _k=$2
	fx_load "$_fxr" || return 1
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
	# (busybox awk has no ^ without its math support)
	function pow2(n,   r) { r = 1; while (n-- > 0) r *= 2; return r }
	function setbits(bit, size, v,   i, pos, byte, m) {
		for (i = 0; i < size; i++) {
			pos = (rid ? 8 : 0) + bit + i
			byte = int(pos / 8)
			if (byte >= len) continue
			m = pow2(pos % 8)
			if (int(b[byte] / m) % 2) b[byte] -= m
			if (int(v / pow2(i)) % 2) b[byte] += m
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
			split("0 " (pow2(ksize) - 1) " " kmax, cand, " ")
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
	}' "$E2E_DIR/descriptors/$_fxr.expect"
}

# The hidraw node of a fixture's gadget, waiting up to $2 ms (default 0).
fx_hidraw() {
	fx_load "$1" || return 1
	hidraw-check find "$FX_VID" "$FX_PID" "${2:-0}"
}

# The debugfs/sysfs name of the HID device behind a hidraw node
# (e.g. 0003:0B0E:24C9.0001).
hid_name_of() {
	_l=$(readlink "/sys/class/hidraw/${1#/dev/}/device") || return 1
	echo "${_l##*/}"
}

# tap_run SECONDS PROGRAM [ARGS...]: runs a program that prints its own test points
# ("ok - DESC" or "not ok - DESC", "# ..." diagnostics) and turns each into a TAP line
# here. The program is killed after SECONDS; dying (status other than 0 or 1) is a
# failure of its own. Lines of anything else (the provider's log) become diagnostics.
tap_run() {
	_secs=$1
	shift
	_st=$E2E_RUN/tap_run.status
	rm -f "$_st"
	{ timeout "$_secs" "$@" 2>&1; echo "$?" >"$_st"; } | while IFS= read -r _l; do
		case $_l in
		"ok - "*) tap_ok "${_l#ok - }" ;;
		"not ok - "*) tap_not_ok "${_l#not ok - }" ;;
		"#"*) echo "$_l" ;;
		*) echo "# $_l" ;;
		esac
	done
	_rc=$(cat "$_st" 2>/dev/null || echo 255)
	case $_rc in
	0 | 1) ;;
	*) tap_not_ok "$* exited with status $_rc (killed after ${_secs} s if 143)" ;;
	esac
	return "$_rc"
}

# e2e_arg NAME DEFAULT: the value of e2e.NAME= on the kernel command line.
e2e_arg() {
	for _w in $(cat /proc/cmdline); do
		case $_w in "e2e.$1="*) echo "${_w#*=}"; return 0 ;; esac
	done
	echo "$2"
}
