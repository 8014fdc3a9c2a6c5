# The project's udev rules (udev/70-hidphone.rules, with hidphone-probe in udev's own
# directory, as `make install-udev` puts them) were in place when udevd started: every
# phone of the standing set has a hidraw node tagged uaccess with ID_HIDPHONE=1, and the
# negative control has neither. The devices a profile names (udev/69-hidphone-profiles.rules,
# generated from devices/data) also carry ID_HIDPHONE_PROFILE=1, the others not.

udevadm settle --timeout=10 || echo "# udevadm settle timed out"
for fx in $(cat /run/e2e/standing 2>/dev/null); do
	fx_load "$fx"
	if ! dev=$(fx_hidraw "$fx" 5000); then
		tap_not_ok "udev: $fx has no hidraw node"
		continue
	fi
	props=$(udevadm info --query=property --name="$dev" 2>&1)
	tags=$(printf '%s\n' "$props" | sed -n 's/^TAGS=//p')
	idp=$(printf '%s\n' "$props" | sed -n 's/^ID_HIDPHONE=//p')
	coll=$(printf '%s\n' "$props" | sed -n 's/^ID_HIDPHONE_COLLECTION=//p')
	prof=$(printf '%s\n' "$props" | sed -n 's/^ID_HIDPHONE_PROFILE=//p')
	want_prof=
	for r in /lib/udev/rules.d/69-hidphone-profiles.rules /usr/lib/udev/rules.d/69-hidphone-profiles.rules; do
		[ -f "$r" ] && grep -qi "^KERNELS==\"[^\"]*:$FX_VID:$FX_PID\.\*\"" "$r" && want_prof=1
	done
	if [ "$prof" = "$want_prof" ]; then
		tap_ok "udev: $fx ($dev): ID_HIDPHONE_PROFILE=${want_prof:-(unset)} from the generated rules"
	else
		tap_not_ok "udev: $fx ($dev): ID_HIDPHONE_PROFILE=${prof:-(unset)}, wanted ${want_prof:-(unset)}"
	fi
	echo "# $fx: $dev TAGS=${tags:-(none)} ID_HIDPHONE=${idp:-(unset)} ID_HIDPHONE_COLLECTION=${coll:-(unset)}"
	case :$tags: in *:uaccess:*) has_tag=1 ;; *) has_tag=0 ;; esac
	if [ "$FX_KIND" = phone ]; then
		if [ "$has_tag" = 1 ] && [ "$idp" = 1 ]; then
			tap_ok "udev: $fx ($dev): TAGS has uaccess, ID_HIDPHONE=1"
		else
			tap_not_ok "udev: $fx ($dev): TAGS has uaccess, ID_HIDPHONE=1"
			printf '%s\n' "$props" | sed 's/^/#   /'
		fi
	else
		if [ "$has_tag" = 0 ] && [ -z "$idp" ]; then
			tap_ok "udev: $fx ($dev, not a phone): no uaccess tag, no ID_HIDPHONE"
		else
			tap_not_ok "udev: $fx ($dev, not a phone): no uaccess tag, no ID_HIDPHONE"
			printf '%s\n' "$props" | sed 's/^/#   /'
		fi
	fi
done
