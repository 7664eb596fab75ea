package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dangol/dangol/dialog"
)

// DefaultDiskWarn is DANGOL_DISK_WARN's default: about a year of a busy
// shop's records (a feedback or a note dirties a few pages of 4 KiB), and
// room for a backup's copy.
const DefaultDiskWarn = "100MB"

// parseDiskWarn reads DANGOL_DISK_WARN, the free space under which
// /healthz warns and the daily disk check tells the staff channel: a whole
// number of MB or GB ("100MB", "2GB", "500" is MB), up to a terabyte, or
// "0"/"off" for no warning (returned as 0). "" is DefaultDiskWarn.
func parseDiskWarn(s string) (uint64, bool) {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	switch s {
	case "":
		s = DefaultDiskWarn
	case "0", "OFF":
		return 0, true
	}
	unit := uint64(1 << 20)
	if n, ok := strings.CutSuffix(s, "GB"); ok {
		s, unit = n, 1<<30
	} else {
		s = strings.TrimSuffix(s, "MB")
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 || n > (1<<40)/unit {
		return 0, false
	}
	return n * unit, true
}

// diskLow reports whether free is under warn, the threshold of
// DANGOL_DISK_WARN (0: never low): /healthz and the daily check alike.
func diskLow(free, warn uint64) bool { return warn > 0 && free < warn }

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

// diskJobName names the daily look at the free space (diskJob) in the
// ledger's record of posts: keep it stable.
const diskJobName = "disk"

// diskJob is the daily look, at 09:00 in the shop's time zone, at the
// space left where the ledger file is: under DANGOL_DISK_WARN the staff
// channel is told how much is left and what to do, while there is still
// room to record the post and to act. free reads the space (diskFreeAt on
// the ledger's path in serve); a failure to read it is logged, not posted.
// With the warning off there is no job, and that is said.
func (m *Main) diskJob(deliver func(context.Context, dialog.Reply) error, free func() (uint64, error)) []dialog.Job {
	warn := m.Config.DiskWarn
	if warn == 0 {
		m.Logger.Info("disk check off", "setting", "DANGOL_DISK_WARN")
		return nil
	}
	j := dialog.Job{
		Name:    diskJobName,
		Spec:    "0 9 * * *",
		MaxLate: 12 * time.Hour,
		// What the disk holds now, not what 09:00 called for: a check
		// that finds room writes nothing.
		Check: true,
		Posts: func(ctx context.Context, _ time.Time) ([]dialog.Reply, error) {
			n, err := free()
			if err != nil {
				if !errors.Is(err, errors.ErrUnsupported) {
					m.Logger.WarnContext(ctx, "disk check: cannot read the free space", "err", err)
				}
				return nil, nil
			}
			if !diskLow(n, warn) {
				return nil, nil
			}
			m.Logger.WarnContext(ctx, "disk check: the disk holding the ledger is nearly full", "free_mb", n>>20)
			lang := m.Config.Lang
			return []dialog.Reply{{To: dialog.ToStaffChannel, Lang: lang,
				Text: m.Catalog.Text(lang, "appliance.disk.low", map[string]any{"MB": n >> 20})}}, nil
		},
		Deliver: deliver,
	}
	m.Logger.Info("scheduled disk check", "job", j.Name, "cron", j.Spec, "tz", m.Config.TZ, "warn_below_mb", warn>>20)
	return []dialog.Job{j}
}
