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
// A Korean particle after a value the message prints is asked of the
// template function josa, which gives the form the value's last sound takes
// (Josa), so a catalog never guesses with 은(는):
//
//	'{{.Word}}'{{josa .Word `은` `는`}} 알아듣지 못했어요
//
// TestNoGuessedParticle fails on a message that prints both forms after a
// field.
//
// Go code names a message by its whole id, one string literal: a key the
// code holds (a weekday, a role, a field) is turned into an id by a switch
// or a table of literal ids beside the code, never by appending it to a
// prefix, and a key no table knows reads as plain words, never as an id.
// TestIDsLiteralInGo reads every Go file of the module and fails on a
// catalog message no file names and on a literal that starts like an id
// ("loyalty.", "clock.") and is no message. WeekdayShort is the one set of
// short weekday names every part prints.
//
// # Caveats
//
// Korean has only the "other" plural form, so messages are written without
// plural variants. An English message about a count asks the template
// function plural for the noun's form, which reads digits already grouped
// ("1", "-1", "1,204") as well as integers (plural.go):
//
//	{{.N}} {{plural .N `point` `points`}}
//
// An id missing from a catalog is returned as the id itself (never a panic
// in chat) and recorded, so tests can fail on it: see Missing.
//
// Messages are made ready once, at load (compiled.go): a message of literal
// text, {{.Field}}s and {{plural .Field …}}s is filled straight from a
// map[string]any of strings and integers, any other template runs through
// text/template parsed once, and go-i18n itself renders only what the fast
// path cannot (plural forms, a message missing in a language). TestCompiledMatchesGoI18n holds every
// message to go-i18n's own output, so a new kind of template or data must
// still print the same; a value the fast path does not print itself (a
// float, a Stringer, a named string type) quietly takes text/template's way.
package locales
