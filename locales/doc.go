// Package locales owns every user-visible string of dangol, in Korean and
// English.
//
// # Basics
//
// Catalogs are TOML files named AREA.LANG.toml (core.ko.toml, telegram.en.toml,
// …) embedded with embed.FS, so each part of dangol keeps its own file and no
// two parts edit the same one. A Catalog looks a message up by its id and
// fills its {{.Field}} template with data:
//
//	cat := locales.MustLoad()
//	cat.Text("ko", "points.balance", map[string]any{"Points": 1200})
//
// # Caveats
//
// Korean has only the "other" plural form, so messages are written without
// plural variants. An id missing from a catalog is returned as the id itself
// (never a panic in chat) and recorded, so tests can fail on it: see Missing.
package locales
