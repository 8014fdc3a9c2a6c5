/*
 * The one place internal errors (negative errno values) become TAPI codes.
 */
#ifndef HIDPHONE_TSP_ERRORS_H
#define HIDPHONE_TSP_ERRORS_H

#include "tspi.h"

LONG tsp_phone_error(int err);
LONG tsp_line_error(int err);

#endif
