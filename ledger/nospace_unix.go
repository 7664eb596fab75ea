//go:build !windows

package ledger

import "syscall"

// noSpaceErrnos: the disk is full, the quota is spent, or the file would
// pass RLIMIT_FSIZE (then the process ignores SIGXFSZ, as Go's runtime
// does, and the write fails with EFBIG).
var noSpaceErrnos = []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT, syscall.EFBIG}
