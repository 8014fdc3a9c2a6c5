# Composite USB phones: the fixture's HID function plus a USB Audio function (usb_f_uac1,
# volume and mute controls both ways) in one gadget, on usbip-vudc + vhci-hcd
# (gadget-audio.sh), enumerated by usbhid and snd-usb-audio. Two identical composite phones
# (same ids, same strings, same serial) and the HID-only gadget of the same fixture from the
# standing set, all three at once: the devices layer (audio-check) must give each composite
# phone its own card and the HID-only one none; volume, gain and mute must reach the card
# (and the gadget on the other end of the wire); an amixer change must come out of the
# mixer's change handler; unplugging mid-ring must end the ring with -ENODEV and no fd left
# open; through the provider, the same as TAPI sees it (vm-host audio). The standing set is
# restored afterwards.

# phonectl loads the provider for its TAPI ids, as in step 72.
export HIDPHONE_TSP=/usr/local/lib/hidphone.tsp
A_NAME=audio-a
B_NAME=audio-b

# Modules: loaded here, after the earlier steps, so that they ran on dummy_hcd alone.
missing=
while read -r mod; do
	[ -n "$mod" ] || continue
	m=${mod%.ko}
	m=$(echo "$m" | tr - _)
	grep -q "^$m " /proc/modules && continue
	# usbip-vudc: one virtual UDC per composite phone.
	case $mod in
	usbip-vudc.ko) insmod "/lib/modules/$mod" num=2 || missing="$missing $mod" ;;
	*) insmod "/lib/modules/$mod" || missing="$missing $mod" ;;
	esac
done </etc/e2e/audio-modules.order
if [ -n "$missing" ]; then
	tap_not_ok "audio: kernel modules loaded (failed:$missing)"
	exit 0
fi
tap_ok "audio: kernel modules loaded ($(tr '\n' ' ' </etc/e2e/audio-modules.order))"
[ -d /sys/devices/platform/usbip-vudc.1 ] || { tap_not_ok "audio: two usbip-vudc UDCs"; exit 0; }

fx=$(e2e_standing_phone) || { tap_not_ok "audio: no phone in the standing set"; exit 0; }
fx_load "$fx"
# f_hid serves 4 functions: the standing set's last two members make room for ours.
removed=$(tail -n 2 /run/e2e/standing | grep -v -x "$fx")
for r in $removed; do gadget.sh remove "$r"; done

cleanup() {
	gadget-audio.sh remove "$A_NAME" 0 2>/dev/null
	gadget-audio.sh remove "$B_NAME" 1 2>/dev/null
	for r in $removed; do
		gadget.sh create "$r" >/dev/null || echo "# could not restore $r"
	done
	for r in $removed; do
		fx_load "$r" && hidraw-check find "$FX_VID" "$FX_PID" 15000 >/dev/null ||
			echo "# $r did not come back"
	done
}

tap "audio: composite phone A ($fx ids + UAC1) plugged in on usbip-vudc.0" \
	gadget-audio.sh create "$A_NAME" "$fx" 0
tap "audio: identical composite phone B plugged in on usbip-vudc.1" \
	gadget-audio.sh create "$B_NAME" "$fx" 1

# What the kernel made of the three, by structure only: composite phone on vhci port N is
# device <bus>-<N+1> below vhci_hcd.0; the HID-only one is below dummy_hcd.
node_below() { # PATTERN: the hidraw node of VID:PID whose sysfs path matches
	for h in /sys/class/hidraw/hidraw*; do
		[ -e "$h" ] || continue
		grep -qi "HID_ID=0003:0000$FX_VID:0000$FX_PID" "$h/device/uevent" 2>/dev/null || continue
		case $(readlink -f "$h") in $1) echo "/dev/${h##*/}"; return 0 ;; esac
	done
	return 1
}
card_below() { # PATTERN: the card number whose sysfs path matches
	for c in /sys/class/sound/card*; do
		[ -e "$c" ] || continue
		case $(readlink -f "$c") in $1) echo "${c##*/card}"; return 0 ;; esac
	done
	return 1
}
wait_for() { # MS COMMAND...: until COMMAND prints something
	_ms=$1
	shift
	_w=0
	while :; do
		_o=$("$@") && [ -n "$_o" ] && { echo "$_o"; return 0; }
		[ "$_w" -ge "$_ms" ] && return 1
		usleep 50000
		_w=$((_w + 50))
	done
}
PA='*/vhci_hcd.0/usb*/*-1/*'
PB='*/vhci_hcd.0/usb*/*-2/*'
node_a=$(wait_for 15000 node_below "$PA")
node_b=$(wait_for 15000 node_below "$PB")
node_h=$(node_below '*/dummy_hcd.*')
card_a=$(wait_for 15000 card_below "$PA")
card_b=$(wait_for 15000 card_below "$PB")
echo "# A: $node_a card $card_a; B: $node_b card $card_b; HID-only: $node_h"
echo "# cards: $(sed -n 's/^ *\([0-9]*\) \[\([^ ]*\) *\].*/\1:\2/p' /proc/asound/cards | tr '\n' ' ')"
if [ -z "$node_a" ] || [ -z "$node_b" ] || [ -z "$node_h" ] || [ -z "$card_a" ] || [ -z "$card_b" ]; then
	tap_not_ok "audio: three phones with $FX_VID:$FX_PID (two with a sound card) enumerated"
	dmesg | grep -iE 'usb|snd|uac|vudc|vhci' | tail -n 40 | sed 's/^/# /'
	cleanup
	exit 0
fi
tap_ok "audio: three phones with $FX_VID:$FX_PID (two with a sound card) enumerated"
hidg_a=$(gadget-audio.sh hidg "$A_NAME")
tap "audio: A's HID function carries input reports (the composite device is one phone)" \
	hidraw-check input "$node_a" "$hidg_a" "$FX_IN" 3000

# The association, by the devices layer.
check_card() { # NODE CARD
	out=$(audio-check card "$1") || { echo "audio-check: $out"; return 1; }
	echo "$out"
	id=$(cat "/proc/asound/card$2/id")
	case $out in "card=$2 id=$id wave_out=$2 wave_in=$2 alsa_out=plughw:CARD=$id,DEV=0 alsa_in=plughw:CARD=$id,DEV=0 "*) return 0 ;; esac
	echo "expected card $2 ($id)"
	return 1
}
tap "audio: A ($node_a) gets card $card_a, wave/* = $card_a, alsa/* its plughw name" check_card "$node_a" "$card_a"
tap "audio: B ($node_b) gets card $card_b, not A's" check_card "$node_b" "$card_b"
no_card() {
	audio-check card "$1"
	[ $? = 3 ]
}
tap "audio: the HID-only phone ($node_h) gets no card" no_card "$node_h"
# The same cards from the phones' usb:BUS:ADDR:IF paths (how a phone over libusb, with no
# hidraw node, is named): the usb_device with that busnum and devnum.
usb_path() { # NODE: the usb: path of the USB device above hidraw node NODE
	d=$(readlink -f "/sys/class/hidraw/${1##*/}")
	while [ "$d" != / ] && [ ! -f "$d/busnum" ]; do d=${d%/*}; done
	[ -f "$d/busnum" ] && echo "usb:$(cat "$d/busnum"):$(cat "$d/devnum"):0"
}
usb_a=$(usb_path "$node_a")
usb_b=$(usb_path "$node_b")
tap "audio: A by its USB path ($usb_a) gets card $card_a too" check_card "$usb_a" "$card_a"
tap "audio: B by its USB path ($usb_b) gets card $card_b, not A's" check_card "$usb_b" "$card_b"
tap "audio: alsa-lib opens A's alsa/out name" sh -c \
	"audio-check card $node_a | sed -n 's/.*alsa_out=\([^ ]*\).*/\1/p' | grep -q plughw"
audio-check controls "$node_a" | sed 's/^/# A controls: /'

# Volume, gain and mute reach A's card, and A's gadget (the device end of the wire) sees
# them; B's gadget does not.
gcard_a=$(gadget-audio.sh card "$A_NAME")
gcard_b=$(gadget-audio.sh card "$B_NAME")
gval() { amixer -c "$1" cget "name=$2" 2>/dev/null | sed -n 's/^ *: values=//p'; }
echo "# gadget-side cards: A $gcard_a, B $gcard_b"
amixer -c "$gcard_a" controls 2>/dev/null | sed 's/^/# A gadget control: /'

set_reaches() { # CTL VALUE GADGET_CONTROL
	ctl=$1 v=$2 gctl=$3
	hb=$(amixer -c "$card_a" contents | tr '\n' ' ')
	ga=$(gval "$gcard_a" "$gctl")
	gb=$(gval "$gcard_b" "$gctl")
	audio-check set "$node_a" "$ctl" "$v" || return 1
	got=$(audio-check get "$node_a" "$ctl") || return 1
	ha=$(amixer -c "$card_a" contents | tr '\n' ' ')
	ga2=$(gval "$gcard_a" "$gctl")
	gb2=$(gval "$gcard_b" "$gctl")
	echo "set $ctl $v, read back $got; gadget A '$gctl' $ga -> $ga2, gadget B $gb -> $gb2"
	# One control step of f_uac1's 0..100 range is 1%: the value reads back within 2%.
	d=$((got - v))
	[ "$d" -lt 0 ] && d=$((-d))
	[ "$d" -le 1311 ] || { echo "read back too far from the value set"; return 1; }
	[ "$hb" != "$ha" ] || { echo "the card's controls did not change"; return 1; }
	[ -n "$ga2" ] && [ "$ga" != "$ga2" ] || { echo "gadget A did not see it"; return 1; }
	[ "$gb" = "$gb2" ] || { echo "gadget B saw it"; return 1; }
}
# Away from the defaults first, so that every set is a change.
audio-check set "$node_a" volume 65535 && audio-check set "$node_a" gain 65535
audio-check set "$node_a" mute-out 0 && audio-check set "$node_a" mute-in 0
tap "audio: volume 0x4000 on A reaches A's card and A's gadget only" set_reaches volume 16384 "PCM Capture Volume"
tap "audio: volume 0xC000 likewise" set_reaches volume 49152 "PCM Capture Volume"
tap "audio: gain 0x8000 on A reaches A's card and A's gadget only" set_reaches gain 32768 "PCM Playback Volume"
tap "audio: mute on A's playback reaches A's gadget only" set_reaches mute-out 1 "PCM Capture Switch"
tap "audio: unmute likewise" set_reaches mute-out 0 "PCM Capture Switch"
tap "audio: microphone mute on A" set_reaches mute-in 1 "PCM Playback Switch"
audio-check set "$node_a" mute-in 0

# A change made elsewhere (amixer) comes out of the change handler, from the poll fds.
vctl=$(audio-check controls "$node_a" | sed -n 's/^volume=//p')
gctl=$(audio-check controls "$node_a" | sed -n 's/^gain=//p')
external() { # CONTROL AMIXER_VALUE EXPECTED_LINE_PREFIX
	rm -f /tmp/watch.out
	audio-check watch "$node_a" 5000 >/tmp/watch.out 2>&1 &
	wp=$!
	wait_for 3000 grep -x ready /tmp/watch.out >/dev/null || { cat /tmp/watch.out; kill $wp; return 1; }
	amixer -q -c "$card_a" sset "$1" "$2" || { kill $wp; return 1; }
	wait_for 3000 grep "^$3" /tmp/watch.out >/dev/null
	rc=$?
	kill $wp 2>/dev/null
	wait $wp 2>/dev/null
	cat /tmp/watch.out
	return $rc
}
tap "audio: amixer sets '$vctl' to 25% → the handler reports the volume" external "$vctl" 25% "change volume "
tap "audio: amixer mutes '$vctl' → the handler reports the playback mute" external "$vctl" mute "change mute-out 1"
tap "audio: amixer sets '$gctl' to 80% → the handler reports the gain" external "$gctl" 80% "change gain "
# The curve against amixer's own scales: 25% in amixer's raw steps (0..100 for -100..0 dB)
# is -75 dB, which the cubic curve reads as (10^(-75/60) - 10^(-100/60)) / (1 - 10^(-100/60))
# = 0.0354 (2323 of 65535); amixer -M (alsamixer's mapping) 50% must read as 0.5 (32768).
curve() {
	amixer -q -c "$card_a" sset "$vctl" 25% unmute
	v=$(audio-check get "$node_a" volume)
	amixer -q -M -c "$card_a" sset "$vctl" 50%
	m=$(audio-check get "$node_a" volume)
	echo "amixer 25% (raw) reads as $v, amixer -M 50% as $m"
	[ "$v" -ge 2250 ] && [ "$v" -le 2400 ] && [ "$m" -ge 31500 ] && [ "$m" -le 34000 ]
}
tap "audio: the volume curve is alsamixer's (-75 dB of -100..0 dB is 0.035, -M 50% is 0.5)" curve

# phonectl on the three phones: list and describe show the card, volume and gain act on it.
pl() {
	phonectl list --json >/tmp/list.json || return 1
	jq -e --arg a "$node_a" --arg b "$node_b" --arg h "$node_h" --argjson ca "$card_a" \
		--argjson cb "$card_b" '.devices as $d |
		($d[] | select(.node == $a) | .sound_card.card == $ca and .sound_card.wave_out == $ca
			and (.sound_card.alsa_out | startswith("plughw:CARD="))) and
		($d[] | select(.node == $b) | .sound_card.card == $cb) and
		($d[] | select(.node == $h) | .sound_card == null)' /tmp/list.json
}
tap "audio: phonectl list --json gives A card $card_a, B card $card_b, the HID-only phone none" pl
pd() {
	phonectl describe "$node_a" | grep "^sound card $card_a " &&
		phonectl describe --json "$node_a" | jq -e --argjson c "$card_a" '.sound_card.card == $c'
}
tap "audio: phonectl describe shows A's card" pd
pv() {
	phonectl volume "$node_a" HEADSET 0x8000 | grep "^volume 0x" || return 1
	v=$(audio-check get "$node_a" volume)
	phonectl gain "$node_a" HEADSET 0x2000 | grep "^gain 0x" || return 1
	g=$(audio-check get "$node_a" gain)
	echo "volume now $v, gain $g"
	[ "$v" -ge 31500 ] && [ "$v" -le 34000 ] && [ "$g" -ge 7000 ] && [ "$g" -le 9400 ]
}
tap "audio: phoneSetVolume and phoneSetGain (phonectl through the provider) set A's card" pv
# The provider answers the card's level as set from outside, and refuses what it cannot do.
pg() {
	amixer -q -M -c "$card_a" sset "$vctl" 50% unmute || return 1
	out=$(phonectl volume "$node_a" HEADSET) || return 1
	echo "amixer -M 50% → $out"
	v=$(printf '%d' "$(echo "$out" | sed -n 's/^volume //p')")
	[ "$v" -ge 31500 ] && [ "$v" -le 34000 ] || return 1
	phonectl volume "$node_a" HANDSET | tee /dev/stderr | grep -q INVALHOOKSWITCHDEV &&
		phonectl volume "$node_h" HEADSET 0x1000 | tee /dev/stderr | grep -q OPERATIONUNAVAIL
}
tap "audio: phoneGetVolume reads an amixer change; no handset, no card refused" pg
# The provider's TSPI_phoneGetID (phonectl id: libtapi32 over hidphone.tsp) names each
# composite phone's own card; the HID-only phone answers PHONEERR_INVALDEVICECLASS.
tspi_ids() {
	node=$1 card=$2
	id=$(cat "/proc/asound/card$card/id")
	phonectl id "$node" wave/out | tee /dev/stderr | grep -x "wave/out $card" &&
		phonectl id "$node" wave/in | grep -x "wave/in $card" &&
		phonectl id "$node" alsa/out | tee /dev/stderr | grep -x "alsa/out plughw:CARD=$id,DEV=0" &&
		phonectl id "$node" alsa/in | grep -x "alsa/in plughw:CARD=$id,DEV=0"
}
tap "audio: TSPI_phoneGetID gives A card $card_a for wave/* and alsa/*" tspi_ids "$node_a" "$card_a"
tap "audio: TSPI_phoneGetID gives B card $card_b for wave/* and alsa/*" tspi_ids "$node_b" "$card_b"
tspi_none() {
	phonectl id "$node_h" wave/out | tee /dev/stderr | grep -q INVALDEVICECLASS &&
		phonectl id "$node_h" alsa/in | grep -q INVALDEVICECLASS
}
tap "audio: TSPI_phoneGetID on the HID-only phone: invalid device class" tspi_none
nv() {
	phonectl audio "$node_h" --seconds 0
	[ $? = 1 ]
}
tap "audio: phonectl audio on the HID-only phone says it has no sound card" nv

# Unplug mid-ring: the ring ends with -ENODEV, the mixer watcher sees the card go.
rm -f /tmp/ring.out /tmp/watch2.out
audio-check ring "$node_a" 10000 >/tmp/ring.out 2>&1 &
rp=$!
audio-check watch "$node_a" 10000 >/tmp/watch2.out 2>&1 &
wp=$!
if wait_for 5000 grep "^ringing" /tmp/ring.out >/dev/null; then
	tap_ok "audio: ringing on A's playback PCM ($(head -n 1 /tmp/ring.out))"
else
	tap_not_ok "audio: ringing on A's playback PCM"
	sed 's/^/# /' /tmp/ring.out
fi
wait_for 3000 grep -x ready /tmp/watch2.out >/dev/null
sleep 1
gadget-audio.sh unplug "$A_NAME" 0
wait $rp
rrc=$?
wait $wp
wrc=$?
sed 's/^/# ring: /' /tmp/ring.out
sed 's/^/# watch: /' /tmp/watch2.out
# The unplug shows as -ENODEV, or first as -EIO when the stream's transfers fail before the
# USB core reports the disconnect (seen in about one run of three here): either ends the ring.
if { [ "$rrc" = 0 ] && grep -q '^gone after' /tmp/ring.out; } ||
	{ [ "$rrc" = 1 ] && grep -q '^ring ended: Input/output error' /tmp/ring.out; } &&
	grep -q '^fds before \([0-9]*\), after stop \1$' /tmp/ring.out; then
	tap_ok "audio: unplugged mid-ring, the ring ended ($(tail -n 1 /tmp/ring.out)), no fd left open"
else
	tap_not_ok "audio: unplugged mid-ring, the ring ended, no fd left open (status $rrc)"
fi
if [ "$wrc" = 0 ] && grep -qx gone /tmp/watch2.out; then
	tap_ok "audio: the open mixer reports the card gone"
else
	tap_not_ok "audio: the open mixer reports the card gone (status $wrc)"
fi
gone() {
	[ -z "$(card_below "$PA")" ] && [ -z "$(node_below "$PA")" ] &&
		! audio-check card "$node_a" >/dev/null 2>&1 && echo gone
}
tap "audio: A's card and hidraw node are gone, the devices layer finds no card for it" wait_for 5000 gone
check_b_still() { check_card "$node_b" "$card_b"; }
tap "audio: B keeps its card while A is away" check_b_still

# Plugged in again: found again, whatever numbers it got.
tap "audio: A plugged in again" gadget-audio.sh plug "$A_NAME" 0
node_a=$(wait_for 15000 node_below "$PA")
card_a=$(wait_for 15000 card_below "$PA")
echo "# A again: $node_a card $card_a"
if [ -n "$node_a" ] && [ -n "$card_a" ]; then
	tap "audio: A's card found again after the re-plug" check_card "$node_a" "$card_a"
else
	tap_not_ok "audio: A's card found again after the re-plug"
fi

# The provider with A open (vm-host-audio.c): amixer changes come as PHONE_STATE
# HEADSETVOLUME/HEADSETGAIN, phoneSetVolume's own change once, hookswitch MIC/SPEAKER/ONHOOK
# switch the card's mutes, phoneSetRing rings through the speaker (AttrRinger=audio), and
# pulling A out mid-ring force-closes it with nothing left open. The ring is never stopped
# on the live vudc device: closing a running stream there blocks in usb_kill_urb.
if [ -n "$node_a" ] && [ -n "$card_a" ]; then
	log_was=${HIDPHONE_LOG-}
	export HIDPHONE_LOG=info
	tap_run 120 vm-host audio "$node_a" "$card_a" "$vctl" "$gctl" "$A_NAME" 0 \
		"$(gadget-audio.sh hidg "$A_NAME")"
	export HIDPHONE_LOG="$log_was"
else
	tap_not_ok "audio: the provider on A (A did not come back)"
fi

# phonectl audio on B, unplugged mid-tone. vudc never completes isochronous transfers
# (vm-e2e.md §10), so the tone cannot finish here, and closing a stream on a live vudc
# device blocks in the kernel (usb_kill_urb under snd_usb_hw_free, seen in this guest):
# the unplug is what ends it. phonectl must have named B's card, started the tone, and end
# with status 1 and the reason once B is gone.
id_b=$(cat "/proc/asound/card$card_b/id")
timeout 60 phonectl audio "$node_b" --seconds 1 >/tmp/audio.out 2>&1 &
ap=$!
if wait_for 10000 grep "^playing a 1 kHz tone" /tmp/audio.out >/dev/null; then
	sleep 1
	gadget-audio.sh unplug "$B_NAME" 1
fi
wait $ap
arc=$?
sed 's/^/# phonectl audio: /' /tmp/audio.out
if [ "$arc" = 1 ] && grep -q "^$node_b: sound card $card_b \"$id_b\"" /tmp/audio.out &&
	grep -qx "  alsa/out: plughw:CARD=$id_b,DEV=0" /tmp/audio.out &&
	grep -q "^playing a 1 kHz tone for one second on plughw:CARD=$id_b,DEV=0" /tmp/audio.out &&
	grep -q "^  playback failed: " /tmp/audio.out; then
	tap_ok "audio: phonectl audio names B's card, plays the tone, fails cleanly when B is unplugged"
else
	tap_not_ok "audio: phonectl audio names B's card, plays the tone, fails cleanly when B is unplugged (status $arc)"
fi

cleanup
