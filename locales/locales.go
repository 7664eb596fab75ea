package locales

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed *.toml
var files embed.FS

// Languages lists the languages dangol speaks, the first being the default.
var Languages = []string{"ko", "en"}

// Catalog looks up localised messages. It is safe for concurrent use.
type Catalog struct {
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
	ids        map[string]map[string]bool // lang -> message ids
	// msgs holds each message of each language made ready at load
	// (compiled.go): what Text fills, go-i18n rendering only what it alone
	// can (plural forms).
	msgs map[string]map[string]*compiled

	mu      sync.Mutex
	missing map[string]bool // "lang:id" looked up but absent
}

// Load reads the embedded catalogs.
func Load() (*Catalog, error) {
	return LoadFS(files)
}

// MustLoad is Load for main and tests: the catalogs are embedded, so an error
// is a build defect, not a runtime condition.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// LoadFS reads every *.toml file at the root of fsys as a catalog.
func LoadFS(fsys fs.FS) (*Catalog, error) {
	b := i18n.NewBundle(language.Korean)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalog{bundle: b, localizers: map[string]*i18n.Localizer{}, ids: map[string]map[string]bool{}, missing: map[string]bool{},
		msgs: map[string]map[string]*compiled{}}
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, fmt.Errorf("locales: list catalogs: %w", err)
	}
	for _, name := range names {
		mf, err := b.LoadMessageFileFS(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("locales: load %s: %w", name, err)
		}
		lang := mf.Tag.String()
		if !slices.Contains(Languages, lang) {
			return nil, fmt.Errorf("locales: %s: unsupported language %q", name, lang)
		}
		if c.ids[lang] == nil {
			c.ids[lang] = map[string]bool{}
			c.msgs[lang] = map[string]*compiled{}
		}
		for _, m := range mf.Messages {
			if c.ids[lang][m.ID] {
				return nil, fmt.Errorf("locales: %s: message %q defined twice", name, m.ID)
			}
			c.ids[lang][m.ID] = true
			cm := compile(m)
			c.msgs[lang][m.ID] = &cm
		}
	}
	for _, lang := range Languages {
		c.localizers[lang] = i18n.NewLocalizer(b, lang)
	}
	return c, nil
}

// Normalize maps any language tag ("ko-KR", "en_US", "") to one dangol
// speaks: Korean for ko*, English for any other non-empty tag, and Korean
// (the default) for an empty one.
func Normalize(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	switch {
	case tag == "":
		return Languages[0]
	case strings.HasPrefix(tag, "ko"):
		return "ko"
	default:
		return "en"
	}
}

// Text returns message id in lang, its template filled with data (a map or
// struct, may be nil). A missing id is returned as the id itself and recorded.
func (c *Catalog) Text(lang, id string, data any) string {
	lang = Normalize(lang)
	if m := c.msgs[lang][id]; m != nil {
		if s, ok := m.render(data); ok {
			return s
		}
	} else {
		c.mu.Lock()
		c.missing[lang+":"+id] = true
		c.mu.Unlock()
		if !c.ids[Languages[0]][id] && !c.ids["en"][id] {
			return id
		}
	}
	return c.localize(lang, id, data)
}

// localize is Text through go-i18n itself: for what compile left to it,
// and for a message missing in lang (go-i18n falls back to Korean's).
func (c *Catalog) localize(lang, id string, data any) string {
	s, err := c.localizers[lang].Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, Funcs: funcs})
	if err != nil && s == "" {
		return id
	}
	return s
}

// Has reports whether lang's catalog defines id.
func (c *Catalog) Has(lang, id string) bool {
	return c.ids[Normalize(lang)][id]
}

// IDs returns the sorted message ids defined for lang.
func (c *Catalog) IDs(lang string) []string {
	var out []string
	for id := range c.ids[Normalize(lang)] {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Missing returns the "lang:id" pairs that Text was asked for and no catalog
// of that language defines, sorted. Tests assert it is empty after driving
// every flow.
func (c *Catalog) Missing() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for k := range c.missing {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
