package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// secretFile is the name of the generated secret inside DataDir.
const secretFile = "secret.key"

// LoadSecret returns the key that signs and encrypts what Qalam hands to
// browsers (commenter tokens, form timestamps, keyed IP hashes).
//
// When QALAM_SECRET is set it is decoded (hex or base64, at least 32 bytes).
// Otherwise DataDir/secret.key is read, or created with 32 random bytes on the
// first start (DataDir 0700, file 0600) and reused afterwards, so signatures
// survive restarts.
//
// Several nodes behind one load balancer must share one QALAM_SECRET: each
// node would otherwise generate its own secret.key, and a token signed by one
// node would be refused by the next. `cat DataDir/secret.key` gives a value
// to copy into QALAM_SECRET on every node.
func (c *Config) LoadSecret() ([]byte, error) {
	if c.Secret != "" {
		b, err := decodeSecret(c.Secret)
		if err != nil {
			return nil, fmt.Errorf("config: QALAM_SECRET: %w", err)
		}
		return b, nil
	}
	path := filepath.Join(c.DataDir, secretFile)
	b, err := readSecretFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		b, err = createSecretFile(c.DataDir, path)
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return b, nil
}

func readSecretFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	// Like ssh with its keys: a secret others can read is no longer a secret,
	// so refuse loudly rather than carry on. Windows has no such mode bits.
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s is readable by other users (mode %#o); run chmod 600 on it", path, fi.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b, err := decodeSecret(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// createSecretFile writes the new secret to a temporary file and links it
// into place: a crash never leaves a half-written secret.key, and of two
// processes starting together exactly one wins and the other reads its key.
func createSecretFile(dir, path string) ([]byte, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	key := make([]byte, minSecretBytes)
	rand.Read(key) // never returns an error; it crashes the program instead

	tmp, err := os.CreateTemp(dir, ".secret-*.tmp") // created 0600
	if err != nil {
		return nil, fmt.Errorf("create secret: %w", err)
	}
	defer os.Remove(tmp.Name())
	// Stored as hex so the operator can copy it into QALAM_SECRET verbatim.
	_, err = tmp.WriteString(hex.EncodeToString(key) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("write secret: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readSecretFile(path)
		}
		return nil, fmt.Errorf("install secret: %w", err)
	}
	syncDir(dir)
	return key, nil
}

// syncDir makes the new directory entry durable. Best effort: some systems
// cannot fsync a directory, and the file itself is already on disk.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
