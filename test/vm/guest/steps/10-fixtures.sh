# Every fixture as a real USB device, in batches of at most E2E_MAX_GADGETS
# plugged in at once (f_hid's limit). For each gadget:
#  - a hidraw node with the fixture's VID:PID appears, and its /dev/hidgN;
#  - HIDIOCGRAWINFO gives bus USB and the VID:PID, HIDIOCGRAWNAME the strings;
#  - HIDIOCGRDESC gives the fixture's descriptor bytes unchanged;
#  - an input report played by gadget-phone at /dev/hidgN comes out of the
#    hidraw node byte-exact, and an output report written to the hidraw node
#    reaches gadget-phone byte-exact;
#  - the kernel's own parse (debugfs hid/<dev>/rdesc) is exported as
#    <fixture>.kernel-rdesc.txt for comparison with the project's parser.
# The batch is unplugged afterwards and its hidraw nodes must go away.

check_fixture() {
	fx=$1
	fx_load "$fx"
	tap "$fx: hidraw node for $FX_VID:$FX_PID appears" hidraw-check find "$FX_VID" "$FX_PID" 15000 || return 0
	dev=$(fx_hidraw "$fx")
	hidg=$(gadget.sh hidg "$fx" 5000)
	tap "$fx: gadget node ${hidg:-/dev/hidgN} appears" test -n "$hidg"
	hid=$(hid_name_of "$dev")
	drv=$(readlink "/sys/bus/hid/devices/$hid/driver")
	echo "# $fx: $dev is $hid, driver ${drv##*/}"

	name=$FX_MFR
	[ "$FX_PROD" != - ] && name="$name $FX_PROD"
	tap "$fx: HIDIOCGRAWINFO is USB $FX_VID:$FX_PID, name \"$name\"" \
		hidraw-check rawinfo "$dev" "$FX_VID" "$FX_PID" "$name"
	hex2bin "$E2E_DIR/descriptors/$fx.rdesc.hex" >"/tmp/$fx.rdesc.bin"
	tap "$fx: HIDIOCGRDESC equals the fixture bytes" hidraw-check rdesc "$dev" "/tmp/$fx.rdesc.bin"

	if [ -n "$hidg" ] && [ "$FX_IN" != - ]; then
		tap "$fx: input report $FX_IN from $hidg arrives at $dev" \
			hidraw-check input "$dev" "$hidg" "$FX_IN" 3000
	fi
	if [ -n "$hidg" ] && [ "$FX_OUT" != - ]; then
		tap "$fx: output report $FX_OUT from $dev arrives at $hidg" \
			hidraw-check output "$dev" "$hidg" "$FX_OUT" 3000
	fi

	f=/sys/kernel/debug/hid/$hid/rdesc
	if cat "$f" >"/tmp/$fx.kernel-rdesc.txt" 2>/dev/null && [ -s "/tmp/$fx.kernel-rdesc.txt" ]; then
		e2e_export "$fx.kernel-rdesc.txt" "/tmp/$fx.kernel-rdesc.txt"
		tap_ok "$fx: kernel parse of $hid exported ($(wc -l <"/tmp/$fx.kernel-rdesc.txt") lines)"
	else
		tap_not_ok "$fx: cannot read $f"
	fi
}

e2e_batches | while read -r batch; do
	echo "# batch: $batch"
	t0=$(e2e_uptime)
	for fx in $batch; do
		out=$(gadget.sh create "$fx" 2>&1) || tap_not_ok "$fx: gadget created ($out)"
	done
	for fx in $batch; do
		check_fixture "$fx"
	done
	echo "# batch took $(awk -v a="$t0" -v b="$(e2e_uptime)" 'BEGIN{printf "%.2f", b-a}') s"
	for fx in $batch; do
		gadget.sh remove "$fx" || tap_not_ok "$fx: gadget removed"
		fx_load "$fx"
		tap "$fx: hidraw node gone after unplugging" hidraw-check gone "$FX_VID" "$FX_PID" 5000
	done
done
