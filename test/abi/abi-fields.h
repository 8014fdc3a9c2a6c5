/*
 * What test/abi/check-abi.sh compares between include/tspi.h and the
 * Windows SDK headers of mingw-w64, as X-macro lists.  Each list is
 * expanded twice: natively by abi-dump.c against include/tspi.h, and as
 * text into a C file that clang compiles for x86_64-w64-mingw32.  A name
 * that is missing or spelled differently on either side therefore fails
 * one of the two compilations.
 *
 * Constants are not listed here: check-abi.sh takes them from the
 * preprocessed header, so a new constant is checked without touching this
 * file.
 */
#ifndef ABI_FIELDS_H
#define ABI_FIELDS_H

/*
 * ABI_STRUCTS(S, F): S(type) opens a structure, F(type, field) names its
 * fields in declaration order.  abi-dump verifies natively that the fields
 * of each structure follow each other without gaps and end at its sizeof,
 * so a field left out of this list is detected rather than silently
 * unchecked; check-abi.sh verifies that every structure of the header is
 * listed.
 */
#define ABI_STRUCTS(S, F) \
	S(GUID) \
	F(GUID, Data1) \
	F(GUID, Data2) \
	F(GUID, Data3) \
	F(GUID, Data4) \
	S(VARSTRING) \
	F(VARSTRING, dwTotalSize) \
	F(VARSTRING, dwNeededSize) \
	F(VARSTRING, dwUsedSize) \
	F(VARSTRING, dwStringFormat) \
	F(VARSTRING, dwStringSize) \
	F(VARSTRING, dwStringOffset) \
	S(PHONECAPS) \
	F(PHONECAPS, dwTotalSize) \
	F(PHONECAPS, dwNeededSize) \
	F(PHONECAPS, dwUsedSize) \
	F(PHONECAPS, dwProviderInfoSize) \
	F(PHONECAPS, dwProviderInfoOffset) \
	F(PHONECAPS, dwPhoneInfoSize) \
	F(PHONECAPS, dwPhoneInfoOffset) \
	F(PHONECAPS, dwPermanentPhoneID) \
	F(PHONECAPS, dwPhoneNameSize) \
	F(PHONECAPS, dwPhoneNameOffset) \
	F(PHONECAPS, dwStringFormat) \
	F(PHONECAPS, dwPhoneStates) \
	F(PHONECAPS, dwHookSwitchDevs) \
	F(PHONECAPS, dwHandsetHookSwitchModes) \
	F(PHONECAPS, dwSpeakerHookSwitchModes) \
	F(PHONECAPS, dwHeadsetHookSwitchModes) \
	F(PHONECAPS, dwVolumeFlags) \
	F(PHONECAPS, dwGainFlags) \
	F(PHONECAPS, dwDisplayNumRows) \
	F(PHONECAPS, dwDisplayNumColumns) \
	F(PHONECAPS, dwNumRingModes) \
	F(PHONECAPS, dwNumButtonLamps) \
	F(PHONECAPS, dwButtonModesSize) \
	F(PHONECAPS, dwButtonModesOffset) \
	F(PHONECAPS, dwButtonFunctionsSize) \
	F(PHONECAPS, dwButtonFunctionsOffset) \
	F(PHONECAPS, dwLampModesSize) \
	F(PHONECAPS, dwLampModesOffset) \
	F(PHONECAPS, dwNumSetData) \
	F(PHONECAPS, dwSetDataSize) \
	F(PHONECAPS, dwSetDataOffset) \
	F(PHONECAPS, dwNumGetData) \
	F(PHONECAPS, dwGetDataSize) \
	F(PHONECAPS, dwGetDataOffset) \
	F(PHONECAPS, dwDevSpecificSize) \
	F(PHONECAPS, dwDevSpecificOffset) \
	F(PHONECAPS, dwDeviceClassesSize) \
	F(PHONECAPS, dwDeviceClassesOffset) \
	F(PHONECAPS, dwPhoneFeatures) \
	F(PHONECAPS, dwSettableHandsetHookSwitchModes) \
	F(PHONECAPS, dwSettableSpeakerHookSwitchModes) \
	F(PHONECAPS, dwSettableHeadsetHookSwitchModes) \
	F(PHONECAPS, dwMonitoredHandsetHookSwitchModes) \
	F(PHONECAPS, dwMonitoredSpeakerHookSwitchModes) \
	F(PHONECAPS, dwMonitoredHeadsetHookSwitchModes) \
	F(PHONECAPS, PermanentPhoneGuid) \
	S(PHONESTATUS) \
	F(PHONESTATUS, dwTotalSize) \
	F(PHONESTATUS, dwNeededSize) \
	F(PHONESTATUS, dwUsedSize) \
	F(PHONESTATUS, dwStatusFlags) \
	F(PHONESTATUS, dwNumOwners) \
	F(PHONESTATUS, dwNumMonitors) \
	F(PHONESTATUS, dwRingMode) \
	F(PHONESTATUS, dwRingVolume) \
	F(PHONESTATUS, dwHandsetHookSwitchMode) \
	F(PHONESTATUS, dwHandsetVolume) \
	F(PHONESTATUS, dwHandsetGain) \
	F(PHONESTATUS, dwSpeakerHookSwitchMode) \
	F(PHONESTATUS, dwSpeakerVolume) \
	F(PHONESTATUS, dwSpeakerGain) \
	F(PHONESTATUS, dwHeadsetHookSwitchMode) \
	F(PHONESTATUS, dwHeadsetVolume) \
	F(PHONESTATUS, dwHeadsetGain) \
	F(PHONESTATUS, dwDisplaySize) \
	F(PHONESTATUS, dwDisplayOffset) \
	F(PHONESTATUS, dwLampModesSize) \
	F(PHONESTATUS, dwLampModesOffset) \
	F(PHONESTATUS, dwOwnerNameSize) \
	F(PHONESTATUS, dwOwnerNameOffset) \
	F(PHONESTATUS, dwDevSpecificSize) \
	F(PHONESTATUS, dwDevSpecificOffset) \
	F(PHONESTATUS, dwPhoneFeatures) \
	S(PHONEBUTTONINFO) \
	F(PHONEBUTTONINFO, dwTotalSize) \
	F(PHONEBUTTONINFO, dwNeededSize) \
	F(PHONEBUTTONINFO, dwUsedSize) \
	F(PHONEBUTTONINFO, dwButtonMode) \
	F(PHONEBUTTONINFO, dwButtonFunction) \
	F(PHONEBUTTONINFO, dwButtonTextSize) \
	F(PHONEBUTTONINFO, dwButtonTextOffset) \
	F(PHONEBUTTONINFO, dwDevSpecificSize) \
	F(PHONEBUTTONINFO, dwDevSpecificOffset) \
	F(PHONEBUTTONINFO, dwButtonState) \
	S(PHONEEXTENSIONID) \
	F(PHONEEXTENSIONID, dwExtensionID0) \
	F(PHONEEXTENSIONID, dwExtensionID1) \
	F(PHONEEXTENSIONID, dwExtensionID2) \
	F(PHONEEXTENSIONID, dwExtensionID3)

/*
 * ABI_TYPES(I, O): I(type) for integer types, compared in size and
 * signedness; O(type) for pointers and handles, compared in size and
 * alignment.  The signatures below are only meaningful once the names
 * they are spelled with are known to agree.
 */
#define ABI_TYPES(I, O) \
	I(DWORD) \
	I(LONG) \
	I(DWORD_PTR) \
	I(WCHAR) \
	I(DRV_REQUESTID) \
	I(HTAPIDIALOGINSTANCE) \
	O(LPDWORD) \
	O(LPVOID) \
	O(LPWSTR) \
	O(LPCWSTR) \
	O(HANDLE) \
	O(HWND) \
	O(HICON) \
	O(LPHICON) \
	O(HDRVPHONE) \
	O(HDRVLINE) \
	O(HDRVCALL) \
	O(HDRVDIALOGINSTANCE) \
	O(HTAPIPHONE) \
	O(HTAPILINE) \
	O(HTAPICALL) \
	O(HPROVIDER) \
	O(LPHDRVPHONE) \
	O(LPVARSTRING) \
	O(LPPHONECAPS) \
	O(LPPHONESTATUS) \
	O(LPPHONEBUTTONINFO) \
	O(LPPHONEEXTENSIONID)

/*
 * ABI_SIGNATURES(C, P): C(callback type, return type, (parameters)) and
 * P(function, return type, (parameters)), spelled with the SDK's type
 * names.  Both headers must declare exactly these types; the calling
 * convention is not part of the comparison (it is __stdcall on Windows,
 * which Win64 ignores, and the native ABI here).
 */
#define ABI_SIGNATURES(C, P) \
	C(ASYNC_COMPLETION, void, (DRV_REQUESTID, LONG)) \
	C(PHONEEVENT, void, (HTAPIPHONE, DWORD, DWORD_PTR, DWORD_PTR, \
			     DWORD_PTR)) \
	C(LINEEVENT, void, (HTAPILINE, HTAPICALL, DWORD, DWORD_PTR, \
			    DWORD_PTR, DWORD_PTR)) \
	C(TUISPIDLLCALLBACK, LONG, (DWORD_PTR, DWORD, LPVOID, DWORD)) \
	P(TSPI_lineNegotiateTSPIVersion, LONG, (DWORD, DWORD, DWORD, LPDWORD)) \
	P(TSPI_providerEnumDevices, LONG, (DWORD, LPDWORD, LPDWORD, HPROVIDER, \
					   LINEEVENT, PHONEEVENT)) \
	P(TSPI_providerInit, LONG, (DWORD, DWORD, DWORD, DWORD, DWORD_PTR, \
				    DWORD_PTR, ASYNC_COMPLETION, LPDWORD)) \
	P(TSPI_providerShutdown, LONG, (DWORD, DWORD)) \
	P(TSPI_providerCreatePhoneDevice, LONG, (DWORD_PTR, DWORD)) \
	P(TSPI_providerCreateLineDevice, LONG, (DWORD_PTR, DWORD)) \
	P(TSPI_providerUIIdentify, LONG, (LPWSTR)) \
	P(TSPI_providerGenericDialogData, LONG, (DWORD_PTR, DWORD, LPVOID, \
						 DWORD)) \
	P(TSPI_providerFreeDialogInstance, LONG, (HDRVDIALOGINSTANCE)) \
	P(TSPI_providerInstall, LONG, (HWND, DWORD)) \
	P(TSPI_providerRemove, LONG, (HWND, DWORD)) \
	P(TSPI_providerConfig, LONG, (HWND, DWORD)) \
	P(TUISPI_providerInstall, LONG, (TUISPIDLLCALLBACK, HWND, DWORD)) \
	P(TUISPI_providerRemove, LONG, (TUISPIDLLCALLBACK, HWND, DWORD)) \
	P(TUISPI_providerConfig, LONG, (TUISPIDLLCALLBACK, HWND, DWORD)) \
	P(TUISPI_phoneConfigDialog, LONG, (TUISPIDLLCALLBACK, DWORD, HWND, \
					   LPCWSTR)) \
	P(TUISPI_providerGenericDialog, LONG, (TUISPIDLLCALLBACK, \
					       HTAPIDIALOGINSTANCE, LPVOID, \
					       DWORD, HANDLE)) \
	P(TUISPI_providerGenericDialogData, LONG, (HTAPIDIALOGINSTANCE, \
						   LPVOID, DWORD)) \
	P(TSPI_phoneNegotiateTSPIVersion, LONG, (DWORD, DWORD, DWORD, \
						 LPDWORD)) \
	P(TSPI_phoneNegotiateExtVersion, LONG, (DWORD, DWORD, DWORD, DWORD, \
						LPDWORD)) \
	P(TSPI_phoneGetExtensionID, LONG, (DWORD, DWORD, LPPHONEEXTENSIONID)) \
	P(TSPI_phoneSelectExtVersion, LONG, (HDRVPHONE, DWORD)) \
	P(TSPI_phoneGetDevCaps, LONG, (DWORD, DWORD, DWORD, LPPHONECAPS)) \
	P(TSPI_phoneOpen, LONG, (DWORD, HTAPIPHONE, LPHDRVPHONE, DWORD, \
				 PHONEEVENT)) \
	P(TSPI_phoneClose, LONG, (HDRVPHONE)) \
	P(TSPI_phoneSetStatusMessages, LONG, (HDRVPHONE, DWORD, DWORD, DWORD)) \
	P(TSPI_phoneGetStatus, LONG, (HDRVPHONE, LPPHONESTATUS)) \
	P(TSPI_phoneGetButtonInfo, LONG, (HDRVPHONE, DWORD, LPPHONEBUTTONINFO)) \
	P(TSPI_phoneSetButtonInfo, LONG, (DRV_REQUESTID, HDRVPHONE, DWORD, \
					  LPPHONEBUTTONINFO)) \
	P(TSPI_phoneGetLamp, LONG, (HDRVPHONE, DWORD, LPDWORD)) \
	P(TSPI_phoneSetLamp, LONG, (DRV_REQUESTID, HDRVPHONE, DWORD, DWORD)) \
	P(TSPI_phoneGetHookSwitch, LONG, (HDRVPHONE, LPDWORD)) \
	P(TSPI_phoneSetHookSwitch, LONG, (DRV_REQUESTID, HDRVPHONE, DWORD, \
					  DWORD)) \
	P(TSPI_phoneGetRing, LONG, (HDRVPHONE, LPDWORD, LPDWORD)) \
	P(TSPI_phoneSetRing, LONG, (DRV_REQUESTID, HDRVPHONE, DWORD, DWORD)) \
	P(TSPI_phoneGetDisplay, LONG, (HDRVPHONE, LPVARSTRING)) \
	P(TSPI_phoneSetDisplay, LONG, (DRV_REQUESTID, HDRVPHONE, DWORD, DWORD, \
				       LPCWSTR, DWORD)) \
	P(TSPI_phoneGetVolume, LONG, (HDRVPHONE, DWORD, LPDWORD)) \
	P(TSPI_phoneSetVolume, LONG, (DRV_REQUESTID, HDRVPHONE, DWORD, DWORD)) \
	P(TSPI_phoneGetGain, LONG, (HDRVPHONE, DWORD, LPDWORD)) \
	P(TSPI_phoneSetGain, LONG, (DRV_REQUESTID, HDRVPHONE, DWORD, DWORD)) \
	P(TSPI_phoneGetData, LONG, (HDRVPHONE, DWORD, LPVOID, DWORD)) \
	P(TSPI_phoneSetData, LONG, (DRV_REQUESTID, HDRVPHONE, DWORD, LPVOID, \
				    DWORD)) \
	P(TSPI_phoneGetID, LONG, (HDRVPHONE, LPVARSTRING, LPCWSTR, HANDLE)) \
	P(TSPI_phoneGetIcon, LONG, (DWORD, LPCWSTR, LPHICON)) \
	P(TSPI_phoneDevSpecific, LONG, (DRV_REQUESTID, HDRVPHONE, LPVOID, \
					DWORD))

#endif /* ABI_FIELDS_H */
