//go:build linux

package ledger

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dangol/dangol/internal/testproc"
)

// TestNoSpace: the error shapes a full disk reaches Update in are all
// ErrNoSpace, and nothing else is.
func TestNoSpace(t *testing.T) {
	pathErr := func(op string, e syscall.Errno) error { return &os.PathError{Op: op, Path: "dangol.db", Err: e} }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"pwrite ENOSPC, wrapped", fmt.Errorf("commit: %w", pathErr("write", syscall.ENOSPC)), true},
		{"quota", pathErr("write", syscall.EDQUOT), true},
		{"RLIMIT_FSIZE", pathErr("write", syscall.EFBIG), true},
		// bbolt's growth of the file wraps with %s: only the text is left.
		{"resize, as text", fmt.Errorf("file resize error: %s", pathErr("truncate", syscall.EFBIG)), true},
		{"mmap, as text", fmt.Errorf("mmap allocate error: %s", pathErr("truncate", syscall.ENOSPC)), true},
		{"already said", fmt.Errorf("again: %w", ErrNoSpace), true},
		{"sync, as text", fmt.Errorf("file sync error: %s", pathErr("fsync", syscall.ENOSPC)), true},
		{"other errno", pathErr("write", syscall.EIO), false},
		{"growth for another reason", fmt.Errorf("file resize error: %s", pathErr("truncate", syscall.EIO)), false},
		// A function's own error that only reads like one is not.
		{"words alone", errors.New("dialog: photo refused: file too large"), false},
		{"refusal", ErrInsufficientPoints, false},
		{"none", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := noSpace(tt.err)
			if errors.Is(got, ErrNoSpace) != tt.want {
				t.Fatalf("noSpace(%v) = %v, ErrNoSpace %v, want %v", tt.err, got, !tt.want, tt.want)
			}
			if tt.err != nil && !errors.Is(got, tt.err) {
				t.Errorf("noSpace(%v) = %v lost the original error", tt.err, got)
			}
			if strings.Count(fmt.Sprint(got), ErrNoSpace.Error()) > 1 {
				t.Errorf("noSpace(%v) = %v, wrapped twice", tt.err, got)
			}
		})
	}
}

// fullDiskEnv names the file the helper process fills; fullDiskLimit its
// RLIMIT_FSIZE in bytes.
const (
	fullDiskEnv   = "DANGOL_LEDGER_FULL_DISK"
	fullDiskLimit = 192 << 10
)

// TestFullDisk fills a ledger in a process whose files may not grow past
// fullDiskLimit, as on a full disk, then opens it again without the limit.
// Every feedback Update said was committed is there, none it refused is
// (nothing half-written), every refusal was ErrNoSpace, and the file
// takes writes again once there is room.
func TestFullDisk(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "dangol.db")
	out, err := testproc.Command(nil, fullDiskEnv, path).CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	committed, refused := -1, -1
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "full-disk:" {
			committed, _ = strconv.Atoi(f[1])
			refused, _ = strconv.Atoi(f[2])
		}
	}
	t.Logf("%d feedbacks committed before the disk was full, %d refused after", committed, refused)
	if committed < 10 || refused < 1 {
		t.Fatalf("helper committed %d and had %d refused, want some of each:\n%s", committed, refused, out)
	}

	s, err := Open(path, &Options{Timeout: time.Second, Key: testKey})
	if err != nil {
		t.Fatalf("open after the full disk: %v", err)
	}
	defer s.Close()
	count := func() int {
		t.Helper()
		n := 0
		err := s.View(context.Background(), func(tx *Tx) error {
			return tx.ScanFeedback(time.Time{}, time.Now().Add(time.Hour), func(f Feedback) error {
				if f.Comment != fullDiskComment(n) {
					return fmt.Errorf("feedback %d reads %q", n, f.Comment)
				}
				n++
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != committed {
		t.Fatalf("the ledger holds %d feedbacks, want the %d committed", n, committed)
	}
	if err := s.Update(context.Background(), func(tx *Tx) error {
		return tx.AddFeedback(&Feedback{At: time.Now(), Rating: 5, NPS: NoNPS, Comment: fullDiskComment(committed)})
	}); err != nil {
		t.Fatalf("a write with room again: %v", err)
	}
	if n := count(); n != committed+1 {
		t.Errorf("the ledger holds %d feedbacks after one more, want %d", n, committed+1)
	}
}

// fullDiskComment is the i-th feedback's comment: long, so the file grows
// quickly, and telling which one it is.
func fullDiskComment(i int) string {
	return fmt.Sprintf("%04d %s", i, strings.Repeat("가나다라마바사", 60))
}

func init() { testproc.Register(fullDiskEnv, fullDiskHelper) }

// fullDiskHelper is TestFullDisk's other process: with the file size
// limited it adds feedback to the ledger at path, one Update each, until
// writes fail, and a few more after that, then prints how many committed
// and how many failed. A failure other than ErrNoSpace is exit code 1.
func fullDiskHelper(path string, _ []string) int {
	s, err := Open(path, &Options{Timeout: time.Second, Key: testKey})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	// After Open: the fresh file is already its first size.
	if err := testproc.LimitFileSize(fullDiskLimit); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	committed, refused := 0, 0
	for i := 0; refused < 5 && i < 10_000; i++ {
		err := s.Update(context.Background(), func(tx *Tx) error {
			return tx.AddFeedback(&Feedback{At: time.Now(), Rating: 4, NPS: NoNPS, Comment: fullDiskComment(committed)})
		})
		switch {
		case err == nil:
			committed++
		case errors.Is(err, ErrNoSpace):
			refused++
		default:
			fmt.Fprintf(os.Stderr, "feedback %d: %v, want nil or ErrNoSpace\n", i, err)
			return 1
		}
	}
	fmt.Printf("full-disk: %d %d\n", committed, refused)
	return 0
}
