# Shell helpers of steps 90 and 91 (sourced by them; busybox sh): a USB gadget with the
# CM109's ids and report shape, and waits on it. The step sets VID and PID (0d8c:000e), G
# (the gadget's configfs directory), F (its function, $G/functions/hid.usb0) and CHECK
# (usb-transport-check). run.sh puts this file in /usr/local/bin (E2E_EXTRA_BINS).

# gadget_create: builds the gadget and plugs it into the first free UDC (its name in UDC_NAME).
gadget_create() {
	mkdir "$G" || return 1
	echo 0x$VID >"$G/idVendor"
	echo 0x$PID >"$G/idProduct"
	echo 0x0100 >"$G/bcdDevice"
	mkdir "$G/strings/0x409"
	echo "C-Media" >"$G/strings/0x409/manufacturer"
	echo "CM109 test phone" >"$G/strings/0x409/product"
	mkdir "$F" || return 1
	echo 0 >"$F/protocol"
	echo 0 >"$F/subclass"
	# 8, not 4: with 4, f_hid adds a zero-length packet after each report (vm-e2e.md 11).
	echo 8 >"$F/report_length"
	# Output reports come as SET_REPORT on the control pipe, as cm109 sends them: no OUT
	# endpoint, so interface 0's first endpoint is the interrupt IN cm109 probes for.
	echo 1 >"$F/no_out_endpoint" || return 1
	# Vendor page, 4-byte input and output reports, no report ids: the CM109's shape.
	echo "06 00 ff 09 01 a1 01 15 00 26 ff 00 75 08 95 04 09 01 81 02 95 04 09 01 91 02 c0" \
		>"/tmp/${G##*/}.hex"
	hex2bin "/tmp/${G##*/}.hex" >"$F/report_desc" || return 1
	mkdir -p "$G/configs/c.1"
	echo 100 >"$G/configs/c.1/MaxPower"
	ln -s "$F" "$G/configs/c.1/"
	for u in /sys/class/udc/*; do
		name=${u##*/}
		taken=
		for f in /sys/kernel/config/usb_gadget/*/UDC; do
			[ -f "$f" ] && [ "$(cat "$f")" = "$name" ] && taken=1
		done
		# shellcheck disable=SC2034 # UDC_NAME: for the step (91 plugs it in again)
		[ -z "$taken" ] && { UDC_NAME=$name; echo "$name" >"$G/UDC"; return $?; }
	done
	return 1
}

# gadget_plug_in NAME: gadget_create, with the cm109 module there; if either is not, a
# failed TAP point (its name starting with NAME) and status 1.
gadget_plug_in() {
	if [ ! -d /sys/module/cm109 ]; then
		tap_not_ok "$1: the kernel module is loaded (E2E_EXTRA_MODULES=cm109)"
		return 1
	fi
	if ! gadget_create; then
		tap_not_ok "$1: gadget $VID:$PID plugged in"
		return 1
	fi
}

# gadget_remove: deletes the gadget (unplugged by then, or unplugged by this).
gadget_remove() {
	rm -f "$G/configs/c.1/hid.usb0"
	rmdir "$G/configs/c.1" "$F" "$G/strings/0x409" "$G" 2>/dev/null
}

# wait_driver WANT: up to 5 s for interface 0's driver to be WANT
wait_driver() {
	i=0
	while [ $i -lt 250 ]; do
		[ "$($CHECK driver $VID $PID)" = "$1" ] && return 0
		usleep 20000
		i=$((i + 1))
	done
	echo "driver: $($CHECK driver $VID $PID), wanted $1"
	return 1
}

hidg_node() {
	want=$(cat "$F/dev")
	for d in /sys/class/hidg/*; do
		[ "$(cat "$d/dev" 2>/dev/null)" = "$want" ] && { echo "/dev/${d##*/}"; return 0; }
	done
	return 1
}

# hidg_wait: the gadget's /dev/hidgN in hidg, waiting up to 2 s for it (empty if none).
hidg_wait() {
	hidg=
	i=0
	while [ -z "$hidg" ] && [ $i -lt 100 ]; do hidg=$(hidg_node); usleep 20000; i=$((i + 1)); done
}
