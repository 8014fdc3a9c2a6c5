/* Places a call on the first line, prints its states, hangs up once connected.
 * Build: cc line-call.c -ltapi32     Run: line-call sip:bob@example.org */
#include <stdio.h>
#include <tapi.h>

int main(int argc, char **argv)
{
	LINEINITIALIZEEXPARAMS params = { .dwTotalSize = sizeof(params),
					  .dwOptions = LINEINITIALIZEEXOPTION_USEEVENT };
	DWORD ndevs, version = TAPI_CURRENT_VERSION;
	LINEEXTENSIONID ext;
	LINEMESSAGE m;
	HLINEAPP app;
	HLINE line;
	HCALL call = 0;   /* written by TAPI when lineMakeCall's LINE_REPLY is queued */
	LONG rc = 0, req;

	if (argc != 2 || (rc = lineInitializeEx(&app, NULL, NULL, "line-call", &ndevs, &version,
						&params)) ||
	    (rc = ndevs ? lineNegotiateAPIVersion(app, 0, TAPI_VERSION2_0, TAPI_VERSION3_1,
						  &version, &ext) : LINEERR_NODEVICE) ||
	    (rc = lineOpen(app, 0, &line, version, 0, 0, LINECALLPRIVILEGE_NONE, 0, NULL)) ||
	    (rc = req = lineMakeCall(line, &call, argv[1], 0, NULL)) < 0) {
		fprintf(stderr, argc != 2 ? "usage: line-call URI\n" : "line-call: error %#lx\n",
			(unsigned long)(DWORD)rc);
		return 1;
	}
	/* Until the call is over, or nothing happens for ten seconds. */
	while ((rc = lineGetMessage(app, &m, 10000)) == 0) {
		if (m.dwMessageID == LINE_REPLY && m.dwParam1 == (DWORD)req && (rc = m.dwParam2))
			break;                      /* the call was not placed */
		if (m.dwMessageID != LINE_CALLSTATE || m.hDevice != call)
			continue;
		printf("call state %#lx\n", (unsigned long)m.dwParam1);
		if (m.dwParam1 == LINECALLSTATE_CONNECTED || m.dwParam1 == LINECALLSTATE_DISCONNECTED)
			lineDrop(call, NULL, 0);
		if (m.dwParam1 == LINECALLSTATE_IDLE)
			break;
	}
	if (call)
		lineDeallocateCall(call);
	lineShutdown(app);
	return rc ? 1 : 0;
}
