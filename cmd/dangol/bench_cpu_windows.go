//go:build windows

package main

import (
	"time"

	"golang.org/x/sys/windows"
)

// processCPU is the CPU time, user and kernel, the process has used so
// far (GetProcessTimes); 0 if it cannot be read.
func processCPU() time.Duration {
	var creation, exit, kernel, user windows.Filetime
	if windows.GetProcessTimes(windows.CurrentProcess(), &creation, &exit, &kernel, &user) != nil {
		return 0
	}
	// Kernel and user times are spans in units of 100 ns, not instants.
	span := func(ft windows.Filetime) time.Duration {
		return time.Duration(uint64(ft.HighDateTime)<<32|uint64(ft.LowDateTime)) * 100
	}
	return span(kernel) + span(user)
}
