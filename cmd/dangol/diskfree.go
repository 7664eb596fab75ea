package main

import (
	"fmt"
	"path/filepath"
)

// lowDisk is the free space, where the ledger file is, below which
// /healthz warns: about a year of a busy shop's records (a feedback or a
// note dirties a few pages of 4 KiB), and room for a backup's copy.
const lowDisk = 100 << 20

// diskFreeAt returns how many bytes dangol may still write on the disk
// that holds the file at path (what an unprivileged user may use, not the
// reserve of the superuser): diskfree_*.go, each system's own call.
func diskFreeAt(path string) (uint64, error) {
	n, err := diskFree(filepath.Dir(path))
	if err != nil {
		return 0, fmt.Errorf("free space of %s: %w", filepath.Dir(path), err)
	}
	return n, nil
}
