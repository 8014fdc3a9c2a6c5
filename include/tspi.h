/*
 * tspi.h - the TAPI 2.x service provider interface (TSPI), phone subset,
 *          as seen by a Linux host that dlopen()s a provider.  The types,
 *          constants and structures it shares with applications are in
 *          tapi.h, which it includes as the SDK's tspi.h does.
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

/* The application half: types, constants and structures shared with TAPI. */
#include "tapi.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Calling convention.  On Windows TSPIAPI (like CALLBACK, in tapi.h) means
 * __stdcall, which only changes anything on 32-bit x86; Win64 has a single
 * convention.  Host and provider on Linux both use the native System V ABI,
 * so the macros are empty.  A build that has to talk to Microsoft-x64 code (a Winelib host)
 * can predefine them, e.g. as __attribute__((ms_abi)).
 */
#ifndef TSPIAPI
#define TSPIAPI
#endif

/*
 * The provider is built with -fvisibility=hidden; only the TSPI entry
 * points are looked up by the host with dlsym(), so only they are exported.
 */
#ifndef TSPI_EXPORT
#define TSPI_EXPORT __attribute__((visibility("default")))
#endif

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
typedef HDRVLINE *LPHDRVLINE;
typedef HDRVCALL *LPHDRVCALL;

/* Unlike the handles above, the SDK declares this one as a 32-bit DWORD. */
typedef DWORD HTAPIDIALOGINSTANCE;

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
/* A call the provider created (incoming): dwParam1 its HDRVCALL, dwParam2 an LPHTAPICALL
 * where TAPI writes its handle for the call before the callback returns. */
#define LINE_NEWCALL				(TSPI_MESSAGE_BASE + 0)


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

/* Line devices (tsp/line-*.c). */
TSPI_EXPORT LONG TSPIAPI TSPI_lineGetDevCaps(DWORD dwDeviceID,
	DWORD dwTSPIVersion, DWORD dwExtVersion, LPLINEDEVCAPS lpLineDevCaps);
TSPI_EXPORT LONG TSPIAPI TSPI_lineGetAddressCaps(DWORD dwDeviceID,
	DWORD dwAddressID, DWORD dwTSPIVersion, DWORD dwExtVersion,
	LPLINEADDRESSCAPS lpAddressCaps);
TSPI_EXPORT LONG TSPIAPI TSPI_lineGetAddressStatus(HDRVLINE hdLine,
	DWORD dwAddressID, LPLINEADDRESSSTATUS lpAddressStatus);
TSPI_EXPORT LONG TSPIAPI TSPI_lineGetAddressID(HDRVLINE hdLine,
	LPDWORD lpdwAddressID, DWORD dwAddressMode, LPCWSTR lpsAddress,
	DWORD dwSize);
TSPI_EXPORT LONG TSPIAPI TSPI_lineGetNumAddressIDs(HDRVLINE hdLine,
	LPDWORD lpdwNumAddressIDs);
TSPI_EXPORT LONG TSPIAPI TSPI_lineGetLineDevStatus(HDRVLINE hdLine,
	LPLINEDEVSTATUS lpLineDevStatus);
TSPI_EXPORT LONG TSPIAPI TSPI_lineOpen(DWORD dwDeviceID, HTAPILINE htLine,
	LPHDRVLINE lphdLine, DWORD dwTSPIVersion, LINEEVENT lpfnEventProc);
TSPI_EXPORT LONG TSPIAPI TSPI_lineClose(HDRVLINE hdLine);
TSPI_EXPORT LONG TSPIAPI TSPI_lineSetDefaultMediaDetection(HDRVLINE hdLine,
	DWORD dwMediaModes);
TSPI_EXPORT LONG TSPIAPI TSPI_lineConditionalMediaDetection(HDRVLINE hdLine,
	DWORD dwMediaModes, LPLINECALLPARAMS const lpCallParams);
TSPI_EXPORT LONG TSPIAPI TSPI_lineSetStatusMessages(HDRVLINE hdLine,
	DWORD dwLineStates, DWORD dwAddressStates);
TSPI_EXPORT LONG TSPIAPI TSPI_lineGetID(HDRVLINE hdLine, DWORD dwAddressID,
	HDRVCALL hdCall, DWORD dwSelect, LPVARSTRING lpDeviceID,
	LPCWSTR lpszDeviceClass, HANDLE hTargetProcess);
TSPI_EXPORT LONG TSPIAPI TSPI_lineMakeCall(DRV_REQUESTID dwRequestID,
	HDRVLINE hdLine, HTAPICALL htCall, LPHDRVCALL lphdCall,
	LPCWSTR lpszDestAddress, DWORD dwCountryCode,
	LPLINECALLPARAMS const lpCallParams);
TSPI_EXPORT LONG TSPIAPI TSPI_lineDial(DRV_REQUESTID dwRequestID,
	HDRVCALL hdCall, LPCWSTR lpszDestAddress, DWORD dwCountryCode);
TSPI_EXPORT LONG TSPIAPI TSPI_lineAnswer(DRV_REQUESTID dwRequestID,
	HDRVCALL hdCall, LPCSTR lpsUserUserInfo, DWORD dwSize);
TSPI_EXPORT LONG TSPIAPI TSPI_lineDrop(DRV_REQUESTID dwRequestID,
	HDRVCALL hdCall, LPCSTR lpsUserUserInfo, DWORD dwSize);
TSPI_EXPORT LONG TSPIAPI TSPI_lineCloseCall(HDRVCALL hdCall);
TSPI_EXPORT LONG TSPIAPI TSPI_lineGenerateDigits(HDRVCALL hdCall,
	DWORD dwEndToEndID, DWORD dwDigitMode, LPCWSTR lpszDigits,
	DWORD dwDuration);
TSPI_EXPORT LONG TSPIAPI TSPI_lineMonitorDigits(HDRVCALL hdCall,
	DWORD dwDigitModes);
TSPI_EXPORT LONG TSPIAPI TSPI_lineSetAppSpecific(HDRVCALL hdCall,
	DWORD dwAppSpecific);
TSPI_EXPORT LONG TSPIAPI TSPI_lineSetCallParams(DRV_REQUESTID dwRequestID,
	HDRVCALL hdCall, DWORD dwBearerMode, DWORD dwMinRate, DWORD dwMaxRate,
	LPLINEDIALPARAMS const lpDialParams);
TSPI_EXPORT LONG TSPIAPI TSPI_lineGetCallAddressID(HDRVCALL hdCall,
	LPDWORD lpdwAddressID);
TSPI_EXPORT LONG TSPIAPI TSPI_lineGetCallStatus(HDRVCALL hdCall,
	LPLINECALLSTATUS lpCallStatus);
TSPI_EXPORT LONG TSPIAPI TSPI_lineGetCallInfo(HDRVCALL hdCall,
	LPLINECALLINFO lpCallInfo);

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
