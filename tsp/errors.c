/*
 * The one place where internal errors (negative errno values from hid/ and devices/) become
 * TAPI error codes. Argument checks in the TSPI functions return their specific PHONEERR_
 * codes directly; this covers what goes wrong below them.
 */
#include <errno.h>

#include "errors.h"

LONG tsp_phone_error(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return 0;
	case ENOMEM:
		return PHONEERR_NOMEM;
	case EACCES:
	case EPERM:
	case EBUSY:
	case EAGAIN:
		/* the device is there, but not ours to use now (permissions, another user) */
		return PHONEERR_RESOURCEUNAVAIL;
	case EOPNOTSUPP:
	case ENOSYS:
		return PHONEERR_OPERATIONUNAVAIL;
	default:
		/* EIO, ENODEV (unplugged under us), EPIPE, ETIMEDOUT, ... */
		return PHONEERR_OPERATIONFAILED;
	}
}

LONG tsp_line_error(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return 0;
	case ENOMEM:
		return LINEERR_NOMEM;
	case EACCES:
	case EPERM:
	case EBUSY:
	case EAGAIN:
		return LINEERR_RESOURCEUNAVAIL;
	default:
		return LINEERR_OPERATIONFAILED;
	}
}
