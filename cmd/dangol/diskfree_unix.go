//go:build linux || darwin

package main

import "syscall"

// diskFree asks statfs(2) for the blocks available to unprivileged users.
func diskFree(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil
}
