/*
 * Registration of a line at its registrar (libre's sipreg): REGISTER with digest
 * authentication, refreshed and retried by libre, removed when the line goes.
 *
 * A registrar given by name (registrar = sip:pbx.example.org) is looked up off the loop
 * (call-resolve.c, as the URIs a line calls) and the REGISTER goes to its address; the
 * address of record keeps the name. The name is looked up again after each registration's
 * final response (each refresh and each failure libre retries): when it points elsewhere,
 * the line registers there. A name that cannot be looked up is logged and tried again on
 * a back-off like libre's for failed registrations: 30 s, doubling up to 30 min, each
 * wait less up to half of it at random (so many phones do not ask at once).
 */
#include "calls/call-internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define REG_EXPIRES 600 /* seconds asked of the registrar; libre refreshes before */
#define REG_RETRY_MAX_MS (1800u * 1000u)

uint32_t call_register_retry_ms = 30 * 1000;

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

static void lookup(struct cline *line);

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
	/* A name: where it points now, for the next REGISTER. */
	if (line->reg_by_name && !line->reg_resolve)
		lookup(line);
	if (line->e->ev.registration)
		line->e->ev.registration(line, ok, scode, err, line->e->arg);
}

/* REGISTERs go to target: the registrar's URI, its host numeric. */
static int register_at(struct cline *line, const char *target)
{
	line->reg = mem_deref(line->reg); /* an earlier address: unregistered there */
	return sipreg_register(&line->reg, line->sip, target, line->aor, NULL, line->aor,
			       REG_EXPIRES, line->user, NULL, 0, 0, cline_auth, line, false,
			       reg_resp, line, NULL, NULL);
}

/* The wait after the n-th failed lookup in a row: 30 s doubling, at most 30 min, 50-100 %. */
static uint32_t retry_ms(unsigned fails)
{
	uint64_t ms = (uint64_t)call_register_retry_ms << (fails < 7 ? fails - 1 : 6);

	if (ms > REG_RETRY_MAX_MS)
		ms = REG_RETRY_MAX_MS;
	return (uint32_t)(ms / 2 + ms * (rand_u16() % 501) / 1000);
}

static void retry(void *arg)
{
	lookup(arg);
}

static void resolved(int err, const struct sa *addr, void *arg)
{
	struct cline *line = arg;
	char target[sizeof(line->cfg.registrar) + 64], where[64];
	uint32_t wait;

	line->reg_resolve = NULL;
	if (!err) {
		line->reg_fails = 0;
		if (line->reg && sa_cmp(addr, &line->reg_addr, SA_ALL))
			return; /* where it was */
		err = cresolve_uri_at(target, sizeof(target), line->cfg.registrar, addr);
		if (!err)
			err = -register_at(line, target);
		if (!err) {
			re_snprintf(where, sizeof(where), "%j", addr);
			call_log(line->e, sa_isset(&line->reg_addr, SA_ADDR) ? 1 : 2,
				 "line %s: registrar %s is at %s", line->cfg.name,
				 line->cfg.registrar, where);
			line->reg_addr = *addr;
			return;
		}
	}
	/* Registered at the address it had: libre keeps that up; the name is looked up
	 * again after its next response. */
	if (line->reg) {
		re_snprintf(where, sizeof(where), "%j", &line->reg_addr);
		call_log(line->e, 2, "line %s: registrar %s not looked up again (%s); "
			 "staying at %s", line->cfg.name, line->cfg.registrar,
			 strerror(-err), where);
		return;
	}
	wait = retry_ms(++line->reg_fails);
	call_log(line->e, 0, "line %s: registration failed: registrar %s: %s; trying again "
		 "in %u s", line->cfg.name, line->cfg.registrar,
		 err == -ENOENT ? "no such host" : err == -EAGAIN ?
		 "the name service did not answer" : strerror(-err), (wait + 999) / 1000);
	tmr_start(&line->reg_tmr, wait, retry, line);
	if (line->e->ev.registration)
		line->e->ev.registration(line, false, 0, -err, line->e->arg);
}

static void lookup(struct cline *line)
{
	struct sip_addr a;
	struct pl pl;
	char host[256];
	int err;

	pl_set_str(&pl, line->cfg.registrar);
	if (sip_addr_decode(&a, &pl)) {
		resolved(-EINVAL, NULL, line);
		return;
	}
	pl_strcpy(&a.uri.host, host, sizeof(host));
	err = cresolve_start(&line->reg_resolve, host, sa_af(&line->laddr), resolved, line);
	if (err)
		resolved(err, NULL, line);
}

int cline_register(struct cline *line)
{
	struct sip_addr addr;
	struct pl pl;
	struct sa dst;

	pl_set_str(&pl, line->cfg.registrar);
	if (sip_addr_decode(&addr, &pl) || !pl_isset(&addr.uri.host))
		return EINVAL;
	line->reg_by_name = sa_set(&dst, &addr.uri.host, 0) != 0;
	if (line->reg_by_name && !cresolve_host_ok(&addr.uri.host))
		return EINVAL;
	if (!line->reg_by_name && sa_af(&dst) == AF_INET6)
		re_snprintf(line->aor, sizeof(line->aor), "sip:%s@[%r]", line->user,
			    &addr.uri.host);
	else
		re_snprintf(line->aor, sizeof(line->aor), "sip:%s@%r", line->user,
			    &addr.uri.host);
	if (!line->reg_by_name)
		return register_at(line, line->cfg.registrar);
	lookup(line);
	return 0;
}

void cline_unregister(struct cline *line)
{
	tmr_cancel(&line->reg_tmr);
	cresolve_cancel(line->reg_resolve);
	line->reg_resolve = NULL;
	line->reg = mem_deref(line->reg); /* unregisters (expires 0) while the stack lives */
}
