/* The sound card in phonectl's output, and the mixer behind volume and gain. */
#ifndef HIDPHONE_PHONECTL_AUDIO_H
#define HIDPHONE_PHONECTL_AUDIO_H

struct json;

/* "<indent>sound card N "id": playback NAME, capture NAME" when the phone has a card. */
void phonectl_sound_card_text(const char *node, const char *indent);
/* "sound_card": {card, id, wave_out, wave_in, alsa_out, alsa_in} or null. */
void phonectl_sound_card_json(struct json *j, const char *node);

/*
 * volume (0) or gain (1) of the phone's card, shown, or set to value when not NULL.
 * Returns an exit status, or -1 when the phone has no sound card.
 */
int phonectl_mixer_command(const char *node, int volume_or_gain, const char *value);

#endif
