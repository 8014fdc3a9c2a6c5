/* Opens the first phone, lights a lamp, prints hook and key events. Build: cc phone-lamp.c -ltapi32 */
#include <stdio.h>
#include <tapi.h>

int main(void)
{
	PHONEINITIALIZEEXPARAMS params = { .dwTotalSize = sizeof(params),
					   .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	DWORD ndevs, version = TAPI_CURRENT_VERSION;
	PHONEEXTENSIONID ext;
	PHONEMESSAGE m;
	HPHONEAPP app;
	HPHONE phone;
	LONG rc;

	if ((rc = phoneInitializeEx(&app, NULL, NULL, "phone-lamp", &ndevs, &version, &params)) ||
	    (rc = ndevs ? phoneNegotiateAPIVersion(app, 0, TAPI_VERSION2_0, TAPI_VERSION3_1,
						   &version, &ext) : PHONEERR_NODEVICE) ||
	    (rc = phoneOpen(app, 0, &phone, version, 0, 0, PHONEPRIVILEGE_OWNER)) ||
	    (rc = phoneSetStatusMessages(phone, PHONESTATE_HANDSETHOOKSWITCH |
					 PHONESTATE_SPEAKERHOOKSWITCH | PHONESTATE_HEADSETHOOKSWITCH,
					 0x3F /* all button modes */, PHONEBUTTONSTATE_DOWN)) < 0) {
		fprintf(stderr, "phone-lamp: error %#lx\n", (unsigned long)(DWORD)rc);
		return 1;
	}
	/* Lamp 20 is a headset's Mute; ids are the provider's (phoneGetButtonInfo tells). */
	rc = phoneSetLamp(phone, 20, PHONELAMPMODE_STEADY);
	printf("phoneSetLamp: %s %ld\n", rc > 0 ? "request" : "error", (long)rc);
	/* Until the phone is quiet for two seconds. */
	while (phoneGetMessage(app, &m, 2000) == 0) {
		if (m.dwMessageID == PHONE_REPLY)
			printf("reply to request %lu: %ld\n", (unsigned long)m.dwParam1, (long)(LONG)m.dwParam2);
		else if (m.dwMessageID == PHONE_STATE)     /* dwParam2: the new hook switch mode */
			printf("hook: %s\n", m.dwParam2 == PHONEHOOKSWITCHMODE_ONHOOK ? "on hook" : "off hook");
		else if (m.dwMessageID == PHONE_BUTTON)
			printf("key %lu pressed\n", (unsigned long)m.dwParam1);
	}
	phoneClose(phone);
	phoneShutdown(app);
	return 0;
}
