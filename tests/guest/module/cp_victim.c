/*
 * cp_victim TAG [root]: a process for the signal tests to find (by its
 * name cpv_TAG in the module's cluster-wide ps) and kill. Leads its own
 * process group; runs as uid/gid 65534 unless "root" is given.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char name[16];

	if (argc < 2 || strlen(argv[1]) > 11) {
		fprintf(stderr, "usage: cp_victim TAG [root]\n");
		return 2;
	}
	snprintf(name, sizeof(name), "cpv_%s", argv[1]);
	if (prctl(PR_SET_NAME, name, 0, 0, 0) != 0) {
		perror("prctl");
		return 1;
	}
	if (setpgid(0, 0) != 0) {
		perror("setpgid");
		return 1;
	}
	if (!(argc > 2 && strcmp(argv[2], "root") == 0)) {
		if (setresgid(65534, 65534, 65534) != 0 ||
		    setresuid(65534, 65534, 65534) != 0) {
			perror("setresuid");
			return 1;
		}
	}
	for (;;)
		pause();
}
