#ifndef HIDPHONE_HOT_PATH_H
#define HIDPHONE_HOT_PATH_H

/*
 * HOT_PATH marks the functions an input report runs through from the node's read() to the
 * host's callback (tsp_phone_input() and what it calls, in every layer). The compiler puts
 * them side by side (GCC's and Clang's .text.hot): a report after a pause then finds its
 * code in two pages, not spread over ten, each a TLB and cache miss of its own. That is
 * the difference between a hook change and a key held down: the VM's latency step
 * (test/vm/vm-host-latency.c) measures hook changes 50 ms apart for it. Only for that
 * path: marking more spreads it again.
 */
#define HOT_PATH __attribute__((hot))

#endif
