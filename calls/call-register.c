/* Registration of a line at its registrar (libre's sipreg): REGISTER with digest
 * authentication, refreshed and retried by libre, removed when the line goes. */
#include "calls/call-internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define REG_EXPIRES 600 /* seconds asked of the registrar; libre refreshes before */

/* Digest credentials for the registrar (and a proxy that challenges our INVITEs). The
 * password goes to libre only; it is never logged. */
int cline_auth(char **user, char **pass, const char *realm, void *arg)
{
	struct cline *line = arg;
	int err;

	(void)realm;
	if (!line->cfg.password[0])
		return EAUTH;
	err = str_dup(user, line->user);
	if (!err)
		err = str_dup(pass, line->cfg.password);
	if (err)
		*user = mem_deref(*user);
	return err;
}

static void reg_resp(int err, const struct sip_msg *msg, void *arg)
{
	struct cline *line = arg;
	uint16_t scode = msg ? msg->scode : 0;
	bool ok = !err && scode >= 200 && scode < 300;

	if (scode && scode < 200)
		return; /* provisional */
	if (ok != line->registered || !ok)
		call_log(line->e, ok ? 1 : 0, "line %s: %s at %s%s%s (%u)", line->cfg.name,
			 ok ? "registered" : "registration failed", line->cfg.registrar,
			 err ? ": " : "", err ? strerror(err) : "", scode);
	line->registered = ok;
	if (line->e->ev.registration)
		line->e->ev.registration(line, ok, scode, err, line->e->arg);
}

int cline_register(struct cline *line)
{
	struct sip_addr addr;
	struct pl pl;
	struct sa dst;
	int err;

	pl_set_str(&pl, line->cfg.registrar);
	if (uri_decode(&addr.uri, &pl) || !pl_isset(&addr.uri.host) ||
	    sa_set(&dst, &addr.uri.host, 0))
		return EINVAL; /* numeric hosts only: no DNS client */
	if (sa_af(&dst) == AF_INET6)
		re_snprintf(line->aor, sizeof(line->aor), "sip:%s@[%r]", line->user,
			    &addr.uri.host);
	else
		re_snprintf(line->aor, sizeof(line->aor), "sip:%s@%r", line->user,
			    &addr.uri.host);
	err = sipreg_register(&line->reg, line->sip, line->cfg.registrar, line->aor, NULL,
			      line->aor, REG_EXPIRES, line->user, NULL, 0, 0, cline_auth, line,
			      false, reg_resp, line, NULL, NULL);
	return err;
}
