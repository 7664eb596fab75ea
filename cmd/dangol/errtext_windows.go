package main

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// The errnos of the causes errorText words, as Windows says them: a full
// disk is ERROR_DISK_FULL or ERROR_HANDLE_DISK_FULL, not ENOSPC (which the
// syscall package only invents there), and write-protected media
// ERROR_WRITE_PROTECT. A path through a file is ERROR_PATH_NOT_FOUND,
// which is fs.ErrNotExist.
var (
	diskFullErrnos = []syscall.Errno{windows.ERROR_DISK_FULL, windows.ERROR_HANDLE_DISK_FULL}
	readOnlyErrnos = []syscall.Errno{windows.ERROR_WRITE_PROTECT}
	notDirErrnos   []syscall.Errno
)
