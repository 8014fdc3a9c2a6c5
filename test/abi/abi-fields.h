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
	F(PHONEEXTENSIONID, dwExtensionID3) \
	S(SYSTEMTIME) \
	F(SYSTEMTIME, wYear) \
	F(SYSTEMTIME, wMonth) \
	F(SYSTEMTIME, wDayOfWeek) \
	F(SYSTEMTIME, wDay) \
	F(SYSTEMTIME, wHour) \
	F(SYSTEMTIME, wMinute) \
	F(SYSTEMTIME, wSecond) \
	F(SYSTEMTIME, wMilliseconds) \
	S(PHONEINITIALIZEEXPARAMS) \
	F(PHONEINITIALIZEEXPARAMS, dwTotalSize) \
	F(PHONEINITIALIZEEXPARAMS, dwNeededSize) \
	F(PHONEINITIALIZEEXPARAMS, dwUsedSize) \
	F(PHONEINITIALIZEEXPARAMS, dwOptions) \
	F(PHONEINITIALIZEEXPARAMS, Handles) \
	F(PHONEINITIALIZEEXPARAMS, dwCompletionKey) \
	S(PHONEMESSAGE) \
	F(PHONEMESSAGE, hDevice) \
	F(PHONEMESSAGE, dwMessageID) \
	F(PHONEMESSAGE, dwCallbackInstance) \
	F(PHONEMESSAGE, dwParam1) \
	F(PHONEMESSAGE, dwParam2) \
	F(PHONEMESSAGE, dwParam3) \
	S(LINEDIALPARAMS) \
	F(LINEDIALPARAMS, dwDialPause) \
	F(LINEDIALPARAMS, dwDialSpeed) \
	F(LINEDIALPARAMS, dwDigitDuration) \
	F(LINEDIALPARAMS, dwWaitForDialtone) \
	S(LINECALLPARAMS) \
	F(LINECALLPARAMS, dwTotalSize) \
	F(LINECALLPARAMS, dwBearerMode) \
	F(LINECALLPARAMS, dwMinRate) \
	F(LINECALLPARAMS, dwMaxRate) \
	F(LINECALLPARAMS, dwMediaMode) \
	F(LINECALLPARAMS, dwCallParamFlags) \
	F(LINECALLPARAMS, dwAddressMode) \
	F(LINECALLPARAMS, dwAddressID) \
	F(LINECALLPARAMS, DialParams) \
	F(LINECALLPARAMS, dwOrigAddressSize) \
	F(LINECALLPARAMS, dwOrigAddressOffset) \
	F(LINECALLPARAMS, dwDisplayableAddressSize) \
	F(LINECALLPARAMS, dwDisplayableAddressOffset) \
	F(LINECALLPARAMS, dwCalledPartySize) \
	F(LINECALLPARAMS, dwCalledPartyOffset) \
	F(LINECALLPARAMS, dwCommentSize) \
	F(LINECALLPARAMS, dwCommentOffset) \
	F(LINECALLPARAMS, dwUserUserInfoSize) \
	F(LINECALLPARAMS, dwUserUserInfoOffset) \
	F(LINECALLPARAMS, dwHighLevelCompSize) \
	F(LINECALLPARAMS, dwHighLevelCompOffset) \
	F(LINECALLPARAMS, dwLowLevelCompSize) \
	F(LINECALLPARAMS, dwLowLevelCompOffset) \
	F(LINECALLPARAMS, dwDevSpecificSize) \
	F(LINECALLPARAMS, dwDevSpecificOffset) \
	F(LINECALLPARAMS, dwPredictiveAutoTransferStates) \
	F(LINECALLPARAMS, dwTargetAddressSize) \
	F(LINECALLPARAMS, dwTargetAddressOffset) \
	F(LINECALLPARAMS, dwSendingFlowspecSize) \
	F(LINECALLPARAMS, dwSendingFlowspecOffset) \
	F(LINECALLPARAMS, dwReceivingFlowspecSize) \
	F(LINECALLPARAMS, dwReceivingFlowspecOffset) \
	F(LINECALLPARAMS, dwDeviceClassSize) \
	F(LINECALLPARAMS, dwDeviceClassOffset) \
	F(LINECALLPARAMS, dwDeviceConfigSize) \
	F(LINECALLPARAMS, dwDeviceConfigOffset) \
	F(LINECALLPARAMS, dwCallDataSize) \
	F(LINECALLPARAMS, dwCallDataOffset) \
	F(LINECALLPARAMS, dwNoAnswerTimeout) \
	F(LINECALLPARAMS, dwCallingPartyIDSize) \
	F(LINECALLPARAMS, dwCallingPartyIDOffset) \
	F(LINECALLPARAMS, dwAddressType) \
	S(LINEDEVCAPS) \
	F(LINEDEVCAPS, dwTotalSize) \
	F(LINEDEVCAPS, dwNeededSize) \
	F(LINEDEVCAPS, dwUsedSize) \
	F(LINEDEVCAPS, dwProviderInfoSize) \
	F(LINEDEVCAPS, dwProviderInfoOffset) \
	F(LINEDEVCAPS, dwSwitchInfoSize) \
	F(LINEDEVCAPS, dwSwitchInfoOffset) \
	F(LINEDEVCAPS, dwPermanentLineID) \
	F(LINEDEVCAPS, dwLineNameSize) \
	F(LINEDEVCAPS, dwLineNameOffset) \
	F(LINEDEVCAPS, dwStringFormat) \
	F(LINEDEVCAPS, dwAddressModes) \
	F(LINEDEVCAPS, dwNumAddresses) \
	F(LINEDEVCAPS, dwBearerModes) \
	F(LINEDEVCAPS, dwMaxRate) \
	F(LINEDEVCAPS, dwMediaModes) \
	F(LINEDEVCAPS, dwGenerateToneModes) \
	F(LINEDEVCAPS, dwGenerateToneMaxNumFreq) \
	F(LINEDEVCAPS, dwGenerateDigitModes) \
	F(LINEDEVCAPS, dwMonitorToneMaxNumFreq) \
	F(LINEDEVCAPS, dwMonitorToneMaxNumEntries) \
	F(LINEDEVCAPS, dwMonitorDigitModes) \
	F(LINEDEVCAPS, dwGatherDigitsMinTimeout) \
	F(LINEDEVCAPS, dwGatherDigitsMaxTimeout) \
	F(LINEDEVCAPS, dwMedCtlDigitMaxListSize) \
	F(LINEDEVCAPS, dwMedCtlMediaMaxListSize) \
	F(LINEDEVCAPS, dwMedCtlToneMaxListSize) \
	F(LINEDEVCAPS, dwMedCtlCallStateMaxListSize) \
	F(LINEDEVCAPS, dwDevCapFlags) \
	F(LINEDEVCAPS, dwMaxNumActiveCalls) \
	F(LINEDEVCAPS, dwAnswerMode) \
	F(LINEDEVCAPS, dwRingModes) \
	F(LINEDEVCAPS, dwLineStates) \
	F(LINEDEVCAPS, dwUUIAcceptSize) \
	F(LINEDEVCAPS, dwUUIAnswerSize) \
	F(LINEDEVCAPS, dwUUIMakeCallSize) \
	F(LINEDEVCAPS, dwUUIDropSize) \
	F(LINEDEVCAPS, dwUUISendUserUserInfoSize) \
	F(LINEDEVCAPS, dwUUICallInfoSize) \
	F(LINEDEVCAPS, MinDialParams) \
	F(LINEDEVCAPS, MaxDialParams) \
	F(LINEDEVCAPS, DefaultDialParams) \
	F(LINEDEVCAPS, dwNumTerminals) \
	F(LINEDEVCAPS, dwTerminalCapsSize) \
	F(LINEDEVCAPS, dwTerminalCapsOffset) \
	F(LINEDEVCAPS, dwTerminalTextEntrySize) \
	F(LINEDEVCAPS, dwTerminalTextSize) \
	F(LINEDEVCAPS, dwTerminalTextOffset) \
	F(LINEDEVCAPS, dwDevSpecificSize) \
	F(LINEDEVCAPS, dwDevSpecificOffset) \
	F(LINEDEVCAPS, dwLineFeatures) \
	F(LINEDEVCAPS, dwSettableDevStatus) \
	F(LINEDEVCAPS, dwDeviceClassesSize) \
	F(LINEDEVCAPS, dwDeviceClassesOffset) \
	F(LINEDEVCAPS, PermanentLineGuid) \
	F(LINEDEVCAPS, dwAddressTypes) \
	F(LINEDEVCAPS, ProtocolGuid) \
	F(LINEDEVCAPS, dwAvailableTracking) \
	S(LINEADDRESSCAPS) \
	F(LINEADDRESSCAPS, dwTotalSize) \
	F(LINEADDRESSCAPS, dwNeededSize) \
	F(LINEADDRESSCAPS, dwUsedSize) \
	F(LINEADDRESSCAPS, dwLineDeviceID) \
	F(LINEADDRESSCAPS, dwAddressSize) \
	F(LINEADDRESSCAPS, dwAddressOffset) \
	F(LINEADDRESSCAPS, dwDevSpecificSize) \
	F(LINEADDRESSCAPS, dwDevSpecificOffset) \
	F(LINEADDRESSCAPS, dwAddressSharing) \
	F(LINEADDRESSCAPS, dwAddressStates) \
	F(LINEADDRESSCAPS, dwCallInfoStates) \
	F(LINEADDRESSCAPS, dwCallerIDFlags) \
	F(LINEADDRESSCAPS, dwCalledIDFlags) \
	F(LINEADDRESSCAPS, dwConnectedIDFlags) \
	F(LINEADDRESSCAPS, dwRedirectionIDFlags) \
	F(LINEADDRESSCAPS, dwRedirectingIDFlags) \
	F(LINEADDRESSCAPS, dwCallStates) \
	F(LINEADDRESSCAPS, dwDialToneModes) \
	F(LINEADDRESSCAPS, dwBusyModes) \
	F(LINEADDRESSCAPS, dwSpecialInfo) \
	F(LINEADDRESSCAPS, dwDisconnectModes) \
	F(LINEADDRESSCAPS, dwMaxNumActiveCalls) \
	F(LINEADDRESSCAPS, dwMaxNumOnHoldCalls) \
	F(LINEADDRESSCAPS, dwMaxNumOnHoldPendingCalls) \
	F(LINEADDRESSCAPS, dwMaxNumConference) \
	F(LINEADDRESSCAPS, dwMaxNumTransConf) \
	F(LINEADDRESSCAPS, dwAddrCapFlags) \
	F(LINEADDRESSCAPS, dwCallFeatures) \
	F(LINEADDRESSCAPS, dwRemoveFromConfCaps) \
	F(LINEADDRESSCAPS, dwRemoveFromConfState) \
	F(LINEADDRESSCAPS, dwTransferModes) \
	F(LINEADDRESSCAPS, dwParkModes) \
	F(LINEADDRESSCAPS, dwForwardModes) \
	F(LINEADDRESSCAPS, dwMaxForwardEntries) \
	F(LINEADDRESSCAPS, dwMaxSpecificEntries) \
	F(LINEADDRESSCAPS, dwMinFwdNumRings) \
	F(LINEADDRESSCAPS, dwMaxFwdNumRings) \
	F(LINEADDRESSCAPS, dwMaxCallCompletions) \
	F(LINEADDRESSCAPS, dwCallCompletionConds) \
	F(LINEADDRESSCAPS, dwCallCompletionModes) \
	F(LINEADDRESSCAPS, dwNumCompletionMessages) \
	F(LINEADDRESSCAPS, dwCompletionMsgTextEntrySize) \
	F(LINEADDRESSCAPS, dwCompletionMsgTextSize) \
	F(LINEADDRESSCAPS, dwCompletionMsgTextOffset) \
	F(LINEADDRESSCAPS, dwAddressFeatures) \
	F(LINEADDRESSCAPS, dwPredictiveAutoTransferStates) \
	F(LINEADDRESSCAPS, dwNumCallTreatments) \
	F(LINEADDRESSCAPS, dwCallTreatmentListSize) \
	F(LINEADDRESSCAPS, dwCallTreatmentListOffset) \
	F(LINEADDRESSCAPS, dwDeviceClassesSize) \
	F(LINEADDRESSCAPS, dwDeviceClassesOffset) \
	F(LINEADDRESSCAPS, dwMaxCallDataSize) \
	F(LINEADDRESSCAPS, dwCallFeatures2) \
	F(LINEADDRESSCAPS, dwMaxNoAnswerTimeout) \
	F(LINEADDRESSCAPS, dwConnectedModes) \
	F(LINEADDRESSCAPS, dwOfferingModes) \
	F(LINEADDRESSCAPS, dwAvailableMediaModes) \
	S(LINEADDRESSSTATUS) \
	F(LINEADDRESSSTATUS, dwTotalSize) \
	F(LINEADDRESSSTATUS, dwNeededSize) \
	F(LINEADDRESSSTATUS, dwUsedSize) \
	F(LINEADDRESSSTATUS, dwNumInUse) \
	F(LINEADDRESSSTATUS, dwNumActiveCalls) \
	F(LINEADDRESSSTATUS, dwNumOnHoldCalls) \
	F(LINEADDRESSSTATUS, dwNumOnHoldPendCalls) \
	F(LINEADDRESSSTATUS, dwAddressFeatures) \
	F(LINEADDRESSSTATUS, dwNumRingsNoAnswer) \
	F(LINEADDRESSSTATUS, dwForwardNumEntries) \
	F(LINEADDRESSSTATUS, dwForwardSize) \
	F(LINEADDRESSSTATUS, dwForwardOffset) \
	F(LINEADDRESSSTATUS, dwTerminalModesSize) \
	F(LINEADDRESSSTATUS, dwTerminalModesOffset) \
	F(LINEADDRESSSTATUS, dwDevSpecificSize) \
	F(LINEADDRESSSTATUS, dwDevSpecificOffset) \
	S(LINECALLINFO) \
	F(LINECALLINFO, dwTotalSize) \
	F(LINECALLINFO, dwNeededSize) \
	F(LINECALLINFO, dwUsedSize) \
	F(LINECALLINFO, hLine) \
	F(LINECALLINFO, dwLineDeviceID) \
	F(LINECALLINFO, dwAddressID) \
	F(LINECALLINFO, dwBearerMode) \
	F(LINECALLINFO, dwRate) \
	F(LINECALLINFO, dwMediaMode) \
	F(LINECALLINFO, dwAppSpecific) \
	F(LINECALLINFO, dwCallID) \
	F(LINECALLINFO, dwRelatedCallID) \
	F(LINECALLINFO, dwCallParamFlags) \
	F(LINECALLINFO, dwCallStates) \
	F(LINECALLINFO, dwMonitorDigitModes) \
	F(LINECALLINFO, dwMonitorMediaModes) \
	F(LINECALLINFO, DialParams) \
	F(LINECALLINFO, dwOrigin) \
	F(LINECALLINFO, dwReason) \
	F(LINECALLINFO, dwCompletionID) \
	F(LINECALLINFO, dwNumOwners) \
	F(LINECALLINFO, dwNumMonitors) \
	F(LINECALLINFO, dwCountryCode) \
	F(LINECALLINFO, dwTrunk) \
	F(LINECALLINFO, dwCallerIDFlags) \
	F(LINECALLINFO, dwCallerIDSize) \
	F(LINECALLINFO, dwCallerIDOffset) \
	F(LINECALLINFO, dwCallerIDNameSize) \
	F(LINECALLINFO, dwCallerIDNameOffset) \
	F(LINECALLINFO, dwCalledIDFlags) \
	F(LINECALLINFO, dwCalledIDSize) \
	F(LINECALLINFO, dwCalledIDOffset) \
	F(LINECALLINFO, dwCalledIDNameSize) \
	F(LINECALLINFO, dwCalledIDNameOffset) \
	F(LINECALLINFO, dwConnectedIDFlags) \
	F(LINECALLINFO, dwConnectedIDSize) \
	F(LINECALLINFO, dwConnectedIDOffset) \
	F(LINECALLINFO, dwConnectedIDNameSize) \
	F(LINECALLINFO, dwConnectedIDNameOffset) \
	F(LINECALLINFO, dwRedirectionIDFlags) \
	F(LINECALLINFO, dwRedirectionIDSize) \
	F(LINECALLINFO, dwRedirectionIDOffset) \
	F(LINECALLINFO, dwRedirectionIDNameSize) \
	F(LINECALLINFO, dwRedirectionIDNameOffset) \
	F(LINECALLINFO, dwRedirectingIDFlags) \
	F(LINECALLINFO, dwRedirectingIDSize) \
	F(LINECALLINFO, dwRedirectingIDOffset) \
	F(LINECALLINFO, dwRedirectingIDNameSize) \
	F(LINECALLINFO, dwRedirectingIDNameOffset) \
	F(LINECALLINFO, dwAppNameSize) \
	F(LINECALLINFO, dwAppNameOffset) \
	F(LINECALLINFO, dwDisplayableAddressSize) \
	F(LINECALLINFO, dwDisplayableAddressOffset) \
	F(LINECALLINFO, dwCalledPartySize) \
	F(LINECALLINFO, dwCalledPartyOffset) \
	F(LINECALLINFO, dwCommentSize) \
	F(LINECALLINFO, dwCommentOffset) \
	F(LINECALLINFO, dwDisplaySize) \
	F(LINECALLINFO, dwDisplayOffset) \
	F(LINECALLINFO, dwUserUserInfoSize) \
	F(LINECALLINFO, dwUserUserInfoOffset) \
	F(LINECALLINFO, dwHighLevelCompSize) \
	F(LINECALLINFO, dwHighLevelCompOffset) \
	F(LINECALLINFO, dwLowLevelCompSize) \
	F(LINECALLINFO, dwLowLevelCompOffset) \
	F(LINECALLINFO, dwChargingInfoSize) \
	F(LINECALLINFO, dwChargingInfoOffset) \
	F(LINECALLINFO, dwTerminalModesSize) \
	F(LINECALLINFO, dwTerminalModesOffset) \
	F(LINECALLINFO, dwDevSpecificSize) \
	F(LINECALLINFO, dwDevSpecificOffset) \
	F(LINECALLINFO, dwCallTreatment) \
	F(LINECALLINFO, dwCallDataSize) \
	F(LINECALLINFO, dwCallDataOffset) \
	F(LINECALLINFO, dwSendingFlowspecSize) \
	F(LINECALLINFO, dwSendingFlowspecOffset) \
	F(LINECALLINFO, dwReceivingFlowspecSize) \
	F(LINECALLINFO, dwReceivingFlowspecOffset) \
	F(LINECALLINFO, dwCallerIDAddressType) \
	F(LINECALLINFO, dwCalledIDAddressType) \
	F(LINECALLINFO, dwConnectedIDAddressType) \
	F(LINECALLINFO, dwRedirectionIDAddressType) \
	F(LINECALLINFO, dwRedirectingIDAddressType) \
	S(LINECALLSTATUS) \
	F(LINECALLSTATUS, dwTotalSize) \
	F(LINECALLSTATUS, dwNeededSize) \
	F(LINECALLSTATUS, dwUsedSize) \
	F(LINECALLSTATUS, dwCallState) \
	F(LINECALLSTATUS, dwCallStateMode) \
	F(LINECALLSTATUS, dwCallPrivilege) \
	F(LINECALLSTATUS, dwCallFeatures) \
	F(LINECALLSTATUS, dwDevSpecificSize) \
	F(LINECALLSTATUS, dwDevSpecificOffset) \
	F(LINECALLSTATUS, dwCallFeatures2) \
	F(LINECALLSTATUS, tStateEntryTime) \
	S(LINEDEVSTATUS) \
	F(LINEDEVSTATUS, dwTotalSize) \
	F(LINEDEVSTATUS, dwNeededSize) \
	F(LINEDEVSTATUS, dwUsedSize) \
	F(LINEDEVSTATUS, dwNumOpens) \
	F(LINEDEVSTATUS, dwOpenMediaModes) \
	F(LINEDEVSTATUS, dwNumActiveCalls) \
	F(LINEDEVSTATUS, dwNumOnHoldCalls) \
	F(LINEDEVSTATUS, dwNumOnHoldPendCalls) \
	F(LINEDEVSTATUS, dwLineFeatures) \
	F(LINEDEVSTATUS, dwNumCallCompletions) \
	F(LINEDEVSTATUS, dwRingMode) \
	F(LINEDEVSTATUS, dwSignalLevel) \
	F(LINEDEVSTATUS, dwBatteryLevel) \
	F(LINEDEVSTATUS, dwRoamMode) \
	F(LINEDEVSTATUS, dwDevStatusFlags) \
	F(LINEDEVSTATUS, dwTerminalModesSize) \
	F(LINEDEVSTATUS, dwTerminalModesOffset) \
	F(LINEDEVSTATUS, dwDevSpecificSize) \
	F(LINEDEVSTATUS, dwDevSpecificOffset) \
	F(LINEDEVSTATUS, dwAvailableMediaModes) \
	F(LINEDEVSTATUS, dwAppInfoSize) \
	F(LINEDEVSTATUS, dwAppInfoOffset) \
	S(LINEEXTENSIONID) \
	F(LINEEXTENSIONID, dwExtensionID0) \
	F(LINEEXTENSIONID, dwExtensionID1) \
	F(LINEEXTENSIONID, dwExtensionID2) \
	F(LINEEXTENSIONID, dwExtensionID3) \
	S(LINEGENERATETONE) \
	F(LINEGENERATETONE, dwFrequency) \
	F(LINEGENERATETONE, dwCadenceOn) \
	F(LINEGENERATETONE, dwCadenceOff) \
	F(LINEGENERATETONE, dwVolume) \
	S(LINEMONITORTONE) \
	F(LINEMONITORTONE, dwAppSpecific) \
	F(LINEMONITORTONE, dwDuration) \
	F(LINEMONITORTONE, dwFrequency1) \
	F(LINEMONITORTONE, dwFrequency2) \
	F(LINEMONITORTONE, dwFrequency3) \
	S(LINEINITIALIZEEXPARAMS) \
	F(LINEINITIALIZEEXPARAMS, dwTotalSize) \
	F(LINEINITIALIZEEXPARAMS, dwNeededSize) \
	F(LINEINITIALIZEEXPARAMS, dwUsedSize) \
	F(LINEINITIALIZEEXPARAMS, dwOptions) \
	F(LINEINITIALIZEEXPARAMS, Handles) \
	F(LINEINITIALIZEEXPARAMS, dwCompletionKey) \
	S(LINEMESSAGE) \
	F(LINEMESSAGE, hDevice) \
	F(LINEMESSAGE, dwMessageID) \
	F(LINEMESSAGE, dwCallbackInstance) \
	F(LINEMESSAGE, dwParam1) \
	F(LINEMESSAGE, dwParam2) \
	F(LINEMESSAGE, dwParam3)

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
	I(WORD) \
	I(BYTE) \
	I(HCALL) \
	I(HLINE) \
	I(HPHONE) \
	I(HLINEAPP) \
	I(HPHONEAPP) \
	O(LPSTR) \
	O(LPCSTR) \
	O(HINSTANCE) \
	O(LPHCALL) \
	O(LPHLINE) \
	O(LPHPHONE) \
	O(LPHLINEAPP) \
	O(LPHPHONEAPP) \
	O(LPPHONEINITIALIZEEXPARAMS) \
	O(LPPHONEMESSAGE) \
	O(LPLINEINITIALIZEEXPARAMS) \
	O(LPLINEMESSAGE) \
	O(LPLINECALLPARAMS) \
	O(LPLINEDEVCAPS) \
	O(LPLINEADDRESSCAPS) \
	O(LPLINEADDRESSSTATUS) \
	O(LPLINECALLINFO) \
	O(LPLINECALLSTATUS) \
	O(LPLINEDEVSTATUS) \
	O(LPLINEDIALPARAMS) \
	O(LPLINEEXTENSIONID) \
	O(LPLINEGENERATETONE) \
	O(LPLINEMONITORTONE) \
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
	C(PHONECALLBACK, void, (DWORD, DWORD, DWORD_PTR, DWORD_PTR, DWORD_PTR, \
				DWORD_PTR)) \
	C(LINECALLBACK, void, (DWORD, DWORD, DWORD_PTR, DWORD_PTR, DWORD_PTR, \
			       DWORD_PTR)) \
	P(phoneInitializeExA, LONG, (LPHPHONEAPP, HINSTANCE, PHONECALLBACK, \
				     LPCSTR, LPDWORD, LPDWORD, \
				     LPPHONEINITIALIZEEXPARAMS)) \
	P(phoneInitializeExW, LONG, (LPHPHONEAPP, HINSTANCE, PHONECALLBACK, \
				     LPCWSTR, LPDWORD, LPDWORD, \
				     LPPHONEINITIALIZEEXPARAMS)) \
	P(phoneShutdown, LONG, (HPHONEAPP)) \
	P(phoneNegotiateAPIVersion, LONG, (HPHONEAPP, DWORD, DWORD, DWORD, \
					   LPDWORD, LPPHONEEXTENSIONID)) \
	P(phoneNegotiateExtVersion, LONG, (HPHONEAPP, DWORD, DWORD, DWORD, \
					   DWORD, LPDWORD)) \
	P(phoneGetDevCapsA, LONG, (HPHONEAPP, DWORD, DWORD, DWORD, LPPHONECAPS)) \
	P(phoneGetDevCapsW, LONG, (HPHONEAPP, DWORD, DWORD, DWORD, LPPHONECAPS)) \
	P(phoneOpen, LONG, (HPHONEAPP, DWORD, LPHPHONE, DWORD, DWORD, DWORD_PTR, \
			    DWORD)) \
	P(phoneClose, LONG, (HPHONE)) \
	P(phoneGetMessage, LONG, (HPHONEAPP, LPPHONEMESSAGE, DWORD)) \
	P(phoneSetStatusMessages, LONG, (HPHONE, DWORD, DWORD, DWORD)) \
	P(phoneGetStatusMessages, LONG, (HPHONE, LPDWORD, LPDWORD, LPDWORD)) \
	P(phoneGetStatusA, LONG, (HPHONE, LPPHONESTATUS)) \
	P(phoneGetStatusW, LONG, (HPHONE, LPPHONESTATUS)) \
	P(phoneSetLamp, LONG, (HPHONE, DWORD, DWORD)) \
	P(phoneGetLamp, LONG, (HPHONE, DWORD, LPDWORD)) \
	P(phoneSetRing, LONG, (HPHONE, DWORD, DWORD)) \
	P(phoneGetRing, LONG, (HPHONE, LPDWORD, LPDWORD)) \
	P(phoneSetHookSwitch, LONG, (HPHONE, DWORD, DWORD)) \
	P(phoneGetHookSwitch, LONG, (HPHONE, LPDWORD)) \
	P(phoneSetVolume, LONG, (HPHONE, DWORD, DWORD)) \
	P(phoneGetVolume, LONG, (HPHONE, DWORD, LPDWORD)) \
	P(phoneSetGain, LONG, (HPHONE, DWORD, DWORD)) \
	P(phoneGetGain, LONG, (HPHONE, DWORD, LPDWORD)) \
	P(phoneSetDisplay, LONG, (HPHONE, DWORD, DWORD, LPCSTR, DWORD)) \
	P(phoneGetDisplay, LONG, (HPHONE, LPVARSTRING)) \
	P(phoneGetButtonInfoA, LONG, (HPHONE, DWORD, LPPHONEBUTTONINFO)) \
	P(phoneGetButtonInfoW, LONG, (HPHONE, DWORD, LPPHONEBUTTONINFO)) \
	P(phoneSetButtonInfoA, LONG, (HPHONE, DWORD, LPPHONEBUTTONINFO)) \
	P(phoneSetButtonInfoW, LONG, (HPHONE, DWORD, LPPHONEBUTTONINFO)) \
	P(phoneGetIDA, LONG, (HPHONE, LPVARSTRING, LPCSTR)) \
	P(phoneGetIDW, LONG, (HPHONE, LPVARSTRING, LPCWSTR)) \
	P(lineInitializeExA, LONG, (LPHLINEAPP, HINSTANCE, LINECALLBACK, \
				    LPCSTR, LPDWORD, LPDWORD, \
				    LPLINEINITIALIZEEXPARAMS)) \
	P(lineInitializeExW, LONG, (LPHLINEAPP, HINSTANCE, LINECALLBACK, \
				    LPCWSTR, LPDWORD, LPDWORD, \
				    LPLINEINITIALIZEEXPARAMS)) \
	P(lineShutdown, LONG, (HLINEAPP)) \
	P(lineNegotiateAPIVersion, LONG, (HLINEAPP, DWORD, DWORD, DWORD, \
					  LPDWORD, LPLINEEXTENSIONID)) \
	P(lineGetMessage, LONG, (HLINEAPP, LPLINEMESSAGE, DWORD)) \
	P(lineOpenA, LONG, (HLINEAPP, DWORD, LPHLINE, DWORD, DWORD, DWORD_PTR, \
			    DWORD, DWORD, LPLINECALLPARAMS)) \
	P(lineOpenW, LONG, (HLINEAPP, DWORD, LPHLINE, DWORD, DWORD, DWORD_PTR, \
			    DWORD, DWORD, LPLINECALLPARAMS)) \
	P(lineClose, LONG, (HLINE)) \
	P(lineMakeCallA, LONG, (HLINE, LPHCALL, LPCSTR, DWORD, LPLINECALLPARAMS)) \
	P(lineMakeCallW, LONG, (HLINE, LPHCALL, LPCWSTR, DWORD, LPLINECALLPARAMS)) \
	P(lineDialA, LONG, (HCALL, LPCSTR, DWORD)) \
	P(lineDialW, LONG, (HCALL, LPCWSTR, DWORD)) \
	P(lineAnswer, LONG, (HCALL, LPCSTR, DWORD)) \
	P(lineDrop, LONG, (HCALL, LPCSTR, DWORD)) \
	P(lineDeallocateCall, LONG, (HCALL)) \
	P(lineGetCallStatus, LONG, (HCALL, LPLINECALLSTATUS)) \
	P(lineGetCallInfoA, LONG, (HCALL, LPLINECALLINFO)) \
	P(lineGetCallInfoW, LONG, (HCALL, LPLINECALLINFO)) \
	P(lineGetDevCapsA, LONG, (HLINEAPP, DWORD, DWORD, DWORD, LPLINEDEVCAPS)) \
	P(lineGetDevCapsW, LONG, (HLINEAPP, DWORD, DWORD, DWORD, LPLINEDEVCAPS)) \
	P(lineGetAddressCapsA, LONG, (HLINEAPP, DWORD, DWORD, DWORD, DWORD, \
				      LPLINEADDRESSCAPS)) \
	P(lineGetAddressCapsW, LONG, (HLINEAPP, DWORD, DWORD, DWORD, DWORD, \
				      LPLINEADDRESSCAPS)) \
	P(lineGetLineDevStatusA, LONG, (HLINE, LPLINEDEVSTATUS)) \
	P(lineGetLineDevStatusW, LONG, (HLINE, LPLINEDEVSTATUS)) \
	P(lineGetAddressStatusA, LONG, (HLINE, DWORD, LPLINEADDRESSSTATUS)) \
	P(lineGetAddressStatusW, LONG, (HLINE, DWORD, LPLINEADDRESSSTATUS)) \
	P(lineGetIDA, LONG, (HLINE, DWORD, HCALL, DWORD, LPVARSTRING, LPCSTR)) \
	P(lineGetIDW, LONG, (HLINE, DWORD, HCALL, DWORD, LPVARSTRING, LPCWSTR)) \
	P(lineSetStatusMessages, LONG, (HLINE, DWORD, DWORD)) \
	P(lineMonitorDigits, LONG, (HCALL, DWORD)) \
	P(lineGenerateDigitsA, LONG, (HCALL, DWORD, LPCSTR, DWORD)) \
	P(lineGenerateDigitsW, LONG, (HCALL, DWORD, LPCWSTR, DWORD)) \
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
					DWORD)) \
	P(TSPI_lineGetDevCaps, LONG, (DWORD, DWORD, DWORD, LPLINEDEVCAPS)) \
	P(TSPI_lineGetAddressCaps, LONG, (DWORD, DWORD, DWORD, DWORD, \
					  LPLINEADDRESSCAPS)) \
	P(TSPI_lineGetAddressStatus, LONG, (HDRVLINE, DWORD, LPLINEADDRESSSTATUS)) \
	P(TSPI_lineGetAddressID, LONG, (HDRVLINE, LPDWORD, DWORD, LPCWSTR, DWORD)) \
	P(TSPI_lineGetNumAddressIDs, LONG, (HDRVLINE, LPDWORD)) \
	P(TSPI_lineGetLineDevStatus, LONG, (HDRVLINE, LPLINEDEVSTATUS)) \
	P(TSPI_lineOpen, LONG, (DWORD, HTAPILINE, LPHDRVLINE, DWORD, LINEEVENT)) \
	P(TSPI_lineClose, LONG, (HDRVLINE)) \
	P(TSPI_lineSetDefaultMediaDetection, LONG, (HDRVLINE, DWORD)) \
	P(TSPI_lineConditionalMediaDetection, LONG, (HDRVLINE, DWORD, \
						     LPLINECALLPARAMS const)) \
	P(TSPI_lineSetStatusMessages, LONG, (HDRVLINE, DWORD, DWORD)) \
	P(TSPI_lineGetID, LONG, (HDRVLINE, DWORD, HDRVCALL, DWORD, LPVARSTRING, \
				 LPCWSTR, HANDLE)) \
	P(TSPI_lineMakeCall, LONG, (DRV_REQUESTID, HDRVLINE, HTAPICALL, LPHDRVCALL, \
				    LPCWSTR, DWORD, LPLINECALLPARAMS const)) \
	P(TSPI_lineDial, LONG, (DRV_REQUESTID, HDRVCALL, LPCWSTR, DWORD)) \
	P(TSPI_lineAnswer, LONG, (DRV_REQUESTID, HDRVCALL, LPCSTR, DWORD)) \
	P(TSPI_lineDrop, LONG, (DRV_REQUESTID, HDRVCALL, LPCSTR, DWORD)) \
	P(TSPI_lineCloseCall, LONG, (HDRVCALL)) \
	P(TSPI_lineGenerateDigits, LONG, (HDRVCALL, DWORD, DWORD, LPCWSTR, DWORD)) \
	P(TSPI_lineMonitorDigits, LONG, (HDRVCALL, DWORD)) \
	P(TSPI_lineSetAppSpecific, LONG, (HDRVCALL, DWORD)) \
	P(TSPI_lineSetCallParams, LONG, (DRV_REQUESTID, HDRVCALL, DWORD, DWORD, DWORD, \
				       LPLINEDIALPARAMS const)) \
	P(TSPI_lineGetCallAddressID, LONG, (HDRVCALL, LPDWORD)) \
	P(TSPI_lineGetCallStatus, LONG, (HDRVCALL, LPLINECALLSTATUS)) \
	P(TSPI_lineGetCallInfo, LONG, (HDRVCALL, LPLINECALLINFO))

#endif /* ABI_FIELDS_H */
