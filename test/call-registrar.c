/* kamailio (Debian) as a registrar and proxy for the call tests: REGISTER with a digest
 * challenge (one password for every user, from the config), INVITEs for registered users
 * routed to their contact; it answers to 127.0.0.1 and localhost. Started in the foreground on 127.0.0.1 and stopped by its pid. */
#include "test/call-registrar.h"
#include "test/call-peer.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define KAMAILIO "/usr/sbin/kamailio"

static const char cfg_fmt[] =
	"#!KAMAILIO\n"
	"debug=2\n"
	"log_stderror=yes\n"
	"children=1\n"
	"disable_tcp=yes\n"
	"auto_aliases=no\n"
	"listen=udp:127.0.0.1:%u\n"
	"alias=\"127.0.0.1:%u\"\n"
	"alias=\"localhost:%u\"\n"
	"mpath=\"/usr/lib/x86_64-linux-gnu/kamailio/modules/\"\n"
	"loadmodule \"kex.so\"\n"
	"loadmodule \"corex.so\"\n"
	"loadmodule \"tm.so\"\n"
	"loadmodule \"sl.so\"\n"
	"loadmodule \"rr.so\"\n"
	"loadmodule \"pv.so\"\n"
	"loadmodule \"maxfwd.so\"\n"
	"loadmodule \"usrloc.so\"\n"
	"loadmodule \"registrar.so\"\n"
	"loadmodule \"textops.so\"\n"
	"loadmodule \"siputils.so\"\n"
	"loadmodule \"xlog.so\"\n"
	"loadmodule \"auth.so\"\n"
	"request_route {\n"
	"	if (!mf_process_maxfwd_header(\"10\")) { sl_send_reply(\"483\", \"Too Many Hops\"); exit; }\n"
	"	if (has_totag()) {\n"
	"		if (loose_route()) { t_relay(); exit; }\n"
	"		if (is_method(\"ACK\")) { if (t_check_trans()) t_relay(); exit; }\n"
	"		t_relay(); exit;\n"
	"	}\n"
	"	if (is_method(\"CANCEL\")) { if (t_check_trans()) t_relay(); exit; }\n"
	"	if (is_method(\"REGISTER\")) {\n"
	"		xlog(\"L_NOTICE\", \"REGISTER from $fu\\n\");\n"
	"		if (!pv_www_authenticate(\"$td\", \"%s\", \"0\")) {\n"
	"			www_challenge(\"$td\", \"0\"); exit;\n"
	"		}\n"
	"		if (!save(\"location\")) sl_reply_error();\n"
	"		exit;\n"
	"	}\n"
	"	if (uri == myself) {\n"
	"		if (!lookup(\"location\")) { sl_send_reply(\"404\", \"Not Found\"); exit; }\n"
	"	}\n"
	"	record_route();\n"
	"	t_relay();\n"
	"}\n";

int registrar_start(struct registrar *r, uint16_t port, const char *password)
{
	char path[128], text[4096];
	FILE *f;
	int fd;

	memset(r, 0, sizeof(*r));
	r->port = port;
	snprintf(r->dir, sizeof(r->dir), "/tmp/hidphone-kamailio-XXXXXX");
	if (!mkdtemp(r->dir))
		return -errno;
	snprintf(path, sizeof(path), "%s/kamailio.cfg", r->dir);
	snprintf(text, sizeof(text), cfg_fmt, port, port, port, password);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs(text, f);
	fclose(f);
	r->pid = fork();
	if (r->pid < 0)
		return -errno;
	if (r->pid == 0) {
		char log[160], pid[160];

		/* Dies with the test, even when a sanitizer aborts it: no peer keeps the
		 * test's ports after a failed run. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);

		snprintf(log, sizeof(log), "%s/log", r->dir);
		snprintf(pid, sizeof(pid), "%s/pid", r->dir);
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		/* Its own process group, so stopping it takes its children too. */
		setpgid(0, 0);
		execl(KAMAILIO, KAMAILIO, "-f", path, "-DD", "-E", "-m", "32", "-M", "4",
		      "-w", r->dir, "-Y", r->dir, "-P", pid, (char *)NULL);
		_exit(127);
	}
	setpgid(r->pid, r->pid);
	/* Ready once its UDP socket is bound and sized (it logs that before it forks its
	 * receivers, which take a moment more); bounded. */
	for (int i = 0; i < 300; i++) {
		char line[512];
		bool ready = false;

		snprintf(path, sizeof(path), "%s/log", r->dir);
		f = fopen(path, "r");
		if (f) {
			while (fgets(line, sizeof(line), f))
				if (strstr(line, "SO_RCVBUF is finally"))
					ready = true;
			fclose(f);
		}
		if (ready) {
			loop_run_for(100);
			return 0;
		}
		if (waitpid(r->pid, NULL, WNOHANG) == r->pid) {
			r->pid = 0;
			return -ECHILD;
		}
		loop_run_for(20);
	}
	return -ETIMEDOUT;
}

void registrar_stop(struct registrar *r)
{
	char cmd[160];
	int i;

	if (r->pid > 0) {
		kill(-r->pid, SIGTERM);
		for (i = 0; i < 300 && waitpid(r->pid, NULL, WNOHANG) != r->pid; i++)
			loop_run_for(10);
		if (i == 300) {
			kill(-r->pid, SIGKILL);
			waitpid(r->pid, NULL, 0);
		}
		r->pid = 0;
	}
	if (r->dir[0] && !getenv("HIDPHONE_TEST_KEEP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", r->dir);
	}
	r->dir[0] = '\0';
}
