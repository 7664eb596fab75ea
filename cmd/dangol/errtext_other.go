//go:build !windows

package main

import "syscall"

// The errnos of the causes errorText words, as Unix says them.
var (
	diskFullErrnos = []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT}
	readOnlyErrnos = []syscall.Errno{syscall.EROFS}
	notDirErrnos   = []syscall.Errno{syscall.ENOTDIR}
)
