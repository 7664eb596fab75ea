package ledger

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// ControlError is returned (wrapped) when a name or text holds a control
// character (NUL, escape, backspace, …) or bytes that are not UTF-8. Such
// characters never come from a person typing: they come from a broken
// spreadsheet or a pasted binary, and stored they would break exports,
// terminals and the platforms' own renderers. errors.Is(err, ErrInvalid)
// holds for it, and callers use errors.As to tell the user which field.
type ControlError struct {
	Record string // "customer", "note", "feedback", "points"
	Field  string // "name", "preferences", "remarks", "text", "comment", "reason", "tag"
}

// Error names the record and field that holds the control character.
func (e *ControlError) Error() string {
	return fmt.Sprintf("ledger: invalid record: %s: %s holds a control character or invalid UTF-8", e.Record, e.Field)
}

// Is makes a ControlError match ErrInvalid.
func (e *ControlError) Is(target error) bool { return target == ErrInvalid }

// checkLine refuses control characters of any kind in a one-line value (a
// name, a tag): a line break in a name is as wrong as a NUL.
func checkLine(record, field, s string) error {
	return checkChars(record, field, s, false)
}

// checkText refuses control characters in a free text but keeps line
// breaks and tabs, which people do type into a note or a remark.
func checkText(record, field, s string) error {
	return checkChars(record, field, s, true)
}

func checkChars(record, field, s string, multiline bool) error {
	if !utf8.ValidString(s) {
		return &ControlError{Record: record, Field: field}
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		// Cc (C0, DEL, C1) plus the invisible bidi overrides that make a
		// name display as something else than it is.
		if unicode.IsControl(r) || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') {
			return &ControlError{Record: record, Field: field}
		}
	}
	return nil
}
