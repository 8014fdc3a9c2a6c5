# Scripted phone behaviour: for each fixture of the standing set that has a
# script in /etc/e2e/scripts/<fixture>.hidrec, gadget-phone plays it and every
# report must come out of the hidraw node, in order and byte-exact.

for fx in $(cat /run/e2e/standing 2>/dev/null); do
	script=$E2E_DIR/scripts/$fx.hidrec
	[ -f "$script" ] || continue
	if ! dev=$(fx_hidraw "$fx") || ! hidg=$(gadget.sh hidg "$fx" 5000); then
		tap_not_ok "$fx: no nodes to play ${script##*/}"
		continue
	fi
	tap "$fx: ${script##*/} played at $hidg arrives at $dev in order" \
		hidraw-check play "$dev" "$hidg" "$script" 10000
done
