//go:build linux

package testproc

import "syscall"

// LimitFileSize makes every file this process (and what it execs) writes
// stop growing at n bytes (RLIMIT_FSIZE): a full disk for one process.
// Go's runtime ignores SIGXFSZ, so a write past the limit fails with
// EFBIG instead of killing the process, as one on a full disk fails with
// ENOSPC.
func LimitFileSize(n uint64) error {
	return syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n})
}
