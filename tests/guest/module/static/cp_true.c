/*
 * cp_true: exit 0, statically linked. What bench_module execs to time a
 * remote exec: /bin/true loads libc over hostfs page by page (10-30 ms a
 * time, with a spread that hides a remote exec's cost).
 */
int main(void)
{
	return 0;
}
