package config

import (
	"flag"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// env turns a map into a getenv function.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// load runs the same sequence main does: env, flags, validate.
func load(t *testing.T, vars map[string]string, args []string) (Config, error) {
	t.Helper()
	c, err := FromEnv(env(vars))
	if err != nil {
		return Config{}, err
	}
	fs := flag.NewFlagSet("qalam", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.Bind(fs)
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	return c, c.Validate()
}

func TestLoad_Precedence(t *testing.T) {
	const key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want Config
	}{
		{
			name: "defaults when nothing is set",
			want: Config{
				Addr: "127.0.0.1:8080", BaseURL: "http://127.0.0.1:8080", DataDir: "qalam-data", MediaDir: "qalam-data/media",
				SiteName: "The Qalam Review", ShutdownTimeout: 20 * time.Second, AddressRetention: 720 * time.Hour, AddressKeyRotation: 720 * time.Hour, SMTPSecurity: "starttls", ModeratorAlertEvery: 30 * time.Minute,
			},
		},
		{
			name: "environment overrides defaults",
			env: map[string]string{
				"QALAM_ADDR": "0.0.0.0:9000", "QALAM_BASE_URL": "https://news.example.org/",
				"QALAM_DATA_DIR": "/var/lib/qalam", "QALAM_DATABASE_URL": "postgres://q@db/qalam",
				"QALAM_SITE_NAME": "قلم", "QALAM_SECRET": key, "QALAM_TRUSTED_PROXIES": "10.0.0.0/8, ::1",
				"QALAM_DEV": "true", "QALAM_DEMO": "1", "QALAM_SHUTDOWN_TIMEOUT": "5s",
			},
			want: Config{
				Addr: "0.0.0.0:9000", BaseURL: "https://news.example.org", DataDir: "/var/lib/qalam", MediaDir: "/var/lib/qalam/media",
				DatabaseURL: "postgres://q@db/qalam", SiteName: "قلم", Secret: key,
				Dev: true, Demo: true, ShutdownTimeout: 5 * time.Second, AddressRetention: 720 * time.Hour, AddressKeyRotation: 720 * time.Hour, SMTPSecurity: "starttls", ModeratorAlertEvery: 30 * time.Minute,
				TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")},
			},
		},
		{
			name: "flags override environment",
			env: map[string]string{
				"QALAM_ADDR": "0.0.0.0:9000", "QALAM_BASE_URL": "https://env.example.org",
				"QALAM_DATA_DIR": "/env", "QALAM_DATABASE_URL": "postgres://env/qalam", "QALAM_SITE_NAME": "Env",
				"QALAM_TRUSTED_PROXIES": "10.0.0.0/8", "QALAM_DEV": "true", "QALAM_DEMO": "true",
				"QALAM_SHUTDOWN_TIMEOUT": "5s",
			},
			args: []string{
				"-addr", "127.0.0.1:7000", "-base-url", "https://flag.example.org", "-data", "/flag",
				"-database", "postgresql://flag/qalam", "-site-name", "Flag", "-trusted-proxies", "192.168.1.1",
				"-dev=false", "-demo=false", "-shutdown-timeout", "1m",
			},
			want: Config{
				Addr: "127.0.0.1:7000", BaseURL: "https://flag.example.org", DataDir: "/flag", MediaDir: "/flag/media",
				DatabaseURL: "postgresql://flag/qalam", SiteName: "Flag",
				ShutdownTimeout: time.Minute, AddressRetention: 720 * time.Hour, AddressKeyRotation: 720 * time.Hour, SMTPSecurity: "starttls", ModeratorAlertEvery: 30 * time.Minute, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("192.168.1.1/32")},
			},
		},
		{
			name: "base URL follows the address flag",
			env:  map[string]string{"QALAM_ADDR": "127.0.0.1:8500"},
			args: []string{"-addr", "127.0.0.1:9000"},
			want: Config{
				Addr: "127.0.0.1:9000", BaseURL: "http://127.0.0.1:9000", DataDir: "qalam-data", MediaDir: "qalam-data/media",
				SiteName: "The Qalam Review", ShutdownTimeout: 20 * time.Second, AddressRetention: 720 * time.Hour, AddressKeyRotation: 720 * time.Hour, SMTPSecurity: "starttls", ModeratorAlertEvery: 30 * time.Minute,
			},
		},
		{
			name: "base URL uses localhost for a wildcard address",
			args: []string{"-addr", ":8080"},
			want: Config{
				Addr: ":8080", BaseURL: "http://localhost:8080", DataDir: "qalam-data", MediaDir: "qalam-data/media",
				SiteName: "The Qalam Review", ShutdownTimeout: 20 * time.Second, AddressRetention: 720 * time.Hour, AddressKeyRotation: 720 * time.Hour, SMTPSecurity: "starttls", ModeratorAlertEvery: 30 * time.Minute,
			},
		},
		{
			name: "base URL brackets an IPv6 address",
			args: []string{"-addr", "[::1]:8080"},
			want: Config{
				Addr: "[::1]:8080", BaseURL: "http://[::1]:8080", DataDir: "qalam-data", MediaDir: "qalam-data/media",
				SiteName: "The Qalam Review", ShutdownTimeout: 20 * time.Second, AddressRetention: 720 * time.Hour, AddressKeyRotation: 720 * time.Hour, SMTPSecurity: "starttls", ModeratorAlertEvery: 30 * time.Minute,
			},
		},
		{
			name: "empty trusted proxies flag clears the environment's list",
			env:  map[string]string{"QALAM_TRUSTED_PROXIES": "10.0.0.0/8"},
			args: []string{"-trusted-proxies", ""},
			want: Config{
				Addr: "127.0.0.1:8080", BaseURL: "http://127.0.0.1:8080", DataDir: "qalam-data", MediaDir: "qalam-data/media",
				SiteName: "The Qalam Review", ShutdownTimeout: 20 * time.Second, AddressRetention: 720 * time.Hour, AddressKeyRotation: 720 * time.Hour, SMTPSecurity: "starttls", ModeratorAlertEvery: 30 * time.Minute,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := load(t, tt.env, tt.args)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestFromEnv_BadValues(t *testing.T) {
	tests := []struct {
		name, variable, value string
	}{
		{"non-boolean QALAM_DEMO refused", "QALAM_DEMO", "maybe"},
		{"non-boolean QALAM_DEV refused", "QALAM_DEV", "yes please"},
		{"prefix length over 32 refused", "QALAM_TRUSTED_PROXIES", "10.0.0.0/33"},
		{"host name among proxies refused", "QALAM_TRUSTED_PROXIES", "10.0.0.0/8,proxy.local"},
		{"timeout without unit refused", "QALAM_SHUTDOWN_TIMEOUT", "20"},
		{"short secret refused", "QALAM_SECRET", "c2hvcnQ="},
		{"secret neither hex nor base64 refused", "QALAM_SECRET", "not a secret at all!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromEnv(env(map[string]string{tt.variable: tt.value}))
			if err == nil {
				t.Fatal("got nil error")
			}
			if !strings.Contains(err.Error(), tt.variable) {
				t.Errorf("error %q does not name %s", err, tt.variable)
			}
		})
	}
}

func TestFromEnv_SecretNotEchoed(t *testing.T) {
	_, err := FromEnv(env(map[string]string{"QALAM_SECRET": "c2VjcmV0c2VjcmV0"}))
	if err == nil || strings.Contains(err.Error(), "c2VjcmV0c2VjcmV0") {
		t.Errorf("got %v, want an error that does not repeat the secret", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string // "" = valid
	}{
		{"valid with port zero", []string{"-addr", "127.0.0.1:0"}, ""},
		{"valid with postgresql scheme", []string{"-database", "postgresql://u:p@h/db?sslmode=disable"}, ""},
		{"refused without a port", []string{"-addr", "127.0.0.1"}, "addr"},
		{"refused with a non-numeric port", []string{"-addr", "127.0.0.1:http"}, "port"},
		{"refused with a port out of range", []string{"-addr", "127.0.0.1:70000"}, "port"},
		{"refused with a relative base URL", []string{"-base-url", "news.example.org"}, "base URL"},
		{"refused with a non-http base URL", []string{"-base-url", "ftp://news.example.org"}, "base URL"},
		{"refused with a base URL query", []string{"-base-url", "https://news.example.org/?a=b"}, "base URL"},
		{"refused with a mysql database", []string{"-database", "mysql://u:hunter2@h/db"}, "database URL"},
		{"refused with an empty data directory", []string{"-data", ""}, "data directory"},
		{"refused with a blank site name", []string{"-site-name", "  "}, "site name"},
		{"refused with a zero shutdown timeout", []string{"-shutdown-timeout", "0s"}, "shutdown timeout"},
		{"valid with a weekly address key", []string{"-address-key-rotation", "168h"}, ""},
		{"refused with an address key lasting minutes", []string{"-address-key-rotation", "10m"}, "address key rotation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, nil, tt.args)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("got %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("got %v, want an error mentioning %q", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q leaks the database password", err)
			}
		})
	}
}

func TestBind_UsageNamesEnvironment(t *testing.T) {
	var c Config
	fs := flag.NewFlagSet("qalam", flag.ContinueOnError)
	c.Bind(fs)
	fs.VisitAll(func(f *flag.Flag) {
		if !strings.Contains(f.Usage, "QALAM_") {
			t.Errorf("-%s usage %q does not name its environment variable", f.Name, f.Usage)
		}
	})
	if fs.Lookup("secret") != nil {
		t.Error("a -secret flag exists; secrets must not appear in process listings")
	}
}

func TestBind_HelpHidesDatabasePassword(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"QALAM_DATABASE_URL": "postgres://qalam:hunter2@db/qalam"}))
	if err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("qalam", flag.ContinueOnError)
	var help strings.Builder
	fs.SetOutput(&help)
	c.Bind(fs)
	fs.PrintDefaults()
	if strings.Contains(help.String(), "hunter2") {
		t.Errorf("-help shows the database password:\n%s", help.String())
	}
	if err := fs.Parse(nil); err != nil || c.DatabaseURL != "postgres://qalam:hunter2@db/qalam" {
		t.Errorf("DatabaseURL = %q, %v; want the environment's URL intact", c.DatabaseURL, err)
	}
}

func TestDatabaseDSN(t *testing.T) {
	tests := []struct {
		name string
		c    Config
		want string
	}{
		{"SQLite file in the data directory", Config{DataDir: "data"}, filepath.Join("data", "qalam.db")},
		{"PostgreSQL URL as given", Config{DataDir: "data", DatabaseURL: "postgres://h/db"}, "postgres://h/db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.DatabaseDSN(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLoadSecret_FileCreatedOnceAndReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // does not exist yet
	c := Config{DataDir: dir}

	first, err := c.LoadSecret()
	if err != nil {
		t.Fatalf("first LoadSecret: %v", err)
	}
	if len(first) != 32 {
		t.Errorf("got %d bytes, want 32", len(first))
	}
	path := filepath.Join(dir, "secret.key")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	di, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("secret.key mode %#o, want 0600", got)
		}
		if got := di.Mode().Perm(); got != 0o700 {
			t.Errorf("data directory mode %#o, want 0700", got)
		}
	}

	second, err := c.LoadSecret()
	if err != nil {
		t.Fatalf("second LoadSecret: %v", err)
	}
	if string(first) != string(second) {
		t.Error("second LoadSecret returned a different key; want the stored one")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("data directory holds %d entries, want only secret.key", len(entries))
	}

	// The file's content is valid as QALAM_SECRET, which is how an operator
	// moves from one node to several.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fromEnv, err := FromEnv(env(map[string]string{"QALAM_SECRET": string(data)}))
	if err != nil {
		t.Fatalf("secret.key content refused as QALAM_SECRET: %v", err)
	}
	third, err := fromEnv.LoadSecret()
	if err != nil || string(third) != string(first) {
		t.Errorf("QALAM_SECRET from secret.key gave %x, %v; want the same key", third, err)
	}
}

func TestLoadSecret(t *testing.T) {
	tests := []struct {
		name    string
		secret  string
		wantLen int // 0 = refused
	}{
		{"hex accepted", strings.Repeat("ab", 32), 32},
		{"padded base64 accepted", "q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k=", 32},
		{"raw URL base64 accepted", "q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4mrze8", 35},
		{"too short refused", strings.Repeat("ab", 31), 0},
		{"garbage refused", "correct horse battery staple", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			c := Config{DataDir: dir, Secret: tt.secret}
			got, err := c.LoadSecret()
			if tt.wantLen == 0 {
				if err == nil {
					t.Fatalf("got %d bytes, want an error", len(got))
				}
			} else if err != nil || len(got) != tt.wantLen {
				t.Fatalf("got %d bytes, %v; want %d bytes", len(got), err, tt.wantLen)
			}
			if _, err := os.Stat(filepath.Join(dir, "secret.key")); !os.IsNotExist(err) {
				t.Error("secret.key was written although QALAM_SECRET is set")
			}
		})
	}
}

func TestLoadSecret_RefusesReadableFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "secret.key"), []byte(strings.Repeat("ab", 32)), 0o644); err != nil {
		t.Fatal(err)
	}
	c := Config{DataDir: dir}
	if _, err := c.LoadSecret(); err == nil || !strings.Contains(err.Error(), "chmod") {
		t.Errorf("got %v, want an error telling the operator to chmod", err)
	}
}
