/*
 * tspi.h - the TAPI 2.x service provider interface (TSPI), phone subset,
 *          as seen by a Linux host that dlopen()s a provider.
 *
 * A TAPI host written against the Windows SDK exchanges plain numbers and
 * flat memory blocks with its providers.  This header reproduces those
 * numbers and layouts with fixed-width Linux types so that both sides agree
 * bit for bit.  Only the names and values are taken over from the Windows
 * SDK; everything else is laid out for this project.
 *
 * The values are checked against the mingw-w64 copies of the Windows SDK
 * headers by test/abi/check-abi.sh, and the layouts are pinned by the
 * static assertions at the end of this file.
 */
#ifndef HIDPHONE_TSPI_H
#define HIDPHONE_TSPI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Calling convention.  On Windows both macros mean __stdcall, which only
 * changes anything on 32-bit x86; Win64 has a single convention.  Host and
 * provider on Linux both use the native System V ABI, so the macros are
 * empty.  A build that has to talk to Microsoft-x64 code (a Winelib host)
 * can predefine them, e.g. as __attribute__((ms_abi)).
 */
#ifndef TSPIAPI
#define TSPIAPI
#endif
#ifndef CALLBACK
#define CALLBACK
#endif

/*
 * The provider is built with -fvisibility=hidden; only the TSPI entry
 * points are looked up by the host with dlsym(), so only they are exported.
 */
#ifndef TSPI_EXPORT
#define TSPI_EXPORT __attribute__((visibility("default")))
#endif

/*
 * Basic types.  Windows is LLP64: DWORD and LONG are 32 bits there but
 * `unsigned long`/`long` are 64 bits on Linux, and wchar_t is 32 bits on
 * Linux but 16 bits on Windows.  Fixed-width types keep both sides equal.
 */
typedef uint32_t DWORD;
typedef int32_t LONG;		/* all TSPI results; errors are negative */
typedef uintptr_t DWORD_PTR;	/* pointer-sized message/id parameters */
typedef uint16_t WCHAR;		/* one UTF-16 code unit */

typedef DWORD *LPDWORD;
typedef void *LPVOID;
typedef WCHAR *LPWSTR;
typedef const WCHAR *LPCWSTR;

/* Windows object handles; meaningless on Linux, passed as NULL. */
typedef void *HANDLE;
typedef void *HWND;
typedef void *HICON;
typedef HICON *LPHICON;

typedef struct tspi_guid {
	uint32_t Data1;
	uint16_t Data2;
	uint16_t Data3;
	uint8_t Data4[8];
} GUID;

/* Asynchronous request id: 0..0x7FFFFFFF, so a non-negative LONG. */
typedef DWORD DRV_REQUESTID;

/*
 * Opaque handles.  HDRV* values are chosen by the provider (typically a
 * pointer to its own per-device object), HTAPI* values and HPROVIDER by
 * the host.  Distinct incomplete struct types make the compiler reject a
 * handle passed where another kind is expected.
 */
typedef const struct HDRVPHONE__ *HDRVPHONE;
typedef const struct HDRVLINE__ *HDRVLINE;
typedef const struct HDRVCALL__ *HDRVCALL;
typedef const struct HDRVDIALOGINSTANCE__ *HDRVDIALOGINSTANCE;
typedef const struct HTAPIPHONE__ *HTAPIPHONE;
typedef const struct HTAPILINE__ *HTAPILINE;
typedef const struct HTAPICALL__ *HTAPICALL;
typedef const struct HPROVIDER__ *HPROVIDER;

typedef HDRVPHONE *LPHDRVPHONE;

/* Unlike the handles above, the SDK declares this one as a 32-bit DWORD. */
typedef DWORD HTAPIDIALOGINSTANCE;

/*
 * TAPI/TSPI versions: high word major, low word minor.  The SDK headers
 * define no names for them; these are the names used in Microsoft samples.
 * "1.0" is the version also known as TAPI 1.3.
 */
#define TAPI_VERSION1_0				0x00010003u
#define TAPI_VERSION1_4				0x00010004u
#define TAPI_VERSION2_0				0x00020000u
#define TAPI_VERSION2_1				0x00020001u
#define TAPI_VERSION2_2				0x00020002u
#define TAPI_VERSION3_0				0x00030000u
#define TAPI_VERSION3_1				0x00030001u

/* dwDeviceID of the provider-wide TSPI_lineNegotiateTSPIVersion call. */
#define INITIALIZE_NEGOTIATION			0xFFFFFFFFu

/* Option bit TSPI_providerInit may set in *lpdwTSPIOptions. */
#define LINETSPIOPTION_NONREENTRANT		0x00000001u

/* dwObjectType of TUISPIDLLCALLBACK / TSPI_providerGenericDialogData. */
#define TUISPIDLL_OBJECT_LINEID			0x00000001u
#define TUISPIDLL_OBJECT_PHONEID		0x00000002u
#define TUISPIDLL_OBJECT_PROVIDERID		0x00000003u
#define TUISPIDLL_OBJECT_DIALOGINSTANCE		0x00000004u

/* First message number reserved for provider-to-TAPI-only LINE_ messages. */
#define TSPI_MESSAGE_BASE			0x000001F4u

/*
 * Error codes.  They are 0x8xxxxxxx/0x9xxxxxxx and only negative when held
 * in 32 bits, so they are cast to LONG here: a provider can then return
 * them directly and a host can test `result < 0`.
 *
 * LINEERR_: only the codes the provider-level functions may return.
 */
#define LINEERR_BADDEVICEID			((LONG)0x80000002u)
#define LINEERR_INCOMPATIBLEAPIVERSION		((LONG)0x8000000Cu)
#define LINEERR_INIFILECORRUPT			((LONG)0x8000000Eu)
#define LINEERR_INUSE				((LONG)0x8000000Fu)
#define LINEERR_INVALPARAM			((LONG)0x80000032u)
#define LINEERR_NODRIVER			((LONG)0x80000043u)
#define LINEERR_NOMEM				((LONG)0x80000044u)
#define LINEERR_OPERATIONFAILED			((LONG)0x80000048u)
#define LINEERR_OPERATIONUNAVAIL		((LONG)0x80000049u)
#define LINEERR_RESOURCEUNAVAIL			((LONG)0x8000004Bu)
#define LINEERR_NOMULTIPLEINSTANCE		((LONG)0x80000056u)

/* PHONEERR_: 0x9000001E has no name in the SDK either; do not fill it. */
#define PHONEERR_ALLOCATED			((LONG)0x90000001u)
#define PHONEERR_BADDEVICEID			((LONG)0x90000002u)
#define PHONEERR_INCOMPATIBLEAPIVERSION		((LONG)0x90000003u)
#define PHONEERR_INCOMPATIBLEEXTVERSION		((LONG)0x90000004u)
#define PHONEERR_INIFILECORRUPT			((LONG)0x90000005u)
#define PHONEERR_INUSE				((LONG)0x90000006u)
#define PHONEERR_INVALAPPHANDLE			((LONG)0x90000007u)
#define PHONEERR_INVALAPPNAME			((LONG)0x90000008u)
#define PHONEERR_INVALBUTTONLAMPID		((LONG)0x90000009u)
#define PHONEERR_INVALBUTTONMODE		((LONG)0x9000000Au)
#define PHONEERR_INVALBUTTONSTATE		((LONG)0x9000000Bu)
#define PHONEERR_INVALDATAID			((LONG)0x9000000Cu)
#define PHONEERR_INVALDEVICECLASS		((LONG)0x9000000Du)
#define PHONEERR_INVALEXTVERSION		((LONG)0x9000000Eu)
#define PHONEERR_INVALHOOKSWITCHDEV		((LONG)0x9000000Fu)
#define PHONEERR_INVALHOOKSWITCHMODE		((LONG)0x90000010u)
#define PHONEERR_INVALLAMPMODE			((LONG)0x90000011u)
#define PHONEERR_INVALPARAM			((LONG)0x90000012u)
#define PHONEERR_INVALPHONEHANDLE		((LONG)0x90000013u)
#define PHONEERR_INVALPHONESTATE		((LONG)0x90000014u)
#define PHONEERR_INVALPOINTER			((LONG)0x90000015u)
#define PHONEERR_INVALPRIVILEGE			((LONG)0x90000016u)
#define PHONEERR_INVALRINGMODE			((LONG)0x90000017u)
#define PHONEERR_NODEVICE			((LONG)0x90000018u)
#define PHONEERR_NODRIVER			((LONG)0x90000019u)
#define PHONEERR_NOMEM				((LONG)0x9000001Au)
#define PHONEERR_NOTOWNER			((LONG)0x9000001Bu)
#define PHONEERR_OPERATIONFAILED		((LONG)0x9000001Cu)
#define PHONEERR_OPERATIONUNAVAIL		((LONG)0x9000001Du)
#define PHONEERR_RESOURCEUNAVAIL		((LONG)0x9000001Fu)
#define PHONEERR_REQUESTOVERRUN			((LONG)0x90000020u)
#define PHONEERR_STRUCTURETOOSMALL		((LONG)0x90000021u)
#define PHONEERR_UNINITIALIZED			((LONG)0x90000022u)
#define PHONEERR_REINIT				((LONG)0x90000023u)
#define PHONEERR_DISCONNECTED			((LONG)0x90000024u)
#define PHONEERR_SERVICE_NOT_RUNNING		((LONG)0x90000025u)

/*
 * dwMsg of PHONEEVENT.  The numbers share one space with the LINE_
 * messages, hence the gaps.  PHONE_REPLY is generated by TAPI from
 * ASYNC_COMPLETION; a provider never sends it.
 */
#define PHONE_BUTTON				0x0000000Eu
#define PHONE_CLOSE				0x0000000Fu
#define PHONE_DEVSPECIFIC			0x00000010u
#define PHONE_REPLY				0x00000011u
#define PHONE_STATE				0x00000012u
#define PHONE_CREATE				0x00000014u
#define PHONE_REMOVE				0x0000001Au

/* PHONE_STATE dwParam1, PHONECAPS.dwPhoneStates: one bit per state. */
#define PHONESTATE_OTHER			0x00000001u
#define PHONESTATE_CONNECTED			0x00000002u
#define PHONESTATE_DISCONNECTED			0x00000004u
#define PHONESTATE_OWNER			0x00000008u
#define PHONESTATE_MONITORS			0x00000010u
#define PHONESTATE_DISPLAY			0x00000020u
#define PHONESTATE_LAMP				0x00000040u
#define PHONESTATE_RINGMODE			0x00000080u
#define PHONESTATE_RINGVOLUME			0x00000100u
#define PHONESTATE_HANDSETHOOKSWITCH		0x00000200u
#define PHONESTATE_HANDSETVOLUME		0x00000400u
#define PHONESTATE_HANDSETGAIN			0x00000800u
#define PHONESTATE_SPEAKERHOOKSWITCH		0x00001000u
#define PHONESTATE_SPEAKERVOLUME		0x00002000u
#define PHONESTATE_SPEAKERGAIN			0x00004000u
#define PHONESTATE_HEADSETHOOKSWITCH		0x00008000u
#define PHONESTATE_HEADSETVOLUME		0x00010000u
#define PHONESTATE_HEADSETGAIN			0x00020000u
#define PHONESTATE_SUSPEND			0x00040000u
#define PHONESTATE_RESUME			0x00080000u
#define PHONESTATE_DEVSPECIFIC			0x00100000u
#define PHONESTATE_REINIT			0x00200000u
#define PHONESTATE_CAPSCHANGE			0x00400000u
#define PHONESTATE_REMOVED			0x00800000u

/* Button modes (bit flags). */
#define PHONEBUTTONMODE_DUMMY			0x00000001u
#define PHONEBUTTONMODE_CALL			0x00000002u
#define PHONEBUTTONMODE_FEATURE			0x00000004u
#define PHONEBUTTONMODE_KEYPAD			0x00000008u
#define PHONEBUTTONMODE_LOCAL			0x00000010u
#define PHONEBUTTONMODE_DISPLAY			0x00000020u

/* Button functions: an enumeration, unlike the other PHONE* groups. */
#define PHONEBUTTONFUNCTION_UNKNOWN		0x00000000u
#define PHONEBUTTONFUNCTION_CONFERENCE		0x00000001u
#define PHONEBUTTONFUNCTION_TRANSFER		0x00000002u
#define PHONEBUTTONFUNCTION_DROP		0x00000003u
#define PHONEBUTTONFUNCTION_HOLD		0x00000004u
#define PHONEBUTTONFUNCTION_RECALL		0x00000005u
#define PHONEBUTTONFUNCTION_DISCONNECT		0x00000006u
#define PHONEBUTTONFUNCTION_CONNECT		0x00000007u
#define PHONEBUTTONFUNCTION_MSGWAITON		0x00000008u
#define PHONEBUTTONFUNCTION_MSGWAITOFF		0x00000009u
#define PHONEBUTTONFUNCTION_SELECTRING		0x0000000Au
#define PHONEBUTTONFUNCTION_ABBREVDIAL		0x0000000Bu
#define PHONEBUTTONFUNCTION_FORWARD		0x0000000Cu
#define PHONEBUTTONFUNCTION_PICKUP		0x0000000Du
#define PHONEBUTTONFUNCTION_RINGAGAIN		0x0000000Eu
#define PHONEBUTTONFUNCTION_PARK		0x0000000Fu
#define PHONEBUTTONFUNCTION_REJECT		0x00000010u
#define PHONEBUTTONFUNCTION_REDIRECT		0x00000011u
#define PHONEBUTTONFUNCTION_MUTE		0x00000012u
#define PHONEBUTTONFUNCTION_VOLUMEUP		0x00000013u
#define PHONEBUTTONFUNCTION_VOLUMEDOWN		0x00000014u
#define PHONEBUTTONFUNCTION_SPEAKERON		0x00000015u
#define PHONEBUTTONFUNCTION_SPEAKEROFF		0x00000016u
#define PHONEBUTTONFUNCTION_FLASH		0x00000017u
#define PHONEBUTTONFUNCTION_DATAON		0x00000018u
#define PHONEBUTTONFUNCTION_DATAOFF		0x00000019u
#define PHONEBUTTONFUNCTION_DONOTDISTURB	0x0000001Au
#define PHONEBUTTONFUNCTION_INTERCOM		0x0000001Bu
#define PHONEBUTTONFUNCTION_BRIDGEDAPP		0x0000001Cu
#define PHONEBUTTONFUNCTION_BUSY		0x0000001Du
#define PHONEBUTTONFUNCTION_CALLAPP		0x0000001Eu
#define PHONEBUTTONFUNCTION_DATETIME		0x0000001Fu
#define PHONEBUTTONFUNCTION_DIRECTORY		0x00000020u
#define PHONEBUTTONFUNCTION_COVER		0x00000021u
#define PHONEBUTTONFUNCTION_CALLID		0x00000022u
#define PHONEBUTTONFUNCTION_LASTNUM		0x00000023u
#define PHONEBUTTONFUNCTION_NIGHTSRV		0x00000024u
#define PHONEBUTTONFUNCTION_SENDCALLS		0x00000025u
#define PHONEBUTTONFUNCTION_MSGINDICATOR	0x00000026u
#define PHONEBUTTONFUNCTION_REPDIAL		0x00000027u
#define PHONEBUTTONFUNCTION_SETREPDIAL		0x00000028u
#define PHONEBUTTONFUNCTION_SYSTEMSPEED		0x00000029u
#define PHONEBUTTONFUNCTION_STATIONSPEED	0x0000002Au
#define PHONEBUTTONFUNCTION_CAMPON		0x0000002Bu
#define PHONEBUTTONFUNCTION_SAVEREPEAT		0x0000002Cu
#define PHONEBUTTONFUNCTION_QUEUECALL		0x0000002Du
#define PHONEBUTTONFUNCTION_NONE		0x0000002Eu
#define PHONEBUTTONFUNCTION_SEND		0x0000002Fu

/* Button states (bit flags), PHONE_BUTTON dwParam3. */
#define PHONEBUTTONSTATE_UP			0x00000001u
#define PHONEBUTTONSTATE_DOWN			0x00000002u
#define PHONEBUTTONSTATE_UNKNOWN		0x00000004u
#define PHONEBUTTONSTATE_UNAVAIL		0x00000008u

/* Lamp modes (bit flags). */
#define PHONELAMPMODE_DUMMY			0x00000001u
#define PHONELAMPMODE_OFF			0x00000002u
#define PHONELAMPMODE_STEADY			0x00000004u
#define PHONELAMPMODE_WINK			0x00000008u
#define PHONELAMPMODE_FLASH			0x00000010u
#define PHONELAMPMODE_FLUTTER			0x00000020u
#define PHONELAMPMODE_BROKENFLUTTER		0x00000040u
#define PHONELAMPMODE_UNKNOWN			0x00000080u

/* Hookswitch devices (bit flags). */
#define PHONEHOOKSWITCHDEV_HANDSET		0x00000001u
#define PHONEHOOKSWITCHDEV_SPEAKER		0x00000002u
#define PHONEHOOKSWITCHDEV_HEADSET		0x00000004u

/* Hookswitch modes (bit flags). */
#define PHONEHOOKSWITCHMODE_ONHOOK		0x00000001u
#define PHONEHOOKSWITCHMODE_MIC			0x00000002u
#define PHONEHOOKSWITCHMODE_SPEAKER		0x00000004u
#define PHONEHOOKSWITCHMODE_MICSPEAKER		0x00000008u
#define PHONEHOOKSWITCHMODE_UNKNOWN		0x00000010u

/* Application-level open privileges; the TSPI itself has no privileges. */
#define PHONEPRIVILEGE_MONITOR			0x00000001u
#define PHONEPRIVILEGE_OWNER			0x00000002u

/* PHONESTATUS.dwStatusFlags. */
#define PHONESTATUSFLAGS_CONNECTED		0x00000001u
#define PHONESTATUSFLAGS_SUSPENDED		0x00000002u

/* PHONECAPS/PHONESTATUS dwPhoneFeatures (TAPI 2.0 and later). */
#define PHONEFEATURE_GETBUTTONINFO		0x00000001u
#define PHONEFEATURE_GETDATA			0x00000002u
#define PHONEFEATURE_GETDISPLAY			0x00000004u
#define PHONEFEATURE_GETGAINHANDSET		0x00000008u
#define PHONEFEATURE_GETGAINSPEAKER		0x00000010u
#define PHONEFEATURE_GETGAINHEADSET		0x00000020u
#define PHONEFEATURE_GETHOOKSWITCHHANDSET	0x00000040u
#define PHONEFEATURE_GETHOOKSWITCHSPEAKER	0x00000080u
#define PHONEFEATURE_GETHOOKSWITCHHEADSET	0x00000100u
#define PHONEFEATURE_GETLAMP			0x00000200u
#define PHONEFEATURE_GETRING			0x00000400u
#define PHONEFEATURE_GETVOLUMEHANDSET		0x00000800u
#define PHONEFEATURE_GETVOLUMESPEAKER		0x00001000u
#define PHONEFEATURE_GETVOLUMEHEADSET		0x00002000u
#define PHONEFEATURE_SETBUTTONINFO		0x00004000u
#define PHONEFEATURE_SETDATA			0x00008000u
#define PHONEFEATURE_SETDISPLAY			0x00010000u
#define PHONEFEATURE_SETGAINHANDSET		0x00020000u
#define PHONEFEATURE_SETGAINSPEAKER		0x00040000u
#define PHONEFEATURE_SETGAINHEADSET		0x00080000u
#define PHONEFEATURE_SETHOOKSWITCHHANDSET	0x00100000u
#define PHONEFEATURE_SETHOOKSWITCHSPEAKER	0x00200000u
#define PHONEFEATURE_SETHOOKSWITCHHEADSET	0x00400000u
#define PHONEFEATURE_SETLAMP			0x00800000u
#define PHONEFEATURE_SETRING			0x01000000u
#define PHONEFEATURE_SETVOLUMEHANDSET		0x02000000u
#define PHONEFEATURE_SETVOLUMESPEAKER		0x04000000u
#define PHONEFEATURE_SETVOLUMEHEADSET		0x08000000u
#define PHONEFEATURE_GENERICPHONE		0x10000000u

/* How the bytes of a string item are to be read. */
#define STRINGFORMAT_ASCII			0x00000001u
#define STRINGFORMAT_DBCS			0x00000002u
#define STRINGFORMAT_UNICODE			0x00000003u
#define STRINGFORMAT_BINARY			0x00000004u

/*
 * Variable-length structures.  The caller sets dwTotalSize to the size of
 * the whole buffer; the provider fills the fixed part, appends variable
 * items after it and addresses them by (Size, Offset) pairs counted in
 * bytes from the start of the structure.
 *
 * Windows declares these inside #pragma pack(1).  Every member here is a
 * 32-bit integer (or the 4-aligned GUID) at a multiple of 4, so natural
 * alignment gives the same offsets and sizes while keeping `&s->field`
 * an ordinarily aligned pointer.  Only the alignment of the structure as a
 * whole differs (4 here, 1 on Windows), which never reaches the wire.
 */
typedef struct tspi_varstring {
	uint32_t dwTotalSize;
	uint32_t dwNeededSize;
	uint32_t dwUsedSize;
	uint32_t dwStringFormat;
	uint32_t dwStringSize;
	uint32_t dwStringOffset;
} VARSTRING, *LPVARSTRING;

typedef struct tspi_phonecaps {
	uint32_t dwTotalSize;
	uint32_t dwNeededSize;
	uint32_t dwUsedSize;
	uint32_t dwProviderInfoSize;
	uint32_t dwProviderInfoOffset;
	uint32_t dwPhoneInfoSize;
	uint32_t dwPhoneInfoOffset;
	uint32_t dwPermanentPhoneID;
	uint32_t dwPhoneNameSize;
	uint32_t dwPhoneNameOffset;
	uint32_t dwStringFormat;
	uint32_t dwPhoneStates;
	uint32_t dwHookSwitchDevs;
	uint32_t dwHandsetHookSwitchModes;
	uint32_t dwSpeakerHookSwitchModes;
	uint32_t dwHeadsetHookSwitchModes;
	uint32_t dwVolumeFlags;
	uint32_t dwGainFlags;
	uint32_t dwDisplayNumRows;
	uint32_t dwDisplayNumColumns;
	uint32_t dwNumRingModes;
	uint32_t dwNumButtonLamps;
	uint32_t dwButtonModesSize;
	uint32_t dwButtonModesOffset;
	uint32_t dwButtonFunctionsSize;
	uint32_t dwButtonFunctionsOffset;
	uint32_t dwLampModesSize;
	uint32_t dwLampModesOffset;
	uint32_t dwNumSetData;
	uint32_t dwSetDataSize;
	uint32_t dwSetDataOffset;
	uint32_t dwNumGetData;
	uint32_t dwGetDataSize;
	uint32_t dwGetDataOffset;
	uint32_t dwDevSpecificSize;
	uint32_t dwDevSpecificOffset;
	/* TAPI 2.0 */
	uint32_t dwDeviceClassesSize;
	uint32_t dwDeviceClassesOffset;
	uint32_t dwPhoneFeatures;
	uint32_t dwSettableHandsetHookSwitchModes;
	uint32_t dwSettableSpeakerHookSwitchModes;
	uint32_t dwSettableHeadsetHookSwitchModes;
	uint32_t dwMonitoredHandsetHookSwitchModes;
	uint32_t dwMonitoredSpeakerHookSwitchModes;
	uint32_t dwMonitoredHeadsetHookSwitchModes;
	/* TAPI 2.2 */
	GUID PermanentPhoneGuid;
} PHONECAPS, *LPPHONECAPS;

typedef struct tspi_phonestatus {
	uint32_t dwTotalSize;
	uint32_t dwNeededSize;
	uint32_t dwUsedSize;
	uint32_t dwStatusFlags;
	uint32_t dwNumOwners;
	uint32_t dwNumMonitors;
	uint32_t dwRingMode;
	uint32_t dwRingVolume;
	uint32_t dwHandsetHookSwitchMode;
	uint32_t dwHandsetVolume;
	uint32_t dwHandsetGain;
	uint32_t dwSpeakerHookSwitchMode;
	uint32_t dwSpeakerVolume;
	uint32_t dwSpeakerGain;
	uint32_t dwHeadsetHookSwitchMode;
	uint32_t dwHeadsetVolume;
	uint32_t dwHeadsetGain;
	uint32_t dwDisplaySize;
	uint32_t dwDisplayOffset;
	uint32_t dwLampModesSize;
	uint32_t dwLampModesOffset;
	uint32_t dwOwnerNameSize;
	uint32_t dwOwnerNameOffset;
	uint32_t dwDevSpecificSize;
	uint32_t dwDevSpecificOffset;
	/* TAPI 2.0 */
	uint32_t dwPhoneFeatures;
} PHONESTATUS, *LPPHONESTATUS;

typedef struct tspi_phonebuttoninfo {
	uint32_t dwTotalSize;
	uint32_t dwNeededSize;
	uint32_t dwUsedSize;
	uint32_t dwButtonMode;
	uint32_t dwButtonFunction;
	uint32_t dwButtonTextSize;
	uint32_t dwButtonTextOffset;
	uint32_t dwDevSpecificSize;
	uint32_t dwDevSpecificOffset;
	/* TAPI 1.4 */
	uint32_t dwButtonState;
} PHONEBUTTONINFO, *LPPHONEBUTTONINFO;

/* Not variable-length; all zero means "no extensions". */
typedef struct tspi_phoneextensionid {
	uint32_t dwExtensionID0;
	uint32_t dwExtensionID1;
	uint32_t dwExtensionID2;
	uint32_t dwExtensionID3;
} PHONEEXTENSIONID, *LPPHONEEXTENSIONID;

/*
 * Size of the fixed part of each structure as defined by a given TSPI
 * version.  The structures above are the newest form; a provider that
 * negotiated an older version must check dwTotalSize against, and fill
 * only, the fixed part of that version.  The suffix names the version the
 * size belongs to (1_0 = TAPI 1.0, also called 1.3); the comments give the
 * range of versions that share it.
 */
#define VARSTRING_SIZE				24u
#define PHONEEXTENSIONID_SIZE			16u
#define PHONECAPS_SIZE_1_4			144u	/* up to 1.4 */
#define PHONECAPS_SIZE_2_0			180u	/* 2.0, 2.1 */
#define PHONECAPS_SIZE_2_2			196u	/* 2.2 and later */
#define PHONESTATUS_SIZE_1_4			100u	/* up to 1.4 */
#define PHONESTATUS_SIZE_2_0			104u	/* 2.0 and later */
#define PHONEBUTTONINFO_SIZE_1_0		36u	/* 1.0/1.3 only */
#define PHONEBUTTONINFO_SIZE_1_4		40u	/* 1.4 and later */

/*
 * Callbacks the host hands to the provider.  Unlike the application-level
 * callback they carry no instance value, and results of asynchronous
 * requests travel through ASYNC_COMPLETION, never as PHONE_REPLY.
 */
typedef void (CALLBACK *ASYNC_COMPLETION)(DRV_REQUESTID dwRequestID,
					  LONG lResult);
typedef void (CALLBACK *PHONEEVENT)(HTAPIPHONE htPhone, DWORD dwMsg,
				    DWORD_PTR dwParam1, DWORD_PTR dwParam2,
				    DWORD_PTR dwParam3);
typedef void (CALLBACK *LINEEVENT)(HTAPILINE htLine, HTAPICALL htCall,
				   DWORD dwMsg, DWORD_PTR dwParam1,
				   DWORD_PTR dwParam2, DWORD_PTR dwParam3);
typedef LONG (CALLBACK *TUISPIDLLCALLBACK)(DWORD_PTR dwObjectID,
					   DWORD dwObjectType,
					   LPVOID lpParams, DWORD dwSize);

/*
 * Provider-level entry points.  Several counts and ids are DWORD_PTR, i.e.
 * 64 bits on x86_64; declaring them as DWORD would misread the argument.
 */
TSPI_EXPORT LONG TSPIAPI TSPI_lineNegotiateTSPIVersion(DWORD dwDeviceID,
	DWORD dwLowVersion, DWORD dwHighVersion, LPDWORD lpdwTSPIVersion);
TSPI_EXPORT LONG TSPIAPI TSPI_providerEnumDevices(DWORD dwPermanentProviderID,
	LPDWORD lpdwNumLines, LPDWORD lpdwNumPhones, HPROVIDER hProvider,
	LINEEVENT lpfnLineCreateProc, PHONEEVENT lpfnPhoneCreateProc);
TSPI_EXPORT LONG TSPIAPI TSPI_providerInit(DWORD dwTSPIVersion,
	DWORD dwPermanentProviderID, DWORD dwLineDeviceIDBase,
	DWORD dwPhoneDeviceIDBase, DWORD_PTR dwNumLines, DWORD_PTR dwNumPhones,
	ASYNC_COMPLETION lpfnCompletionProc, LPDWORD lpdwTSPIOptions);
TSPI_EXPORT LONG TSPIAPI TSPI_providerShutdown(DWORD dwTSPIVersion,
	DWORD dwPermanentProviderID);
TSPI_EXPORT LONG TSPIAPI TSPI_providerCreatePhoneDevice(DWORD_PTR dwTempID,
	DWORD dwDeviceID);
TSPI_EXPORT LONG TSPIAPI TSPI_providerCreateLineDevice(DWORD_PTR dwTempID,
	DWORD dwDeviceID);
TSPI_EXPORT LONG TSPIAPI TSPI_providerUIIdentify(LPWSTR lpszUIDLLName);
TSPI_EXPORT LONG TSPIAPI TSPI_providerGenericDialogData(DWORD_PTR dwObjectID,
	DWORD dwObjectType, LPVOID lpParams, DWORD dwSize);
TSPI_EXPORT LONG TSPIAPI TSPI_providerFreeDialogInstance(
	HDRVDIALOGINSTANCE hdDlgInst);

/* Obsolete since TAPI 2.0 (replaced by the TUISPI_ functions below). */
TSPI_EXPORT LONG TSPIAPI TSPI_providerInstall(HWND hwndOwner,
	DWORD dwPermanentProviderID);
TSPI_EXPORT LONG TSPIAPI TSPI_providerRemove(HWND hwndOwner,
	DWORD dwPermanentProviderID);
TSPI_EXPORT LONG TSPIAPI TSPI_providerConfig(HWND hwndOwner,
	DWORD dwPermanentProviderID);

/* UI module entry points (the module named by TSPI_providerUIIdentify). */
TSPI_EXPORT LONG TSPIAPI TUISPI_providerInstall(
	TUISPIDLLCALLBACK lpfnUIDLLCallback, HWND hwndOwner,
	DWORD dwPermanentProviderID);
TSPI_EXPORT LONG TSPIAPI TUISPI_providerRemove(
	TUISPIDLLCALLBACK lpfnUIDLLCallback, HWND hwndOwner,
	DWORD dwPermanentProviderID);
TSPI_EXPORT LONG TSPIAPI TUISPI_providerConfig(
	TUISPIDLLCALLBACK lpfnUIDLLCallback, HWND hwndOwner,
	DWORD dwPermanentProviderID);
TSPI_EXPORT LONG TSPIAPI TUISPI_phoneConfigDialog(
	TUISPIDLLCALLBACK lpfnUIDLLCallback, DWORD dwDeviceID,
	HWND hwndOwner, LPCWSTR lpszDeviceClass);
TSPI_EXPORT LONG TSPIAPI TUISPI_providerGenericDialog(
	TUISPIDLLCALLBACK lpfnUIDLLCallback, HTAPIDIALOGINSTANCE htDlgInst,
	LPVOID lpParams, DWORD dwSize, HANDLE hEvent);
TSPI_EXPORT LONG TSPIAPI TUISPI_providerGenericDialogData(
	HTAPIDIALOGINSTANCE htDlgInst, LPVOID lpParams, DWORD dwSize);

/*
 * Phone entry points.  Functions taking a DRV_REQUESTID are asynchronous:
 * they return the request id (or a negative error) and later report the
 * result exactly once through ASYNC_COMPLETION.
 */
TSPI_EXPORT LONG TSPIAPI TSPI_phoneNegotiateTSPIVersion(DWORD dwDeviceID,
	DWORD dwLowVersion, DWORD dwHighVersion, LPDWORD lpdwTSPIVersion);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneNegotiateExtVersion(DWORD dwDeviceID,
	DWORD dwTSPIVersion, DWORD dwLowVersion, DWORD dwHighVersion,
	LPDWORD lpdwExtVersion);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetExtensionID(DWORD dwDeviceID,
	DWORD dwTSPIVersion, LPPHONEEXTENSIONID lpExtensionID);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneSelectExtVersion(HDRVPHONE hdPhone,
	DWORD dwExtVersion);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetDevCaps(DWORD dwDeviceID,
	DWORD dwTSPIVersion, DWORD dwExtVersion, LPPHONECAPS lpPhoneCaps);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneOpen(DWORD dwDeviceID, HTAPIPHONE htPhone,
	LPHDRVPHONE lphdPhone, DWORD dwTSPIVersion, PHONEEVENT lpfnEventProc);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneClose(HDRVPHONE hdPhone);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetStatusMessages(HDRVPHONE hdPhone,
	DWORD dwPhoneStates, DWORD dwButtonModes, DWORD dwButtonStates);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetStatus(HDRVPHONE hdPhone,
	LPPHONESTATUS lpPhoneStatus);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetButtonInfo(HDRVPHONE hdPhone,
	DWORD dwButtonLampID, LPPHONEBUTTONINFO lpButtonInfo);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetButtonInfo(DRV_REQUESTID dwRequestID,
	HDRVPHONE hdPhone, DWORD dwButtonLampID,
	LPPHONEBUTTONINFO lpButtonInfo);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetLamp(HDRVPHONE hdPhone,
	DWORD dwButtonLampID, LPDWORD lpdwLampMode);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetLamp(DRV_REQUESTID dwRequestID,
	HDRVPHONE hdPhone, DWORD dwButtonLampID, DWORD dwLampMode);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetHookSwitch(HDRVPHONE hdPhone,
	LPDWORD lpdwHookSwitchDevs);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetHookSwitch(DRV_REQUESTID dwRequestID,
	HDRVPHONE hdPhone, DWORD dwHookSwitchDevs, DWORD dwHookSwitchMode);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetRing(HDRVPHONE hdPhone,
	LPDWORD lpdwRingMode, LPDWORD lpdwVolume);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetRing(DRV_REQUESTID dwRequestID,
	HDRVPHONE hdPhone, DWORD dwRingMode, DWORD dwVolume);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetDisplay(HDRVPHONE hdPhone,
	LPVARSTRING lpDisplay);
/*
 * The display data arrives in the format advertised in
 * PHONECAPS.dwStringFormat, not necessarily UTF-16, despite the LPCWSTR
 * type: treat lpsDisplay as dwSize opaque bytes.
 */
TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetDisplay(DRV_REQUESTID dwRequestID,
	HDRVPHONE hdPhone, DWORD dwRow, DWORD dwColumn, LPCWSTR lpsDisplay,
	DWORD dwSize);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetVolume(HDRVPHONE hdPhone,
	DWORD dwHookSwitchDev, LPDWORD lpdwVolume);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetVolume(DRV_REQUESTID dwRequestID,
	HDRVPHONE hdPhone, DWORD dwHookSwitchDev, DWORD dwVolume);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetGain(HDRVPHONE hdPhone,
	DWORD dwHookSwitchDev, LPDWORD lpdwGain);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetGain(DRV_REQUESTID dwRequestID,
	HDRVPHONE hdPhone, DWORD dwHookSwitchDev, DWORD dwGain);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetData(HDRVPHONE hdPhone, DWORD dwDataID,
	LPVOID lpData, DWORD dwSize);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetData(DRV_REQUESTID dwRequestID,
	HDRVPHONE hdPhone, DWORD dwDataID, LPVOID lpData, DWORD dwSize);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetID(HDRVPHONE hdPhone,
	LPVARSTRING lpDeviceID, LPCWSTR lpszDeviceClass,
	HANDLE hTargetProcess);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetIcon(DWORD dwDeviceID,
	LPCWSTR lpszDeviceClass, LPHICON lphIcon);
TSPI_EXPORT LONG TSPIAPI TSPI_phoneDevSpecific(DRV_REQUESTID dwRequestID,
	HDRVPHONE hdPhone, LPVOID lpParams, DWORD dwSize);

/*
 * Layout pins.  These hold on every LP64 Linux target; a failure means the
 * header no longer matches what a Windows-derived host expects.  The
 * numbers themselves are compared with the Windows SDK by
 * test/abi/check-abi.sh.
 */
#ifdef __cplusplus
#define TSPI_LAYOUT(expr) static_assert(expr, #expr)
#else
#define TSPI_LAYOUT(expr) _Static_assert(expr, #expr)
#endif

TSPI_LAYOUT(sizeof(DWORD) == 4);
TSPI_LAYOUT(sizeof(LONG) == 4);
TSPI_LAYOUT(sizeof(WCHAR) == 2);
TSPI_LAYOUT(sizeof(DWORD_PTR) == sizeof(void *));
TSPI_LAYOUT(sizeof(GUID) == 16);
TSPI_LAYOUT(LINEERR_BADDEVICEID < 0);
TSPI_LAYOUT(PHONEERR_ALLOCATED < 0);

TSPI_LAYOUT(sizeof(VARSTRING) == VARSTRING_SIZE);
TSPI_LAYOUT(offsetof(VARSTRING, dwTotalSize) == 0);
TSPI_LAYOUT(offsetof(VARSTRING, dwNeededSize) == 4);
TSPI_LAYOUT(offsetof(VARSTRING, dwUsedSize) == 8);
TSPI_LAYOUT(offsetof(VARSTRING, dwStringFormat) == 12);
TSPI_LAYOUT(offsetof(VARSTRING, dwStringSize) == 16);
TSPI_LAYOUT(offsetof(VARSTRING, dwStringOffset) == 20);

TSPI_LAYOUT(sizeof(PHONECAPS) == PHONECAPS_SIZE_2_2);
TSPI_LAYOUT(offsetof(PHONECAPS, dwTotalSize) == 0);
TSPI_LAYOUT(offsetof(PHONECAPS, dwNeededSize) == 4);
TSPI_LAYOUT(offsetof(PHONECAPS, dwUsedSize) == 8);
TSPI_LAYOUT(offsetof(PHONECAPS, dwProviderInfoSize) == 12);
TSPI_LAYOUT(offsetof(PHONECAPS, dwProviderInfoOffset) == 16);
TSPI_LAYOUT(offsetof(PHONECAPS, dwPhoneInfoSize) == 20);
TSPI_LAYOUT(offsetof(PHONECAPS, dwPhoneInfoOffset) == 24);
TSPI_LAYOUT(offsetof(PHONECAPS, dwPermanentPhoneID) == 28);
TSPI_LAYOUT(offsetof(PHONECAPS, dwPhoneNameSize) == 32);
TSPI_LAYOUT(offsetof(PHONECAPS, dwPhoneNameOffset) == 36);
TSPI_LAYOUT(offsetof(PHONECAPS, dwStringFormat) == 40);
TSPI_LAYOUT(offsetof(PHONECAPS, dwPhoneStates) == 44);
TSPI_LAYOUT(offsetof(PHONECAPS, dwHookSwitchDevs) == 48);
TSPI_LAYOUT(offsetof(PHONECAPS, dwHandsetHookSwitchModes) == 52);
TSPI_LAYOUT(offsetof(PHONECAPS, dwSpeakerHookSwitchModes) == 56);
TSPI_LAYOUT(offsetof(PHONECAPS, dwHeadsetHookSwitchModes) == 60);
TSPI_LAYOUT(offsetof(PHONECAPS, dwVolumeFlags) == 64);
TSPI_LAYOUT(offsetof(PHONECAPS, dwGainFlags) == 68);
TSPI_LAYOUT(offsetof(PHONECAPS, dwDisplayNumRows) == 72);
TSPI_LAYOUT(offsetof(PHONECAPS, dwDisplayNumColumns) == 76);
TSPI_LAYOUT(offsetof(PHONECAPS, dwNumRingModes) == 80);
TSPI_LAYOUT(offsetof(PHONECAPS, dwNumButtonLamps) == 84);
TSPI_LAYOUT(offsetof(PHONECAPS, dwButtonModesSize) == 88);
TSPI_LAYOUT(offsetof(PHONECAPS, dwButtonModesOffset) == 92);
TSPI_LAYOUT(offsetof(PHONECAPS, dwButtonFunctionsSize) == 96);
TSPI_LAYOUT(offsetof(PHONECAPS, dwButtonFunctionsOffset) == 100);
TSPI_LAYOUT(offsetof(PHONECAPS, dwLampModesSize) == 104);
TSPI_LAYOUT(offsetof(PHONECAPS, dwLampModesOffset) == 108);
TSPI_LAYOUT(offsetof(PHONECAPS, dwNumSetData) == 112);
TSPI_LAYOUT(offsetof(PHONECAPS, dwSetDataSize) == 116);
TSPI_LAYOUT(offsetof(PHONECAPS, dwSetDataOffset) == 120);
TSPI_LAYOUT(offsetof(PHONECAPS, dwNumGetData) == 124);
TSPI_LAYOUT(offsetof(PHONECAPS, dwGetDataSize) == 128);
TSPI_LAYOUT(offsetof(PHONECAPS, dwGetDataOffset) == 132);
TSPI_LAYOUT(offsetof(PHONECAPS, dwDevSpecificSize) == 136);
TSPI_LAYOUT(offsetof(PHONECAPS, dwDevSpecificOffset) == 140);
TSPI_LAYOUT(offsetof(PHONECAPS, dwDeviceClassesSize) == 144);
TSPI_LAYOUT(offsetof(PHONECAPS, dwDeviceClassesOffset) == 148);
TSPI_LAYOUT(offsetof(PHONECAPS, dwPhoneFeatures) == 152);
TSPI_LAYOUT(offsetof(PHONECAPS, dwSettableHandsetHookSwitchModes) == 156);
TSPI_LAYOUT(offsetof(PHONECAPS, dwSettableSpeakerHookSwitchModes) == 160);
TSPI_LAYOUT(offsetof(PHONECAPS, dwSettableHeadsetHookSwitchModes) == 164);
TSPI_LAYOUT(offsetof(PHONECAPS, dwMonitoredHandsetHookSwitchModes) == 168);
TSPI_LAYOUT(offsetof(PHONECAPS, dwMonitoredSpeakerHookSwitchModes) == 172);
TSPI_LAYOUT(offsetof(PHONECAPS, dwMonitoredHeadsetHookSwitchModes) == 176);
TSPI_LAYOUT(offsetof(PHONECAPS, PermanentPhoneGuid) == 180);
TSPI_LAYOUT(offsetof(PHONECAPS, dwDeviceClassesSize) == PHONECAPS_SIZE_1_4);
TSPI_LAYOUT(offsetof(PHONECAPS, PermanentPhoneGuid) == PHONECAPS_SIZE_2_0);

TSPI_LAYOUT(sizeof(PHONESTATUS) == PHONESTATUS_SIZE_2_0);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwTotalSize) == 0);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwNeededSize) == 4);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwUsedSize) == 8);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwStatusFlags) == 12);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwNumOwners) == 16);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwNumMonitors) == 20);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwRingMode) == 24);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwRingVolume) == 28);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwHandsetHookSwitchMode) == 32);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwHandsetVolume) == 36);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwHandsetGain) == 40);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwSpeakerHookSwitchMode) == 44);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwSpeakerVolume) == 48);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwSpeakerGain) == 52);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwHeadsetHookSwitchMode) == 56);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwHeadsetVolume) == 60);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwHeadsetGain) == 64);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwDisplaySize) == 68);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwDisplayOffset) == 72);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwLampModesSize) == 76);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwLampModesOffset) == 80);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwOwnerNameSize) == 84);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwOwnerNameOffset) == 88);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwDevSpecificSize) == 92);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwDevSpecificOffset) == 96);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwPhoneFeatures) == 100);
TSPI_LAYOUT(offsetof(PHONESTATUS, dwPhoneFeatures) == PHONESTATUS_SIZE_1_4);

TSPI_LAYOUT(sizeof(PHONEBUTTONINFO) == PHONEBUTTONINFO_SIZE_1_4);
TSPI_LAYOUT(offsetof(PHONEBUTTONINFO, dwTotalSize) == 0);
TSPI_LAYOUT(offsetof(PHONEBUTTONINFO, dwNeededSize) == 4);
TSPI_LAYOUT(offsetof(PHONEBUTTONINFO, dwUsedSize) == 8);
TSPI_LAYOUT(offsetof(PHONEBUTTONINFO, dwButtonMode) == 12);
TSPI_LAYOUT(offsetof(PHONEBUTTONINFO, dwButtonFunction) == 16);
TSPI_LAYOUT(offsetof(PHONEBUTTONINFO, dwButtonTextSize) == 20);
TSPI_LAYOUT(offsetof(PHONEBUTTONINFO, dwButtonTextOffset) == 24);
TSPI_LAYOUT(offsetof(PHONEBUTTONINFO, dwDevSpecificSize) == 28);
TSPI_LAYOUT(offsetof(PHONEBUTTONINFO, dwDevSpecificOffset) == 32);
TSPI_LAYOUT(offsetof(PHONEBUTTONINFO, dwButtonState) == 36);
TSPI_LAYOUT(offsetof(PHONEBUTTONINFO, dwButtonState) == PHONEBUTTONINFO_SIZE_1_0);

TSPI_LAYOUT(sizeof(PHONEEXTENSIONID) == PHONEEXTENSIONID_SIZE);
TSPI_LAYOUT(offsetof(PHONEEXTENSIONID, dwExtensionID0) == 0);
TSPI_LAYOUT(offsetof(PHONEEXTENSIONID, dwExtensionID1) == 4);
TSPI_LAYOUT(offsetof(PHONEEXTENSIONID, dwExtensionID2) == 8);
TSPI_LAYOUT(offsetof(PHONEEXTENSIONID, dwExtensionID3) == 12);

#undef TSPI_LAYOUT

#ifdef __cplusplus
}
#endif

#endif /* HIDPHONE_TSPI_H */
