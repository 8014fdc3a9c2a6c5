/*
 * The sound card of a phone: the ALSA card that belongs to the same USB device as the
 * phone's HID interface.
 *
 * A USB desk phone, handset or headset is one composite device: a HID interface (hidraw)
 * for keys and lamps, USB Audio interfaces (snd-usb-audio, one ALSA card) for the earpiece
 * and microphone. Both hang below the same `usb_device` in sysfs, so the association is a
 * comparison of sysfs paths: from the hidraw node (or, for a phone without one, from the
 * bus and address of its "usb:" path) up to its usb_device, from every
 * /sys/class/sound/cardN up to its usb_device. Card numbers and card ids say nothing about
 * which phone a card belongs to (two identical phones get "Phone" and "Phone_1" in plug-in
 * order), the USB path does: it names the port the device is plugged into.
 *
 * The walk reads plain sysfs below a root that tests can point at a directory tree (libudev
 * 252 refuses any syspath outside /sys and has no SYSFS_PATH override). Every lookup reads
 * sysfs afresh, so a card that snd-usb-audio registers after usbhid has bound the HID
 * interface is answered from the moment it exists, and one that went away is no longer.
 */
#ifndef HIDPHONE_AUDIO_CARD_H
#define HIDPHONE_AUDIO_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum audio_dir {
	AUDIO_OUT = 0, /* playback: the earpiece / speaker */
	AUDIO_IN = 1,  /* capture: the microphone */
};

struct audio_card {
	int number;            /* ALSA card number (/sys/class/sound/cardN) */
	char id[32];           /* ALSA card id (cardN/id), what CARD= names in a PCM name */
	int pcm[2];            /* lowest PCM device per direction (enum audio_dir), -1 if none */
	char usb_path[512];    /* sysfs path of the USB device both belong to, below the root */
};

/*
 * Finds the card of the phone at `node`: a hidraw node ("/dev/hidraw3", or a name
 * "hidraw3" looked up in class/hidraw), or a phone spoken to over libusb, "usb:BUS:ADDR:IF"
 * (a CM109-family chip: a sound card first of all, with no hidraw node; its usb_device is
 * the entry of bus/usb/devices with that busnum and devnum). sysfs_root is "/sys" when
 * NULL. Returns 0 and fills card, -ENOENT when the phone's USB device has no sound card (a
 * pure HID device, or its card is not registered yet), -ENODEV when the node is not below
 * a USB device (uhid, Bluetooth) or no USB device has that bus and address, -EINVAL for a
 * malformed name, or another negative errno when sysfs cannot be read.
 */
int audio_card_find(const char *sysfs_root, const char *node, struct audio_card *card);

/*
 * Whether the USB device of `card` (card->usb_path, filled by audio_card_find even when it
 * found no card) has an interface of the USB Audio class: a card for it may still come
 * (snd-usb-audio registers after usbhid, or is bound again). A pure HID device never gets
 * one, so nobody need wait for it.
 */
bool audio_card_may_come(const char *sysfs_root, const struct audio_card *card);

/*
 * The sysfs path (below sysfs_root) of the usb_device that `path` (a sysfs path, symlinks
 * allowed) belongs to: the nearest ancestor whose uevent says DEVTYPE=usb_device.
 * Returns 0, -ENODEV when there is none, or a negative errno.
 */
int audio_card_usb_device(const char *sysfs_root, const char *path, char *out, size_t size);

/*
 * The Windows-style wave device id of one direction: the ALSA card number. Linux has no
 * system-wide wave device numbering; the card number is the one small integer that names
 * the phone's audio device to every ALSA program (hw:N, /proc/asound/cardN, amixer -c N),
 * and a wave device in the Windows sense is one card's PCM pair. A caller that needs the
 * PCM device too asks for "alsa/in" / "alsa/out". -ENOENT when the card has no PCM in
 * that direction.
 */
int audio_card_wave_id(const struct audio_card *card, enum audio_dir dir, uint32_t *id);

/*
 * A PCM name snd_pcm_open accepts as is: "plughw:CARD=<id>,DEV=<n>". The card id rather
 * than its number, because the id stays with the card while numbers are handed out in
 * plug-in order; plughw rather than hw, because phones offer few rates and formats (often
 * 16 or 48 kHz, mono, S16_LE) and plug converts to what the caller asks for.
 * Returns the length, -ENOENT for a missing direction, -ENAMETOOLONG if it does not fit.
 */
int audio_card_pcm_name(const struct audio_card *card, enum audio_dir dir, char *buf, size_t size);

#endif
