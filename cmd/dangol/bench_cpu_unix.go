//go:build !windows

package main

import (
	"syscall"
	"time"
)

// processCPU is the CPU time, user and system, the process has used so
// far (getrusage); 0 if it cannot be read.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
