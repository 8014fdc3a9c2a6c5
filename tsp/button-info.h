/*
 * What TAPI calls each button and lamp.
 */
#ifndef HIDPHONE_TSP_BUTTON_INFO_H
#define HIDPHONE_TSP_BUTTON_INFO_H

#include <stddef.h>

#include "devices/phone-model.h"
#include "tspi.h"

DWORD tsp_button_mode(const struct phone_button *b);
DWORD tsp_button_function(const struct phone_button *b);
void tsp_button_text(const struct phone_button *b, char *buf, size_t size);
DWORD tsp_lamp_modes(const struct phone_model *m, const struct phone_button *b);

#endif
