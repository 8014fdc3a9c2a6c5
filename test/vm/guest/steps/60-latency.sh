# One-way latency through the real stack, printed, not asserted (TCG numbers
# say little about hardware): e2e.lat samples per direction, one process
# stamping both ends with CLOCK_MONOTONIC.

fx=$(e2e_standing_phone)
[ -n "$fx" ] || exit 0
fx_load "$fx"
if ! dev=$(fx_hidraw "$fx") || ! hidg=$(gadget.sh hidg "$fx" 5000); then
	tap_not_ok "latency: no nodes for $fx"
	exit 0
fi
tap "$fx: $E2E_LAT input and $E2E_LAT output reports carried byte-exact (latency run)" \
	hidraw-check latency "$dev" "$hidg" "$FX_IN" "$FX_OUT" "$E2E_LAT"
