# Latency through the provider, printed, not judged: e2e.lat input reports from the gadget
# to the PHONE_BUTTON callback, hook changes to PHONE_STATE, the same reports through a
# bare read() on the hidraw node (the floor), their ratios, and TSPI_phoneSetLamp to the
# output report at the gadget.

unset HIDPHONE_DEVICES
tap_run 120 vm-host latency
