package main

import (
	"strings"
	"unicode"

	"github.com/dangol/dangol/ledger"
)

// maxDetail bounds the "자세히:" line of a damaged-file message: a cause
// for whoever looks at the file, not a dump.
const maxDetail = 160

// damageDetail is the short cause shown under a damaged-file message:
// what bbolt or the ledger found, without what the message already says
// (that the file is damaged, and its name), without the words of a
// recovered panic ("panic:", "assertion failed:"), which read as a crash
// to a shop, and without control or unassigned characters that a broken
// page's bytes put into bbolt's text.
func damageDetail(err error, path string) string {
	s := err.Error()
	s = strings.TrimPrefix(s, ledger.ErrDamaged.Error()+": ")
	if path != "" {
		s = strings.TrimPrefix(s, path+": ")
	}
	for _, w := range []string{"panic: ", "assertion failed: "} {
		s = strings.ReplaceAll(s, w, "")
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case !unicode.IsGraphic(r) || r == unicode.ReplacementChar:
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > maxDetail {
		s = string(r[:maxDetail-1]) + "…"
	}
	return s
}
