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

#endif
