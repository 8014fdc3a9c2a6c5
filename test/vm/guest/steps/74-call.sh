# A call from a virtual USB phone: the first phone of the standing set (a gadget, through
# usbhid and hidraw) drives its line in the real provider, held open by phonectl monitor
# (which also watches the line: LINE_CALLSTATE lines), and calls Debian's baresip running
# here on 127.0.0.1:5070 (run.sh copies it in with its modules). The gadget plays: headset
# or handset off hook -> DIALTONE; keys 4 7 1 1 -> after dial-timeout (1 s) the number goes
# to dial-domain -> DIALING ... CONNECTED, and baresip's UA 4711 says the call is
# established; on hook -> IDLE, and baresip says it ended.

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
