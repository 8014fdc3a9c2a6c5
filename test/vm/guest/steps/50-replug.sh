# Unplug and re-plug one gadget five times (write "" then the UDC name to its
# UDC attribute): the hidraw node must go away and come back each time, and
# the device must still carry reports afterwards.

fx=$(e2e_standing_phone)
if [ -z "$fx" ]; then
	tap_not_ok "replug: no phone in the standing set"
	exit 0
fi
fx_load "$fx"
udc=$(gadget.sh udc "$fx")
for i in 1 2 3 4 5; do
	t0=$(e2e_uptime)
	gadget.sh unbind "$fx"
	tap "$fx: cycle $i: hidraw node gone after unbind" hidraw-check gone "$FX_VID" "$FX_PID" 5000
	gadget.sh bind "$fx" "$udc" >/dev/null
	tap "$fx: cycle $i: hidraw node back after rebind to $udc" hidraw-check find "$FX_VID" "$FX_PID" 15000
	echo "# cycle $i took $(awk -v a="$t0" -v b="$(e2e_uptime)" 'BEGIN{printf "%.2f", b-a}') s"
done
if dev=$(fx_hidraw "$fx") && hidg=$(gadget.sh hidg "$fx" 5000); then
	tap "$fx: input report still arrives after re-plugging" \
		hidraw-check input "$dev" "$hidg" "$FX_IN" 3000
else
	tap_not_ok "$fx: no nodes after re-plugging"
fi
