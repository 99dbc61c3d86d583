/*
 * Runs a command in a new user and mount namespace with a bpffs that delegates BPF to that namespace, as the BPF
 * token selftests of Linux set it up (tools/testing/selftests/bpf/prog_tests/token.c):
 *
 *   userns_bpffs DIR CMD [ARG...]
 *
 * The parent stays in the initial namespaces with its privileges. The child enters a new user namespace (uid and gid
 * 0 mapped to its own, setgroups denied), a private mount namespace, creates the bpffs context there (fsopen("bpf")),
 * and passes it to the parent over a socketpair (SCM_RIGHTS). The parent sets delegate_cmds, delegate_maps,
 * delegate_progs and delegate_attachs to "any" (only a process privileged in the initial namespace may), creates the
 * superblock (FSCONFIG_CMD_CREATE), makes a detached mount (fsmount) and passes it back; the child moves it onto DIR
 * (move_mount) and execs CMD, which has no capabilities in the initial user namespace.
 *
 * Exit status: CMD's, or 125 when a setup step fails (the step and errno on stderr, "refused:" first when the
 * kernel refused to create the namespaces). Build: gcc -Wall -o userns_bpffs userns_bpffs.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef FSCONFIG_SET_STRING
#define FSCONFIG_SET_STRING 1
#endif
#ifndef FSCONFIG_CMD_CREATE
#define FSCONFIG_CMD_CREATE 6
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif

#define SETUP_FAILED 125

static int fail(const char *step)
{
	fprintf(stderr, "%s: %s (errno %d)\n", step, strerror(errno), errno);
	return SETUP_FAILED;
}

static int refused(const char *step)
{
	fprintf(stderr, "refused: %s: %s (errno %d)\n", step, strerror(errno), errno);
	return SETUP_FAILED;
}

static int send_fd(int sock, int fd)
{
	char byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cmsg;

	memset(control.buf, 0, sizeof(control.buf));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

/* Receives a descriptor; -1 with errno ECONNRESET when the other side closed without sending one. */
static int receive_fd(int sock)
{
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cmsg;
	int fd;

	ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	if (n <= 0) {
		if (n == 0)
			errno = ECONNRESET;
		return -1;
	}
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS) {
		errno = EPROTO;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* The child: namespaces, the bpffs context to the parent, its mount back onto dir, then the command. */
static int child(int sock, const char *dir, char **command)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();
	int fs_fd, mnt_fd;

	if (unshare(CLONE_NEWUSER))
		return refused("unshare(CLONE_NEWUSER)");
	if (write_file("/proc/self/setgroups", "deny"))
		return fail("write /proc/self/setgroups");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	if (write_file("/proc/self/uid_map", map))
		return fail("write /proc/self/uid_map");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	if (write_file("/proc/self/gid_map", map))
		return fail("write /proc/self/gid_map");
	if (setgid(0) || setuid(0))
		return fail("setuid(0) in the user namespace");
	if (unshare(CLONE_NEWNS))
		return refused("unshare(CLONE_NEWNS)");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return fail("mount --make-rprivate /");

	fs_fd = syscall(SYS_fsopen, "bpf", 0);
	if (fs_fd < 0)
		return refused("fsopen(\"bpf\") in the user namespace");
	if (send_fd(sock, fs_fd))
		return fail("sendmsg(bpffs context)");
	close(fs_fd);

	mnt_fd = receive_fd(sock);
	if (mnt_fd < 0)
		return fail("recvmsg(bpffs mount) (the parent's fsconfig or fsmount failed)");
	if (syscall(SYS_move_mount, mnt_fd, "", AT_FDCWD, dir, MOVE_MOUNT_F_EMPTY_PATH))
		return fail("move_mount(bpffs mount, DIR)");
	close(mnt_fd);
	close(sock);

	execvp(command[0], command);
	return fail("execvp");
}

/* The parent: delegation options on the child's bpffs context, the superblock, the mount for the child. */
static int delegate(int sock)
{
	static const char *const options[] = { "delegate_cmds", "delegate_maps", "delegate_progs", "delegate_attachs" };
	int fs_fd, mnt_fd;
	size_t i;

	fs_fd = receive_fd(sock);
	if (fs_fd < 0)
		return -1; /* the child failed before; it said why */
	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		if (syscall(SYS_fsconfig, fs_fd, FSCONFIG_SET_STRING, options[i], "any", 0)) {
			char step[64];
			snprintf(step, sizeof(step), "fsconfig(%s=any)", options[i]);
			return fail(step), -1;
		}
	}
	if (syscall(SYS_fsconfig, fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		return fail("fsconfig(FSCONFIG_CMD_CREATE)"), -1;
	mnt_fd = syscall(SYS_fsmount, fs_fd, 0, 0);
	if (mnt_fd < 0)
		return fail("fsmount"), -1;
	if (send_fd(sock, mnt_fd))
		return fail("sendmsg(bpffs mount)"), -1;
	close(mnt_fd);
	close(fs_fd);
	return 0;
}

int main(int argc, char **argv)
{
	int socks[2], status;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: %s DIR CMD [ARG...]\n", argv[0]);
		return 2;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, socks))
		return fail("socketpair");
	pid = fork();
	if (pid < 0)
		return fail("fork");
	if (pid == 0) {
		close(socks[0]);
		_exit(child(socks[1], argv[1], argv + 2));
	}
	close(socks[1]);
	delegate(socks[0]);
	close(socks[0]);
	if (waitpid(pid, &status, 0) < 0)
		return fail("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
