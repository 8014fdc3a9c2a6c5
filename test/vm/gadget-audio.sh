#!/bin/sh
# gadget-audio.sh: a composite USB phone in the guest — the fixture's HID function plus a
# USB Audio 1 function (usb_f_uac1, with playback and capture volume and mute controls) in
# one configfs gadget, plugged in through usbip-vudc and the guest's own vhci-hcd (dummy_hcd
# has no isochronous endpoints; reference: vm-e2e.md §10).
#
#   gadget-audio.sh create NAME FIXTURE N   build gadget NAME with FIXTURE's ids, strings and
#                                           report descriptor; bind it to usbip-vudc.N and
#                                           attach that to vhci port N
#   gadget-audio.sh unplug NAME N           detach vhci port N (the host side loses it)
#   gadget-audio.sh plug NAME N             bind again if needed, attach again
#   gadget-audio.sh remove NAME N           unplug and delete the gadget
#   gadget-audio.sh hidg NAME [MS]          its /dev/hidgN
#   gadget-audio.sh card NAME               the gadget side's ALSA card number (UAC1Gadget)
#
# Every gadget gets the same serial number: two composite phones made by this script from
# one fixture are identical down to their strings, only the port tells them apart.
set -u

E2E_DIR=${E2E_DIR:-/etc/e2e}
GADGETS=/sys/kernel/config/usb_gadget
HID=hid.usb0
UAC=uac1.usb0
VHCI=/sys/devices/platform/vhci_hcd.0

die() {
	echo "gadget-audio.sh: $*" >&2
	exit 1
}
nap() { usleep 20000 2>/dev/null || sleep 1; }

load_fixture() {
	line=$(grep "^$1	" "$E2E_DIR/phones.tsv" | head -n 1)
	[ -n "$line" ] || die "fixture $1 is not in $E2E_DIR/phones.tsv"
	old_ifs=$IFS
	IFS='	'
	# shellcheck disable=SC2086
	set -- $line
	IFS=$old_ifs
	VID=$2 PID=$3 MFR=$4 PROD=$5 RLEN=$8
	[ "$RLEN" = - ] && RLEN=64
	[ "$MFR" = - ] && MFR=
	[ "$PROD" = - ] && PROD=
	return 0
}

w() { echo "$2" >"$1" || die "cannot write $2 to $1"; }

# usbip_sockfd answers ENODEV until a gadget is bound; the attach needs the fd in the
# writing process, which vudc-attach is.
attach() {
	udc=usbip-vudc.$2
	n=0
	while [ "$(cat "/sys/devices/platform/$udc/usbip_status" 2>/dev/null)" != 1 ]; do
		n=$((n + 1))
		[ "$n" -gt 250 ] && die "$udc: usbip_status stays $(cat "/sys/devices/platform/$udc/usbip_status")"
		nap
	done
	vudc-attach "/sys/devices/platform/$udc/usbip_sockfd" "$VHCI/attach" "$2" ||
		die "cannot attach $udc to vhci port $2"
}

do_create() {
	name=$1 fx=$2 n=$3
	load_fixture "$fx"
	desc=$E2E_DIR/descriptors/$fx.rdesc.hex
	G=$GADGETS/$name
	[ -d "$G" ] && die "gadget $name exists already"
	mkdir "$G" || die "cannot create $G"
	w "$G/idVendor" "0x$VID"
	w "$G/idProduct" "0x$PID"
	w "$G/bcdDevice" 0x0100
	w "$G/bcdUSB" 0x0200
	mkdir "$G/strings/0x409"
	w "$G/strings/0x409/manufacturer" "$MFR"
	w "$G/strings/0x409/product" "$PROD"
	w "$G/strings/0x409/serialnumber" "E2EAUDIO"
	F=$G/functions/$HID
	mkdir "$F" || die "cannot create $F"
	w "$F/protocol" 0
	w "$F/subclass" 0
	w "$F/report_length" "$RLEN"
	hex2bin "$desc" >"$F/report_desc" || die "cannot write report_desc"
	A=$G/functions/$UAC
	mkdir "$A" || die "cannot create $A (usb_f_uac1 loaded?)"
	# Mono both ways at 48 kHz, with the feature unit controls the provider drives.
	for a in p_chmask c_chmask; do w "$A/$a" 1; done
	for a in p_volume_present p_mute_present c_volume_present c_mute_present; do
		[ -f "$A/$a" ] && w "$A/$a" 1
	done
	mkdir -p "$G/configs/c.1/strings/0x409"
	w "$G/configs/c.1/strings/0x409/configuration" "Telephony with audio"
	w "$G/configs/c.1/MaxPower" 100
	ln -s "$F" "$G/configs/c.1/"
	ln -s "$A" "$G/configs/c.1/"
	w "$G/UDC" "usbip-vudc.$n"
	attach "$name" "$n"
}

do_unplug() {
	# The port's status line: "hs  PORT STATUS ...", status 006 = in use.
	echo "$2" >"$VHCI/detach" || die "cannot detach vhci port $2"
}

do_plug() {
	G=$GADGETS/$1
	# After a detach, vudc drops the connection and keeps the gadget bound; rebinding
	# resets it should it not.
	if [ "$(cat "/sys/devices/platform/usbip-vudc.$2/usbip_status" 2>/dev/null)" != 1 ]; then
		echo "" >"$G/UDC"
		w "$G/UDC" "usbip-vudc.$2"
	fi
	attach "$1" "$2"
}

do_remove() {
	G=$GADGETS/$1
	[ -d "$G" ] || return 0
	echo "$2" >"$VHCI/detach" 2>/dev/null
	[ -n "$(cat "$G/UDC")" ] && echo "" >"$G/UDC"
	rm -f "$G/configs/c.1/$HID" "$G/configs/c.1/$UAC"
	rmdir "$G/configs/c.1/strings/0x409" "$G/configs/c.1" "$G/functions/$HID" \
		"$G/functions/$UAC" "$G/strings/0x409" "$G" || die "cannot remove $G"
}

do_hidg() {
	G=$GADGETS/$1
	want=$(cat "$G/functions/$HID/dev")
	ms=${2:-5000}
	waited=0
	while :; do
		for d in /sys/class/hidg/*; do
			[ -f "$d/dev" ] || continue
			if [ "$(cat "$d/dev")" = "$want" ] && [ -c "/dev/${d##*/}" ]; then
				echo "/dev/${d##*/}"
				return 0
			fi
		done
		[ "$waited" -ge "$ms" ] && die "no /dev/hidg node for $1 after $ms ms"
		nap
		waited=$((waited + 20))
	done
}

# The gadget side's card hangs below the UDC's gadget device.
do_card() {
	udc=$(cat "$GADGETS/$1/UDC")
	[ -n "$udc" ] || die "$1 is not bound"
	for c in /sys/class/sound/card*; do
		[ -e "$c" ] || continue
		case $(readlink -f "$c") in
		*/"$udc"/*) echo "${c##*/card}"; return 0 ;;
		esac
	done
	die "no gadget-side card below $udc"
}

[ $# -ge 2 ] || die "usage: gadget-audio.sh create|unplug|plug|remove|hidg|card NAME [ARGS]"
cmd=$1
shift
case $cmd in
create) do_create "$@" ;;
unplug) do_unplug "$@" ;;
plug) do_plug "$@" ;;
remove) do_remove "$@" ;;
hidg) do_hidg "$@" ;;
card) do_card "$@" ;;
*) die "unknown command $cmd" ;;
esac
