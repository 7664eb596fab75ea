package locales

import (
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// compiled is one message of one language made ready once, at load, so
// that Text neither matches languages nor looks the message up in
// go-i18n's bundle for every reply, and fills the common template (literal
// text and {{.Field}}s) without text/template's reflection.
type compiled struct {
	src   string             // the message as written
	tmpl  *template.Template // the parsed template; nil: src as it is
	parts []part             // tmpl as literal text and fields, when that is all it holds
	// slow says go-i18n must render it (plural forms, own delimiters):
	// Text then asks the localizer, as before.
	slow bool
}

// part is a literal (field "") or a {{.field}} of a simple template, or
// with one set the {{plural .field one other}} of it (plural.go).
type part struct {
	lit, field string
	plural     bool
	one, other string
}

// compile readies m's text as go-i18n's TextParser would run it: no
// template when it has no "{{", text/template with missingkey=default
// otherwise.
func compile(m *i18n.Message) compiled {
	if m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != "" || m.LeftDelim != "" || m.RightDelim != "" || m.Other == "" {
		return compiled{slow: true}
	}
	c := compiled{src: m.Other}
	if !strings.Contains(m.Other, "{{") {
		return c
	}
	tmpl, err := template.New("").Funcs(funcs).Option("missingkey=default").Parse(m.Other)
	if err != nil {
		// go-i18n fails the same way at every Text: let it.
		return compiled{slow: true}
	}
	c.tmpl = tmpl
	if parts, ok := fieldsOnly(tmpl); ok {
		c.parts = parts
	}
	return c
}

// fieldsOnly returns tmpl as literals and plain {{.Field}} references, if
// that is all it is.
func fieldsOnly(tmpl *template.Template) ([]part, bool) {
	if tmpl.Tree == nil || tmpl.Root == nil || len(tmpl.Templates()) > 1 {
		return nil, false
	}
	var parts []part
	for _, n := range tmpl.Root.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			parts = append(parts, part{lit: string(n.Text)})
		case *parse.ActionNode:
			if len(n.Pipe.Decl) > 0 || len(n.Pipe.Cmds) != 1 {
				return nil, false
			}
			p, ok := fieldPart(n.Pipe.Cmds[0].Args)
			if !ok {
				return nil, false
			}
			parts = append(parts, p)
		default:
			return nil, false
		}
	}
	return parts, true
}

// fieldPart reads the arguments of an action that is a plain {{.Field}}
// or {{plural .Field "one" "other"}}, which every figure of points takes.
func fieldPart(args []parse.Node) (part, bool) {
	field := func(n parse.Node) (string, bool) {
		f, ok := n.(*parse.FieldNode)
		if !ok || len(f.Ident) != 1 {
			return "", false
		}
		return f.Ident[0], true
	}
	switch len(args) {
	case 1:
		name, ok := field(args[0])
		return part{field: name}, ok
	case 4:
		fn, ok := args[0].(*parse.IdentifierNode)
		if !ok || fn.Ident != "plural" {
			return part{}, false
		}
		name, ok := field(args[1])
		one, ok1 := args[2].(*parse.StringNode)
		other, ok2 := args[3].(*parse.StringNode)
		if !ok || !ok1 || !ok2 {
			return part{}, false
		}
		return part{field: name, plural: true, one: one.Text, other: other.Text}, true
	}
	return part{}, false
}

// render fills the message with data; ok is false when only go-i18n can.
func (c *compiled) render(data any) (s string, ok bool) {
	if c.slow {
		return "", false
	}
	if c.tmpl == nil {
		return c.src, true
	}
	if c.parts != nil {
		if s, ok := c.fill(data); ok {
			return s, true
		}
	}
	// Executing a parsed template is safe from many goroutines at once.
	var b strings.Builder
	if err := c.tmpl.Execute(&b, data); err != nil {
		return "", false
	}
	return b.String(), true
}

// fill writes a simple template from a map[string]any whose fields are
// all there and are strings or integers, printed as text/template prints
// them; ok is false for any other data (a struct, a missing key, a float,
// a Stringer), which text/template renders instead.
func (c *compiled) fill(data any) (string, bool) {
	m, ok := data.(map[string]any)
	if !ok {
		return "", false
	}
	n := 0
	for _, p := range c.parts {
		n += len(p.lit)
	}
	buf := make([]byte, 0, n+16*len(c.parts))
	for _, p := range c.parts {
		if p.field == "" {
			buf = append(buf, p.lit...)
			continue
		}
		if p.plural {
			switch v := m[p.field].(type) {
			case string, int, int64, int32:
				buf = append(buf, pluralOf(v, p.one, p.other)...)
			default:
				return "", false
			}
			continue
		}
		switch v := m[p.field].(type) {
		case string:
			buf = append(buf, v...)
		case int:
			buf = strconv.AppendInt(buf, int64(v), 10)
		case int64:
			buf = strconv.AppendInt(buf, v, 10)
		case int32:
			buf = strconv.AppendInt(buf, int64(v), 10)
		default:
			return "", false
		}
	}
	return string(buf), true
}
