/* vudc-attach: connects a usbip-vudc gadget to the guest's own vhci-hcd, no usbipd and no
 * network (reference: vm-e2e.md §10).
 *
 *   vudc-attach SOCKFD_ATTR VHCI_ATTACH_ATTR PORT
 *
 * One socketpair: one end's fd number goes to the UDC's usbip_sockfd, the other's with the
 * port to vhci's attach ("PORT FD DEVID SPEED", speed 3 = high). The kernel looks both fds
 * up in the writing process and keeps its own references, so this program may exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int write_attr(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "vudc-attach: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = write(fd, text, strlen(text));
	if (n < 0)
		fprintf(stderr, "vudc-attach: writing '%s' to %s: %s\n", text, path, strerror(errno));
	close(fd);
	return n < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	int sv[2], port;
	char buf[64];

	if (argc != 4) {
		fprintf(stderr, "usage: vudc-attach SOCKFD_ATTR VHCI_ATTACH_ATTR PORT\n");
		return 2;
	}
	port = atoi(argv[3]);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		perror("vudc-attach: socketpair");
		return 1;
	}
	snprintf(buf, sizeof(buf), "%d", sv[0]);
	if (write_attr(argv[1], buf) < 0)
		return 1;
	/* devid is not used by vhci for a local attach; any value goes. */
	snprintf(buf, sizeof(buf), "%d %d %d 3", port, sv[1], port + 1);
	if (write_attr(argv[2], buf) < 0)
		return 1;
	return 0;
}
