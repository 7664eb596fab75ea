//go:build windows

package main

import "golang.org/x/sys/windows"

// diskFree asks GetDiskFreeSpaceEx for the bytes available to this user
// (quotas included).
func diskFree(dir string) (uint64, error) {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return 0, err
	}
	var avail, total, free uint64
	if err := windows.GetDiskFreeSpaceEx(p, &avail, &total, &free); err != nil {
		return 0, err
	}
	return avail, nil
}
