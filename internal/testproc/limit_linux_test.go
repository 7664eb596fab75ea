//go:build linux

package testproc

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const limitEnv = "DANGOL_TESTPROC_LIMIT"

// init registers the helper that limits its files to 4 KiB and writes
// 8 KiB to the file named by its value: it prints what the write said.
func init() {
	Register(limitEnv, func(path string, _ []string) int {
		if err := LimitFileSize(4 << 10); err != nil {
			print("limit: ", err.Error())
			return 2
		}
		err := os.WriteFile(path, make([]byte, 8<<10), 0o600)
		if errors.Is(err, syscall.EFBIG) {
			print("EFBIG")
			return 0
		}
		print("wrote past the limit: ", err)
		return 1
	})
}

// TestLimitFileSize: in the helper, a write past the limit fails with
// EFBIG and the process lives on; this process is not limited.
func TestLimitFileSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big")
	out, err := Command(nil, limitEnv, path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "EFBIG") {
		t.Fatalf("helper: %v, %q; want EFBIG", err, out)
	}
	if err := os.WriteFile(path, make([]byte, 8<<10), 0o600); err != nil {
		t.Errorf("the test's own process was limited too: %v", err)
	}
}
