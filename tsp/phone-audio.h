/*
 * The phone's audio as TSPI device ids: which classes a phone answers and their values.
 * The association itself (phone ↔ ALSA card) is devices/audio-card's; this only maps it.
 */
#ifndef HIDPHONE_TSP_PHONE_AUDIO_H
#define HIDPHONE_TSP_PHONE_AUDIO_H

#include <stdbool.h>

#include "phone.h"
#include "varstruct.h"

/*
 * Fills vs with the id of an audio device class (wave/in, wave/out: STRINGFORMAT_BINARY, one
 * DWORD, the ALSA card number; alsa/in, alsa/out: STRINGFORMAT_ASCII, a PCM name that
 * snd_pcm_open takes as is). Lock held. Returns 0 (a VARSTRING too small for the value gets
 * dwNeededSize, as TSPI wants), -EINVAL for a class that is not an audio class, -ENOENT
 * when the phone has no card or no PCM in that direction right now, -ENOSPC when the
 * VARSTRING is smaller than its fixed part.
 */
int tsp_audio_get_id(const struct phone *p, LPCWSTR cls, LPVARSTRING vs);

/*
 * The device classes the phone answers right now, as the UTF-16 multi-string of
 * PHONECAPS/LINEDEVCAPS dwDeviceClasses: `first` (NULL-terminated list: the TAPI classes
 * the caller answers itself), then the audio classes of the phone's card. Lock held.
 */
void tsp_audio_add_classes(const struct phone *p, const char *const *first, struct varstruct *vs,
			   DWORD *size, DWORD *off);

/*
 * The phone's PCM names right now (alsa/out and alsa/in: "plughw:CARD=<id>,DEV=<n>"),
 * each "" when the phone has no card or no PCM that way. Lock held; reads sysfs.
 */
void tsp_audio_pcm_names(const struct phone *p, char *out, size_t out_size, char *in,
			 size_t in_size);

/*
 * Volume (the card's playback volume) and gain (its capture volume), 0..0xFFFF on
 * alsamixer's curve (devices/audio-mixer). A USB phone has one of each whichever hookswitch
 * device is in use, so every hookswitch device the phone has shares them. Lock held; the
 * results are PHONEERR_ codes: OPERATIONUNAVAIL for a phone without a card or without the
 * control, OPERATIONFAILED once its card has gone, INVALHOOKSWITCHDEV for a device the
 * phone does not have.
 */
LONG tsp_audio_level_get(struct phone *p, DWORD hookswitch_dev, bool gain, DWORD *value);
/* Checks, then sets the level on the I/O loop and completes request there; returns 0 when
 * the request was posted (the caller returns the request id), else the error. */
LONG tsp_audio_level_set(struct phone *p, DRV_REQUESTID request, DWORD hookswitch_dev,
			 bool gain, DWORD value);

/*
 * The open phone's card on the I/O loop: tsp_audio_open (lock held, at the open) starts
 * watching its mixer (or waiting for its card); tsp_audio_close (lock not held, after the
 * reading stopped) stops a ring, gives the mutes back, stops watching and frees pa.
 */
struct phone_audio;
void tsp_audio_open(struct phone *p);
void tsp_audio_close(struct phone_audio *pa);

/*
 * The hook switch's mutes. tsp_audio_hook_modes: the modes the card adds to ONHOOK and
 * MICSPEAKER (MIC with a playback mute, SPEAKER with a capture mute). tsp_audio_hook_mode
 * (lock held): a phoneSetHookSwitch mode on the card: MIC, SPEAKER and MICSPEAKER mute what
 * the mode leaves out and unmute the rest, ONHOOK gives the mutes back as they were before.
 * tsp_audio_device_hook (lock held): the device reported a hook change of dev itself: the
 * application's mode is over, the mutes go back too.
 */
DWORD tsp_audio_hook_modes(const struct phone *p);
/* The hookswitch mode of device dev (enum phone_hook_device) now, 0 if the phone has none. */
DWORD tsp_hook_mode(const struct phone *p, int dev);
void tsp_audio_hook_mode(struct phone *p, DWORD mode);
void tsp_audio_device_hook(struct phone *p, int dev);

/*
 * Ringing through the phone's speaker: the ring modes it has (0 when it does not ring
 * through its card: no card, no playback PCM, a Telephony Ringer, or AttrRinger=hid). Lock
 * held. tsp_audio_ring starts (mode 1..), changes the volume of, or stops (mode 0) the ring
 * on the loop, which completes request. HIDPHONE_RING_PCM names another PCM to ring on
 * (tests). Returns 0 or a negative errno (nothing posted).
 */
unsigned tsp_audio_ring_modes(const struct phone *p);
int tsp_audio_ring(struct phone *p, DRV_REQUESTID request, unsigned mode, uint32_t volume);
/*
 * The line's ring for an offered call (lock held): on (pattern 1) or off through the
 * speaker, where the phone rings through its card and no application has set a ring mode;
 * no request completes.
 */
void tsp_audio_line_ring(struct phone *p, bool on);
/* Loop thread, lock held: a call's media takes the phone's PCM; a ring on it stops first. */
void tsp_audio_release_pcm(struct phone *p);

/* PHONECAPS dwVolumeFlags/dwGainFlags and the PHONESTATUS levels (lock held). */
void tsp_audio_caps(const struct phone *p, LPPHONECAPS caps);
void tsp_audio_status(const struct phone *p, LPPHONESTATUS status);

#endif
