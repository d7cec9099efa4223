/* scenario.h: the line-based scenario file (see tests/scenarios/README.md). */
#ifndef CS_SCENARIO_H
#define CS_SCENARIO_H

#include <stddef.h>

struct cs_run_cmd {
	int node;		/* 0: every node */
	int line;		/* line number in the file */
	int argc;
	char **argv;		/* NULL-terminated, owned */
};

struct cs_scenario {
	int nodes;		/* minimum node count */
	int timeout;		/* 0: not given */
	size_t nenv;
	char **env;		/* "KEY=VALUE", owned */
	size_t ncmds;
	struct cs_run_cmd *cmds;
	/* 'wire' directive: "" if not given (see clustersim --wire-*) */
	char wire_delay[16];
	char wire_loss[16];
	char wire_dup[16];
	/* 'allow module': commands keep CAP_SYS_MODULE (unload tests) */
	int allow_module;
	/* 'backend qemu [NODES]': QEMU nodes (bit N-1 = node N); all */
	unsigned long long qemu_nodes;
	int qemu_all;
	/*
	 * 'expect zero PATTERN...': clusterproc counters (fnmatch patterns)
	 * that must not rise during the job on any node (counters.h)
	 */
	size_t nexpect_zero;
	char **expect_zero;	/* owned */
	/*
	 * 'expect idle': every node's live-object gauges (live_* counters)
	 * are 0 once the job is over: nothing leaked (counters.h)
	 */
	int expect_idle;
};

/*
 * Parse scenario text. name is used in messages only. Returns 0, or -1 with
 * "NAME:LINE: why" in err.
 */
int cs_scenario_parse(const char *text, const char *name,
		      struct cs_scenario *sc, char *err, size_t errlen);

/* Read and parse a file; -1 with a message if unreadable or malformed. */
int cs_scenario_load(const char *path, struct cs_scenario *sc,
		     char *err, size_t errlen);

void cs_scenario_free(struct cs_scenario *sc);

/*
 * Split one line into words: blanks separate, '...' and "..." quote,
 * backslash escapes the next character. Returns the word count (>= 0) with
 * a malloc'd NULL-terminated vector in *out, or -1 with a reason in *why.
 */
int cs_split_words(const char *line, char ***out, const char **why);

void cs_free_words(char **v);

#endif
