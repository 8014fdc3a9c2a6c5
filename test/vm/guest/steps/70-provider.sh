# The real provider (hidphone.tsp with its libraries, loaded by vm-host the way a TAPI host
# loads it) on the standing set, HIDPHONE_DEVICES unset: enumeration and caps, input reports
# at the gadget becoming PHONE_STATE/PHONE_BUTTON, and requests becoming output reports at
# the gadget. vm-host's test points become TAP lines (tap_run in lib.sh).

unset HIDPHONE_DEVICES
tap_run 60 vm-host discover
tap_run 60 vm-host input
tap_run 60 vm-host output
