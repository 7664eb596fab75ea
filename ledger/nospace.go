package ledger

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNoSpace is wrapped into the error of an Update whose commit could not
// be written because the disk (or the user's quota, or the file size the
// system allows) is full. Nothing of that Update was written: bbolt writes
// its meta page last, so the file still ends at the commit before. It
// stops being returned by itself once space is freed; the caller should
// tell the person affected what to do instead of asking them to retry.
var ErrNoSpace = errors.New("ledger: the disk is full")

// noSpace returns err wrapped with ErrNoSpace when it says the disk is
// full, else err itself. bbolt wraps a failed pwrite with %w, but its
// growth of the file ("file resize error", "mmap allocate error") with %s,
// so the errno is also looked for in the text.
func noSpace(err error) error {
	if err == nil || errors.Is(err, ErrNoSpace) {
		return err
	}
	for _, e := range noSpaceErrnos { // nospace_*.go: the errnos of each system
		if errors.Is(err, e) || strings.Contains(err.Error(), e.Error()) {
			return fmt.Errorf("%w: %w", ErrNoSpace, err)
		}
	}
	return err
}
