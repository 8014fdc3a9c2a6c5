/*
 * The path of a phone spoken to over libusb, "usb:BUS:ADDR:IF": what matrix_find_interface
 * and the libusb transport give it, and what names it to phonectl and to the sound card
 * lookup (devices/audio-card.h). Apart from devices/matrix-find.c so that a reader of the
 * path needs neither libudev nor the profiles.
 */
#ifndef HIDPHONE_USB_PATH_H
#define HIDPHONE_USB_PATH_H

/*
 * Reads a path of the form matrix_find_interface gives, "usb:BUS:ADDR:IF" (decimal, as
 * sysfs numbers them: BUS 1-255, ADDR 1-127, IF 0-255, nothing after). Returns 0, or
 * -EINVAL when path is not one.
 */
int matrix_path_parse(const char *path, unsigned *bus, unsigned *addr, unsigned *itf);

#endif
