package locales

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// goLiterals returns every string literal of the module's Go files, tests
// left out, unquoted, with where each first appears: what the code can name
// a message by.
func goLiterals(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					if _, seen := out[s]; !seen {
						out[s] = fset.Position(lit.Pos()).String()
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// notIDs are the literals that start like a catalog's ids and are none:
// each is named here with what it is, so that any other such literal is
// read as an id and checked.
var notIDs = map[string]string{
	"telegram.update": "the ledger cursor of Telegram's updates (bots/telegram)",
	"telegram.bot":    "the ledger's key of the bot's username (ledger)",
	"bench.db":        "the benchmark's database file (cmd/dangol)",
}

// TestIDsLiteralInGo: the module's Go code names every message by its whole
// id, as one string literal, so that this test can hold the code and the
// catalogs to each other: every catalog message is named somewhere (none is
// dead), and every literal that starts like a catalog's ids (an area such
// as "loyalty." or "clock.") is a message of every language. A literal that
// only begins an id ("loyalty.field.", "x.too_long_", "x.%s") is an id
// built at run time, which neither half could check: name each id whole,
// in a switch or a table of the keys.
func TestIDsLiteralInGo(t *testing.T) {
	c := MustLoad()
	lits := goLiterals(t, "..")
	areas := map[string]bool{}
	for _, lang := range Languages {
		for _, id := range c.IDs(lang) {
			area, _, _ := strings.Cut(id, ".")
			areas[area+"."] = true
			if _, ok := lits[id]; !ok {
				t.Errorf("%s (%s) is in the catalog but no Go file names it", id, lang)
			}
		}
	}
	named := 0
	for s, at := range lits {
		area, _, ok := strings.Cut(s, ".")
		if _, isnt := notIDs[s]; isnt || !ok || !areas[area+"."] || strings.ContainsAny(s, " \n") {
			continue // not an id: "dangol.db", a sentence
		}
		named++
		for _, lang := range Languages {
			if !c.Has(lang, s) {
				t.Errorf("%s: %q is not a message of the %s catalog (an id built at run time, or a message missing)", at, s, lang)
			}
		}
	}
	for s := range notIDs {
		if _, ok := lits[s]; !ok || c.Has(Languages[0], s) {
			t.Errorf("notIDs holds %q, which no Go file names or which is a message: drop it", s)
		}
	}
	if named < 1000 {
		t.Errorf("found only %d ids in the Go files: is the walk still reading the module?", named)
	}
}
