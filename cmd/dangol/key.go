package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dangol/dangol/ledger"
)

// The master key. dangol seals every personal value in the data file with
// keys wrapped by one master key, read from DANGOL_KEY (base64) or from the
// key file DANGOL_KEY_FILE (default: dangol.key beside the data file), a
// line of base64. On the first start without a key file (no data file yet,
// or one from before sealing, which Open then migrates) dangol makes one,
// mode 0600, and says to keep a copy apart from the backups. A sealed data
// file whose key file is missing is refused, never given a new key.

// DefaultKeyFile is the key file's name beside the data file.
const DefaultKeyFile = "dangol.key"

// keyFile returns the path of the key file for the data file db.
func (m *Main) keyFile(db string) string {
	if p := strings.TrimSpace(m.Getenv("DANGOL_KEY_FILE")); p != "" {
		return p
	}
	return filepath.Join(filepath.Dir(db), DefaultKeyFile)
}

// ledgerOptions returns the options that open the data file db: its master
// key, and the erased-keys list beside the key file (or beside db when the
// key comes from DANGOL_KEY). When create is set and db needs a key that
// does not exist yet, it makes the key file.
func (m *Main) ledgerOptions(db string, create bool) (*ledger.Options, error) {
	lang := m.Config.Lang
	if env := strings.TrimSpace(m.Getenv("DANGOL_KEY")); env != "" {
		key, err := decodeKey(env)
		if err != nil {
			return nil, &localError{m.Catalog.Text(lang, "privacy.err.key_env", nil), err}
		}
		return &ledger.Options{Key: key, ErasedKeys: db + ".erased"}, nil
	}
	path := m.keyFile(db)
	opts := &ledger.Options{ErasedKeys: path + ".erased"}
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		if opts.Key, err = decodeKey(string(data)); err != nil {
			return nil, &localError{m.Catalog.Text(lang, "privacy.err.key_bad", map[string]any{"Key": path}), err}
		}
		return opts, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	sealed, err := ledger.Sealed(db, 0)
	if err != nil {
		return nil, err
	}
	if sealed || !create {
		return nil, &localError{m.Catalog.Text(lang, "privacy.err.key_missing", map[string]any{"Key": path, "DB": db}), fs.ErrNotExist}
	}
	if opts.Key, err = m.createKeyFile(path); err != nil {
		return nil, err
	}
	_, statErr := os.Stat(db)
	id := "privacy.key.created"
	if statErr == nil {
		id = "privacy.key.created_migrating"
	}
	fmt.Fprintln(m.Stderr, m.Catalog.Text(lang, id, map[string]any{"Key": path, "DB": db}))
	m.Logger.Warn("new master key created: keep a copy apart from the data file and its backups; without it the data cannot be read",
		"key_file", path, "db", db)
	return opts, nil
}

// createKeyFile writes a new master key to path (mode 0600, never over an
// existing file) and returns it.
func (m *Main) createKeyFile(path string) ([]byte, error) {
	key, err := ledger.NewKey()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	return key, nil
}

// syncDir makes a new file's name durable; failure only weakens crash safety.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// decodeKey reads a master key written as base64 (standard or URL
// alphabet, padded or not), surrounding space ignored.
func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil {
			if len(key) != ledger.KeySize {
				return nil, fmt.Errorf("%w: %d bytes, want %d", ledger.ErrBadKey, len(key), ledger.KeySize)
			}
			return key, nil
		}
	}
	return nil, fmt.Errorf("%w: not base64", ledger.ErrBadKey)
}

// withKey returns opts (a fresh Options when nil) with the master key of
// the data file db and its erased-keys list. A rehearsal copy (chat --at)
// gets no list: what is erased there must not reach the shop's file.
func (m *Main) withKey(db string, opts *ledger.Options, create bool) (*ledger.Options, error) {
	rehearsing := m.rehearsal != nil && db == m.rehearsal.copy
	if rehearsing && strings.TrimSpace(m.Getenv("DANGOL_KEY")) == "" {
		if _, err := os.Stat(m.keyFile(db)); errors.Is(err, fs.ErrNotExist) {
			// A rehearsal without a shop ledger yet: a key for the
			// copy alone, in memory, gone with it.
			create = false
			key, err := ledger.NewKey()
			if err != nil {
				return nil, err
			}
			out := ledger.Options{}
			if opts != nil {
				out = *opts
			}
			out.Key = key
			return &out, nil
		}
	}
	k, err := m.ledgerOptions(db, create)
	if err != nil {
		return nil, err
	}
	out := ledger.Options{}
	if opts != nil {
		out = *opts
	}
	out.Key, out.ErasedKeys = k.Key, k.ErasedKeys
	if rehearsing {
		out.ErasedKeys = ""
	}
	return &out, nil
}

// keyName names where the key of db comes from, for messages.
func (m *Main) keyName(db string) string {
	if strings.TrimSpace(m.Getenv("DANGOL_KEY")) != "" {
		return "DANGOL_KEY"
	}
	return m.keyFile(db)
}

// keyCommand runs `dangol key check FILE`: it checks, reading only, that
// the master key of the data file (DANGOL_KEY, or its key file) opens FILE,
// the data file itself or a backup.
func (m *Main) keyCommand(sub, file string) error {
	if sub != "check" {
		return m.usage("privacy.err.key_usage", map[string]any{"Sub": sub})
	}
	lang := m.Config.Lang
	opts, err := m.ledgerOptions(m.Config.DB, false)
	if err != nil {
		return err
	}
	err = ledger.CheckKey(file, opts.Key)
	switch {
	case errors.Is(err, ledger.ErrWrongKey):
		return &localError{m.Catalog.Text(lang, "privacy.err.wrong_key", map[string]any{"Key": m.keyName(m.Config.DB), "DB": file}), err}
	case errors.Is(err, ledger.ErrNotSealed):
		return &localError{m.Catalog.Text(lang, "privacy.err.not_sealed", map[string]any{"DB": file}), err}
	case errors.Is(err, ledger.ErrDamaged):
		return &localError{m.Catalog.Text(lang, "privacy.err.check_damaged", map[string]any{"DB": file, "Detail": err.Error()}), err}
	case err != nil:
		return err
	}
	_, err = fmt.Fprintln(m.Stdout, m.Catalog.Text(lang, "privacy.key.check_ok", map[string]any{"Key": m.keyName(m.Config.DB), "DB": file}))
	return err
}
