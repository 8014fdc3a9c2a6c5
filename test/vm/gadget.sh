#!/bin/sh
# gadget.sh: one USB HID gadget per fixture, through configfs (libcomposite +
# usb_f_hid), bound to a dummy_hcd UDC so that the same kernel enumerates it as
# a real USB device (usbhid, hid-generic, hidraw).
#
#   gadget.sh create FIXTURE [UDC]  build the gadget and plug it in (first free UDC)
#   gadget.sh unbind FIXTURE        unplug (write "" to UDC)
#   gadget.sh bind FIXTURE [UDC]    plug in again
#   gadget.sh remove FIXTURE        unplug and delete the gadget
#   gadget.sh udc FIXTURE           print the UDC it is bound to (empty if none)
#   gadget.sh hidg FIXTURE [MS]     print its /dev/hidgN, waiting up to MS (default 5000)
#
# The fixture's VID, PID, strings and report_length come from phones.tsv; its
# report descriptor from descriptors/FIXTURE.rdesc.hex, both under $E2E_DIR
# (default /etc/e2e). Needs hex2bin on PATH.
set -u

E2E_DIR=${E2E_DIR:-/etc/e2e}
CONFIGFS=${CONFIGFS:-/sys/kernel/config}
GADGETS=$CONFIGFS/usb_gadget
FUNC=hid.usb0

die() {
	echo "gadget.sh: $*" >&2
	exit 1
}

# Millisecond sleeps; busybox sleep takes fractions only with FANCY_SLEEP.
nap() { usleep 20000 2>/dev/null || sleep 0.02 2>/dev/null || sleep 1; }

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

free_udc() {
	for u in /sys/class/udc/*; do
		[ -e "$u" ] || continue
		name=${u##*/}
		taken=
		for f in "$GADGETS"/*/UDC; do
			[ -f "$f" ] && [ "$(cat "$f")" = "$name" ] && taken=1
		done
		[ -z "$taken" ] && { echo "$name"; return 0; }
	done
	return 1
}

do_bind() {
	G=$GADGETS/$1
	[ -d "$G" ] || die "no gadget $1"
	udc=${2:-}
	[ -n "$udc" ] || udc=$(free_udc) || die "no free UDC for $1 (load dummy_hcd with num=N)"
	echo "$udc" >"$G/UDC" || die "cannot bind $1 to $udc"
	echo "$udc"
}

do_create() {
	fx=$1
	load_fixture "$fx"
	desc=$E2E_DIR/descriptors/$fx.rdesc.hex
	[ -f "$desc" ] || die "no descriptor $desc"
	G=$GADGETS/$fx
	[ -d "$G" ] && die "gadget $fx exists already"
	mkdir "$G" || die "cannot create $G (is configfs mounted and libcomposite loaded?)"
	echo "0x$VID" >"$G/idVendor"
	echo "0x$PID" >"$G/idProduct"
	echo 0x0100 >"$G/bcdDevice"
	echo 0x0200 >"$G/bcdUSB"
	mkdir "$G/strings/0x409"
	echo "$MFR" >"$G/strings/0x409/manufacturer"
	echo "$PROD" >"$G/strings/0x409/product"
	echo "E2E$VID$PID" >"$G/strings/0x409/serialnumber"
	F=$G/functions/$FUNC
	mkdir "$F" || die "cannot create $F (is usb_f_hid loaded?)"
	# No boot protocol: these are not keyboards or mice.
	echo 0 >"$F/protocol"
	echo 0 >"$F/subclass"
	# Must exceed every report sent: f_hid follows a report of exactly
	# report_length bytes with a zero-length packet.
	echo "$RLEN" >"$F/report_length"
	hex2bin "$desc" >"$F/report_desc" || die "cannot write report_desc of $fx"
	mkdir -p "$G/configs/c.1/strings/0x409"
	echo "Telephony" >"$G/configs/c.1/strings/0x409/configuration"
	echo 100 >"$G/configs/c.1/MaxPower"
	ln -s "$F" "$G/configs/c.1/"
	do_bind "$fx" "${2:-}"
}

do_unbind() {
	G=$GADGETS/$1
	[ -d "$G" ] || die "no gadget $1"
	echo "" >"$G/UDC" || die "cannot unbind $1"
}

do_remove() {
	G=$GADGETS/$1
	[ -d "$G" ] || return 0
	[ -n "$(cat "$G/UDC")" ] && echo "" >"$G/UDC"
	rm -f "$G/configs/c.1/$FUNC"
	rmdir "$G/configs/c.1/strings/0x409" "$G/configs/c.1" "$G/functions/$FUNC" \
		"$G/strings/0x409" "$G" || die "cannot remove $G"
}

# /dev/hidgN exists only while the gadget is bound; its minor is fixed when the
# function is created, so match it through the configfs "dev" attribute.
do_hidg() {
	G=$GADGETS/$1
	[ -d "$G" ] || die "no gadget $1"
	want=$(cat "$G/functions/$FUNC/dev")
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
		[ "$waited" -ge "$ms" ] && die "no /dev/hidg node for $1 ($want) after $ms ms"
		nap
		waited=$((waited + 20))
	done
}

[ $# -ge 2 ] || die "usage: gadget.sh create|bind|unbind|remove|udc|hidg FIXTURE [ARG]"
cmd=$1
shift
case $cmd in
create) do_create "$@" ;;
bind) do_bind "$@" ;;
unbind) do_unbind "$1" ;;
remove) do_remove "$1" ;;
udc) cat "$GADGETS/$1/UDC" ;;
hidg) do_hidg "$@" ;;
*) die "unknown command $cmd" ;;
esac
