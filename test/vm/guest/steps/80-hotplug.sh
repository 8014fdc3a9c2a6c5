# Hotplug with the real provider: four phones at once (the negative control makes room for
# a fourth), then e2e.hotplug (default 200) unplug/replug cycles of one phone while it is
# open, with requests racing each unplug; nothing may leak. Leaves the standing set as it
# found it.

unset HIDPHONE_DEVICES
# The requests racing an unplug fail by design; their warnings would flood the console.
HIDPHONE_LOG=error
E2E_HOTPLUG=$(e2e_arg hotplug 200)
export HIDPHONE_LOG E2E_HOTPLUG
tap_run 600 vm-host hotplug
