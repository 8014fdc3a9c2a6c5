# Plug in the standing set (phones and the negative control, all at once) and
# leave it plugged for the following steps; later slices run the provider
# against it. /run/e2e/standing lists it.

e2e_standing_set >/run/e2e/standing
echo "# standing set: $(tr '\n' ' ' </run/e2e/standing)"
for fx in $(cat /run/e2e/standing); do
	out=$(gadget.sh create "$fx" 2>&1) || tap_not_ok "$fx: gadget created ($out)"
done
for fx in $(cat /run/e2e/standing); do
	fx_load "$fx"
	tap "$fx: plugged in with the standing set" hidraw-check find "$FX_VID" "$FX_PID" 15000
done
