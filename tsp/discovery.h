/*
 * Where phones come from: hidapi's list of hidraw devices, or the recordings that
 * HIDPHONE_DEVICES names (tsp/discovery.c has the syntax).
 */
#ifndef HIDPHONE_TSP_DISCOVERY_H
#define HIDPHONE_TSP_DISCOVERY_H



int tsp_discover(void);                                     /* lock held */
void tsp_discovery_release(void);

#endif
