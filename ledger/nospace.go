package ledger

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrNoSpace is wrapped into the error of an Update whose commit could not
// be written because the disk (or the user's quota, or the file size the
// system allows) is full. Nothing of that Update was written: bbolt writes
// its meta page last, so the file still ends at the commit before. It
// stops being returned by itself once space is freed; the caller should
// tell the person affected what to do instead of asking them to retry.
var ErrNoSpace = errors.New("ledger: the disk is full")

// bboltGrowth are the prefixes of the errors bbolt returns when growing
// its file fails, which it wraps with %s: only their text says why.
var bboltGrowth = []string{"file resize error: ", "file sync error: ", "mmap allocate error: "}

// noSpace returns err wrapped with ErrNoSpace when it says the disk is
// full, else err itself: a failed pwrite keeps its errno (bbolt wraps it
// with %w), a failed growth of the file only its text.
func noSpace(err error) error {
	if err == nil || errors.Is(err, ErrNoSpace) {
		return err
	}
	text := err.Error()
	grew := slices.ContainsFunc(bboltGrowth, func(p string) bool { return strings.Contains(text, p) })
	for _, e := range noSpaceErrnos { // nospace_*.go: the errnos of each system
		if errors.Is(err, e) || grew && strings.Contains(text, e.Error()) {
			return fmt.Errorf("%w: %w", ErrNoSpace, err)
		}
	}
	return err
}
