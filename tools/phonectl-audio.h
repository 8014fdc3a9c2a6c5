/* The sound card in phonectl's output. */
#ifndef HIDPHONE_PHONECTL_AUDIO_H
#define HIDPHONE_PHONECTL_AUDIO_H

struct json;

/* "<indent>sound card N "id": playback NAME, capture NAME" when the phone has a card. */
void phonectl_sound_card_text(const char *node, const char *indent);
/* "sound_card": {card, id, wave_out, wave_in, alsa_out, alsa_in} or null. */
void phonectl_sound_card_json(struct json *j, const char *node);

#endif
