# A call from a virtual USB phone: the first phone of the standing set (a gadget, through
# usbhid and hidraw) drives its line in the real provider, held open by phonectl monitor
# (which also watches the line: LINE_CALLSTATE lines), and calls Debian's baresip running
# here on 127.0.0.1:5070 (run.sh copies it in with its modules). The gadget plays: headset
# or handset off hook -> DIALTONE; keys 4 7 1 1 -> after dial-timeout (1 s) the number goes
# to dial-domain -> DIALING ... CONNECTED, and baresip's UA 4711 says the call is
# established; on hook -> IDLE, and baresip says it ended. Part 2 (below) is the other
# direction: a second baresip calls the line, the gadget rings and answers.

unset HIDPHONE_DEVICES HIDPHONE_REPLAY_LOG
export HIDPHONE_TSP=/usr/local/lib/hidphone.tsp
C=/tmp/call
mkdir -p "$C/baresip"

nap_ms() { usleep $(($1 * 1000)) 2>/dev/null || sleep 1; }

if ! command -v baresip >/dev/null || [ ! -f /usr/lib/baresip/modules/g711.so ]; then
	tap_not_ok "call: baresip and its modules are in the guest (run.sh copies the host's)"
	exit 0
fi
if ! FX=$(e2e_standing_phone) || ! NODE=$(fx_hidraw "$FX" 5000); then
	tap_not_ok "call: a phone of the standing set with a hidraw node"
	exit 0
fi

# The guest's loopback is down until someone brings it up: 127.0.0.1 can be bound then,
# but nothing sent there arrives (ENETUNREACH).
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
tap "call: the loopback interface is up" sh -c 'ip link show lo | grep -q "UP"'

cat >"$C/baresip/config" <<EOC
poll_method epoll
net_interface 127.0.0.1
sip_listen 127.0.0.1:5070
sip_transports udp
module_path /usr/lib/baresip/modules
module g711.so
module account.so
module ausine.so
module aubridge.so
audio_player aubridge,nil
audio_alert aubridge,nil
audio_source ausine,440
ausrc_srate 48000
ausrc_channels 2
rtp_timeout 0
rtp_ports 5100-5199
EOC
echo "<sip:4711@127.0.0.1:5070>;regint=0;answermode=auto;audio_codecs=PCMU,PCMA" >"$C/baresip/accounts"
: >"$C/baresip/contacts"
printf '[line desk]\nphone = first\nlisten = 127.0.0.1:15060\nmedia = silence\nrtp-ports = 16000-16099\ndial-domain = 127.0.0.1:5070\ndial-timeout = 1\n' \
	>"$C/hidphone.conf"
export HIDPHONE_CONFIG=$C/hidphone.conf

baresip -f "$C/baresip" -v </dev/null >"$C/baresip.log" 2>&1 &
BPID=$!
# It listens once its UA is up: 5070 is 0x13CE in /proc/net/udp.
_w=0
while ! grep -q ':13CE ' /proc/net/udp 2>/dev/null; do
	[ "$_w" -ge 10000 ] && break
	nap_ms 50
	_w=$((_w + 50))
done
tap "call: baresip listens on 127.0.0.1:5070" grep -q ':13CE ' /proc/net/udp

R_OFF=$(fx_report "$FX" input 0x000b:0x0020=1)
R_ON=$(fx_report "$FX" input 0x000b:0x0020=0)
SCRIPT=$C/dial.hidrec
{
	printf 'E: %s\nS: 700\n' "$R_OFF"
	for k in 4 7 1 1; do
		printf 'E: %s\nS: 150\nE: %s\nS: 150\n' "$(fx_report "$FX" input 0x000b:0x0020=1 keypad=0xb$k)" "$R_OFF"
	done
	# dial-timeout (1 s), the INVITE, baresip's answer, then a second connected
	printf 'S: 3500\nE: %s\n' "$R_ON"
} >"$SCRIPT"
echo "# $FX ($NODE) plays: off hook, 4 7 1 1, on hook 3.5 s later"

# phonectl monitor holds the phone open (so the phone drives its line) and prints the
# line's call states.
HIDPHONE_LOG=info timeout 40 phonectl monitor --seconds 14 "$NODE" >"$C/monitor.out" 2>"$C/monitor.err" &
MPID=$!
_w=0
while ! grep -q '^monitoring' "$C/monitor.out" 2>/dev/null; do
	[ "$_w" -ge 15000 ] && break
	nap_ms 50
	_w=$((_w + 50))
done
nap_ms 300
G=$(gadget.sh hidg "$FX" 5000)
gadget-phone -d "$G" -D -s "$SCRIPT" -l 500 -t 15000 -w 3000 >"$C/gadget.log" 2>&1
GRC=$?
wait "$MPID"
MRC=$?
kill "$BPID" 2>/dev/null
wait "$BPID" 2>/dev/null

states() { sed -n 's/.*  line    LINE_CALLSTATE \([A-Z]*\).*/\1/p' "$C/monitor.out" | tr '\n' ' '; }
check_states() {
	s=$(states)
	case "$s" in
	"DIALTONE DIALING "*"CONNECTED IDLE ") return 0 ;;
	esac
	echo "states: $s (gadget $GRC, monitor $MRC)"
	cat "$C/monitor.out" "$C/monitor.err"
	echo "gadget:"
	cat "$C/gadget.log"
	echo "baresip:"
	tail -n 30 "$C/baresip.log"
	return 1
}
tap "call: $FX off hook, keys 4711, on hook: LINE_CALLSTATE DIALTONE, DIALING, ..., CONNECTED, IDLE (phonectl monitor)" \
	check_states
check_baresip() {
	grep -q '4711@127.0.0.1: Call established: sip:desk@127.0.0.1:15060' "$C/baresip.log" &&
		grep -q 'Call with sip:desk@127.0.0.1:15060 terminated' "$C/baresip.log" && return 0
	tail -n 40 "$C/baresip.log"
	return 1
}
tap "call: baresip's UA 4711 had the call established from sip:desk@127.0.0.1:15060, then terminated" \
	check_baresip
tap "call: phonectl monitor exited 0 (gadget-phone $GRC)" [ "$MRC" = 0 ]

# --- part 2: baresip calls the phone's line ---------------------------------------------------
# A second baresip (UA anna on 127.0.0.1:5072, its menu module for the command) dials
# sip:desk@127.0.0.1:15060 once phonectl monitor holds the phone open. The provider (the
# phone drives its line) offers the call: LINE_CALLSTATE OFFERING with the caller in
# phonectl monitor, and the ringer / Ring LED output report at the gadget. The gadget
# answers as a user would, reacting to what it sees: off hook once OFFERING is shown ->
# CONNECTED, and baresip says the call is established; on hook a second later -> IDLE, and
# baresip (still running) says the call ended.
mkdir -p "$C/anna"
sed 's/^sip_listen .*/sip_listen 127.0.0.1:5072/; s/^rtp_ports .*/rtp_ports 5200-5299/' \
	"$C/baresip/config" >"$C/anna/config"
echo "module_app menu.so" >>"$C/anna/config"
echo "<sip:anna@127.0.0.1:5072>;regint=0;answermode=manual;audio_codecs=PCMU,PCMA" >"$C/anna/accounts"
: >"$C/anna/contacts"

# wait_for FILE PATTERN MS: until FILE has a line matching PATTERN (grep -E), at most MS.
wait_for() {
	_w=0
	while ! grep -qE "$2" "$1" 2>/dev/null; do
		[ "$_w" -ge "$3" ] && return 1
		nap_ms 50
		_w=$((_w + 50))
	done
	return 0
}

HIDPHONE_LOG=info timeout 40 phonectl monitor --seconds 16 "$NODE" >"$C/in-monitor.out" 2>"$C/in-monitor.err" &
MPID=$!
wait_for "$C/in-monitor.out" '^monitoring' 15000
nap_ms 300
RING=$(fx_report "$FX" output 0x0008:0x0018=1 0x000b:0x009e=1)
echo "# $FX ($NODE): baresip anna calls sip:desk@127.0.0.1:15060; ring report [$RING]"
{
	wait_for "$C/in-monitor.out" 'LINE_CALLSTATE OFFERING' 12000 && nap_ms 500
	printf 'E: %s\n' "$R_OFF"
	wait_for "$C/in-monitor.out" 'LINE_CALLSTATE CONNECTED' 5000 && nap_ms 1000
	printf 'E: %s\n' "$R_ON"
} | gadget-phone -d "$G" -D -s - -l 800 -t 25000 -w 3000 >"$C/in-gadget.log" 2>&1 &
GPID=$!
wait_for "$C/in-gadget.log" '^READY' 5000
baresip -f "$C/anna" -v -t 30 -e "/dial sip:desk@127.0.0.1:15060" </dev/null >"$C/anna.log" 2>&1 &
BPID=$!
wait "$GPID"
GRC=$?
# baresip's word on the end, before it is stopped (stopping ends a call too)
wait_for "$C/anna.log" 'Call with sip:desk@127.0.0.1:15060 terminated' 3000
cp "$C/anna.log" "$C/anna.before-stop.log"
wait "$MPID"
MRC=$?
kill "$BPID" 2>/dev/null
wait "$BPID" 2>/dev/null

echo "# states: $(sed -n 's/.*  line    LINE_CALLSTATE \([A-Z]*\).*/\1/p' "$C/in-monitor.out" | tr '\n' ' ')"
echo "# output reports at the gadget: $(sed -n 's/^O: [0-9.]* [0-9]* //p' "$C/in-gadget.log" | tr '\n' '|')"

in_diag() {
	echo "states: $(sed -n 's/.*  line    LINE_CALLSTATE \([A-Z]*\).*/\1/p' "$C/in-monitor.out" | tr '\n' ' ')(gadget $GRC, monitor $MRC)"
	cat "$C/in-monitor.out" "$C/in-monitor.err"
	echo "gadget:"
	cat "$C/in-gadget.log"
	echo "baresip anna:"
	tr '\r' '\n' <"$C/anna.log" | grep -v 'audio=' | tail -n 30
	return 1
}
check_offering() {
	grep -q '  line    LINE_CALLSTATE OFFERING$' "$C/in-monitor.out" &&
		grep -q '  line    call from .*anna' "$C/in-monitor.out" && return 0
	in_diag
}
tap "call in: baresip anna dials sip:desk@127.0.0.1:15060: LINE_CALLSTATE OFFERING, call from anna (phonectl monitor)" \
	check_offering
check_ring() {
	if [ -z "$RING" ]; then
		echo "$FX's .expect has neither a Ring LED (0x0008:0x0018) nor a Ringer (0x000b:0x009e) output"
		return 1
	fi
	# the ring report arrived, and a later one took it back (answered: the ringer stops)
	sed -n 's/^O: [0-9.]* [0-9]* //p' "$C/in-gadget.log" >"$C/in-outputs"
	grep -qxF "$RING" "$C/in-outputs" && [ "$(tail -n 1 "$C/in-outputs")" != "$RING" ] && return 0
	echo "want [$RING] then another report; the gadget received:"
	cat "$C/in-outputs"
	in_diag
}
tap "call in: $FX's gadget received the Ring LED + Ringer output report [$RING] while offered, then it was cleared" \
	check_ring
# Answering from the hook puts the ringer and Ring LED out in the write that confirms the
# hook (its Off-Hook LED), or before: never Off-Hook with them still on.
OFFRING=$(fx_report "$FX" output 0x0008:0x0017=1 0x0008:0x0018=1 0x000b:0x009e=1)
check_answer_write() {
	if [ -z "$RING" ] || [ -z "$OFFRING" ] || [ "$OFFRING" = "$RING" ]; then
		echo "# $FX has no Off-Hook LED output: nothing to check"
		return 0
	fi
	sed -n 's/^O: [0-9.]* [0-9]* //p' "$C/in-gadget.log" >"$C/in-outputs"
	grep -qxF "$OFFRING" "$C/in-outputs" || return 0
	echo "the gadget received [$OFFRING]: Off-Hook with the ringer still on"
	cat "$C/in-outputs"
	in_diag
}
tap "call in: $FX's Off-Hook LED never went on with the ringer and Ring LED still on [$OFFRING]" \
	check_answer_write
check_in_states() {
	case "$(sed -n 's/.*  line    LINE_CALLSTATE \([A-Z]*\).*/\1/p' "$C/in-monitor.out" | tr '\n' ' ')" in
	"OFFERING CONNECTED IDLE ") return 0 ;;
	esac
	in_diag
}
tap "call in: $FX off hook answers, on hook drops: LINE_CALLSTATE OFFERING, CONNECTED, IDLE (phonectl monitor)" \
	check_in_states
check_in_baresip() {
	grep -q 'anna@127.0.0.1: Call established: sip:desk@127.0.0.1:15060' "$C/anna.before-stop.log" &&
		grep -q 'Call with sip:desk@127.0.0.1:15060 terminated' "$C/anna.before-stop.log" && return 0
	in_diag
}
tap "call in: baresip anna had the call established with sip:desk@127.0.0.1:15060, then terminated by the phone's hang-up" \
	check_in_baresip
tap "call in: phonectl monitor exited 0 ($MRC), gadget-phone exited 0 ($GRC)" [ "$MRC.$GRC" = 0.0 ]
