/*
 * What TAPI calls each button and lamp.
 */
#ifndef HIDPHONE_TSP_BUTTON_INFO_H
#define HIDPHONE_TSP_BUTTON_INFO_H

#include <stdbool.h>
#include <stddef.h>

#include "devices/phone-model.h"
#include "tspi.h"

DWORD tsp_button_mode(const struct phone_button *b);
DWORD tsp_button_function(const struct phone_button *b);
void tsp_button_text(const struct phone_button *b, char *buf, size_t size);
DWORD tsp_lamp_modes(const struct phone_model *m, const struct phone_button *b);
/*
 * Whether the provider times b's blinking (tsp/lamp-cadence.h): an LED with on and off
 * only, or any lamp of a phone whose profile says AttrLampBlink=host.
 */
bool tsp_lamp_host_timed(const struct phone_model *m, const struct phone_button *b);

#endif
