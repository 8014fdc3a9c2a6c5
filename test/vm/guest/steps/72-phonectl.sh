# phonectl (build/phonectl, loading the real hidphone.tsp) against the standing set's virtual
# USB phones and the G535: list, describe, lamp, ring, hook, output, display, volume,
# feature, monitor, record and replay, as root and as a user who may not open the nodes, an
# unplug under monitor and record, and the exit statuses. The gadget side (gadget-phone at
# /dev/hidgN) plays the input reports and records the output reports that reach the
# "device". Expectations come from phones.tsv and the fixtures' .expect files (positions
# from the independent decoder), never from phonectl's or the provider's parser. JSON is
# checked with jq (the host's, copied in by run.sh).
# Every phonectl run is under `timeout`: killed (124/143) or crashed (>2) fails the point,
# including the crash described below, which a point of its own watches for.

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

# A bug this step found: TSPI_providerShutdown returned while a reader thread that ended its
# own phone (unplug, or the end of a replayed recording) still ran its last instructions in
# reader_main (tsp/phone-io.c), so the host's dlclose pulled the code from under it and
# phonectl died of SIGSEGV as it exited ("segfault at A ip A", executing unmapped memory).
# Such a crash is written to $PC/known-crashes, and the point at the end of the step fails
# on any. Any other crash fails where it happens.
KNOWN_BUG="provider: a reader thread outlives TSPI_providerShutdown (phonectl SIGSEGV in reader_main after dlclose)"
: >"$PC/known-crashes"
# The kernel logs unhandled SIGSEGVs when this is on (the default on x86).
echo 1 >/proc/sys/debug/exception-trace 2>/dev/null

# dmesg_mark: the kernel log's length now, for known_crash.
dmesg_mark() { dmesg | wc -l; }

# known_crash MARK NAME: a phonectl thread died executing unmapped code since the kernel log
# had MARK lines ("phonectl[TID]": the thread, not the process); noted if so.
known_crash() {
	_l=$(dmesg | awk -v from="$1" 'NR > from && /phonectl\[[0-9]+\]: segfault at / {
		i = index($0, "phonectl[")
		split(substr($0, i), f, " ")
		a = f[4]; b = f[6]; sub(/^0+/, "", a); sub(/^0+/, "", b)
		if (f[5] == "ip" && a == b) { print substr($0, i); exit }
	}')
	[ -n "$_l" ] || return 1
	echo "$2: $_l" >>"$PC/known-crashes"
	echo "# $2: phonectl died of the known unload race: $_l"
}

# reap PID NAME MARK: waits for a phonectl started in the background after dmesg_mark gave
# MARK; REAP_RC is its status, 0 for the known crash.
reap() {
	{ wait "$1"; } 2>/dev/null
	REAP_RC=$?
	REAP_KNOWN=
	if [ "$REAP_RC" = 139 ] && known_crash "$3" "$2"; then
		REAP_RC=0
		REAP_KNOWN=1
	fi
}

# pc NAME SECS ARGS...: phonectl ARGS under a timeout, stdout to $PC/NAME.out, stderr to
# $PC/NAME.err; PC_RC is its status. Returns 0 unless it was killed or crashed. A run that
# dies of the known crash is run again, once.
pc() {
	_pn=$1 _ps=$2
	shift 2
	for _try in 1 2; do
		_pm=$(dmesg_mark)
		timeout "$_ps" phonectl "$@" >"$PC/$_pn.out" 2>"$PC/$_pn.err" &
		{ wait $!; } 2>/dev/null
		PC_RC=$?
		[ "$PC_RC" = 139 ] && [ "$_try" = 1 ] && known_crash "$_pm" "$_pn" >/dev/null || break
	done
	case $PC_RC in
	0 | 1 | 2) return 0 ;;
	*)
		echo "phonectl $* exited with status $PC_RC (124/143: killed after $_ps s)"
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

# fx_report: guest/lib.sh.

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

# gcap_end [MS]: waits up to MS (default 2000) for gadget-phone to finish, then stops it;
# prints the output reports it received, one per line ("02 04 00").
gcap_end() {
	_w=0
	while ! grep -q '^END' "$GCAP_FILE" 2>/dev/null && [ "$_w" -lt "${1:-2000}" ]; do
		nap_ms 20
		_w=$((_w + 20))
	done
	kill "$GCAP_PID" 2>/dev/null
	wait "$GCAP_PID" 2>/dev/null
	sed -n 's/^O: [0-9.]* [0-9]* //p' "$GCAP_FILE"
}

# gplay FIXTURE SCRIPT LOG: gadget-phone plays SCRIPT at the fixture's /dev/hidgN, in the
# background (GPLAY_PID), its I:/O: lines to LOG; it stays 500 ms to take the provider's
# answer to the last report (the Off-Hook LED).
gplay() {
	_g=$(gadget.sh hidg "$1" 5000) || return 1
	gadget-phone -d "$_g" -D -s "$2" -l 500 -t 10000 -w 3000 >"$3" 2>&1 &
	GPLAY_PID=$!
}

# Waits up to MS for N open files of NODE in the guest (phonectl's own reader plus the
# provider's fd and hidapi's), i.e. until the phone is open.
wait_opens() {
	_w=0
	# shellcheck disable=SC2010 # ls -l shows the links' targets, which is what counts
	while [ "$(ls -l /proc/[0-9]*/fd 2>/dev/null | grep -c " -> $1\$")" -lt "$2" ]; do
		[ "$_w" -ge "$3" ] && return 1
		nap_ms 20
		_w=$((_w + 20))
	done
	return 0
}

# NODE_<fixture, non-alphanumerics as _>: the hidraw node of each fixture.
var_of() { echo "$1" | tr -c 'a-zA-Z0-9\n' '_'; }
node_of() { eval "echo \"\$NODE_$(var_of "$1")\""; }

# ============================================================================================

PHONES=
CONTROLS=
for fx in $(cat "$E2E_RUN/standing" 2>/dev/null); do
	fx_load "$fx" || continue
	if ! dev=$(fx_hidraw "$fx" 5000); then
		tap_not_ok "phonectl: $fx has a hidraw node"
		continue
	fi
	eval "NODE_$(var_of "$fx")=$dev"
	if [ "$FX_KIND" = phone ]; then PHONES="$PHONES $fx"; else CONTROLS="$CONTROLS $fx"; fi
done
# shellcheck disable=SC2086 # word counts
NPHONES=$(echo $PHONES | wc -w)
# shellcheck disable=SC2086
NDEVS=$(echo $PHONES $CONTROLS | wc -w)
echo "# phones:$PHONES; others:$CONTROLS"
if [ "$NPHONES" = 0 ]; then
	tap_not_ok "phonectl: no phone in the standing set"
	exit 0
fi
t0=$(e2e_uptime)
lap() {
	echo "# phonectl: $1 took $(awk -v a="$t0" -v b="$(e2e_uptime)" 'BEGIN{printf "%.2f", b-a}') s"
	t0=$(e2e_uptime)
}

# --- list ------------------------------------------------------------------------------------

check_list_json() {
	f=$PC/list-json.out
	jqcheck "$f" ".devices | length == $NDEVS" || return 1
	jqcheck "$f" "[.devices[].phone] == ([range($NPHONES)] | map(true)) + ([range($NDEVS - $NPHONES)] | map(false))" ||
		return 1
	jqcheck "$f" "[.devices[] | select(.phone) | .tapi_id] | sort == [range($NPHONES)]" || return 1
	for fx in $PHONES $CONTROLS; do
		fx_load "$fx"
		if [ "$FX_KIND" = phone ]; then
			want='.phone == true and .accessible == true and .reason == null and (.tapi_id | type) == "number"'
		else
			want='.phone == false and .tapi_id == null and .reason == "no Telephony top-level collection"'
		fi
		jqcheck "$f" --arg node "$(node_of "$fx")" --arg mfr "$FX_MFR" --arg prod "$FX_PROD" \
			"[.devices[] | select(.node == \$node)] | length == 1 and (.[0] |
			 .vendor_id == $((0x$FX_VID)) and .product_id == $((0x$FX_PID)) and .bus_name == \"usb\" and
			 .manufacturer == \$mfr and .product == \$prod and $want)" || { echo "($fx)"; return 1; }
	done
}

check_list_text() {
	f=$PC/list.out
	for fx in $PHONES $CONTROLS; do
		fx_load "$fx"
		node=$(node_of "$fx")
		want="$node  $FX_VID:$FX_PID  usb  interface 0  \"$FX_MFR $FX_PROD\""
		if ! ln=$(grep -n -x -F "$want" "$f"); then
			echo "$fx: no line '$want'"
			cat "$f"
			return 1
		fi
		next=$(sed -n "$((${ln%%:*} + 1))p" "$f")
		if [ "$FX_KIND" = phone ]; then
			want="  phone, TAPI id $(jq -r --arg node "$node" '.devices[] | select(.node == $node) | .tapi_id' \
				"$PC/list-json.out")"
		else
			want="  not a phone: no Telephony top-level collection"
		fi
		if [ "$next" != "$want" ]; then
			echo "$fx: after its line, want '$want', got '$next'"
			cat "$f"
			return 1
		fi
	done
	last_phone=$(grep -n '^  phone, TAPI id' "$f" | tail -n 1 | cut -d: -f1)
	first_other=$(grep -n '^  not a phone' "$f" | head -n 1 | cut -d: -f1)
	if [ -n "$first_other" ] && [ "$last_phone" -gt "$first_other" ]; then
		echo "a device that is not a phone is listed before a phone"
		cat "$f"
		return 1
	fi
}

check_list_global_json() {
	pc_status 0 list-json2 30 --json list || return 1
	jqcheck "$PC/list-json2.out" --slurpfile a "$PC/list-json.out" '. == $a[0]'
}

if tap "phonectl list --json: exit 0" pc_status 0 list-json 30 list --json; then
	tap "phonectl list --json: $NDEVS devices, the $NPHONES phones first, each with its node, VID:PID, bus usb, the USB strings of phones.tsv, TAPI ids 0..$((NPHONES - 1)) once each; the G535 not a phone: no Telephony top-level collection" \
		check_list_json
	tap "phonectl --json list (the global option) prints the same" check_list_global_json
fi
if tap "phonectl list: exit 0" pc_status 0 list 30 list; then
	tap "phonectl list: a line per device with node, VID:PID, usb, interface 0 and \"manufacturer product\"; phones first with the TAPI id of --json, the G535 'not a phone: no Telephony top-level collection'" \
		check_list_text
fi
lap list

# --- describe ----------------------------------------------------------------------------------

fx_nbytes() { hex2bin "$E2E_DIR/descriptors/$1.rdesc.hex" | wc -c; }

for fx in $PHONES $CONTROLS; do
	fx_load "$fx"
	node=$(node_of "$fx")
	nb=$(fx_nbytes "$fx")
	# (not $n: lib.sh's tap numbering uses it)
	dn=describe-$fx
	tap "phonectl describe $node --json ($fx): exit 0" pc_status 0 "$dn" 30 describe "$node" --json || continue
	if [ "$FX_KIND" = phone ]; then
		tap "phonectl describe $node --json ($fx): descriptor_bytes $nb, device $FX_VID:$FX_PID, a phone, tapi.name \"$FX_PROD\", tapi.num_button_lamps > 0" \
			jqcheck "$PC/$dn.out" --arg prod "$FX_PROD" ".descriptor_bytes == $nb and .format == \"hidraw\" and
			 .device.vendor_id == $((0x$FX_VID)) and .device.product_id == $((0x$FX_PID)) and
			 .telephony.phone == true and .tapi.name == \$prod and .tapi.num_button_lamps > 0"
	else
		tap "phonectl describe $node --json ($fx): descriptor_bytes $nb, device $FX_VID:$FX_PID, not a phone, no tapi" \
			jqcheck "$PC/$dn.out" ".descriptor_bytes == $nb and .device.vendor_id == $((0x$FX_VID)) and
			 .device.product_id == $((0x$FX_PID)) and .telephony.phone == false and (has(\"tapi\") | not)"
	fi
done

FX1=$(echo $PHONES | cut -d' ' -f1)
NODE1=$(node_of "$FX1")
NB1=$(fx_nbytes "$FX1")
check_describe_text() {
	pc_status 0 describe-text 30 describe "$NODE1" || return 1
	grep -qxF "descriptor: $NODE1 (hidraw), $NB1 bytes" "$PC/describe-text.out" &&
		grep -q '^tapi (PHONECAPS from the provider):' "$PC/describe-text.out" && return 0
	show describe-text
	return 1
}
tap "phonectl describe $NODE1 ($FX1, text): 'descriptor: $NODE1 (hidraw), $NB1 bytes' and the provider's PHONECAPS" \
	check_describe_text

check_attached() {
	pc_status 0 attached 60 describe --attached --json || return 1
	want=$(for fx in $PHONES; do node_of "$fx"; done | jq -R . | jq -s -c 'sort')
	jqcheck "$PC/attached.out" -s "([.[].source] | sort) == $want and all(.[]; .telephony.phone and .tapi.num_button_lamps > 0)"
}
tap "phonectl describe --attached --json: exactly the phones ($(for fx in $PHONES; do node_of "$fx"; done | tr '\n' ' ')), each with its PHONECAPS" \
	check_attached
lap describe

# --- lamp, ring, hook, output: bytes at the gadget ----------------------------------------------

# check_wire NAME WANT_STDOUT WANT_REPORT GOT: run NAME exited 0 printing WANT_STDOUT (a
# line), and the gadget received exactly one output report, WANT_REPORT.
check_wire() {
	bad=
	[ "$PC_RC" = 0 ] || bad="status $PC_RC"
	grep -qxF "$2" "$PC/$1.out" || bad="$bad; no line '$2'"
	[ "$4" = "$3" ] || bad="$bad; the gadget received [$(echo "$4" | tr '\n' '|' | sed 's/|$//')], want [$3]"
	[ -z "$bad" ] && return 0
	echo "${bad#; }"
	show "$1"
	return 1
}

# wire FIXTURE NAME DESC WANT_STDOUT WANT_REPORT ARGS...: phonectl ARGS with gadget-phone
# recording at the fixture's gadget, then check_wire.
wire() {
	_fx=$1 _n=$2 _d=$3 _o=$4 _r=$5
	shift 5
	if [ -z "$_r" ]; then
		tap_not_ok "$_d (no expected report: the .expect lacks the field)"
		return
	fi
	if ! gcap_start "$_fx" "$PC/$_n.gadget"; then
		tap_not_ok "$_d (gadget-phone did not start)"
		return
	fi
	# (its complaint about a kill or crash as a diagnostic; PC_RC stays in this shell)
	pc "$_n" 30 "$@" >"$PC/$_n.why"
	sed 's/^/# /' "$PC/$_n.why"
	_got=$(gcap_end)
	tap "$_d" check_wire "$_n" "$_o" "$_r" "$_got"
}

check_lamp_list() {
	# every id whose PHONECAPS lamp modes are not DUMMY (1), in order, each OFF after the open
	ids=$(jq -r '.tapi.buttons[] | select(.lamp_modes != 1) | .id' "$PC/describe-$1.out" | tr '\n' ' ')
	got=$(awk '$1 == "lamp" { printf "%s ", $2 }' "$PC/$2.out")
	if [ "$PC_RC" != 0 ] || [ -z "$ids" ] || [ "$got" != "$ids" ] ||
		[ "$(grep -c ' OFF$' "$PC/$2.out")" != "$(echo $ids | wc -w)" ]; then
		echo "want lamps $ids, all OFF; got $got"
		show "$2"
		return 1
	fi
}

for fx in $PHONES; do
	fx_load "$fx"
	node=$(node_of "$fx")
	dj=$PC/describe-$fx.out
	# A lamp that can be steady whose button is Phone Mute (it shares its id with the Mute LED).
	lamp=$(jq -r '[.tapi.buttons[] | select(.function == "MUTE" and ((.lamp_modes / 4 | floor) % 2) == 1) | .id][0] // empty' "$dj" 2>/dev/null)
	devs=$(jq -r '.tapi.hookswitch_devs // 0' "$dj" 2>/dev/null)
	hdev=
	[ $((devs & 1)) != 0 ] && hdev=HANDSET
	[ $((devs & 2)) != 0 ] && [ -z "$hdev" ] && hdev=SPEAKER
	[ $((devs & 4)) != 0 ] && hdev=HEADSET

	pc "lamps-$fx" 30 lamp "$node" >"$PC/lamps-$fx.why"
	sed 's/^/# /' "$PC/lamps-$fx.why"
	tap "phonectl lamp $node ($fx): lists every lamp of PHONECAPS, OFF" check_lamp_list "$fx" "lamps-$fx"

	if [ -n "$lamp" ]; then
		wire "$fx" "lamp-$fx" "phonectl lamp $node $lamp STEADY ($fx, the Mute lamp): completed: success, the Mute LED alone at the gadget" \
			"completed: success" "$(fx_report "$fx" output 0x0008:0x0009=1)" lamp "$node" "$lamp" STEADY
	else
		tap_not_ok "phonectl lamp ($fx): no lamp with STEADY whose button function is MUTE in describe --json"
	fi
	wire "$fx" "ring-$fx" "phonectl ring $node 1 ($fx): completed: success, Ring LED and Ringer at the gadget" \
		"completed: success" "$(fx_report "$fx" output 0x0008:0x0018=1 0x000b:0x009e=1)" ring "$node" 1
	if [ -n "$hdev" ]; then
		wire "$fx" "hook-$fx" "phonectl hook $node $hdev MICSPEAKER ($fx): completed: success, the Off-Hook LED at the gadget" \
			"completed: success" "$(fx_report "$fx" output 0x0008:0x0017=1)" hook "$node" "$hdev" MICSPEAKER
	else
		tap_not_ok "phonectl hook ($fx): describe --json gives no hook switch device"
	fi
	out=$(echo "$FX_OUT" | sed 's/../& /g; s/ $//')
	# shellcheck disable=SC2086 # one argument per byte
	wire "$fx" "output-$fx" "phonectl output $node $out ($fx): 'sent $(echo $out | wc -w) bytes', those bytes at the gadget" \
		"sent $(echo $out | wc -w) bytes" "$out" output "$node" $out
done
lap "lamp, ring, hook, output"

# Getters, on the first phone: a fresh open has every lamp off, the ringer silent, on hook.
check_getters() {
	lamp=$(jq -r '[.tapi.buttons[] | select(.lamp_modes != 1) | .id][0]' "$PC/describe-$FX1.out")
	pc_status 0 lampget 30 lamp "$NODE1" "$lamp" && grep -qxF "lamp $lamp: OFF" "$PC/lampget.out" || { show lampget; return 1; }
	pc_status 0 ringget 30 ring "$NODE1" && grep -qx 'ring mode 0, volume 0x[0-9a-f]*' "$PC/ringget.out" || { show ringget; return 1; }
	pc_status 0 hookget 30 hook "$NODE1" && grep -qxF 'off hook: none' "$PC/hookget.out" || { show hookget; return 1; }
}
tap "phonectl lamp $NODE1 ID, ring $NODE1, hook $NODE1 ($FX1): lamp OFF, ring mode 0, off hook: none" check_getters

# Requests the provider refuses (exit 1, "refused: <its error>" on stdout), none of which may
# put anything on the wire. The standing phones are headsets without a display or volume.
MUTE1=$(jq -r '[.tapi.buttons[] | select(.function == "MUTE" and ((.lamp_modes / 4 | floor) % 2) == 1) | .id][0] // 0' "$PC/describe-$FX1.out")
# a blink mode that lamp's PHONECAPS lamp modes leave out
MODES1=$(jq -r ".tapi.buttons[] | select(.id == $MUTE1) | .lamp_modes" "$PC/describe-$FX1.out")
NOMODE1=
for m in 8:WINK 16:FLASH 32:FLUTTER 64:BROKENFLUTTER; do
	[ $((${MODES1:-0} & ${m%%:*})) = 0 ] && { NOMODE1=${m#*:}; break; }
done
# check_refused ERROR ARGS...: phonectl ARGS exits 1 printing "refused: ERROR".
check_refused() {
	_want=$1
	shift
	pc refused 30 "$@" || return 1
	[ "$PC_RC" = 1 ] && grep -qxF "refused: $_want" "$PC/refused.out" && return 0
	echo "want status 1 and 'refused: $_want'"
	show refused
	return 1
}
refuse() {
	_e=$1
	shift
	tap "phonectl $* ($FX1): exit 1, refused: $_e" check_refused "$_e" "$@"
}
if gcap_start "$FX1" "$PC/refusals.gadget"; then
	refuse PHONEERR_INVALBUTTONLAMPID lamp "$NODE1" 999 STEADY
	[ -z "$NOMODE1" ] || refuse PHONEERR_INVALLAMPMODE lamp "$NODE1" "$MUTE1" "$NOMODE1"
	refuse PHONEERR_INVALRINGMODE ring "$NODE1" 5
	# a hook switch device the phone does not have
	devs1=$(jq -r '.tapi.hookswitch_devs // 0' "$PC/describe-$FX1.out")
	for d in 1:HANDSET 2:SPEAKER 4:HEADSET; do
		if [ $((devs1 & ${d%%:*})) = 0 ]; then
			refuse PHONEERR_INVALHOOKSWITCHDEV hook "$NODE1" "${d#*:}" MICSPEAKER
			break
		fi
	done
	refuse PHONEERR_OPERATIONUNAVAIL display "$NODE1"
	refuse PHONEERR_OPERATIONUNAVAIL display "$NODE1" 0 0 hello
	refuse PHONEERR_OPERATIONUNAVAIL volume "$NODE1" HEADSET
	refuse PHONEERR_OPERATIONUNAVAIL volume "$NODE1" HEADSET 0x8000
	got=$(gcap_end 300)
	tap "phonectl: the refused requests put nothing on the wire ($FX1's gadget received nothing)" test -z "$got"
	[ -z "$got" ] || echo "# received: $got"
else
	tap_not_ok "phonectl: refusals ($FX1's gadget-phone did not start)"
fi
lap "getters, refusals"

# --- feature reports: f_hid answers GET_REPORT with zeros and stalls SET_REPORT ---------------

# The first feature report the descriptor declares, and its size on the wire (id included).
FID=$(jq -r '[.reports[] | select(.kind == "feature") | .id][0] // 1' "$PC/describe-$FX1.out" 2>/dev/null)
[ -n "$FID" ] || FID=1
FLEN=$(jq -r "[.reports[] | select(.kind == \"feature\" and .id == $FID) | .bytes][0] // empty" "$PC/describe-$FX1.out" 2>/dev/null)
check_feature_get() {
	pc_status "0|1" fget 30 feature get "$NODE1" "$FID" || return 1
	echo "status $PC_RC: $(cat "$PC/fget.out" "$PC/fget.err" | head -c 300 | tr '\n' ' ')"
	[ "$PC_RC" = 0 ] || return 0
	# f_hid answers with zeros, report id byte included: only the size can be judged.
	got=$(head -n 1 "$PC/fget.out" | wc -w)
	if [ -n "$FLEN" ] && [ "$got" != "$FLEN" ]; then
		echo "$got bytes printed, the descriptor declares $FLEN"
		return 1
	fi
}
tap "phonectl feature get $NODE1 $FID ($FX1): succeeds or fails cleanly (exit 0 with the ${FLEN:-?} bytes of the report, or 1 with a message)" \
	check_feature_get
check_feature_set() {
	pc_status 1 fset 30 feature set "$NODE1" "$FID" 00 || return 1
	echo "stderr: $(head -c 300 "$PC/fset.err")"
}
tap "phonectl feature set $NODE1 $FID 00 ($FX1): f_hid stalls SET_REPORT: exit 1 with a message, no hang" \
	check_feature_set
lap feature

# --- monitor and record while the gadget plays hook off, key 5, hook on --------------------------

HS=$(fx_hook_state "$FX1")
# The Off-Hook LED is a lamp that follows the hook: each hook change also brings a
# PHONE_STATE LAMP for it (none where the phone has no Off-Hook LED).
OHL=$(phonectl lamp "$NODE1" 2>/dev/null | awk '$1 == "lamp" && $3 == "LED.OffHook" { print $2; exit }')
if [ -n "$OHL" ]; then
	EV_LAMP=",[\"PHONE_STATE\",64,$OHL,0]"
	N_EV=6
	T_LAMP="PHONE_STATE 0x40 $(printf '0x%x' "$OHL") 0x0|"
else
	EV_LAMP=
	T_LAMP=
	N_EV=4
fi
R_OFF=$(fx_report "$FX1" input 0x000b:0x0020=1)
R_K5=$(fx_report "$FX1" input 0x000b:0x0020=1 keypad=0xb5)
R_K0=$(fx_report "$FX1" input 0x000b:0x0020=1 keypad=0xb0)
R_ON=$(fx_report "$FX1" input 0x000b:0x0020=0)
SCRIPT=$PC/play.hidrec
printf 'E: %s\nS: 250\nE: %s\nS: 250\nE: %s\nS: 250\nE: %s\n' "$R_OFF" "$R_K5" "$R_OFF" "$R_ON" >"$SCRIPT"
echo "# $FX1 plays: $R_OFF (hook off) / $R_K5 (key 5) / $R_OFF (key up) / $R_ON (hook on); hook state $HS"

check_monitor() {
	f=$PC/monitor.out
	bad=
	[ "$MON_RC" = 0 ] || bad="monitor exited with status $MON_RC"
	reps=$(printf '"%s",' "$R_OFF" "$R_K5" "$R_OFF" "$R_ON")
	evs="[\"PHONE_STATE\",$((HS)),8,0]$EV_LAMP,[\"PHONE_BUTTON\",5,8,2],[\"PHONE_BUTTON\",5,8,1],[\"PHONE_STATE\",$((HS)),1,0]$EV_LAMP"
	jq -e -s "[.[] | select(.type == \"report\") | .bytes] == [${reps%,}]" "$f" >/dev/null 2>&1 ||
		bad="$bad; report lines are not [${reps%,}]"
	jq -e -s "[.[] | select(.type == \"event\" and (.message == \"PHONE_STATE\" or .message == \"PHONE_BUTTON\")) |
		[.message, .param1, .param2, .param3]] == [$evs]" "$f" >/dev/null 2>&1 ||
		bad="$bad; PHONE_STATE/PHONE_BUTTON events are not [$evs]"
	[ -z "$bad" ] && return 0
	echo "${bad#; }"
	cat "$f"
	echo "stderr:"
	cat "$PC/monitor.err"
	echo "gadget:"
	cat "$PC/monitor.gadget"
	return 1
}

MON_LIVE="not measured"
mark=$(dmesg_mark)
timeout 30 phonectl monitor --json --seconds 3 "$NODE1" >"$PC/monitor.out" 2>"$PC/monitor.err" &
mpid=$!
if wait_opens "$NODE1" 3 15000; then
	nap_ms 200
	gplay "$FX1" "$SCRIPT" "$PC/monitor.gadget"
	wait "$GPLAY_PID"
	# Half a second after the last report, with a second or more of --seconds to go: what
	# has reached monitor's output file by now is what a pipe reader would have seen.
	if kill -0 "$mpid" 2>/dev/null; then
		MON_LIVE=$(grep -c '"type":"report"' "$PC/monitor.out")
	else
		MON_LIVE="none (monitor had ended)"
	fi
else
	echo "# monitor did not open $NODE1 within 15 s"
fi
reap "$mpid" monitor "$mark"
MON_RC=$REAP_RC
tap "phonectl monitor --json --seconds 3 $NODE1 ($FX1): the 4 reports played at the gadget as report lines, then PHONE_STATE off hook, PHONE_BUTTON 5 down, up, PHONE_STATE on hook" \
	check_monitor
# Known phonectl bug: monitor prints with stdio and never flushes, so off a terminal (a pipe
# into jq, a log file) its lines come in 4 KiB blocks or at exit, not live.
check_monitor_live() {
	[ "$MON_LIVE" = 4 ] && return 0
	echo "report lines in the file while monitor still ran: $MON_LIVE (want 4)"
	return 1
}
tap "phonectl monitor --json $NODE1: the 4 report lines are in its output file while it still runs" \
	check_monitor_live
lap monitor

# record NAME ARGS...: phonectl record --seconds 3 -o $PC/NAME.hid ARGS $NODE1 while the
# gadget plays the script; REC_RC is its status.
record() {
	_n=$1
	shift
	rm -f "$PC/$_n.hid"
	_m=$(dmesg_mark)
	timeout 30 phonectl record --seconds 3 -o "$PC/$_n.hid" "$@" "$NODE1" >"$PC/$_n.out" 2>"$PC/$_n.err" &
	_p=$!
	_w=0
	# The header is written once the phone is open.
	while ! grep -q '^R: ' "$PC/$_n.hid" 2>/dev/null && [ "$_w" -lt 15000 ]; do
		nap_ms 20
		_w=$((_w + 20))
	done
	nap_ms 200
	gplay "$FX1" "$SCRIPT" "$PC/$_n.gadget"
	wait "$GPLAY_PID"
	reap "$_p" "$_n" "$_m"
	REC_RC=$REAP_RC
}

# check_recording NAME KEY_REPORT KEY_ID: the recording parses, has the fixture's R:, the four
# E: lines (the key as KEY_REPORT), the T: lines of the four events (the key as KEY_ID),
# timestamps that never go back, and replay --check passes on it.
check_recording() {
	f=$PC/$1.hid
	bad=
	[ "$REC_RC" = 0 ] || bad="record exited with status $REC_RC"
	r=$(awk '$1 == "R:" { $1 = ""; print substr($0, 2); exit }' "$f")
	want="$NB1 $(hex2bin "$E2E_DIR/descriptors/$FX1.rdesc.hex" | od -An -v -tx1 | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')"
	[ "$r" = "$want" ] || bad="$bad; the R: line is not the fixture's $NB1 bytes"
	e=$(awk '$1 == "E:" { $1 = $2 = $3 = ""; sub(/^ +/, ""); printf "%s|", $0 }' "$f")
	want="$R_OFF|$2|$R_OFF|$R_ON|"
	[ "$e" = "$want" ] || bad="$bad; E: lines [$e], want [$want]"
	t=$(awk '$1 == "T:" && ($3 == "PHONE_STATE" || $3 == "PHONE_BUTTON") { printf "%s %s %s %s|", $3, $4, $5, $6 }' "$f")
	hs=$(printf '0x%x' "$HS")
	want="PHONE_STATE $hs 0x8 0x0|${T_LAMP}PHONE_BUTTON $3 0x8 0x2|PHONE_BUTTON $3 0x8 0x1|PHONE_STATE $hs 0x1 0x0|$T_LAMP"
	[ "$t" = "$want" ] || bad="$bad; T: lines [$t], want [$want]"
	awk '$1 == "E:" || $1 == "T:" { t = $2 + 0; if (t < last) bad = 1; last = t } END { exit bad }' "$f" ||
		bad="$bad; timestamps go back"
	if pc "$1-rdesc" 30 describe --json --rdesc "$f"; then
		jq -e ".format == \"recording\" and .descriptor_bytes == $NB1" "$PC/$1-rdesc.out" >/dev/null 2>&1 ||
			bad="$bad; describe --json --rdesc: not a recording of $NB1 descriptor bytes: $(head -c 300 "$PC/$1-rdesc.out" "$PC/$1-rdesc.err")"
	else
		bad="$bad; describe --rdesc killed"
	fi
	if pc "$1-replay" 30 replay --check "$f"; then
		[ "$PC_RC" = 0 ] && grep -qxF "replay --check: $N_EV event(s) match $f" "$PC/$1-replay.out" ||
			bad="$bad; replay --check (status $PC_RC): $(cat "$PC/$1-replay.out" "$PC/$1-replay.err")"
	else
		bad="$bad; replay --check killed"
	fi
	[ -z "$bad" ] && return 0
	echo "${bad#; }"
	cat "$f"
	echo "stderr:"
	cat "$PC/$1.err"
	echo "gadget:"
	cat "$PC/$1.gadget"
	return 1
}

record rec
tap "phonectl record --seconds 3 -o FILE $NODE1 ($FX1): R: of the fixture, E: lines with the key obfuscated to Key 0, T: lines with button id 0, in time order; describe --rdesc FILE reads it; replay --check FILE passes" \
	check_recording rec "$R_K0" 0x0
e2e_export phonectl-record.hid "$PC/rec.hid"
record rec-keys --show-keys
tap "phonectl record --show-keys --seconds 3 -o FILE $NODE1 ($FX1): E: lines with key 5, T: lines with button id 5; replay --check FILE passes" \
	check_recording rec-keys "$R_K5" 0x5
e2e_export phonectl-record-show-keys.hid "$PC/rec-keys.hid"

# A recording whose T: lines say something else fails the check.
check_tampered() {
	awk 'done != 1 && $1 == "T:" && $3 == "PHONE_BUTTON" { $4 = "0x7"; done = 1 } { print }' \
		"$PC/rec-keys.hid" >"$PC/tampered.hid"
	# (not --fast: fast playback can beat phonectl's phoneSetStatusMessages after the open)
	pc tampered 30 replay --check "$PC/tampered.hid" || return 1
	# (the difference goes to stdout, nothing to stderr)
	[ "$PC_RC" = 1 ] && grep -q "^$PC/tampered.hid:[0-9]*: expected PHONE_BUTTON id=7" "$PC/tampered.out" ||
		{ show tampered; return 1; }
}
tap "phonectl replay --check: the same recording with button id 7 in its first PHONE_BUTTON fails (exit 1, names the line)" \
	check_tampered
lap "record, replay"

# --- a user who may not open the nodes -------------------------------------------------------------
# Without a logind seat the uaccess tag grants nothing: the nodes stay root's, 0600. phonectl
# list must say so, with the fix and what udev's database says; the phones keep their ids.

as_nobody() {
	# busybox su keeps the environment (HIDPHONE_TSP, LD_LIBRARY_PATH) but for HOME and the like
	su -s /bin/sh nobody -c "$*"
}
check_nobody_list() {
	as_nobody "timeout 30 phonectl list --json" >"$PC/nobody-list.out" 2>"$PC/nobody-list.err"
	rc=$?
	[ "$rc" = 0 ] || { echo "status $rc"; cat "$PC/nobody-list.err"; return 1; }
	jqcheck "$PC/nobody-list.out" "[.devices[] | select(.phone) | .tapi_id] | sort == [range($NPHONES)]" || return 1
	for fx in $PHONES; do
		node=$(node_of "$fx")
		jqcheck "$PC/nobody-list.out" --arg node "$node" \
			--arg why "no permission to open $node (owner root, mode 0600); install the udev rules: sudo make install, then replug or run sudo udevadm trigger --action=change --subsystem-match=hidraw; udev: ID_HIDPHONE=1 and the uaccess tag are already set, so access goes to the user of the active local session on the seat only" \
			'.devices[] | select(.node == $node) | .accessible == false and .reason == $why and .udev == {"record": true, "id_hidphone": true, "uaccess": true}' ||
			{ echo "($fx)"; return 1; }
	done
}
check_nobody_lamp() {
	as_nobody "timeout 30 phonectl lamp $NODE1" >"$PC/nobody-lamp.out" 2>"$PC/nobody-lamp.err"
	rc=$?
	if [ "$rc" = 1 ] && grep -q 'PHONEERR_RESOURCEUNAVAIL' "$PC/nobody-lamp.err" &&
		grep -q 'permission denied; install' "$PC/nobody-lamp.err"; then
		return 0
	fi
	echo "status $rc"
	cat "$PC/nobody-lamp.out" "$PC/nobody-lamp.err"
	return 1
}
if as_nobody true 2>/dev/null; then
	tap "phonectl list --json as nobody: every phone accessible false with the permission reason, the fix and udev's ID_HIDPHONE=1 + uaccess; TAPI ids still 0..$((NPHONES - 1))" \
		check_nobody_list
	tap "phonectl lamp $NODE1 as nobody: exit 1, PHONEERR_RESOURCEUNAVAIL, the provider names the fix" \
		check_nobody_lamp
else
	tap_not_ok "phonectl: su to nobody works in the guest (run.sh puts nobody in /etc/passwd)"
fi
lap "as nobody"

# --- the device goes away while monitor and record have it open ------------------------------------

FXU=$(echo $PHONES | awk '{ print $NF }')
NODEU=$(node_of "$FXU")
fx_load "$FXU"
udc=$(gadget.sh udc "$FXU")
mark=$(dmesg_mark)
timeout 30 phonectl monitor --json --seconds 20 "$NODEU" >"$PC/unplug-monitor.out" 2>"$PC/unplug-monitor.err" &
upm=$!
timeout 30 phonectl record --seconds 20 -o "$PC/unplug.hid" "$NODEU" >"$PC/unplug-record.out" 2>"$PC/unplug-record.err" &
upr=$!
if wait_opens "$NODEU" 6 15000; then
	tu=$(e2e_uptime)
	gadget.sh unbind "$FXU"
	reap "$upm" unplug-monitor "$mark"
	rcm=$REAP_RC
	crashed=$REAP_KNOWN
	reap "$upr" unplug-record "$mark"
	rcr=$REAP_RC
	secs=$(awk -v a="$tu" -v b="$(e2e_uptime)" 'BEGIN { printf "%.2f", b - a }')
	check_unplug_record() {
		bad=
		[ "$rcr" = 0 ] || bad="record status $rcr"
		awk -v s="$secs" 'BEGIN { exit !(s < 5) }' || bad="$bad; it took $secs s"
		# It stops at PHONE_CLOSE; PHONE_REMOVE may or may not make it before.
		case "$(awk '$1 == "T:" { printf "%s ", $3 }' "$PC/unplug.hid")" in
		"PHONE_CLOSE " | "PHONE_CLOSE PHONE_REMOVE ") ;;
		*) bad="$bad; T: lines are not PHONE_CLOSE [PHONE_REMOVE]" ;;
		esac
		grep -q '^R: ' "$PC/unplug.hid" || bad="$bad; no R: line"
		grep -q 'the device went away' "$PC/unplug-record.err" || bad="$bad; it did not say the device went away"
		[ -z "$bad" ] && return 0
		echo "${bad#; }"
		cat "$PC/unplug-record.err"
		grep -v '^R:' "$PC/unplug.hid"
		return 1
	}
	check_unplug_monitor() {
		bad=
		[ "$rcm" = 0 ] || bad="monitor status $rcm"
		awk -v s="$secs" 'BEGIN { exit !(s < 5) }' || bad="$bad; it took $secs s"
		if [ -n "$crashed" ]; then
			# output it had not flushed would die with it
			echo "monitor died of the known crash: its events cannot be judged"
		else
			jq -e -s '[.[] | select(.type == "event") | .message] | . == ["PHONE_CLOSE"] or . == ["PHONE_CLOSE", "PHONE_REMOVE"]' \
				"$PC/unplug-monitor.out" >/dev/null 2>&1 || bad="$bad; events are not PHONE_CLOSE [PHONE_REMOVE]"
		fi
		[ -z "$bad" ] && return 0
		echo "${bad#; }"
		cat "$PC/unplug-monitor.out" "$PC/unplug-monitor.err"
		return 1
	}
	tap "phonectl record of $NODEU ($FXU), unplugged: ends within 5 s (both took $secs s) with status 0, the file has R: and ends with T: PHONE_CLOSE, stderr says the device went away" \
		check_unplug_record
	tap "phonectl monitor --json of $NODEU ($FXU), unplugged: ends within 5 s with status 0 (or the known crash) after PHONE_CLOSE (PHONE_REMOVE if in time)" \
		check_unplug_monitor
else
	tap_not_ok "phonectl monitor and record of $NODEU ($FXU) did not open it within 15 s"
	kill "$upm" "$upr" 2>/dev/null
	wait "$upm" "$upr"
fi
# Back as it was for the following steps.
[ -n "$(gadget.sh udc "$FXU")" ] || gadget.sh bind "$FXU" "$udc" >/dev/null
tap "$FXU: plugged in again after the unplug test" hidraw-check find "$FX_VID" "$FX_PID" 15000
udevadm settle --timeout=10 || echo "# udevadm settle timed out"
lap "unplug"

# --- exit statuses --------------------------------------------------------------------------------

MISSING=/dev/hidraw99
while [ -e "$MISSING" ]; do MISSING=${MISSING}9; done
i=0
for args in "" "frobnicate" "--frobnicate list" "list extra" "describe" "describe $NODE1 --attached" \
	"monitor" "record --seconds 0 $NODE1" "replay" "lamp" "lamp $NODE1 x STEADY" "lamp $NODE1 0 SPARKLE" \
	"ring $NODE1 loud" "hook $NODE1 HEADSET SIDEWAYS" "output $NODE1" "output $NODE1 zz" \
	"feature get $NODE1" "feature get $NODE1 300" "feature frob $NODE1 1"; do
	i=$((i + 1))
	# shellcheck disable=SC2086 # the words are the arguments
	tap "phonectl $args: usage error, exit 2" pc_status 2 "usage-$i" 30 $args
done
for args in "describe $MISSING" "describe --rdesc /tmp/no-such-file" "monitor --seconds 1 $MISSING" \
	"record --seconds 1 $MISSING" "replay /tmp/no-such-file" "lamp $MISSING" "ring $MISSING 1" \
	"hook $MISSING" "output $MISSING 02 00 00" "feature get $MISSING 1" "feature set $MISSING 1 00"; do
	i=$((i + 1))
	# shellcheck disable=SC2086
	tap "phonectl $args: missing, exit 1 with a message" pc_status 1 "missing-$i" 30 $args
done
lap "exit statuses"

# The crash of KNOWN_BUG above (a reader outliving TSPI_providerShutdown, fixed since) showed
# in about one unplugged monitor in two and one replay in a hundred: any sign of it fails.
check_no_known_crash() {
	[ -s "$PC/known-crashes" ] || return 0
	cat "$PC/known-crashes"
	return 1
}
tap "phonectl: no run died executing unloaded provider code" check_no_known_crash

# Leave no output report queued at the gadgets (f_hid holds a few, then the host's writes
# wait): the later steps' firmware starts from an empty queue.
for fx in $PHONES; do
	g=$(gadget.sh hidg "$fx" 5000) && gadget-phone -d "$g" -D -q -t 2000 | sed -n 's/^X: /# drained at the end: /p'
done
lap "drain"
