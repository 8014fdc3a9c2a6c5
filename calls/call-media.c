/* A call's media: one RTP/RTCP socket pair, the SDP offer/answer (PCMU, PCMA at 20 ms and
 * telephone-event), a 20 ms send timer on the loop and RFC 4733 events both ways. */
#include "calls/call-internal.h"
#include "calls/media-hist.h"
#include "calls/media-port.h"
#include "loop/thread-latency.h"

#include <errno.h>
#include <netinet/in.h>
#include <rem.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define PT_PCMU 0
#define PT_PCMA 8
#define PT_TELEV 101
struct cmedia {
	struct le le;                 /* in the list of all media, to map ICMP errors back */
	struct call *call;
	struct rtp_sock *rtp;
	struct sdp_session *sdp;
	struct sdp_media *sdpm;
	struct media_port *port;
	struct telev *telev;
	struct tmr tmr_tx, tmr_rx;
	int tfd;                      /* the 20 ms send clock, -1: libre timer instead */
	struct sa raddr;
	const struct call_line_config *cfg;
	int pt_tx;                    /* negotiated audio payload type, -1 before */
	int pt_telev_tx;              /* the far end's telephone-event payload type, -1: none */
	bool running;
	bool muted;                   /* the port's audio is read and silence sent instead */
	uint32_t ts, ts_telev;
	uint64_t t0_ms, ticks, last_tx_us, last_rx_us;
	uint64_t t0_us, expired;      /* the timerfd's first expiry; expirations read so far */
	unsigned icmp_errors;
	struct call_stats st;
	struct media_hist dev;        /* send interval's deviation from 20 ms */
	struct media_hist late;       /* send time behind the frame's due time (timerfd) */
};

static struct list all_media; /* loop thread only */
bool call_media_clock_timerfd = true;

static void media_destructor(void *arg)
{
	struct cmedia *m = arg;

	tmr_cancel(&m->tmr_tx);
	tmr_cancel(&m->tmr_rx);
	if (m->tfd >= 0) {
		fd_close(m->tfd);
		close(m->tfd);
	}
	list_unlink(&m->le);
	m->rtp = mem_deref(m->rtp);
	m->sdp = mem_deref(m->sdp);
	m->telev = mem_deref(m->telev);
	media_port_close(m->port);
}

static void rtp_recv(const struct sa *src, const struct rtp_header *hdr, struct mbuf *mb,
		     void *arg)
{
	struct cmedia *m = arg;
	int16_t frame[MEDIA_FRAME];
	size_t i, n;

	/* Only the far end's address may speak into the call (its port may differ behind a
	 * NAT): anyone else could otherwise inject audio or DTMF. */
	if (!sa_isset(&m->raddr, SA_ADDR) || !sa_cmp(src, &m->raddr, SA_ADDR)) {
		m->st.rx_bad++;
		return;
	}
	m->last_rx_us = call_now_us();
	m->icmp_errors = 0;
	m->st.rtp_rx++;
	if (hdr->pt == PT_TELEV || (m->pt_telev_tx >= 0 && hdr->pt == m->pt_telev_tx)) {
		int event;
		bool end;

		if (!telev_recv(m->telev, mb, &event, &end) && !end) {
			int digit = telev_code2digit(event);

			if (digit > 0) {
				m->st.dtmf_rx++;
				call_media_digit(m->call, (char)digit);
			}
		}
		return;
	}
	if (hdr->pt != PT_PCMU && hdr->pt != PT_PCMA) {
		m->st.rx_bad++;
		return;
	}
	n = mbuf_get_left(mb);
	if (n > MEDIA_FRAME)
		n = MEDIA_FRAME;
	for (i = 0; i < n; i++) {
		uint8_t b = mb->buf[mb->pos + i];

		frame[i] = hdr->pt == PT_PCMU ? g711_ulaw2pcm(b) : g711_alaw2pcm(b);
	}
	for (; i < MEDIA_FRAME; i++)
		frame[i] = 0;
	if (m->port)
		m->port->ops->write(m->port, frame);
}

static void rtcp_recv(const struct sa *src, struct rtcp_msg *msg, void *arg)
{
	struct cmedia *m = arg;

	(void)msg;
	/* RTCP proves the far end is there even when it sends no audio (on hold). */
	if (sa_isset(&m->raddr, SA_ADDR) && sa_cmp(src, &m->raddr, SA_ADDR))
		m->last_rx_us = call_now_us();
}

/* ICMP port unreachable on the RTP socket: the far end's process is gone. */
static void rtp_error(int err, void *arg)
{
	struct le *le;

	(void)err;
	LIST_FOREACH(&all_media, le) {
		struct cmedia *m = le->data;

		if (m->rtp == arg || rtp_sock(m->rtp) == arg) {
			if (m->running && ++m->icmp_errors >= 3)
				call_media_lost(m->call);
			return;
		}
	}
}

static void record_interval(struct cmedia *m, uint64_t now)
{
	if (m->last_tx_us) {
		uint64_t iv = now - m->last_tx_us;

		media_hist_add(&m->dev, iv > 20000 ? iv - 20000 : 20000 - iv);
	}
	m->last_tx_us = now;
}

static void send_frame(struct cmedia *m)
{
	uint8_t hdrspace[RTP_HEADER_SIZE + MEDIA_FRAME];
	struct mbuf mb = { .buf = hdrspace, .size = sizeof(hdrspace) };
	int16_t frame[MEDIA_FRAME];
	bool marker = false;
	size_t i;

	mb.pos = mb.end = RTP_HEADER_SIZE;
	if (m->pt_telev_tx >= 0 && telev_poll(m->telev, &marker, &mb) == 0) {
		if (marker)
			m->ts_telev = m->ts;
		mb.pos = RTP_HEADER_SIZE;
		if (!rtp_send(m->rtp, &m->raddr, false, marker, (uint8_t)m->pt_telev_tx,
			      m->ts_telev, &mb))
			m->st.rtp_tx++;
		/* The port's audio is consumed and not sent while an event plays. */
		if (m->port)
			m->port->ops->read(m->port, frame);
		m->ts += MEDIA_FRAME;
		return;
	}
	if (m->port)
		m->port->ops->read(m->port, frame);
	/* Muted, the port is still read (a capture device must not overrun) and its audio
	 * dropped: RTP keeps flowing, so the far end's media timeout does not end the call. */
	if (!m->port || m->muted)
		memset(frame, 0, sizeof(frame));
	for (i = 0; i < MEDIA_FRAME; i++)
		hdrspace[RTP_HEADER_SIZE + i] = m->pt_tx == PT_PCMA ? g711_pcm2alaw(frame[i])
								    : g711_pcm2ulaw(frame[i]);
	mb.pos = RTP_HEADER_SIZE;
	mb.end = RTP_HEADER_SIZE + MEDIA_FRAME;
	if (!rtp_send(m->rtp, &m->raddr, false, m->ticks == 1, (uint8_t)m->pt_tx, m->ts, &mb))
		m->st.rtp_tx++;
	m->ts += MEDIA_FRAME;
}

/* The send clock. A timerfd on the loop (fd_listen) wakes it on the microsecond; libre's
 * own timers have millisecond resolution and measured a p99 deviation of about 2 ms on
 * loopback (make bench), so they are only the fallback when timerfd is unavailable. The
 * fallback keeps an absolute 20 ms schedule so errors do not add up. */
static void tx_tick(void *arg)
{
	struct cmedia *m = arg;
	uint64_t now_ms = tmr_jiffies(), next;

	m->ticks++;
	send_frame(m);
	record_interval(m, call_now_us());
	next = m->t0_ms + (m->ticks + 1) * MEDIA_PTIME_MS;
	if (next <= now_ms) {
		m->t0_ms = now_ms - m->ticks * MEDIA_PTIME_MS;
		next = now_ms + MEDIA_PTIME_MS;
	}
	tmr_start(&m->tmr_tx, next - now_ms, tx_tick, m);
}

static void tfd_tick(int flags, void *arg)
{
	struct cmedia *m = arg;
	uint64_t expirations = 0, n, now, due;

	(void)flags;
	if (read(m->tfd, &expirations, sizeof(expirations)) != sizeof(expirations) ||
	    !expirations)
		return;
	m->expired += expirations;
	/* The frames go out before the tick does anything else. A loop that was late sends
	 * the frames it owes (the far end's jitter buffer takes a short burst); beyond 100 ms
	 * they are skipped and the timestamp keeps real time. */
	for (n = 0; n < expirations && n < 5; n++) {
		m->ticks++;
		send_frame(m);
	}
	if (expirations > n)
		m->ts += (uint32_t)((expirations - n) * MEDIA_FRAME);
	/* Measured when the packet has been handed to the kernel: what the far end sees. */
	now = call_now_us();
	record_interval(m, now);
	/* Behind the oldest frame this tick owed: a missed tick counts in full. */
	due = m->t0_us + (m->expired - expirations) * MEDIA_PTIME_MS * 1000;
	media_hist_add(&m->late, now > due ? now - due : 0);
}

/* The timerfd runs on an absolute schedule: frame k is due at t0 + k × 20 ms on the
 * monotonic clock, however late any one wake-up was, so lateness never adds up (the kernel
 * counts the expirations a late reader missed). */
static int start_clock(struct cmedia *m)
{
	struct itimerspec its = { .it_interval = { 0, MEDIA_PTIME_MS * 1000000L } };

	/* The thread that keeps the clock must wake on time, also on a busy machine. */
	(void)loop_thread_short_slice();
	m->t0_us = call_now_us() + MEDIA_PTIME_MS * 1000;
	m->expired = 0;
	its.it_value.tv_sec = (time_t)(m->t0_us / 1000000u);
	its.it_value.tv_nsec = (long)(m->t0_us % 1000000u) * 1000;
	if (m->tfd >= 0 && !timerfd_settime(m->tfd, TFD_TIMER_ABSTIME, &its, NULL) &&
	    !fd_listen(m->tfd, FD_READ, tfd_tick, m))
		return 0;
	if (m->tfd >= 0) {
		close(m->tfd);
		m->tfd = -1;
	}
	m->t0_ms = tmr_jiffies();
	tmr_start(&m->tmr_tx, MEDIA_PTIME_MS, tx_tick, m);
	return 0;
}

static void stop_clock(struct cmedia *m)
{
	struct itimerspec off = { { 0, 0 }, { 0, 0 } };

	tmr_cancel(&m->tmr_tx);
	if (m->tfd >= 0) {
		fd_close(m->tfd);
		(void)timerfd_settime(m->tfd, 0, &off, NULL);
	}
}

static void rx_check(void *arg)
{
	struct cmedia *m = arg;

	if (m->cfg->media_timeout_ms &&
	    call_now_us() - m->last_rx_us > (uint64_t)m->cfg->media_timeout_ms * 1000) {
		call_media_lost(m->call);
		return;
	}
	tmr_start(&m->tmr_rx, 200, rx_check, m);
}

int cmedia_alloc(struct cmedia **mp, struct call *call, const struct call_line_config *cfg,
		 const struct sa *laddr)
{
	struct cmedia *m;
	struct sa sdp_addr;
	int err;

	m = mem_zalloc(sizeof(*m), media_destructor);
	if (!m)
		return -ENOMEM;
	m->call = call;
	m->cfg = cfg;
	m->pt_tx = -1;
	m->pt_telev_tx = -1;
	m->tfd = call_media_clock_timerfd ? timerfd_create(CLOCK_MONOTONIC,
							    TFD_NONBLOCK | TFD_CLOEXEC) : -1;
	tmr_init(&m->tmr_tx);
	tmr_init(&m->tmr_rx);
	list_append(&all_media, &m->le, m);

	err = rtp_listen(&m->rtp, IPPROTO_UDP, laddr, cfg->rtp_port_min, cfg->rtp_port_max,
			 true, rtp_recv, rtcp_recv, m);
	if (err)
		goto out;
	udp_error_handler_set(rtp_sock(m->rtp), rtp_error);
	{
		/* Unconnected UDP sockets hear of ICMP errors only with IP_RECVERR: then a
		 * far end whose process died shows as ECONNREFUSED within a few packets. */
		int one = 1;

		(void)udp_setsockopt(rtp_sock(m->rtp), IPPROTO_IP, IP_RECVERR, &one,
				     sizeof(one));
	}

	/* Bound to the any-address, the SDP names the address the default route leaves by. */
	sa_cpy(&sdp_addr, laddr);
	if (sa_is_any(laddr) && net_default_source_addr_get(sa_af(laddr), &sdp_addr))
		sa_cpy(&sdp_addr, laddr);
	err = sdp_session_alloc(&m->sdp, &sdp_addr);
	if (err)
		goto out;
	err = sdp_media_add(&m->sdpm, m->sdp, "audio", sa_port(rtp_local(m->rtp)), "RTP/AVP");
	if (err)
		goto out;
	err = sdp_format_add(NULL, m->sdpm, false, "0", "PCMU", 8000, 1, NULL, NULL, NULL,
			     false, NULL);
	err |= sdp_format_add(NULL, m->sdpm, false, "8", "PCMA", 8000, 1, NULL, NULL, NULL,
			      false, NULL);
	err |= sdp_format_add(NULL, m->sdpm, false, "101", telev_rtpfmt, 8000, 1, NULL, NULL,
			      NULL, false, "0-15");
	err |= sdp_media_set_lattr(m->sdpm, true, "ptime", "%u", MEDIA_PTIME_MS);
	if (err)
		goto out;
	err = telev_alloc(&m->telev, MEDIA_PTIME_MS);
	if (err)
		goto out;
	/* The phone's audio device is opened when the media starts (cmedia_start), not while
	 * the call rings: ringing may play on that very device. */
	if (cfg->media != CALL_MEDIA_PHONE)
		err = media_port_open(cfg->media, &m->port);
	if (err) {
		err = -err;
		goto out;
	}
out:
	if (err) {
		mem_deref(m);
		return -err;
	}
	*mp = m;
	return 0;
}

void cmedia_free(struct cmedia *m)
{
	mem_deref(m);
}

int cmedia_encode(struct cmedia *m, struct mbuf **mbp, bool offer)
{
	return -sdp_encode(mbp, m->sdp, offer);
}

/* The first of the far end's formats that is G.711, by name, or by its static payload
 * type when it has no rtpmap (RFC 3551 lets 0 and 8 go without one). */
static int pick_codec(const struct sdp_media *sm)
{
	struct le *le;

	LIST_FOREACH(sdp_media_format_lst(sm, false), le) {
		const struct sdp_format *f = le->data;

		if (f->name && f->srate && f->srate != 8000)
			continue;
		if (f->name ? !strcasecmp(f->name, "PCMU") : f->pt == PT_PCMU)
			return PT_PCMU;
		if (f->name ? !strcasecmp(f->name, "PCMA") : f->pt == PT_PCMA)
			return PT_PCMA;
	}
	return -1;
}

int cmedia_decode(struct cmedia *m, struct mbuf *mb, bool offer)
{
	const struct sdp_format *fmt;
	int err;

	err = sdp_decode(m->sdp, mb, offer);
	if (err)
		return -err;
	m->pt_tx = pick_codec(m->sdpm);
	if (m->pt_tx < 0 || sdp_media_rport(m->sdpm) == 0 ||
	    !sa_isset(sdp_media_raddr(m->sdpm), SA_ALL))
		return -EPROTO;
	fmt = sdp_media_rformat(m->sdpm, telev_rtpfmt);
	m->pt_telev_tx = fmt && fmt->pt >= 96 && fmt->pt <= 127 ? fmt->pt : -1;
	sa_cpy(&m->raddr, sdp_media_raddr(m->sdpm));
	return 0;
}

/* The phone's own port, from the TAPI layer's opener; silence without one. */
static int open_phone(struct cmedia *m)
{
	int err = call_open_phone_port(m->call, &m->port);

	if (!err && m->port)
		return 0;
	call_log(call_engine_of(m->call), 1,
		 "line %s: no audio device for the call (%s): sending silence", m->cfg->name,
		 strerror(err ? -err : ENODEV));
	m->port = NULL;
	return media_port_open(CALL_MEDIA_SILENCE, &m->port);
}

int cmedia_start(struct cmedia *m)
{
	int err;

	if (m->pt_tx < 0)
		return -EPROTO;
	if (m->running)
		return 0;
	if (!m->port && m->cfg->media == CALL_MEDIA_PHONE) {
		err = open_phone(m);
		if (err)
			return err;
	}
	m->running = true;
	rtcp_start(m->rtp, "hidphone", &m->raddr);
	m->ticks = 0;
	m->last_rx_us = call_now_us();
	tmr_start(&m->tmr_rx, 200, rx_check, m);
	return start_clock(m);
}

void cmedia_stop(struct cmedia *m)
{
	m->running = false;
	stop_clock(m);
	tmr_cancel(&m->tmr_rx);
}

void cmedia_set_mute(struct cmedia *m, bool mute)
{
	m->muted = mute;
}

int cmedia_send_dtmf(struct cmedia *m, const char *digits)
{
	const char *p;

	for (p = digits; *p; p++)
		if (telev_digit2code(*p) < 0)
			return -EINVAL;
	if (!m->running)
		return -ENOTCONN;
	if (m->pt_telev_tx < 0)
		return -EOPNOTSUPP; /* the far end did not offer telephone-event */
	for (p = digits; *p; p++) {
		/* Start and end together: telev plays each for its minimum length (9 packets,
		 * 180 ms at 20 ms) and ends it with three end packets before the next. */
		if (telev_send(m->telev, telev_digit2code(*p), false) ||
		    telev_send(m->telev, 0, true))
			return -ENOBUFS;
		m->st.dtmf_tx++;
	}
	return 0;
}

const char *cmedia_codec(const struct cmedia *m)
{
	return m->pt_tx == PT_PCMU ? "PCMU" : m->pt_tx == PT_PCMA ? "PCMA" : "";
}

void cmedia_stats(const struct cmedia *m, struct call_stats *st)
{
	uint64_t setup = st->setup_us;

	*st = m->st;
	st->setup_us = setup;
	st->rx_peak = m->port ? m->port->peak_in : 0;
	st->intervals = m->dev.n;
	st->dev_max_us = m->dev.max_us;
	st->dev_p50_us = media_hist_percentile(&m->dev, 50);
	st->dev_p99_us = media_hist_percentile(&m->dev, 99);
	st->late_n = m->late.n;
	st->late_max_us = m->late.max_us;
	st->late_p50_us = media_hist_percentile(&m->late, 50);
	st->late_p99_us = media_hist_percentile(&m->late, 99);
}
