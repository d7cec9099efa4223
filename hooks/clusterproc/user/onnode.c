/*
 * onnode NODE PROG [ARGS...]: exec PROG on node NODE (OpenSSI's name).
 * The process keeps its pid and its parent: a shell that runs
 * `onnode 2 sh -c 'exit 7'; echo $?` prints 7. Its stdin, stdout and
 * stderr stay what they were here when they are a terminal, a pipe or a
 * socket (the module relays them: `onnode 2 ls | wc -l` counts here,
 * `onnode 2 ls` prints in this terminal, though PROG does not see a
 * terminal there: isatty() is false); any other (a regular file,
 * /dev/null) becomes /dev/null for stdin and NODE's console for
 * stdout/stderr there. To send output to a file, pipe it: `onnode 2 ls |
 * cat > file`.
 * Exit status 127 if PROG is not found, 126 if it cannot be run there,
 * 2 on bad usage; otherwise PROG's own.
 */
#include "libclusterproc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	char *end;
	long node;

	if (argc < 3) {
		fprintf(stderr, "usage: onnode NODE PROG [ARGS...]\n");
		return 2;
	}
	errno = 0;
	node = strtol(argv[1], &end, 10);
	if (errno || *end || end == argv[1] || node < 0 || node > 64) {
		fprintf(stderr, "onnode: bad node %s\n", argv[1]);
		return 2;
	}
	cp_rexecvp((int)node, argv[2], argv + 2);
	fprintf(stderr, "onnode: %s on node %ld: %s\n", argv[2], node,
		strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
