package console

import (
	"os"
	"path/filepath"

	"github.com/dangol/dangol/dialog"
)

// file describes a document in a reply (a CSV list) and saves it like a
// picture: in ImageDir when one is set, else it says how to get it saved.
func (c *Console) file(lang string, f *dialog.File) string {
	data := map[string]any{"Name": f.Name, "Bytes": len(f.Bytes)}
	if c.cfg.ImageDir == "" {
		return c.cat.Text(lang, "customers.file", data)
	}
	name := filepath.Base(filepath.Clean("/" + f.Name))
	if name == "/" || name == "." {
		name = "dangol-file"
	}
	data["Name"] = name
	path := filepath.Join(c.cfg.ImageDir, name)
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	data["Dir"] = c.cfg.ImageDir
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		c.logger.Error("console: save file", "dir", c.cfg.ImageDir, "err", err)
		return c.cat.Text(lang, "customers.file.failed", data)
	}
	// 0600: a customer list is personal data, unlike a chart.
	if err := os.WriteFile(path, f.Bytes, 0o600); err != nil {
		c.logger.Error("console: save file", "path", path, "err", err)
		return c.cat.Text(lang, "customers.file.failed", data)
	}
	data["Path"] = path
	return c.cat.Text(lang, "customers.file.saved", data)
}
