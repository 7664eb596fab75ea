//go:build windows

package ledger

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// noSpaceErrnos: Windows says a full disk with ERROR_DISK_FULL or
// ERROR_HANDLE_DISK_FULL, not ENOSPC (which the syscall package only
// invents for portability).
var noSpaceErrnos = []syscall.Errno{windows.ERROR_DISK_FULL, windows.ERROR_HANDLE_DISK_FULL}
