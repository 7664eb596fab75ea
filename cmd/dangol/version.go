package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// buildInfo is what a dangol binary knows about how it was built: enough
// for a shop owner's bug report to name the exact code.
type buildInfo struct {
	Version  string // the module version, -ldflags -X main.version, or "(devel)"
	Revision string // the VCS commit; empty when built without -buildvcs
	Time     string // the commit time, RFC 3339 (UTC) as the go tool stamps it
	Dirty    bool   // the work tree had uncommitted changes
	Go       string // runtime.Version()
	Platform string // GOOS/GOARCH
}

// readBuildInfo reads the build settings the go tool stamped into the
// binary (go build -buildvcs, the default inside a git checkout).
func readBuildInfo() buildInfo {
	bi := buildInfo{Version: version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		if bi.Version == "" {
			bi.Version = "(devel)"
		}
		return bi
	}
	if bi.Version == "" {
		bi.Version = info.Main.Version
	}
	if bi.Version == "" {
		bi.Version = "(devel)"
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			bi.Revision = s.Value
		case "vcs.time":
			bi.Time = s.Value
		case "vcs.modified":
			bi.Dirty = s.Value == "true"
		}
	}
	return bi
}

// version returns the version dangol reports: the -X main.version value,
// else the module's version from the build info.
func (m *Main) version() string {
	return readBuildInfo().Version
}

// printVersion writes "dangol version" (and --version): the version, the
// revision with its time, and the Go toolchain, in the configured language.
func (m *Main) printVersion() error {
	bi := readBuildInfo()
	lang := m.usageLang()
	rev := m.Catalog.Text(lang, "appliance.version.no_vcs", nil)
	if bi.Revision != "" {
		rev = bi.Revision
		if bi.Dirty {
			// The go tool's own marker, as in pseudo-versions: the binary
			// holds changes no commit has.
			rev += "+dirty"
		}
		if bi.Time != "" {
			rev += " (" + bi.Time + ")"
		}
	}
	_, err := fmt.Fprintln(m.Stdout, m.Catalog.Text(lang, "appliance.version", map[string]any{
		"Version":  bi.Version,
		"Revision": rev,
		"Go":       bi.Go,
		"Platform": bi.Platform,
	}))
	return err
}
