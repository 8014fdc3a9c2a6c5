/*
 * The phone model of one device: what it has (hook switches, buttons, lamps, ringer), where
 * each lives in its reports, how input reports turn into semantic events, and how the whole
 * desired output state turns back into reports.
 *
 * Built from the report descriptor alone (devices/telephony-map.c finds the controls); this
 * layer knows nothing of TSPI handles or callbacks. It does number buttons and lamps the way
 * TAPI numbers them, because those ids are part of what a device model *is* to its users:
 *
 *   ids 0-9   keypad digits, 10 '*', 11 '#', 12-15 keys A-D (reserved whether present or not)
 *   ids 16..  every other button and lamp, in canonical usage order (page, then id), so a
 *             model always gets the same ids whatever order its descriptor lists them in;
 *             a button and the lamp that shows its state share one id (Phone Mute and the
 *             Mute LED, Hold and the Hold LED, ...), as TAPI's button/lamp pairs expect.
 */
#ifndef HIDPHONE_PHONE_MODEL_H
#define HIDPHONE_PHONE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/profile.h"
#include "hid/rdesc.h"

#define PHONE_KEYPAD_IDS 16u
#define PHONE_MAX_IDS 128u

enum phone_hook_device {
	PHONE_HOOK_HANDSET = 0,
	PHONE_HOOK_SPEAKER = 1,
	PHONE_HOOK_HEADSET = 2,
};
#define PHONE_HOOK_DEVICES 3

/* How an on/off input reports its state (HID Usage Tables, "On/Off Control" types). */
enum phone_input_style {
	PHONE_INPUT_ABSOLUTE,   /* 1 while on / pressed, 0 while off / released */
	PHONE_INPUT_TOGGLE,     /* a 1 pulse flips the state (Relative flag set) */
};

/* Where one on/off control or array lives. */
struct phone_place {
	const struct rdesc_field *field;
	uint8_t report_id;
	uint8_t kind;           /* enum rdesc_kind */
};

/* How a lamp lights beyond on and off, when its LED has a multi-mode indicator. */
enum phone_lamp_blink {
	PHONE_LAMP_STEADY = 0,
	PHONE_LAMP_FLASH,       /* Indicator Flash */
	PHONE_LAMP_SLOW_BLINK,  /* Indicator Slow Blink */
	PHONE_LAMP_FAST_BLINK,  /* Indicator Fast Blink */
};

struct phone_button {
	uint32_t id;
	uint32_t usage;         /* usage of the button, 0 for a lamp without a button */
	uint32_t lamp_usage;    /* usage of the lamp sharing the id, 0 for none */
	bool has_input;
	bool one_shot;          /* relative: reports presses only; the release is implied */
	bool keypad;
	struct phone_place input;    /* variable field, or the array listing the key */
	struct phone_place lamp;     /* output field of the lamp (on/off), or none */
	struct phone_place lamp_mode;/* its multi-mode indicator's selector array, or none */
	char label[PROFILE_MAX_LABEL];  /* a profile's AttrButtonLabels text, "" for none */
	bool function_set;           /* a profile's AttrButtonFunctions gave function */
	uint32_t function;           /* PHONEBUTTONFUNCTION_ value, when function_set */
};

struct phone_hook {
	bool present;
	bool settable;                  /* has an output that tells the device (Off-Hook LED, ...) */
	enum phone_input_style style;
	uint32_t usage;
	struct phone_place input;
	struct phone_place output;      /* the LED/output driven when the host sets the state */
};

/*
 * An Alphanumeric Display (HID 1.11, A.8): text is written by setting the cursor (Row,
 * Column in the Cursor Position Report) and sending Display Data in Character Reports. Its
 * size comes from the descriptor: the cursor fields' logical ranges.
 */
#define PHONE_DISPLAY_MAX_ROWS 16u
#define PHONE_DISPLAY_MAX_COLUMNS 256u

struct phone_display {
	bool present;
	uint32_t rows, columns;
	const struct rdesc_field *row, *column;  /* Cursor Position Report */
	const struct rdesc_field *data;          /* Display Data of the Character Report */
};

/* The whole desired output state: the model builds every output report from it. */
struct phone_output_state {
	bool lamp_on[PHONE_MAX_IDS];
	uint8_t lamp_blink[PHONE_MAX_IDS];   /* enum phone_lamp_blink, while lamp_on */
	bool ringing;
	bool hook_offhook[PHONE_HOOK_DEVICES];
	/*
	 * The Off-Hook LED of the hook switch (offhook_lamp_id) shows lamp_on, not the hook's
	 * state: an application set it as a lamp.
	 */
	bool offhook_lamp_app;
};

/* A semantic input event. */
struct phone_input_event {
	enum { PHONE_EVENT_HOOK, PHONE_EVENT_BUTTON } type;
	enum phone_hook_device hook;   /* PHONE_EVENT_HOOK */
	bool offhook;
	uint32_t button;               /* PHONE_EVENT_BUTTON: id */
	bool down;
};

/* Input state remembered between reports, to turn levels into edges. */
struct phone_input_state {
	bool hook_offhook[PHONE_HOOK_DEVICES];
	bool hook_pressed[PHONE_HOOK_DEVICES];  /* toggle hook switches: the last level seen */
	bool button_down[PHONE_MAX_IDS];
};

/*
 * Which profile sections matched the device and what each of their keys did, in words, for
 * phonectl describe and the provider's log.
 */
struct phone_profile_info {
	bool looked;                      /* profiles were consulted (phone_model_build_device) */
	size_t n_matched;
	char matched[PROFILE_MAX_MATCHED][400];       /* "[Name] FILE:LINE" */
	uint32_t applied;                             /* 1 << enum profile_key */
	char origin[PROFILE_KEY_COUNT][400];          /* "FILE:LINE [Name]" */
	char value[PROFILE_KEY_COUNT][96];            /* as written */
	char effect[PROFILE_KEY_COUNT][160];          /* what it changed, or why nothing */
	size_t n_errors;                              /* bad profile files, skipped */
	char errors[PROFILE_MAX_ERRORS][384];
};

struct phone_model {
	struct rdesc *desc;
	uint32_t collection_usage;        /* the telephony top-level collection */
	struct phone_hook hooks[PHONE_HOOK_DEVICES];
	size_t n_buttons;
	struct phone_button buttons[PHONE_MAX_IDS]; /* indexed by id; id >= n_ids unused */
	uint32_t n_ids;                   /* ids 0..n_ids-1 exist (dummies included) */
	struct phone_place ringer;        /* Telephony Ringer output, field NULL if none */
	struct phone_display display;
	uint32_t ring_lamp_id;            /* the Ring LED's id, PHONE_MAX_IDS if none */
	/*
	 * The lamp of the Off-Hook LED that also confirms the hook switch offhook_hook (the
	 * echo's), PHONE_MAX_IDS if none; it is the last id.
	 */
	uint32_t offhook_lamp_id;
	enum phone_hook_device offhook_hook;
	size_t max_input_bytes;
	/*
	 * The profile's values. The model itself honours AttrHookSwitch, AttrKeypadIdle,
	 * AttrIgnoreUsages, AttrButtonLabels/Functions (on the buttons), AttrDisplaySize and
	 * AttrDisplayPage; the rest are for the layers above (see the accessors below): the
	 * provider reads AttrOffHookEcho, AttrOffHookAckWindow, AttrLampBlink and
	 * AttrInitReports (tsp/phone-io.c) and button labels and functions
	 * (tsp/button-info.c), and AttrRinger (tsp/phone-audio.c).
	 */
	struct profile_values quirks;
	struct phone_profile_info profile;
};

/* Who drives the Off-Hook LED when the device reports a hook change (AttrOffHookEcho). */
enum phone_offhook_echo {
	PHONE_ECHO_ECHO,         /* the provider confirms it at once (the default) */
	PHONE_ECHO_APPLICATION,  /* the application confirms it through phoneSetHookSwitch */
	PHONE_ECHO_NONE,         /* nobody: the device needs no confirmation */
};

/*
 * Builds the model of a device from its report descriptor bytes. Returns -ENODEV when the
 * descriptor has no telephony collection, -EINVAL for a malformed one.
 */
int phone_model_build(const uint8_t *rdesc, size_t len, struct phone_model **out);
void phone_model_free(struct phone_model *model);

/*
 * The same for a known device, with the profiles that match it applied: set is the parsed
 * profiles, or NULL to read them from profile_default_dirs(). dev->descriptor_hash is
 * computed here. Bad profile files are skipped (model->profile.errors says which and why);
 * a device no profile matches gets the model phone_model_build gives.
 */
int phone_model_build_device(const uint8_t *rdesc, size_t len, const struct profile_device *dev,
			     const struct profile_set *set, struct phone_model **out);

/* AttrOffHookEcho and AttrOffHookAckWindow (ms; 0 without), for the provider's I/O. */
enum phone_offhook_echo phone_model_offhook_echo(const struct phone_model *m);
uint32_t phone_model_ack_window_ms(const struct phone_model *m);

/*
 * AttrRinger: audio when the phone rings through its audio device, not a HID output; hid
 * when it rings through its HID outputs only, never its sound card. Without the key the
 * provider rings through the sound card when the phone has no Telephony Ringer.
 */
bool phone_model_rings_through_audio(const struct phone_model *m);
bool phone_model_rings_through_hid(const struct phone_model *m);

/* AttrLampBlink=host: WINK, FLASH and FLUTTER are to be timed by the host. */
bool phone_model_host_timed_lamps(const struct phone_model *m);

/*
 * The AttrInitReports, in order, for the provider to write at each open (a reconnected
 * device is a new phone, opened again): emit gets each report's id, its bytes as on the
 * wire (hid/transport.h) and its kind (output: written; feature: set).
 * Returns 0 (also with none) or the first negative value emit returned.
 */
int phone_model_encode_init(const struct phone_model *m,
			    int (*emit)(uint8_t id, const uint8_t *report, size_t len,
					enum rdesc_kind kind, void *ctx),
			    void *ctx);

const struct phone_button *phone_model_button(const struct phone_model *m, uint32_t id);

/* Whether the lamp of b can show blink (its multi-mode indicator lists the selector). */
bool phone_model_lamp_can(const struct phone_model *m, const struct phone_button *b,
			  enum phone_lamp_blink blink);

/* A lamp exists when there is an on/off LED or a multi-mode indicator for it. */
static inline bool phone_button_has_lamp(const struct phone_button *b)
{
	return b->lamp.field || b->lamp_mode.field;
}

/*
 * Decodes one input report, as on the wire (the report id first when the descriptor
 * numbers its reports), as transport_read() gives it, against
 * the previous input state. Writes at most max events and returns how many there were;
 * reports that carry no telephony control give 0.
 */
int phone_model_decode(const struct phone_model *m, struct phone_input_state *state,
		       const uint8_t *report, size_t len, struct phone_input_event *events,
		       size_t max);

/*
 * The output reports that carry any controlled output, each rebuilt from the whole state:
 * calls emit(id, report, len, ctx) for each, report as on the wire (hid/transport.h: the
 * id byte first only when the descriptor numbers its reports; id 0 when it does not). A
 * report is never sent with one bit set and the rest zeroed when the rest has a state of
 * its own. Returns 0 or the first negative value emit returned.
 */
int phone_model_encode(const struct phone_model *m, const struct phone_output_state *state,
		       int (*emit)(uint8_t id, const uint8_t *report, size_t len, void *ctx),
		       void *ctx);

/*
 * Writes rows x columns characters (text, row after row) to the display: for each run of
 * characters a Character Report fits, the cursor report then the characters. emit gets
 * each report as phone_model_encode() gives them, and its kind: output reports are
 * written, feature reports set. Returns 0, -ENODEV without a display, or the first error
 * emit returned.
 */
int phone_model_encode_display(const struct phone_model *m, const uint8_t *text,
			       int (*emit)(uint8_t id, const uint8_t *report, size_t len,
					   enum rdesc_kind kind, void *ctx),
			       void *ctx);

#endif
