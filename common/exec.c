/*
 * exec.c - posix_spawn with a pipe, poll and a deadline.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"

extern char **environ;

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
in_path(const char *prog)
{
	const char *path = getenv("PATH"), *p, *colon;
	char buf[4096];

	if (strchr(prog, '/') != NULL)
		return access(prog, X_OK) == 0;
	if (path == NULL)
		path = "/usr/bin:/bin";
	for (p = path; ; p = colon + 1) {
		colon = strchr(p, ':');
		size_t n = colon != NULL ? (size_t)(colon - p) : strlen(p);

		if (n > 0 && n + strlen(prog) + 2 < sizeof(buf)) {
			memcpy(buf, p, n);
			buf[n] = '/';
			strcpy(buf + n + 1, prog);
			if (access(buf, X_OK) == 0)
				return 1;
		}
		if (colon == NULL)
			return 0;
	}
}

enum owi_exec_status
owi_exec_capture(char *const argv[], const char *input, size_t len,
    int timeout_ms, size_t max_out, char **out, size_t *outlen)
{
	int outp[2] = { -1, -1 }, inp[2] = { -1, -1 }, status, saved;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	char *buf = NULL;
	size_t n = 0, cap = 0, written = 0;
	long long deadline = now_ms() + timeout_ms;
	int timed_out = 0;

	*out = NULL;
	*outlen = 0;
	if (!in_path(argv[0]))
		return OWI_EXEC_NOTFOUND;
	if (pipe(outp) != 0 || (input != NULL && pipe(inp) != 0))
		goto error;
	posix_spawn_file_actions_init(&fa);
	if (input != NULL)
		posix_spawn_file_actions_adddup2(&fa, inp[0], 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
		    O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclose(&fa, outp[0]);
	if (input != NULL)
		posix_spawn_file_actions_addclose(&fa, inp[1]);
	errno = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (errno != 0)
		goto error;
	close(outp[1]);
	outp[1] = -1;
	if (input != NULL) {
		close(inp[0]);
		inp[0] = -1;
		fcntl(inp[1], F_SETFL, O_NONBLOCK);
		if (len == 0) {
			close(inp[1]);
			inp[1] = -1;
		}
	}

	for (;;) {
		struct pollfd pf[2];
		int nf = 0, left = (int)(deadline - now_ms());

		if (left <= 0) {
			timed_out = 1;
			break;
		}
		pf[nf].fd = outp[0], pf[nf].events = POLLIN, nf++;
		if (inp[1] >= 0)
			pf[nf].fd = inp[1], pf[nf].events = POLLOUT, nf++;
		if (poll(pf, (nfds_t)nf, left) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (nf > 1 && (pf[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write(inp[1], input + written, len - written);

			if (w > 0)
				written += (size_t)w;
			if (w < 0 && errno != EAGAIN && errno != EINTR)
				written = len;	/* the child stopped reading */
			if (written == len) {
				close(inp[1]);
				inp[1] = -1;
			}
		}
		if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			char chunk[65536];
			ssize_t r = read(outp[0], chunk, sizeof(chunk));

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			if (n < max_out) {
				size_t take = (size_t)r;

				if (take > max_out - n)
					take = max_out - n;
				if (n + take + 1 > cap) {
					size_t nc = cap ? cap : 65536;
					char *nb;

					while (nc < n + take + 1)
						nc *= 2;
					if ((nb = realloc(buf, nc)) == NULL)
						break;
					buf = nb;
					cap = nc;
				}
				memcpy(buf + n, chunk, take);
				n += take;
			}
		}
	}
	if (timed_out)
		kill(pid, SIGKILL);
	if (inp[1] >= 0)
		close(inp[1]);
	close(outp[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (timed_out) {
		free(buf);
		return OWI_EXEC_TIMEOUT;
	}
	if (buf == NULL && (buf = malloc(1)) == NULL)
		return OWI_EXEC_ERROR;
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ?
	    OWI_EXEC_OK : OWI_EXEC_FAILED;

error:
	saved = errno;
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (inp[i] >= 0)
			close(inp[i]);
	}
	errno = saved;
	return OWI_EXEC_ERROR;
}
