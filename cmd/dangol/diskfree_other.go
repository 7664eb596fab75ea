//go:build !linux && !darwin && !windows

package main

import "errors"

// diskFree is not asked for on this system: /healthz and /metrics then
// leave the free space out.
func diskFree(string) (uint64, error) { return 0, errors.ErrUnsupported }
