package console_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dangol/dangol/bots/console"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/locales"
)

// fileHandler answers every line with a CSV file, as /customers' [CSV 받기] does.
type fileHandler struct{}

func (fileHandler) Handle(context.Context, dialog.Message) ([]dialog.Reply, error) {
	return []dialog.Reply{{Text: "목록", Private: true, File: &dialog.File{Name: "../customers.csv", Mime: "text/csv", Bytes: []byte("id,name\r\n")}}}, nil
}

func TestConsole_SavesFiles(t *testing.T) {
	t.Run("Saved", func(t *testing.T) {
		dir := t.TempDir()
		var out bytes.Buffer
		c := console.New(console.Config{In: strings.NewReader("/customers\n"), Out: &out, Handler: fileHandler{}, Catalog: locales.MustLoad(), Quiet: true, ImageDir: dir, Lang: "en"})
		if err := c.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		// The name cannot climb out of the folder.
		path := filepath.Join(dir, "customers.csv")
		st, err := os.Stat(path)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("saved file: %v, %v (want mode 0600: a customer list is personal)", st, err)
		}
		if b, _ := os.ReadFile(path); string(b) != "id,name\r\n" {
			t.Errorf("saved %q", b)
		}
		if want := "[file: customers.csv, 9 bytes → " + path + "]"; !strings.Contains(out.String(), want) {
			t.Errorf("output = %q, want it to contain %q", out.String(), want)
		}
	})
	t.Run("NoDir", func(t *testing.T) {
		var out bytes.Buffer
		c := console.New(console.Config{In: strings.NewReader("/customers\n"), Out: &out, Handler: fileHandler{}, Catalog: locales.MustLoad(), Quiet: true, Lang: "ko"})
		if err := c.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if want := "dangol chat --images"; !strings.Contains(out.String(), want) {
			t.Errorf("output = %q, want how to save it (%q)", out.String(), want)
		}
	})
}
