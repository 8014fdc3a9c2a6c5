/* kamailio as registrar and proxy for the call tests (test/call-registrar.c). */
#ifndef HIDPHONE_TEST_CALL_REGISTRAR_H
#define HIDPHONE_TEST_CALL_REGISTRAR_H

#include <stdint.h>
#include <sys/types.h>

struct registrar {
	pid_t pid;
	uint16_t port;
	char dir[64];
};

/* Starts kamailio on 127.0.0.1:port (also named localhost:port) accepting REGISTER with
 * `password` for any user. */
int registrar_start(struct registrar *r, uint16_t port, const char *password);
void registrar_stop(struct registrar *r);

#endif
