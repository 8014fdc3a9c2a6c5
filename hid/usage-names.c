/*
 * usage-names.c - readable names for HID usage pages and usages
 *
 * The tables below follow the HID Usage Tables (HUT 1.5, checked against the
 * machine-readable HUT 1.7 tables, which only add to it).  Each name is the
 * HUT name with every blank-separated word capitalised and everything but
 * letters and digits dropped: "Off-Hook" -> "OffHook", "Answer On/Off" ->
 * "AnswerOnOff", "D-pad Up" -> "DpadUp".  A few names keep a leading digit
 * ("7SegmentDirectMap"); none is all digits or starts with "0x", so
 * usage_parse() can tell names from numbers.  Tables are sorted by id and
 * searched with bsearch(); the tests walk them through usage_foreach() to
 * keep them sorted and unique.
 */
#include "usage-names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct usage_desc {
	uint16_t id;
	const char *name;
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Generic Desktop (0x01): the whole page, it is small and widely used. */
static const struct usage_desc generic_desktop[] = {
	{ 0x01, "Pointer" },
	{ 0x02, "Mouse" },

	{ 0x04, "Joystick" },
	{ 0x05, "Gamepad" },
	{ 0x06, "Keyboard" },
	{ 0x07, "Keypad" },
	{ 0x08, "MultiaxisController" },
	{ 0x09, "TabletPCSystemControls" },
	{ 0x0a, "WaterCoolingDevice" },
	{ 0x0b, "ComputerChassisDevice" },
	{ 0x0c, "WirelessRadioControls" },
	{ 0x0d, "PortableDeviceControl" },
	{ 0x0e, "SystemMultiAxisController" },
	{ 0x0f, "SpatialController" },
	{ 0x10, "AssistiveControl" },
	{ 0x11, "DeviceDock" },
	{ 0x12, "DockableDevice" },
	{ 0x13, "CallStateManagementControl" },

	{ 0x30, "X" },
	{ 0x31, "Y" },
	{ 0x32, "Z" },
	{ 0x33, "Rx" },
	{ 0x34, "Ry" },
	{ 0x35, "Rz" },
	{ 0x36, "Slider" },
	{ 0x37, "Dial" },
	{ 0x38, "Wheel" },
	{ 0x39, "HatSwitch" },
	{ 0x3a, "CountedBuffer" },
	{ 0x3b, "ByteCount" },
	{ 0x3c, "MotionWakeup" },
	{ 0x3d, "Start" },
	{ 0x3e, "Select" },

	{ 0x40, "Vx" },
	{ 0x41, "Vy" },
	{ 0x42, "Vz" },
	{ 0x43, "Vbrx" },
	{ 0x44, "Vbry" },
	{ 0x45, "Vbrz" },
	{ 0x46, "Vno" },
	{ 0x47, "FeatureNotification" },
	{ 0x48, "ResolutionMultiplier" },
	{ 0x49, "Qx" },
	{ 0x4a, "Qy" },
	{ 0x4b, "Qz" },
	{ 0x4c, "Qw" },

	{ 0x80, "SystemControl" },
	{ 0x81, "SystemPowerDown" },
	{ 0x82, "SystemSleep" },
	{ 0x83, "SystemWakeUp" },
	{ 0x84, "SystemContextMenu" },
	{ 0x85, "SystemMainMenu" },
	{ 0x86, "SystemAppMenu" },
	{ 0x87, "SystemMenuHelp" },
	{ 0x88, "SystemMenuExit" },
	{ 0x89, "SystemMenuSelect" },
	{ 0x8a, "SystemMenuRight" },
	{ 0x8b, "SystemMenuLeft" },
	{ 0x8c, "SystemMenuUp" },
	{ 0x8d, "SystemMenuDown" },
	{ 0x8e, "SystemColdRestart" },
	{ 0x8f, "SystemWarmRestart" },
	{ 0x90, "DpadUp" },
	{ 0x91, "DpadDown" },
	{ 0x92, "DpadRight" },
	{ 0x93, "DpadLeft" },
	{ 0x94, "IndexTrigger" },
	{ 0x95, "PalmTrigger" },
	{ 0x96, "Thumbstick" },
	{ 0x97, "SystemFunctionShift" },
	{ 0x98, "SystemFunctionShiftLock" },
	{ 0x99, "SystemFunctionShiftLockIndicator" },
	{ 0x9a, "SystemDismissNotification" },
	{ 0x9b, "SystemDoNotDisturb" },

	{ 0xa0, "SystemDock" },
	{ 0xa1, "SystemUndock" },
	{ 0xa2, "SystemSetup" },
	{ 0xa3, "SystemBreak" },
	{ 0xa4, "SystemDebuggerBreak" },
	{ 0xa5, "ApplicationBreak" },
	{ 0xa6, "ApplicationDebuggerBreak" },
	{ 0xa7, "SystemSpeakerMute" },
	{ 0xa8, "SystemHibernate" },
	{ 0xa9, "SystemMicrophoneMute" },
	{ 0xaa, "SystemAccessibilityBinding" },

	{ 0xb0, "SystemDisplayInvert" },
	{ 0xb1, "SystemDisplayInternal" },
	{ 0xb2, "SystemDisplayExternal" },
	{ 0xb3, "SystemDisplayBoth" },
	{ 0xb4, "SystemDisplayDual" },
	{ 0xb5, "SystemDisplayToggleIntExtMode" },
	{ 0xb6, "SystemDisplaySwapPrimarySecondary" },
	{ 0xb7, "SystemDisplayToggleLCDAutoscale" },

	{ 0xc0, "SensorZone" },
	{ 0xc1, "RPM" },
	{ 0xc2, "CoolantLevel" },
	{ 0xc3, "CoolantCriticalLevel" },
	{ 0xc4, "CoolantPump" },
	{ 0xc5, "ChassisEnclosure" },
	{ 0xc6, "WirelessRadioButton" },
	{ 0xc7, "WirelessRadioLED" },
	{ 0xc8, "WirelessRadioSliderSwitch" },
	{ 0xc9, "SystemDisplayRotationLockButton" },
	{ 0xca, "SystemDisplayRotationLockSliderSwitch" },
	{ 0xcb, "ControlEnable" },

	{ 0xd0, "DockableDeviceUniqueID" },
	{ 0xd1, "DockableDeviceVendorID" },
	{ 0xd2, "DockableDevicePrimaryUsagePage" },
	{ 0xd3, "DockableDevicePrimaryUsageID" },
	{ 0xd4, "DockableDeviceDockingState" },
	{ 0xd5, "DockableDeviceDisplayOcclusion" },
	{ 0xd6, "DockableDeviceObjectType" },

	{ 0xe0, "CallActiveLED" },
	{ 0xe1, "CallMuteToggle" },
	{ 0xe2, "CallMuteLED" },
};

/* LED (0x08): every usage. */
static const struct usage_desc led[] = {
	{ 0x01, "NumLock" },
	{ 0x02, "CapsLock" },
	{ 0x03, "ScrollLock" },
	{ 0x04, "Compose" },
	{ 0x05, "Kana" },
	{ 0x06, "Power" },
	{ 0x07, "Shift" },
	{ 0x08, "DoNotDisturb" },
	{ 0x09, "Mute" },
	{ 0x0a, "ToneEnable" },
	{ 0x0b, "HighCutFilter" },
	{ 0x0c, "LowCutFilter" },
	{ 0x0d, "EqualizerEnable" },
	{ 0x0e, "SoundFieldOn" },
	{ 0x0f, "SurroundOn" },
	{ 0x10, "Repeat" },
	{ 0x11, "Stereo" },
	{ 0x12, "SamplingRateDetect" },
	{ 0x13, "Spinning" },
	{ 0x14, "CAV" },
	{ 0x15, "CLV" },
	{ 0x16, "RecordingFormatDetect" },
	{ 0x17, "OffHook" },
	{ 0x18, "Ring" },
	{ 0x19, "MessageWaiting" },
	{ 0x1a, "DataMode" },
	{ 0x1b, "BatteryOperation" },
	{ 0x1c, "BatteryOK" },
	{ 0x1d, "BatteryLow" },
	{ 0x1e, "Speaker" },
	{ 0x1f, "Headset" },
	{ 0x20, "Hold" },
	{ 0x21, "Microphone" },
	{ 0x22, "Coverage" },
	{ 0x23, "NightMode" },
	{ 0x24, "SendCalls" },
	{ 0x25, "CallPickup" },
	{ 0x26, "Conference" },
	{ 0x27, "Standby" },
	{ 0x28, "CameraOn" },
	{ 0x29, "CameraOff" },
	{ 0x2a, "OnLine" },
	{ 0x2b, "OffLine" },
	{ 0x2c, "Busy" },
	{ 0x2d, "Ready" },
	{ 0x2e, "PaperOut" },
	{ 0x2f, "PaperJam" },
	{ 0x30, "Remote" },
	{ 0x31, "Forward" },
	{ 0x32, "Reverse" },
	{ 0x33, "Stop" },
	{ 0x34, "Rewind" },
	{ 0x35, "FastForward" },
	{ 0x36, "Play" },
	{ 0x37, "Pause" },
	{ 0x38, "Record" },
	{ 0x39, "Error" },
	{ 0x3a, "UsageSelectedIndicator" },
	{ 0x3b, "UsageInUseIndicator" },
	{ 0x3c, "UsageMultiModeIndicator" },
	{ 0x3d, "IndicatorOn" },
	{ 0x3e, "IndicatorFlash" },
	{ 0x3f, "IndicatorSlowBlink" },
	{ 0x40, "IndicatorFastBlink" },
	{ 0x41, "IndicatorOff" },
	{ 0x42, "FlashOnTime" },
	{ 0x43, "SlowBlinkOnTime" },
	{ 0x44, "SlowBlinkOffTime" },
	{ 0x45, "FastBlinkOnTime" },
	{ 0x46, "FastBlinkOffTime" },
	{ 0x47, "UsageIndicatorColor" },
	{ 0x48, "IndicatorRed" },
	{ 0x49, "IndicatorGreen" },
	{ 0x4a, "IndicatorAmber" },
	{ 0x4b, "GenericIndicator" },
	{ 0x4c, "SystemSuspend" },
	{ 0x4d, "ExternalPowerConnected" },
	{ 0x4e, "IndicatorBlue" },
	{ 0x4f, "IndicatorOrange" },
	{ 0x50, "GoodStatus" },
	{ 0x51, "WarningStatus" },
	{ 0x52, "RGBLED" },
	{ 0x53, "RedLEDChannel" },
	{ 0x54, "BlueLEDChannel" },
	{ 0x55, "GreenLEDChannel" },
	{ 0x56, "LEDIntensity" },
	{ 0x57, "SystemMicrophoneMute" },

	{ 0x60, "PlayerIndicator" },
	{ 0x61, "Player1" },
	{ 0x62, "Player2" },
	{ 0x63, "Player3" },
	{ 0x64, "Player4" },
	{ 0x65, "Player5" },
	{ 0x66, "Player6" },
	{ 0x67, "Player7" },
	{ 0x68, "Player8" },
};

/* Telephony Device (0x0B): every usage. */
static const struct usage_desc telephony[] = {
	{ 0x001, "Phone" },
	{ 0x002, "AnsweringMachine" },
	{ 0x003, "MessageControls" },
	{ 0x004, "Handset" },
	{ 0x005, "Headset" },
	{ 0x006, "TelephonyKeyPad" },
	{ 0x007, "ProgrammableButton" },

	{ 0x020, "HookSwitch" },
	{ 0x021, "Flash" },
	{ 0x022, "Feature" },
	{ 0x023, "Hold" },
	{ 0x024, "Redial" },
	{ 0x025, "Transfer" },
	{ 0x026, "Drop" },
	{ 0x027, "Park" },
	{ 0x028, "ForwardCalls" },
	{ 0x029, "AlternateFunction" },
	{ 0x02a, "Line" },
	{ 0x02b, "SpeakerPhone" },
	{ 0x02c, "Conference" },
	{ 0x02d, "RingEnable" },
	{ 0x02e, "RingSelect" },
	{ 0x02f, "PhoneMute" },
	{ 0x030, "CallerID" },
	{ 0x031, "Send" },

	{ 0x050, "SpeedDial" },
	{ 0x051, "StoreNumber" },
	{ 0x052, "RecallNumber" },
	{ 0x053, "PhoneDirectory" },

	{ 0x070, "VoiceMail" },
	{ 0x071, "ScreenCalls" },
	{ 0x072, "DoNotDisturb" },
	{ 0x073, "Message" },
	{ 0x074, "AnswerOnOff" },

	{ 0x090, "InsideDialTone" },
	{ 0x091, "OutsideDialTone" },
	{ 0x092, "InsideRingTone" },
	{ 0x093, "OutsideRingTone" },
	{ 0x094, "PriorityRingTone" },
	{ 0x095, "InsideRingback" },
	{ 0x096, "PriorityRingback" },
	{ 0x097, "LineBusyTone" },
	{ 0x098, "ReorderTone" },
	{ 0x099, "CallWaitingTone" },
	{ 0x09a, "ConfirmationTone1" },
	{ 0x09b, "ConfirmationTone2" },
	{ 0x09c, "TonesOff" },
	{ 0x09d, "OutsideRingback" },
	{ 0x09e, "Ringer" },

	{ 0x0b0, "PhoneKey0" },
	{ 0x0b1, "PhoneKey1" },
	{ 0x0b2, "PhoneKey2" },
	{ 0x0b3, "PhoneKey3" },
	{ 0x0b4, "PhoneKey4" },
	{ 0x0b5, "PhoneKey5" },
	{ 0x0b6, "PhoneKey6" },
	{ 0x0b7, "PhoneKey7" },
	{ 0x0b8, "PhoneKey8" },
	{ 0x0b9, "PhoneKey9" },
	{ 0x0ba, "PhoneKeyStar" },
	{ 0x0bb, "PhoneKeyPound" },
	{ 0x0bc, "PhoneKeyA" },
	{ 0x0bd, "PhoneKeyB" },
	{ 0x0be, "PhoneKeyC" },
	{ 0x0bf, "PhoneKeyD" },
	{ 0x0c0, "PhoneCallHistoryKey" },
	{ 0x0c1, "PhoneCallerIDKey" },
	{ 0x0c2, "PhoneSettingsKey" },

	{ 0x0f0, "HostControl" },
	{ 0x0f1, "HostAvailable" },
	{ 0x0f2, "HostCallActive" },
	{ 0x0f3, "ActivateHandsetAudio" },
	{ 0x0f4, "RingType" },
	{ 0x0f5, "RedialablePhoneNumber" },

	{ 0x0f8, "StopRingTone" },
	{ 0x0f9, "PSTNRingTone" },
	{ 0x0fa, "HostRingTone" },
	{ 0x0fb, "AlertSoundError" },
	{ 0x0fc, "AlertSoundConfirm" },
	{ 0x0fd, "AlertSoundNotification" },
	{ 0x0fe, "SilentRing" },

	{ 0x108, "EmailMessageWaiting" },
	{ 0x109, "VoicemailMessageWaiting" },
	{ 0x10a, "HostHold" },

	{ 0x110, "IncomingCallHistoryCount" },
	{ 0x111, "OutgoingCallHistoryCount" },
	{ 0x112, "IncomingCallHistory" },
	{ 0x113, "OutgoingCallHistory" },
	{ 0x114, "PhoneLocale" },

	{ 0x140, "PhoneTimeSecond" },
	{ 0x141, "PhoneTimeMinute" },
	{ 0x142, "PhoneTimeHour" },
	{ 0x143, "PhoneDateDay" },
	{ 0x144, "PhoneDateMonth" },
	{ 0x145, "PhoneDateYear" },
	{ 0x146, "HandsetNickname" },
	{ 0x147, "AddressBookID" },

	{ 0x14a, "CallDuration" },
	{ 0x14b, "DualModePhone" },
};

/*
 * Consumer (0x0C): the part a phone or headset may report - device
 * collections, menus, media selection (incl. telephone and call), transport
 * keys, Voice Command and capture toggles, audio controls, the application
 * launch (AL) keys, the AC keys around find/search/navigation, yes/no,
 * reply/send and soft keys, and the contact (phone book) usages.
 */
static const struct usage_desc consumer[] = {
	{ 0x001, "ConsumerControl" },
	{ 0x002, "NumericKeyPad" },
	{ 0x003, "ProgrammableButtons" },
	{ 0x004, "Microphone" },
	{ 0x005, "Headphone" },
	{ 0x006, "GraphicEqualizer" },
	{ 0x007, "KeyboardBacklight" },

	/* HUT "+10" and "+100": digits alone would read as an id */
	{ 0x020, "Plus10" },
	{ 0x021, "Plus100" },
	{ 0x022, "AMPM" },

	{ 0x030, "Power" },
	{ 0x031, "Reset" },
	{ 0x032, "Sleep" },
	{ 0x033, "SleepAfter" },
	{ 0x034, "SleepMode" },
	{ 0x035, "Illumination" },
	{ 0x036, "FunctionButtons" },

	{ 0x040, "Menu" },
	{ 0x041, "MenuPick" },
	{ 0x042, "MenuUp" },
	{ 0x043, "MenuDown" },
	{ 0x044, "MenuLeft" },
	{ 0x045, "MenuRight" },
	{ 0x046, "MenuEscape" },
	{ 0x047, "MenuValueIncrease" },
	{ 0x048, "MenuValueDecrease" },

	{ 0x060, "DataOnScreen" },
	{ 0x061, "ClosedCaption" },
	{ 0x062, "ClosedCaptionSelect" },
	{ 0x063, "VCRTV" },
	{ 0x064, "BroadcastMode" },
	{ 0x065, "Snapshot" },
	{ 0x066, "Still" },

	{ 0x080, "Selection" },
	{ 0x081, "AssignSelection" },
	{ 0x082, "ModeStep" },
	{ 0x083, "RecallLast" },
	{ 0x084, "EnterChannel" },
	{ 0x085, "OrderMovie" },
	{ 0x086, "Channel" },
	{ 0x087, "MediaSelection" },
	{ 0x088, "MediaSelectComputer" },
	{ 0x089, "MediaSelectTV" },
	{ 0x08a, "MediaSelectWWW" },
	{ 0x08b, "MediaSelectDVD" },
	{ 0x08c, "MediaSelectTelephone" },
	{ 0x08d, "MediaSelectProgramGuide" },
	{ 0x08e, "MediaSelectVideoPhone" },
	{ 0x08f, "MediaSelectGames" },
	{ 0x090, "MediaSelectMessages" },
	{ 0x091, "MediaSelectCD" },
	{ 0x092, "MediaSelectVCR" },
	{ 0x093, "MediaSelectTuner" },
	{ 0x094, "Quit" },
	{ 0x095, "Help" },
	{ 0x096, "MediaSelectTape" },
	{ 0x097, "MediaSelectCable" },
	{ 0x098, "MediaSelectSatellite" },
	{ 0x099, "MediaSelectSecurity" },
	{ 0x09a, "MediaSelectHome" },
	{ 0x09b, "MediaSelectCall" },
	{ 0x09c, "ChannelIncrement" },
	{ 0x09d, "ChannelDecrement" },
	{ 0x09e, "MediaSelectSAP" },

	{ 0x0a0, "VCRPlus" },
	{ 0x0a1, "Once" },
	{ 0x0a2, "Daily" },
	{ 0x0a3, "Weekly" },
	{ 0x0a4, "Monthly" },

	{ 0x0b0, "Play" },
	{ 0x0b1, "Pause" },
	{ 0x0b2, "Record" },
	{ 0x0b3, "FastForward" },
	{ 0x0b4, "Rewind" },
	{ 0x0b5, "ScanNextTrack" },
	{ 0x0b6, "ScanPreviousTrack" },
	{ 0x0b7, "Stop" },
	{ 0x0b8, "Eject" },
	{ 0x0b9, "RandomPlay" },
	{ 0x0ba, "SelectDisc" },
	{ 0x0bb, "EnterDisc" },
	{ 0x0bc, "Repeat" },
	{ 0x0bd, "Tracking" },
	{ 0x0be, "TrackNormal" },
	{ 0x0bf, "SlowTracking" },
	{ 0x0c0, "FrameForward" },
	{ 0x0c1, "FrameBack" },
	{ 0x0c2, "Mark" },
	{ 0x0c3, "ClearMark" },
	{ 0x0c4, "RepeatFromMark" },
	{ 0x0c5, "ReturnToMark" },
	{ 0x0c6, "SearchMarkForward" },
	{ 0x0c7, "SearchMarkBackwards" },
	{ 0x0c8, "CounterReset" },
	{ 0x0c9, "ShowCounter" },
	{ 0x0ca, "TrackingIncrement" },
	{ 0x0cb, "TrackingDecrement" },
	{ 0x0cc, "StopEject" },
	{ 0x0cd, "PlayPause" },
	{ 0x0ce, "PlaySkip" },
	{ 0x0cf, "VoiceCommand" },
	{ 0x0d0, "InvokeCaptureInterface" },
	{ 0x0d1, "StartOrStopGameRecording" },
	{ 0x0d2, "HistoricalGameCapture" },
	{ 0x0d3, "CaptureGameScreenshot" },
	{ 0x0d4, "ShowOrHideRecordingIndicator" },
	{ 0x0d5, "StartOrStopMicrophoneCapture" },
	{ 0x0d6, "StartOrStopCameraCapture" },
	{ 0x0d7, "StartOrStopGameBroadcast" },
	{ 0x0d8, "StartOrStopVoiceDictationSession" },
	{ 0x0d9, "InvokeDismissEmojiPicker" },

	{ 0x0e0, "Volume" },
	{ 0x0e1, "Balance" },
	{ 0x0e2, "Mute" },
	{ 0x0e3, "Bass" },
	{ 0x0e4, "Treble" },
	{ 0x0e5, "BassBoost" },
	{ 0x0e6, "SurroundMode" },
	{ 0x0e7, "Loudness" },
	{ 0x0e8, "MPX" },
	{ 0x0e9, "VolumeIncrement" },
	{ 0x0ea, "VolumeDecrement" },

	{ 0x150, "BalanceRight" },
	{ 0x151, "BalanceLeft" },
	{ 0x152, "BassIncrement" },
	{ 0x153, "BassDecrement" },
	{ 0x154, "TrebleIncrement" },
	{ 0x155, "TrebleDecrement" },

	{ 0x180, "ApplicationLaunchButtons" },
	{ 0x181, "ALLaunchButtonConfigurationTool" },
	{ 0x182, "ALProgrammableButtonConfiguration" },
	{ 0x183, "ALConsumerControlConfiguration" },
	{ 0x184, "ALWordProcessor" },
	{ 0x185, "ALTextEditor" },
	{ 0x186, "ALSpreadsheet" },
	{ 0x187, "ALGraphicsEditor" },
	{ 0x188, "ALPresentationApp" },
	{ 0x189, "ALDatabaseApp" },
	{ 0x18a, "ALEmailReader" },
	{ 0x18b, "ALNewsreader" },
	{ 0x18c, "ALVoicemail" },
	{ 0x18d, "ALContactsAddressBook" },
	{ 0x18e, "ALCalendarSchedule" },
	{ 0x18f, "ALTaskProjectManager" },
	{ 0x190, "ALLogJournalTimecard" },
	{ 0x191, "ALCheckbookFinance" },
	{ 0x192, "ALCalculator" },
	{ 0x193, "ALAVCapturePlayback" },
	{ 0x194, "ALLocalMachineBrowser" },
	{ 0x195, "ALLANWANBrowser" },
	{ 0x196, "ALInternetBrowser" },
	{ 0x197, "ALRemoteNetworkingISPConnect" },
	{ 0x198, "ALNetworkConference" },
	{ 0x199, "ALNetworkChat" },
	{ 0x19a, "ALTelephonyDialer" },
	{ 0x19b, "ALLogon" },
	{ 0x19c, "ALLogoff" },
	{ 0x19d, "ALLogonLogoff" },
	{ 0x19e, "ALTerminalLockScreensaver" },
	{ 0x19f, "ALControlPanel" },
	{ 0x1a0, "ALCommandLineProcessorRun" },
	{ 0x1a1, "ALProcessTaskManager" },
	{ 0x1a2, "ALSelectTaskApplication" },
	{ 0x1a3, "ALNextTaskApplication" },
	{ 0x1a4, "ALPreviousTaskApplication" },
	{ 0x1a5, "ALPreemptiveHaltTaskApplication" },
	{ 0x1a6, "ALIntegratedHelpCenter" },
	{ 0x1a7, "ALDocuments" },
	{ 0x1a8, "ALThesaurus" },
	{ 0x1a9, "ALDictionary" },
	{ 0x1aa, "ALDesktop" },
	{ 0x1ab, "ALSpellCheck" },
	{ 0x1ac, "ALGrammarCheck" },
	{ 0x1ad, "ALWirelessStatus" },
	{ 0x1ae, "ALKeyboardLayout" },
	{ 0x1af, "ALVirusProtection" },
	{ 0x1b0, "ALEncryption" },
	{ 0x1b1, "ALScreenSaver" },
	{ 0x1b2, "ALAlarms" },
	{ 0x1b3, "ALClock" },
	{ 0x1b4, "ALFileBrowser" },
	{ 0x1b5, "ALPowerStatus" },
	{ 0x1b6, "ALImageBrowser" },
	{ 0x1b7, "ALAudioBrowser" },
	{ 0x1b8, "ALMovieBrowser" },
	{ 0x1b9, "ALDigitalRightsManager" },
	{ 0x1ba, "ALDigitalWallet" },

	{ 0x1bc, "ALInstantMessaging" },
	{ 0x1bd, "ALOEMFeaturesTipsTutorialBrowser" },
	{ 0x1be, "ALOEMHelp" },
	{ 0x1bf, "ALOnlineCommunity" },
	{ 0x1c0, "ALEntertainmentContentBrowser" },
	{ 0x1c1, "ALOnlineShoppingBrowser" },
	{ 0x1c2, "ALSmartCardInformationHelp" },
	{ 0x1c3, "ALMarketMonitorFinanceBrowser" },
	{ 0x1c4, "ALCustomizedCorporateNewsBrowser" },
	{ 0x1c5, "ALOnlineActivityBrowser" },
	{ 0x1c6, "ALResearchSearchBrowser" },
	{ 0x1c7, "ALAudioPlayer" },
	{ 0x1c8, "ALMessageStatus" },
	{ 0x1c9, "ALContactSync" },
	{ 0x1ca, "ALNavigation" },
	{ 0x1cb, "ALContextawareDesktopAssistant" },

	{ 0x220, "ACFindAndReplace" },
	{ 0x221, "ACSearch" },
	{ 0x222, "ACGoTo" },
	{ 0x223, "ACHome" },
	{ 0x224, "ACBack" },
	{ 0x225, "ACForward" },
	{ 0x226, "ACStop" },
	{ 0x227, "ACRefresh" },
	{ 0x228, "ACPreviousLink" },
	{ 0x229, "ACNextLink" },
	{ 0x22a, "ACBookmarks" },
	{ 0x22b, "ACHistory" },
	{ 0x22c, "ACSubscriptions" },
	{ 0x22d, "ACZoomIn" },
	{ 0x22e, "ACZoomOut" },
	{ 0x22f, "ACZoom" },
	{ 0x230, "ACFullScreenView" },

	{ 0x25d, "ACYes" },
	{ 0x25e, "ACNo" },
	{ 0x25f, "ACCancel" },

	{ 0x289, "ACReply" },
	{ 0x28a, "ACReplyAll" },
	{ 0x28b, "ACForwardMsg" },
	{ 0x28c, "ACSend" },

	{ 0x2a0, "ACSoftKeyLeft" },
	{ 0x2a1, "ACSoftKeyRight" },

	{ 0x500, "ContactEdited" },
	{ 0x501, "ContactAdded" },
	{ 0x502, "ContactRecordActive" },
	{ 0x503, "ContactIndex" },
	{ 0x504, "ContactNickname" },
	{ 0x505, "ContactFirstName" },
	{ 0x506, "ContactLastName" },
	{ 0x507, "ContactFullName" },
	{ 0x508, "ContactPhoneNumberPersonal" },
	{ 0x509, "ContactPhoneNumberBusiness" },
	{ 0x50a, "ContactPhoneNumberMobile" },
	{ 0x50b, "ContactPhoneNumberPager" },
	{ 0x50c, "ContactPhoneNumberFax" },
	{ 0x50d, "ContactPhoneNumberOther" },
	{ 0x50e, "ContactEmailPersonal" },
	{ 0x50f, "ContactEmailBusiness" },
	{ 0x510, "ContactEmailOther" },
	{ 0x511, "ContactEmailMain" },
	{ 0x512, "ContactSpeedDialNumber" },
	{ 0x513, "ContactStatusFlag" },
	{ 0x514, "ContactMisc" },
	{ 0x515, "KeyboardBrightnessNext" },
	{ 0x516, "KeyboardBrightnessPrevious" },
	{ 0x517, "KeyboardBacklightLevelSuggestion" },
};

/* Alphanumeric (Auxiliary) Display (0x14): every usage. */
static const struct usage_desc alphanumeric_display[] = {
	{ 0x01, "AlphanumericDisplay" },
	{ 0x02, "AuxiliaryDisplay" },

	{ 0x20, "DisplayAttributesReport" },
	{ 0x21, "ASCIICharacterSet" },
	{ 0x22, "DataReadBack" },
	{ 0x23, "FontReadBack" },
	{ 0x24, "DisplayControlReport" },
	{ 0x25, "ClearDisplay" },
	{ 0x26, "DisplayEnable" },
	{ 0x27, "ScreenSaverDelay" },
	{ 0x28, "ScreenSaverEnable" },
	{ 0x29, "VerticalScroll" },
	{ 0x2a, "HorizontalScroll" },
	{ 0x2b, "CharacterReport" },
	{ 0x2c, "DisplayData" },
	{ 0x2d, "DisplayStatus" },
	{ 0x2e, "StatNotReady" },
	{ 0x2f, "StatReady" },
	{ 0x30, "ErrNotALoadableCharacter" },
	{ 0x31, "ErrFontDataCannotBeRead" },
	{ 0x32, "CursorPositionReport" },
	{ 0x33, "Row" },
	{ 0x34, "Column" },
	{ 0x35, "Rows" },
	{ 0x36, "Columns" },
	{ 0x37, "CursorPixelPositioning" },
	{ 0x38, "CursorMode" },
	{ 0x39, "CursorEnable" },
	{ 0x3a, "CursorBlink" },
	{ 0x3b, "FontReport" },
	{ 0x3c, "FontData" },
	{ 0x3d, "CharacterWidth" },
	{ 0x3e, "CharacterHeight" },
	{ 0x3f, "CharacterSpacingHorizontal" },
	{ 0x40, "CharacterSpacingVertical" },
	{ 0x41, "UnicodeCharacterSet" },
	{ 0x42, "Font7Segment" },
	{ 0x43, "7SegmentDirectMap" },
	{ 0x44, "Font14Segment" },
	{ 0x45, "14SegmentDirectMap" },
	{ 0x46, "DisplayBrightness" },
	{ 0x47, "DisplayContrast" },
	{ 0x48, "CharacterAttribute" },
	{ 0x49, "AttributeReadback" },
	{ 0x4a, "AttributeData" },
	{ 0x4b, "CharAttrEnhance" },
	{ 0x4c, "CharAttrUnderline" },
	{ 0x4d, "CharAttrBlink" },

	{ 0x80, "BitmapSizeX" },
	{ 0x81, "BitmapSizeY" },
	{ 0x82, "MaxBlitSize" },
	{ 0x83, "BitDepthFormat" },
	{ 0x84, "DisplayOrientation" },
	{ 0x85, "PaletteReport" },
	{ 0x86, "PaletteDataSize" },
	{ 0x87, "PaletteDataOffset" },
	{ 0x88, "PaletteData" },

	{ 0x8a, "BlitReport" },
	{ 0x8b, "BlitRectangleX1" },
	{ 0x8c, "BlitRectangleY1" },
	{ 0x8d, "BlitRectangleX2" },
	{ 0x8e, "BlitRectangleY2" },
	{ 0x8f, "BlitData" },
	{ 0x90, "SoftButton" },
	{ 0x91, "SoftButtonID" },
	{ 0x92, "SoftButtonSide" },
	{ 0x93, "SoftButtonOffset1" },
	{ 0x94, "SoftButtonOffset2" },
	{ 0x95, "SoftButtonReport" },

	{ 0xc2, "SoftKeys" },

	{ 0xcc, "DisplayDataExtensions" },

	{ 0xcf, "CharacterMapping" },

	{ 0xdd, "UnicodeEquivalent" },

	{ 0xdf, "CharacterPageMapping" },

	{ 0xff, "RequestReport" },
};

struct page_desc {
	uint16_t page;
	/* Button, Ordinal, Monitor Enumerated: usage N is just "N" in HUT */
	bool numbered;
	const char *name;
	/* HUT's own name where ours is shorter; accepted by usage_parse() */
	const char *alias;
	const struct usage_desc *usages;
	size_t count;
};

#define TABLE(t) (t), COUNT(t)
#define NO_TABLE NULL, 0

/* Every page of the HUT usage page summary, sorted by page id. */
static const struct page_desc pages[] = {
	{ UP_GENERIC_DESKTOP, false, "GenericDesktop", NULL, TABLE(generic_desktop) },
	{ UP_SIMULATION_CONTROLS, false, "SimulationControls", NULL, NO_TABLE },
	{ UP_VR_CONTROLS, false, "VRControls", NULL, NO_TABLE },
	{ UP_SPORT_CONTROLS, false, "SportControls", NULL, NO_TABLE },
	{ UP_GAME_CONTROLS, false, "GameControls", NULL, NO_TABLE },
	{ UP_GENERIC_DEVICE_CONTROLS, false, "GenericDeviceControls", NULL, NO_TABLE },
	{ UP_KEYBOARD, false, "Keyboard", "KeyboardKeypad", NO_TABLE },
	{ UP_LED, false, "LED", NULL, TABLE(led) },
	{ UP_BUTTON, true, "Button", NULL, NO_TABLE },
	{ UP_ORDINAL, true, "Ordinal", NULL, NO_TABLE },
	{ UP_TELEPHONY, false, "Telephony", "TelephonyDevice", TABLE(telephony) },
	{ UP_CONSUMER, false, "Consumer", NULL, TABLE(consumer) },
	{ UP_DIGITIZERS, false, "Digitizers", NULL, NO_TABLE },
	{ UP_HAPTICS, false, "Haptics", NULL, NO_TABLE },
	{ UP_PHYSICAL_INPUT_DEVICE, false, "PhysicalInputDevice", NULL, NO_TABLE },
	{ UP_UNICODE, false, "Unicode", NULL, NO_TABLE },
	{ UP_SOC, false, "SoC", NULL, NO_TABLE },
	{ UP_EYE_HEAD_TRACKERS, false, "EyeAndHeadTrackers", NULL, NO_TABLE },
	{ UP_ALPHANUMERIC_DISPLAY, false, "AlphanumericDisplay", "AuxiliaryDisplay",
	  TABLE(alphanumeric_display) },
	{ UP_SENSORS, false, "Sensors", NULL, NO_TABLE },
	{ UP_MEDICAL_INSTRUMENT, false, "MedicalInstrument", NULL, NO_TABLE },
	{ UP_BRAILLE_DISPLAY, false, "BrailleDisplay", NULL, NO_TABLE },
	{ UP_LIGHTING_ILLUMINATION, false, "LightingAndIllumination", NULL, NO_TABLE },
	{ UP_MONITOR, false, "Monitor", NULL, NO_TABLE },
	{ UP_MONITOR_ENUMERATED, true, "MonitorEnumerated", NULL, NO_TABLE },
	{ UP_VESA_VIRTUAL_CONTROLS, false, "VESAVirtualControls", NULL, NO_TABLE },
	{ UP_POWER, false, "Power", NULL, NO_TABLE },
	{ UP_BATTERY_SYSTEM, false, "BatterySystem", NULL, NO_TABLE },
	{ UP_BARCODE_SCANNER, false, "BarcodeScanner", NULL, NO_TABLE },
	{ UP_SCALES, false, "Scales", NULL, NO_TABLE },
	{ UP_MAGNETIC_STRIPE_READER, false, "MagneticStripeReader", NULL, NO_TABLE },
	{ UP_CAMERA_CONTROL, false, "CameraControl", NULL, NO_TABLE },
	{ UP_ARCADE, false, "Arcade", NULL, NO_TABLE },
	{ UP_GAMING_DEVICE, false, "GamingDevice", NULL, NO_TABLE },
	{ UP_FIDO_ALLIANCE, false, "FIDOAlliance", NULL, NO_TABLE },
};

/* bsearch() comparators: the key is the bare uint16_t id being looked up. */
static int cmp_page(const void *key, const void *elem)
{
	uint16_t k = *(const uint16_t *)key;
	uint16_t e = ((const struct page_desc *)elem)->page;

	return (k > e) - (k < e);
}

static int cmp_usage(const void *key, const void *elem)
{
	uint16_t k = *(const uint16_t *)key;
	uint16_t e = ((const struct usage_desc *)elem)->id;

	return (k > e) - (k < e);
}

static const struct page_desc *find_page(uint16_t page)
{
	return bsearch(&page, pages, COUNT(pages), sizeof(pages[0]), cmp_page);
}

static const char *find_usage(const struct page_desc *p, uint16_t id)
{
	const struct usage_desc *u;

	/* bsearch() with a NULL base is undefined even for zero elements */
	if (!p->count)
		return NULL;
	u = bsearch(&id, p->usages, p->count, sizeof(p->usages[0]), cmp_usage);
	return u ? u->name : NULL;
}

bool usage_page_is_vendor(uint16_t page)
{
	return page >= UP_VENDOR_FIRST;
}

const char *usage_page_name(uint16_t page)
{
	const struct page_desc *p = find_page(page);

	return p ? p->name : NULL;
}

const char *usage_name(uint32_t usage)
{
	const struct page_desc *p = find_page(USAGE_PAGE(usage));

	if (!p || p->numbered)
		return NULL;
	return find_usage(p, USAGE_ID(usage));
}

int usage_page_format(uint16_t page, char *buf, size_t size)
{
	const char *name = usage_page_name(page);

	if (usage_page_is_vendor(page))
		return snprintf(buf, size, "Vendor.0x%04x", (unsigned)page);
	if (name)
		return snprintf(buf, size, "%s", name);
	return snprintf(buf, size, "0x%04x", (unsigned)page);
}

int usage_format(uint32_t usage, char *buf, size_t size)
{
	uint16_t page = USAGE_PAGE(usage);
	unsigned id = USAGE_ID(usage);
	const struct page_desc *p = find_page(page);
	const char *name;

	if (usage_page_is_vendor(page))
		return snprintf(buf, size, "Vendor.0x%04x.0x%04x", (unsigned)page, id);
	if (!p)
		return snprintf(buf, size, "0x%04x.0x%04x", (unsigned)page, id);
	if (p->numbered)
		return snprintf(buf, size, "%s.%u", p->name, id);
	name = find_usage(p, (uint16_t)id);
	if (name)
		return snprintf(buf, size, "%s.%s", p->name, name);
	return snprintf(buf, size, "%s.0x%04x", p->name, id);
}

/*
 * Parsing works on (pointer, length) tokens so the input is never copied.
 * Case folding is by hand, ASCII only: names are ASCII and the result must
 * not depend on the locale.
 */
static char fold(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool token_is(const char *s, size_t len, const char *name)
{
	size_t i;

	if (!name)
		return false;
	for (i = 0; i < len; i++)
		if (!name[i] || fold(s[i]) != fold(name[i]))
			return false;
	return name[len] == '\0';
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = fold(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * "0x" and 1..max_digits hex digits, nothing else.  Limiting the digit
 * count, not only the value, keeps overlong input from being accepted by
 * accident (strtoul() would also take blanks, signs and wrap-around).
 */
static int parse_hex(const char *s, size_t len, size_t max_digits, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;

	if (len < 3 || len - 2 > max_digits || s[0] != '0' || fold(s[1]) != 'x')
		return -EINVAL;
	for (i = 2; i < len; i++) {
		int d = hex_digit(s[i]);

		if (d < 0)
			return -EINVAL;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}

/* 1..5 decimal digits up to 65535, for the numbered pages. */
static int parse_dec16(const char *s, size_t len, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;

	if (len < 1 || len > 5)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v > 0xffff)
		return -EINVAL;
	*out = v;
	return 0;
}

static const struct page_desc *find_page_by_name(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < COUNT(pages); i++)
		if (token_is(s, len, pages[i].name) || token_is(s, len, pages[i].alias))
			return &pages[i];
	return NULL;
}

/* The usage part, which runs to the end of the text; p is NULL for pages we have no entry for. */
static int parse_id(const struct page_desc *p, const char *s, uint32_t *out)
{
	size_t len = strlen(s);
	size_t i;

	if (len >= 2 && s[0] == '0' && fold(s[1]) == 'x')
		return parse_hex(s, len, 4, out);
	if (p && p->numbered)
		return parse_dec16(s, len, out);
	for (i = 0; p && i < p->count; i++) {
		if (token_is(s, len, p->usages[i].name)) {
			*out = p->usages[i].id;
			return 0;
		}
	}
	return -EINVAL;
}

static const char *next_sep(const char *s)
{
	return strpbrk(s, ".:");
}

int usage_parse(const char *text, uint32_t *usage)
{
	const struct page_desc *p = NULL;
	const char *sep, *id_text;
	uint32_t page, id;

	if (!text || !usage)
		return -EINVAL;

	sep = next_sep(text);
	if (!sep) {
		/* bare 32-bit form: "0x000b0020" */
		if (parse_hex(text, strlen(text), 8, &id))
			return -EINVAL;
		*usage = id;
		return 0;
	}

	id_text = sep + 1;
	if (token_is(text, (size_t)(sep - text), "Vendor")) {
		/* "Vendor.0xff30.0x0020": the page number follows the word */
		sep = next_sep(id_text);
		if (!sep || parse_hex(id_text, (size_t)(sep - id_text), 4, &page) ||
		    !usage_page_is_vendor((uint16_t)page))
			return -EINVAL;
		id_text = sep + 1;
	} else if (!parse_hex(text, (size_t)(sep - text), 4, &page)) {
		/* a known page may be given by number, then names still work */
		p = find_page((uint16_t)page);
	} else {
		p = find_page_by_name(text, (size_t)(sep - text));
		if (!p)
			return -EINVAL;
		page = p->page;
	}

	if (next_sep(id_text) || parse_id(p, id_text, &id))
		return -EINVAL;
	*usage = USAGE(page, id);
	return 0;
}

int usage_page_foreach(usage_page_visit_fn fn, void *data)
{
	size_t i;
	int ret;

	for (i = 0; i < COUNT(pages); i++) {
		ret = fn(pages[i].page, pages[i].name, data);
		if (ret)
			return ret;
	}
	return 0;
}

int usage_foreach(usage_visit_fn fn, void *data)
{
	size_t i, j;
	int ret;

	for (i = 0; i < COUNT(pages); i++) {
		for (j = 0; j < pages[i].count; j++) {
			const struct usage_desc *u = &pages[i].usages[j];

			ret = fn(USAGE(pages[i].page, u->id), u->name, data);
			if (ret)
				return ret;
		}
	}
	return 0;
}
