package main

import (
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unicode"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// errorText is what main prints of a command's error: the error itself
// when dangol already worded it (a *localError), else, when the system
// gave a common cause (a file that is not there, no permission, a full or
// read-only disk, a folder where a file belongs), one sentence in the
// shop's language naming the path once and what to do. Go's own text,
// which repeats the path and is English, follows only with -v. It said
// "open n/dangol.db: ledger: open n/dangol.db: open n/dangol.db: is a
// directory".
func (m *Main) errorText(err error) string {
	var le *localError
	if m.Catalog == nil || errors.As(err, &le) {
		return err.Error()
	}
	id, path := osCause(err)
	if id == "" {
		return err.Error()
	}
	lang := locales.Normalize(m.Config.Lang)
	text := m.Catalog.Text(lang, id, map[string]any{"Path": path})
	if m.Config.Verbose {
		text += "\n" + m.Catalog.Text(lang, "cli.err.os.detail", map[string]any{"Detail": err.Error()})
	}
	return text
}

// osCause returns the message id of the common system cause of err and
// the path it concerns, or "" when err has none of them. A temporary file
// dangol made beside its target (".name.12345") is named by its folder:
// nobody asked for that file.
func osCause(err error) (id, path string) {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		path = pe.Path
	case errors.As(err, &le):
		path = le.New
	}
	if path != "" && isTempName(filepath.Base(path)) {
		path = filepath.Dir(path)
	}
	isDir := false
	if path != "" && (pe != nil || le != nil) {
		fi, serr := os.Stat(path)
		isDir = serr == nil && fi.IsDir() && !isTempName(filepath.Base(path)) && (pe == nil || pe.Op != "mkdir")
	}
	switch {
	case errors.Is(err, ledger.ErrNoSpace) || isErrno(err, diskFullErrnos):
		id = "cli.err.os.full"
	case isErrno(err, readOnlyErrnos):
		id = "cli.err.os.read_only"
	case path == "":
		return "", ""
	case errors.Is(err, syscall.EISDIR) || isDir && !errors.Is(err, fs.ErrNotExist):
		id = "cli.err.os.is_dir"
	case isErrno(err, notDirErrnos):
		id = "cli.err.os.not_dir"
	case errors.Is(err, fs.ErrPermission):
		id = "cli.err.os.permission"
	case errors.Is(err, fs.ErrNotExist):
		id = "cli.err.os.not_exist"
	default:
		return "", ""
	}
	if path == "" {
		// A full or read-only disk said without a path (copy_file_range):
		// the data file's folder is where dangol was writing.
		path = "."
	}
	return id, path
}

// isErrno reports whether err is one of errnos.
func isErrno(err error, errnos []syscall.Errno) bool {
	for _, e := range errnos {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// isTempName reports whether base is the name of a temporary file dangol
// writes beside its target before renaming it: a dot, the target's name,
// and a random number after a dot or a dash.
func isTempName(base string) bool {
	if !strings.HasPrefix(base, ".") {
		return false
	}
	i := strings.LastIndexAny(base, ".-")
	if i <= 0 || i == len(base)-1 {
		return false
	}
	return strings.Trim(base[i+1:], "0123456789") == ""
}

// flagProblem words a command line the flag package refused: an option
// the command does not have, with the options it has, and an option
// without its value. Other refusals are returned as they were.
func (m *Main) flagProblem(cmd string, err error, bind func(string, *flag.FlagSet)) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return m.usage("cli.err.flag_value", map[string]any{"Flag": optionName(strings.TrimLeft(name, "-")), "Err": err})
	}
	name, ok := strings.CutPrefix(msg, "flag provided but not defined: ")
	if !ok {
		return err
	}
	scratch := m.Config
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	scratch.bindCommon(fs)
	command := "dangol"
	if cmd != "" {
		bind(cmd, fs)
		command = "dangol " + cmd
	}
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, optionName(f.Name)) })
	return m.usage("cli.err.flag_unknown", map[string]any{"Command": command, "Flag": optionName(strings.TrimLeft(name, "-")), "Flags": strings.Join(names, ", "), "Err": err})
}

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
	// The finding comes wrapped once or twice ("ledger: open g.db:
	// ledger: data file is damaged: the schema field reads …"): each
	// wrapping repeats what the message says already.
	for _, w := range []string{"ledger: open " + path + ": ", ledger.ErrDamaged.Error() + ": "} {
		s = strings.ReplaceAll(s, w, "")
	}
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

// optionName is how the usage text writes an option: -v, --force.
func optionName(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}
